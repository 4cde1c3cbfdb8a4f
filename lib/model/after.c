/* hp: see LICENSE. */
/* after.c: the graph of "after =": checked and walked without recursion. */

#include <stdlib.h>
#include <string.h>

#include "hp.h"

/*
 * Node i starts after the nodes its after= names. Built once from the
 * names and the after= lists (found in a map: one step each), the graph
 * has each node's dependents (the reverse edges, for the supervisor to
 * release what waited on a node that is now ready) and an order to start
 * them in (Kahn's: a node once every node it names is in, in the order
 * of the nodes otherwise); NAME:I, an instance, is an edge to NAME. Nodes
 * left out of the order go round: each is
 * in a cycle or after one. Nothing here recurses: a chain of any length
 * costs its length, in time and in memory, never in stack.
 */

void
hp_after_build(struct hp_after *g, int n, const char *(*name)(void *, int),
    char **(*after)(void *, int), void *arg)
{
	struct hp_map m;
	struct hp_slot *s;
	const char *nm;
	char **a;
	int i, k, *deg, *fill, head, tail, e = 0;

	memset(g, 0, sizeof *g);
	g->n = n;
	g->missing = g->cyclic = -1;
	g->at = hp_xcalloc((size_t)n + 1, sizeof *g->at);
	g->order = hp_xcalloc((size_t)n + 1, sizeof *g->order);
	deg = hp_xcalloc((size_t)n + 1, sizeof *deg);
	hp_map_init(&m);
	for (i = 0; i < n; i++) {
		nm = name(arg, i);
		s = hp_map_put(&m, nm, strlen(nm));
		if (s->v.p == NULL)	/* the first of a name is the one */
			s->v.i = (size_t)i + 1;
	}
	/* Count the edges: the dependents of each node, the wants of each. */
	for (i = 0; i < n; i++)
		for (a = after(arg, i); a != NULL && *a != NULL; a++) {
			if ((s = hp_map_get(&m, *a, strcspn(*a, ":"))) == NULL) {
				if (g->missing == -1) {
					g->missing = i;
					g->what = *a;
				}
				continue;
			}
			g->at[s->v.i - 1]++;
			deg[i]++;
			e++;
		}
	/* at[i] becomes where i's dependents begin; fill counts them in. */
	for (i = 0, k = 0; i <= n; i++) {
		int c = i < n ? g->at[i] : 0;

		g->at[i] = k;
		k += c;
	}
	g->dep = hp_xcalloc((size_t)e + 1, sizeof *g->dep);
	fill = hp_xcalloc((size_t)n + 1, sizeof *fill);
	for (i = 0; i < n; i++)
		for (a = after(arg, i); a != NULL && *a != NULL; a++)
			if ((s = hp_map_get(&m, *a, strcspn(*a, ":"))) != NULL) {
				k = (int)s->v.i - 1;
				g->dep[g->at[k] + fill[k]++] = i;
			}
	/* Kahn's order: the order array is its own queue. */
	for (i = 0, tail = 0; i < n; i++)
		if (deg[i] == 0)
			g->order[tail++] = i;
	for (head = 0; head < tail; head++) {
		i = g->order[head];
		for (k = g->at[i]; k < g->at[i + 1]; k++)
			if (--deg[g->dep[k]] == 0)
				g->order[tail++] = g->dep[k];
	}
	g->norder = tail;
	for (i = 0; i < n && g->cyclic == -1; i++)
		if (deg[i] > 0)
			g->cyclic = i;
	free(fill);
	free(deg);
	hp_map_free(&m);
}

/* The dependents of node i: their count, and where they are in *out. */
int
hp_after_dependents(const struct hp_after *g, int i, const int **out)
{
	if (i < 0 || i >= g->n) {
		*out = NULL;
		return 0;
	}
	*out = g->dep + g->at[i];
	return g->at[i + 1] - g->at[i];
}

void
hp_after_free(struct hp_after *g)
{
	free(g->at);
	free(g->dep);
	free(g->order);
	memset(g, 0, sizeof *g);
	g->missing = g->cyclic = -1;
}
