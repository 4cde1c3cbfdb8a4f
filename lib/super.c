/* hp: see LICENSE. */
/* super.c: the supervisor's poll() loop, its control FIFO and shutdown. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#define IDLE_MS		1000	/* an implicit supervisor lingers this long */
#define WARN_MAX	10	/* control warnings a second, at most */

static struct hp_proc *
find(struct hp_super *s, const char *name)
{
	int i;

	for (i = 0; i < s->nproc; i++)
		if (strcmp(s->procs[i]->spec.name, name) == 0)
			return s->procs[i];
	return NULL;
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

static struct hp_proc *
newproc(struct hp_super *s, struct hp_spec *spec)
{
	struct hp_proc *p = hp_xcalloc(1, sizeof *p);

	p->spec = *spec;
	p->out = p->err = -1;
	p->exit_code = -1;
	p->state = HP_ST_STOPPED;
	hp_state_path(s->st, p->logpath, sizeof p->logpath, "%s/%s/log",
	    HP_PROCS, spec->name);
	p->log.path = p->logpath;
	p->log.max = spec->log_size;
	p->log.count = spec->log_count;
	s->procs = hp_xrealloc(s->procs, (size_t)(s->nproc + 1) *
	    sizeof *s->procs);
	s->procs[s->nproc++] = p;
	return p;
}

static void
respec(struct hp_proc *p, struct hp_spec *spec)
{
	hp_spec_free(&p->spec);
	p->spec = *spec;
	p->log.max = spec->log_size;
	p->log.count = spec->log_count;
}

void
hp_super_reply(struct hp_super *s, const char *client, int ok,
    const char *name, const char *code, const char *msg)
{
	struct hp_buf b = { 0 };
	struct hp_json j;

	if (strcmp(client, "-") == 0)
		return;
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", ok);
	if (name != NULL)
		hp_json_kstr(&j, "name", name);
	if (code != NULL)
		hp_json_kstr(&j, "code", code);
	if (msg != NULL)
		hp_json_kstr(&j, "message", msg);
	hp_json_close(&j, '}');
	hp_event_reply(&s->ev, client, &j);
	hp_buf_free(&b);
}

static int
loadspec(struct hp_super *s, const char *name, struct hp_spec *spec,
    char *msg, size_t n)
{
	char file[HP_PATH_MAX];

	if (hp_state_path(s->st, file, sizeof file, "%s/%s/spec", HP_PROCS,
	    name) == -1) {
		snprintf(msg, n, "%s: name too long", name);
		return -1;
	}
	return hp_spec_load(spec, name, file, msg, n);
}

/* The process NAME, from the table or, failing that, from its spec. */
static struct hp_proc *
lookup(struct hp_super *s, const char *id, const char *name)
{
	struct hp_proc *p;
	struct hp_spec spec;
	char msg[512];

	if ((p = find(s, name)) != NULL)
		return p;
	if (loadspec(s, name, &spec, msg, sizeof msg) == 0)
		return newproc(s, &spec);
	hp_super_reply(s, id, 0, name, "not-found", errno == ENOENT ?
	    "no such process" : msg);
	return NULL;
}

/* "add NAME TMP [unique]": a spec written by hp-spawn, to start now. */
static void
add(struct hp_super *s, const char *id, const char *name, const char *tmp,
    int unique)
{
	char want[HP_NAME_MAX + 1], dir[HP_PATH_MAX], from[HP_PATH_MAX];
	char to[HP_PATH_MAX], msg[HP_PATH_MAX + 256];
	struct hp_spec spec;
	struct hp_proc *p;
	struct stat sb;
	int n;

	if (hp_state_path(s->st, from, sizeof from, "%s/%s", HP_PROCS,
	    tmp) == -1 || strncmp(tmp, ".spawn-", 7) != 0 ||
	    strchr(tmp, '/') != NULL) {
		hp_super_reply(s, id, 0, name, "usage", "bad spec file");
		return;
	}
	hp_copy(want, sizeof want, name);
	for (n = 2; unique; n++) {
		hp_state_path(s->st, dir, sizeof dir, "%s/%s", HP_PROCS, want);
		if (find(s, want) == NULL && lstat(dir, &sb) == -1)
			break;
		if (snprintf(want, sizeof want, "%.*s-%d", HP_NAME_MAX - 8,
		    name, n) >= (int)sizeof want)
			break;
	}
	if ((p = find(s, want)) != NULL && hp_sproc_live(p)) {
		unlink(from);
		snprintf(msg, sizeof msg, "name in use (pid %ld)",
		    (long)p->id.pid);
		hp_super_reply(s, id, 0, want, "exists", msg);
		return;
	}
	hp_state_path(s->st, dir, sizeof dir, "%s/%s", HP_PROCS, want);
	hp_state_path(s->st, to, sizeof to, "%s/%s/spec", HP_PROCS, want);
	if ((mkdir(dir, 0700) == -1 && errno != EEXIST) ||
	    rename(from, to) == -1) {
		snprintf(msg, sizeof msg, "%s: %s", dir, strerror(errno));
		unlink(from);
		hp_super_reply(s, id, 0, want, "system", msg);
		return;
	}
	if (loadspec(s, want, &spec, msg, sizeof msg) == -1) {
		hp_rmtree(dir);
		hp_super_reply(s, id, 0, want, "usage", msg);
		return;
	}
	if (p != NULL)
		respec(p, &spec);
	else
		p = newproc(s, &spec);
	p->restarts = p->attempt = 0;
	hp_breaker_ok(&p->breaker);
	p->then = HP_THEN_REMOVE;	/* a failed first exec: no restart */
	n = hp_sproc_start(s, p);
	p->then = HP_THEN_STAY;
	/* A spawn that failed leaves no record: gone before the answer. */
	if (n == -1) {
		hp_rmtree(dir);
		p->state = -1;
	}
	hp_sproc_wait(p, id, HP_W_START);
	hp_sproc_reply(s, p, n == 0, HP_W_START);
}

static void
sendsig(struct hp_super *s, const char *id, const char *sig,
    const char *name)
{
	struct hp_proc *p;
	int n = hp_signal(sig), r;

	if (n < 0) {
		hp_super_reply(s, id, 0, name, "usage", "unknown signal");
		return;
	}
	if ((p = lookup(s, id, name)) == NULL)
		return;
	if (p->id.pid <= 0 || p->state == HP_ST_BACKOFF) {
		hp_super_reply(s, id, 0, name, "not-running", "not running");
		return;
	}
	r = hp_ident_alive(&p->id);
	if (r == 1 || (r == -1 && !p->orphan))
		r = kill(-p->id.pid, n);
	else {
		r = -1;
		errno = ESRCH;
	}
	hp_super_reply(s, id, r == 0, name, r == 0 ? NULL : "not-running",
	    r == 0 ? NULL : strerror(errno));
}

static void
begin_shutdown(struct hp_super *s)
{
	int i;

	if (s->shutdown)
		return;
	s->shutdown = 1;
	for (i = 0; i < s->nproc; i++) {
		if (hp_sproc_live(s->procs[i]))
			hp_sproc_stop(s, s->procs[i], HP_THEN_STAY);
		else if (s->procs[i]->state == HP_ST_FAILED)
			s->procs[i]->deadline = 0;	/* no trial now */
	}
}

static void
warnline(const char *why, const char *line)
{
	static long long second;
	static int count;
	long long now = hp_mono_ms() / 1000;

	if (now != second) {
		second = now;
		count = 0;
	}
	if (count++ < WARN_MAX)
		hp_warnx("control: %s: %.60s", why, line);
}

/* One control line: "ID VERB ARG...", ID a FIFO in events/ or "-". */
static void
command(struct hp_super *s, char *line)
{
	char *w[8], *save = NULL, *t, copy[HP_LINE_MAX + 2];
	struct hp_proc *p;
	int n = 0;

	hp_copy(copy, sizeof copy, line);
	for (t = strtok_r(line, " \t", &save); t != NULL && n < 8;
	    t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (n < 2 || (strcmp(w[0], "-") != 0 && !hp_name_ok(w[0]))) {
		warnline("bad line", copy);
		return;
	}
	if (strcmp(w[1], "shutdown") == 0 && n == 2) {
		if (strcmp(w[0], "-") != 0) {
			s->waiting = hp_xrealloc(s->waiting,
			    (size_t)(s->nwaiting + 1) * sizeof *s->waiting);
			s->waiting[s->nwaiting++] = hp_xstrdup(w[0]);
		}
		begin_shutdown(s);
		return;
	}
	if (strcmp(w[1], "ping") == 0 && n == 2) {
		hp_super_reply(s, w[0], 1, NULL, NULL, NULL);
		return;
	}
	if (strcmp(w[1], "signal") == 0 && n == 4) {
		if (hp_name_ok(w[3]))
			sendsig(s, w[0], w[2], w[3]);
		return;
	}
	if (n < 3 || !hp_name_ok(w[2])) {
		warnline("bad line", copy);
		hp_super_reply(s, w[0], 0, NULL, "usage", "bad command");
		return;
	}
	if ((strcmp(w[1], "add") == 0 || strcmp(w[1], "start") == 0 ||
	    strcmp(w[1], "restart") == 0) && s->shutdown) {
		hp_super_reply(s, w[0], 0, w[2], "shutting-down",
		    "the supervisor is shutting down");
		return;
	}
	if (strcmp(w[1], "add") == 0 && (n == 4 || n == 5)) {
		add(s, w[0], w[2], w[3], n == 5 && strcmp(w[4], "unique") == 0);
		return;
	}
	if (n != 3) {
		warnline("bad line", copy);
		hp_super_reply(s, w[0], 0, w[2], "usage", "bad command");
		return;
	}
	if (strcmp(w[1], "start") == 0) {
		if ((p = lookup(s, w[0], w[2])) == NULL)
			return;
		hp_sproc_wait(p, w[0], HP_W_START);
		if (p->state == HP_ST_RUNNING || p->state == HP_ST_STARTING) {
			/* Runs already: say so, with its pid, as a start would. */
			hp_sproc_reply(s, p, 1, HP_W_START);
			return;
		}
		if (p->state == HP_ST_STOPPING)
			p->then = HP_THEN_START;
		else {
			p->restarts = p->attempt = 0;
			hp_breaker_ok(&p->breaker);
			hp_sproc_start(s, p);
		}
	} else if (strcmp(w[1], "stop") == 0) {
		if ((p = lookup(s, w[0], w[2])) == NULL)
			return;
		hp_sproc_wait(p, w[0], HP_W_STOP);
		hp_sproc_stop(s, p, HP_THEN_STAY);
	} else if (strcmp(w[1], "restart") == 0) {
		if ((p = lookup(s, w[0], w[2])) == NULL)
			return;
		hp_sproc_wait(p, w[0], HP_W_START);
		hp_sproc_stop(s, p, HP_THEN_START);
	} else if (strcmp(w[1], "remove") == 0) {
		if ((p = lookup(s, w[0], w[2])) == NULL)
			return;
		hp_sproc_wait(p, w[0], HP_W_REMOVE);
		hp_sproc_stop(s, p, HP_THEN_REMOVE);
	} else {
		warnline("unknown verb", copy);
		hp_super_reply(s, w[0], 0, w[2], "usage", "unknown verb");
	}
}

/* Read the control FIFO; act on each whole line, drop overlong ones. */
static void
control(struct hp_super *s)
{
	char buf[4096];
	size_t i;
	ssize_t n;

	while ((n = hp_read(s->ctlfd, buf, sizeof buf)) > 0) {
		for (i = 0; i < (size_t)n; i++) {
			if (buf[i] != '\n') {
				if (s->linelen < HP_LINE_MAX)
					s->line[s->linelen++] = buf[i];
				else if (!s->skipping) {
					s->skipping = 1;
					s->line[s->linelen] = '\0';
					warnline("line too long", s->line);
				}
				continue;
			}
			s->line[s->linelen] = '\0';
			if (!s->skipping && s->linelen > 0)
				command(s, s->line);
			s->linelen = 0;
			s->skipping = 0;
		}
	}
	/*
	 * A client's line comes in one write below PIPE_BUF, so it is never
	 * left half read once the FIFO is empty: a partial line here is
	 * junk from some other writer. Drop it, or it would eat the front
	 * of the next client's command.
	 */
	if (s->linelen > 0 && !s->skipping) {
		s->line[s->linelen] = '\0';
		warnline("partial line", s->line);
	}
	s->linelen = 0;
	s->skipping = 0;
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
		if ((p = byleader(s, si.si_pid)) != NULL)
			kill(-si.si_pid, SIGKILL);
		if (hp_waitpid(si.si_pid, &status, 0) == -1)
			return;
		if (p != NULL)
			hp_sproc_exited(s, p, status);
	}
}

/* Take back what an earlier supervisor left: stop its orphans, go on. */
static void
recover(struct hp_super *s)
{
	char **names, file[HP_PATH_MAX], msg[512];
	struct hp_kv kv = { 0 };
	struct hp_spec spec;
	struct hp_ident id;
	struct hp_proc *p;
	const char *st, *boot;
	int n, i, live;

	if (hp_state_names(s->st, &names, &n) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (loadspec(s, names[i], &spec, msg, sizeof msg) == -1) {
			if (errno != ENOENT)
				hp_warnx("%s", msg);
			continue;
		}
		p = newproc(s, &spec);
		hp_state_path(s->st, file, sizeof file, "%s/%s/status",
		    HP_PROCS, names[i]);
		hp_kv_free(&kv);
		st = boot = NULL;
		if (hp_kv_load(&kv, file) == 0) {
			st = hp_kv_get(&kv, "state");
			boot = hp_kv_get(&kv, "boot");
			p->restarts = (int)hp_kv_int(&kv, "restarts", 0);
			p->exit_code = (int)hp_kv_int(&kv, "exit-code", -1);
			p->exit_signal = (int)hp_kv_int(&kv, "exit-signal", 0);
			p->started_wall = hp_kv_int(&kv, "started", 0);
		}
		live = st != NULL && (strcmp(st, "starting") == 0 ||
		    strcmp(st, "running") == 0 || strcmp(st, "backoff") == 0);
		if (st != NULL && strcmp(st, "failed") == 0)
			p->state = HP_ST_FAILED;
		else if (st != NULL && strcmp(st, "exited") == 0)
			p->state = HP_ST_EXITED;
		hp_state_path(s->st, file, sizeof file, "%s/%s/pid",
		    HP_PROCS, names[i]);
		if (hp_pidfile_read(file, &id) == 0) {
			if (boot != NULL)
				hp_copy(id.boot, sizeof id.boot, boot);
			if (hp_ident_alive(&id) == 1) {
				p->id = id;
				p->orphan = 1;
				p->state = HP_ST_RUNNING;
				hp_sproc_stop(s, p, live ? HP_THEN_START :
				    HP_THEN_STAY);
				continue;
			}
			unlink(file);
		}
		if (live)
			hp_sproc_start(s, p);
		else
			hp_sproc_status(s, p);
	}
	hp_kv_free(&kv);
	hp_argv_free(names);
}

static void
forget(struct hp_super *s, int i)
{
	struct hp_proc *p = s->procs[i];
	char dir[HP_PATH_MAX];

	hp_state_path(s->st, dir, sizeof dir, "%s/%s", HP_PROCS,
	    p->spec.name);
	if (hp_rmtree(dir) == -1)
		hp_warn("remove %s", dir);
	hp_sproc_reply(s, p, 1, HP_W_REMOVE | HP_W_START);
	hp_sproc_free(p);
	s->procs[i] = s->procs[--s->nproc];
}

static int
anylive(struct hp_super *s)
{
	int i;

	/* A failed process waiting for its trial is still kept. */
	for (i = 0; i < s->nproc; i++)
		if (hp_sproc_live(s->procs[i]) ||
		    (s->procs[i]->state == HP_ST_FAILED &&
		    s->procs[i]->deadline > 0))
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
	hp_event_publish(&s->ev, &s->j);
}

static int
timeout(struct hp_super *s, long long now, long long idle)
{
	long long next = -1;
	int i;

	for (i = 0; i < s->nproc; i++)
		if (s->procs[i]->deadline > 0 &&
		    (next == -1 || s->procs[i]->deadline < next))
			next = s->procs[i]->deadline;
	if (idle > 0 && (next == -1 || idle < next))
		next = idle;
	if (next == -1)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 :
	    next - now);
}

static void
loop(struct hp_super *s)
{
	struct pollfd *fds = NULL;
	long long now, idle = 0;
	int i, n, sig;

	for (;;) {
		fds = hp_xrealloc(fds, (size_t)(2 + 2 * s->nproc) *
		    sizeof *fds);
		fds[0].fd = s->sigfd;
		fds[1].fd = s->ctlfd;
		for (i = 0; i < s->nproc; i++) {
			fds[2 + 2 * i].fd = s->procs[i]->out;
			fds[3 + 2 * i].fd = s->procs[i]->err;
		}
		n = 2 + 2 * s->nproc;
		for (i = 0; i < n; i++)
			fds[i].events = POLLIN;
		now = hp_mono_ms();
		if (poll(fds, (nfds_t)n, timeout(s, now, idle)) == -1 &&
		    errno != EINTR)
			hp_die("poll");
		while ((sig = hp_sig_next(s->sigfd)) != 0) {
			if (sig == SIGCHLD)
				reap(s);
			else if (sig == SIGTERM || sig == SIGINT)
				begin_shutdown(s);
		}
		if (fds[1].revents & POLLIN)
			control(s);
		for (i = 0; i < s->nproc && 2 + 2 * i < n; i++) {
			if (fds[2 + 2 * i].revents && fds[2 + 2 * i].fd ==
			    s->procs[i]->out)
				hp_sproc_output(s, s->procs[i], 0);
			if (fds[3 + 2 * i].revents && fds[3 + 2 * i].fd ==
			    s->procs[i]->err)
				hp_sproc_output(s, s->procs[i], 1);
		}
		now = hp_mono_ms();
		for (i = 0; i < s->nproc; i++)
			hp_sproc_timer(s, s->procs[i], now);
		for (i = 0; i < s->nproc; )
			if (s->procs[i]->state == -1)
				forget(s, i);
			else
				i++;
		if (anylive(s)) {
			idle = 0;
			continue;
		}
		if (s->shutdown)
			break;
		if (s->implicit) {
			if (idle == 0)
				idle = now + IDLE_MS;
			else if (now >= idle) {
				control(s);	/* a last word for us? */
				if (!anylive(s))
					break;
			}
		}
	}
	free(fds);
}

/* Run the supervisor of st until shutdown; ready gets a byte once it is. */
int
hp_super_run(struct hp_state *st, int implicit, int json, int ready)
{
	static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, 0 };
	struct hp_super s;
	char file[HP_PATH_MAX], pid[32];
	pid_t holder;
	int i, n;

	memset(&s, 0, sizeof s);
	s.st = st;
	s.implicit = implicit;
	s.rnd = (unsigned)getpid() ^ (unsigned)hp_mono_us();
	hp_state_path(st, file, sizeof file, HP_LOCK);
	if ((s.lockfd = hp_lock_take(file)) == -1) {
		if (errno != EAGAIN)
			hp_die("%s", file);
		holder = hp_lock_holder(file);
		if (ready != -1)
			(void)!write(ready, "0", 1);
		if (implicit)
			return HP_EXIT_OK;
		hp_fail(HP_EXIT_FAIL, "exists", "%s: already supervised by "
		    "PID %ld", st->dir, (long)holder);
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(s.lockfd, 0) == -1 ||
	    hp_write_all(s.lockfd, pid, (size_t)n) == -1)
		hp_warn("%s", file);
	signal(SIGPIPE, SIG_IGN);
	if ((s.sigfd = hp_sig_catch(sigs)) == -1)
		hp_die("sigaction");
	(void)hp_subreaper();
	hp_state_path(st, file, sizeof file, HP_CONTROL);
	if ((s.ctlfd = hp_fifo_listen(file, &s.ctlw)) == -1)
		hp_die("%s", file);
	if (hp_events_open(&s.ev, st) == -1)
		hp_die("%s/%s", st->dir, HP_EVENTS_LOG);
	s.ev.echo = json;
	supevent(&s, "supervisor:started");
	recover(&s);
	if (ready != -1) {
		(void)!write(ready, "1", 1);
		close(ready);
	}
	loop(&s);
	/* Whatever is still queued is refused: nobody is left to do it. */
	s.shutdown = 1;
	control(&s);
	supevent(&s, "supervisor:shutdown");
	for (i = 0; i < s.nwaiting; i++) {
		hp_super_reply(&s, s.waiting[i], 1, NULL, NULL, NULL);
		free(s.waiting[i]);
	}
	free(s.waiting);
	for (i = 0; i < s.nproc; i++)
		hp_sproc_free(s.procs[i]);
	free(s.procs);
	hp_buf_free(&s.jb);
	hp_events_close(&s.ev);
	close(s.ctlfd);
	close(s.ctlw);
	close(s.lockfd);
	return HP_EXIT_OK;
}
