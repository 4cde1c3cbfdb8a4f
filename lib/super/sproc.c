/* hp: see LICENSE. */
/* sproc.c: a supervised process's mechanics: spawn, output, signals, exit. */

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"

/*
 * What is done to a process, not when: that is life.c's table, which
 * calls these and takes what they say as events.
 */

static int
signal_group(struct hp_super *s, struct hp_proc *p, int sig)
{
	int r;

	if (p->id.pid <= 0)
		return -1;
	/*
	 * A child of ours not yet reaped is ours for certain: its pid is no
	 * one else's until we wait for it, and reap() forgets it first. One
	 * left by an earlier supervisor, or a main process we did not start
	 * (MAINPID=), is proven by its start time.
	 */
	r = !p->orphan && !p->foster ? 1 : hp_ident_alive(&p->id);
	/* Where identity cannot be read, an unreaped child is still ours. */
	/* Its group: that of its main process (MAINPID=) once told. */
	if (r == 1 || (r == -1 && !p->orphan)) {
		/* Its group, and every one it started, wherever it went. */
		r = hp_kin_signal(s, p, sig);
		/* A terminal's whole session. */
		hp_term_session(p, sig & ~HP_SIG_CONT);
		if (sig & HP_SIG_CONT)
			hp_term_session(p, SIGCONT);
		return r;
	}
	errno = ESRCH;
	return -1;
}

/* Signal p's whole tree, if p is provably still the one we started. */
int
hp_sproc_kill(struct hp_super *s, struct hp_proc *p, int sig)
{
	return signal_group(s, p, sig);
}

enum { P_OUT, P_ERR, P_RDY, P_CHN };	/* the pairs of a start; [0] ours */

/* Close one side (0 ours, 1 the child's) of every pair, or both (-1). */
static void
unpair(int (*pr)[2], int side)
{
	int k;

	for (k = 0; k < 4; k++) {
		if (side != 1 && pr[k][0] != -1)
			close(pr[k][0]);
		if (side != 0 && pr[k][1] != -1)
			close(pr[k][1]);
	}
}

/* Its stdout and stderr pipes, its ready-fd's, its node channel. */
static int
pairs(struct hp_super *s, struct hp_proc *p, int (*pr)[2])
{
	int err;

	if (p->spec.type == HP_TERMINAL)	/* its pty */
		return hp_term_open(s, p, pr[P_OUT]);
	if (hp_pipe(pr[P_OUT], 0) == 0 && hp_pipe(pr[P_ERR], 0) == 0 &&
	    (p->spec.ready_fd == 0 || hp_pipe(pr[P_RDY], 0) == 0) &&
	    (p->spec.type != HP_NODE || hp_node_pair(pr[P_CHN]) == 0)) {
		hp_nonblock(pr[P_OUT][0]);
		hp_nonblock(pr[P_ERR][0]);
		return 0;
	}
	err = errno;
	unpair(pr, -1);
	errno = err;
	return -1;
}

/*
 * In the child, before it may exec: who it is, in procs/NAME/pid, where
 * the next supervisor finds it if we die now. The one write before exec;
 * the status and the events follow it, from the parent.
 */
static int
record(void *arg)
{
	const struct hp_proc *p = arg;
	struct hp_ident id;
	int dfd, r, e;

	if (hp_ident_get(getpid(), &id) == -1) {
		memset(&id, 0, sizeof id);
		id.pid = getpid();
	}
	if ((dfd = hp_proc_open(p->st, p->spec.name)) == -1)
		return -1;
	r = hp_pidfile_writeat(dfd, hp_proc_filename(HP_P_PID), &id);
	e = errno;
	close(dfd);
	errno = e;
	return r;
}

/*
 * In the parent, once there is a child: who it is, as it recorded (one
 * that could not start is reaped already: its pid alone, for the event).
 */
static void
recorded(struct hp_proc *p, pid_t pid, int execd)
{
	if (!execd || hp_ident_get(pid, &p->id) == -1) {
		memset(&p->id, 0, sizeof p->id);
		p->id.pid = pid;
	}
	p->unpid = 0;		/* the old run's record went with this one */
}

/*
 * What a run is told in its environment beyond its spec's: the sockets
 * held for it as systemd passes them (LISTEN_FDS, LISTEN_PID, written by
 * the child itself, LISTEN_FDNAMES), its NOTIFY_SOCKET and watchdog, its
 * instance. The same names from elsewhere are left out. Static: used
 * only until hp_spawn() returns.
 */
static char **
runenv(const struct hp_proc *p, char **envp, struct hp_spawn *sp)
{
	static const char *ours[] = { "LISTEN_FDS=", "LISTEN_PID=",
	    "LISTEN_FDNAMES=", "NOTIFY_SOCKET=", "WATCHDOG_USEC=",
	    "WATCHDOG_PID=", "HP_INSTANCE=", NULL };
	static char fds[32], pid[40], inst[32], names[HP_SPAWN_PASS *
	    (HP_NAME_MAX + 1) + 16];
	const struct hp_unit *u = p->unit;
	char **e;
	int i, k, n = 0;

	for (i = 0; envp[i] != NULL; i++)
		;
	e = hp_xcalloc((size_t)i + 8, sizeof *e);
	for (i = 0; envp[i] != NULL; i++) {
		for (k = 0; ours[k] != NULL && strncmp(envp[i], ours[k],
		    strlen(ours[k])) != 0; k++)
			;
		if (ours[k] == NULL)
			e[n++] = envp[i];
	}
	if (u != NULL && u->nheld > 0) {
		snprintf(fds, sizeof fds, "LISTEN_FDS=%d", u->nheld);
		snprintf(pid, sizeof pid, "LISTEN_PID=%20s", "");
		snprintf(names, sizeof names, "LISTEN_FDNAMES=");
		for (k = 0; k < u->nheld; k++)
			snprintf(names + strlen(names), sizeof names -
			    strlen(names), "%s%s", k ? ":" : "", u->name);
		e[n++] = fds;
		e[n++] = sp->pidvar = pid;
		e[n++] = names;
		sp->pass = u->fd;
		sp->npass = u->nheld;
	}
	hp_notify_env(p, e, &n);
	if (p->instance > 0) {
		snprintf(inst, sizeof inst, "HP_INSTANCE=%d", p->instance);
		e[n++] = inst;
	}
	e[n] = NULL;
	free(envp);
	return e;
}

/* The child has executed: our ends kept (who it is is recorded). */
static void
keep(struct hp_super *s, struct hp_proc *p, pid_t pid, int (*pr)[2])
{
	(void)pid;
	hp_sproc_shut(s, p);	/* the last run's, if its tree kept them */
	if (p->term != NULL) {
		hp_term_started(p, pr[P_OUT][0]);
		pr[P_OUT][0] = -1;
	}
	p->out = pr[P_OUT][0];
	p->err = pr[P_ERR][0];
	if (pr[P_CHN][0] != -1)
		hp_node_open(p, pr[P_CHN][0]);
	if ((p->ready = pr[P_RDY][0]) != -1)
		hp_nonblock(p->ready);
	p->orphan = 0;
	p->mine = 1;
	p->group = pid;
	p->exit_code = -1;
	p->exit_signal = 0;
}

/*
 * Fork and exec p: 0 once it has executed (life.c tells of it); -1 when
 * it could not, with why in p->code and p->error and its exit status as
 * the shell's (126, 127), for life.c to take as an exit.
 */
int
hp_sproc_spawn(struct hp_super *s, struct hp_proc *p)
{
	int pr[4][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 }, { -1, -1 } };
	struct hp_spawn sp;
	struct hp_user u;
	char **envp;
	pid_t pid;
	int err, user;

	if ((user = hp_user_spec(&p->spec, &u, p->error, sizeof p->error)) ==
	    -1) {
		hp_copy(p->code, sizeof p->code, "permission");
		p->exit_code = HP_EXIT_NOEXEC;
		return -1;
	}
	/* Read at each start: a restart takes what they hold now. */
	if (hp_spec_envload(&p->spec, p->error, sizeof p->error) == -1) {
		hp_copy(p->code, sizeof p->code, "exec-failed");
		p->exit_code = HP_EXIT_NOEXEC;
		p->exit_signal = 0;
		hp_log_end(&p->log);
		hp_log_write(&p->log, 1, p->error, strlen(p->error));
		hp_log_write(&p->log, 1, "\n", 1);
		return -1;
	}
	/* Its sockets are bound before its first start, and kept. */
	if (hp_unit_sockets(s, p) == -1 || hp_notify_open(s, p) == -1) {
		p->exit_code = HP_EXIT_NOEXEC;
		return -1;
	}
	if (pairs(s, p, pr) == -1) {
		hp_sproc_fail(p, "system", "%s: pipe: %s", p->spec.name,
		    errno);
		p->exit_code = HP_EXIT_NOEXEC;
		hp_notify_close(p);
		return -1;
	}
	hp_log_end(&p->log);	/* a new run begins on a line of its own */
	memset(&sp, 0, sizeof sp);
	envp = runenv(p, hp_spec_envp(&p->spec), &sp);
	sp.argv = p->spec.argv;
	sp.envp = envp;
	sp.dir = p->spec.dir;
	sp.fd[0] = -1;
	sp.fd[1] = pr[P_OUT][1];
	sp.fd[2] = pr[P_ERR][1];
	sp.extra[0][0] = pr[P_RDY][1];
	sp.extra[0][1] = p->spec.ready_fd;
	sp.setsid = 1;
	if (pr[P_CHN][1] != -1)
		hp_node_exec(&p->spec, &sp, pr[P_CHN][1]);
	if (p->term != NULL)
		hp_term_exec(p, &sp, pr[P_OUT][1]);
	/* What is exec'd: a terminal's environment is made anew above. */
	if (hp_allow_check(&s->allow, sp.argv, sp.envp, sp.dir, p->error,
	    sizeof p->error) == -1) {
		free(envp);
		unpair(pr, -1);
		hp_copy(p->code, sizeof p->code, "not-allowed");
		p->exit_code = HP_EXIT_NOEXEC;
		return -1;
	}
	sp.rlim = p->spec.rlim;
	sp.user = user ? &u : NULL;
	sp.setumask = p->spec.umask >= 0;
	sp.umask = (mode_t)(p->spec.umask >= 0 ? p->spec.umask : 0);
	sp.record = record;
	sp.arg = p;
	p->st = s->st;
	sp.cgfd = hp_kin_join(s, p, &sp.cgmove);
	pid = hp_spawn(&sp);
	err = errno;
	if (sp.pid > 0)
		recorded(p, sp.pid, pid != -1);
	hp_kin_joined(s, p, sp.cgfd, pid, sp.joined);
	free(envp);
	unpair(pr, 1);
	p->started = hp_mono_ms();
	p->started_wall = hp_wall_ms();
	if (pid == -1) {
		unpair(pr, 0);
		hp_notify_close(p);
		hp_sproc_execfail(p, &sp, err);
		hp_log_write(&p->log, 1, p->error, strlen(p->error));
		hp_log_write(&p->log, 1, "\n", 1);
		return -1;
	}
	keep(s, p, pid, pr);
	hp_audit_spawned(p, sp.argv, user ? &u : NULL);
	return 0;
}

/* Read what is waiting on one of p's pipes into its log. */
void
hp_sproc_output(struct hp_super *s, struct hp_proc *p, int stream)
{
	char buf[16384];
	int *fd = stream ? &p->err : &p->out;
	ssize_t n;

	while (*fd != -1) {
		n = hp_read(*fd, buf, sizeof buf);
		if (n > 0) {
			/* Said once, until the log can be written again. */
			if (hp_log_write(&p->log, stream, buf, (size_t)n) == 0)
				p->log.failing = 0;
			else if (!p->log.failing++)
				hp_warn("%s: write log", p->spec.name);
			if (s->relay)
				hp_super_relay(s, stream, buf, (size_t)n);
			hp_show_output(s, p, stream, buf, (size_t)n);
			if ((size_t)n < sizeof buf)
				return;
			continue;
		}
		if (n == -1 && errno == EAGAIN)
			return;
		close(*fd);
		*fd = -1;
	}
}

/* p's output pipes closed, after what is waiting in them. */
void
hp_sproc_shut(struct hp_super *s, struct hp_proc *p)
{
	hp_sproc_output(s, p, 0);
	hp_sproc_output(s, p, 1);
	if (p->out != -1)
		close(p->out);
	if (p->err != -1)
		close(p->err);
	p->out = p->err = -1;
}

/*
 * p's process has ended: what it said is read, its channels closed. In
 * a stop, the rest of its tree has a moment more, and may still have
 * something to say: its output pipes stay open (a write to a closed
 * one would kill it, SIGPIPE) until the last writer ends (their end of
 * file), or the stop ends (life.c, group()).
 */
static void
drain(struct hp_super *s, struct hp_proc *p)
{
	hp_sproc_output(s, p, 0);
	hp_sproc_output(s, p, 1);
	hp_node_close(s, p);	/* its last messages first */
	if (p->ready != -1) {
		close(p->ready);
		p->ready = -1;
	}
	if (p->state != HP_ST_STOPPING)
		hp_sproc_shut(s, p);
	hp_notify_close(p);
}

/* p's process ended with status (as from waitpid), and has been reaped. */
void
hp_sproc_exited(struct hp_super *s, struct hp_proc *p, int status)
{
	drain(s, p);
	hp_watch_ended(p);
	hp_metrics_ended(p);
	if (WIFSIGNALED(status)) {
		p->exit_code = -1;
		p->exit_signal = WTERMSIG(status);
	} else {
		p->exit_code = WEXITSTATUS(status);
		p->exit_signal = 0;
	}
	p->foster = 0;
	hp_term_ended(s, p);
	hp_life(s, p, HP_EV_EXIT);
}

/* Its main process, not our child (MAINPID=), is gone: how, unknown. */
void
hp_sproc_gone(struct hp_super *s, struct hp_proc *p)
{
	drain(s, p);
	hp_watch_ended(p);
	p->exit_code = -1;
	p->exit_signal = 0;
	p->foster = 0;
	hp_life(s, p, HP_EV_EXIT);
}

/*
 * Is the orphan p still there? One that has died stays a zombie until its
 * new parent (init, or a subreaper) reaps it, which may be late or never:
 * it is gone all the same.
 */
int
hp_sproc_orphan_alive(const struct hp_proc *p)
{
	struct hp_pstat ps;

	if (hp_ident_alive(&p->id) != 1)
		return 0;
	return !(hp_pstat(p->id.pid, &ps) == 0 && ps.state == 'Z');
}
