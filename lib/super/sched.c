/* hp: see LICENSE. */
/* sched.c: restart-at and run-at: when a schedule is due, on which clock. */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hp.h"
#include "super/super.h"

/*
 * A schedule (cron.c) is the timer HP_T_SCHEDULE of its process: it comes
 * at the due time, or sooner, at most a minute after it was set, and the
 * wall clock is looked at again then: a clock set back or forward, or a
 * machine that slept, is seen within a minute, and a schedule is due once
 * however far the clock jumped. The event is the lifecycle table's:
 * clock (not yet due), restart-at or run-at (due).
 */

#define LOOK_MS		60000	/* the wall clock is looked at this often */
#define TEST_LOOK_MS	20	/* ... on the test clock */

/*
 * Now, in seconds: the wall clock, or for tests HP_TEST_CLOCK, a file
 * whose number is the time (read each time, so that a test moves it).
 */
static long long
now_s(int *test)
{
	const char *f = getenv("HP_TEST_CLOCK");
	char b[32], *end;
	long long t;

	*test = f != NULL && *f != '\0';
	if (*test && hp_file_read(f, b, sizeof b) > 0) {
		t = strtoll(b, &end, 10);
		if (end != b && t > 0)
			return t;
	}
	return hp_wall_ms() / 1000;
}

/* The next due time of p's schedule, from now, and its timer; or none. */
void
hp_sched_arm(struct hp_proc *p)
{
	const char *at = p->spec.restart_at != NULL ? p->spec.restart_at :
	    p->spec.run_at;
	char why[120];
	long long now, wait;
	int test;

	p->timer[HP_T_SCHEDULE] = 0;
	p->due = 0;
	if (at == NULL || hp_cron_parse(&p->cron, at, why, sizeof why) == -1)
		return;
	now = now_s(&test);
	if ((p->due = hp_cron_next(&p->cron, now)) <= 0) {
		p->due = 0;
		return;
	}
	wait = test ? TEST_LOOK_MS : p->due * 1000 - hp_wall_ms();
	if (wait > LOOK_MS)
		wait = LOOK_MS;
	hp_life_timer(p, HP_T_SCHEDULE, hp_mono_ms() + (wait > 1 ? wait : 1));
}

/* Is p's schedule due? */
int
hp_sched_due(const struct hp_proc *p)
{
	int test;

	return p->due > 0 && now_s(&test) >= p->due;
}

/* A run was due while the last one still went on: not run, counted. */
void
hp_sched_skip(struct hp_super *s, struct hp_proc *p)
{
	p->skipped++;
	hp_sproc_status(s, p);
	hp_sproc_event(s, p, "process:skipped");
	hp_json_kint(&s->j, "pid", (long long)p->id.pid);
	hp_json_kint(&s->j, "skipped", p->skipped);
	hp_event_publish(&s->ev, &s->j);
}
