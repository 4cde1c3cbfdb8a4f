/* hp: see LICENSE. */
/* kv.c: "key = value" files, the format of specs and status files. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * The format, one entry a line:
 *
 *	# comment
 *	key = value
 *
 * Blank lines and lines whose first non-blank byte is '#' are ignored.
 * A key is one or more of [a-z0-9.-]; blanks may surround the '='; the
 * value runs to the end of the line, trailing whitespace dropped, and may
 * be empty. Keys may repeat: the file's order is kept, the last one wins.
 * A file is at most HP_KV_MAX bytes (hp.h).
 */

static int
keychar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.';
}

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
trailing(int c)
{
	return blank(c) || c == '\r' || c == '\v' || c == '\f';
}

static char *
copyn(const char *s, size_t n)
{
	char *p = hp_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int
bad(struct hp_kv *kv, int line, const char *msg)
{
	char buf[128];

	if (kv->err == NULL) {
		snprintf(buf, sizeof buf, "%d: %s", line, msg);
		kv->err = hp_xstrdup(buf);
	}
	errno = EINVAL;
	return -1;
}

static void
add(struct hp_kv *kv, const char *k, size_t kn, const char *v, size_t vn,
    int line)
{
	size_t cap;

	/* Capacity is implicit: 8, then doubling each time n reaches it. */
	if (kv->n == 0 || (kv->n >= 8 && (kv->n & (kv->n - 1)) == 0)) {
		cap = kv->n == 0 ? 8 : (size_t)kv->n * 2;
		kv->key = hp_xrealloc(kv->key, cap * sizeof *kv->key);
		kv->val = hp_xrealloc(kv->val, cap * sizeof *kv->val);
		kv->line = hp_xrealloc(kv->line, cap * sizeof *kv->line);
	}
	kv->key[kv->n] = copyn(k, kn);
	kv->val[kv->n] = copyn(v, vn);
	kv->line[kv->n] = line;
	kv->n++;
}

/* One line of n bytes, without its newline. */
static int
parse_line(struct hp_kv *kv, const char *s, size_t n, int line)
{
	size_t i = 0, ks, ke, vs, ve;

	while (i < n && trailing((unsigned char)s[i]))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	for (ks = i; i < n && keychar((unsigned char)s[i]); i++)
		;
	ke = i;
	if (memchr(s + i, '=', n - i) == NULL)
		return bad(kv, line, "expected key = value");
	if (ke == ks || (i < n && !blank((unsigned char)s[i]) && s[i] != '='))
		return bad(kv, line, "bad key: use a-z, 0-9, '-' and '.'");
	while (i < n && blank((unsigned char)s[i]))
		i++;
	if (s[i] != '=')
		return bad(kv, line, "expected key = value");
	for (i++; i < n && blank((unsigned char)s[i]); i++)
		;
	vs = i;
	for (ve = n; ve > vs && trailing((unsigned char)s[ve - 1]); ve--)
		;
	add(kv, s + ks, ke - ks, s + vs, ve - vs, line);
	return 0;
}

int
hp_kv_parse(struct hp_kv *kv, const char *text)
{
	const char *nl;
	int line;

	for (line = 1; *text != '\0'; line++) {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		if (parse_line(kv, text, (size_t)(nl - text), line) == -1)
			return -1;
		if (*nl == '\0')
			break;
		text = nl + 1;
	}
	return 0;
}

int
hp_kv_load(struct hp_kv *kv, const char *path)
{
	char *buf, *z;
	size_t len = 0, cap = 4096;
	ssize_t r;
	int fd, e, line;

	if ((fd = hp_open(path, O_RDONLY | O_NOFOLLOW, 0)) == -1)
		return -1;
	/* Room as it comes, to one byte past the most: records are small. */
	buf = hp_xmalloc(cap);
	do {
		if (len + 1 == cap) {
			cap = cap * 2 < HP_KV_MAX + 2 ? cap * 2 : HP_KV_MAX + 2;
			buf = hp_xrealloc(buf, cap);
		}
		r = hp_read(fd, buf + len, cap - 1 - len);
		if (r > 0)
			len += (size_t)r;
	} while (r > 0 && len <= HP_KV_MAX);
	e = errno;
	close(fd);
	if (r == -1 || len > HP_KV_MAX) {
		free(buf);
		errno = r == -1 ? e : EFBIG;
		return -1;
	}
	buf[len] = '\0';
	if ((z = memchr(buf, '\0', len)) != NULL) {
		for (line = 1; z > buf; z--)
			line += z[-1] == '\n';
		free(buf);
		return bad(kv, line, "NUL byte");
	}
	r = hp_kv_parse(kv, buf);
	e = errno;
	free(buf);
	errno = e;
	return (int)r;
}

const char *
hp_kv_get(const struct hp_kv *kv, const char *key)
{
	int i;

	for (i = kv->n - 1; i >= 0; i--)
		if (strcmp(kv->key[i], key) == 0)
			return kv->val[i];
	return NULL;
}

/* A decimal long long, or def if the key is missing or the value bad. */
long long
hp_kv_int(const struct hp_kv *kv, const char *key, long long def)
{
	const char *s = hp_kv_get(kv, key), *d;
	char *end;
	long long v;

	if (s == NULL)
		return def;
	d = *s == '-' ? s + 1 : s;
	if (*d < '0' || *d > '9')
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return def;
	return v;
}

void
hp_kv_free(struct hp_kv *kv)
{
	int i;

	for (i = 0; i < kv->n; i++) {
		free(kv->key[i]);
		free(kv->val[i]);
	}
	free(kv->key);
	free(kv->val);
	free(kv->line);
	free(kv->err);
	memset(kv, 0, sizeof *kv);
}

/* Write "key = value"; a newline in the value would start a new entry. */
void
hp_kv_add(struct hp_buf *b, const char *key, const char *val)
{
	const char *p;

	if (val == NULL)
		val = "";
	hp_buf_adds(b, key);
	hp_buf_adds(b, *val != '\0' ? " = " : " =");
	for (p = val; *p != '\0'; p++)
		hp_buf_addc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	hp_buf_addc(b, '\n');
}

void
hp_kv_addi(struct hp_buf *b, const char *key, long long v)
{
	hp_buf_printf(b, "%s = %lld\n", key, v);
}
