/* hp: see LICENSE. */
/* t_after.c: the after= graph, and the supervisor's release, on long chains. */

#include <sys/resource.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "../../lib/super/super.h"
#include "unit.h"

#define CHAIN	200000		/* far beyond any stack, one frame a link */
#define LINKS	20000		/* processes: 2.5 KiB each */

/* Nodes named n0, n1 ...; after[i] the list of node i. */
static char (*names)[16];
static char ***afters;

static const char *
name_of(void *arg, int i)
{
	(void)arg;
	return names[i];
}

static char **
after_of(void *arg, int i)
{
	(void)arg;
	return afters[i];
}

static void
nodes(int n)
{
	int i;

	names = hp_xcalloc((size_t)n, sizeof *names);
	afters = hp_xcalloc((size_t)n, sizeof *afters);
	for (i = 0; i < n; i++)
		snprintf(names[i], sizeof names[i], "n%d", i);
}

static void
after(int i, const char *a, const char *b)
{
	int k = 0;

	afters[i] = hp_xcalloc(3, sizeof *afters[i]);
	if (a != NULL)
		afters[i][k++] = hp_xstrdup(a);
	if (b != NULL)
		afters[i][k++] = hp_xstrdup(b);
}

static void
unnodes(int n)
{
	int i;

	for (i = 0; i < n; i++)
		hp_argv_free(afters[i]);
	free(afters);
	free(names);
}

/* A chain n(i) after n(i-1), listed backwards: the order is the chain. */
static void
chain(void)
{
	struct hp_after g;
	const int *dep;
	int i, ok = 1;

	nodes(CHAIN);
	for (i = 0; i < CHAIN - 1; i++)
		after(i, names[i + 1], NULL);
	hp_after_build(&g, CHAIN, name_of, after_of, NULL);
	CHECK(g.norder == CHAIN && g.cyclic == -1 && g.missing == -1);
	for (i = 0; i < CHAIN; i++)
		ok &= g.order[i] == CHAIN - 1 - i;
	CHECK(ok);
	CHECK(hp_after_dependents(&g, CHAIN - 1, &dep) == 1 &&
	    dep[0] == CHAIN - 2);
	CHECK(hp_after_dependents(&g, 0, &dep) == 0);
	hp_after_free(&g);
	unnodes(CHAIN);
}

/* A cycle, one after it, one naming nobody, a diamond. */
static void
shapes(void)
{
	struct hp_after g;
	const int *dep;

	nodes(6);
	after(0, "n1", NULL);		/* 0 -> 1 -> 2 -> 0 */
	after(1, "n2", NULL);
	after(2, "n0", NULL);
	after(3, "n2", NULL);		/* after the cycle */
	after(4, NULL, NULL);
	after(5, "n4", "n4");		/* twice the same */
	hp_after_build(&g, 6, name_of, after_of, NULL);
	CHECK(g.cyclic == 0 && g.missing == -1);
	CHECK(g.norder == 2 && g.order[0] == 4 && g.order[1] == 5);
	CHECK(hp_after_dependents(&g, 4, &dep) == 2);
	hp_after_free(&g);
	unnodes(6);

	nodes(4);
	after(0, NULL, NULL);
	after(1, "n0", NULL);
	after(2, "n0", "nobody");
	after(3, "n1", "n2");		/* a diamond */
	hp_after_build(&g, 4, name_of, after_of, NULL);
	CHECK(g.missing == 2 && strcmp(g.what, "nobody") == 0);
	CHECK(g.cyclic == -1 && g.norder == 4 && g.order[3] == 3);
	hp_after_free(&g);
	unnodes(4);
}

/*
 * The supervisor's release of a chain: the first is ready, and each next
 * one comes out of hp_watch_next_held once the one before it is ready.
 * Under a stack of 256 KiB: a recursion of one frame a link would die.
 */
static int
release(int n)
{
	struct hp_state st;
	struct hp_super s;
	struct hp_spec sp;
	struct hp_proc *p, *d;
	char name[16], prev[16];
	int i, got = 0, ok = 1;

	memset(&s, 0, sizeof s);
	hp_copy(st.dir, sizeof st.dir, "/nonexistent");
	s.st = &st;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "c%d", i);
		hp_spec_init(&sp, name, HP_SERVICE);
		if (i > 0) {
			snprintf(prev, sizeof prev, "c%d", i - 1);
			sp.after = hp_xcalloc(2, sizeof *sp.after);
			sp.after[0] = hp_xstrdup(prev);
		}
		p = hp_super_add(&s, &sp);
		p->state = i == 0 ? HP_ST_RUNNING : HP_ST_HELD;
		s.nheld += i > 0;	/* as life.c counts them */
	}
	hp_watch_release(&s, s.procs[0]);
	CHECK(hp_watch_pending(&s));
	while ((d = hp_watch_next_held(&s)) != NULL) {
		snprintf(name, sizeof name, "c%d", ++got);
		ok &= strcmp(d->spec.name, name) == 0;
		d->state = HP_ST_RUNNING;	/* spawned, and ready at once */
		hp_watch_release(&s, d);
	}
	CHECK(!hp_watch_pending(&s));
	for (i = 0; i < s.nproc; i++) {
		hp_unit_detach(&s, s.procs[i]);
		hp_sproc_free(s.procs[i]);
	}
	free(s.procs);
	free(s.units);
	free(s.rel);
	hp_map_free(&s.names);
	hp_after_free(&s.graph);
	return ok && got == n - 1;
}

static void
small_stack(void)
{
	struct rlimit rl = { 256 * 1024, 256 * 1024 };
	pid_t pid;
	int status;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		setrlimit(RLIMIT_STACK, &rl);
		_exit(release(LINKS) && unit_fail == 0 ? 0 : 1);
	}
	CHECK(pid > 0 && hp_waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void
test_after(void)
{
	chain();
	shapes();
	CHECK(release(100));
	small_stack();
}
