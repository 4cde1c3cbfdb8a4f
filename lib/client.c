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

pid_t
hp_super_pid(const struct hp_state *st)
{
	char file[HP_PATH_MAX];

	if (hp_state_path(st, file, sizeof file, HP_LOCK) == -1)
		return -1;
	return hp_lock_holder(file);
}

/*
 * Start a supervisor for st in the background unless one runs: a
 * grandchild in a session of its own, with nothing of ours but the state
 * directory, so that whoever waits for our stdout to close is not kept
 * waiting by it. Its stderr goes to STATE/supervise.log.
 */
int
hp_super_detach(struct hp_state *st, const struct hp_superopt *opt)
{
	struct hp_superopt o = *opt;
	char c = 0, file[HP_PATH_MAX];
	int p[2], fd, status;
	pid_t pid;

	if (hp_super_pid(st) > 0)
		return 1;
	if (hp_pipe(p, 0) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
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
		if (hp_state_path(st, file, sizeof file, "supervise.log") == 0)
			fd = open(file, O_WRONLY | O_APPEND | O_CREAT |
			    O_NOFOLLOW, 0600);
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
		hp_progname = "hp-supervise";
		hp_json_mode = 0;
		o.json = 0;
		o.ready = 3;
		o.watch_stdin = 0;
		_exit(hp_super_run(st, &o));
	}
	close(p[1]);
	hp_waitpid(pid, &status, 0);
	if (hp_read(p[0], &c, 1) != 1)
		c = 0;
	close(p[0]);
	if (c == 0) {
		errno = ECHILD;
		return -1;
	}
	return c == '1' ? 0 : 1;
}

int
hp_super_implicit(struct hp_state *st)
{
	struct hp_superopt o;

	memset(&o, 0, sizeof o);
	o.implicit = 1;
	return hp_super_detach(st, &o);
}

int
hp_client_open(struct hp_client *c, struct hp_state *st)
{
	char *base;

	memset(c, 0, sizeof *c);
	c->st = st;
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

int
hp_client_send(struct hp_client *c, const char *fmt, ...)
{
	char line[HP_LINE_MAX + 2], file[HP_PATH_MAX];
	va_list ap;
	size_t n;
	int r;

	r = snprintf(line, sizeof line, "%s ", c->id);
	va_start(ap, fmt);
	r += vsnprintf(line + r, sizeof line - (size_t)r, fmt, ap);
	va_end(ap);
	n = (size_t)r;
	if (n + 1 >= sizeof line || n + 1 > HP_LINE_MAX) {
		errno = E2BIG;
		return -1;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	if (hp_state_path(c->st, file, sizeof file, HP_CONTROL) == -1)
		return -1;
	return hp_fifo_send(file, line);
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
		    hp_super_pid(c->st)) == 0) {
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

/*
 * Ask the supervisor to add the spec in tmp; the reply line is in out.
 * A supervisor that holds the lock may not listen yet (another hp-spawn
 * has just started it), or may be on its way out: try again, for a while.
 */
static void
ask(struct hp_client *c, const char *name, const char *tmp,
    int unique, char *out, size_t n, void (*seen)(const char *))
{
	char code[32], file[HP_PATH_MAX];
	long long end = hp_mono_ms() + START_MS;
	struct hp_admit a;
	int try, r;

	for (try = 0; hp_mono_ms() < end; try++) {
		if (try > 0)
			poll(NULL, 0, try < 10 ? 1 : 10);
		if (hp_super_implicit(c->st) == -1)
			hp_die("start a supervisor for %s", c->st->dir);
		if (hp_client_send(c, "add %s %s%s", name, tmp,
		    unique ? " unique" : "") == -1) {
			if (errno == ENXIO || errno == ENOENT ||
			    errno == EAGAIN)
				continue;	/* not listening, or full */
			hp_die("%s: send to the supervisor", name);
		}
		/* The answer may wait for a place in the supervisor's queue. */
		hp_admit_read(c->st, &a);
		while ((r = hp_client_line(c, out, n, 30000 +
		    a.queue_timeout)) == 0) {
			if (hp_json_get(out, "ok", code, sizeof code) == 0)
				break;
			if (seen != NULL)
				seen(out);
		}
		if (r == -1) {
			if (errno == ETIMEDOUT)
				hp_fail(HP_EXIT_FAIL, "timeout",
				    "%s: no answer from the supervisor", name);
			hp_state_path(c->st, file, sizeof file, "%s/%s",
			    HP_PROCS, tmp);
			if (access(file, F_OK) == -1)
				hp_fail(HP_EXIT_FAIL, "system", "%s: the "
				    "supervisor went away", name);
			continue;
		}
		if (hp_json_get(out, "code", code, sizeof code) == 0 &&
		    strcmp(code, "shutting-down") == 0) {
			while (hp_super_pid(c->st) > 0 && hp_mono_ms() < end)
				hp_client_line(c, code, sizeof code, 10);
			continue;
		}
		return;
	}
	hp_fail(HP_EXIT_FAIL, "system", "%s: the supervisor did not take it",
	    name);
}

/*
 * Hand spec to the supervisor as name (unique: NAME-2 ... when taken):
 * written to procs/.spawn-PID, added, and the file gone again. The
 * answer is in out; lines that came before it go to seen.
 */
void
hp_client_add(struct hp_client *c, const struct hp_spec *sp,
    const char *name, int unique, char *out, size_t n,
    void (*seen)(const char *))
{
	char tmp[64], file[HP_PATH_MAX];
	struct hp_buf b = { 0 };

	if (snprintf(tmp, sizeof tmp, ".spawn-%ld", (long)getpid()) >=
	    (int)sizeof tmp || hp_state_path(c->st, file, sizeof file,
	    "%s/%s", HP_PROCS, tmp) == -1)
		hp_die("spec file name");
	hp_spec_write(sp, &b);
	if (hp_file_write(file, b.p, b.len, 0600) == -1)
		hp_die("%s", file);
	hp_buf_free(&b);
	ask(c, name, tmp, unique, out, n, seen);
	unlink(file);
}
