/* hp: see LICENSE. */
/* stops.c: STATE/stops, the record of a turn's stops before their signals. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"

/*
 * The stops of a turn, in one record written before any of their
 * signals (life.c, hp_life_tell): not a status each, which a stop of
 * fifty would write one by one. STATE/stops has a line for each process
 * told to stop whose status has not been written since:
 *
 *	stop = NAME PID START SIGNAL STOP-AT THEN
 *
 * A line stays, with the run it was written for, until that status is
 * written (record.c, status_write), whatever becomes of the process
 * meanwhile (it may be reaped in the same turn). A supervisor that dies
 * once the signals are sent leaves it, and its heir goes on with each of
 * those stops (hp_record_stops_of), never starts one again. It goes once
 * no line is left.
 */
static int
stops_put(struct hp_super *s)
{
	char path[HP_PATH_MAX];
	struct hp_buf b = { 0 };
	int i, r = -1;

	if (s->stopsleft != NULL)
		hp_buf_adds(&b, s->stopsleft);
	for (i = 0; i < s->nproc; i++)
		if (s->procs[i]->stopline != NULL)
			hp_buf_adds(&b, s->procs[i]->stopline);
	if (b.len == 0)
		r = 0;
	else if (b.len > HP_KV_MAX)	/* more than an heir would read */
		hp_warnx("STATE/stops: %zu bytes, more than %d", b.len,
		    HP_KV_MAX);
	else if (hp_state_file(s->st, path, sizeof path, HP_F_STOPS) == -1)
		hp_warn("STATE/stops");
	else if ((r = hp_file_write(path, b.p, b.len, 0600)) == -1)
		hp_warn("write %s", path);
	else
		s->stops = 1;
	hp_buf_free(&b);
	return r;
}

int
hp_record_stops(struct hp_super *s)
{
	struct hp_buf b;
	struct hp_proc *p;
	int i;

	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (!p->telling || p->outgoing || p->id.pid <= 0)
			continue;
		memset(&b, 0, sizeof b);
		hp_buf_printf(&b, "stop = %s %ld %llu %s %lld %s\n",
		    p->spec.name, (long)p->id.pid, p->id.start,
		    hp_signame(p->stopby), p->stop_wall,
		    hp_record_thename(p->then));
		free(p->stopline);
		p->stopline = hp_buf_str(&b);	/* the line is its own */
	}
	return stops_put(s);
}

/* Its status is written: its line goes. */
void
hp_stops_told(struct hp_proc *p)
{
	free(p->stopline);
	p->stopline = NULL;
}

/* Gone once no line is left in it. */
void
hp_stops_gone(struct hp_super *s)
{
	char path[HP_PATH_MAX];
	int i;

	for (i = 0; i < s->nproc; i++)
		if (s->procs[i]->stopline != NULL)
			return;
	if (s->stopsleft == NULL &&
	    hp_state_file(s->st, path, sizeof path, HP_F_STOPS) == 0)
		(void)unlink(path);
	s->stops = 0;
}

/*
 * An earlier supervisor's, for recovery: kept in s->wasstops. One that
 * cannot be read is left as it is.
 */
void
hp_record_stops_load(struct hp_super *s)
{
	char path[HP_PATH_MAX];
	struct hp_kv *kv = hp_xcalloc(1, sizeof *kv);

	if (hp_state_file(s->st, path, sizeof path, HP_F_STOPS) == 0 &&
	    hp_kv_load(kv, path) == 0) {
		s->wasstops = kv;
		s->claimed = hp_xcalloc((size_t)kv->n + 1, 1);
		return;
	}
	if (errno != ENOENT)
		hp_warn("%s", path);
	hp_kv_free(kv);
	free(kv);
}

/*
 * Was the run of p that its pid record names (id) being stopped, as the
 * earlier supervisor's last STATE/stops says? Then the stop as its
 * status would have had it: signal, deadline, what comes after; 1. The
 * caller lets a status win that says "stopping" of that same run: it was
 * written after the stop began (a run never leaves "stopping" but by its
 * end).
 */
int
hp_record_stops_of(struct hp_super *s, struct hp_proc *p,
    const struct hp_ident *id)
{
	char name[128], sig[16], then[16];
	struct hp_buf b = { 0 };
	unsigned long long start;
	long long at;
	long pid;
	int i;

	if (s->wasstops == NULL || id->pid <= 0)
		return 0;
	for (i = 0; i < s->wasstops->n; i++) {
		if (strcmp(s->wasstops->key[i], "stop") != 0 ||
		    sscanf(s->wasstops->val[i], "%127s %ld %llu %15s %lld %15s",
		    name, &pid, &start, sig, &at, then) != 6 ||
		    strcmp(name, p->spec.name) != 0 || (pid_t)pid != id->pid ||
		    start != id->start)
			continue;
		/* Its line stays, until a status of ours says the stop. */
		s->claimed[i] = 1;
		hp_buf_printf(&b, "stop = %s\n", s->wasstops->val[i]);
		free(p->stopline);
		p->stopline = hp_buf_str(&b);
		p->stopby = hp_signal(sig) > 0 ? hp_signal(sig) :
		    p->spec.stop_signal;
		p->stop_wall = at;
		p->killed_wall = 0;
		if ((p->then = hp_record_then(then)) == -1)
			p->then = HP_THEN_STAY;
		return 1;
	}
	return 0;
}

/*
 * Recovery is over: the earlier record goes once the statuses of its
 * lines are written; a line no process took (its spec could not be
 * read) is kept, for a supervisor to come.
 */
void
hp_record_stops_done(struct hp_super *s)
{
	struct hp_buf b = { 0 };
	int i;

	if (s->wasstops == NULL)
		return;
	for (i = 0; i < s->wasstops->n; i++)
		if (!s->claimed[i] && strcmp(s->wasstops->key[i], "stop") == 0)
			hp_buf_printf(&b, "stop = %s\n", s->wasstops->val[i]);
	s->stopsleft = b.len > 0 ? hp_buf_str(&b) : NULL;
	hp_kv_free(s->wasstops);
	free(s->wasstops);
	free(s->claimed);
	s->wasstops = NULL;
	s->claimed = NULL;
	s->stops = 1;
	hp_record_flush(s);
}
