/* hp: see LICENSE. */
/* mem.c: allocation that dies on failure, and a growable byte buffer. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

void *
hp_xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n ? n : 1)) == NULL)
		hp_die("malloc");
	return p;
}

void *
hp_xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n ? n : 1, size ? size : 1)) == NULL)
		hp_die("calloc");
	return p;
}

void *
hp_xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		hp_die("realloc");
	return p;
}

char *
hp_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(hp_xmalloc(n), s, n);
}

static void
grow(struct hp_buf *b, size_t more)
{
	size_t cap;

	if (b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->p = hp_xrealloc(b->p, cap);
	b->cap = cap;
}

void
hp_buf_add(struct hp_buf *b, const void *p, size_t n)
{
	grow(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
hp_buf_adds(struct hp_buf *b, const char *s)
{
	hp_buf_add(b, s, strlen(s));
}

void
hp_buf_addc(struct hp_buf *b, int c)
{
	char ch = (char)c;

	hp_buf_add(b, &ch, 1);
}

void
hp_buf_printf(struct hp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
hp_buf_str(struct hp_buf *b)
{
	grow(b, 0);
	b->p[b->len] = '\0';
	return b->p;
}

void
hp_buf_free(struct hp_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
