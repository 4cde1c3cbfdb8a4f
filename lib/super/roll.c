/* hp: see LICENSE. */
/* roll.c: a reload: a new run ready before the old one goes, in turn. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/super.h"

/*
 * A reload of one record hands its run over to an outgoing record that
 * goes on serving, starts the new run in the record, and stops the old
 * once the new one is ready (life.c); when the new one does not get
 * ready, the old run is taken back. A reload of NAME goes through its
 * instances one at a time: the next one's turn comes once the one
 * before has been reloaded and its old run has gone; a failure ends the
 * round and every instance still waiting is answered reload-failed.
 */

/* What a run is, moved from one record to another. */
static void
moverun(struct hp_super *s, struct hp_proc *to, struct hp_proc *from)
{
	to->id = from->id;
	to->orphan = from->orphan;
	to->mine = from->mine;
	to->group = from->group;
	to->out = from->out;
	to->err = from->err;
	to->ready = from->ready;
	to->chan = from->chan;
	to->notify = from->notify;
	to->foster = from->foster;
	to->started = from->started;
	to->started_wall = from->started_wall;
	hp_kin_move(s, to, from);
	memset(&from->id, 0, sizeof from->id);
	from->orphan = from->foster = from->mine = 0;
	from->group = 0;
	from->out = from->err = from->ready = -1;
	from->chan = NULL;
	from->notify = NULL;
}

/*
 * A reload begins: p's run goes on, serving, in a new record (outgoing,
 * with the spec it was started with), and p takes the spec the reload
 * brings, to start anew. The new record is the last of s->procs.
 */
struct hp_proc *
hp_unit_handover(struct hp_super *s, struct hp_proc *p)
{
	struct hp_proc *o = hp_xcalloc(1, sizeof *o);

	o->outgoing = 1;
	o->spec = p->spec;
	if (p->respec != NULL) {
		p->spec = *p->respec;
		free(p->respec);
		p->respec = NULL;
	} else
		hp_spec_copy(&p->spec, &o->spec, o->spec.name);
	p->log.max = p->spec.log_size;
	p->log.count = p->spec.log_count;
	hp_sched_arm(p);
	o->out = o->err = o->ready = -1;
	o->exit_code = -1;
	moverun(s, o, p);
	o->log.path = o->logpath = hp_xstrdup(p->logpath);
	o->log.max = o->spec.log_size;
	o->log.count = o->spec.log_count;
	o->heir = p;
	p->old = o;
	/* Room doubles, as hp_super_add has it; not in the map of names. */
	if ((s->nproc & (s->nproc - 1)) == 0)
		s->procs = hp_xrealloc(s->procs, (size_t)(s->nproc ?
		    s->nproc * 2 : 1) * sizeof *s->procs);
	o->ix = s->nproc;
	s->procs[s->nproc++] = o;
	s->regraph = 1;
	hp_unit_attach(s, o);
	return o;
}

/* The new run did not get ready: the outgoing one is p's again. */
void
hp_unit_takeback(struct hp_super *s, struct hp_proc *p)
{
	struct hp_proc *o = p->old;
	char file[HP_PATH_MAX];

	if (o == NULL)
		return;
	moverun(s, p, o);
	o->heir = NULL;
	p->old = NULL;
	if (hp_sproc_path(s, p, file, sizeof file, HP_P_PID) == -1 ||
	    hp_pidfile_write(file, &p->id) == -1)
		hp_warn("%s: write pid", p->spec.name);
}

/* Answer p's reload waiters no, and why, without touching its error. */
static void
refuse(struct hp_super *s, struct hp_proc *p, const char *why)
{
	char code[sizeof p->code], error[sizeof p->error];

	memcpy(code, p->code, sizeof code);
	memcpy(error, p->error, sizeof error);
	hp_copy(p->code, sizeof p->code, "reload-failed");
	hp_copy(p->error, sizeof p->error, why);
	hp_sproc_reply(s, p, 0, HP_W_RELOAD);
	memcpy(p->code, code, sizeof code);
	memcpy(p->error, error, sizeof error);
}

/*
 * The next instance to be reloaded, once none is: a running one is
 * reloaded (life.c); one that does not run is started again, as a
 * restart would, and its turn is over at once.
 */
static void
next(struct hp_super *s, struct hp_unit *u)
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1], *p;
	struct hp_by was;
	int i, n;

	for (;;) {
		/* One at a time: till its old run has gone. */
		n = hp_unit_members(s, u, v, HP_INSTANCES_MAX + 1);
		for (i = 0; i < n; i++)
			if (v[i]->state == HP_ST_RELOADING || v[i]->old != NULL)
				return;
		for (i = 0; i < n && !v[i]->roll; i++)
			;
		if (i == n)
			return;
		p = v[i];
		p->roll = 0;
		/* For whoever asked for the reload (hp_unit_roll). */
		was = s->by;
		s->by = p->by;
		if (p->state == HP_ST_RUNNING && p->term == NULL &&
		    !s->shutdown) {
			hp_life(s, p, HP_EV_RELOAD);
			s->by = was;
			continue;
		}
		if (p->respec != NULL) {
			hp_super_respec(s, p, p->respec);
			free(p->respec);
			p->respec = NULL;
		}
		hp_sproc_reply(s, p, 1, HP_W_RELOAD);
		if (!s->shutdown && p->state != HP_ST_REMOVED)
			hp_life(s, p, hp_life_live(p) ? HP_EV_RESTART :
			    HP_EV_RESUME);
		s->by = was;
	}
}

void
hp_unit_roll(struct hp_super *s, struct hp_proc *p, const char *client,
    struct hp_spec *respec)
{
	if (client != NULL)
		hp_sproc_wait(p, client, HP_W_RELOAD);
	if (respec != NULL) {
		if (p->respec != NULL) {
			hp_spec_free(p->respec);
			free(p->respec);
		}
		p->respec = respec;
	}
	p->roll = 1;
	if (s->by.cause != HP_BY_NONE)
		p->by = s->by;
	next(s, p->unit);
}

/* p's reload is over: the round goes on, or ends with p's failure. */
void
hp_unit_rolled(struct hp_super *s, struct hp_proc *p, const char *fail)
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1];
	char why[HP_REF_MAX + 200];
	int i, n;

	if (fail == NULL) {
		next(s, p->unit);
		return;
	}
	snprintf(why, sizeof why, "not reloaded: %s: %.160s", p->spec.name,
	    fail);
	n = hp_unit_members(s, p->unit, v, HP_INSTANCES_MAX + 1);
	for (i = 0; i < n; i++)
		if (v[i]->roll) {
			v[i]->roll = 0;
			refuse(s, v[i], why);
		}
}

/* "reload NAME": each instance in turn, or NAME:I, or NAME alone. */
void
hp_unit_reload(struct hp_super *s, const char *client, const char *ref)
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1], *p;
	struct hp_unit *u;
	const char *id;
	int i, n;

	if (!hp_ref_ok(ref)) {
		hp_super_reply(s, client, 0, NULL, "usage", "bad name");
		return;
	}
	if (strchr(ref, ':') == NULL && (u = hp_unit_find(s, ref)) != NULL &&
	    u->instances > 0 &&
	    (n = hp_unit_members(s, u, v, HP_INSTANCES_MAX + 1)) > 0) {
		id = hp_join_open(s, client, ref, n);
		for (i = 0; i < n; i++)
			hp_unit_roll(s, v[i], id, NULL);
		return;
	}
	if ((p = hp_super_find(s, ref)) == NULL) {
		hp_super_reply(s, client, 0, ref, "not-found",
		    "no such process");
		return;
	}
	if (p->term != NULL) {
		hp_super_reply(s, client, 0, ref, "usage", "a terminal is "
		    "not reloaded: restart it");
		return;
	}
	hp_unit_roll(s, p, client, NULL);
}
