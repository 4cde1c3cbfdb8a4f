/* hp: see LICENSE. */
/* jsonraw.c: JSON from elsewhere, checked and put in whole, or quoted. */

#include <string.h>

#include "hp.h"

/*
 * Raw values: text that claims to be JSON, such as a message from a
 * program, goes into the output as it is if it is one valid value (RFC
 * 8259: strict numbers, strings of valid UTF-8 with no control bytes,
 * nesting up to RAWDEPTH), compacted so that it stays on one line, and
 * U+2028 and U+2029 escaped as quote() does. Anything else goes in as a
 * string: the output is valid either way.
 */
#define RAWDEPTH	64

static const char *
rws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static void
radd(struct hp_buf *out, const char *p, size_t n)
{
	if (out != NULL)
		hp_buf_add(out, p, n);
}

static int
hex4ok(const char *p)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strchr("0123456789abcdefABCDEF", p[i]) == NULL ||
		    p[i] == '\0')
			return 0;
	return 1;
}

static const char *
rstr(const char *p, const char *e, struct hp_buf *out)
{
	const unsigned char *s;
	size_t len;

	radd(out, p++, 1);
	while (p < e && *p != '"') {
		s = (const unsigned char *)p;
		if (*s < 0x20)
			return NULL;
		if (*s == '\\') {
			if (e - p >= 6 && p[1] == 'u' && hex4ok(p + 2))
				len = 6;
			else if (e - p >= 2 && p[1] != '\0' && p[1] != 'u' &&
			    strchr("\"\\/bfnrt", p[1]) != NULL)
				len = 2;
			else
				return NULL;
		} else if (*s < 0x80)
			len = 1;
		else if ((len = hp_utf8_len(s, (size_t)(e - p))) == 0)
			return NULL;
		if (len == 3 && s[0] == 0xe2 && s[1] == 0x80 &&
		    (s[2] == 0xa8 || s[2] == 0xa9))
			radd(out, s[2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
		else
			radd(out, p, len);
		p += len;
	}
	if (p == e)
		return NULL;
	radd(out, p, 1);
	return p + 1;
}

static const char *
digits(const char *p, const char *e)
{
	const char *s = p;

	while (p < e && *p >= '0' && *p <= '9')
		p++;
	return p == s ? NULL : p;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static const char *
rnum(const char *p, const char *e, struct hp_buf *out)
{
	const char *s = p;

	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if ((p = digits(p, e)) == NULL)
		return NULL;
	if (p < e && *p == '.' && (p = digits(p + 1, e)) == NULL)
		return NULL;
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if ((p = digits(p, e)) == NULL)
			return NULL;
	}
	radd(out, s, (size_t)(p - s));
	return p;
}

static const char *rvalue(const char *, const char *, struct hp_buf *, int);

/* An array or an object, at its bracket. */
static const char *
rlist(const char *p, const char *e, struct hp_buf *out, int depth)
{
	char close = *p == '[' ? ']' : '}';

	if (depth >= RAWDEPTH)
		return NULL;
	radd(out, p, 1);
	if ((p = rws(p + 1, e)) < e && *p == close) {
		radd(out, p, 1);
		return p + 1;
	}
	for (;;) {
		if (close == '}') {
			if ((p = rws(p, e)) == e || *p != '"' ||
			    (p = rstr(p, e, out)) == NULL ||
			    (p = rws(p, e)) == e || *p != ':')
				return NULL;
			radd(out, p++, 1);
		}
		if ((p = rvalue(p, e, out, depth + 1)) == NULL ||
		    (p = rws(p, e)) == e)
			return NULL;
		radd(out, p, 1);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *
rvalue(const char *p, const char *e, struct hp_buf *out, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t i, n;

	if ((p = rws(p, e)) == e)
		return NULL;
	if (*p == '"')
		return rstr(p, e, out);
	if (*p == '[' || *p == '{')
		return rlist(p, e, out, depth);
	for (i = 0; i < 3; i++) {
		n = strlen(words[i]);
		if ((size_t)(e - p) >= n && memcmp(p, words[i], n) == 0) {
			radd(out, p, n);
			return p + n;
		}
	}
	return rnum(p, e, out);
}

/* Is s (n bytes) one JSON value, with at most white space around it? */
int
hp_json_valid(const char *s, size_t n)
{
	const char *p = rvalue(s, s + n, NULL, 0);

	return p != NULL && rws(p, s + n) == s + n;
}

void
hp_json_raw(struct hp_json *j, const char *s, size_t n)
{
	unsigned char comma = j->comma[j->depth];
	size_t at = j->b->len;
	const char *p;

	/* The separator, as any value gets it; the null is taken back. */
	hp_json_null(j);
	j->b->len -= 4;
	if ((p = rvalue(s, s + n, j->b, 0)) != NULL && rws(p, s + n) == s + n)
		return;
	/* Not JSON after all: take back what was copied, quote it. */
	j->b->len = at;
	hp_buf_str(j->b);
	j->comma[j->depth] = comma;
	hp_json_strn(j, s, n);
}
