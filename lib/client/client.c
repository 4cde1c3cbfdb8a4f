/* hp: see LICENSE. */
/* client.c: finding or starting the supervisor, asking it, hearing back. */

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * Run run(arg, fd) in the background unless a supervisor runs: in a
 * grandchild, in a session of its own, with nothing of ours but the state
 * directory (stdin and stdout /dev/null, stderr STATE/supervise.log, the
 * directory /), so that whoever waits for our stdout to close is not kept
 * waiting by it. On fd 3 it says how it went, as hp-supervise --ready-fd
 * does: "1" ready, "0" another one runs, else why it could not start.
 */
int
hp_client_detach(const struct hp_state *st, int (*run)(void *, int),
    void *arg, struct hp_error *e)
{
	char file[HP_PATH_MAX], said[512], *sp;
	int p[2], fd, status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (hp_state_supervisor(st) > 0)
		return 1;
	if (hp_state_file(st, file, sizeof file, HP_F_SUPERVISE_LOG) == -1 ||
	    hp_pipe(p, 0) == -1)
		return hp_error_sys(e, "start a supervisor for %s", st->dir);
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return hp_error_sys(e, "start a supervisor for %s: fork",
		    st->dir);
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		hp_sig_default();
		fd = open("/dev/null", O_RDWR);
		if (fd != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW,
		    0600);
		if (fd == -1)
			fd = open("/dev/null", O_WRONLY);
		if (fd != -1)
			dup2(fd, 2);
		if (dup2(p[1], 3) == -1)
			_exit(1);
		hp_cloexec(3);
		hp_closefrom(4);
		if (chdir("/") == -1)
			_exit(1);
		_exit(run(arg, 3));
	}
	close(p[1]);
	hp_waitpid(pid, &status, 0);
	while (n < sizeof said - 1 && (r = hp_read(p[0], said + n,
	    sizeof said - 1 - n)) > 0)
		n += (size_t)r;
	close(p[0]);
	said[n] = '\0';
	while (n > 0 && said[n - 1] == '\n')
		said[--n] = '\0';
	if (n == 1 && (said[0] == '1' || said[0] == '0'))
		return said[0] == '1' ? 0 : 1;
	if (n == 0)
		return hp_error_set(e, HP_EXIT_FAIL, "system", "start a "
		    "supervisor for %s: it ended without a word (see %s)",
		    st->dir, file);
	/* "CODE message", as hp_super_run says it. */
	if ((sp = strchr(said, ' ')) != NULL && sp - said < 24 &&
	    strspn(said, "abcdefghijklmnopqrstuvwxyz-") == (size_t)(sp - said))
		*sp++ = '\0';
	else
		sp = NULL;
	return hp_error_set(e, HP_EXIT_FAIL, sp != NULL ? said : "system",
	    "start a supervisor for %s: %s", st->dir, sp != NULL ? sp :
	    said);
}

/* The supervisor beside us: exec'd, so that it is what ps shows. */
static int
beside(void *arg, int fd)
{
	char **argv = arg, msg[HP_PATH_MAX + 64];
	int n;

	(void)fcntl(fd, F_SETFD, 0);	/* the one descriptor it keeps */
	execv(argv[0], argv);
	n = snprintf(msg, sizeof msg, "%s: %s", argv[0], strerror(errno));
	if (n > 0)
		(void)hp_write_all(fd, msg, (size_t)n);
	return HP_EXIT_NOTFOUND;
}

/*
 * An implicit supervisor for st, unless one runs: the hp-supervise of the
 * directory our own executable is in, never one found on PATH, so that
 * versions never mix.
 */
int
hp_client_start(const struct hp_state *st, struct hp_error *e)
{
	char self[HP_PATH_MAX], path[HP_PATH_MAX], dir[HP_PATH_MAX], *slash;
	char implicit[] = "--implicit", readyfd[] = "--ready-fd", three[] = "3";
	char sopt[] = "-S";
	char *argv[7];

	if (hp_state_supervisor(st) > 0)
		return 1;
	if (hp_self_path(self, sizeof self) == -1)
		return hp_error_sys(e, "start a supervisor for %s: where are "
		    "we", st->dir);
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if (hp_path(path, sizeof path, "%s/hp-supervise", self) == -1 ||
	    hp_copy(dir, sizeof dir, st->dir) == -1)
		return hp_error_sys(e, "start a supervisor for %s", st->dir);
	argv[0] = path;
	argv[1] = implicit;
	argv[2] = readyfd;
	argv[3] = three;
	argv[4] = sopt;
	argv[5] = dir;
	argv[6] = NULL;
	return hp_client_detach(st, beside, argv, e);
}

int
hp_client_open(struct hp_client *c, struct hp_state *st)
{
	char *base;

	memset(c, 0, sizeof *c);
	c->st = st;
	c->uid = getuid();
	c->pid = getpid();
	c->fd = hp_events_subscribe(st, c->path, sizeof c->path);
	if (c->fd == -1)
		return -1;
	c->wfd = hp_open(c->path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW, 0);
	base = strrchr(c->path, '/');
	hp_copy(c->id, sizeof c->id, base ? base + 1 : c->path);
	return 0;
}

void
hp_client_close(struct hp_client *c)
{
	if (c->fd != -1) {
		close(c->fd);
		if (c->wfd != -1)
			close(c->wfd);
		unlink(c->path);
	}
	c->fd = -1;
}

/* A request as a line, "\n" and all, in line: its length; -1 E2BIG. */
static int
format(const struct hp_client *c, char *line, size_t size, const char *fmt,
    va_list ap)
{
	size_t n;
	int r;

	/* Who asks: said by us, for no FIFO can tell (hp(7), control). */
	r = snprintf(line, size, "@%d %lld %s %ld %ld ", HP_PROTO,
	    c->deadline, c->id, (long)c->uid, (long)c->pid);
	r += vsnprintf(line + r, size - (size_t)r, fmt, ap);
	n = (size_t)r;
	if (n + 1 >= size || n + 1 > HP_LINE_MAX) {
		errno = E2BIG;
		return -1;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return (int)n + 1;
}

/*
 * Requests gathered and sent together, a write of at most HP_LINE_MAX
 * at a time (never interleaved with another client's): a verb of fifty
 * names opens the control FIFO once, and wakes the supervisor once.
 */
static int
vqueue(struct hp_client *c, const char *fmt, va_list ap)
{
	char line[HP_LINE_MAX + 2];
	int r;

	if ((r = format(c, line, sizeof line, fmt, ap)) == -1)
		return -1;
	if (c->npend + (size_t)r > HP_LINE_MAX && hp_client_flush(c) == -1)
		return -1;
	memcpy(c->pend + c->npend, line, (size_t)r + 1);
	c->npend += (size_t)r;
	return 0;
}

int
hp_client_queue(struct hp_client *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vqueue(c, fmt, ap);
	va_end(ap);
	return r;
}

/* One request, with whatever was queued before it. */
int
hp_client_send(struct hp_client *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vqueue(c, fmt, ap);
	va_end(ap);
	return r == -1 ? -1 : hp_client_flush(c);
}

int
hp_client_flush(struct hp_client *c)
{
	char file[HP_PATH_MAX];
	size_t n = c->npend;

	c->npend = 0;
	if (n == 0)
		return 0;
	if (hp_state_file(c->st, file, sizeof file, HP_F_CONTROL) == -1)
		return -1;
	return hp_fifo_send(file, c->pend);
}

/*
 * A client that gives up at the deadline its requests carry gives up
 * only once the wall clock has passed it: the supervisor compares whole
 * ms of that clock, and one read in the last ms of the wait would carry
 * out what its client has already said it gave up on. At most a ms or
 * two: a wait shorter than the deadline is not lengthened.
 */
static void
expired(const struct hp_client *c)
{
	long long left;

	while (c->deadline > 0 && (left = c->deadline - hp_wall_ms()) >= 0 &&
	    left < 2)
		(void)poll(NULL, 0, (int)left + 1);
}

/*
 * The next line from the supervisor within ms (-1: forever). Every
 * 100 ms the lock is asked whether the supervisor (or c->keeper's
 * holder) still lives: if it is gone, ESRCH, for no answer will come.
 */
int
hp_client_line(struct hp_client *c, char *out, size_t n, long long ms)
{
	long long end = ms == -1 ? -1 : hp_mono_ms() + (ms < 0 ? 0 : ms), now;
	struct pollfd pfd;
	char *nl;
	ssize_t r;
	size_t len;
	int wait;

	for (;;) {
		if ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
			len = (size_t)(nl - c->buf);
			if (len >= n)
				len = n - 1;
			memcpy(out, c->buf, len);
			out[len] = '\0';
			c->len -= (size_t)(nl - c->buf) + 1;
			memmove(c->buf, nl + 1, c->len);
			return 0;
		}
		if (c->len == sizeof c->buf)
			c->len = 0;	/* a line longer than we take */
		now = hp_mono_ms();
		if (end != -1 && now >= end) {
			expired(c);
			errno = ETIMEDOUT;
			return -1;
		}
		wait = end == -1 || end - now > 100 ? 100 : (int)(end - now);
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait) == -1 && errno != EINTR)
			return -1;
		r = hp_read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
		if (r > 0) {
			c->len += (size_t)r;
			continue;
		}
		if (r == -1 && errno != EAGAIN)
			return -1;
		if ((c->keeper != NULL ? hp_lock_holder(c->keeper) :
		    hp_state_supervisor(c->st)) == 0) {
			/* One last look: its final words may be here. */
			r = hp_read(c->fd, c->buf + c->len,
			    sizeof c->buf - c->len);
			if (r > 0) {
				c->len += (size_t)r;
				continue;
			}
			errno = ESRCH;
			return -1;
		}
	}
}

#define START_MS	10000	/* for a supervisor to come and take the spec */
#define ADD_MS		30000	/* for its answer, after any wait in its queue */

/*
 * Ask the supervisor to add the spec in tmp; the reply line is in out.
 * A supervisor that holds the lock may not listen yet (another hp-spawn
 * has just started it), or may be on its way out: try again, for a while.
 */
static int
ask(struct hp_client *c, const char *name, const char *tmp, int unique,
    char *out, size_t n, void (*seen)(const char *), struct hp_error *e)
{
	char code[32];
	long long end = hp_mono_ms() + START_MS;
	struct hp_admit a;
	int try, r, down = 0;

	for (try = 0; hp_mono_ms() < end; try++) {
		if (try > 0)
			poll(NULL, 0, try < 10 ? 1 : 10);
		if (hp_client_start(c->st, e) == -1)
			return -1;
		hp_admit_read(c->st, &a);
		c->deadline = hp_wall_ms() + ADD_MS + a.queue_timeout;
		r = hp_client_send(c, "add %s %s%s", name, tmp,
		    unique ? " unique" : "");
		c->deadline = 0;
		if (r == -1) {
			if (errno == ENXIO || errno == ENOENT ||
			    errno == EAGAIN)
				continue;	/* not listening, or full */
			return hp_error_sys(e, "%s: send to the supervisor",
			    name);
		}
		/* The answer may wait for a place in the supervisor's queue. */
		while ((r = hp_client_line(c, out, n, ADD_MS +
		    a.queue_timeout)) == 0) {
			if (hp_json_get(out, "ok", code, sizeof code) == 0)
				break;
			/* It shuts down: what it has not read it refuses. */
			if (hp_json_get(out, "event", code, sizeof code) == 0 &&
			    strcmp(code, "supervisor:shutdown") == 0 &&
			    (hp_json_get(out, "reason", code, sizeof code) ==
			    -1 || strcmp(code, "idle") != 0))
				down = 1;
			if (seen != NULL)
				seen(out);
		}
		if (r == -1) {
			if (errno == ETIMEDOUT)
				return hp_error_set(e, HP_EXIT_FAIL, "timeout",
				    "%s: no answer from the supervisor", name);
			if (down)
				return hp_error_set(e, HP_EXIT_FAIL,
				    "shutting-down", "%s: the supervisor shut "
				    "down", name);
			/*
			 * It went away: a next one is started and asked
			 * again. If the spec was taken, the next one knows
			 * what became of it (its status names our file).
			 */
			continue;
		}
		/* One that ends for want of work: ask the next one. */
		if (hp_json_get(out, "code", code, sizeof code) == 0 &&
		    strcmp(code, "exiting") == 0) {
			while (hp_state_supervisor(c->st) > 0 &&
			    hp_mono_ms() < end)
				hp_client_line(c, code, sizeof code, 10);
			continue;
		}
		return 0;
	}
	return hp_error_set(e, HP_EXIT_FAIL, "system", "%s: the supervisor "
	    "did not take it", name);
}

/*
 * Hand spec to the supervisor as name (unique: NAME-2 ... when taken):
 * written to procs/.spawn-PID, added, and the file gone again, whatever
 * came of it. The answer is in out; lines that came before it go to seen.
 */
int
hp_client_add(struct hp_client *c, const struct hp_spec *sp,
    const char *name, int unique, char *out, size_t n,
    void (*seen)(const char *), struct hp_error *e)
{
	char tmp[64], file[HP_PATH_MAX];
	struct hp_buf b = { 0 };
	size_t len;
	int r;

	hp_spec_write(sp, &b);
	/* What the supervisor would refuse to read: the caller's to mend. */
	if ((len = b.len) > HP_KV_MAX) {
		hp_buf_free(&b);
		return hp_error_set(e, HP_EXIT_USAGE, "usage", "%s: the command "
		    "and its environment are too large: a spec of %zu bytes, "
		    "at most %d", name, len, HP_KV_MAX);
	}
	hp_proc_spawnsweep(c->st);	/* what killed ones left */
	if (hp_proc_spawnfile(c->st, file, sizeof file, tmp,
	    sizeof tmp) == -1) {
		hp_buf_free(&b);
		return hp_error_sys(e, "%s: spec file", name);
	}
	r = hp_file_write(file, b.p, b.len, 0600);
	hp_buf_free(&b);
	if (r == -1)
		return hp_error_sys(e, "%s", file);
	r = ask(c, name, tmp, unique, out, n, seen, e);
	unlink(file);
	return r;
}
