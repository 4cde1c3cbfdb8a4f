/* hp: see LICENSE. */
/* list.c: processes as the supervisor tells them, else as the files do. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

#define ASK_MS		5000	/* for the supervisor's whole answer */
#define WHICH_MAX	3000	/* bytes of names asked for by name */

/*
 * A supervisor keeps the latest sample of every process it keeps (its
 * sampler, super/smetric.c), so a listing asks it once, with the verb
 * list, instead of walking /proc: one line a process, as hp-ls --json
 * gives it, then a line of its own. Whatever it does not answer for (a
 * terminal kept by hp-pty in the foreground, no supervisor at all, an
 * older one that has no such verb) is read from the state directory,
 * with a walk of /proc (info.c).
 */
struct byname {
	const char	*name;
	int		 i;
};

static int
cmp(const void *a, const void *b)
{
	const struct byname *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : x->i - y->i;
}

/* Every slot of out named name that has no answer yet gets in. */
static void
place(struct hp_listed *out, const struct byname *idx, int n,
    const struct hp_info *in, const char *line)
{
	const struct byname *k;
	int lo = 0, hi = n, mid;

	/* The first of the names equal to it, then each after it. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(idx[mid].name, in->name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && strcmp(idx[lo].name, in->name) == 0; lo++) {
		k = &idx[lo];
		if (out[k->i].found)
			continue;
		out[k->i].info = *in;
		out[k->i].line = hp_xstrdup(line);
		out[k->i].found = 1;
	}
}

/* The supervisor's own line: its figures. */
static void
self(const char *line, struct hp_listsup *sup)
{
	char v[64];

	memset(sup, 0, sizeof *sup);
	sup->up = 1;
	if (hp_json_get(line, "pid", v, sizeof v) == 0)
		sup->pid = (pid_t)atol(v);
	if (hp_json_get(line, "started", v, sizeof v) == 0)
		sup->started_wall = hp_time_parse(v);
	if (hp_json_get(line, "uptime_ms", v, sizeof v) == 0)
		sup->uptime_ms = atoll(v);
	if (hp_json_get(line, "processes", v, sizeof v) == 0)
		sup->processes = atoi(v);
	if (hp_json_get(line, "events", v, sizeof v) == 0)
		sup->events = strtoull(v, NULL, 10);
	if (hp_json_get(line, "metrics_interval_ms", v, sizeof v) == 0)
		sup->interval = atoll(v);
}

/* "NAME,NAME...", or "*" for all of them, or for too many to name. */
static void
which(struct hp_buf *b, char **names, int n, int all)
{
	int i;

	for (i = 0; !all && i < n; i++) {
		if (i > 0)
			hp_buf_addc(b, ',');
		hp_buf_adds(b, names[i]);
	}
	if (all || b->len > WHICH_MAX || n == 0) {
		b->len = 0;
		hp_buf_addc(b, '*');
	}
}

static void
forget(struct hp_listed *out, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(out[i].line);
		out[i].line = NULL;
		out[i].found = 0;
	}
}

/*
 * Ask the supervisor of st "list WHICH" (history: with their rings):
 * take(arg, line) for each process line it answers, its own figures in
 * sup. -1: no answer.
 */
static int
ask(struct hp_state *st, const char *which, int history,
    void (*take)(void *, const char *), void *arg, struct hp_listsup *sup)
{
	static char line[HP_LINE_MAX * 4];
	struct hp_client c;
	long long end;
	char ok[8];
	int r = -1;

	if (hp_state_supervisor(st) <= 0 || hp_client_open(&c, st) == -1)
		return -1;
	if (hp_client_send(&c, "list %s%s", which, history ? " history" :
	    "") == -1) {
		hp_client_close(&c);
		return -1;
	}
	for (end = hp_mono_ms() + ASK_MS; hp_client_line(&c, line,
	    sizeof line, end - hp_mono_ms()) == 0; ) {
		if (strncmp(line, "{\"name\":", 8) == 0) {
			take(arg, line);
			continue;
		}
		if (hp_json_get(line, "ok", ok, sizeof ok) == -1 ||
		    hp_json_get(line, "event", ok, sizeof ok) == 0)
			continue;	/* an event, as to every subscriber */
		if (strcmp(ok, "true") == 0) {
			self(line, sup);
			r = 0;
		}
		break;
	}
	hp_client_close(&c);
	return r;
}

struct placing {
	struct hp_listed	*out;
	struct byname		*idx;
	int			 n;
	struct hp_info		*in;
};

static void
take_named(void *arg, const char *line)
{
	struct placing *p = arg;

	if (hp_info_parse(line, p->in) == 0)
		place(p->out, p->idx, p->n, p->in, line);
}

/*
 * Ask the supervisor of st about names[0..n) (all: every one it keeps;
 * history: with their rings); what it answers goes in out[i] with its
 * line, and its own figures in sup. -1: no answer, out untouched.
 */
int
hp_list_ask(struct hp_state *st, char **names, int n, int all, int history,
    struct hp_listed *out, struct hp_listsup *sup)
{
	struct hp_buf b = { 0 };
	struct placing p;
	int i, r;

	which(&b, names, n, all);
	p.out = out;
	p.n = n;
	p.idx = hp_xcalloc((size_t)n + 1, sizeof *p.idx);
	for (i = 0; i < n; i++) {
		p.idx[i].name = names[i];
		p.idx[i].i = i;
	}
	qsort(p.idx, (size_t)n, sizeof *p.idx, cmp);
	p.in = hp_xmalloc(sizeof *p.in);
	r = ask(st, hp_buf_str(&b), history, take_named, &p, sup);
	free(p.in);
	free(p.idx);
	hp_buf_free(&b);
	if (r == -1)
		forget(out, n);
	return r;
}

/*
 * names[0..n) in out (all: they are every name of procs/): the
 * supervisor's answer, or the files. -1 when one of them is nowhere
 * (out[i].found 0 says which).
 */
int
hp_list_load(struct hp_state *st, char **names, int n, int all,
    int history, struct hp_listed *out, struct hp_listsup *sup)
{
	int i, r = 0;

	memset(sup, 0, sizeof *sup);
	(void)hp_list_ask(st, names, n, all, history, out, sup);
	for (i = 0; i < n; i++) {
		if (out[i].found)
			continue;
		if (hp_info_load(st, names[i], &out[i].info, 1) == -1) {
			r = -1;
			continue;
		}
		out[i].found = 1;
		if (history)
			out[i].info.nhist = 0;
	}
	return r;
}

/* Lines the supervisor answered, by the name of each. */
struct answer {
	char	*line;
	char	 ref[HP_REF_MAX + 1];	/* NAME or NAME:I */
	char	 base[HP_NAME_MAX + 1];	/* NAME */
	int	 inst;			/* I; 0: none */
};
struct answers {
	struct answer	*v;
	int		 n, cap;
};

static void
take_all(void *arg, const char *line)
{
	struct answers *a = arg;
	struct answer *x;
	const char *p = line + 9, *q;	/* past {"name":" */

	/* A name never needs an escape: it ends at the next quote. */
	if (line[8] != '"' || (q = strchr(p, '"')) == NULL ||
	    q - p > HP_REF_MAX)
		return;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = hp_xrealloc(a->v, (size_t)a->cap * sizeof *a->v);
	}
	x = &a->v[a->n];
	memcpy(x->ref, p, (size_t)(q - p));
	x->ref[q - p] = '\0';
	if (hp_ref_split(x->ref, x->base, &x->inst) == -1)
		return;
	x->line = hp_xstrdup(line);
	a->n++;
}

static int
bybase(const void *a, const void *b)
{
	const struct answer *x = a, *y = b;
	int c = strcmp(x->base, y->base);

	return c != 0 ? c : x->inst - y->inst;
}

/* The answer for ref (NULL: none), among a sorted by bybase. */
static struct answer *
answered(struct answers *a, const char *ref)
{
	struct answer key;

	if (a->n == 0 || hp_ref_split(ref, key.base, &key.inst) == -1)
		return NULL;	/* none: a->v may be NULL, which bsearch refuses */
	return bsearch(&key, a->v, (size_t)a->n, sizeof *a->v, bybase);
}

/* ref to show: as answered, else as its files say (not there: none). */
static void
show(struct hp_state *st, const char *ref, struct answer *x, int history,
    struct hp_info *in, void (*each)(void *, const struct hp_info *,
    const char *), void *arg)
{
	if (x != NULL && hp_info_parse(x->line, in) == 0) {
		each(arg, in, x->line);
		return;
	}
	if (hp_info_load(st, ref, in, 1) == -1)
		return;
	if (history)
		in->nhist = 0;
	each(arg, in, NULL);
}

/*
 * Every process of procs/ as hp_list_load gives them, in the order of
 * their names, NAME of instances as NAME:1 ...: each(arg, info, line),
 * line the supervisor's (NULL: from the files), both valid for the call
 * alone. The supervisor is asked first: a name it answers for as it is
 * costs no look at procs/NAME; the others are vetted (hp_state_proc),
 * expanded and read from their files. One hp_info at a time: the
 * memory of a listing does not grow with it. -1 when procs/ cannot be
 * read.
 */
int
hp_list_every(struct hp_state *st, int history, void (*each)(void *,
    const struct hp_info *, const char *), void *arg, struct hp_listsup *sup)
{
	struct answers a = { NULL, 0, 0 };
	struct answer *x;
	struct hp_info *in;
	char **names, **refs;
	int i, k, nn, nr;

	memset(sup, 0, sizeof *sup);
	if (hp_state_names_raw(st, &names, &nn) == -1)
		return -1;
	if (ask(st, "*", history, take_all, &a, sup) == -1)
		a.n = 0;
	if (a.n > 0)
		qsort(a.v, (size_t)a.n, sizeof *a.v, bybase);
	in = hp_xmalloc(sizeof *in);
	for (i = 0; i < nn; i++) {
		if ((x = answered(&a, names[i])) != NULL) {
			show(st, names[i], x, history, in, each, arg);
			continue;
		}
		if (hp_state_proc(st, names[i]) == -1)
			continue;
		hp_info_refs(st, names[i], &refs, &nr);
		for (k = 0; k < nr; k++)
			show(st, refs[k], answered(&a, refs[k]), history, in,
			    each, arg);
		hp_argv_free(refs);
	}
	free(in);
	for (i = 0; i < a.n; i++)
		free(a.v[i].line);
	free(a.v);
	hp_argv_free(names);
	return 0;
}

void
hp_list_free(struct hp_listed *out, int n)
{
	forget(out, n);
	free(out);
}
