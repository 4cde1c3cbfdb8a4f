/* hp: see LICENSE. */
/* t_json.c: the writer's exact output and escapes, and the flat reader. */

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/hp.h"
#include "unit.h"

/* The JSON string s writes, as hp_json_strn sees it. */
static const char *
jstr(struct hp_buf *b, const char *s, size_t n)
{
	struct hp_json j;

	b->len = 0;
	hp_json_init(&j, b);
	hp_json_strn(&j, s, n);
	return hp_buf_str(b);
}

#define JS(b, lit)	jstr((b), (lit), sizeof(lit) - 1)

/*
 * An independent check that p is one valid JSON string: quoted, no raw
 * control bytes, known escapes only, and valid UTF-8 throughout.
 */
static int
valid_string(const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	unsigned long u;
	int i, k;

	if (*p++ != '"')
		return 0;
	while (*p != '"') {
		if (*p < 0x20)
			return 0;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (i = 1; i <= 4; i++)
					if (strchr("0123456789abcdefABCDEF",
					    p[i]) == NULL || p[i] == '\0')
						return 0;
				p += 5;
			} else if (*p != '\0' && strchr("\"\\/bfnrt", *p))
				p++;
			else
				return 0;
			continue;
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			k = 1, u = *p & 0x1f;
		else if (*p >= 0xe0 && *p <= 0xef)
			k = 2, u = *p & 0x0f;
		else if (*p >= 0xf0 && *p <= 0xf4)
			k = 3, u = *p & 0x07;
		else
			return 0;
		for (i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			u = u << 6 | (p[i] & 0x3f);
		}
		if ((k == 2 && u < 0x800) || (k == 3 && u < 0x10000) ||
		    (u >= 0xd800 && u <= 0xdfff) || u > 0x10ffff ||
		    u == 0x2028 || u == 0x2029)
			return 0;
		p += k + 1;
	}
	return p[1] == '\0';
}

static void
writer(void)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	int i;

	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kint(&j, "a", 1);
	hp_json_kstr(&j, "b", "x");
	hp_json_kbool(&j, "c", 1);
	hp_json_key(&j, "d");
	hp_json_null(&j);
	hp_json_key(&j, "e");
	hp_json_open(&j, '[');
	hp_json_int(&j, 1);
	hp_json_int(&j, -2);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "f", 0);
	hp_json_close(&j, '}');
	hp_json_open(&j, '[');
	hp_json_close(&j, ']');
	hp_json_str(&j, "s");
	hp_json_close(&j, ']');
	hp_json_key(&j, "g");
	hp_json_open(&j, '{');
	hp_json_close(&j, '}');
	hp_json_kstr(&j, "h", NULL);
	hp_json_close(&j, '}');
	CHECK_STR(hp_buf_str(&b), "{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null,"
	    "\"e\":[1,-2,{\"f\":false},[],\"s\"],\"g\":{},\"h\":null}");
	CHECK(j.depth == 0);

	b.len = 0;
	hp_json_init(&j, &b);
	hp_json_open(&j, '[');
	hp_json_open(&j, '[');
	hp_json_close(&j, ']');
	hp_json_open(&j, '[');
	hp_json_int(&j, LLONG_MIN);
	hp_json_int(&j, LLONG_MAX);
	hp_json_int(&j, 0);
	hp_json_close(&j, ']');
	hp_json_bool(&j, 0);
	hp_json_close(&j, ']');
	CHECK_STR(hp_buf_str(&b), "[[],[-9223372036854775808,"
	    "9223372036854775807,0],false]");

	b.len = 0;
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_key(&j, "k\"\n");
	hp_json_num(&j, 1.5);
	hp_json_close(&j, '}');
	CHECK_STR(hp_buf_str(&b), "{\"k\\\"\\n\":1.5}");

	/* Nesting past the cap is a bug in the caller, but must not crash. */
	b.len = 0;
	hp_json_init(&j, &b);
	for (i = 0; i < 40; i++)
		hp_json_open(&j, '[');
	for (i = 0; i < 40; i++)
		hp_json_close(&j, ']');
	CHECK(b.len == 80);
	CHECK(j.depth == 0);
	hp_buf_free(&b);
}

static const char *
num(struct hp_buf *b, double v)
{
	struct hp_json j;

	b->len = 0;
	hp_json_init(&j, b);
	hp_json_num(&j, v);
	return hp_buf_str(b);
}

static void
numbers(void)
{
	struct hp_buf b = { 0 };
	volatile double zero = 0.0;

	CHECK_STR(num(&b, 1.5), "1.5");
	CHECK_STR(num(&b, 2.0), "2");
	CHECK_STR(num(&b, 0), "0");
	CHECK_STR(num(&b, -0.0), "0");
	CHECK_STR(num(&b, -0.0001), "0");
	CHECK_STR(num(&b, 0.1234), "0.123");
	CHECK_STR(num(&b, 0.25), "0.25");
	CHECK_STR(num(&b, -1.25), "-1.25");
	CHECK_STR(num(&b, 100), "100");
	CHECK_STR(num(&b, 10.5), "10.5");
	CHECK_STR(num(&b, 1234.5678), "1234.568");
	CHECK_STR(num(&b, -3.0), "-3");
	CHECK_STR(num(&b, 999999999999999.0), "999999999999999");
	CHECK_STR(num(&b, 1e15), "1000000000000000");
	CHECK_STR(num(&b, -1e15), "-1000000000000000");
	CHECK_STR(num(&b, 1e20), "100000000000000000000");
	CHECK_STR(num(&b, zero / zero), "null");
	CHECK_STR(num(&b, 1 / zero), "null");
	CHECK_STR(num(&b, -1 / zero), "null");
	CHECK(strlen(num(&b, 1.7976931348623157e308)) == 309);
	hp_buf_free(&b);
}

static void
strings(void)
{
	static const char awkward[] =
	    "\xe2\x80\xa8\xc3\xed\xf0\x9f\xbf\x80\0\n";
	struct hp_buf b = { 0 };
	char s[24];
	unsigned long x = 12345;
	size_t i, n, bad = 0;

	CHECK_STR(JS(&b, ""), "\"\"");
	CHECK_STR(JS(&b, "plain text"), "\"plain text\"");
	CHECK_STR(JS(&b, "a\"b\\c/"), "\"a\\\"b\\\\c/\"");
	CHECK_STR(JS(&b, "\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
	CHECK_STR(JS(&b, "\x01\x1f\x7f\x1b"),
	    "\"\\u0001\\u001f\\u007f\\u001b\"");
	CHECK_STR(JS(&b, "a\0b"), "\"a\\u0000b\"");
	/* Valid UTF-8 goes through as it is. */
	CHECK_STR(JS(&b, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	CHECK_STR(JS(&b,
	    "\xf4\x8f\xbf\xbf\xef\xbf\xbf\xed\x9f\xbf\xee\x80\x80"),
	    "\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"");
	CHECK_STR(JS(&b, "\xc2\x80\xdf\xbf\xe0\xa0\x80\xf0\x90\x80\x80"),
	    "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xf0\x90\x80\x80\"");
	/* Line and paragraph separators are escaped; U+2027 is not. */
	CHECK_STR(JS(&b, "\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xa7"),
	    "\"\\u2028\\u2029\xe2\x80\xa7\"");
	/* Each bad byte becomes one U+FFFD. */
#define R "\xef\xbf\xbd"
	CHECK_STR(JS(&b, "\xff"), "\"" R "\"");
	CHECK_STR(JS(&b, "a\xfe" "b"), "\"a" R "b\"");
	CHECK_STR(JS(&b, "\x80"), "\"" R "\"");
	CHECK_STR(JS(&b, "\xc0\x80"), "\"" R R "\"");
	CHECK_STR(JS(&b, "\xc1\xbf"), "\"" R R "\"");
	CHECK_STR(JS(&b, "\xe0\x80\x80"), "\"" R R R "\"");
	CHECK_STR(JS(&b, "\xe0\x9f\xbf"), "\"" R R R "\"");
	CHECK_STR(JS(&b, "\xed\xa0\x80"), "\"" R R R "\"");
	CHECK_STR(JS(&b, "\xed\xbf\xbf"), "\"" R R R "\"");
	CHECK_STR(JS(&b, "\xf0\x80\x80\x80"), "\"" R R R R "\"");
	CHECK_STR(JS(&b, "\xf4\x90\x80\x80"), "\"" R R R R "\"");
	CHECK_STR(JS(&b, "\xf5\x80\x80\x80"), "\"" R R R R "\"");
	CHECK_STR(JS(&b, "\xe2\x82"), "\"" R R "\"");
	CHECK_STR(JS(&b, "\xe2\x82x"), "\"" R R "x\"");
	CHECK_STR(JS(&b, "a\xc3"), "\"a" R "\"");
	CHECK_STR(JS(&b, "\xc3\xc3\xa9"), "\"" R "\xc3\xa9\"");
	CHECK_STR(JS(&b, "\xf0\x9f\x98"), "\"" R R R "\"");
	CHECK_STR(JS(&b, "\xe2\x80\xa8\xe2\x80"), "\"\\u2028" R R "\"");
#undef R
	/* Random bytes, weighted to the awkward ones: always valid JSON. */
	for (i = 0; i < 20000; i++) {
		for (n = 0; n < i % sizeof s; n++) {
			x = x * 1103515245 + 12345;
			s[n] = (char)(x >> 16 & 0xff);
			if (x >> 8 & 1)
				s[n] = awkward[(x >> 24) % 11];
		}
		bad += !valid_string(jstr(&b, s, n));
	}
	CHECK(bad == 0);
	CHECK(!valid_string("\"\xff\""));
	CHECK(!valid_string("\"a\nb\""));
	CHECK(!valid_string("\"\xed\xa0\x80\""));
	CHECK(valid_string("\"\\u2028\""));
	hp_buf_free(&b);
}

static int
get(const char *json, const char *key, const char *want)
{
	char out[256];

	memset(out, 'Z', sizeof out);
	if (hp_json_get(json, key, out, sizeof out) == -1)
		return want == NULL;
	if (want == NULL || strcmp(out, want) != 0) {
		fprintf(stderr, "json_get %s: got \"%s\"\n", key, out);
		return 0;
	}
	return 1;
}

static void
reader(void)
{
	const char *flat = "{\"a\":\"x\",\"b\":12,\"c\":true,\"d\":null,"
	    "\"e\":-1.5e3,\"f\":\"\",\"g\":false}";
	const char *nest = " {\n \"o\" : {\"a\":\"inner\",\"k\":[1,{\"a\":2}]},"
	    " \"s\" : \"has \\\"a\\\": 1 , }\", \"l\":[\"a\",[],{}],"
	    "\"a\" : \"outer\" , \"z\":{\"a\":{\"a\":[]}} } ";
	struct hp_buf b = { 0 };
	struct hp_json j;
	char out[8], big[400];

	CHECK(get(flat, "a", "x"));
	CHECK(get(flat, "b", "12"));
	CHECK(get(flat, "c", "true"));
	CHECK(get(flat, "d", "null"));
	CHECK(get(flat, "e", "-1.5e3"));
	CHECK(get(flat, "f", ""));
	CHECK(get(flat, "g", "false"));
	CHECK(get(flat, "h", NULL));
	CHECK(get(flat, "", NULL));
	CHECK(get(nest, "a", "outer"));
	CHECK(get(nest, "s", "has \"a\": 1 , }"));
	CHECK(get(nest, "o", "{\"a\":\"inner\",\"k\":[1,{\"a\":2}]}"));
	CHECK(get(nest, "l", "[\"a\",[],{}]"));
	CHECK(get(nest, "k", NULL));
	CHECK(get(nest, "inner", NULL));
	CHECK(get("{\"a\":\"\\u00e9\\u20ac\"}", "a", "\xc3\xa9\xe2\x82\xac"));
	CHECK(get("{\"a\":\"\\ud83d\\ude00\"}", "a", "\xf0\x9f\x98\x80"));
	CHECK(get("{\"a\":\"\\uD83D\\uDE00\"}", "a", "\xf0\x9f\x98\x80"));
	CHECK(get("{\"a\":\"\\ud800x\"}", "a", "\xef\xbf\xbdx"));
	CHECK(get("{\"a\":\"\\ud800\\u0041\"}", "a", "\xef\xbf\xbd" "A"));
	CHECK(get("{\"a\":\"\\udc00\"}", "a", "\xef\xbf\xbd"));
	CHECK(get("{\"a\":\"\\n\\t\\r\\b\\f\\\\\\/\\\"\"}", "a",
	    "\n\t\r\b\f\\/\""));
	CHECK(get("{\"a\":\"caf\xc3\xa9\"}", "a", "caf\xc3\xa9"));
	CHECK(get("{\"a\\\"b\":1}", "a\"b", "1"));
	CHECK(get("{\"\\u0061\":1}", "a", "1"));
	CHECK(get("{\"a\":1,\"a\":2}", "a", "1"));
	CHECK(get("{\"a\":\"\\u0000\"}", "a", NULL));
	CHECK(get("{\"a\":\"\\q\"}", "a", NULL));
	CHECK(get("{\"a\":\"\\u12\"}", "a", NULL));
	CHECK(get("{}", "a", NULL));
	CHECK(get("[1]", "a", NULL));
	CHECK(get("\"a\"", "a", NULL));
	CHECK(get("", "a", NULL));
	CHECK(get("{\"a\":\"x", "a", NULL));
	CHECK(get("{\"b\":1,\"a\"", "a", NULL));
	CHECK(get("{\"b\":1 \"a\":2}", "a", NULL));
	CHECK(get("{\"b\":[1,2,\"a\":3}", "a", NULL));
	CHECK(get("{\"b\":}", "b", NULL));
	CHECK(get("{\"a\":1", "a", NULL));
	CHECK(get("{\"a\":1,\"b\":\"x", "a", NULL));
	CHECK(get("{\"a\":1,\"b\":[}", "a", NULL));
	CHECK(get("{\"a\":1,}", "a", NULL));
	CHECK(get("{\"\":1}", "", "1"));
	CHECK(get("{b:1}", "b", NULL));

	memset(big, 'k', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "{\"", 2);
	memcpy(big + sizeof big - 16, "\":[0],\"a\":\"y\"}", 15);
	CHECK(get(big, "a", "y"));

	CHECK(hp_json_get("{\"a\":\"abc\"}", "a", out, 4) == 0);
	CHECK_STR(out, "abc");
	CHECK(hp_json_get("{\"a\":\"abcd\"}", "a", out, 4) == -1);
	CHECK(hp_json_get("{\"a\":\"\\u20ac\"}", "a", out, 3) == -1);
	CHECK(hp_json_get("{\"a\":\"\\u20ac\"}", "a", out, 4) == 0);
	CHECK(hp_json_get("{\"a\":12345678}", "a", out, 8) == -1);
	CHECK(hp_json_get("{\"a\":1234567}", "a", out, 8) == 0);
	CHECK_STR(out, "1234567");
	CHECK(hp_json_get("{\"a\":1}", "a", out, 0) == -1);

	/* What the writer writes, the reader reads back. */
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kstr(&j, "event", "exit");
	hp_json_key(&j, "argv");
	hp_json_open(&j, '[');
	hp_json_str(&j, "a\"}],{");
	hp_json_close(&j, ']');
	hp_json_kstr(&j, "msg",
	    "l1\nl2\t\"q\" \\ \x01 \xe2\x80\xa8 caf\xc3\xa9");
	hp_json_kint(&j, "code", -3);
	hp_json_close(&j, '}');
	CHECK(get(hp_buf_str(&b), "event", "exit"));
	CHECK(get(hp_buf_str(&b), "argv", "[\"a\\\"}],{\"]"));
	CHECK(get(hp_buf_str(&b), "msg",
	    "l1\nl2\t\"q\" \\ \x01 \xe2\x80\xa8 caf\xc3\xa9"));
	CHECK(get(hp_buf_str(&b), "code", "-3"));
	hp_buf_free(&b);
}

/* What hp_json_raw writes for the text lit, alone. */
static const char *
rawj(struct hp_buf *b, const char *s, size_t n)
{
	struct hp_json j;

	b->len = 0;
	hp_json_init(&j, b);
	hp_json_raw(&j, s, n);
	return hp_buf_str(b);
}

#define RJ(b, lit)	rawj((b), (lit), sizeof(lit) - 1)
#define VALID(lit)	hp_json_valid((lit), sizeof(lit) - 1)

static void
raw(void)
{
	static const char alphabet[] = "{}[]\":,01-9e.+Etrunlfas \\u\n"
	    "\xe2\x80\xa8\xc3\xff";
	struct hp_buf b = { 0 }, o = { 0 };
	struct hp_json j;
	char s[40], deep[200];
	unsigned long x = 777;
	size_t i, n, bad = 0;

	/* Valid values go in as they are, compacted onto one line. */
	CHECK_STR(RJ(&b, "{\"a\":1}"), "{\"a\":1}");
	CHECK_STR(RJ(&b, " {\n \"a\" : [ 1 ,\t2 ] ,\"b c\":\" d \" }\r\n"),
	    "{\"a\":[1,2],\"b c\":\" d \"}");
	CHECK_STR(RJ(&b, "[1,2.5e-3,-0,0.5E+10,\"x\",true,false,null,{},[]]"),
	    "[1,2.5e-3,-0,0.5E+10,\"x\",true,false,null,{},[]]");
	CHECK_STR(RJ(&b, "\"s\""), "\"s\"");
	CHECK_STR(RJ(&b, "0"), "0");
	CHECK_STR(RJ(&b, "null"), "null");
	CHECK_STR(RJ(&b, "\"\\u00e9\\n\\\"\\/\""), "\"\\u00e9\\n\\\"\\/\"");
	CHECK_STR(RJ(&b, "\"caf\xc3\xa9\""), "\"caf\xc3\xa9\"");
	CHECK_STR(RJ(&b, "[\"\xe2\x80\xa8\xe2\x80\xa9\"]"),
	    "[\"\\u2028\\u2029\"]");
	/* Anything else is a string. */
	CHECK_STR(RJ(&b, "{a:1}"), "\"{a:1}\"");
	CHECK_STR(RJ(&b, "{\"a\":1,}"), "\"{\\\"a\\\":1,}\"");
	CHECK_STR(RJ(&b, "[1 2]"), "\"[1 2]\"");
	CHECK_STR(RJ(&b, "{\"a\":1} {\"b\":2}"),
	    "\"{\\\"a\\\":1} {\\\"b\\\":2}\"");
	CHECK_STR(RJ(&b, ""), "\"\"");
	CHECK_STR(RJ(&b, "hello"), "\"hello\"");
	CHECK_STR(RJ(&b, "\"a\tb\""), "\"\\\"a\\tb\\\"\"");
	CHECK_STR(RJ(&b, "\"a\0b\""), "\"\\\"a\\u0000b\\\"\"");
	CHECK_STR(RJ(&b, "\"\xff\""), "\"\\\"\xef\xbf\xbd\\\"\"");
	CHECK(!VALID("01"));
	CHECK(!VALID("1."));
	CHECK(!VALID(".5"));
	CHECK(!VALID("+1"));
	CHECK(!VALID("-"));
	CHECK(!VALID("1e"));
	CHECK(!VALID("1e+"));
	CHECK(!VALID("tru"));
	CHECK(!VALID("nul"));
	CHECK(!VALID("truex"));
	CHECK(!VALID("\"abc"));
	CHECK(!VALID("\"\\q\""));
	CHECK(!VALID("\"\\u12\""));
	CHECK(!VALID("\"\\u12"));
	CHECK(!VALID("\"\\"));
	CHECK(!VALID("{\"a\"}"));
	CHECK(!VALID("{\"a\":}"));
	CHECK(!VALID("{1:2}"));
	CHECK(!VALID("[1,]"));
	CHECK(!VALID("["));
	CHECK(!VALID("{"));
	CHECK(!VALID("]"));
	CHECK(!VALID(" "));
	CHECK(!VALID("[1]]"));
	CHECK(VALID(" [ ] "));
	CHECK(VALID("-12.5e-7"));
	CHECK(VALID("\"\\ud800\""));
	/* Nesting: 64 deep is taken, 65 is a string. */
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	CHECK(hp_json_valid(deep, 128));
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	CHECK(!hp_json_valid(deep, 130));
	CHECK(rawj(&b, deep, 130)[0] == '"');

	/* Inside an object: commas right, after a fallback too. */
	b.len = 0;
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_key(&j, "m");
	hp_json_raw(&j, "{\"x\": [1]}", 10);
	hp_json_key(&j, "bad");
	hp_json_raw(&j, "[1,", 3);
	hp_json_kint(&j, "n", 1);
	hp_json_close(&j, '}');
	CHECK_STR(hp_buf_str(&b),
	    "{\"m\":{\"x\":[1]},\"bad\":\"[1,\",\"n\":1}");

	/* Random text: always one valid value on one line. */
	for (i = 0; i < 20000; i++) {
		for (n = 0; n < i % sizeof s; n++) {
			x = x * 1103515245 + 12345;
			s[n] = alphabet[(x >> 16) % (sizeof alphabet - 1)];
		}
		rawj(&o, s, n);
		bad += !hp_json_valid(o.p, o.len) ||
		    memchr(o.p, '\n', o.len) != NULL ||
		    (hp_json_valid(s, n) && o.p[0] == '"' && s[0] != '"' &&
		    (s[0] != ' ' && s[0] != '\n'));
	}
	CHECK(bad == 0);
	hp_buf_free(&o);
	hp_buf_free(&b);
}

/* The buffer under the writer: text that fits the room left, and not. */
static void
buffer(void)
{
	struct hp_buf b = { 0 };
	char want[600];
	size_t i;

	hp_buf_printf(&b, "%s-%d", "a", 1);
	CHECK(b.len == 3 && b.cap > b.len);
	CHECK_STR(hp_buf_str(&b), "a-1");
	for (i = 3; b.len + 1 < b.cap; i++)
		hp_buf_addc(&b, 'x');
	hp_buf_printf(&b, "%0300d", 7);		/* more than the room */
	CHECK(b.len == i + 300 && b.p[b.len] == '\0');
	CHECK(b.p[i] == '0' && b.p[b.len - 1] == '7' && b.p[i - 1] == 'x');
	hp_buf_addc(&b, 'y');
	CHECK(b.len == i + 301 && strcmp(b.p + b.len - 2, "7y") == 0);
	b.len = 0;
	memset(want, 'z', sizeof want - 1);
	want[sizeof want - 1] = '\0';
	for (i = 0; i + 1 < sizeof want; i++)
		hp_buf_addc(&b, 'z');
	CHECK_STR(hp_buf_str(&b), want);
	hp_buf_free(&b);
}

void
test_json(void)
{
	buffer();
	writer();
	numbers();
	strings();
	reader();
	raw();
}
