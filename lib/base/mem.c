/* hp: see LICENSE. */
/* mem.c: allocation that dies on failure (hp_oom), a growable buffer. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

/*
 * HP_FAIL_ALLOC=N, for tests: the Nth allocation from here on fails, as
 * when memory runs out. Read once; 0 or unset: never.
 */
static long fail_at = -1;

static int
failing(void)
{
	const char *v;

	if (fail_at == -1) {
		v = getenv("HP_FAIL_ALLOC");
		fail_at = v != NULL ? atol(v) : 0;
		if (fail_at < 0)
			fail_at = 0;
	}
	return fail_at > 0 && --fail_at == 0 ? (fail_at = 1) : 0;
}

void *
hp_xmalloc(size_t n)
{
	void *p;

	if (failing() || (p = malloc(n ? n : 1)) == NULL)
		hp_oom();
	return p;
}

void *
hp_xcalloc(size_t n, size_t size)
{
	void *p;

	if (failing() || (p = calloc(n ? n : 1, size ? size : 1)) == NULL)
		hp_oom();
	return p;
}

void *
hp_xrealloc(void *p, size_t n)
{
	if (failing() || (p = realloc(p, n ? n : 1)) == NULL)
		hp_oom();
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
	if (b->len + n >= b->cap)
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
	if (b->len + 1 >= b->cap)
		grow(b, 1);
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

void
hp_buf_printf(struct hp_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap - b->len;
	int n;

	/* Most text fits in the room left: one pass, a second if not. */
	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= room) {
		grow(b, (size_t)n);
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (n < 0) {
		if (b->cap > 0)
			b->p[b->len] = '\0';
		return;
	}
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
