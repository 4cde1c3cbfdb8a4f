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
 * Ask the supervisor of st about names[0..n) (all: every one it keeps;
 * history: with their rings); what it answers goes in out[i] with its
 * line, and its own figures in sup. -1: no answer, out untouched.
 */
int
hp_list_ask(struct hp_state *st, char **names, int n, int all, int history,
    struct hp_listed *out, struct hp_listsup *sup)
{
	static char line[HP_LINE_MAX * 4];
	struct hp_client c;
	struct hp_buf b = { 0 };
	struct hp_info *in;
	struct byname *idx;
	long long end;
	char ok[8];
	int i, r = -1;

	if (hp_state_supervisor(st) <= 0 || hp_client_open(&c, st) == -1)
		return -1;
	which(&b, names, n, all);
	if (hp_client_send(&c, "list %s%s", hp_buf_str(&b), history ?
	    " history" : "") == -1) {
		hp_buf_free(&b);
		hp_client_close(&c);
		return -1;
	}
	hp_buf_free(&b);
	idx = hp_xcalloc((size_t)n + 1, sizeof *idx);
	for (i = 0; i < n; i++) {
		idx[i].name = names[i];
		idx[i].i = i;
	}
	qsort(idx, (size_t)n, sizeof *idx, cmp);
	in = hp_xmalloc(sizeof *in);
	for (end = hp_mono_ms() + ASK_MS; hp_client_line(&c, line,
	    sizeof line, end - hp_mono_ms()) == 0; ) {
		if (strncmp(line, "{\"name\":", 8) == 0) {
			if (hp_info_parse(line, in) == 0)
				place(out, idx, n, in, line);
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
	free(in);
	free(idx);
	hp_client_close(&c);
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

void
hp_list_free(struct hp_listed *out, int n)
{
	forget(out, n);
	free(out);
}
