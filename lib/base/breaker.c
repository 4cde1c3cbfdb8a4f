/* hp: see LICENSE. */
/* breaker.c: the circuit breaker, a pure function of failures and a clock. */

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
