/* hp: see LICENSE. */
/* record.c: what the supervisor writes and says of a process. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

#define RETRY_MS	250	/* a status not written is tried again after */


struct hp_waiter {
	char		 client[HP_NAME_MAX + 1];
	int		 verb;
	struct hp_waiter *next;
};

int
hp_sproc_path(const struct hp_super *s, const struct hp_proc *p, char *buf,
    size_t n, int file)
{
	return hp_proc_file(s->st, buf, n, p->spec.name, file);
}

static const char *thens[] = { NULL, "start", "remove", "fail" };

/* The word for what comes after a stop: "stay" for HP_THEN_STAY. */
const char *
hp_record_thename(int then)
{
	return then == HP_THEN_STAY ? "stay" : thens[then];
}

/* What comes after a stop, as status says it: HP_THEN_*, -1 unknown. */
int
hp_record_then(const char *v)
{
	int i;

	for (i = 1; v != NULL && i < 4; i++)
		if (strcmp(v, thens[i]) == 0)
			return i;
	return v == NULL ? HP_THEN_STAY : -1;
}

/*
 * The status of p, as it is now: written whole or not at all, in
 * procs/NAME relative to its descriptor (no link followed). What the next
 * supervisor needs to go on where we stop is in it: what comes after a
 * stop, the stop's deadlines as wall times (with the boot they belong
 * to), the spawn a client still waits on. One that cannot be written
 * (a full disk) is marked, and written again on a later turn.
 */
static int
status_put(struct hp_super *s, struct hp_proc *p)
{
	struct hp_buf b = { 0 };
	int dfd, r = -1;

	hp_kv_add(&b, "name", p->spec.name);
	hp_kv_add(&b, "type", hp_type_name(p->spec.type));
	hp_kv_add(&b, "state", hp_state_name(p->state));
	hp_kv_addi(&b, "pid", (long long)p->id.pid);
	hp_buf_printf(&b, "start = %llu\n", p->id.start);
	if (p->id.boot[0] != '\0')
		hp_kv_add(&b, "boot", p->id.boot);
	hp_kv_addi(&b, "since", p->since_wall);
	hp_kv_addi(&b, "started", p->started_wall);
	hp_kv_addi(&b, "restarts", p->restarts);
	hp_kv_addi(&b, "manual-restarts", p->asked);
	if (p->skipped > 0)
		hp_kv_addi(&b, "skipped-runs", p->skipped);
	hp_kv_add(&b, "circuit", hp_circuit_name(p->breaker.state));
	hp_kv_addi(&b, "exit-code", p->exit_code);
	hp_kv_addi(&b, "exit-signal", p->exit_signal);
	hp_kv_add(&b, "health", hp_health_name(p->health));
	if (p->error[0] != '\0')
		hp_kv_add(&b, "error", p->error);
	if (p->error[0] != '\0' && p->code[0] != '\0')
		hp_kv_add(&b, "code", p->code);
	hp_kv_addi(&b, "supervisor", (long long)getpid());
	hp_kv_addi(&b, "stop-timeout", p->spec.stop_timeout);
	if (p->then != HP_THEN_STAY)
		hp_kv_add(&b, "then", thens[p->then]);
	if (p->state == HP_ST_STOPPING) {
		hp_kv_add(&b, "stop-signal", hp_signame(p->stopby));
		hp_kv_addi(&b, "stop-at", p->stop_wall);
		if (p->killed_wall > 0)
			hp_kv_addi(&b, "killed-at", p->killed_wall);
	}
	if (p->from[0] != '\0')
		hp_kv_add(&b, "spawn", p->from);
	hp_kin_status(p, &b);
	hp_term_status(p, &b);
	/* A reload's old run, for a supervisor to come to stop. */
	if (p->old != NULL && p->old->id.pid > 0) {
		hp_kv_addi(&b, "old-pid", (long long)p->old->id.pid);
		hp_buf_printf(&b, "old-start = %llu\n", p->old->id.start);
	}
	hp_unit_status(p, &b);
	hp_notify_status(p, &b);
	if ((dfd = hp_proc_open(s->st, p->spec.name)) != -1) {
		r = hp_file_writeat(dfd, hp_proc_filename(HP_P_STATUS), b.p,
		    b.len, 0600);
		if (p->unpid) {		/* pid_gone(), in the same look */
			(void)unlinkat(dfd, hp_proc_filename(HP_P_PID), 0);
			p->unpid = 0;
		}
		close(dfd);
	}
	hp_buf_free(&b);
	return r;
}

/* Written now; one that cannot be is tried again after RETRY_MS. */
static int
status_write(struct hp_super *s, struct hp_proc *p)
{
	/* A reload's old run: its heir's is the record. */
	int r = p->outgoing ? 0 : status_put(s, p);

	if (r == -1) {
		hp_warn("%s: write status", p->spec.name);
		s->retry_at = hp_mono_ms() + RETRY_MS;
		if (!p->dirty)
			s->ndirty++;
		p->dirty = HP_FAILED;
	} else {
		hp_stops_told(p);
		if (p->dirty) {
			p->dirty = 0;
			s->ndirty--;
		}
	}
	return r;
}

/*
 * A change of p's status. In the loop it is written once at the end of
 * the turn, before any word of it goes out (hp_record_flush, as the
 * events' commit begins); elsewhere at once.
 */
static void
changed(struct hp_super *s, struct hp_proc *p)
{
	if (!p->dirty)
		s->ndirty++;
	p->dirty = HP_CHANGED;
	if (!s->ev.defer)
		hp_record_flush(s);
}

void
hp_sproc_status(struct hp_super *s, struct hp_proc *p)
{
	p->since_wall = hp_wall_ms();
	changed(s, p);
}

/* Its pid record, if its run ended and no new one recorded itself. */
static void
pid_gone(struct hp_super *s, struct hp_proc *p)
{
	int dfd;

	if (!p->unpid)
		return;
	p->unpid = 0;
	if ((dfd = hp_proc_open(s->st, p->spec.name)) == -1)
		return;
	(void)unlinkat(dfd, hp_proc_filename(HP_P_PID), 0);
	close(dfd);
}

/*
 * The end of a turn (the events' commit calls it first): each status
 * changed in it written once, whole (temporary file, rename), then the
 * pid records of those that ended, unless a new run has recorded itself
 * since; one that could not be written, again after RETRY_MS. Then the
 * turn's STATE/stops goes, once its statuses are all written.
 */
void
hp_record_flush(void *arg)
{
	struct hp_super *s = arg;
	struct hp_proc *p;
	long long now;
	int i;

	/* Every turn of the loop comes here: most have nothing to write. */
	if (s->ndirty > 0) {
		now = hp_mono_ms();
		for (i = 0; s->ndirty > 0 && i < s->nproc; i++) {
			p = s->procs[i];
			if (p->dirty == HP_CHANGED || (p->dirty ==
			    HP_FAILED && now >= s->retry_at))
				(void)status_write(s, p);
			pid_gone(s, p);
		}
	}
	if (s->stops)
		hp_stops_gone(s);
}

/*
 * Written at once, in the loop too, before what comes next can happen:
 * a stop's status before its signal, so that a supervisor that dies
 * between the two leaves a stop its heir goes on with, never a running
 * process it would start again.
 */
void
hp_record_now(struct hp_super *s, struct hp_proc *p)
{
	p->since_wall = hp_wall_ms();
	(void)status_write(s, p);
	pid_gone(s, p);
}

long long
hp_record_next(const struct hp_super *s)
{
	return s->ndirty > 0 ? s->retry_at : -1;
}

void
hp_sproc_fail(struct hp_proc *p, const char *code, const char *fmt,
    const char *a, int err)
{
	hp_copy(p->code, sizeof p->code, code);
	snprintf(p->error, sizeof p->error, fmt, a, strerror(err));
}

void
hp_sproc_execfail(struct hp_proc *p, const struct hp_spawn *sp, int err)
{
	const char *cmd = sp->argv[0];	/* what was run: node, for one */

	if (sp->stage == 1)
		hp_sproc_fail(p, "exec-failed", "chdir %s: %s", p->spec.dir,
		    err);
	else if (sp->stage == 2)
		hp_sproc_fail(p, "exec-failed", "%s: %s", "set-up", err);
	else if (sp->stage == 5) {	/* no record, so it never ran */
		hp_copy(p->code, sizeof p->code, "state-dir");
		snprintf(p->error, sizeof p->error, "procs/%s: %s: not started",
		    p->spec.name, err == ELOOP ? "a symbolic link: refused" :
		    err == EPERM ? "not ours alone: refused" : strerror(err));
	} else if (sp->stage >= 3)	/* ours, not the command's */
		hp_sproc_fail(p, "system", "%s: %s", sp->stage == 3 ? "pipe" :
		    "fork", err);
	else if (err == ENOENT && strchr(cmd, '/') == NULL) {
		hp_copy(p->code, sizeof p->code, "exec-failed");
		snprintf(p->error, sizeof p->error, "%s: command not found",
		    cmd);
	} else
		hp_sproc_fail(p, "exec-failed", "%s: %s", cmd, err);
	p->exit_code = sp->stage == 0 ? hp_exec_status(err) : HP_EXIT_NOEXEC;
	p->exit_signal = 0;
}

/* Start an event about p: the caller adds fields and publishes. */
struct hp_json *
hp_sproc_event(struct hp_super *s, struct hp_proc *p, const char *name)
{
	s->jb.len = 0;
	hp_json_init(&s->j, &s->jb);
	hp_event_begin(&s->ev, &s->j, name);
	hp_json_kstr(&s->j, "name", p->spec.name);
	hp_json_kstr(&s->j, "type", hp_type_name(p->spec.type));
	return &s->j;
}

/* process:started or process:ready, with its pid. */
void
hp_record_pid(struct hp_super *s, struct hp_proc *p, const char *event)
{
	hp_json_kint(hp_sproc_event(s, p, event), "pid", (long long)p->id.pid);
	hp_event_publish(&s->ev, &s->j);
}

/* Its pid record goes, after its status: the process has ended. */
static void
unpid(struct hp_super *s, struct hp_proc *p)
{
	if (p->outgoing)	/* a reload's old run: the pid is its heir's */
		return;
	p->unpid = 1;
	changed(s, p);
}

/* It ended: the record, process:exited and :crashed, the answers. */
void
hp_record_exited(struct hp_super *s, struct hp_proc *p)
{
	int failed = p->exit_signal != 0 || p->exit_code != 0;

	/* The status first: a reader never sees it running with no pid. */
	hp_sproc_status(s, p);
	unpid(s, p);
	hp_sproc_event(s, p, "process:exited");
	hp_json_kint(&s->j, "pid", (long long)p->id.pid);
	if (p->exit_signal > 0)
		hp_json_kstr(&s->j, "signal", hp_signame(p->exit_signal));
	else
		hp_json_kint(&s->j, "code", p->exit_code);
	hp_json_kstr(&s->j, "state", hp_state_name(p->state));
	if (p->error[0] != '\0')
		hp_json_kstr(&s->j, "error", p->error);
	hp_event_publish(&s->ev, &s->j);
	if (failed) {
		hp_sproc_event(s, p, "process:crashed");
		hp_json_kint(&s->j, "pid", (long long)p->id.pid);
		hp_event_publish(&s->ev, &s->j);
	}
	p->id.pid = 0;
	hp_sproc_reply(s, p, 0, HP_W_START | HP_W_STOP | HP_W_RELOAD);
}

/* The circuit is open: process:failed. */
void
hp_record_failed(struct hp_super *s, struct hp_proc *p)
{
	hp_sproc_event(s, p, "process:failed");
	hp_json_kint(&s->j, "failures", p->breaker.n);
	hp_json_kint(&s->j, "restarts", p->restarts);
	hp_json_kint(&s->j, "retry_ms", p->spec.circuit_reset);
	hp_event_publish(&s->ev, &s->j);
	hp_record_circuit(s, p);
}

/* The circuit breaker changed: process:circuit, closed, open, half-open. */
void
hp_record_circuit(struct hp_super *s, struct hp_proc *p)
{
	hp_sproc_event(s, p, "process:circuit");
	hp_json_kstr(&s->j, "circuit", hp_circuit_name(p->breaker.state));
	hp_json_kint(&s->j, "failures", p->breaker.n);
	hp_event_publish(&s->ev, &s->j);
}

/* Stopped: its pid file gone, its status, process:stopped. */
void
hp_record_stopped(struct hp_super *s, struct hp_proc *p)
{
	if (p->outgoing)
		return;
	hp_sproc_status(s, p);
	unpid(s, p);
	hp_sproc_event(s, p, "process:stopped");
	if (p->exit_code >= 0)
		hp_json_kint(&s->j, "exit_code", p->exit_code);
	if (p->exit_signal > 0)
		hp_json_kstr(&s->j, "signal", hp_signame(p->exit_signal));
	if (p->stopby > 0)
		hp_json_kstr(&s->j, "stopped_by", hp_signame(p->stopby));
	if (p->resisted != NULL)
		hp_json_kstr(&s->j, "resisted", p->resisted);
	if (p->error[0] != '\0')
		hp_json_kstr(&s->j, "error", p->error);
	hp_event_publish(&s->ev, &s->j);
}

/* It never started (it waited too long for a slot): exited, and why. */
void
hp_record_unstarted(struct hp_super *s, struct hp_proc *p)
{
	hp_sproc_status(s, p);
	hp_sproc_event(s, p, "process:exited");
	hp_json_kstr(&s->j, "state", hp_state_name(p->state));
	hp_json_kstr(&s->j, "error", p->error);
	hp_event_publish(&s->ev, &s->j);
	hp_sproc_reply(s, p, 0, HP_W_START);
}

void
hp_sproc_wait(struct hp_proc *p, const char *client, int verb)
{
	struct hp_waiter *w;

	if (strcmp(client, "-") == 0)
		return;
	w = hp_xcalloc(1, sizeof *w);
	hp_copy(w->client, sizeof w->client, client);
	w->verb = verb;
	w->next = p->waiters;
	p->waiters = w;
}

/* Answer every client waiting on p for one of the verbs in mask. */
void
hp_sproc_reply(struct hp_super *s, struct hp_proc *p, int ok, int mask)
{
	struct hp_waiter **wp = &p->waiters, *w;
	struct hp_json j;
	struct hp_buf b = { 0 };
	char msg[HP_REF_MAX + sizeof p->error + 4];

	while ((w = *wp) != NULL) {
		if (!(w->verb & mask)) {
			wp = &w->next;
			continue;
		}
		*wp = w->next;
		/* An add's client has heard: the next supervisor need not. */
		if (w->verb & HP_W_ADD)
			p->from[0] = '\0';
		/* One instance's answer of a verb on its name: whose it is. */
		snprintf(msg, sizeof msg, "%s: %s", p->spec.name, p->error);
		if (hp_join_take(s, w->client, ok, hp_state_name(p->state),
		    ok ? NULL : p->code[0] ? p->code : "failed", msg)) {
			free(w);
			continue;
		}
		b.len = 0;
		hp_json_init(&j, &b);
		hp_json_open(&j, '{');
		hp_json_kbool(&j, "ok", ok);
		hp_json_kstr(&j, "name", p->spec.name);
		/* Removed: the supervisor is about to forget p. */
		hp_json_kstr(&j, "state", hp_state_name(p->state));
		hp_json_kint(&j, "pid", (long long)p->id.pid);
		if (p->exit_code >= 0)
			hp_json_kint(&j, "exit_code", p->exit_code);
		if (p->exit_signal > 0)
			hp_json_kint(&j, "exit_signal", p->exit_signal);
		if ((mask & HP_W_STOP) && p->stopby > 0)
			hp_json_kstr(&j, "stopped_by",
			    hp_signame(p->stopby));
		if ((mask & HP_W_STOP) && p->resisted != NULL)
			hp_json_kstr(&j, "resisted", p->resisted);
		if (!ok || p->error[0] != '\0') {
			hp_json_kstr(&j, "code", p->code[0] ? p->code :
			    "failed");
			hp_json_kstr(&j, "message", p->error);
		}
		hp_json_close(&j, '}');
		hp_event_reply(&s->ev, w->client, &j);
		free(w);
	}
	hp_buf_free(&b);
}

void
hp_sproc_free(struct hp_proc *p)
{
	struct hp_waiter *w;

	while ((w = p->waiters) != NULL) {
		p->waiters = w->next;
		free(w);
	}
	hp_stops_told(p);
	if (p->out != -1)
		close(p->out);
	if (p->err != -1)
		close(p->err);
	if (p->ready != -1)
		close(p->ready);
	hp_watch_ended(p);
	hp_node_close(NULL, p);
	hp_term_free(p);
	hp_metrics_free(p);
	hp_notify_close(p);
	if (p->respec != NULL) {
		hp_spec_free(p->respec);
		free(p->respec);
	}
	hp_spec_free(&p->spec);
	free(p->logpath);
	free(p->cg);
	free(p->kin);
	free(p->resisted);
	free(p);
}

/* Its waiters, for an upgrade: "verb client" each. */
void
hp_record_handover(struct hp_howr *w, const struct hp_proc *p)
{
	const struct hp_waiter *wt;
	char v[HP_NAME_MAX + 16];

	for (wt = p->waiters; wt != NULL; wt = wt->next) {
		snprintf(v, sizeof v, "%d %s", wt->verb, wt->client);
		hp_ho_putstr(w, "waiter", v);
	}
}

void
hp_record_takeover(struct hp_proc *p, const struct hp_hosec *sec)
{
	char client[HP_NAME_MAX + 1];
	int i, verb;

	/* In reverse: each is put in front, so the first stays first. */
	for (i = sec->n - 1; i >= 0; i--)
		if (strcmp(sec->r[i].key, "waiter") == 0 &&
		    sscanf(sec->r[i].val, "%d %64s", &verb, client) == 2)
			hp_sproc_wait(p, client, verb);
}
