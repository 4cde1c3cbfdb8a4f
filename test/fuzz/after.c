/* hp: see LICENSE. */
/*
 * after.c: fuzz the graph of after=: the input is a number of sections
 * (up to 64) and pairs of bytes, "i after j" (j past the sections: a name
 * nobody has). The graph must order each section after what it names,
 * leave out exactly those that reach a cycle, name the first of them and
 * the first that names nobody; hp.conf(5) must refuse the same file for
 * the same reason; and the supervisor's release of the held ones must
 * start each section of the order once, after what it names.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/super.h"
#include "fuzz.h"

#define N	64

static int n;
static char names[N][8];
static char **afters[N];

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
add(int i, const char *name)
{
	int k = 0;

	while (afters[i] != NULL && afters[i][k] != NULL)
		k++;
	afters[i] = hp_xrealloc(afters[i], (size_t)(k + 2) *
	    sizeof *afters[i]);
	afters[i][k] = hp_xstrdup(name);
	afters[i][k + 1] = NULL;
}

static int
find(const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* reach[i][j]: a chain of after= leads from i to j (closure, n^3). */
static void
closure(unsigned char reach[N][N])
{
	char **a;
	int i, j, k;

	memset(reach, 0, N * N);
	for (i = 0; i < n; i++)
		for (a = afters[i]; a != NULL && *a != NULL; a++)
			if ((j = find(*a)) != -1)
				reach[i][j] = 1;
	for (k = 0; k < n; k++)
		for (i = 0; i < n; i++)
			if (reach[i][k])
				for (j = 0; j < n; j++)
					reach[i][j] |= reach[k][j];
}

static void
graph(const struct hp_after *g)
{
	unsigned char reach[N][N], out[N], at[N];
	const int *dep;
	char **a;
	int i, j, k, cyc, deps = 0, edges = 0;

	closure(reach);
	memset(out, 1, sizeof out);
	for (k = 0; k < g->norder; k++) {
		i = g->order[k];
		if (i < 0 || i >= n || !out[i])
			fuzz_fail("order: %d twice or out of range", i);
		out[i] = 0;
		at[i] = (unsigned char)k;
		for (a = afters[i]; a != NULL && *a != NULL; a++)
			if ((j = find(*a)) != -1 && (out[j] || at[j] >= k))
				fuzz_fail("%s before %s, which it is after",
				    names[i], names[j]);
	}
	cyc = -1;
	for (i = 0; i < n; i++) {
		for (k = j = 0; k < n; k++)
			j |= reach[i][k] && reach[k][k];
		if (j != out[i])
			fuzz_fail("%s: %s the order, %s a cycle", names[i],
			    out[i] ? "out of" : "in", j ? "reaches" : "reaches no");
		if (j && cyc == -1)
			cyc = i;
		for (a = afters[i]; a != NULL && *a != NULL; a++)
			edges += find(*a) != -1;
		deps += hp_after_dependents(g, i, &dep);
	}
	if (cyc != g->cyclic)
		fuzz_fail("cyclic %d, not %d", g->cyclic, cyc);
	if (deps != edges)
		fuzz_fail("%d dependents for %d edges", deps, edges);
}

/* hp.conf(5): refused for the first that names nobody, else a cycle. */
static void
conf(const struct hp_after *g)
{
	struct hp_buf b = { 0 };
	struct hp_conf c;
	char msg[512], want[128];
	char **a;
	int i, r;

	for (i = 0; i < n; i++) {
		hp_buf_printf(&b, "[service %s]\nexec = true\n", names[i]);
		for (a = afters[i]; a != NULL && *a != NULL; a++)
			hp_buf_printf(&b, "%s %s", a == afters[i] ?
			    "after =" : "", *a);
		hp_buf_addc(&b, '\n');
	}
	r = hp_conf_parse(&c, hp_buf_str(&b), "f", msg, sizeof msg);
	if (g->missing != -1)
		snprintf(want, sizeof want, "%s: after: no such section: %s",
		    names[g->missing], g->what);
	else if (g->cyclic != -1)
		snprintf(want, sizeof want, "%s: after: a cycle",
		    names[g->cyclic]);
	else
		want[0] = '\0';
	if (want[0] == '\0' ? r != 0 : r != -1 || strstr(msg, want) == NULL)
		fuzz_fail("conf: %s, wanted %s", r == 0 ? "taken" : msg,
		    want[0] ? want : "taken");
	if (r == 0)
		hp_conf_free(&c);
	hp_buf_free(&b);
}

/*
 * The supervisor's release: those that name nobody run, the others are
 * held; each released one runs (and is ready) at once. Exactly the
 * order's held ones come out, once each, after what they name.
 */
static void
release(const struct hp_after *g)
{
	struct hp_state st;
	struct hp_super s;
	struct hp_spec sp;
	struct hp_proc *p;
	struct hp_buf b = { 0 };
	unsigned char ran[N] = { 0 };
	char **a, msg[256];
	int i, j, want = 0, got = 0;

	memset(&s, 0, sizeof s);
	hp_copy(st.dir, sizeof st.dir, "/nonexistent");
	s.st = &st;
	for (i = 0; i < n; i++) {
		hp_spec_init(&sp, names[i], HP_SERVICE);
		b.len = 0;
		for (a = afters[i]; a != NULL && *a != NULL; a++)
			hp_buf_printf(&b, "%s ", *a);
		if (hp_spec_set(&sp, "after", hp_buf_str(&b), msg,
		    sizeof msg) == -1)
			fuzz_fail("%s", msg);
		p = hp_super_add(&s, &sp);
		p->state = afters[i] == NULL ? HP_ST_RUNNING : HP_ST_HELD;
		ran[i] = afters[i] == NULL;
		s.nheld += !ran[i];	/* as life.c counts them */
	}
	for (i = 0; i < n; i++)
		if (ran[i])
			hp_watch_release(&s, s.procs[i]);
	while ((p = hp_watch_next_held(&s)) != NULL) {
		i = find(p->spec.name);
		if (ran[i])
			fuzz_fail("%s released twice", names[i]);
		for (a = afters[i]; a != NULL && *a != NULL; a++)
			if ((j = find(*a)) == -1 || !ran[j])
				fuzz_fail("%s released before %s", names[i],
				    *a);
		ran[i] = 1;
		got++;
		p->state = HP_ST_RUNNING;
		hp_watch_release(&s, p);
	}
	for (i = 0; i < g->norder; i++)
		want += afters[g->order[i]] != NULL;
	/* One that names nobody is never released, nor what is after it. */
	if (g->missing == -1 && got != want)
		fuzz_fail("released %d of %d", got, want);
	hp_buf_free(&b);
	for (i = 0; i < s.nproc; i++) {
		hp_unit_detach(&s, s.procs[i]);
		hp_sproc_free(s.procs[i]);
	}
	free(s.procs);
	free(s.units);
	free(s.rel);
	hp_map_free(&s.names);
	hp_after_free(&s.graph);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_after g;
	size_t k;
	int i;

	if (size < 1)
		return 0;
	n = data[0] % N + 1;
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "s%d", i);
		afters[i] = NULL;
	}
	for (k = 1; k + 1 < size; k += 2) {
		i = data[k] % n;
		if (data[k + 1] % (N + 4) < N) {
			if (data[k + 1] % n != i)	/* itself: refused */
				add(i, names[data[k + 1] % n]);
		} else
			add(i, "nobody");
	}
	hp_after_build(&g, n, name_of, after_of, NULL);
	graph(&g);
	conf(&g);
	release(&g);
	hp_after_free(&g);
	for (i = 0; i < n; i++)
		hp_argv_free(afters[i]);
	return 0;
}
