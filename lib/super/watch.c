/* hp: see LICENSE. */
/* watch.c: readiness (ready-fd, checks), health probes, dependencies. */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "model/check.h"
#include "super/super.h"
#include "super/handover.h"

/*
 * A process is watched in two phases, each with at most one probe of
 * health.c running at a time inside the supervisor's poll() loop:
 *
 *	starting, ready-check	probe soon, then ever less often (up
 *				to READY_GAP_MAX) until one passes: ready
 *	running, health		probe health-start after it became ready,
 *				then every health-interval; health-retries
 *				failures in a row: unhealthy, and with
 *				health-restart, a restart
 *
 * Either probe ends when the process does. A process with "after =" is
 * held before it starts until each process it names is ready.
 */

#define READY_GAP_MIN	20	/* ms before the first readiness probe */
#define READY_GAP_MAX	250	/* ms between readiness probes, at most */
#define RELEASE_MAX	64	/* held processes started in a turn ... */
#define RELEASE_MS	50	/* ... or for so long, at most */

static const char *healths[] = { "unknown", "healthy", "unhealthy" };

const char *
hp_health_name(int h)
{
	return h >= 0 && h < 3 ? healths[h] : "?";
}

/* Stop the probe that runs, if one does; its check is kept. */
static void
cancel(struct hp_proc *p)
{
	if (p->probe == NULL)
		return;
	hp_health_stop(&p->run);
	p->probe = NULL;
}

/*
 * Start a probe of check k (0 readiness, 1 health). A check is parsed and
 * its name resolved once a run of the process, then kept: a name is
 * looked up in the loop only at its first probe (loopback names and
 * numeric addresses never are).
 */
static void
probe(struct hp_super *s, struct hp_proc *p, int k, const char *text)
{
	char msg[256];

	if (p->chk[k] == NULL) {
		p->chk[k] = hp_xcalloc(1, sizeof *p->chk[k]);
		/* The text was checked when the spec was read. */
		if (hp_check_parse(p->chk[k], text, msg, sizeof msg) == -1) {
			hp_warnx("%s: %s", p->spec.name, msg);
			free(p->chk[k]);
			p->chk[k] = NULL;
			return;
		}
		p->chk[k]->timeout = p->spec.health_timeout;
		p->chk[k]->retries = 0;
	}
	p->probe = p->chk[k];
	hp_health_start(&p->run, p->probe, 1, s->st);
}

void
hp_watch_started(struct hp_super *s, struct hp_proc *p)
{
	long long now = hp_mono_ms();

	(void)s;
	p->health = HP_HEALTH_UNKNOWN;
	p->hfails = 0;
	p->hnext = 0;
	p->ready_by = p->spec.ready_timeout > 0 ? now +
	    p->spec.ready_timeout : 0;
	if (p->spec.ready_check != NULL) {
		p->rgap = READY_GAP_MIN;
		p->hnext = now + p->rgap;
	}
}

/* It is ready: health probes begin, and what waited for it may start. */
void
hp_watch_ready(struct hp_super *s, struct hp_proc *p)
{
	cancel(p);
	p->ready_by = 0;
	p->hnext = p->spec.health != NULL ? hp_mono_ms() +
	    p->spec.health_start : 0;
	hp_watch_release(s, p);
}

void
hp_watch_ended(struct hp_proc *p)
{
	int k;

	cancel(p);
	for (k = 0; k < 2; k++) {
		if (p->chk[k] != NULL)
			hp_check_free(p->chk[k]);
		free(p->chk[k]);
		p->chk[k] = NULL;
	}
	p->hnext = p->ready_by = 0;
	p->hfails = 0;
	p->health = HP_HEALTH_UNKNOWN;
}

long long
hp_watch_next(const struct hp_proc *p)
{
	long long t = -1, d;

	if (p->probe != NULL && (d = hp_health_next(&p->run)) != -1)
		t = d;
	if (p->hnext > 0 && p->probe == NULL && (t == -1 || p->hnext < t))
		t = p->hnext;
	if (p->ready_by > 0 && (t == -1 || p->ready_by < t))
		t = p->ready_by;
	return t;
}

int
hp_watch_nfds(const struct hp_proc *p)
{
	return p->probe != NULL ? hp_health_nfds(&p->run) : 0;
}

int
hp_watch_fds(struct hp_proc *p, struct pollfd *pfd, int max)
{
	return p->probe != NULL ? hp_health_fds(&p->run, pfd, max) : 0;
}

static void
healthevent(struct hp_super *s, struct hp_proc *p, const struct hp_check *c)
{
	struct hp_json *j;

	hp_sproc_status(s, p);
	j = hp_sproc_event(s, p, "process:health");
	hp_json_kstr(j, "health", hp_health_name(p->health));
	hp_json_kstr(j, "check", c->text);
	hp_json_kint(j, "failures", p->hfails);
	if (c->healthy) {
		hp_json_key(j, "latency_ms");
		hp_json_num(j, (double)c->latency_us / 1000.0);
	} else
		hp_json_kstr(j, "error", c->error);
	hp_event_publish(&s->ev, j);
}

/* A health probe has ended: count it, and act on a change. */
static void
judged(struct hp_super *s, struct hp_proc *p, const struct hp_check *c)
{
	int was = p->health;

	p->hnext = hp_mono_ms() + p->spec.health_interval;
	if (c->healthy) {
		p->hfails = 0;
		p->health = HP_HEALTH_HEALTHY;
		if (was != p->health)
			healthevent(s, p, c);
		return;
	}
	if (++p->hfails < p->spec.health_retries)
		return;
	p->health = HP_HEALTH_UNHEALTHY;
	if (was != p->health)
		healthevent(s, p, c);
	if (!p->spec.health_restart || p->state != HP_ST_RUNNING ||
	    s->shutdown)
		return;
	/* Restarted, as memory-max does: the breaker counts it. */
	if (!hp_slimit_restart(s, p, hp_mono_ms())) {
		hp_sproc_event(s, p, "process:restarting");
		hp_json_kint(&s->j, "attempt", p->breaker.n);
		hp_json_kint(&s->j, "delay_ms", 0);
		hp_json_kstr(&s->j, "reason", "unhealthy");
		hp_event_publish(&s->ev, &s->j);
	}
	p->health = HP_HEALTH_UNHEALTHY;
	hp_copy(p->code, sizeof p->code, "unhealthy");
	snprintf(p->error, sizeof p->error, "unhealthy: %.140s", c->error);
	hp_sproc_status(s, p);
}

/* The probe of p is done: ready, or a verdict on its health. */
static void
done(struct hp_super *s, struct hp_proc *p)
{
	struct hp_check c = *p->probe;

	c.addrs = NULL;
	c.pr = NULL;
	cancel(p);
	if (p->state == HP_ST_STARTING || p->state == HP_ST_RELOADING) {
		if (c.healthy) {
			hp_life(s, p, HP_EV_READY);
			return;
		}
		p->rgap = p->rgap * 2 > READY_GAP_MAX ? READY_GAP_MAX :
		    p->rgap * 2;
		p->hnext = hp_mono_ms() + p->rgap;
		return;
	}
	if (p->state == HP_ST_RUNNING)
		judged(s, p, &c);
}

void
hp_watch_step(struct hp_super *s, struct hp_proc *p, struct pollfd *pfd,
    int n)
{
	if (p->probe != NULL && hp_health_step(&p->run, pfd, n) == 0)
		done(s, p);
}

void
hp_watch_timer(struct hp_super *s, struct hp_proc *p, long long now)
{
	if (p->ready_by > 0 && now >= p->ready_by) {
		p->ready_by = 0;
		if (p->state == HP_ST_STARTING ||
		    p->state == HP_ST_RELOADING) {
			cancel(p);
			p->hnext = 0;
			hp_copy(p->code, sizeof p->code, "not-ready");
			snprintf(p->error, sizeof p->error,
			    "not ready within %lld ms", p->spec.ready_timeout);
			hp_life(s, p, HP_EV_NOTREADY);
			return;
		}
	}
	if (p->probe != NULL || p->hnext == 0 || now < p->hnext)
		return;
	p->hnext = 0;
	if ((p->state == HP_ST_STARTING || p->state == HP_ST_RELOADING) &&
	    p->spec.ready_check != NULL)
		probe(s, p, 0, p->spec.ready_check);
	else if (p->state == HP_ST_RUNNING && p->spec.health != NULL)
		probe(s, p, 1, p->spec.health);
	/* A probe may be over at once: a proc: check, or no address. */
	if (p->probe != NULL && p->run.pending == 0)
		done(s, p);
}

/* The first process p is started after and that is not ready, or NULL. */
const char *
hp_watch_blocker(struct hp_super *s, const struct hp_proc *p)
{
	size_t i;

	/* A name of instances is ready once every one of them is. */
	for (i = 0; p->spec.after != NULL && p->spec.after[i] != NULL; i++)
		if (hp_unit_ready(s, p->spec.after[i]) != 1)
			return p->spec.after[i];
	return NULL;
}

/* A node's name: that of its unit, for instances NAME:I are NAME. */
static const char *
name_of(void *arg, int i)
{
	const struct hp_proc *p = ((struct hp_super *)arg)->procs[i];

	return p->unit != NULL ? p->unit->name : p->spec.name;
}

static char **
after_of(void *arg, int i)
{
	return ((struct hp_super *)arg)->procs[i]->spec.after;
}

/*
 * The graph of after=, anew when processes or their specs changed since
 * it was made: node i is procs[i] (p->ix is kept so by super.c).
 */
static void
graph(struct hp_super *s)
{
	if (!s->regraph)
		return;
	hp_after_free(&s->graph);
	hp_after_build(&s->graph, s->nproc, name_of, after_of, s);
	s->regraph = 0;
}

/* The queue of release has no room: twice as much, in order from 0. */
static void
ring(struct hp_super *s)
{
	struct hp_proc **r;
	int i, cap = s->relcap ? s->relcap * 2 : 16;

	r = hp_xcalloc((size_t)cap, sizeof *r);
	for (i = 0; i < s->nrel; i++)
		r[i] = s->rel[(s->relhead + i) % s->relcap];
	free(s->rel);
	s->rel = r;
	s->relcap = cap;
	s->relhead = 0;
}

/*
 * Release: q is ready, and what waits on it is to be looked at again, on
 * the loop's turn (hp_watch_work), not here. A start that readies at once
 * releases the next the same way, so that a chain of any length is a
 * queue, never a recursion, and the loop turns between its links.
 */
/* d to the end of the queue of release. */
static void
queue(struct hp_super *s, struct hp_proc *d)
{
	if (s->nrel == s->relcap)
		ring(s);
	s->rel[(s->relhead + s->nrel++) % s->relcap] = d;
	d->released = 1;
}

static void
release(struct hp_super *s, const struct hp_proc *q)
{
	const int *dep;
	struct hp_proc *d;
	int i, n;

	n = hp_after_dependents(&s->graph, q->ix, &dep);
	for (i = 0; i < n; i++) {
		d = s->procs[dep[i]];
		if (d->state != HP_ST_HELD || d->released)
			continue;
		queue(s, d);
	}
}

/*
 * The processes of the configuration are started the same way at
 * start-up, a turn's worth at a time: a long list, or a chain listed in
 * order (each free to start once the one before runs), does not keep
 * requests and signals waiting until the last one has started.
 */
void
hp_watch_boot(struct hp_super *s, struct hp_proc *p)
{
	if (p->released)
		return;
	queue(s, p);
	p->boot = 1;
	s->nboot++;
}

/*
 * One start of start-up done, or forgotten, or decided otherwise (a stop
 * or a start asked for it first: life.c): the last one tells.
 */
void
hp_watch_unboot(struct hp_super *s, struct hp_proc *p)
{
	if (!p->boot)
		return;
	p->boot = 0;
	if (--s->nboot == 0)
		hp_super_booted(s);
}

void
hp_watch_release(struct hp_super *s, struct hp_proc *q)
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1];
	int i, n;

	/* Nothing waits: no graph is made (a chain listed in order). */
	if (s->nheld == 0)
		return;
	graph(s);
	/* The edges of a name of instances are on one of them: on each. */
	if (q->instance > 0 && q->unit != NULL) {
		n = hp_unit_members(s, q->unit, v, HP_INSTANCES_MAX + 1);
		for (i = 0; i < n; i++)
			release(s, v[i]);
	} else
		release(s, q);
}

/* The next held process that may start now, or NULL: none is left. */
struct hp_proc *
hp_watch_next_held(struct hp_super *s)
{
	struct hp_proc *d;

	while (s->nrel > 0) {
		d = s->rel[s->relhead];
		s->relhead = (s->relhead + 1) % s->relcap;
		s->nrel--;
		if (d == NULL)
			continue;	/* forgotten meanwhile */
		d->released = 0;
		if (d->boot)
			return d;	/* its resume: admission, or held */
		if (d->state == HP_ST_HELD && hp_watch_blocker(s, d) == NULL)
			return d;
	}
	s->relhead = 0;
	return NULL;
}

/* A process goes: out of the queue of release. */
void
hp_watch_forget(struct hp_super *s, struct hp_proc *p)
{
	int i;

	for (i = 0; p->released && i < s->nrel; i++)
		if (s->rel[(s->relhead + i) % s->relcap] == p)
			s->rel[(s->relhead + i) % s->relcap] = NULL;
	hp_watch_unboot(s, p);
	s->regraph = 1;
}

/*
 * A turn's worth of releases: each through admission, as any start (a
 * held process has no slot yet). What is left waits for the next turn,
 * which comes at once (hp_watch_pending): signals and requests are heard
 * between.
 */
void
hp_watch_work(struct hp_super *s)
{
	struct hp_proc *d;
	long long end = hp_mono_ms() + RELEASE_MS;
	struct hp_by was = hp_audit_for(s, HP_BY_AFTER);
	int n = 0;

	while (!s->shutdown && (d = hp_watch_next_held(s)) != NULL) {
		hp_life(s, d, HP_EV_RESUME);
		hp_watch_unboot(s, d);
		if (++n >= RELEASE_MAX || hp_mono_ms() >= end)
			break;
	}
	s->by = was;
}

int
hp_watch_pending(const struct hp_super *s)
{
	return s->nrel > 0 && !s->shutdown;
}

/*
 * The process's ready-fd: a line on it is ready (running, process:ready);
 * closing it unwritten is a failure to start: it gets its stop signal,
 * and its exit is a crash like any other.
 */
void
hp_sproc_ready(struct hp_super *s, struct hp_proc *p)
{
	char buf[256];
	ssize_t n;

	n = hp_read(p->ready, buf, sizeof buf);
	if (n == -1 && errno == EAGAIN)
		return;
	if (n > 0 && memchr(buf, '\n', (size_t)n) == NULL)
		return;		/* a word, not yet a line */
	close(p->ready);
	p->ready = -1;
	if (p->state != HP_ST_STARTING && p->state != HP_ST_RELOADING)
		return;
	if (n > 0) {
		hp_life(s, p, HP_EV_READY);
		return;
	}
	hp_copy(p->code, sizeof p->code, "not-ready");
	hp_copy(p->error, sizeof p->error, "closed its ready-fd unwritten");
	hp_life(s, p, HP_EV_NOTREADY);
}

/*
 * An upgrade is about to hand p over: a probe under way is given up (its
 * socket would not go across) and made again at once by the new image.
 */
void
hp_watch_pause(struct hp_proc *p)
{
	if (p->probe == NULL)
		return;
	cancel(p);
	p->hnext = hp_mono_ms();
}
