/* hp: see LICENSE. */
/* slimit.c: what the supervisor watches (memory, CPU), its admission queue. */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"

#define RECHECK_MS	250	/* a queue waiting on the machine looks again */
#define TREE_MAX	256	/* processes of a tree sampled, at most */

/*
 * Admission. A process takes a slot when it is admitted and keeps it
 * until it has ended for good (stopped, exited, removed): a failed one
 * keeps it for its trial. Its restarts (backoff, the restart verb, a
 * reload, memory-max, a trial) are spawned at once (life.c) and never
 * queued: a restart cannot wait behind new starts that wait for its slot.
 * Only new starts (hp-spawn, start, a configuration, recovery) ask here;
 * they wait in order of arrival.
 */
static int
holds(const struct hp_proc *p)
{
	/* One held by after = has no process yet: it waits on another. */
	return p->state != HP_ST_QUEUED && p->state != HP_ST_HELD &&
	    (hp_life_live(p) || (p->state == HP_ST_FAILED &&
	    p->timer[HP_T_TRIAL] > 0));
}

/* Why a start must wait now: the rule, its figures and a message. */
struct why {
	const char	*rule;
	double		 value, max;
	char		 msg[96];
};

/*
 * The machine's available memory and load, read again at most every
 * RECHECK_MS: the queue is looked at on every turn of the loop, and
 * /proc need not be.
 */
static void
machine(struct hp_super *s)
{
	long long now = hp_mono_ms();
	double load[3];

	if (s->machine_at != 0 && now - s->machine_at < RECHECK_MS)
		return;
	s->machine_at = now;
	s->mem = s->admit.max_memory > 0 ? hp_mem_available() : -1;
	s->load = s->admit.max_load >= 0 && hp_loadavg(load) == 0 ?
	    load[0] : -1;
}

static int
blocked(struct hp_super *s, struct why *w)
{
	const struct hp_admit *a = &s->admit;
	int i, n = 0;

	for (i = 0; i < s->nproc; i++)
		n += holds(s->procs[i]);
	w->rule = NULL;
	if (n >= a->max_procs) {
		w->rule = "max-procs";
		w->value = n;
		w->max = a->max_procs;
		snprintf(w->msg, sizeof w->msg, "%d of %d processes run "
		    "(max-procs)", n, a->max_procs);
		return 1;
	}
	machine(s);
	if (a->max_memory > 0 && s->mem >= 0 && s->mem < a->max_memory) {
		w->rule = "max-memory";
		w->value = (double)s->mem;
		w->max = (double)a->max_memory;
		snprintf(w->msg, sizeof w->msg, "%lld bytes available, "
		    "%lld wanted (max-memory)", s->mem, a->max_memory);
	} else if (a->max_load >= 0 && s->load >= 0 &&
	    s->load > a->max_load) {
		w->rule = "max-load";
		w->value = s->load;
		w->max = a->max_load;
		snprintf(w->msg, sizeof w->msg, "load %.2f above %.2f "
		    "(max-load)", s->load, a->max_load);
	}
	return w->rule != NULL;
}

static struct hp_proc *
head(struct hp_super *s)
{
	struct hp_proc *p = NULL;
	int i;

	for (i = 0; i < s->nproc; i++)
		if (s->procs[i]->queued && (p == NULL ||
		    s->procs[i]->queued < p->queued))
			p = s->procs[i];
	return p;
}

static void
limit_event(struct hp_super *s, struct hp_proc *p, const char *limit,
    double value, double max)
{
	struct hp_json *j = hp_sproc_event(s, p, "process:limit");

	hp_json_kstr(j, "limit", limit);
	hp_json_key(j, "value");
	hp_json_num(j, value);
	hp_json_key(j, "max");
	hp_json_num(j, max);
}

/* Must a start of p wait for its place? Not if it has one, or is first. */
int
hp_queue_wait(struct hp_super *s, const struct hp_proc *p)
{
	struct why w;

	if (p->state == HP_ST_QUEUED)
		return 1;
	if (holds(p))
		return 0;
	return blocked(s, &w) || head(s) != NULL;
}

/* p waits in the queue now (life.c): its place, and why, told. */
void
hp_queue_enter(struct hp_super *s, struct hp_proc *p)
{
	struct why w;

	if (!blocked(s, &w)) {
		/* Behind others that wait, for no rule of its own. */
		w.rule = "max-procs";
		w.value = w.max = s->admit.max_procs;
	}
	p->queued = ++s->arrivals;
	p->queue_end = hp_mono_ms() + s->admit.queue_timeout;
	p->error[0] = p->code[0] = '\0';
	hp_sproc_status(s, p);
	limit_event(s, p, w.rule, w.value, w.max);
	hp_json_kbool(&s->j, "queued", 1);
	hp_event_publish(&s->ev, &s->j);
}

/* It waited long enough (w says for what): it ends, never started. */
static void
give_up(struct hp_super *s, struct hp_proc *p, const struct why *w)
{
	hp_copy(p->code, sizeof p->code, "queue-timeout");
	snprintf(p->error, sizeof p->error, "not started after %lld ms in "
	    "the queue: %s", s->admit.queue_timeout, w->rule != NULL ?
	    w->msg : "others first");
	hp_life(s, p, HP_EV_WAITED);
}

static void
queue_tick(struct hp_super *s, long long now)
{
	struct hp_proc *p;
	struct why w = { NULL, 0, 0, "" };
	int i;

	while ((p = head(s)) != NULL && !blocked(s, &w))
		hp_life(s, p, HP_EV_SPAWN);	/* its turn: admitted */
	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (p->state == HP_ST_QUEUED && now >= p->queue_end)
			give_up(s, p, &w);
	}
}

/*
 * Sampled: a process with a limit, and, where its tree is found by
 * ancestry (no cgroup), every process, for what it starts that leaves
 * its group to be remembered (kin.c) before its parent is gone.
 */
static int
watched(const struct hp_proc *p)
{
	return (p->spec.memory_max > 0 || p->spec.cpu_max > 0 ||
	    p->cg == NULL) &&
	    (p->state == HP_ST_RUNNING || p->state == HP_ST_STARTING) &&
	    p->id.pid > 0 && !p->orphan;
}

/*
 * A restart the supervisor decides (above memory-max, unhealthy): p is
 * stopped and started again. Each counts as a failure for the circuit
 * breaker, so that a process that is always above its limit or always
 * unhealthy is given up on (failed) rather than restarted without end.
 */
int
hp_slimit_restart(struct hp_super *s, struct hp_proc *p, long long now)
{
	int open;

	/* It stayed up a while: earlier failures are forgotten. */
	if (now - p->started >= p->spec.backoff_reset)
		hp_breaker_ok(&p->breaker);
	open = hp_breaker_fail(&p->breaker, now, p->spec.max_restarts,
	    p->spec.restart_window) == HP_CIRCUIT_OPEN;
	/* Given up on: once stopped, it is failed, with a trial later. */
	hp_life(s, p, open ? HP_EV_RETIRE : HP_EV_RESTART);
	if (!open)
		p->restarts++;
	return open;
}

static void
over_memory(struct hp_super *s, struct hp_proc *p, long long rss,
    long long now)
{
	pid_t pid = p->id.pid;
	int open = hp_slimit_restart(s, p, now);

	hp_copy(p->code, sizeof p->code, "memory-limit");
	snprintf(p->error, sizeof p->error, "memory %lld bytes above "
	    "memory-max %lld", rss, p->spec.memory_max);
	hp_sproc_status(s, p);
	limit_event(s, p, "memory", (double)rss, (double)p->spec.memory_max);
	hp_json_kint(&s->j, "pid", (long long)pid);
	hp_event_publish(&s->ev, &s->j);
	/* Restarted, as a health restart is: said as any restart is. */
	if (!open) {
		hp_sproc_event(s, p, "process:restarting");
		hp_json_kint(&s->j, "attempt", p->breaker.n);
		hp_json_kint(&s->j, "delay_ms", 0);
		hp_json_kstr(&s->j, "reason", "memory-limit");
		hp_event_publish(&s->ev, &s->j);
	}
}

/*
 * One sample of p's tree: its memory against memory-max, its CPU since
 * the last sample against cpu-max. Going above cpu-max is said once, and
 * again only after a sample below it.
 */
static void
sample(struct hp_super *s, struct hp_proc *p, long long now)
{
	pid_t tree[TREE_MAX];
	unsigned long long ticks;
	long long rss;
	long hz = sysconf(_SC_CLK_TCK);
	double pc;
	int first, i, n;

	p->sample_at = now + p->spec.limit_interval;
	first = p->sampled != p->id.pid;
	p->sampled = p->id.pid;
	/* Gone (its exit is on its way), or this system cannot tell. */
	if ((n = hp_tree_stat(p->id.pid, p->id.start, tree, TREE_MAX, &ticks,
	    &rss)) == -1) {
		p->ticks_at = 0;
		return;
	}
	/* Its descendants, seen: the leader first. */
	for (i = 0; i < n; i++)
		hp_kin_seen(s, p, tree[i]);
	if (first)
		p->cpu_over = 0;
	else if (p->spec.cpu_max > 0 && p->ticks_at > 0 && now > p->ticks_at &&
	    hz > 0) {
		pc = ticks < p->ticks ? 0 : (double)(ticks - p->ticks) *
		    100000.0 / (double)hz / (double)(now - p->ticks_at);
		if (pc <= p->spec.cpu_max)
			p->cpu_over = 0;
		else if (!p->cpu_over) {
			p->cpu_over = 1;
			limit_event(s, p, "cpu", pc, p->spec.cpu_max);
			hp_json_kint(&s->j, "pid", (long long)p->id.pid);
			hp_event_publish(&s->ev, &s->j);
		}
	}
	p->ticks = ticks;
	p->ticks_at = now;
	if (p->spec.memory_max > 0 && rss > p->spec.memory_max)
		over_memory(s, p, rss, now);
}

/* Once a loop: the samples that are due, then the queue. */
void
hp_slimit_tick(struct hp_super *s, long long now)
{
	struct hp_proc *p;
	int i;

	if (s->shutdown)
		return;
	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (watched(p) && (p->sampled != p->id.pid ||
		    now >= p->sample_at))
			sample(s, p, now);
	}
	queue_tick(s, now);
}

long long
hp_slimit_next(const struct hp_super *s, long long now)
{
	const struct hp_proc *p;
	long long next = -1, t;
	int i;

	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (p->state == HP_ST_QUEUED)
			t = p->queue_end < now + RECHECK_MS ? p->queue_end :
			    now + RECHECK_MS;
		else if (watched(p))
			t = p->sampled != p->id.pid ? now : p->sample_at;
		else
			continue;
		if (next == -1 || t < next)
			next = t;
	}
	return next;
}
