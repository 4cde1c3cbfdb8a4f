/* hp: see LICENSE. */
/* life.c: the life of a supervised process: one table of states and events. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

/*
 * A process is in one state; what happens to it is an event; the table
 * below says, for a state and an event, the next state and what is done.
 * hp_life() is the only code that sets a state. Where one happening can
 * end in several ways it is told apart first, by what it finds: a spawn
 * whose after= is not ready is "hold" (refine()), an exit "retry",
 * "give-up" or "end"; admission makes a start "queue" or "spawn". An
 * event with no row for the state changes nothing. hp(7), STATES, shows
 * the same table; a test holds the two together (test/tables.bats, with
 * test/unit/run life).
 *
 * Each timer has one purpose and is an event when it comes; a timer
 * belongs to the states it is set in and goes when the process leaves
 * them. Everything a process is, is in its struct hp_proc: its state, its
 * timers (mono ms), what it is to do after a stop (then), its counts.
 */

#define GROUP_GRACE	500	/* ms to wait for a killed group to go */
#define KILL_GRACE	2000	/* ms to wait for SIGKILL to take */
#define POLL_MS		10	/* ms between looks at what gives no sign */
#define S(x)		(1u << (x))
#define E(x)		(1ull << (x))
#define SAME		(-1)	/* the row keeps the state */

static const struct {
	const char	*name;		/* as hp(7) and the table say it */
	const char	*shown;		/* in status, hp-ls, answers */
	int		 live;		/* kept: an implicit supervisor stays */
} states[HP_ST_N] = {
	[HP_ST_STOPPED] = { "stopped", "stopped", 0 },
	[HP_ST_QUEUED] = { "queued", "starting", 1 },
	[HP_ST_HELD] = { "held", "starting", 1 },
	[HP_ST_STARTING] = { "starting", "starting", 1 },
	[HP_ST_RUNNING] = { "running", "running", 1 },
	[HP_ST_BACKOFF] = { "backoff", "backoff", 1 },
	[HP_ST_STOPPING] = { "stopping", "stopping", 1 },
	[HP_ST_EXITED] = { "exited", "exited", 0 },
	[HP_ST_FAILED] = { "failed", "failed", 0 },
	[HP_ST_REMOVED] = { "removed", "removed", 0 },
	[HP_ST_RELOADING] = { "reloading", "reloading", 1 },
	[HP_ST_OUTGOING] = { "outgoing", "running", 1 },
};

static const char *events[HP_EV_N] = {
	[HP_EV_START] = "start", [HP_EV_RESUME] = "resume",
	[HP_EV_QUEUE] = "queue", [HP_EV_SPAWN] = "spawn",
	[HP_EV_HOLD] = "hold", [HP_EV_EXEC] = "exec", [HP_EV_UP] = "up",
	[HP_EV_READY] = "ready", [HP_EV_NOTREADY] = "not-ready",
	[HP_EV_KILL] = "kill", [HP_EV_EXIT] = "exit",
	[HP_EV_RETRY] = "retry", [HP_EV_GIVEUP] = "give-up",
	[HP_EV_END] = "end", [HP_EV_STOP] = "stop",
	[HP_EV_RESTART] = "restart", [HP_EV_REMOVE] = "remove",
	[HP_EV_RETIRE] = "retire", [HP_EV_ESCALATE] = "escalate",
	[HP_EV_ORPHAN] = "orphan-poll", [HP_EV_GROUP] = "group-poll",
	[HP_EV_DOWN] = "down", [HP_EV_FAIL] = "fail",
	[HP_EV_TRIAL] = "trial", [HP_EV_SHUTDOWN] = "shutdown",
	[HP_EV_FORGET] = "forget", [HP_EV_WAITED] = "queue-timeout",
	[HP_EV_ADOPT] = "adopt", [HP_EV_WASFAILED] = "was-failed",
	[HP_EV_WASEXITED] = "was-exited", [HP_EV_RELOAD] = "reload",
	[HP_EV_HANDOVER] = "hand-over", [HP_EV_TAKEBACK] = "take-back",
	[HP_EV_FALLBACK] = "fall-back", [HP_EV_WATCHDOG] = "watchdog",
	[HP_EV_MAINPOLL] = "main-poll", [HP_EV_WASSTOPPING] = "was-stopping",
	[HP_EV_STAYED] = "stayed-up", [HP_EV_CLOCK] = "clock",
	[HP_EV_RESTARTAT] = "restart-at", [HP_EV_RUNAT] = "run-at",
};

/* The timers: the event each is, and the states it belongs to. */
static const struct {
	const char	*name;
	int		 event;
	unsigned	 states;
} timers[HP_T_N] = {
	[HP_T_BACKOFF] = { "backoff", HP_EV_SPAWN, S(HP_ST_BACKOFF) },
	[HP_T_TRIAL] = { "trial", HP_EV_TRIAL, S(HP_ST_FAILED) },
	[HP_T_STOP] = { "stop", HP_EV_ESCALATE, S(HP_ST_STOPPING) },
	[HP_T_ORPHAN] = { "orphan", HP_EV_ORPHAN, S(HP_ST_STOPPING) },
	[HP_T_GROUP] = { "group", HP_EV_GROUP, S(HP_ST_STOPPING) },
	[HP_T_NOTREADY] = { "not-ready", HP_EV_KILL, S(HP_ST_STARTING) |
	    S(HP_ST_RELOADING) },
	[HP_T_WATCHDOG] = { "watchdog", HP_EV_WATCHDOG, S(HP_ST_RUNNING) },
	[HP_T_MAIN] = { "main", HP_EV_MAINPOLL, S(HP_ST_STARTING) |
	    S(HP_ST_RUNNING) | S(HP_ST_RELOADING) },
	[HP_T_CIRCUIT] = { "circuit", HP_EV_STAYED, S(HP_ST_STARTING) |
	    S(HP_ST_RUNNING) },
	[HP_T_SCHEDULE] = { "schedule", HP_EV_CLOCK, (S(HP_ST_N) - 1) &
	    ~S(HP_ST_REMOVED) & ~S(HP_ST_OUTGOING) },
};

typedef int	action(struct hp_super *, struct hp_proc *, int);

static action none, runs, then_start, admit, enqueue, spawn, hold,
    started, up, ready, notready, kill9, retry, giveup, end, stop, then_set,
    leader, group, orphan, escalate, down, stopped_now, unqueue, waits,
    follow, again, forget, fail, trial, notrial, waited, adopted, stayed,
    reload, took, fallback, left, missed, lost, restop, scheduled, skipped,
    rearm;

#define STOPS	(E(HP_EV_STOP) | E(HP_EV_RESTART) | E(HP_EV_REMOVE) | \
	E(HP_EV_RETIRE))
#define HALTS	(E(HP_EV_STOP) | E(HP_EV_REMOVE) | E(HP_EV_RETIRE))
/* No process, and none to come by itself but a backoff's. */
#define IDLE	(S(HP_ST_STOPPED) | S(HP_ST_EXITED) | S(HP_ST_FAILED) | \
	S(HP_ST_BACKOFF))
/* A run on its way to ready: a start, or a reload's new run. */
#define COMING	(S(HP_ST_STARTING) | S(HP_ST_RELOADING))
/* A run of its own: an exit is news. */
#define RUNS	(S(HP_ST_STARTING) | S(HP_ST_RUNNING) | S(HP_ST_RELOADING))

/*
 * The table. The first row that has the state and the event is taken.
 * Room is left for the states to come: a process no longer supervised, a
 * reload under way, a half-open circuit: each a state, its rows, its
 * actions.
 */
static const struct row {
	unsigned		 states;
	unsigned long long	 events;
	int			 next;
	action			*act;
	const char		*what;	/* as hp(7) says it */
} table[] = {
	/* Starting: asked, admitted (or queued), held, spawned. */
	{ IDLE, E(HP_EV_START) | E(HP_EV_RESUME), SAME, admit,
	    "admission: queue or spawn (start: counts start over)" },
	{ S(HP_ST_QUEUED), E(HP_EV_START), SAME, none,
	    "answered once it starts" },
	{ S(HP_ST_HELD) | RUNS, E(HP_EV_START), SAME, runs,
	    "answer: it runs" },
	{ S(HP_ST_STOPPING), E(HP_EV_START), SAME, then_start,
	    "start once stopped" },
	{ S(HP_ST_HELD), E(HP_EV_RESUME), SAME, admit,
	    "its after= ready: admission, as any start" },
	{ IDLE | S(HP_ST_HELD), E(HP_EV_QUEUE), HP_ST_QUEUED, enqueue,
	    "wait for a slot: process:limit" },
	{ IDLE | S(HP_ST_QUEUED) | S(HP_ST_HELD), E(HP_EV_SPAWN),
	    HP_ST_STARTING, spawn, "fork and exec: exec, or exit" },
	{ IDLE | S(HP_ST_QUEUED), E(HP_EV_HOLD), HP_ST_HELD, hold,
	    "wait for its after= to be ready" },
	{ COMING, E(HP_EV_EXEC), SAME, started,
	    "process:started; wait for it to be ready" },
	{ S(HP_ST_STARTING), E(HP_EV_UP), HP_ST_RUNNING, up,
	    "process:started, process:ready" },
	{ S(HP_ST_STARTING), E(HP_EV_READY), HP_ST_RUNNING, ready,
	    "process:ready; health probes begin" },
	{ COMING, E(HP_EV_NOTREADY), SAME, notready,
	    "its stop signal; not-ready timer" },
	{ COMING, E(HP_EV_KILL), SAME, kill9, "SIGKILL" },
	/* It ended, or could not be executed. */
	{ RUNS, E(HP_EV_RETRY), HP_ST_BACKOFF, retry,
	    "process:exited, restarting; backoff timer" },
	{ RUNS, E(HP_EV_GIVEUP), HP_ST_FAILED, giveup,
	    "process:exited, failed; trial timer" },
	{ RUNS, E(HP_EV_END), HP_ST_EXITED, end, "process:exited" },
	/* Stopping: asked, escalated, done; then what was asked next. */
	{ RUNS | S(HP_ST_OUTGOING), STOPS, HP_ST_STOPPING, stop,
	    "its stop signal (a terminal: SIGHUP); stop timer" },
	{ S(HP_ST_STOPPING), STOPS, SAME, then_set, "what comes after" },
	{ S(HP_ST_STOPPING), E(HP_EV_EXIT), SAME, leader,
	    "the leader is gone: the rest of its tree, or down" },
	{ S(HP_ST_STOPPING), E(HP_EV_GROUP), SAME, group,
	    "its tree gone, or SIGKILL at the stop timeout: down" },
	{ S(HP_ST_STOPPING), E(HP_EV_ORPHAN), SAME, orphan,
	    "an orphan gone: down" },
	{ S(HP_ST_STOPPING), E(HP_EV_ESCALATE), SAME, escalate,
	    "the stop signal after SIGHUP, SIGKILL, survivors" },
	{ S(HP_ST_STOPPING), E(HP_EV_DOWN), HP_ST_STOPPED, down,
	    "process:stopped; then start, remove or fail" },
	{ S(HP_ST_QUEUED), E(HP_EV_RESTART), SAME, waits, "it waits on" },
	{ S(HP_ST_QUEUED), HALTS, HP_ST_STOPPED, unqueue,
	    "out of the queue: process:stopped" },
	{ S(HP_ST_HELD) | S(HP_ST_BACKOFF) | S(HP_ST_FAILED), STOPS,
	    HP_ST_STOPPED, stopped_now, "process:stopped; then ..." },
	{ S(HP_ST_STOPPED) | S(HP_ST_EXITED), E(HP_EV_RESTART), SAME, admit,
	    "admission: queue or spawn" },
	{ S(HP_ST_STOPPED) | S(HP_ST_EXITED), HALTS, SAME, again,
	    "answer; remove if asked" },
	{ S(HP_ST_STOPPED), E(HP_EV_FAIL), HP_ST_FAILED, fail,
	    "process:failed; trial timer" },
	{ S(HP_ST_STOPPED) | S(HP_ST_EXITED), E(HP_EV_FORGET),
	    HP_ST_REMOVED, forget, "its record goes" },
	/* The circuit, the queue, shutdown, recovery. */
	{ S(HP_ST_FAILED), E(HP_EV_TRIAL), SAME, trial,
	    "half-open: one trial spawn" },
	{ S(HP_ST_FAILED), E(HP_EV_SHUTDOWN), SAME, notrial, "no trial" },
	{ S(HP_ST_STARTING) | S(HP_ST_RUNNING), E(HP_EV_STAYED), SAME, stayed,
	    "the trial stayed up: circuit closed, process:circuit" },
	{ S(HP_ST_QUEUED), E(HP_EV_WAITED), HP_ST_EXITED, waited,
	    "process:exited, queue-timeout" },
	{ S(HP_ST_STOPPED), E(HP_EV_ADOPT), HP_ST_RUNNING, adopted,
	    "an orphan of an earlier supervisor" },
	{ S(HP_ST_STOPPED), E(HP_EV_WASFAILED), HP_ST_FAILED, none,
	    "as an earlier supervisor left it" },
	{ S(HP_ST_STOPPED), E(HP_EV_WASEXITED), HP_ST_EXITED, none,
	    "as an earlier supervisor left it" },
	{ S(HP_ST_STOPPED), E(HP_EV_WASSTOPPING), HP_ST_STOPPING, restop,
	    "a stop an earlier supervisor began: on, to its deadlines" },
	/* A reload: a new run, ready before the old one goes. */
	{ S(HP_ST_RUNNING), E(HP_EV_RELOAD), HP_ST_RELOADING, reload,
	    "its run goes on, outgoing; a new one: exec, or exit" },
	{ S(HP_ST_RELOADING), E(HP_EV_RELOAD), SAME, none,
	    "answered once it is over" },
	{ S(HP_ST_RELOADING), E(HP_EV_UP) | E(HP_EV_READY), HP_ST_RUNNING,
	    took, "process:ready; the outgoing run is removed" },
	{ S(HP_ST_RELOADING), E(HP_EV_FALLBACK), HP_ST_RUNNING, fallback,
	    "process:reload-failed; the outgoing run is its own again" },
	{ S(HP_ST_STOPPED), E(HP_EV_HANDOVER), HP_ST_OUTGOING, none,
	    "a reload's old run, serving on" },
	{ S(HP_ST_OUTGOING), E(HP_EV_EXIT), HP_ST_REMOVED, left,
	    "it ended by itself" },
	{ S(HP_ST_OUTGOING), E(HP_EV_TAKEBACK), HP_ST_REMOVED, none,
	    "its run is its heir's again" },
	/* What a program of systemd's says, or does not say, in time. */
	{ S(HP_ST_RUNNING), E(HP_EV_WATCHDOG), SAME, missed,
	    "no WATCHDOG=1 in time: restart" },
	{ RUNS, E(HP_EV_MAINPOLL), SAME, lost,
	    "its MAINPID=, not our child, gone: its exit" },
	/* Schedules: restart-at, run-at, when the clock says they are due. */
	{ RUNS | S(HP_ST_EXITED), E(HP_EV_RESTARTAT), SAME, scheduled,
	    "process:restarting (schedule): restart" },
	{ S(HP_ST_EXITED), E(HP_EV_RUNAT), SAME, scheduled,
	    "process:restarting (schedule): run again" },
	{ RUNS, E(HP_EV_RUNAT), SAME, skipped,
	    "still running: process:skipped, counted" },
	{ (S(HP_ST_N) - 1) & ~S(HP_ST_REMOVED), E(HP_EV_CLOCK) |
	    E(HP_EV_RESTARTAT) | E(HP_EV_RUNAT), SAME, rearm,
	    "not due, or not now: the next due time" },
};
#define NROWS	(int)(sizeof table / sizeof table[0])

const char *
hp_state_name(int st)
{
	return st >= 0 && st < HP_ST_N ? states[st].shown : "?";
}

int
hp_life_live(const struct hp_proc *p)
{
	return states[p->state].live;
}

/* A start must wait for its place: the supervisor is at a limit. */
static int
refine_start(struct hp_super *s, struct hp_proc *p)
{
	return hp_queue_wait(s, p) ? HP_EV_QUEUE : HP_EV_SPAWN;
}

/*
 * An exit: restarted after a backoff, given up on (the circuit opens:
 * failures are counted here), or ended. A spawn's first start that fails
 * is not restarted: its record goes (add).
 */
static int
refine_exit(struct hp_super *s, struct hp_proc *p)
{
	long long now = hp_mono_ms();
	int failed = p->exit_signal != 0 || p->exit_code != 0;
	int again = !s->shutdown && !p->first && p->then == HP_THEN_STAY &&
	    (p->spec.restart == HP_RESTART_ALWAYS ||
	    (p->spec.restart == HP_RESTART_ON_FAILURE && failed));

	if (!again)
		return HP_EV_END;
	if (now - p->started >= p->spec.backoff_reset) {
		/* It stayed up a while: backoff and breaker start over. */
		p->attempt = 0;
		hp_breaker_ok(&p->breaker);
	}
	if (failed && hp_breaker_fail(&p->breaker, now, p->spec.max_restarts,
	    p->spec.restart_window) == HP_CIRCUIT_OPEN)
		return HP_EV_GIVEUP;
	return HP_EV_RETRY;
}

/* A spawn held by after=; an exec with no readiness rule; an exit. */
static int
refine(struct hp_super *s, struct hp_proc *p, int ev)
{
	if (ev == HP_EV_SPAWN && hp_watch_blocker(s, p) != NULL)
		return HP_EV_HOLD;
	if (ev == HP_EV_EXEC && p->ready == -1 && p->spec.ready_check == NULL &&
	    !p->spec.notify)
		return HP_EV_UP;
	if (ev == HP_EV_CLOCK && hp_sched_due(p))
		return p->spec.run_at != NULL ? HP_EV_RUNAT : HP_EV_RESTARTAT;
	if (ev == HP_EV_EXIT && p->state == HP_ST_RELOADING)
		return HP_EV_FALLBACK;
	if (ev == HP_EV_EXIT && p->state != HP_ST_STOPPING &&
	    p->state != HP_ST_OUTGOING)
		return refine_exit(s, p);
	return ev;
}

/* The one assignment of a state, and the count of those held. */
static void
set(struct hp_super *s, struct hp_proc *p, int st)
{
	s->nheld += (st == HP_ST_HELD) - (p->state == HP_ST_HELD);
	p->state = st;
}

/*
 * What happens to p: the row of its state and the event, the state set,
 * the timers of the old state gone, the action done. Returns what the
 * action returns: 0, or -1 when a spawn could not exec, 1 queued.
 */
int
hp_life(struct hp_super *s, struct hp_proc *p, int ev)
{
	const struct row *r;
	int old = p->state, t;

	/* Whatever comes next comes after its stop signal. */
	if (p->telling)
		(void)hp_life_tell(s);
	/* A start of start-up still to come: anything else decides. */
	if (p->boot && ev != HP_EV_RESUME)
		hp_watch_unboot(s, p);
	ev = refine(s, p, ev);
	hp_audit_by(s, p, ev);		/* whom a start asked now is for */
	/* A stop asked ends its probes, whatever the state. */
	if (E(ev) & STOPS)
		hp_watch_ended(p);
	for (r = table; r < table + NROWS; r++)
		if ((r->states & S(old)) && (r->events & E(ev)))
			break;
	if (r == table + NROWS)
		return 0;
	if (r->next != SAME && r->next != old) {
		set(s, p, r->next);
		for (t = 0; t < HP_T_N; t++)
			if (!(timers[t].states & S(p->state)))
				p->timer[t] = 0;
		if (old == HP_ST_QUEUED)
			p->queued = 0;
	}
	return r->act(s, p, ev);
}

/* Its timers that are due, each as its event. */
void
hp_life_timers(struct hp_super *s, struct hp_proc *p, long long now)
{
	int t;

	for (t = 0; t < HP_T_N; t++)
		if (p->timer[t] > 0 && now >= p->timer[t]) {
			p->timer[t] = 0;
			hp_life(s, p, timers[t].event);
		}
}

void
hp_life_timer(struct hp_proc *p, int t, long long at)
{
	if (timers[t].states & S(p->state))
		p->timer[t] = at;
}

long long
hp_life_next(const struct hp_proc *p)
{
	long long next = -1;
	int t;

	for (t = 0; t < HP_T_N; t++)
		if (p->timer[t] > 0 && (next == -1 || p->timer[t] < next))
			next = p->timer[t];
	return next;
}

/* The table, row i, for test/unit/run life: -1 past the end. */
int
hp_life_row(int i, unsigned *st, unsigned long long *ev, int *next,
    const char **what)
{
	if (i < 0 || i >= NROWS)
		return -1;
	*st = table[i].states;
	*ev = table[i].events;
	*next = table[i].next;
	*what = table[i].what;
	return 0;
}

const char *
hp_life_state_name(int st)
{
	return st >= 0 && st < HP_ST_N ? states[st].name : NULL;
}

const char *
hp_life_event_name(int ev)
{
	return ev >= 0 && ev < HP_EV_N ? events[ev] : NULL;
}

const char *
hp_life_timer_name(int t, int *ev)
{
	if (t < 0 || t >= HP_T_N)
		return NULL;
	*ev = timers[t].event;
	return timers[t].name;
}

/* The actions. */

static int
none(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)s;
	(void)p;
	(void)ev;
	return 0;
}

/* Asked to start, it runs already (or is under way): say so. */
static int
runs(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_sproc_reply(s, p, 1, HP_W_START);
	return 0;
}

static int
then_start(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)s;
	(void)ev;
	p->then = HP_THEN_START;
	return 0;
}

/*
 * A new start: through admission. The start verb and hp-spawn begin the
 * counts again; a configuration, recovery or a restart of one that is
 * not running do not.
 */
static int
admit(struct hp_super *s, struct hp_proc *p, int ev)
{
	if (ev == HP_EV_START) {
		p->restarts = p->asked = p->attempt = 0;
		hp_breaker_ok(&p->breaker);
	}
	return hp_life(s, p, refine_start(s, p));
}

static int
enqueue(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_queue_enter(s, p);
	return 1;
}

/*
 * The spawn of a start. A spawn's first start (add) keeps its clients
 * for the end: one that cannot exec leaves no record, and is not
 * restarted; then they hear.
 */
static int
spawn(struct hp_super *s, struct hp_proc *p, int ev)
{
	struct hp_waiter *w = p->waiters;
	char dir[HP_PATH_MAX];
	int r, first = p->first;

	(void)ev;
	if (first)
		p->waiters = NULL;
	p->error[0] = p->code[0] = '\0';
	p->stopby = 0;
	if (hp_sproc_spawn(s, p) == 0)
		r = hp_life(s, p, HP_EV_EXEC);
	else {
		hp_life(s, p, HP_EV_EXIT);
		r = -1;
	}
	p->first = 0;
	if (!first)
		return r;
	p->waiters = w;
	if (r == -1) {
		if (hp_proc_file(s->st, dir, sizeof dir, p->spec.name,
		    HP_P_DIR) == 0)
			hp_rmtree(dir);
		hp_life(s, p, HP_EV_FORGET);
	}
	hp_sproc_reply(s, p, r == 0, HP_W_START);
	return r;
}

/* It starts after another that is not ready: it waits, and says so. */
static int
hold(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	p->first = 0;
	p->id.pid = 0;
	hp_copy(p->code, sizeof p->code, "waiting");
	snprintf(p->error, sizeof p->error, "waiting for %s to be ready",
	    hp_watch_blocker(s, p));
	hp_sproc_status(s, p);
	/* Who asked for the start hears it is under way. */
	hp_sproc_reply(s, p, 1, HP_W_START);
	return 0;
}

static int
started(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	/* On trial: once it has stayed up a while, the circuit closes. */
	if (p->breaker.state == HP_CIRCUIT_HALF)
		p->timer[HP_T_CIRCUIT] = p->started + p->spec.backoff_reset;
	hp_sproc_status(s, p);
	hp_record_started(s, p);
	hp_watch_started(s, p);
	/* Its watch = is watched before whoever asked hears it runs. */
	if (p->spec.watch != NULL)
		hp_fwatch_settle(s);
	hp_sproc_reply(s, p, 1, HP_W_START);
	return 0;
}

static int
readied(struct hp_super *s, struct hp_proc *p)
{
	hp_record_pid(s, p, "process:ready");
	hp_watch_ready(s, p);
	hp_notify_ready(p);
	return 0;
}

static int
up(struct hp_super *s, struct hp_proc *p, int ev)
{
	started(s, p, ev);
	return readied(s, p);
}

static int
ready(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_sproc_status(s, p);
	return readied(s, p);
}

/* It will not be ready (p->code, p->error say why): its stop signal. */
static int
notready(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_sproc_status(s, p);
	hp_sproc_kill(s, p, p->spec.stop_signal);
	/* One that will not go either gets SIGKILL after its stop timeout. */
	p->timer[HP_T_NOTREADY] = hp_mono_ms() + p->spec.stop_timeout;
	return 0;
}

static int
kill9(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	if (p->id.pid > 0)
		hp_sproc_kill(s, p, SIGKILL);	/* not ready, and not gone */
	return 0;
}

/*
 * Restarted after a backoff. Even with no delay the start is the loop's
 * (the timer, now): a start that fails comes back here, and must not
 * recurse.
 */
static int
retry(struct hp_super *s, struct hp_proc *p, int ev)
{
	long long now = hp_mono_ms(), delay;

	(void)ev;
	p->attempt++;
	p->restarts++;
	hp_audit_ours(p, HP_BY_RESTART);
	s->rnd = s->rnd * 1103515245u + 12345u;
	delay = hp_backoff(p->attempt, p->spec.backoff_min,
	    p->spec.backoff_max, s->rnd >> 8);
	/* One that cannot even start is not retried in a busy loop. */
	if (p->code[0] != '\0' && delay < 100)
		delay = 100;
	p->timer[HP_T_BACKOFF] = now + delay;
	hp_record_exited(s, p);
	hp_sproc_event(s, p, "process:restarting");
	hp_json_kint(&s->j, "attempt", p->attempt);
	hp_json_kint(&s->j, "delay_ms", delay);
	hp_event_publish(&s->ev, &s->j);
	return 0;
}

static int
giveup(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	p->timer[HP_T_TRIAL] = hp_mono_ms() + p->spec.circuit_reset;
	hp_record_exited(s, p);
	hp_record_failed(s, p);
	return 0;
}

static int
end(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_record_exited(s, p);
	return 0;
}

/* What a stop request asks to come after it. */
static void
then_of(struct hp_proc *p, int ev)
{
	if (ev == HP_EV_RESTART)
		p->then = HP_THEN_START;
	else if (ev == HP_EV_REMOVE)
		p->then = HP_THEN_REMOVE;
	else if (ev == HP_EV_RETIRE)
		p->then = HP_THEN_FAIL;
}

static int
then_set(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)s;
	then_of(p, ev);
	return 0;
}

/*
 * A stop: a terminal is hung up first, as when its window closes; else
 * its stop signal (or, as PID 1, the one that came). The stop timer
 * takes the next step; an orphan, no child of ours, is looked at.
 */
/*
 * A signal of a stop: and SIGCONT after it, so that a process that was
 * stopped (SIGSTOP) can take it and end gracefully, not at SIGKILL. One
 * look at who it is, and at its tree, for both.
 */
static int
tell(struct hp_super *s, struct hp_proc *p, int sig)
{
	return hp_sproc_kill(s, p, sig == SIGKILL || sig == SIGCONT ? sig :
	    sig | HP_SIG_CONT);
}

static int
stop(struct hp_super *s, struct hp_proc *p, int ev)
{
	long long now = hp_mono_ms();
	struct hp_proc *o = p->old;

	/* Stopped in a reload: its outgoing run goes too, and the round. */
	if (o != NULL) {
		o->heir = NULL;
		p->old = NULL;
		hp_life(s, o, HP_EV_REMOVE);
		hp_unit_rolled(s, p, "stopped in its reload");
	}
	then_of(p, ev);
	p->error[0] = p->code[0] = '\0';
	p->killed = p->killed_wall = 0;
	free(p->resisted);
	p->resisted = NULL;
	p->stopby = p->term != NULL ? SIGHUP : s->stopsig > 0 ? s->stopsig :
	    p->spec.stop_signal;
	p->stop_at = now + p->spec.stop_timeout;
	p->stop_wall = hp_wall_ms() + p->spec.stop_timeout;
	p->timer[HP_T_STOP] = p->term != NULL && !p->orphan ?
	    now + p->spec.stop_timeout / 2 : p->stop_at;
	if (p->orphan)
		p->timer[HP_T_ORPHAN] = now + POLL_MS;
	/*
	 * Recorded before it is sent: a supervisor that dies once it is
	 * sent leaves "stopping", and the next one goes on with the stop;
	 * never "running", which it would start again. In the loop, the
	 * signal waits for the end of the turn, and goes with the turn's
	 * others behind one record of them all (hp_life_tell).
	 */
	if (s->ev.defer && !p->outgoing) {
		hp_sproc_status(s, p);
		p->telling = 1;
		s->ntell++;
		return 0;
	}
	hp_record_now(s, p);
	if (tell(s, p, p->stopby) == -1)
		p->killed = now;	/* gone: its exit is on its way */
	return 0;
}

/*
 * The stop signals of the turn: STATE/stops, then each signal (stops.c,
 * hp_record_stops); if that record cannot be written, each one's status
 * before its signal, as outside the loop. The number sent.
 */
int
hp_life_tell(struct hp_super *s)
{
	struct hp_proc *p;
	sigset_t chld, was;
	int i, n = 0, rec;

	if (s->ntell == 0)
		return 0;
	s->ntell = 0;
	rec = hp_record_stops(s);
	/* Their deaths, one SIGCHLD for all once they are sent: reap(). */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &chld, &was);
	for (i = 0; i < s->nproc; i++) {
		if (!(p = s->procs[i])->telling)
			continue;
		p->telling = 0;
		if (rec == -1)
			hp_record_now(s, p);
		if (tell(s, p, p->stopby) == -1)
			p->killed = hp_mono_ms();	/* see stop() */
		n++;
	}
	(void)sigprocmask(SIG_SETMASK, &was, NULL);
	return n;
}

/*
 * A stop an earlier supervisor began (p->stopby, stop_wall, killed_wall
 * and then as its status has them): the deadlines stay what they were,
 * on the wall clock of this boot; its signal is sent again (a process
 * told twice to stop stops once), or SIGKILL if its time is over. An
 * orphan of ours now, looked at until it is gone.
 */
static int
restop(struct hp_super *s, struct hp_proc *p, int ev)
{
	long long now = hp_mono_ms(), left = p->stop_wall - hp_wall_ms();

	(void)ev;
	p->orphan = 1;
	p->mine = 0;
	p->stop_at = now + (left > 0 ? left : 0);
	p->killed = 0;
	if (p->killed_wall > 0) {
		left = p->killed_wall + KILL_GRACE - hp_wall_ms();
		p->killed = now - KILL_GRACE + (left > 0 ? left : 0);
	}
	if (p->stopby <= 0)
		p->stopby = p->spec.stop_signal;
	p->timer[HP_T_ORPHAN] = now + POLL_MS;
	p->timer[HP_T_STOP] = p->killed > 0 ? p->killed + KILL_GRACE :
	    p->stop_at;
	hp_sproc_status(s, p);
	if (p->id.pid > 0 && p->killed == 0 && now < p->stop_at)
		tell(s, p, p->stopby);
	else if (p->id.pid > 0 && p->killed == 0)
		hp_life(s, p, HP_EV_ESCALATE);	/* its time is over */
	else if (p->id.pid > 0)
		hp_sproc_kill(s, p, SIGKILL);	/* again: it costs nothing */
	return 0;
}

/*
 * The tree of a stopped process is gone (its group, and all it started
 * wherever it went), or will not go: say which, by name. What is still
 * there is killed again meanwhile: a fork may have slipped through.
 */
static int
group(struct hp_super *s, struct hp_proc *p, int ev)
{
	long long now = hp_mono_ms();
	char names[128];

	(void)ev;
	if (hp_kin_left(s, p, names, sizeof names) > 0) {
		if (p->killed == 0 && now < p->stop_at) {
			/* The rest of its tree ends by itself, or is killed. */
			p->timer[HP_T_GROUP] = now + POLL_MS;
			return 0;
		}
		if (p->killed == 0) {
			free(p->resisted);
			p->resisted = hp_xstrdup(names);
			p->stopby = SIGKILL;
			p->killed = now;
		}
		if (now - p->killed < GROUP_GRACE) {
			hp_kin_kill(s, p);
			p->timer[HP_T_GROUP] = now + POLL_MS;
			return 0;
		}
		hp_copy(p->code, sizeof p->code, "survivors");
		snprintf(p->error, sizeof p->error, "still there after "
		    "SIGKILL: %.130s", names);
	}
	/* Its tree's last words before its end is told; its groups. */
	hp_sproc_shut(s, p);
	if (p->cg != NULL)
		hp_cgroup_prune(p->cg);
	return hp_life(s, p, HP_EV_DOWN);
}

/* The leader of a stopping process has ended: what of its group? */
static int
leader(struct hp_super *s, struct hp_proc *p, int ev)
{
	long long now = hp_mono_ms();

	p->id.pid = 0;
	p->timer[HP_T_STOP] = p->timer[HP_T_ORPHAN] = 0;
	/* What is left has a moment to end by itself, within the timeout. */
	if (p->killed == 0 && now + GROUP_GRACE < p->stop_at)
		p->stop_at = now + GROUP_GRACE;
	return group(s, p, ev);
}

/*
 * Is the orphan p still there? One that has died stays a zombie until
 * its new parent (init, or a subreaper) reaps it, which may be late or
 * never: it is gone all the same.
 */
static int
orphan(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	if (hp_sproc_orphan_alive(p)) {
		p->timer[HP_T_ORPHAN] = hp_mono_ms() + POLL_MS;
		return 0;
	}
	/* The rest of its tree, as far as its cgroup or record tell. */
	return leader(s, p, ev);
}

/*
 * The stop timer: after a terminal's hang-up, its stop signal; then
 * SIGKILL; then, every KILL_GRACE, that it did not die (survivors).
 */
static int
escalate(struct hp_super *s, struct hp_proc *p, int ev)
{
	long long now = hp_mono_ms();
	char names[256];

	(void)ev;
	if (p->id.pid == 0)
		return 0;
	if (p->term != NULL && !p->orphan && p->stopby == SIGHUP &&
	    now < p->stop_at) {
		/* Then the stop signal, for what ignores a hang-up. */
		p->stopby = p->spec.stop_signal;
		tell(s, p, p->stopby);
		p->timer[HP_T_STOP] = p->stop_at;
		return 0;
	}
	if (p->killed == 0) {
		/* What is still there did not end on the stop signal. */
		if (hp_kin_left(s, p, names, sizeof names) > 0) {
			free(p->resisted);
			p->resisted = hp_xstrdup(names);
		}
		p->stopby = SIGKILL;
		p->killed = now;
		p->killed_wall = hp_wall_ms();
		hp_sproc_status(s, p);
		hp_sproc_kill(s, p, SIGKILL);
	} else if (now - p->killed >= KILL_GRACE) {
		hp_copy(p->code, sizeof p->code, "survivors");
		if (hp_kin_left(s, p, names, sizeof names) == 0)
			snprintf(names, sizeof names, "%ld", (long)p->id.pid);
		snprintf(p->error, sizeof p->error, "still there after "
		    "SIGKILL: %.130s", names);
		hp_sproc_reply(s, p, 0, HP_W_STOP);
		p->killed = now;
	}
	p->timer[HP_T_STOP] = now + KILL_GRACE;
	return 0;
}

/* Stopped: the record, process:stopped, then what was asked next. */
static int
down(struct hp_super *s, struct hp_proc *p, int ev)
{
	p->group = 0;
	p->stop_wall = p->killed_wall = 0;
	hp_kin_over(s, p);
	hp_record_stopped(s, p);
	return follow(s, p, ev);
}

/* No process to stop (held, backoff, failed): stopped at once. */
static int
stopped_now(struct hp_super *s, struct hp_proc *p, int ev)
{
	then_of(p, ev);
	p->error[0] = p->code[0] = '\0';
	hp_record_now(s, p);	/* as a stop's: see stop() */
	return down(s, p, ev);
}

/* Stopped while it waited for a slot: it never ran. */
static int
unqueue(struct hp_super *s, struct hp_proc *p, int ev)
{
	then_of(p, ev);
	p->first = 0;
	/* Not shutting-down: hp-spawn would start a supervisor anew. */
	hp_copy(p->code, sizeof p->code, "stopped");
	snprintf(p->error, sizeof p->error, "%s while it waited to start",
	    s->shutdown ? "the supervisor shut down" : "stopped");
	hp_sproc_reply(s, p, 0, HP_W_START);
	p->error[0] = p->code[0] = '\0';
	hp_record_now(s, p);	/* as a stop's: see stop() */
	return down(s, p, ev);
}

/* A restart of one that waits for a slot: its start is still to come. */
static int
waits(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)s;
	(void)ev;
	p->then = HP_THEN_STAY;
	return 0;
}

/*
 * After a stop: the stop is answered, then what was asked next: start
 * again, go (remove), be given up on (fail), or nothing, and a start
 * that waited on it hears no.
 */
static int
follow(struct hp_super *s, struct hp_proc *p, int ev)
{
	int then = p->then;

	then_of(p, ev);
	then = p->then;
	p->then = HP_THEN_STAY;
	hp_sproc_reply(s, p, p->error[0] == '\0', HP_W_STOP);
	if (then == HP_THEN_START && !s->shutdown)
		return hp_life(s, p, HP_EV_SPAWN);
	if (then == HP_THEN_REMOVE)
		return hp_life(s, p, HP_EV_FORGET);
	hp_sproc_reply(s, p, 0, HP_W_START | HP_W_RELOAD);
	if (then == HP_THEN_FAIL && !s->shutdown)
		return hp_life(s, p, HP_EV_FAIL);
	return 0;
}

/* Asked to stop what is not running: answered as it is now. */
static int
again(struct hp_super *s, struct hp_proc *p, int ev)
{
	free(p->resisted);
	p->resisted = NULL;
	return follow(s, p, ev);
}

/* A reload is over: its new run is ready and the old one gone. */
static void
reloaded(struct hp_super *s, struct hp_proc *p)
{
	hp_record_pid(s, p, "process:reloaded");
	hp_sproc_reply(s, p, 1, HP_W_RELOAD);
	hp_unit_rolled(s, p, NULL);
}

/*
 * Removed: the supervisor forgets it at the end of the turn. A reload's
 * outgoing run that has gone ends the reload.
 */
static int
forget(struct hp_super *s, struct hp_proc *p, int ev)
{
	struct hp_proc *h = p->heir;

	(void)ev;
	if (h != NULL) {
		h->old = NULL;
		p->heir = NULL;
		reloaded(s, h);
	}
	return 0;
}

/* Given up on after a stop (memory-max, unhealthy): a trial later. */
static int
fail(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	p->timer[HP_T_TRIAL] = hp_mono_ms() + p->spec.circuit_reset;
	hp_sproc_status(s, p);
	hp_record_failed(s, p);
	return 0;
}

/* Half-open: one trial; failing, it opens the circuit again. */
static int
trial(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_breaker_trial(&p->breaker);
	hp_record_circuit(s, p);
	hp_sproc_event(s, p, "process:restarting");
	hp_json_kint(&s->j, "attempt", p->attempt + 1);
	hp_json_kint(&s->j, "delay_ms", 0);
	hp_json_kbool(&s->j, "trial", 1);
	hp_event_publish(&s->ev, &s->j);
	p->restarts++;
	hp_audit_ours(p, HP_BY_RESTART);
	return hp_life(s, p, HP_EV_SPAWN);
}

static int
notrial(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)s;
	(void)ev;
	p->timer[HP_T_TRIAL] = 0;
	return 0;
}

/* It waited too long for a slot (p->error says why): never started. */
static int
waited(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	p->first = 0;
	p->exit_code = -1;
	p->exit_signal = 0;
	hp_record_unstarted(s, p);
	return 0;
}

/* The trial stayed up: the circuit closes, failures forgotten. */
static int
stayed(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_breaker_ok(&p->breaker);
	p->attempt = 0;
	hp_sproc_status(s, p);
	hp_record_circuit(s, p);
	return 0;
}

/* A process an earlier supervisor left running (p->id): ours to stop. */
static int
adopted(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)s;
	(void)ev;
	p->orphan = 1;
	p->mine = 0;
	return 0;
}

/*
 * A reload: p's run goes on in a record of its own (outgoing), serving,
 * while p starts a new one, with the spec the reload brings; once that
 * is ready, the old run is stopped (took), and if it never is, the old
 * run is p's again (fallback).
 */
static int
reload(struct hp_super *s, struct hp_proc *p, int ev)
{
	struct hp_proc *o;

	(void)ev;
	hp_watch_ended(p);
	o = hp_unit_handover(s, p);
	hp_life(s, o, HP_EV_HANDOVER);
	p->error[0] = p->code[0] = '\0';
	p->stopby = 0;
	hp_sproc_event(s, p, "process:reloading");
	hp_json_kint(&s->j, "old_pid", (long long)o->id.pid);
	hp_event_publish(&s->ev, &s->j);
	if (hp_sproc_spawn(s, p) == 0)
		return hp_life(s, p, HP_EV_EXEC);
	return hp_life(s, p, HP_EV_EXIT);
}

/* The new run is ready: the outgoing one is stopped, and goes. */
static int
took(struct hp_super *s, struct hp_proc *p, int ev)
{
	struct hp_proc *o = p->old;

	if (ev == HP_EV_UP)
		started(s, p, ev);
	else
		hp_sproc_status(s, p);
	readied(s, p);
	if (o != NULL)
		return hp_life(s, o, HP_EV_REMOVE);
	reloaded(s, p);		/* the old run had gone by itself */
	return 0;
}

/*
 * The new run ended (or could not start) before it was ready: the old
 * one is p's again, and the reload failed. With no old run left, the end
 * is an exit like any other.
 */
static int
fallback(struct hp_super *s, struct hp_proc *p, int ev)
{
	struct hp_proc *o = p->old;
	char why[sizeof p->error];

	(void)ev;
	if (p->error[0] != '\0')
		snprintf(why, sizeof why, "%s", p->error);
	else if (p->exit_signal > 0)
		snprintf(why, sizeof why, "its new run was killed by SIG%s "
		    "before it was ready", hp_signame(p->exit_signal));
	else
		snprintf(why, sizeof why, "its new run exited with %d before "
		    "it was ready", p->exit_code);
	if (o != NULL) {
		hp_unit_takeback(s, p);
		hp_life(s, o, HP_EV_TAKEBACK);
	}
	hp_copy(p->code, sizeof p->code, "reload-failed");
	hp_copy(p->error, sizeof p->error, why);
	hp_sproc_status(s, p);
	hp_sproc_event(s, p, "process:reload-failed");
	hp_json_kint(&s->j, "pid", (long long)p->id.pid);
	hp_json_kstr(&s->j, "error", why);
	hp_event_publish(&s->ev, &s->j);
	hp_sproc_reply(s, p, 0, HP_W_RELOAD);
	hp_unit_rolled(s, p, why);
	if (o == NULL)
		return hp_life(s, p, refine_exit(s, p));
	hp_watch_ready(s, p);
	hp_notify_ready(p);
	return 0;
}

/* A reload's old run ended by itself: its heir goes on without it. */
static int
left(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)s;
	(void)ev;
	if (p->heir != NULL)
		p->heir->old = NULL;
	p->heir = NULL;
	return 0;
}

/* process:restarting, now, and why. */
static void
restarting(struct hp_super *s, struct hp_proc *p, int attempt,
    const char *reason)
{
	hp_sproc_event(s, p, "process:restarting");
	hp_json_kint(&s->j, "attempt", attempt);
	hp_json_kint(&s->j, "delay_ms", 0);
	hp_json_kstr(&s->j, "reason", reason);
	hp_event_publish(&s->ev, &s->j);
}

/* No WATCHDOG=1 in time: restarted, as an unhealthy process is. */
static int
missed(struct hp_super *s, struct hp_proc *p, int ev)
{
	char why[sizeof p->error];

	(void)ev;
	if (s->shutdown)
		return 0;
	snprintf(why, sizeof why, "no WATCHDOG=1 within %lld ms",
	    p->spec.watchdog);
	if (!hp_slimit_restart(s, p, hp_mono_ms()))
		restarting(s, p, p->breaker.n, "watchdog");
	hp_copy(p->code, sizeof p->code, "watchdog");
	hp_copy(p->error, sizeof p->error, why);
	hp_sproc_status(s, p);
	return 0;
}

/*
 * Its main process, named by MAINPID= and no child of ours, is looked
 * at: gone, it has exited, how nobody can say.
 */
static int
lost(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	if (!p->foster || p->id.pid <= 0)
		return 0;
	if (hp_sproc_orphan_alive(p)) {
		p->timer[HP_T_MAIN] = hp_mono_ms() + 100;
		return 0;
	}
	hp_sproc_gone(s, p);
	return 0;
}

/*
 * restart-at or run-at is due: restarted as the restart verb does (a
 * restart asked for, not a failure: the circuit is not touched), or run
 * again; the next due time is set first.
 */
static int
scheduled(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_sched_arm(p);
	if (s->shutdown)
		return 0;
	if (p->id.pid > 0)
		p->asked++;
	restarting(s, p, 0, "schedule");
	return hp_life(s, p, HP_EV_RESTART);
}

/* run-at is due and its last run goes on: this one is skipped. */
static int
skipped(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)ev;
	hp_sched_arm(p);
	hp_sched_skip(s, p);
	return 0;
}

/* Not due yet, or not in a state to act on: the next due time. */
static int
rearm(struct hp_super *s, struct hp_proc *p, int ev)
{
	(void)s;
	(void)ev;
	hp_sched_arm(p);
	return 0;
}

/*
 * The one other place a state is set: the state an upgrade hands over
 * (upgrade.c), as it was, with its timers; nothing is done.
 */
void
hp_life_takeover(struct hp_super *s, struct hp_proc *p, int st)
{
	set(s, p, st);
}
