/* hp: see LICENSE. */
/* direct.c: stop, signal or remove a process when no supervisor runs. */

#define _XOPEN_SOURCE 700	/* realpath(3): a cgroup named two ways */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * A verb acts on what it names and nothing else. With no supervisor,
 * starting one to stop a process would take back and restart every
 * other process of the directory first; so stop, signal and remove act
 * on the recorded process itself (pid file and status: its identity,
 * pid + start time + boot id, and its tree: cgroup or descendants seen),
 * holding the supervisor's lock meanwhile so that none starts under us.
 * The answer is a line as a supervisor's would be.
 */

#define KIN_MAX		64
#define KILL_WAIT	2000	/* ms for SIGKILL to take */

/* The supervisor's lock, held until we exit; -1 EAGAIN: one runs. */
int
hp_direct_take(const struct hp_state *st)
{
	char file[HP_PATH_MAX];

	if (hp_state_file(st, file, sizeof file, HP_F_LOCK) == -1)
		return -1;
	return hp_lock_take(file) == -1 ? -1 : 0;
}

static void
answer(struct hp_buf *b, int ok, const char *name, const char *state,
    const char *by, const char *resisted, const char *code, const char *msg)
{
	struct hp_json j;

	b->len = 0;
	hp_json_init(&j, b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", ok);
	hp_json_kstr(&j, "name", name);
	if (state != NULL)
		hp_json_kstr(&j, "state", state);
	hp_json_kint(&j, "pid", 0);
	if (by != NULL)
		hp_json_kstr(&j, "stopped_by", by);
	if (resisted != NULL && *resisted != '\0')
		hp_json_kstr(&j, "resisted", resisted);
	if (code != NULL) {
		hp_json_kstr(&j, "code", code);
		hp_json_kstr(&j, "message", msg);
	}
	hp_json_close(&j, '}');
	hp_buf_str(b);
}

/* What is recorded of name: its identity, its tree. 1 it runs, 0 not. */
struct rec {
	struct hp_ident	 id;
	struct hp_tree	 t;
	char		 cg[HP_PATH_MAX];
	struct hp_kin	 kin[KIN_MAX];
};

static int
recorded(const struct hp_state *st, const char *name, struct rec *r)
{
	char file[HP_PATH_MAX];
	struct hp_kv kv = { 0 };
	const char *boot;
	int alive = 0;

	memset(r, 0, sizeof *r);
	r->t.known = r->kin;
	if (hp_proc_file(st, file, sizeof file, name, HP_P_STATUS) == 0 &&
	    hp_kv_load(&kv, file) == 0) {
		r->t.nknown = hp_status_tree(&kv, name, r->cg, sizeof r->cg,
		    r->kin, KIN_MAX);
		if (r->cg[0] != '\0')
			r->t.cg = r->cg;
	}
	if (hp_proc_file(st, file, sizeof file, name, HP_P_PID) == 0 &&
	    hp_pidfile_read(file, &r->id) == 0) {
		if ((boot = hp_kv_get(&kv, "boot")) != NULL)
			hp_copy(r->id.boot, sizeof r->id.boot, boot);
		alive = hp_ident_alive(&r->id) == 1;
	}
	hp_kv_free(&kv);
	r->t.leader = alive ? r->id.pid : 0;
	return alive;
}

/*
 * The members of t but us, at most max (a stopper of its own tree is
 * one of them in its cgroup; by ancestry it never is).
 */
static int
others(const struct hp_tree *t, struct hp_kin *m, int max)
{
	pid_t self = getpid();
	int i, k, n;

	hp_tree_forget();
	if ((n = hp_tree_list(t, m, max, 1)) <= 0)
		return n;
	for (i = k = 0; i < n; i++)
		if (m[i].pid != self)
			m[k++] = m[i];
	return k;
}

/* Until nothing of t but us is left, ms at most: 1 gone. */
static int
ends(const struct hp_tree *t, long long ms)
{
	long long end = hp_mono_ms() + ms;
	struct hp_kin m[8];

	for (;;) {
		if (others(t, m, 8) <= 0)
			return 1;
		if (hp_mono_ms() >= end)
			return 0;
		poll(NULL, 0, 10);
	}
}

/* The names of what is left of t, for a message. */
static void
left(const struct hp_tree *t, char *out, size_t n)
{
	struct hp_kin m[32];
	int k;

	out[0] = '\0';
	if ((k = others(t, m, 32)) > 0)
		hp_tree_names(m, k, out, n);
}

/*
 * Are we of t, which its signal would end before its record is written
 * (a process that asks for its own stop, or one of its tree)? By
 * ancestry only its group has the signal with us in it; a cgroup's
 * members each have it, and those of the groups below it.
 */
static int
within(const struct hp_tree *t)
{
	char mine[HP_PATH_MAX], *a = NULL, *b = NULL;
	size_t k;
	int in = 0;

	if (t->leader > 1 && getpgrp() == t->leader)
		return 1;
	if (t->cg != NULL && hp_cgroup_of(0, mine, sizeof mine) == 0 &&
	    (a = realpath(mine, NULL)) != NULL &&
	    (b = realpath(t->cg, NULL)) != NULL) {
		k = strlen(b);
		in = strncmp(a, b, k) == 0 && (a[k] == '\0' || a[k] == '/');
	}
	free(a);
	free(b);
	return in;
}

/*
 * What a stopper within its own tree has coming, once every name is
 * done and answered (hp_direct_end()): the signals it held back from
 * itself, or SIGKILL; with a cgroup, that of the whole group.
 */
static struct {
	int		 sig;
	int		 held;
	sigset_t	 old;
	char		 cg[HP_PATH_MAX];
} fate;

/* sig to each member of t but us, as the process seen (its start). */
static void
others_only(const struct hp_tree *t, int sig)
{
	static struct hp_kin m[1024];
	struct hp_pstat ps;
	int i, n;

	n = others(t, m, 1024);
	for (i = 0; i < n; i++)
		if (hp_pstat(m[i].pid, &ps) == 0 && ps.start == m[i].start)
			(void)kill(m[i].pid, sig);
}

/*
 * sig to t. From within it, what cannot be held back (SIGKILL, SIGSTOP)
 * goes to the others only, twice for what a fork brought meanwhile; the
 * rest comes to us too, held until hp_direct_end().
 */
static void
deliver(const struct hp_tree *t, int sig, int self)
{
	if (self && (sig == SIGKILL || sig == SIGSTOP)) {
		others_only(t, sig);
		others_only(t, sig);
	} else
		(void)hp_tree_signal(t, sig);
	if (self && (fate.sig == 0 || sig == SIGKILL))
		fate.sig = sig;
}

/* We are of t: its signals are held back from us from now on. */
static void
hold(const struct hp_tree *t, const struct hp_spec *sp)
{
	sigset_t set;

	/* SIGPIPE too: the answer's reader may be of the tree. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	sigaddset(&set, sp->stop_signal);
	sigprocmask(SIG_BLOCK, &set, fate.held ? NULL : &fate.old);
	/* However we leave, even by exit() on a failed write. */
	if (!fate.held)
		(void)atexit(hp_direct_end);
	fate.held = 1;
	if (t->cg != NULL)
		hp_copy(fate.cg, sizeof fate.cg, t->cg);
}

void
hp_direct_end(void)
{
	if (!fate.held)
		return;
	fate.held = 0;
	fflush(stdout);
	fflush(stderr);
	if (fate.sig == SIGKILL) {
		if (fate.cg[0] != '\0')
			(void)hp_cgroup_kill(fate.cg);
		(void)kill(getpid(), SIGKILL);
	}
	sigprocmask(SIG_SETMASK, &fate.old, NULL);
}

static void
stopped(const struct hp_state *st, const struct hp_spec *sp, int by,
    const char *resisted, const char *error)
{
	struct hp_events ev;
	struct hp_buf b = { 0 };
	struct hp_json j;

	if (hp_events_open(&ev, st) == -1)
		return;
	hp_json_init(&j, &b);
	hp_event_begin(&ev, &j, "process:stopped");
	hp_json_kstr(&j, "name", sp->name);
	hp_json_kstr(&j, "type", hp_type_name(sp->type));
	if (by > 0)
		hp_json_kstr(&j, "stopped_by", hp_signame(by));
	if (*resisted != '\0')
		hp_json_kstr(&j, "resisted", resisted);
	if (*error != '\0')
		hp_json_kstr(&j, "error", error);
	hp_json_kbool(&j, "supervised", 0);
	hp_event_publish(&ev, &j);
	hp_events_close(&ev);
	hp_buf_free(&b);
}

/* name's record says stopped, by by; else the answer says why not. */
static int
record(const struct hp_state *st, struct hp_spec *sp, int by,
    const char *resisted, const char *error, struct hp_buf *b)
{
	char msg[HP_PATH_MAX + 64];

	if (hp_status_stopped(st, sp->name) == -1 && errno != ENOENT) {
		snprintf(msg, sizeof msg, "%s: status: %s", sp->name,
		    strerror(errno));
		answer(b, 0, sp->name, NULL, NULL, NULL, "system", msg);
		return -1;
	}
	stopped(st, sp, by, resisted, error);
	return 0;
}

/*
 * Stop name's whole tree: its stop signal (a terminal: SIGHUP, then its
 * stop signal halfway), SIGKILL after its stop timeout to what resisted;
 * then its record says stopped. remove: then it goes. A stopper within
 * the tree writes the record first and holds the signals back from
 * itself until every name is done (hp_direct_end()).
 */
static void
stop(const struct hp_state *st, struct hp_spec *sp, int remove,
    struct hp_buf *b)
{
	char resisted[256] = "", error[256] = "", dir[HP_PATH_MAX];
	long long wait = sp->stop_timeout;
	struct rec r;
	int by = 0, self = 0;

	if (recorded(st, sp->name, &r) || r.t.cg != NULL || r.t.nknown > 0) {
		hp_tree_forget();
		by = sp->type == HP_TERMINAL ? SIGHUP : sp->stop_signal;
		if (r.t.leader > 0 || hp_tree_signal(&r.t, 0) > 0) {
			if ((self = within(&r.t)) && remove) {
				answer(b, 0, sp->name, NULL, NULL, NULL,
				    "usage", "a process cannot remove its own "
				    "tree: stop it, then remove it from "
				    "outside");
				return;
			}
			if (self) {
				if (record(st, sp, by, "", "", b) == -1)
					return;
				hold(&r.t, sp);
			}
			deliver(&r.t, by, self);
			if (by == SIGHUP && !ends(&r.t, wait / 2)) {
				by = sp->stop_signal;
				deliver(&r.t, by, self);
				wait -= wait / 2;
			}
			if (!ends(&r.t, wait)) {
				left(&r.t, resisted, sizeof resisted);
				by = SIGKILL;
				if (self)
					deliver(&r.t, SIGKILL, self);
				else
					(void)hp_tree_kill(&r.t);
				if (!ends(&r.t, KILL_WAIT)) {
					left(&r.t, dir, sizeof dir);
					snprintf(error, sizeof error, "still "
					    "there after SIGKILL: %.200s", dir);
				}
			}
		} else
			by = 0;
		if (r.t.cg != NULL && error[0] == '\0' && !self)
			(void)hp_cgroup_remove(r.t.cg);
	}
	if (!self && record(st, sp, by, resisted, error, b) == -1)
		return;
	if (remove && error[0] == '\0' && hp_proc_file(st, dir, sizeof dir,
	    sp->name, HP_P_DIR) == 0 && hp_rmtree(dir) == -1) {
		snprintf(error, sizeof error, "remove %s: %s", dir,
		    strerror(errno));
		answer(b, 0, sp->name, NULL, NULL, NULL, "system", error);
		return;
	}
	answer(b, error[0] == '\0', sp->name, remove && error[0] == '\0' ?
	    "removed" : "stopped", by > 0 ? hp_signame(by) : NULL, resisted,
	    error[0] != '\0' ? "survivors" : NULL, error);
}

/* verb on name, or on one instance of a name, NAME:I. */
static void
one(const struct hp_state *st, const char *verb, int sig, const char *name,
    struct hp_buf *b)
{
	char file[HP_PATH_MAX], msg[512];
	struct hp_spec sp;
	struct rec r;

	if (hp_proc_file(st, file, sizeof file, name, HP_P_SPEC) == -1 ||
	    hp_state_proc(st, name) == -1 ||
	    hp_spec_load(&sp, name, file, msg, sizeof msg) == -1) {
		answer(b, 0, name, NULL, NULL, NULL, "not-found",
		    errno == ENOENT ? "no such process" : msg);
		return;
	}
	if (strcmp(verb, "signal") != 0)
		stop(st, &sp, strcmp(verb, "remove") == 0, b);
	else if (!recorded(st, name, &r))
		answer(b, 0, name, NULL, NULL, NULL, "not-running",
		    "not running");
	else if (kill(-r.id.pid, sig) == -1)
		answer(b, 0, name, NULL, NULL, NULL, "not-running",
		    strerror(errno));
	else
		answer(b, 1, name, NULL, NULL, NULL, NULL, NULL);
	hp_spec_free(&sp);
}

/*
 * verb on each instance of name, answered as one, as the supervisor
 * joins them; a remove takes the name's directory too once they are gone.
 */
static void
group(const struct hp_state *st, const char *verb, int sig, const char *name,
    const int *inst, int n, struct hp_buf *b)
{
	char ref[HP_REF_MAX + 16], ok[8], code[32] = "", msg[512] = "";
	char dir[HP_PATH_MAX];
	int i, all = 1, remove = strcmp(verb, "remove") == 0;

	for (i = 0; i < n; i++) {
		snprintf(ref, sizeof ref, "%s:%d", name, inst[i]);
		one(st, verb, sig, ref, b);
		if (hp_json_get(b->p, "ok", ok, sizeof ok) == 0 &&
		    strcmp(ok, "true") == 0)
			continue;
		if (all && (hp_json_get(b->p, "code", code, sizeof code) == -1 ||
		    hp_json_get(b->p, "message", msg, sizeof msg) == -1))
			hp_copy(msg, sizeof msg, "failed");
		all = 0;
	}
	if (all && remove && hp_proc_file(st, dir, sizeof dir, name,
	    HP_P_DIR) == 0 && hp_rmtree(dir) == -1) {
		all = 0;
		hp_copy(code, sizeof code, "system");
		snprintf(msg, sizeof msg, "remove %.400s: %s", dir,
		    strerror(errno));
	}
	answer(b, all, name, !all || sig > 0 ? NULL : remove ? "removed" :
	    "stopped", NULL, NULL, all ? NULL : code[0] ? code : "system",
	    msg);
}

/*
 * verb (stop, remove, or signal with sig) on name, done here: its
 * answer into b, as a supervisor's answer line. A name of instances is
 * each of them.
 */
void
hp_direct_verb(const struct hp_state *st, const char *verb, int sig,
    const char *name, struct hp_buf *b)
{
	int *inst = NULL, n = 0;

	if (strchr(name, ':') == NULL && hp_state_instances(st, name, &inst,
	    &n) == 0 && n > 0)
		group(st, verb, sig, name, inst, n, b);
	else
		one(st, verb, sig, name, b);
	free(inst);
}
