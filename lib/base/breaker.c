/* hp: see LICENSE. */
/* breaker.c: the circuit breaker, a pure function of failures and a clock. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

/*
 * Closed: failures are counted, and once max of them fall within window
 * the circuit opens: the process is given up on (state failed). After
 * reset it is half-open: one trial start. A trial that stays up closes
 * the circuit and forgets the failures; one that fails opens it again.
 */
int
hp_breaker_fail(struct hp_breaker *b, long long now, int max,
    long long window)
{
	int i, k;

	if (b->state == HP_CIRCUIT_HALF) {
		b->state = HP_CIRCUIT_OPEN;
		b->since = now;
		return b->state;
	}
	if (max <= 0)
		return b->state;
	/* Keep only the failures within the window, then this one. */
	for (i = k = 0; i < b->n; i++)
		if (now - b->fail[i] < window)
			b->fail[k++] = b->fail[i];
	b->n = k;
	if (b->n == HP_BREAKER_MAX) {
		memmove(b->fail, b->fail + 1, (HP_BREAKER_MAX - 1) *
		    sizeof b->fail[0]);
		b->n--;
	}
	b->fail[b->n++] = now;
	if (b->n >= max) {
		b->state = HP_CIRCUIT_OPEN;
		b->since = now;
	}
	return b->state;
}

int
hp_breaker_due(const struct hp_breaker *b, long long now, long long reset)
{
	return b->state == HP_CIRCUIT_OPEN && now - b->since >= reset;
}

void
hp_breaker_trial(struct hp_breaker *b)
{
	if (b->state == HP_CIRCUIT_OPEN)
		b->state = HP_CIRCUIT_HALF;
}

void
hp_breaker_ok(struct hp_breaker *b)
{
	memset(b, 0, sizeof *b);
}

/* Taken back as failed: open, as if it had just failed. */
void
hp_breaker_open(struct hp_breaker *b, long long now)
{
	b->state = HP_CIRCUIT_OPEN;
	b->since = now;
}

const char *
hp_circuit_name(int state)
{
	return state == HP_CIRCUIT_OPEN ? "open" : state == HP_CIRCUIT_HALF ?
	    "half-open" : "closed";
}

/* As one line of numbers, "STATE SINCE FAIL ...", and back (upgrade). */
void
hp_breaker_fmt(const struct hp_breaker *b, struct hp_buf *out)
{
	int i;

	hp_buf_printf(out, "%d %lld", b->state, b->since);
	for (i = 0; i < b->n && i < HP_BREAKER_MAX; i++)
		hp_buf_printf(out, " %lld", b->fail[i]);
}

int
hp_breaker_parse(struct hp_breaker *b, const char *s)
{
	struct hp_breaker t;
	char *end;
	long v;

	memset(&t, 0, sizeof t);
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || v < HP_CIRCUIT_CLOSED || v > HP_CIRCUIT_HALF)
		return -1;
	t.state = (int)v;
	s = end;
	t.since = strtoll(s, &end, 10);
	if (end == s)
		return -1;
	for (s = end; *s == ' ' && t.n < HP_BREAKER_MAX; s = end) {
		t.fail[t.n] = strtoll(s, &end, 10);
		if (end == s)
			return -1;
		t.n++;
	}
	if (*s != '\0' || errno != 0)
		return -1;
	*b = t;
	return 0;
}
