/* hp: see LICENSE. */
/* super.c: the supervisor's poll() loop, reaping, recovery and shutdown. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

#define IDLE_MS		1000	/* an implicit supervisor lingers this long */
#define WARN_MAX	5	/* warnings a second, at most */

struct hp_proc *
hp_super_find(struct hp_super *s, const char *name)
{
	struct hp_slot *sl = hp_map_get(&s->names, name, strlen(name));

	return sl != NULL ? sl->v.p : NULL;
}

static struct hp_proc *
byleader(struct hp_super *s, pid_t pid)
{
	int i;

	for (i = 0; i < s->nproc; i++)
		if (s->procs[i]->id.pid == pid && !s->procs[i]->orphan)
			return s->procs[i];
	return NULL;
}

struct hp_proc *
hp_super_add(struct hp_super *s, struct hp_spec *spec)
{
	struct hp_proc *p = hp_xcalloc(1, sizeof *p);
	char path[HP_PATH_MAX];

	p->spec = *spec;
	p->out = p->err = p->ready = -1;
	p->exit_code = -1;		/* stopped: calloc's zero */
	/* Its length, not a path's most: fifty processes, fifty of them. */
	hp_proc_file(s->st, path, sizeof path, spec->name, HP_P_LOG);
	p->log.path = p->logpath = hp_xstrdup(path);
	p->log.max = spec->log_size;
	p->log.count = spec->log_count;
	/* Room doubles: a configuration of thousands is not copied anew. */
	if ((s->nproc & (s->nproc - 1)) == 0)
		s->procs = hp_xrealloc(s->procs, (size_t)(s->nproc ?
		    s->nproc * 2 : 1) * sizeof *s->procs);
	p->ix = s->nproc;
	s->procs[s->nproc++] = p;
	hp_map_put(&s->names, p->spec.name, strlen(p->spec.name))->v.p = p;
	s->regraph = 1;
	hp_unit_attach(s, p);
	hp_sched_arm(p);
	return p;
}

void
hp_super_respec(struct hp_super *s, struct hp_proc *p, struct hp_spec *spec)
{
	s->regraph = 1;		/* its after= may be new */
	hp_spec_free(&p->spec);
	p->spec = *spec;
	p->log.max = spec->log_size;
	p->log.count = spec->log_count;
	hp_sched_arm(p);
}

void
hp_super_shutdown(struct hp_super *s)
{
	int i;

	if (s->shutdown)
		return;
	s->shutdown = 1;
	hp_notify_self("STOPPING=1");
	for (i = 0; i < s->nproc; i++)
		hp_life(s, s->procs[i], hp_life_live(s->procs[i]) ?
		    HP_EV_STOP : HP_EV_SHUTDOWN);
}

/*
 * Reap every child that has ended. Each exit is first looked at without
 * reaping: while the leader is a zombie its PID, and so its process
 * group ID, cannot be reused, and what is left of the group is killed
 * before the leader is reaped.
 */
static void
reap(struct hp_super *s)
{
	struct hp_proc *p;
	siginfo_t si;
	int status;

	for (;;) {
		memset(&si, 0, sizeof si);
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
		    si.si_pid == 0)
			return;
		/* Stop signals still to send go while all are ours. */
		(void)hp_life_tell(s);
		if ((p = byleader(s, si.si_pid)) != NULL) {
			/*
			 * Its group, and the rest of its tree wherever it is;
			 * in a stop, the rest has the stop timeout (life.c).
			 */
			if (p->state != HP_ST_STOPPING)
				hp_kin_kill(s, p);
			hp_term_session(p, SIGKILL);
		}
		if (hp_waitpid(si.si_pid, &status, 0) == -1)
			return;
		if (p == NULL)
			continue;
		s->last = WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
		    WEXITSTATUS(status);
		hp_sproc_exited(s, p, status);
	}
}

/* The names a start took back, for supervisor:recovered. */
static char **took;
static int ntook;

static void
tookback(const struct hp_proc *p)
{
	took = hp_xrealloc(took, (size_t)(ntook + 1) * sizeof *took);
	took[ntook++] = hp_xstrdup(p->spec.name);
}

/*
 * What an earlier supervisor's status says that recovery needs: where it
 * stood, and what it was in the middle of.
 */
static void
status_of(struct hp_super *s, struct hp_proc *p, struct hp_kv *kv,
    const char **st)
{
	const char *v;

	*st = hp_kv_get(kv, "state");
	p->restarts = (int)hp_kv_int(kv, "restarts", 0);
	p->asked = (int)hp_kv_int(kv, "manual-restarts", 0);
	p->skipped = (int)hp_kv_int(kv, "skipped-runs", 0);
	p->exit_code = (int)hp_kv_int(kv, "exit-code", -1);
	p->exit_signal = (int)hp_kv_int(kv, "exit-signal", 0);
	p->started_wall = hp_kv_int(kv, "started", 0);
	if ((p->then = hp_record_then(hp_kv_get(kv, "then"))) == -1)
		p->then = HP_THEN_STAY;
	if ((v = hp_kv_get(kv, "stop-signal")) != NULL)
		p->stopby = hp_signal(v) > 0 ? hp_signal(v) : 0;
	p->stop_wall = hp_kv_int(kv, "stop-at", 0);
	p->killed_wall = hp_kv_int(kv, "killed-at", 0);
	if ((v = hp_kv_get(kv, "spawn")) != NULL && hp_proc_spawnname(v))
		hp_copy(p->from, sizeof p->from, v);
	hp_kin_load(p, kv);
	(void)s;
}

static int
is(const char *st, const char *name)
{
	return st != NULL && strcmp(st, name) == 0;
}

/* Is a status (kv) of the run id names? */
static int
samerun(const struct hp_kv *kv, const struct hp_ident *id)
{
	return id->pid > 0 && hp_kv_int(kv, "pid", 0) == (long long)id->pid &&
	    (unsigned long long)hp_kv_int(kv, "start", 0) == id->start;
}

/*
 * An add that died before its spec was in place: a status with "spawn"
 * and no spec. Its client sends it again (it still has the spec file).
 */
static void
unadded(struct hp_super *s, const char *name)
{
	char file[HP_PATH_MAX];
	struct hp_kv kv = { 0 };

	if (hp_proc_file(s->st, file, sizeof file, name, HP_P_STATUS) == 0 &&
	    hp_kv_load(&kv, file) == 0 && hp_kv_get(&kv, "spawn") != NULL &&
	    hp_proc_file(s->st, file, sizeof file, name, HP_P_DIR) == 0)
		hp_rmtree(file);
	hp_kv_free(&kv);
}

/*
 * One record as an earlier supervisor left it, and what that one was in
 * the middle of. A pid record is written before a child may exec, so a
 * live one is a process of ours: one being stopped is stopped on, to the
 * deadlines it had (then what was to come: a restart starts, a removal
 * removes); any other was meant to run, and is started anew (an orphan
 * keeps no output pipe of ours). With no process: a stop under way is
 * done (then what was to come), a start under way (starting, backoff,
 * running, reloading, or stopped with a start to follow) starts. One that
 * is to go (an instance above instances =) is removed.
 */
static void
recover_one(struct hp_super *s, struct hp_proc *p, int go)
{
	char file[HP_PATH_MAX];
	struct hp_kv kv = { 0 };
	struct hp_ident id, old;
	const char *st = NULL, *boot = NULL;
	int alive = 0, then;

	hp_proc_file(s->st, file, sizeof file, p->spec.name, HP_P_STATUS);
	if (hp_kv_load(&kv, file) == 0) {
		status_of(s, p, &kv, &st);
		boot = hp_kv_get(&kv, "boot");
		/* The old run of a reload under way: it goes. */
		memset(&old, 0, sizeof old);
		old.pid = (pid_t)hp_kv_int(&kv, "old-pid", 0);
		old.start = (unsigned long long)hp_kv_int(&kv, "old-start", 0);
		if (boot != NULL)
			hp_copy(old.boot, sizeof old.boot, boot);
		if (old.pid > 1 && hp_ident_kill(&old, p->spec.stop_signal,
		    1) == 0)
			hp_warnx("%s: the old run of a reload, pid %ld, sent "
			    "its stop signal", p->spec.name, (long)old.pid);
	}
	hp_proc_file(s->st, file, sizeof file, p->spec.name, HP_P_PID);
	memset(&id, 0, sizeof id);
	if (hp_pidfile_read(file, &id) == 0) {
		if (id.boot[0] == '\0' && boot != NULL)
			hp_copy(id.boot, sizeof id.boot, boot);
		if ((alive = hp_ident_alive(&id) == 1))
			p->id = id;
		else
			unlink(file);
	}
	/*
	 * Its leader gone, what is left of its tree goes too, as far as its
	 * cgroup or its recorded descendants tell (its pid may be another's
	 * by now: no group, no session).
	 */
	if (!alive)
		hp_kin_kill(s, p);
	/* A stop of its last turn that its status does not say yet. */
	if (!(is(st, "stopping") && samerun(&kv, &id)) &&
	    hp_record_stops_of(s, p, &id))
		st = "stopping";
	if (go) {
		p->then = HP_THEN_STAY;
		if (alive) {
			hp_life(s, p, HP_EV_ADOPT);
			hp_life(s, p, HP_EV_REMOVE);
		} else
			hp_life(s, p, HP_EV_FORGET);
	} else if (is(st, "stopping"))
		hp_life(s, p, HP_EV_WASSTOPPING);
	else if (alive) {
		/* Ours now, and stopped: started anew. */
		p->then = HP_THEN_STAY;
		tookback(p);
		hp_life(s, p, HP_EV_ADOPT);
		hp_life(s, p, HP_EV_RESTART);
	} else if (is(st, "stopped") && p->then != HP_THEN_STAY) {
		/* Stopped, and what came next had not come. */
		then = p->then;
		p->then = HP_THEN_STAY;
		hp_sproc_status(s, p);
		hp_life(s, p, then == HP_THEN_START ? HP_EV_RESUME :
		    then == HP_THEN_REMOVE ? HP_EV_REMOVE : HP_EV_FAIL);
	} else if (is(st, "starting") || is(st, "running") ||
	    is(st, "backoff") || is(st, "reloading")) {
		tookback(p);
		hp_life(s, p, HP_EV_RESUME);
	} else {
		if (is(st, "failed")) {
			hp_breaker_open(&p->breaker, hp_mono_ms());
			hp_life(s, p, HP_EV_WASFAILED);
		} else if (is(st, "exited"))
			hp_life(s, p, HP_EV_WASEXITED);
		hp_sproc_status(s, p);
	}
	hp_kv_free(&kv);
}

/* The instances of a spec: as many as it says, and those left above. */
static void
recover_instances(struct hp_super *s, struct hp_spec *spec)
{
	struct hp_proc *v[HP_INSTANCES_MAX];
	struct hp_spec one;
	char ref[HP_REF_MAX + 16];
	int *had, nhad, i, n;

	if (hp_state_instances(s->st, spec->name, &had, &nhad) == -1)
		nhad = 0;
	for (i = 0; i < nhad; i++)
		if (had[i] > spec->instances) {
			snprintf(ref, sizeof ref, "%s:%d", spec->name, had[i]);
			hp_spec_copy(&one, spec, ref);
			recover_one(s, hp_super_add(s, &one), 1);
		}
	free(had);
	n = hp_unit_add(s, spec, v, HP_INSTANCES_MAX);
	for (i = 0; i < n; i++)
		recover_one(s, v[i], 0);
}

/* Take back what an earlier supervisor left: each record, recover_one. */
static void
recover(struct hp_super *s)
{
	char **names, msg[512];
	struct hp_spec spec;
	struct hp_by was;
	int n, i;

	if (hp_state_names(s->st, &names, &n) == -1)
		return;
	hp_record_stops_load(s);
	was = hp_audit_for(s, HP_BY_RECOVERY);
	for (i = 0; i < n; i++) {
		if (hp_super_loadspec(s, names[i], &spec, msg,
		    sizeof msg) == -1) {
			if (errno != ENOENT)
				hp_warnx("%s", msg);
			else
				unadded(s, names[i]);
			continue;
		}
		if (spec.instances > 0)
			recover_instances(s, &spec);
		else
			recover_one(s, hp_super_add(s, &spec), 0);
	}
	s->by = was;
	hp_record_stops_done(s);
	/* What was taken back, said once: hp-supervise tells who asked. */
	if (ntook > 0) {
		s->jb.len = 0;
		hp_json_init(&s->j, &s->jb);
		hp_event_begin(&s->ev, &s->j, "supervisor:recovered");
		hp_json_key(&s->j, "processes");
		hp_json_open(&s->j, '[');
		for (i = 0; i < ntook; i++)
			hp_json_str(&s->j, took[i]);
		hp_json_close(&s->j, ']');
		hp_event_publish(&s->ev, &s->j);
	}
	for (i = 0; i < ntook; i++)
		free(took[i]);
	free(took);
	took = NULL;
	ntook = 0;
	hp_argv_free(names);
}

/* The files of a record alone, not its directory nor the spec there. */
static void
unrun(struct hp_super *s, struct hp_proc *p)
{
	static const int files[] = { HP_P_STATUS, HP_P_PID, HP_P_LOCK };
	char file[HP_PATH_MAX];
	size_t i;
	int k;

	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		if (hp_proc_file(s->st, file, sizeof file, p->spec.name,
		    files[i]) == 0)
			(void)unlink(file);
	for (k = 0; k <= p->spec.log_count; k++)
		if (hp_proc_log(s->st, file, sizeof file, p->spec.name, k) ==
		    0)
			(void)unlink(file);
	hp_sproc_reply(s, p, 1, HP_W_REMOVE | HP_W_START);
}

/*
 * A record goes, and its directory; the last instance of a name takes
 * the name's along. A reload's outgoing run has none of its own.
 */
static void
forget(struct hp_super *s, int i)
{
	struct hp_proc *p = s->procs[i];
	char dir[HP_PATH_MAX];

	hp_kin_forget(s, p);
	if (!p->outgoing && p->instance == 0 && p->unit->refs > 1)
		unrun(s, p);	/* its name's instances live on in its dir */
	else if (!p->outgoing) {
		hp_proc_file(s->st, dir, sizeof dir, p->spec.name, HP_P_DIR);
		if (hp_rmtree(dir) == -1)
			hp_warn("remove %s", dir);
		if (p->instance > 0 && p->unit->refs == 1 && hp_proc_file(s->st,
		    dir, sizeof dir, p->unit->name, HP_P_DIR) == 0 &&
		    hp_rmtree(dir) == -1)
			hp_warn("remove %s", dir);
		hp_sproc_reply(s, p, 1, HP_W_REMOVE | HP_W_START);
	}
	if (p->heir != NULL)
		p->heir->old = NULL;
	if (p->old != NULL)
		p->old->heir = NULL;
	hp_unit_detach(s, p);
	if (hp_super_find(s, p->spec.name) == p)	/* not an outgoing run */
		hp_map_del(&s->names, p->spec.name, strlen(p->spec.name));
	hp_watch_forget(s, p);
	if (p->dirty)		/* its record is gone: nothing to write */
		s->ndirty--;
	hp_sproc_free(p);
	s->procs[i] = s->procs[--s->nproc];
	if (i < s->nproc)
		s->procs[i]->ix = i;
}

/* Processes removed by a verb: their records go, their clients hear. */
static void
forget_removed(struct hp_super *s)
{
	int i;

	for (i = 0; i < s->nproc; )
		if (s->procs[i]->state == HP_ST_REMOVED)
			forget(s, i);
		else
			i++;
}

/*
 * What the configuration starts has started: whoever waits for it is
 * told, once (-b and --ready-fd; READY=1 to our NOTIFY_SOCKET, unless
 * we are already on our way out).
 */
void
hp_super_booted(struct hp_super *s)
{
	/* What they find when told: the statuses of the turn so far. */
	if (s->ev.defer)
		hp_events_commit(&s->ev);
	if (!s->booted && !s->shutdown)
		hp_notify_self("READY=1");
	s->booted = 1;
	if (s->readyfd != -1) {
		(void)!write(s->readyfd, "1", 1);
		close(s->readyfd);
		s->readyfd = -1;
	}
}

static int
anylive(struct hp_super *s)
{
	int i;

	/*
	 * A failed process waiting for its trial is still kept, and so is
	 * a terminal whose clients are still to hear of its end, and one
	 * that ended whose schedule (run-at, restart-at) starts it again.
	 */
	for (i = 0; i < s->nproc; i++)
		if (hp_life_live(s->procs[i]) ||
		    (s->procs[i]->state == HP_ST_FAILED &&
		    s->procs[i]->timer[HP_T_TRIAL] > 0) ||
		    (s->procs[i]->state == HP_ST_EXITED &&
		    s->procs[i]->due > 0 && !s->shutdown) ||
		    hp_term_next(s->procs[i]) != -1)
			return 1;
	return 0;
}

static void
supevent(struct hp_super *s, const char *name)
{
	s->jb.len = 0;
	hp_json_init(&s->j, &s->jb);
	hp_event_begin(&s->ev, &s->j, name);
	hp_json_kint(&s->j, "pid", (long long)getpid());
	hp_json_kint(&s->j, "processes", s->nproc);
	if (!s->shutdown && s->ev.echo)	/* =TAG answered on our output */
		hp_json_kbool(&s->j, "tags", 1);
	/* Asked to (shutdown, a signal, its parent gone), or idle. */
	if (s->shutdown)
		hp_json_kstr(&s->j, "reason", s->exiting ? "idle" :
		    s->alone ? "orphaned" : "shutdown");
	hp_event_publish(&s->ev, &s->j);
}

static int
timeout(struct hp_super *s, long long now, long long idle)
{
	long long next = -1, t;
	int i;

	for (i = 0; i < s->nproc; i++) {
		t = hp_life_next(s->procs[i]);
		if (t != -1 && (next == -1 || t < next))
			next = t;
		t = hp_watch_next(s->procs[i]);
		if (t != -1 && (next == -1 || t < next))
			next = t;
		t = hp_term_next(s->procs[i]);
		if (t != -1 && (next == -1 || t < next))
			next = t;
	}
	if (idle > 0 && (next == -1 || idle < next))
		next = idle;
	if (hp_watch_pending(s))
		next = now;	/* starts released and still to come */
	if ((t = hp_record_next(s)) != -1 && (next == -1 || t < next))
		next = t;
	if ((t = hp_fwatch_next(s)) != -1 && (next == -1 || t < next))
		next = t;
	if ((t = hp_slimit_next(s, now)) >= 0 && (next == -1 || t < next))
		next = t;
	if ((t = hp_events_next(&s->ev)) >= 0 && (next == -1 || t < next))
		next = t;
	if ((t = hp_shttp_next(s)) >= 0 && (next == -1 || t < next))
		next = t;
	if ((t = hp_upgrade_next(s)) >= 0 && (next == -1 || t < next))
		next = t;
	if ((t = hp_parent_next(s)) >= 0 && (next == -1 || t < next))
		next = t;
	if (next == -1)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 :
	    next - now);
}

/* SIGHUP: read the configuration again; a bad one changes nothing. */
static void
reload(struct hp_super *s)
{
	char msg[HP_PATH_MAX + 256];

	struct hp_by was = hp_audit_for(s, HP_BY_CONFIG);

	if (s->conf != NULL && hp_super_apply(s, 0, msg, sizeof msg) < 0)
		hp_warnx("reload: %s", msg);
	s->by = was;
}

/* SIGHUP: the audit file opened again at its path (logrotate moved it). */
static void
reopen(struct hp_super *s)
{
	if (s->ev.audit != NULL && hp_events_audit(&s->ev, NULL) == -1)
		hp_warn("audit: %s", s->ev.audit);
}

/* Is whoever we were started for still there? */
static void
watch(struct hp_super *s, struct pollfd *in)
{
	char buf[512];
	ssize_t r;
	int alive;

	if (s->parent.pid > 0) {
		alive = hp_ident_alive(&s->parent);
		if (alive == -1)
			alive = kill(s->parent.pid, 0) == 0 || errno == EPERM;
		if (!alive)
			hp_parent_gone(s, "parent");
	}
	if (s->watch_stdin && in->revents) {
		r = hp_read(STDIN_FILENO, buf, sizeof buf);
		if (r == 0 || (r == -1 && errno != EAGAIN))
			hp_parent_gone(s, "stdin");
	}
}

#define BASE	4	/* self-pipe, control FIFO, stdin, watch; the procs */
#define ANSWERS	16	/* answers written as their readers read, polled */
#define HTTP	17	/* the metrics responder's connections and listener */

static void
put(struct pollfd *f, int *n, int fd, short events)
{
	if (fd == -1)
		return;
	f[*n].fd = fd;
	f[*n].events = events;
	f[*n].revents = 0;
	(*n)++;
}

/*
 * The poll set: the base entries, then for each process i its open
 * descriptors from at[2i] and the entries of its probe from at[2i + 1].
 * Only open descriptors go in: poll() refuses a set larger than the
 * limit of open files, and a supervisor near it must go on.
 */
static int
pollset(struct hp_super *s, struct pollfd **fds, int **at, int *nat)
{
	struct pollfd *f, chan;
	struct hp_proc *p;
	int i, n = 0, max = BASE + 5 * s->nproc + ANSWERS + HTTP;

	for (i = 0; i < s->nproc; i++)
		max += hp_watch_nfds(s->procs[i]) + hp_term_nfds(s->procs[i]);
	f = *fds = hp_xrealloc(*fds, (size_t)max * sizeof **fds);
	*at = hp_xrealloc(*at, (size_t)(2 * s->nproc + 2) * sizeof **at);
	put(f, &n, s->sigfd, POLLIN);
	put(f, &n, s->ctlfd, POLLIN);
	f[n].fd = s->watch_stdin ? STDIN_FILENO : -1;	/* always at 2 */
	f[n].events = POLLIN;
	f[n++].revents = 0;
	f[n].fd = s->fwfd;				/* always at 3 */
	f[n].events = POLLIN;
	f[n++].revents = 0;
	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		(*at)[2 * i] = n;
		put(f, &n, p->out, POLLIN);
		put(f, &n, p->err, POLLIN);
		put(f, &n, p->ready, POLLIN);
		put(f, &n, hp_notify_fd(p), POLLIN);
		hp_node_pollfd(p, &chan);
		put(f, &n, chan.fd, chan.events);
		n += hp_term_fds(p, f + n);
		(*at)[2 * i + 1] = n;
		n += hp_watch_fds(p, f + n, max - n);
	}
	(*at)[2 * s->nproc] = n;
	*nat = s->nproc;
	n += hp_events_pollfds(&s->ev, f + n, ANSWERS);
	(*at)[2 * s->nproc + 1] = n;
	n += hp_shttp_fds(s, f + n, HTTP);
	return n;
}

/* What poll() said of process p's own descriptors. */
static void
events(struct hp_super *s, struct hp_proc *p, struct pollfd *f, int n)
{
	int k;

	if (p->term != NULL) {
		hp_term_io(s, p, f, n);
		return;
	}
	for (k = 0; k < n; k++) {
		if (f[k].revents == 0)
			continue;
		if (f[k].fd == p->out)
			hp_sproc_output(s, p, 0);
		else if (f[k].fd == p->err)
			hp_sproc_output(s, p, 1);
		else if (f[k].fd == p->ready)
			hp_sproc_ready(s, p);
		else if (f[k].fd == hp_notify_fd(p))
			hp_notify_read(s, p);
		else
			hp_node_io(s, p, &f[k]);
	}
}

static void
loop(struct hp_super *s)
{
	struct pollfd *fds = NULL;
	long long now, idle = 0;
	int i, n, sig, chld, wait, *at = NULL, nat;

	/* What a turn changes is written and said at its end, at once. */
	s->ev.before = hp_record_flush;
	s->ev.arg = s;
	s->ev.defer = 1;
	for (;;) {
		n = pollset(s, &fds, &at, &nat);
		now = hp_mono_ms();
		wait = timeout(s, now, idle);
		/* No word comes when a parent dies: look 4 times a second. */
		if (s->parent.pid > 0 && (wait == -1 || wait > 250))
			wait = 250;
		/* Short of memory, say: tell, breathe, go on keeping them. */
		if (poll(fds, (nfds_t)n, wait) == -1 && errno != EINTR) {
			hp_warn("poll");
			poll(NULL, 0, 100);
		}
		/*
		 * However many children ended, one reap for them all, before
		 * any signal that came after them is acted on.
		 */
		chld = 0;
		while ((sig = hp_sig_next(s->sigfd)) != 0) {
			if (sig == SIGCHLD) {
				chld = 1;
				continue;
			}
			if (chld)
				reap(s);
			chld = 0;
			if (sig == SIGTERM || sig == SIGINT) {
				/* As PID 1: the signal that came goes on. */
				if (s->init)
					s->stopsig = sig;
				hp_super_shutdown(s);
			} else {
				/* Besides its meaning: the audit file anew. */
				if (sig == SIGHUP)
					reopen(s);
				if (s->init)
					hp_super_forward(s, sig);
				else if (sig == SIGHUP)
					reload(s);
			}
		}
		if (chld)
			reap(s);
		watch(s, &fds[2]);
		hp_fwatch_io(s, fds[3].revents);
		if (fds[1].revents & POLLIN)
			hp_super_control(s);
		for (i = 0; i < nat; i++) {
			events(s, s->procs[i], fds + at[2 * i],
			    at[2 * i + 1] - at[2 * i]);
			hp_watch_step(s, s->procs[i], fds + at[2 * i + 1],
			    at[2 * i + 2] - at[2 * i + 1]);
		}
		now = hp_mono_ms();
		for (i = 0; i < s->nproc; i++) {
			hp_life_timers(s, s->procs[i], now);
			hp_watch_timer(s, s->procs[i], now);
			hp_term_timer(s, s->procs[i], now);
		}
		hp_fwatch_timer(s, now);
		hp_parent_timer(s, now);
		hp_events_flush(&s->ev);
		hp_shttp_io(s, fds + at[2 * nat + 1], n - at[2 * nat + 1]);
		hp_watch_work(s);
		hp_warn_flush();
		hp_slimit_tick(s, now);
		forget_removed(s);
		hp_unit_settle(s);
		hp_fwatch_settle(s);
		/*
		 * The turn's stop signals, behind one record; those already
		 * gone are reaped in the turn, and their statuses say
		 * "stopped" at once. Then the turn's statuses, its events and
		 * its answers.
		 */
		if (hp_life_tell(s) > 0) {
			reap(s);
			(void)hp_life_tell(s);
		}
		hp_events_commit(&s->ev);
		/* Off the way of the turn's starts: PATH's look, if due. */
		hp_spec_envfresh();
		/* Only then, with all of the turn out, an upgrade. */
		hp_upgrade_step(s);
		if (anylive(s)) {
			idle = 0;
			continue;
		}
		/* PID 1 of a container: done once nothing is kept. */
		if (s->shutdown || s->init)
			break;
		if (s->implicit) {
			if (idle == 0)
				idle = now + IDLE_MS;
			else if (now >= idle) {
				/* A last word for us? */
				hp_super_control(s);
				(void)hp_life_tell(s);
				forget_removed(s);
				if (!anylive(s))
					break;
			}
		}
	}
	hp_events_commit(&s->ev);
	s->ev.defer = 0;
	free(fds);
	free(at);
}

/*
 * Processes adopted as a subreaper (what a service left behind in
 * another session) are children of ours: their PIDs cannot be reused
 * before we reap them. At the end they go too: SIGTERM, then SIGKILL.
 */
static void
sweep(void)
{
	pid_t kids[256];
	long long end;
	int i, n, sig;

	for (sig = SIGTERM; ; sig = SIGKILL) {
		n = hp_proc_children(getpid(), 1, kids, 256);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++)
			kill(kids[i], sig);
		for (end = hp_mono_ms() + 500; hp_mono_ms() < end; ) {
			while (hp_waitpid(-1, NULL, WNOHANG) > 0)
				;
			if (hp_proc_children(getpid(), 1, kids, 1) <= 0)
				return;
			poll(NULL, 0, 10);
		}
		if (sig == SIGKILL)
			return;
	}
}

/*
 * The audit file of the configuration's [supervisor], unless --audit
 * named one: a new path is opened (the old file kept till then), none
 * closes it. -1 + message: the old one stays.
 */
int
hp_super_audit(struct hp_super *s, const char *path, char *msg, size_t n)
{
	if (s->audit_fixed || (path != NULL && s->ev.audit != NULL &&
	    strcmp(path, s->ev.audit) == 0))
		return 0;
	if (path != NULL && hp_events_audit(&s->ev, path) == -1)
		return snprintf(msg, n, "audit: %s: %s", path,
		    strerror(errno)), -1;
	if (path == NULL && s->ev.audit != NULL) {
		if (s->ev.auditfd != -1)
			close(s->ev.auditfd);
		s->ev.auditfd = -1;
		free(s->ev.audit);
		s->ev.audit = NULL;
	}
	return 0;
}

/*
 * metrics-listen and audit of the configuration, before the rest: the
 * address must be free, and the audit file has the first event too.
 */
static int
listen_first(struct hp_super *s, struct hp_error *e)
{
	struct hp_conf c;
	char msg[HP_PATH_MAX + 256];
	int r;

	if (hp_conf_load(&c, s->conf, s->profile, msg, sizeof msg) == -1)
		return 0;	/* said by the first reading of it */
	r = hp_shttp_listen(s, c.sup.metrics_listen, msg, sizeof msg);
	if (r == 0 && hp_super_audit(s, c.sup.audit, msg, sizeof msg) == -1)
		r = -2;
	hp_conf_free(&c);
	return r < 0 ? hp_error_set(e, HP_EXIT_FAIL, r == -1 ? "system" :
	    "audit", "%s", msg) : 0;
}

/*
 * It cannot start: why goes to the ready descriptor too, as "CODE
 * message", for whoever waits there (hp_client_detach), and e to the
 * command to say.
 */
static int
unready(int ready, struct hp_error *e)
{
	if (ready != -1) {
		(void)hp_write_all(ready, e->code, strlen(e->code));
		(void)hp_write_all(ready, " ", 1);
		(void)hp_write_all(ready, e->msg, strlen(e->msg));
	}
	/* Not closed: its end comes as we exit, with the lock let go. */
	return -1;
}

static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, 0 };
/* As PID 1, every other signal that can be caught is passed on. */
static const int isigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP,
    SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN,
    SIGTTOU, 0 };

/*
 * The lock file says who holds it, and which version it is (hp-supervise
 * status): "PID VERSION", written again by the image an upgrade brings.
 */
static void
stamp(struct hp_super *s)
{
	char line[64];
	int n;

	n = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(),
	    HP_VERSION);
	if (ftruncate(s->lockfd, 0) == -1 ||
	    pwrite(s->lockfd, line, (size_t)n, 0) != n)
		hp_warn("%s/lock", s->st->dir);
}

/* The loop, then the end. */
static int
finish(struct hp_super *s)
{
	char file[HP_PATH_MAX];
	int i;

	loop(s);
	/* Whatever is still queued is refused: nobody is left to do it. */
	s->exiting = !s->shutdown;
	s->shutdown = 1;
	hp_super_booted(s);	/* ended before: whoever waits is told */
	hp_super_control(s);
	forget_removed(s);
	sweep();
	supevent(s, "supervisor:shutdown");
	if (s->dropped > 0)
		hp_warnx("%lld bytes of output dropped: ours would not take "
		    "them (they are in the logs)", s->dropped);
	for (i = 0; i < s->nwaiting; i++) {
		hp_super_reply(s, s->waiting[i], 1, NULL, NULL, NULL);
		free(s->waiting[i]);
	}
	free(s->waiting);
	free(s->up);		/* an upgrade that never came to be */
	hp_kin_cleanup(s);
	for (i = 0; i < s->nproc; i++) {
		hp_unit_detach(s, s->procs[i]);
		hp_sproc_free(s->procs[i]);
	}
	free(s->procs);
	hp_map_free(&s->names);
	hp_after_free(&s->graph);
	free(s->rel);
	free(s->units);
	free(s->stopsleft);
	hp_join_free(s);
	hp_notify_end(s);
	hp_allow_free(&s->allow);
	hp_buf_free(&s->jb);
	hp_shttp_close(s);
	hp_events_close(&s->ev);
	close(s->ctlfd);
	close(s->ctlw);
	if (s->fwfd != -1)
		close(s->fwfd);
	hp_state_file(s->st, file, sizeof file, HP_F_LIMITS);
	unlink(file);
	close(s->lockfd);
	if ((s->relay & RELAY_OUT) && s->fl[0] != -1)
		(void)fcntl(STDOUT_FILENO, F_SETFL, s->fl[0]);
	if ((s->relay & RELAY_ERR) && s->fl[1] != -1)
		(void)fcntl(STDERR_FILENO, F_SETFL, s->fl[1]);
	return s->init ? s->last : HP_EXIT_OK;
}

/*
 * The new image of an upgrade (upgrade.c): what the old one held is
 * taken over, the children that ended meanwhile reaped, and the loop
 * goes on. The lock, the control FIFO and every child's descriptors
 * came across the exec.
 */
static int
resume(struct hp_super *s, const struct hp_superopt *o, struct hp_error *e)
{
	const struct hp_hosec *sec = &o->handover->sec[0];
	char why[HP_PATH_MAX + 256];

	hp_sig_ignore(SIGPIPE);
	hp_warn_limit(WARN_MAX);
	if ((s->sigfd = hp_sig_catch(o->init ? isigs : sigs)) == -1)
		return hp_error_sys(e, "sigaction");
	hp_sig_known();
	s->reaper = hp_subreaper() == 0;
	if (hp_events_open(&s->ev, s->st) == -1)
		return hp_error_sys(e, "%s/events.log", s->st->dir);
	s->ev.echo = o->json;
	s->ev.echo_want = o->events;
	if (hp_ho_get(sec, "audit", NULL) != NULL &&
	    hp_events_audit(&s->ev, hp_ho_str(sec, "audit", "")) == -1)
		hp_warn("audit: %s", hp_ho_str(sec, "audit", ""));
	s->audit_fixed = (int)hp_ho_int(sec, "audit-fixed", 0);
	if (hp_upgrade_takeover(s, o->handover, o->handback != NULL, why,
	    sizeof why) == -1) {
		/* The image it came from takes it back, if it can. */
		if (o->handback == NULL)
			hp_upgrade_back(o->handover, why);
		return hp_error_set(e, HP_EXIT_FAIL, "upgrade-failed",
		    "the handover: %s", why);
	}
	if (s->parent.pid > 0 && s->parent.pid == getppid() && s->grace <= 0)
		(void)hp_parent_death(SIGTERM);
	if (s->watch_stdin)
		hp_nonblock(STDIN_FILENO);
	s->fl[0] = (int)hp_ho_int(sec, "stdout-flags", -1);
	s->fl[1] = (int)hp_ho_int(sec, "stderr-flags", -1);
	stamp(s);
	reap(s);
	hp_upgrade_done(s, o->handover, o->handback);
	/* What came while signals waited (upgrade.c) is caught from now. */
	hp_upgrade_sigmask(o->handover);
	return finish(s);
}

/*
 * Run the supervisor of st until shutdown: its exit status. The ready
 * descriptor gets "1" once it is ready, "0" when another supervisor has
 * the lock, else why it could not start (-1 and e).
 */
int
hp_super_run(struct hp_state *st, const struct hp_superopt *o,
    struct hp_error *e)
{
	struct hp_super s;
	char file[HP_PATH_MAX], msg[HP_PATH_MAX + 256];
	int ready = o->ready, implicit = o->implicit;
	const char *allow;
	pid_t holder;

	memset(&s, 0, sizeof s);
	s.readyfd = -1;
	s.st = st;
	s.fwfd = -1;
	s.pid = getpid();
	s.born = hp_mono_ms();
	s.born_wall = hp_wall_ms();
	hp_metrics_interval(&s, o->metrics_interval);
	s.implicit = implicit;
	s.conf = o->conf;
	s.profile = o->profile;
	s.watch_stdin = o->watch_stdin;
	s.init = o->init;
	/* With --json, our stdout is the events': output goes to stderr. */
	s.relay = o->init ? (o->json ? RELAY_ERR : RELAY_ERR | RELAY_OUT) : 0;
	if (o->admit != NULL)
		s.admit = *o->admit;
	else
		hp_admit_default(&s.admit);
	/* HP_ALLOW for a supervisor that hp-spawn starts. */
	if ((allow = o->allow) == NULL)
		allow = getenv("HP_ALLOW");
	if (allow != NULL && *allow != '\0' && hp_allow_load(&s.allow,
	    allow, msg, sizeof msg) == -1)
		return unready(ready, (hp_error_set(e, HP_EXIT_USAGE, "config",
		    "%s", msg), e));
	if (o->handover != NULL)
		return resume(&s, o, e);
	if (o->parent > 0 && hp_ident_get(o->parent, &s.parent) == -1) {
		hp_allow_free(&s.allow);
		return unready(ready, (hp_error_set(e, HP_EXIT_FAIL,
		    "not-found", "parent %ld: not running", (long)o->parent),
		    e));
	}
	/* When the parent is ours, the kernel can tell us it died. */
	s.grace = o->parent_grace;
	if (o->parent > 0 && o->parent == getppid() && s.grace <= 0)
		(void)hp_parent_death(SIGTERM);
	s.rnd = (unsigned)getpid() ^ (unsigned)hp_mono_us();
	hp_notify_take(!implicit);
	hp_state_file(st, file, sizeof file, HP_F_LOCK);
	if ((s.lockfd = hp_lock_take(file)) == -1) {
		hp_allow_free(&s.allow);
		if (errno != EAGAIN)
			return unready(ready, (hp_error_sys(e, "%s", file), e));
		holder = hp_lock_holder(file);
		if (ready != -1) {
			(void)!write(ready, "0", 1);
			close(ready);
		}
		if (implicit)
			return HP_EXIT_OK;
		return hp_error_set(e, HP_EXIT_FAIL, "exists", "%s: already "
		    "supervised by PID %ld", st->dir, (long)holder);
	}
	stamp(&s);
	hp_sig_ignore(SIGPIPE);
	/* A full disk must not flood stderr (supervise.log, a terminal). */
	hp_warn_limit(WARN_MAX);
	if ((s.sigfd = hp_sig_catch(o->init ? isigs : sigs)) == -1)
		return unready(ready, (hp_error_sys(e, "sigaction"), e));
	hp_sig_known();
	s.reaper = hp_subreaper() == 0;
	hp_state_file(st, file, sizeof file, HP_F_CONTROL);
	if ((s.ctlfd = hp_fifo_listen(file, &s.ctlw)) == -1) {
		if (errno == EEXIST)
			hp_error_set(e, HP_EXIT_FAIL, "state-dir", "%s: not a "
			    "FIFO of ours", file);
		else
			hp_error_sys(e, "%s", file);
		return unready(ready, e);
	}
	if (hp_events_open(&s.ev, st) == -1)
		return unready(ready, (hp_error_sys(e, "%s/events.log",
		    st->dir), e));
	s.ev.echo = o->json;
	s.ev.echo_want = o->events;
	if (o->audit != NULL && hp_events_audit(&s.ev, o->audit) == -1)
		return unready(ready, (hp_error_set(e, HP_EXIT_FAIL, "audit",
		    "audit: %s: %s", o->audit, strerror(errno)), e));
	s.audit_fixed = o->audit != NULL;
	/* Last of what may fail here: its cgroup is ours to undo after. */
	hp_kin_setup(&s);
	if (s.watch_stdin)
		hp_nonblock(STDIN_FILENO);
	/* Our output may be a terminal shared with others: put back later. */
	s.fl[0] = fcntl(STDOUT_FILENO, F_GETFL);
	s.fl[1] = fcntl(STDERR_FILENO, F_GETFL);
	if (s.relay & RELAY_OUT)
		hp_nonblock(STDOUT_FILENO);
	if (s.relay & RELAY_ERR)
		hp_nonblock(STDERR_FILENO);
	if (hp_admit_write(st, &s.admit) == -1)
		hp_warn("%s/limits", st->dir);
	/* What it is to serve must be free before anything starts. */
	if (s.conf != NULL && listen_first(&s, e) == -1)
		return unready(ready, e);
	supevent(&s, "supervisor:started");
	recover(&s);
	hp_proc_spawnsweep(st);
	s.by.cause = HP_BY_CONFIG;
	if (s.conf != NULL && hp_super_apply(&s, 1, msg, sizeof msg) < 0)
		hp_warnx("%s", msg);
	s.by.cause = HP_BY_NONE;
	if (o->cmd != NULL)
		hp_super_runcmd(&s, o->cmd);
	/* Ready once what the configuration starts has started (watch.c). */
	s.readyfd = ready;
	if (s.nboot == 0)
		hp_super_booted(&s);
	return finish(&s);
}
