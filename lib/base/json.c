/* hp: see LICENSE. */
/* json.c: a JSON writer that cannot emit invalid text, and a flat reader. */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hp.h"

#define MAXDEPTH	31

/*
 * j->comma[depth] says what the next item at that depth needs:
 * 0 nothing (first item), 1 a comma before it, 2 nothing (a key was just
 * written, this is its value).
 */
static void
item(struct hp_json *j)
{
	if (j->comma[j->depth] == 1)
		hp_buf_addc(j->b, ',');
	j->comma[j->depth] = 1;
}

void
hp_json_init(struct hp_json *j, struct hp_buf *b)
{
	memset(j, 0, sizeof *j);
	j->b = b;
}

void
hp_json_open(struct hp_json *j, int c)
{
	item(j);
	hp_buf_addc(j->b, c == '[' ? '[' : '{');
	if (j->depth < MAXDEPTH)
		j->depth++;
	j->comma[j->depth] = 0;
}

void
hp_json_close(struct hp_json *j, int c)
{
	hp_buf_addc(j->b, c == ']' ? ']' : '}');
	if (j->depth > 0)
		j->depth--;
}

/* Does c go into a quoted string as it is? */
static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* A quoted string: escapes as needed, bad UTF-8 as U+FFFD, one a byte. */
static void
quote(struct hp_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;
	unsigned char c;

	hp_buf_addc(b, '"');
	while (i < n) {
		for (len = 0; i + len < n && plain(s[i + len]); len++)
			;
		if (len > 0) {
			hp_buf_add(b, s + i, len);
			if ((i += len) == n)
				break;
		}
		c = s[i];
		if (c >= 0x80) {
			if ((len = hp_utf8_len(s + i, n - i)) == 0) {
				hp_buf_add(b, "\xef\xbf\xbd", 3);
				len = 1;
			} else if (len == 3 && c == 0xe2 && s[i + 1] == 0x80 &&
			    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
				hp_buf_printf(b, "\\u%04x",
				    s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			else
				hp_buf_add(b, s + i, len);
			i += len;
			continue;
		}
		switch (c) {
		case '"':	hp_buf_adds(b, "\\\""); break;
		case '\\':	hp_buf_adds(b, "\\\\"); break;
		case '\n':	hp_buf_adds(b, "\\n"); break;
		case '\t':	hp_buf_adds(b, "\\t"); break;
		case '\r':	hp_buf_adds(b, "\\r"); break;
		case '\b':	hp_buf_adds(b, "\\b"); break;
		case '\f':	hp_buf_adds(b, "\\f"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				hp_buf_printf(b, "\\u%04x", c);
			else
				hp_buf_addc(b, c);
		}
		i++;
	}
	hp_buf_addc(b, '"');
}

void
hp_json_key(struct hp_json *j, const char *key)
{
	item(j);
	quote(j->b, key, strlen(key));
	hp_buf_addc(j->b, ':');
	j->comma[j->depth] = 2;
}

void
hp_json_str(struct hp_json *j, const char *s)
{
	if (s == NULL)
		hp_json_null(j);
	else
		hp_json_strn(j, s, strlen(s));
}

void
hp_json_strn(struct hp_json *j, const char *s, size_t n)
{
	item(j);
	quote(j->b, s, n);
}

void
hp_json_int(struct hp_json *j, long long v)
{
	char d[24], *q = d + sizeof d;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	item(j);
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	hp_buf_add(j->b, q, (size_t)(d + sizeof d - q));
}

/* Up to three decimals, trailing zeros dropped; NaN and infinities: null. */
void
hp_json_num(struct hp_json *j, double v)
{
	struct hp_buf *b = j->b;
	size_t start;

	if (!isfinite(v)) {
		hp_json_null(j);
		return;
	}
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v) {
		hp_json_int(j, (long long)v);	/* 0 for -0 too, as below */
		return;
	}
	item(j);
	start = b->len;
	hp_buf_printf(b, "%.3f", v);
	if (memchr(b->p + start, '.', b->len - start) != NULL) {
		while (b->p[b->len - 1] == '0')
			b->len--;
		if (b->p[b->len - 1] == '.')
			b->len--;
	}
	if (b->len - start == 2 && memcmp(b->p + start, "-0", 2) == 0) {
		b->p[start] = '0';
		b->len--;
	}
	b->p[b->len] = '\0';
}

void
hp_json_bool(struct hp_json *j, int v)
{
	item(j);
	hp_buf_adds(j->b, v ? "true" : "false");
}

void
hp_json_null(struct hp_json *j)
{
	item(j);
	hp_buf_adds(j->b, "null");
}

void
hp_json_kstr(struct hp_json *j, const char *k, const char *v)
{
	hp_json_key(j, k);
	hp_json_str(j, v);
}

void
hp_json_kint(struct hp_json *j, const char *k, long long v)
{
	hp_json_key(j, k);
	hp_json_int(j, v);
}

void
hp_json_kbool(struct hp_json *j, const char *k, int v)
{
	hp_json_key(j, k);
	hp_json_bool(j, v);
}

/*
 * The reader: enough to pick one member out of a flat object, such as a
 * control reply or an event line. It skips what it does not need.
 */

static const char *
ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int
hex4(const char *p)
{
	int i, v = 0, d;

	for (i = 0; i < 4; i++) {
		d = p[i];
		if (d >= '0' && d <= '9')
			d -= '0';
		else if (d >= 'a' && d <= 'f')
			d -= 'a' - 10;
		else if (d >= 'A' && d <= 'F')
			d -= 'A' - 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Append code point u as UTF-8 to out (len used of n); -1 if full. */
static int
put_utf8(char *out, size_t n, size_t *len, unsigned long u)
{
	unsigned char t[4];
	size_t k;

	if (u < 0x80) {
		t[0] = (unsigned char)u;
		k = 1;
	} else if (u < 0x800) {
		t[0] = (unsigned char)(0xc0 | u >> 6);
		t[1] = (unsigned char)(0x80 | (u & 0x3f));
		k = 2;
	} else if (u < 0x10000) {
		t[0] = (unsigned char)(0xe0 | u >> 12);
		t[1] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		t[2] = (unsigned char)(0x80 | (u & 0x3f));
		k = 3;
	} else {
		t[0] = (unsigned char)(0xf0 | u >> 18);
		t[1] = (unsigned char)(0x80 | (u >> 12 & 0x3f));
		t[2] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		t[3] = (unsigned char)(0x80 | (u & 0x3f));
		k = 4;
	}
	if (out == NULL) {
		*len += k;
		return 0;
	}
	if (*len + k >= n)
		return -1;
	memcpy(out + *len, t, k);
	*len += k;
	return 0;
}

/* A \u escape at p (after "\u"): code point in *u; bytes used, -1 bad. */
static int
uescape(const char *p, unsigned long *u)
{
	int hi, lo;

	if ((hi = hex4(p)) < 0)
		return -1;
	*u = (unsigned long)hi;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		*u = 0xfffd;
	if (hi < 0xd800 || hi > 0xdbff)
		return 4;
	if (p[4] == '\\' && p[5] == 'u' && (lo = hex4(p + 6)) >= 0xdc00 &&
	    lo <= 0xdfff) {
		*u = 0x10000 + ((unsigned long)(hi - 0xd800) << 10) +
		    (unsigned long)(lo - 0xdc00);
		return 10;
	}
	*u = 0xfffd;
	return 4;
}

/*
 * The string whose opening quote is at p: unescaped into out (NUL
 * terminated) unless out is NULL. The byte after the closing quote, or
 * NULL if it is malformed, holds a NUL or does not fit.
 */
static const char *
str(const char *p, char *out, size_t n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned long u;
	size_t len = 0;
	const char *e;
	int k;

	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return NULL;
		if (*p != '\\') {
			if (out != NULL && len + 1 >= n)
				return NULL;
			if (out != NULL)
				out[len] = *p;
			len++;
			continue;
		}
		p++;
		if (*p == 'u') {
			if ((k = uescape(p + 1, &u)) == -1 || u == 0)
				return NULL;
			p += k;
		} else if (*p != '\0' && (e = strchr(from, *p)) != NULL)
			u = (unsigned char)to[e - from];
		else
			return NULL;
		if (put_utf8(out, n, &len, u) == -1)
			return NULL;
	}
	if (out != NULL)
		out[len] = '\0';
	return p + 1;
}

/* A number, true, false or null runs up to one of these. */
static int
scalar(int c)
{
	return c != '\0' && strchr(" \t\n\r,:\"{}[]", c) == NULL;
}

/* Past the value at p, or NULL if it is malformed. */
static const char *
skip(const char *p)
{
	const char *s;
	int depth = 0;

	do {
		p = ws(p);
		if (*p == '"') {
			if ((p = str(p, NULL, 0)) == NULL)
				return NULL;
		} else if (*p == '{' || *p == '[') {
			depth++;
			p++;
		} else if (*p == '}' || *p == ']') {
			if (--depth < 0)
				return NULL;
			p++;
		} else if (*p == ',' || *p == ':') {
			if (depth == 0)
				return NULL;
			p++;
		} else {
			for (s = p; scalar((unsigned char)*p); p++)
				;
			if (p == s)
				return NULL;
		}
	} while (depth > 0);
	return p;
}

int
hp_json_get(const char *json, const char *key, char *out, size_t n)
{
	char k[256];
	const char *p, *e, *v = NULL, *ve = NULL;
	int match;

	p = ws(json);
	if (*p++ != '{')
		return -1;
	if (*(p = ws(p)) == '}')
		return -1;
	for (;;) {
		if (*p != '"')
			return -1;
		e = str(p, k, sizeof k);
		match = v == NULL && e != NULL && strcmp(k, key) == 0;
		if (e == NULL)
			e = str(p, NULL, 0);	/* too long to be ours */
		if (e == NULL || *(p = ws(e)) != ':')
			return -1;
		p = ws(p + 1);
		if ((e = skip(p)) == NULL)
			return -1;
		if (match) {
			v = p;
			ve = e;
		}
		p = ws(e);
		if (*p == '}')
			break;
		if (*p++ != ',')
			return -1;
		p = ws(p);
	}
	/* Only a whole object counts: a cut line gives nothing. */
	if (v == NULL || n == 0)
		return -1;
	if (*v == '"')
		return str(v, out, n) == NULL ? -1 : 0;
	if ((size_t)(ve - v) >= n)
		return -1;
	memcpy(out, v, (size_t)(ve - v));
	out[ve - v] = '\0';
	return 0;
}

/*
 * A walk through the members of an object, or the elements of an array,
 * one at a time: what a reader of many keys does in one pass where
 * hp_json_get would read the object once a key.
 */
void
hp_json_iter(struct hp_jsonit *it, const char *json)
{
	it->p = ws(json);
	it->arr = *it->p == '[';
	it->first = 1;
	if (*it->p == '{' || *it->p == '[')
		it->p++;
	else
		it->p = NULL;
}

int
hp_json_item(struct hp_jsonit *it, char *key, size_t kn, const char **val,
    size_t *vlen)
{
	const char *p = it->p, *e;

	if (p == NULL)
		return -1;
	p = ws(p);
	if (*p == (it->arr ? ']' : '}') && it->first) {
		it->p = NULL;
		return 0;
	}
	if (!it->first) {
		if (*p == (it->arr ? ']' : '}')) {
			it->p = NULL;
			return 0;
		}
		if (*p++ != ',')
			return it->p = NULL, -1;
		p = ws(p);
	}
	it->first = 0;
	if (key != NULL && kn > 0)
		key[0] = '\0';
	if (!it->arr) {
		if (*p != '"' || (e = str(p, key, kn)) == NULL)
			e = *p == '"' ? str(p, NULL, 0) : NULL;
		if (e == NULL || *(p = ws(e)) != ':')
			return it->p = NULL, -1;
		p = ws(p + 1);
	}
	if ((e = skip(p)) == NULL)
		return it->p = NULL, -1;
	*val = p;
	*vlen = (size_t)(e - p);
	it->p = e;
	return 1;
}

/* The string value at v, unescaped: -1 not a string, or too long. */
int
hp_json_string(const char *v, char *out, size_t n)
{
	return *v == '"' && str(v, out, n) != NULL ? 0 : -1;
}
