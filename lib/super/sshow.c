/* hp: see LICENSE. */
/* sshow.c: what the supervisor shows: its processes listed, their output. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/super.h"

#define CUT	3000	/* bytes of escaped text an output event holds */

/* p as hp-ls --json gives it (info.c), its figures from its samples. */
void
hp_sproc_info(struct hp_super *s, struct hp_proc *p, struct hp_info *in,
    int history)
{
	memset(in, 0, sizeof *in);
	hp_copy(in->name, sizeof in->name, p->spec.name);
	hp_copy(in->type, sizeof in->type, hp_type_name(p->spec.type));
	hp_copy(in->state, sizeof in->state, hp_state_name(p->state));
	hp_copy(in->health, sizeof in->health, hp_health_name(p->health));
	in->started_wall = p->started_wall;
	in->restarts = p->restarts;
	in->manual = p->asked;
	in->skipped = p->skipped;
	hp_copy(in->circuit, sizeof in->circuit,
	    hp_circuit_name(p->breaker.state));
	in->supervised = 1;
	in->exit_code = p->exit_code;
	in->exit_signal = p->exit_signal;
	in->pss = -1;
	in->fds = -1;
	in->nhist = -1;
	if (p->error[0] != '\0')
		hp_copy(in->error, sizeof in->error, p->error);
	in->running = p->id.pid > 0;
	in->instance = p->instance;
	hp_unit_info(p, in);
	hp_notify_info(p, in);
	hp_metrics_info(s, p, in, history);
	in->pid = in->running ? p->id.pid : 0;
	if (!in->running) {
		in->ntree = 0;
		in->rss = 0;
		in->cpu = in->cpu_avg = in->cpu_time = 0;
		in->threads = 0;
		in->pss = -1;
		in->fds = -1;
		in->sampled = 0;
	}
}

/* Is name one of which, "*" (all) or NAME,NAME...? */
static int
named(const char *which, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (strcmp(which, "*") == 0)
		return 1;
	for (p = which; (p = strstr(p, name)) != NULL; p += n)
		if ((p == which || p[-1] == ',') && (p[n] == ',' ||
		    p[n] == '\0'))
			return 1;
	return 0;
}

/* "*", or names separated by commas, each a good one. */
static int
which_ok(const char *w)
{
	char name[HP_REF_MAX + 1];
	size_t n;

	if (strcmp(w, "*") == 0)
		return 1;
	for (;; w += n + 1) {
		n = strcspn(w, ",");
		if (n > HP_REF_MAX)
			return 0;
		memcpy(name, w, n);
		name[n] = '\0';
		if (!hp_ref_ok(name))
			return 0;
		if (w[n] == '\0')
			return 1;
	}
}

/* The last line of a list: the supervisor itself. */
static void
self(struct hp_super *s, struct hp_json *j, int count)
{
	char ts[32];

	hp_json_open(j, '{');
	hp_json_kbool(j, "ok", 1);
	hp_json_kint(j, "count", count);
	hp_json_kint(j, "pid", (long long)s->pid);
	hp_time_fmt(ts, s->born_wall);
	hp_json_kstr(j, "started", ts);
	hp_json_kint(j, "uptime_ms", hp_mono_ms() - s->born);
	hp_json_kint(j, "processes", s->nproc);
	hp_json_kint(j, "events", (long long)s->ev.seq);
	hp_json_kint(j, "metrics_interval_ms", s->minterval);
	hp_json_kstr(j, "version", HP_VERSION);
	hp_json_close(j, '}');
}

/*
 * "list WHICH [history]": a line for each process named (WHICH is "*"
 * or NAME,NAME...), as hp-ls --json gives it, then a line with "ok" and
 * the supervisor's own figures (hp(7), control).
 */
void
hp_show_list(struct hp_super *s, const struct hp_request *r)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	struct hp_info *in;
	const char *w = r->arg[0];
	int i, n = 0, history = r->narg > 1;

	if (strcmp(r->client, "-") == 0)
		return;
	if (!which_ok(w)) {
		hp_super_reply(s, r->client, 0, NULL, "usage", "bad name");
		return;
	}
	if (history && strcmp(r->arg[1], "history") != 0) {
		hp_super_reply(s, r->client, 0, NULL, "usage",
		    "list: history or nothing");
		return;
	}
	in = hp_xmalloc(sizeof *in);
	for (i = 0; i < s->nproc; i++) {
		if (s->procs[i]->state == HP_ST_REMOVED ||
		    s->procs[i]->outgoing ||
		    !named(w, s->procs[i]->spec.name))
			continue;
		hp_sproc_info(s, s->procs[i], in, history);
		hp_json_init(&j, &b);
		hp_info_json(&j, in);
		hp_buf_addc(&b, '\n');
		n++;
	}
	free(in);
	hp_json_init(&j, &b);
	self(s, &j, n);
	hp_buf_addc(&b, '\n');
	(void)hp_event_answer(&s->ev, r->client, b.p, b.len);
	hp_buf_free(&b);
}

/* "subscribe WHAT": output, metrics, both (output,metrics), or none. */
void
hp_show_subscribe(struct hp_super *s, const struct hp_request *r)
{
	const char *w = r->arg[0], *p;
	int want = 0;
	size_t n;

	for (p = w; strcmp(w, "none") != 0 && *p != '\0'; p += n + (p[n] ==
	    ',')) {
		n = strcspn(p, ",");
		if (n == 6 && strncmp(p, "output", n) == 0)
			want |= HP_WANT_OUTPUT;
		else if (n == 7 && strncmp(p, "metrics", n) == 0)
			want |= HP_WANT_METRICS;
		else {
			hp_super_reply(s, r->client, 0, NULL, "usage",
			    "subscribe: output, metrics or none");
			return;
		}
	}
	if (strcmp(r->client, "-") == 0)
		return;
	if (hp_events_want(&s->ev, r->client, want) == -1)
		return;		/* no FIFO to answer to either */
	hp_super_reply(s, r->client, 1, NULL, NULL, NULL);
}

/* How many bytes of p, cut at a character, escape into at most CUT. */
static size_t
cut(const char *p, size_t n)
{
	size_t i, cost = 0;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		cost += c == '"' || c == '\\' ? 2 : c < 0x20 || c >= 0x80 ?
		    6 : 1;
		if (cost > CUT)
			break;
	}
	if (i == n)
		return n;
	while (i > 0 && ((unsigned char)p[i] & 0xc0) == 0x80)
		i--;
	return i > 0 ? i : 1;
}

static void
output(struct hp_super *s, struct hp_proc *p, int stream, const char *t,
    size_t n, int partial)
{
	struct hp_json *j;

	s->jb.len = 0;
	hp_json_init(&s->j, &s->jb);
	j = &s->j;
	hp_event_begin_to(&s->ev, j, "process:output");
	hp_json_kstr(j, "name", p->spec.name);
	hp_json_kstr(j, "type", hp_type_name(p->spec.type));
	hp_json_kint(j, "pid", (long long)p->id.pid);
	hp_json_kstr(j, "stream", stream ? "err" : "out");
	hp_json_key(j, "text");
	hp_json_strn(j, t, n);
	if (partial)
		hp_json_kbool(j, "partial", 1);
	hp_event_publish_to(&s->ev, j, HP_WANT_OUTPUT);
}

/*
 * process:output, to those who asked for it: a line of what p wrote an
 * event, without its newline; a piece of a line that is still open, or
 * too long for one event line, has partial: true, and the rest of its
 * line comes in the next.
 */
void
hp_show_output(struct hp_super *s, struct hp_proc *p, int stream,
    const char *buf, size_t n)
{
	const char *q = buf, *end = buf + n, *nl;
	size_t len, k;

	if (!hp_events_wanted(&s->ev, HP_WANT_OUTPUT))
		return;
	while (q < end) {
		nl = memchr(q, '\n', (size_t)(end - q));
		len = nl != NULL ? (size_t)(nl - q) : (size_t)(end - q);
		k = cut(q, len);
		output(s, p, stream, q, k, k < len || nl == NULL);
		q += k + (k == len && nl != NULL);
	}
}
