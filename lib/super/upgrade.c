/* hp: see LICENSE. */
/* upgrade.c: the supervisor handed over to another binary by exec. */

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/sterm.h"
#include "super/handover.h"

/*
 * "upgrade PATH" (hp(7), Upgrading in place): PATH is asked, in a child, which
 * formats of handover it reads (--handover-version); if ours is one, the
 * upgrade waits (QUIET_MS at most) for a turn where nothing is half done
 * (a terminal in mid-sequence, a reload, a start of start-up), then
 * writes what lives in memory into an unlinked file, clears the
 * close-on-exec flag of exactly the descriptors named in it, and execs
 * PATH --handover FD in this process. Children stay ours, and their
 * descriptors open. If the exec fails, everything is as it was: the
 * flags go back, and the client is told upgrade-failed. The new image
 * answers the client itself, once it has taken everything over.
 */
#define ASK_MS		2000	/* for PATH to say its version */
#define QUIET_MS	2000	/* for a turn with nothing half done */

struct hp_upgrade {
	char		 path[HP_PATH_MAX];
	char		 client[HP_NAME_MAX + 1];
	long long	 until;		/* mono ms it waits for quiet */
	char		 why[160];	/* what is not quiet, last seen */
	int		 image;		/* our own binary, to come back to */
};

/* PATH --handover-version: "VERSION MIN MAX". 0, or -1 + why. */
static int
ask(const char *path, char ver[64], int *min, int *max, char *why, size_t n)
{
	char buf[256], *argv[3], opt[] = "--handover-version";
	long long until = hp_mono_ms() + ASK_MS;
	struct pollfd pf;
	size_t got = 0;
	ssize_t k;
	pid_t pid, r;
	int fd[2], st, devnull;

	if (access(path, X_OK) == -1)
		return snprintf(why, n, "%s: %s", path, strerror(errno)), -1;
	if (hp_pipe(fd, 0) == -1)
		return snprintf(why, n, "pipe: %s", strerror(errno)), -1;
	argv[0] = (char *)path;
	argv[1] = opt;
	argv[2] = NULL;
	if ((pid = fork()) == -1) {
		close(fd[0]);
		close(fd[1]);
		return snprintf(why, n, "fork: %s", strerror(errno)), -1;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(fd[1], 1);
		dup2(devnull, 2);
		execv(path, argv);
		_exit(127);
	}
	close(fd[1]);
	pf.fd = fd[0];
	pf.events = POLLIN;
	while (got < sizeof buf - 1) {
		long long left = until - hp_mono_ms();

		if (left <= 0 || poll(&pf, 1, (int)left) == 0)
			break;
		if ((k = hp_read(fd[0], buf + got, sizeof buf - 1 - got)) <= 0)
			break;
		got += (size_t)k;
	}
	close(fd[0]);
	buf[got] = '\0';
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && hp_mono_ms() < until)
		poll(NULL, 0, 1);
	if (r == 0) {
		kill(pid, SIGKILL);
		(void)waitpid(pid, &st, 0);
		return snprintf(why, n, "%s --handover-version: no answer in "
		    "%d ms", path, ASK_MS), -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || sscanf(buf, "%63s %d %d",
	    ver, min, max) != 3)
		return snprintf(why, n, "%s --handover-version: not an "
		    "hp-supervise that takes a handover", path), -1;
	return 0;
}

void
hp_upgrade_verb(struct hp_super *s, const struct hp_request *r)
{
	char why[HP_PATH_MAX + 128], ver[64], *argv[2];
	const char *path = r->rest;
	struct hp_upgrade *u;
	int min, max;

	if (s->up != NULL) {
		hp_super_reply(s, r->client, 0, NULL, "busy",
		    "an upgrade is under way");
		return;
	}
	if (path[0] != '/') {
		hp_super_reply(s, r->client, 0, NULL, "usage",
		    "upgrade: the path must be absolute");
		return;
	}
	argv[0] = (char *)path;
	argv[1] = NULL;
	if (s->allow.on && hp_allow_check(&s->allow, argv, NULL, NULL, why,
	    sizeof why) == -1) {
		hp_super_reply(s, r->client, 0, NULL, "not-allowed", why);
		return;
	}
	if (ask(path, ver, &min, &max, why, sizeof why) == -1) {
		hp_super_reply(s, r->client, 0, NULL, "upgrade-failed", why);
		return;
	}
	if (HP_HANDOVER < min || HP_HANDOVER > max) {
		snprintf(why, sizeof why, "%s (%s) takes a handover of format "
		    "%d to %d, this one writes %d", path, ver, min, max,
		    HP_HANDOVER);
		hp_super_reply(s, r->client, 0, NULL, "upgrade-failed", why);
		return;
	}
	u = hp_xcalloc(1, sizeof *u);
	hp_copy(u->path, sizeof u->path, path);
	hp_copy(u->client, sizeof u->client, r->client);
	u->until = hp_mono_ms() + QUIET_MS;
	s->up = u;
}

/* Nothing half done: 1; else 0 and what is, in why. */
static int
quiet(struct hp_super *s, char *why, size_t n)
{
	struct hp_proc *p;
	int i;

	if (s->nrel > 0 || s->nboot > 0 || s->joins != NULL)
		return snprintf(why, n, "starts of start-up under way"), 0;
	if (hp_shttp_busy(s))
		return snprintf(why, n, "a metrics request under way"), 0;
	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (p->old != NULL || p->heir != NULL || p->respec != NULL ||
		    p->roll || p->outgoing)
			return snprintf(why, n, "%s: a reload under way",
			    p->spec.name), 0;
		if (p->execd != NULL || p->released)
			return snprintf(why, n, "%s: a start under way",
			    p->spec.name), 0;
		if (!hp_term_quiet(p, why, n))
			return 0;
	}
	return 1;
}

/* The subscribers of events, each with what it asked for and what it
 * has not read of an answer. */
static void
subs(struct hp_howr *w, const struct hp_events *ev)
{
	struct hp_subinfo si;
	int i;

	for (i = 0; hp_events_sub(ev, i, &si) == 0; i++) {
		hp_ho_section(w, "sub", si.name);
		hp_ho_putfd(w, "fd", si.fd);
		hp_ho_putint(w, "want", si.want);
		hp_ho_putint(w, "dropped", (long long)si.dropped);
		hp_ho_put(w, "answer", si.out, si.outlen);
	}
}

/* The signals blocked now, to be blocked again in the new image. */
static void
sigmask(struct hp_howr *w)
{
	struct hp_buf b = { 0 };
	sigset_t now;
	int sig;

	sigprocmask(SIG_BLOCK, NULL, &now);
	for (sig = 1; sig < 65; sig++)
		if (sigismember(&now, sig) == 1)
			hp_buf_printf(&b, "%s%d", b.len ? " " : "", sig);
	hp_ho_put(w, "sigmask", b.p != NULL ? b.p : "", b.len);
	hp_buf_free(&b);
}

static void
put_super(struct hp_howr *w, struct hp_super *s)
{
	char v[64];

	hp_ho_section(w, "super", s->st->dir);
	hp_ho_putstr(w, "version", HP_VERSION);
	hp_ho_putstr(w, "client", s->up->client);
	hp_ho_putint(w, "pid", (long long)s->pid);
	hp_ho_putfd(w, "image", s->up->image);
	sigmask(w);
	hp_ho_putfd(w, "lock", s->lockfd);
	hp_ho_putfd(w, "control", s->ctlfd);
	hp_ho_putfd(w, "control-w", s->ctlw);
	hp_ho_putfd(w, "ready", s->readyfd);
	hp_ho_putint(w, "booted", s->booted);
	hp_ho_putint(w, "implicit", s->implicit);
	hp_ho_putint(w, "json", s->ev.echo);
	hp_ho_putint(w, "events", s->ev.echo_want);
	hp_ho_putstr(w, "conf", s->conf);
	hp_ho_putstr(w, "profile", s->profile);
	hp_ho_putint(w, "watch-stdin", s->watch_stdin);
	hp_ho_putint(w, "init", s->init);
	hp_ho_putint(w, "stop-signal", s->stopsig);
	if (s->stopsleft != NULL)
		hp_ho_putstr(w, "stops-left", s->stopsleft);
	hp_ho_putint(w, "last", s->last);
	hp_ho_putint(w, "relay", s->relay);
	hp_ho_putint(w, "stdout-flags", s->fl[0]);
	hp_ho_putint(w, "stderr-flags", s->fl[1]);
	hp_ho_putint(w, "dropped", s->dropped);
	if (s->allow.on)
		hp_ho_putstr(w, "allow", s->allow.file);
	hp_ho_putint(w, "max-procs", s->admit.max_procs);
	hp_ho_putint(w, "max-memory", s->admit.max_memory);
	snprintf(v, sizeof v, "%.17g", s->admit.max_load);
	hp_ho_putstr(w, "max-load", v);
	hp_ho_putint(w, "queue-timeout", s->admit.queue_timeout);
	hp_ho_putint(w, "arrivals", (long long)s->arrivals);
	hp_ho_putint(w, "metrics-interval", s->minterval);
	hp_ho_putint(w, "metrics-tick", s->mtick);
	hp_ho_putint(w, "metrics-seq", s->mseq);
	hp_ho_putstr(w, "audit", s->ev.audit);
	hp_ho_putint(w, "audit-fixed", s->audit_fixed);
	hp_ho_putint(w, "seq", (long long)s->ev.seq);
	hp_ho_putint(w, "born", s->born);
	hp_ho_putint(w, "born-wall", s->born_wall);
	hp_ho_putint(w, "rnd", s->rnd);
	hp_ho_putint(w, "parent", (long long)s->parent.pid);
	hp_ho_putint(w, "parent-start", (long long)s->parent.start);
	hp_ho_putstr(w, "parent-boot", s->parent.boot);
	hp_ho_putint(w, "parent-grace", s->grace);
	hp_ho_putint(w, "orphaned", s->orphaned);
	hp_ho_putint(w, "parent-was", (long long)s->was);
	hp_ho_putint(w, "alone", s->alone);
	hp_ho_putstr(w, "cgroups", s->cgbase);
	hp_ho_putstr(w, "notify-dir", s->notifydir);
	hp_ho_putint(w, "notify-seq", s->notifyseq);
	hp_ho_putint(w, "join-seq", s->joinseq);
	hp_ho_putstr(w, "notify-self", hp_notify_own());
	hp_shttp_handover(s, w);
	subs(w, &s->ev);
}

static void
put_proc(struct hp_howr *w, struct hp_proc *p)
{
	struct hp_buf b = { 0 };
	char key[32];
	int t, ev, i;

	hp_ho_section(w, "proc", p->spec.name);
	hp_ho_putstr(w, "state", hp_life_state_name(p->state));
	hp_ho_putint(w, "orphan", p->orphan);
	hp_ho_putint(w, "pid", (long long)p->id.pid);
	hp_ho_putint(w, "start", (long long)p->id.start);
	hp_ho_putstr(w, "boot", p->id.boot);
	hp_ho_putint(w, "group", (long long)p->group);
	hp_ho_putfd(w, "out", p->out);
	hp_ho_putfd(w, "err", p->err);
	hp_ho_putfd(w, "ready-fd", p->ready);
	hp_ho_putint(w, "log-mid-out", p->log.mid[0]);
	hp_ho_putint(w, "log-mid-err", p->log.mid[1]);
	hp_ho_putint(w, "log-last", p->log.last);
	hp_ho_putint(w, "log-checked", p->log.checked);
	hp_ho_putint(w, "log-failing", p->log.failing);
	for (t = 0; t < HP_T_N; t++)
		if (p->timer[t] != 0) {
			snprintf(key, sizeof key, "timer-%s",
			    hp_life_timer_name(t, &ev));
			hp_ho_putint(w, key, p->timer[t]);
		}
	hp_ho_putint(w, "then", p->then);
	hp_ho_putint(w, "first", p->first);
	hp_ho_putint(w, "started", p->started);
	hp_ho_putint(w, "started-wall", p->started_wall);
	hp_ho_putint(w, "since-wall", p->since_wall);
	hp_ho_putint(w, "killed", p->killed);
	hp_ho_putint(w, "stop-at", p->stop_at);
	hp_ho_putint(w, "stop-wall", p->stop_wall);
	hp_ho_putint(w, "killed-wall", p->killed_wall);
	hp_ho_putstr(w, "from", p->from);
	hp_ho_putint(w, "dirty", p->dirty);
	hp_ho_putint(w, "unpid", p->unpid);
	if (p->stopline != NULL)
		hp_ho_putstr(w, "stop-line", p->stopline);
	hp_ho_putint(w, "attempt", p->attempt);
	b.len = 0;
	hp_breaker_fmt(&p->breaker, &b);
	hp_ho_put(w, "circuit", b.p, b.len);
	hp_buf_free(&b);
	hp_ho_putint(w, "restarts", p->restarts);
	hp_ho_putint(w, "asked", p->asked);
	hp_ho_putint(w, "exit-code", p->exit_code);
	hp_ho_putint(w, "exit-signal", p->exit_signal);
	hp_ho_putstr(w, "code", p->code);
	hp_ho_putstr(w, "error", p->error);
	hp_ho_putint(w, "health", p->health);
	hp_ho_putint(w, "health-fails", p->hfails);
	hp_ho_putint(w, "health-next", p->hnext);
	hp_ho_putint(w, "ready-by", p->ready_by);
	hp_ho_putint(w, "ready-gap", p->rgap);
	hp_ho_putint(w, "sample-at", p->sample_at);
	hp_ho_putint(w, "sampled", (long long)p->sampled);
	hp_ho_putint(w, "cpu-over", p->cpu_over);
	hp_ho_putint(w, "queued", (long long)p->queued);
	hp_ho_putint(w, "queue-end", p->queue_end);
	hp_ho_putint(w, "stop-by", p->stopby);
	hp_ho_putstr(w, "cgroup", p->cg);
	hp_ho_putint(w, "cgroup-new", p->cgnew);
	for (i = 0; i < p->nkin; i++) {
		snprintf(key, sizeof key, "kin-%d", i);
		hp_ho_putint(w, key, (long long)p->kin[i].pid);
		snprintf(key, sizeof key, "kin-start-%d", i);
		hp_ho_putint(w, key, (long long)p->kin[i].start);
	}
	hp_ho_putint(w, "kin", p->nkin);
	hp_ho_putstr(w, "resisted", p->resisted);
	hp_ho_putint(w, "foster", p->foster);
	hp_ho_putint(w, "by", p->by.cause);
	hp_ho_putint(w, "by-uid", p->by.uid);
	hp_ho_putint(w, "by-pid", p->by.pid);
	hp_ho_putint(w, "run-uid", p->runuid);
	hp_ho_putstr(w, "run-user", p->runuser);
	hp_ho_putint(w, "due", p->due);
	hp_ho_putint(w, "skipped", p->skipped);
	hp_record_handover(w, p);
	hp_node_handover(w, p);
	hp_notify_handover(w, p);
	hp_metrics_handover(w, p);
	hp_term_handover(w, p);
}

/* Everything, into an unlinked file: its descriptor, or -1 + why. */
static int
write_all(struct hp_super *s, struct hp_howr *w, char *why, size_t n)
{
	int i, fd;

	put_super(w, s);
	for (i = 0; i < s->nunit; i++)
		hp_unit_held_handover(w, s->units[i]);
	for (i = 0; i < s->nproc; i++)
		put_proc(w, s->procs[i]);
	hp_fwatch_handover(s, w);
	/* Every descriptor named, for a way back (hp_upgrade_back). */
	hp_ho_section(w, "fds", "");
	for (i = 0; i < w->nfd; i++)
		hp_ho_putint(w, "fd", w->fd[i]);
	/* In memory where there is such a file: a full disk is no matter. */
	if ((fd = hp_memfile("hp-handover")) == -1 &&
	    (fd = hp_anonfile(s->st->dir)) == -1)
		return snprintf(why, n, "a file to hand over in: %s",
		    strerror(errno)), -1;
	if (hp_write_all(fd, w->b.p, w->b.len) == -1 ||
	    lseek(fd, 0, SEEK_SET) == -1) {
		snprintf(why, n, "the handover: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
flags(const struct hp_howr *w, int fd, int keep)
{
	int i, f;

	for (i = -1; i < w->nfd; i++) {
		int d = i < 0 ? fd : w->fd[i];

		if ((f = fcntl(d, F_GETFD)) != -1)
			(void)fcntl(d, F_SETFD, keep ? f & ~FD_CLOEXEC :
			    f | FD_CLOEXEC);
	}
}

/* The exec: only if it fails does this return, with why. */
static void
handover(struct hp_super *s, char *why, size_t n)
{
	struct hp_howr w = { { 0 }, NULL, 0 };
	char num[16], opt[] = "--handover", *argv[4];
	sigset_t mask;
	int fd, i;

	for (i = 0; i < s->nproc; i++)
		hp_watch_pause(s->procs[i]);
	hp_events_flush(&s->ev);
	s->up->image = hp_self_image();
	if ((fd = write_all(s, &w, why, n)) != -1) {
		snprintf(num, sizeof num, "%d", fd);
		argv[0] = s->up->path;
		argv[1] = opt;
		argv[2] = num;
		argv[3] = NULL;
		flags(&w, fd, 1);
		/* Signals wait, pending, for the new image's handlers. */
		hp_sig_block(&mask);
		execv(s->up->path, argv);
		snprintf(why, n, "exec %s: %s", s->up->path, strerror(errno));
		hp_sig_restore(&mask);
		flags(&w, fd, 0);
		close(fd);
	}
	if (s->up->image != -1)
		close(s->up->image);
	hp_buf_free(&w.b);
	free(w.fd);
}

/* A turn of the loop with an upgrade asked: now, later, or never. */
void
hp_upgrade_step(struct hp_super *s)
{
	struct hp_upgrade *u = s->up;
	char why[HP_PATH_MAX + 128];

	if (u == NULL)
		return;
	if (s->shutdown)
		snprintf(why, sizeof why, "the supervisor is shutting down");
	else if (!quiet(s, u->why, sizeof u->why)) {
		if (hp_mono_ms() < u->until)
			return;
		snprintf(why, sizeof why, "not quiet in %d ms: %s", QUIET_MS,
		    u->why);
	} else
		handover(s, why, sizeof why);
	hp_warnx("upgrade to %s failed: %s", u->path, why);
	hp_super_reply(s, u->client, 0, NULL, "upgrade-failed", why);
	free(u);
	s->up = NULL;
}

long long
hp_upgrade_next(const struct hp_super *s)
{
	return s->up != NULL ? hp_mono_ms() + 10 : -1;
}
