/* hp: see LICENSE. */
/* sproc.c: one supervised process: start, exit, restart, stop. */

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
 * The life of a process, as the supervisor sees it:
 *
 *	state		event			next
 *	starting	exec'd			running
 *	starting	exec failed		as an exit with 126/127
 *	running		exit, restart due	backoff (or starting at once)
 *	running		exit, no restart	exited
 *	running		stop			stopping
 *	backoff		timer			starting
 *	backoff		stop			stopped
 *	stopping	exit, group gone	stopped (then start or remove)
 *	stopping	stop timeout		SIGKILL to the group, as above
 */

#define GROUP_GRACE	500	/* ms to wait for a killed group to go */
#define KILL_GRACE	2000	/* ms to wait for SIGKILL to take */
#define POLL_MS		10

int
hp_sproc_live(const struct hp_proc *p)
{
	return p->state == HP_ST_STARTING || p->state == HP_ST_RUNNING ||
	    p->state == HP_ST_BACKOFF || p->state == HP_ST_STOPPING;
}

static void
publish(struct hp_super *s)
{
	hp_event_publish(&s->ev, &s->j);
}

static int
signal_group(struct hp_proc *p, int sig)
{
	int r;

	if (p->id.pid <= 0)
		return -1;
	r = hp_ident_alive(&p->id);
	/* Where identity cannot be read, an unreaped child is still ours. */
	if (r == 1 || (r == -1 && !p->orphan)) {
		r = kill(-p->id.pid, sig);
		hp_term_session(p, sig);	/* a terminal's whole session */
		return r;
	}
	errno = ESRCH;
	return -1;
}

int
hp_sproc_kill(struct hp_proc *p, int sig)
{
	return signal_group(p, sig);
}

static void after_exit(struct hp_super *, struct hp_proc *);
static void readied(struct hp_super *, struct hp_proc *);

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

/* The child has executed: keep our ends, record it, tell of it. */
static void
started(struct hp_super *s, struct hp_proc *p, pid_t pid, int (*pr)[2])
{
	char file[HP_PATH_MAX];

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
	if (hp_ident_get(pid, &p->id) == -1)
		p->id.pid = pid;
	p->group = pid;
	/* With a readiness rule, running waits for its word. */
	p->state = p->ready != -1 || p->spec.ready_check != NULL ?
	    HP_ST_STARTING : HP_ST_RUNNING;
	p->exit_code = -1;
	p->exit_signal = 0;
	if (hp_sproc_path(s, p, file, sizeof file, HP_P_PID) == -1 ||
	    hp_pidfile_write(file, &p->id) == -1)
		hp_warn("%s: write pid", p->spec.name);
	hp_sproc_status(s, p);
	hp_json_kint(hp_sproc_event(s, p, "process:started"), "pid",
	    (long long)pid);
	publish(s);
	hp_watch_started(s, p);
	hp_sproc_reply(s, p, 1, HP_W_START);
	if (p->state == HP_ST_RUNNING)
		readied(s, p);
}

int
hp_sproc_start(struct hp_super *s, struct hp_proc *p)
{
	int pr[4][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 }, { -1, -1 } };
	struct hp_spawn sp;
	struct hp_user u;
	char **envp;
	pid_t pid;
	int err, user;

	if (hp_watch_hold(s, p))
		return 0;
	p->error[0] = p->code[0] = '\0';
	p->stopby = 0;
	p->state = HP_ST_STARTING;
	if ((user = hp_user_spec(&p->spec, &u, p->error, sizeof p->error)) ==
	    -1) {
		hp_copy(p->code, sizeof p->code, "permission");
		p->exit_code = HP_EXIT_NOEXEC;
		after_exit(s, p);
		return -1;
	}
	if (pairs(s, p, pr) == -1) {
		hp_sproc_fail(p, "system", "%s: pipe: %s", p->spec.name,
		    errno);
		p->exit_code = HP_EXIT_NOEXEC;
		after_exit(s, p);
		return -1;
	}
	hp_log_end(&p->log);	/* a new run begins on a line of its own */
	envp = hp_spec_envp(&p->spec);
	memset(&sp, 0, sizeof sp);
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
	if (hp_allow_check(&s->allow, sp.argv, envp, sp.dir, p->error,
	    sizeof p->error) == -1) {
		free(envp);
		unpair(pr, -1);
		hp_copy(p->code, sizeof p->code, "not-allowed");
		p->exit_code = HP_EXIT_NOEXEC;
		after_exit(s, p);
		return -1;
	}
	sp.rlim = p->spec.rlim;
	sp.user = user ? &u : NULL;
	sp.setumask = p->spec.umask >= 0;
	sp.umask = (mode_t)(p->spec.umask >= 0 ? p->spec.umask : 0);
	pid = hp_spawn(&sp);
	err = errno;
	free(envp);
	unpair(pr, 1);
	p->started = hp_mono_ms();
	p->started_wall = hp_wall_ms();
	if (pid == -1) {
		unpair(pr, 0);
		hp_sproc_execfail(p, &sp, err);
		hp_log_write(&p->log, 1, p->error, strlen(p->error));
		hp_log_write(&p->log, 1, "\n", 1);
		after_exit(s, p);
		return -1;
	}
	started(s, p, pid, pr);
	return 0;
}

static void
readied(struct hp_super *s, struct hp_proc *p)
{
	hp_json_kint(hp_sproc_event(s, p, "process:ready"), "pid",
	    (long long)p->id.pid);
	publish(s);
	hp_watch_ready(s, p);
}

/* It said it is ready, or its readiness check passed. */
void
hp_sproc_isready(struct hp_super *s, struct hp_proc *p)
{
	p->state = HP_ST_RUNNING;
	hp_sproc_status(s, p);
	readied(s, p);
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
	if (p->out != -1)
		close(p->out);
	if (p->err != -1)
		close(p->err);
	p->out = p->err = -1;
}

static void
finish(struct hp_super *s, struct hp_proc *p)
{
	int then = p->then;

	p->then = HP_THEN_STAY;
	hp_sproc_reply(s, p, p->error[0] == '\0', HP_W_STOP);
	if (then == HP_THEN_START && !s->shutdown)
		hp_sproc_start(s, p);
	else if (then == HP_THEN_REMOVE)
		p->state = -1;	/* the supervisor removes it */
	else
		hp_sproc_reply(s, p, 0, HP_W_START);
}

static void
stopped(struct hp_super *s, struct hp_proc *p)
{
	char file[HP_PATH_MAX];

	p->state = HP_ST_STOPPED;
	p->group = 0;
	if (hp_sproc_path(s, p, file, sizeof file, HP_P_PID) == 0)
		unlink(file);
	hp_sproc_status(s, p);
	hp_sproc_event(s, p, "process:stopped");
	if (p->exit_code >= 0)
		hp_json_kint(&s->j, "exit_code", p->exit_code);
	if (p->exit_signal > 0)
		hp_json_kstr(&s->j, "signal", hp_signame(p->exit_signal));
	if (p->stopby > 0)
		hp_json_kstr(&s->j, "stopped_by", hp_signame(p->stopby));
	if (p->error[0] != '\0')
		hp_json_kstr(&s->j, "error", p->error);
	publish(s);
	finish(s, p);
}

/* The group of a stopped process is gone, or will not go: say which. */
static void
group_check(struct hp_super *s, struct hp_proc *p, long long now)
{
	if (p->group > 0 && kill(-p->group, 0) == 0) {
		if (now - p->killed < GROUP_GRACE) {
			p->deadline = now + POLL_MS;
			return;
		}
		hp_copy(p->code, sizeof p->code, "survivors");
		snprintf(p->error, sizeof p->error,
		    "process group %ld still has members after SIGKILL",
		    (long)p->group);
	}
	stopped(s, p);
}

/* After an exit: restart with backoff, or rest. */
static void
after_exit(struct hp_super *s, struct hp_proc *p)
{
	long long now = hp_mono_ms(), delay = 0;
	int failed = p->exit_signal != 0 || p->exit_code != 0;
	int again = !s->shutdown && p->then == HP_THEN_STAY &&
	    (p->spec.restart == HP_RESTART_ALWAYS ||
	    (p->spec.restart == HP_RESTART_ON_FAILURE && failed));
	char file[HP_PATH_MAX];
	int opened = 0;

	if (hp_sproc_path(s, p, file, sizeof file, HP_P_PID) == 0)
		unlink(file);
	if (again && now - p->started >= p->spec.backoff_reset) {
		/* It stayed up a while: backoff and breaker start over. */
		p->attempt = 0;
		hp_breaker_ok(&p->breaker);
	}
	if (again && failed && hp_breaker_fail(&p->breaker, now,
	    p->spec.max_restarts, p->spec.restart_window) == HP_CIRCUIT_OPEN) {
		again = 0;
		opened = 1;
	}
	if (again) {
		p->attempt++;
		p->restarts++;
		s->rnd = s->rnd * 1103515245u + 12345u;
		delay = hp_backoff(p->attempt, p->spec.backoff_min,
		    p->spec.backoff_max, s->rnd >> 8);
		/* One that cannot even start is not retried in a busy loop. */
		if (p->code[0] != '\0' && delay < 100)
			delay = 100;
		p->state = HP_ST_BACKOFF;
		p->deadline = now + delay;
	} else if (opened) {
		p->state = HP_ST_FAILED;
		p->deadline = now + p->spec.circuit_reset;
	} else
		p->state = HP_ST_EXITED;
	hp_sproc_status(s, p);
	hp_sproc_event(s, p, "process:exited");
	hp_json_kint(&s->j, "pid", (long long)p->id.pid);
	if (p->exit_signal > 0)
		hp_json_kstr(&s->j, "signal", hp_signame(p->exit_signal));
	else
		hp_json_kint(&s->j, "code", p->exit_code);
	hp_json_kstr(&s->j, "state", hp_state_name(p->state));
	if (p->error[0] != '\0')
		hp_json_kstr(&s->j, "error", p->error);
	publish(s);
	if (failed) {
		hp_sproc_event(s, p, "process:crashed");
		hp_json_kint(&s->j, "pid", (long long)p->id.pid);
		publish(s);
	}
	p->id.pid = 0;
	hp_sproc_reply(s, p, 0, HP_W_START | HP_W_STOP);
	if (opened) {
		hp_sproc_event(s, p, "process:failed");
		hp_json_kint(&s->j, "failures", p->breaker.n);
		hp_json_kint(&s->j, "restarts", p->restarts);
		hp_json_kint(&s->j, "retry_ms", p->spec.circuit_reset);
		publish(s);
	}
	if (again) {
		hp_sproc_event(s, p, "process:restarting");
		hp_json_kint(&s->j, "attempt", p->attempt);
		hp_json_kint(&s->j, "delay_ms", delay);
		publish(s);
		/*
		 * Even with no delay the start is the loop's: a start that
		 * fails comes back here, and must not recurse.
		 */
		if (delay == 0)
			p->deadline = now;
	}
}

/* p's process ended with status (as from waitpid), and has been reaped. */
void
hp_sproc_exited(struct hp_super *s, struct hp_proc *p, int status)
{
	drain(s, p);
	hp_watch_ended(p);
	if (WIFSIGNALED(status)) {
		p->exit_code = -1;
		p->exit_signal = WTERMSIG(status);
	} else {
		p->exit_code = WEXITSTATUS(status);
		p->exit_signal = 0;
	}
	hp_term_ended(s, p);
	if (p->state == HP_ST_STOPPING) {
		p->id.pid = 0;
		if (p->killed == 0)
			p->killed = hp_mono_ms();
		group_check(s, p, hp_mono_ms());
		return;
	}
	after_exit(s, p);
}

void
hp_sproc_stop(struct hp_super *s, struct hp_proc *p, int then)
{
	long long now = hp_mono_ms();

	if (then != HP_THEN_STAY || p->then == HP_THEN_STAY)
		p->then = then;
	hp_watch_ended(p);
	if (p->held) {
		/* It never started: it has nothing to stop. */
		p->held = 0;
		p->error[0] = p->code[0] = '\0';
		stopped(s, p);
		return;
	}
	switch (p->state) {
	case HP_ST_STARTING:
		/* Queued, never started: it stops now, or waits on. */
		if (p->queued) {
			if (hp_queue_leave(s, p, then))
				stopped(s, p);
			break;
		}
		/* FALLTHROUGH */
	case HP_ST_RUNNING:
		p->error[0] = p->code[0] = '\0';
		p->killed = 0;
		/* A terminal is hung up first, as when its window closes. */
		p->stopby = p->term != NULL ? SIGHUP : s->stopsig > 0 ?
		    s->stopsig : p->spec.stop_signal;
		if (signal_group(p, p->stopby) == -1) {
			/* Gone already: its exit is on its way to us. */
			p->killed = now;
		}
		p->state = HP_ST_STOPPING;
		p->stop_at = now + p->spec.stop_timeout;
		p->deadline = p->orphan ? now + POLL_MS : p->term != NULL ?
		    now + p->spec.stop_timeout / 2 : p->stop_at;
		hp_sproc_status(s, p);
		break;
	case HP_ST_STOPPING:
		break;
	case HP_ST_BACKOFF:
	case HP_ST_FAILED:
		/* No restart, no trial: it is stopped now. */
		p->error[0] = p->code[0] = '\0';
		p->deadline = 0;
		stopped(s, p);
		break;
	default:
		finish(s, p);
		break;
	}
}

/*
 * Is the orphan p still there? One that has died stays a zombie until its
 * new parent (init, or a subreaper) reaps it, which may be late or never:
 * it is gone all the same.
 */
static int
orphan_alive(const struct hp_proc *p)
{
	struct hp_pstat ps;

	if (hp_ident_alive(&p->id) != 1)
		return 0;
	return !(hp_pstat(p->id.pid, &ps) == 0 && ps.state == 'Z');
}

/* A deadline of p has come: restart after backoff, or SIGKILL. */
void
hp_sproc_timer(struct hp_super *s, struct hp_proc *p, long long now)
{
	if (p->deadline == 0 || now < p->deadline)
		return;
	p->deadline = 0;
	if (p->state == HP_ST_BACKOFF) {
		hp_sproc_start(s, p);
		return;
	}
	if (p->state == HP_ST_FAILED) {
		/* Half-open: one trial; failing, it opens the circuit again. */
		hp_breaker_trial(&p->breaker);
		p->state = HP_ST_STARTING;
		hp_sproc_status(s, p);
		hp_sproc_event(s, p, "process:restarting");
		hp_json_kint(&s->j, "attempt", p->attempt + 1);
		hp_json_kint(&s->j, "delay_ms", 0);
		hp_json_kbool(&s->j, "trial", 1);
		publish(s);
		p->restarts++;
		hp_sproc_start(s, p);
		return;
	}
	if (p->state == HP_ST_STARTING && p->id.pid > 0) {
		signal_group(p, SIGKILL);	/* not ready, and not gone */
		return;
	}
	if (p->state != HP_ST_STOPPING)
		return;
	if (p->id.pid == 0) {
		group_check(s, p, now);
		return;
	}
	if (p->orphan) {
		/* Not our child: no SIGCHLD comes, so look. */
		if (!orphan_alive(p)) {
			p->id.pid = 0;
			stopped(s, p);
			return;
		}
		if (p->killed == 0 && now >= p->stop_at) {
			signal_group(p, p->stopby = SIGKILL);
			p->killed = now;
		}
	} else if (p->term != NULL && p->stopby == SIGHUP &&
	    now < p->stop_at) {
		/* Then the stop signal, for what ignores a hang-up. */
		p->stopby = p->spec.stop_signal;
		signal_group(p, p->stopby);
		p->deadline = p->stop_at;
		return;
	} else if (p->killed == 0) {
		signal_group(p, p->stopby = SIGKILL);
		p->killed = now;
	}
	if (p->killed != 0 && now - p->killed >= KILL_GRACE) {
		hp_copy(p->code, sizeof p->code, "survivors");
		snprintf(p->error, sizeof p->error,
		    "pid %ld did not die of SIGKILL", (long)p->id.pid);
		hp_sproc_reply(s, p, 0, HP_W_STOP);
		p->killed = now;
	}
	p->deadline = now + (p->orphan ? POLL_MS : KILL_GRACE);
}
