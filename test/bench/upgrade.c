/* hp: see LICENSE. */
/*
 * upgrade.c: hp-supervise upgrade with 50 services and 10 detached
 * terminals: beside a bare run of the binary (what any upgrade must pay
 * to start it), and beside what an upgrade spares: a shutdown, a new
 * supervisor and every process started again.
 */

#include <stdio.h>
#include <string.h>

#include "hp.h"
#include "bench.h"

#define NSERV	50
#define NTERM	10
#define AGAIN	5	/* restarts of everything: each costs a second */

static void
sleeper(const char *name)
{
	char *argv[] = { "hp-spawn", "-S", st.dir, "-n", (char *)name,
	    "--", "/bin/sleep", "100000", NULL };

	start(argv, 0);
}

/* The services and terminals, under a supervisor started now. */
static void
populate(int first)
{
	char *sup[] = { "hp-supervise", "-b", "--max-procs", "10000", "-S",
	    st.dir, NULL };
	char name[32];
	int i;

	start(sup, 0);
	for (i = 0; i < NSERV; i++) {
		snprintf(name, sizeof name, "up%d", i);
		sleeper(name);
	}
	for (i = 0; i < NTERM; i++) {
		snprintf(name, sizeof name, "upt%d", i);
		terminal(name, "100", first ? i + 1 : 0);
	}
}

static void
down(void)
{
	char *sd[] = { "hp-supervise", "-S", st.dir, "-t", "30s", "shutdown",
	    NULL };

	start(sd, 0);
}

void
bench_upgrade(void)
{
	char *up[] = { "hp-supervise", "-S", st.dir, "upgrade", NULL };
	char *ver[] = { "hp-supervise", "--handover-version", NULL };
	long long t[RUNS], b[RUNS], r[AGAIN], t0;
	int i;

	if (hp_state_supervisor(&st) > 0)
		down();
	populate(1);
	for (i = 0; i < RUNS; i++) {
		t0 = hp_mono_us();
		start(ver, 0);
		b[i] = hp_mono_us() - t0;
		t0 = hp_mono_us();
		start(up, 0);
		t[i] = hp_mono_us() - t0;
	}
	row("upgrade, 50 services + 10 terms", median(t, RUNS),
	    median(b, RUNS), "ms", "baseline: the binary run once");
	for (i = 0; i < AGAIN; i++) {
		t0 = hp_mono_us();
		down();
		populate(0);
		r[i] = hp_mono_us() - t0;
	}
	row("upgrade vs all started again", median(t, RUNS),
	    median(r, AGAIN), "ms", "baseline: shutdown, start all");
	down();
}
