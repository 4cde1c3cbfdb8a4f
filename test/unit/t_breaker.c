/* hp: see LICENSE. */
/* t_breaker.c: the circuit breaker on a fake clock. */

#include <string.h>

#include "../../lib/hp.h"
#include "unit.h"

void
test_breaker(void)
{
	struct hp_breaker b;
	long long t;
	int i, bad;

	memset(&b, 0, sizeof b);
	/* Four failures in the window: still closed; the fifth opens it. */
	for (i = 0; i < 4; i++)
		CHECK(hp_breaker_fail(&b, i * 1000, 5, 60000) ==
		    HP_CIRCUIT_CLOSED);
	CHECK(hp_breaker_fail(&b, 4000, 5, 60000) == HP_CIRCUIT_OPEN);
	CHECK(b.since == 4000);
	CHECK(!hp_breaker_due(&b, 4000 + 59999, 60000));
	CHECK(hp_breaker_due(&b, 4000 + 60000, 60000));
	/* Half-open: a failing trial opens it again, with a new clock. */
	hp_breaker_trial(&b);
	CHECK(b.state == HP_CIRCUIT_HALF);
	CHECK(!hp_breaker_due(&b, 200000, 60000));
	CHECK(hp_breaker_fail(&b, 70000, 5, 60000) == HP_CIRCUIT_OPEN);
	CHECK(b.since == 70000);
	CHECK(!hp_breaker_due(&b, 129999, 60000));
	CHECK(hp_breaker_due(&b, 130000, 60000));
	/* A trial that stays up closes it and forgets the failures. */
	hp_breaker_trial(&b);
	hp_breaker_ok(&b);
	CHECK(b.state == HP_CIRCUIT_CLOSED && b.n == 0);
	/* Failures spread wider than the window never open it. */
	for (t = 0, i = 0, bad = 0; i < 100; i++, t += 15001)
		bad += hp_breaker_fail(&b, t, 5, 60000) != HP_CIRCUIT_CLOSED;
	CHECK(bad == 0 && b.n <= 4);
	/* max 0: never give up. */
	memset(&b, 0, sizeof b);
	for (i = 0, bad = 0; i < 1000; i++)
		bad += hp_breaker_fail(&b, i, 0, 60000) != HP_CIRCUIT_CLOSED;
	CHECK(bad == 0);
	/* A burst beyond the ring still opens at max. */
	memset(&b, 0, sizeof b);
	for (i = 0, bad = 0; i < HP_BREAKER_MAX - 1; i++)
		bad += hp_breaker_fail(&b, i, HP_BREAKER_MAX, 60000) !=
		    HP_CIRCUIT_CLOSED;
	CHECK(bad == 0);
	CHECK(hp_breaker_fail(&b, i, HP_BREAKER_MAX, 60000) ==
	    HP_CIRCUIT_OPEN);
}
