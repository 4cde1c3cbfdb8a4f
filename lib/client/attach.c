/* hp: see LICENSE. */
/* attach.c: a client of a detached terminal: attach to it, type into it. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/term.h"

/*
 * The supervisor keeps the terminal (sterm.c); we make two FIFOs in its
 * procs/NAME/clients/: ID for the frames it writes us, ID.in for our
 * keys. Both are open on our side before we ask to attach, so it never
 * finds them without a reader or a writer. Closing ID.in detaches.
 */
static char paths[2][HP_PATH_MAX];

static void
unmake(void)
{
	if (paths[0][0] != '\0')
		unlink(paths[0]);
	if (paths[1][0] != '\0')
		unlink(paths[1]);
	paths[0][0] = paths[1][0] = '\0';
	hp_tty_restore();
}

/*
 * SIGTERM, SIGINT, SIGHUP: we detach at once, even from the middle of a
 * write to an output that takes nothing: only async-signal-safe calls.
 */
static void
bye(int sig)
{
	(void)sig;
	hp_tty_restore();
	if (paths[0][0] != '\0')
		unlink(paths[0]);
	if (paths[1][0] != '\0')
		unlink(paths[1]);
	_exit(HP_EXIT_OK);
}

/* The FIFOs, and our ends of them: a->frames, a->keys. */
static int
make(struct hp_state *st, const char *name, struct hp_attach *a)
{
	struct stat sb;
	int r;

	if (hp_proc_file(st, paths[0], sizeof paths[0], name,
	    HP_P_CLIENTS) == -1)
		return -1;
	if (lstat(paths[0], &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		paths[0][0] = '\0';
		errno = ENOENT;
		return -1;
	}
	snprintf(a->id, sizeof a->id, "a%ld", (long)getpid());
	if (hp_proc_client(st, paths[0], sizeof paths[0], name, a->id,
	    0) == -1 || hp_proc_client(st, paths[1], sizeof paths[1], name,
	    a->id, 1) == -1)
		return -1;
	atexit(unmake);
	if (mkfifo(paths[0], 0600) == -1 || mkfifo(paths[1], 0600) == -1)
		return -1;
	if ((a->frames = hp_open(paths[0], O_RDONLY | O_NONBLOCK, 0)) == -1)
		return -1;
	/* A writer needs a reader: a moment's one of our own. */
	if ((r = hp_open(paths[1], O_RDONLY | O_NONBLOCK, 0)) == -1)
		return -1;
	a->keys = hp_open(paths[1], O_WRONLY | O_NONBLOCK, 0);
	close(r);
	return a->keys == -1 ? -1 : 0;
}

/* The supervisor's answer to "VERB NAME ARGS", in out; -1 none came. */
int
hp_term_ask(struct hp_client *c, const char *name, char *out, size_t n,
    const char *fmt, ...)
{
	char line[HP_LINE_MAX], who[HP_NAME_MAX + 1], ok[8];
	long long end = hp_mono_ms() + 10000;
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	c->deadline = hp_wall_ms() + (end - hp_mono_ms());
	r = hp_client_send(c, "%s", line);
	c->deadline = 0;
	if (r == -1)
		return -1;
	while (hp_client_line(c, out, n, end - hp_mono_ms()) == 0)
		if (hp_json_get(out, "ok", ok, sizeof ok) == 0 &&
		    hp_json_get(out, "name", who, sizeof who) == 0 &&
		    strcmp(who, name) == 0)
			return 0;
	return -1;
}

/* "- resize NAME COLS ROWS": our new size, no answer wanted. */
static void
winch(struct hp_client *c, const char *name)
{
	int cols, rows;

	if (hp_pty_size_get(0, &cols, &rows) == 0 && cols > 0 && rows > 0)
		(void)hp_client_send(c, "resize %s %d %d", name, cols, rows);
}

/* Bytes we missed: said at once, then at most once a second. */
static void
missed(struct hp_attach *a, const char *name, int last)
{
	long long now = hp_mono_ms();

	if (a->lost == a->told || (!last && a->told > 0 &&
	    now - a->told_at < 1000))
		return;
	hp_warnx("%s: %lld bytes missed: we did not read them in time",
	    name, a->lost);
	a->told = a->lost;
	a->told_at = now;
}

/* Frames from the supervisor; 1 once the end has come, 2 to detach. */
static int
frames(struct hp_attach *a, const char *name)
{
	unsigned char *f = (unsigned char *)a->buf;
	char num[32];
	size_t n;
	int kind;

	while (a->len >= 3) {
		kind = f[0];
		n = (size_t)f[1] << 8 | f[2];
		if (a->len < 3 + n)
			break;
		if (f[0] == 'o' && hp_write_all(a->out, a->buf + 3, n) == -1)
			return -1;
		if (f[0] == 'l') {
			snprintf(num, sizeof num, "%.*s",
			    (int)(n < 20 ? n : 20), a->buf + 3);
			a->lost += strtoll(num, NULL, 10);
			missed(a, name, 0);
		}
		if (f[0] == 'x') {
			snprintf(a->end, sizeof a->end, "%.*s",
			    (int)(n < sizeof a->end - 1 ? n : sizeof a->end -
			    1), a->buf + 3);
			return 1;
		}
		a->len -= 3 + n;
		memmove(a->buf, a->buf + 3 + n, a->len);
		/* Input that ended at once waited for the replay. The
		 * kind is the frame's, not that of the one moved here. */
		if (kind == 'r' && (a->replayed = 1) && a->eof)
			return 2;
	}
	return 0;
}

/* Our keys for the terminal, up to the detach key; 1: detach. */
static int
typed(struct hp_attach *a, const char *b, size_t n)
{
	const char *k = a->detach >= 0 ? memchr(b, a->detach, n) : NULL;
	size_t m = k != NULL ? (size_t)(k - b) : n;

	if (m > 0 && hp_write_all(a->keys, b, m) == -1)
		return -1;
	return k != NULL;
}

/*
 * Attach to NAME: relay until we detach (the key, end of our input, a
 * signal) or it ends. The exit status: 0 detached, the program's when
 * it ended; -1 and e when we could not attach or lost the supervisor.
 */
int
hp_attach_run(struct hp_state *st, const char *name, struct hp_attach *a,
    struct hp_error *e)
{
	static const int sigs[] = { SIGWINCH, 0 };
	struct sigaction sa;
	struct hp_client c;
	struct pollfd pfd[3];
	char reply[HP_LINE_MAX + 1], code[32], msg[256], buf[4096];
	int sig, sfd, tty = isatty(0), cols = a->cols, rows = a->rows, r, w, h;
	int wait, err = 0;
	ssize_t n;

	/* A side not given is our terminal's. */
	if (tty && (cols == 0 || rows == 0) &&
	    hp_pty_size_get(0, &w, &h) == 0 && w > 0 && h > 0) {
		cols = cols ? cols : w;
		rows = rows ? rows : h;
	}
	if (hp_state_supervisor(st) <= 0)
		return hp_error_set(e, HP_EXIT_FAIL, "not-running",
		    "%s: no supervisor keeps it", name);
	if (make(st, name, a) == -1) {
		if (errno == ENOENT)
			return hp_error_set(e, HP_EXIT_FAIL, "not-found",
			    "%s: no such detached terminal", name);
		return hp_error_sys(e, "%s: make a client", name);
	}
	if (hp_client_open(&c, st) == -1)
		return hp_error_sys(e, "%s/events", st->dir);
	if (hp_term_ask(&c, name, reply, sizeof reply, "attach %s %s %d %d "
	    "%lld%s", name, a->id, cols, rows, a->replay, a->nodraw ? " 0" :
	    "") == -1) {
		hp_client_close(&c);
		return hp_error_set(e, HP_EXIT_FAIL, "not-running",
		    "%s: no answer from the supervisor", name);
	}
	if (strstr(reply, "\"ok\":true") == NULL) {
		hp_client_close(&c);
		if (hp_json_get(reply, "code", code, sizeof code) == -1)
			hp_copy(code, sizeof code, "failed");
		if (hp_json_get(reply, "message", msg, sizeof msg) == -1)
			hp_copy(msg, sizeof msg, "failed");
		return hp_error_set(e, HP_EXIT_FAIL, code, "%s: %s", name,
		    msg);
	}
	/* Events are not for us: later verbs want no answer. */
	close(c.fd);
	close(c.wfd);
	unlink(c.path);
	hp_copy(c.id, sizeof c.id, "-");
	if (hp_json_mode)
		printf("%s\n", reply), fflush(stdout);
	if ((sfd = hp_sig_catch(sigs)) == -1)
		return hp_error_sys(e, "sigaction");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = bye;
	sigfillset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (tty && hp_tty_raw(0) == -1)
		hp_warn("raw mode");
	for (r = 0; r == 0; ) {
		pfd[0].fd = sfd;
		pfd[1].fd = a->frames;
		pfd[2].fd = a->in;
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		/* A count of missed bytes held back is said within 1 s. */
		wait = a->lost == a->told ? -1 : (int)(a->told_at + 1000 -
		    hp_mono_ms());
		if (poll(pfd, a->in == -1 ? 2 : 3, wait < -1 ? 0 : wait) ==
		    -1 && errno != EINTR) {
			r = -2;
			break;
		}
		missed(a, name, 0);
		while ((sig = hp_sig_next(sfd)) != 0)
			if (tty)
				winch(&c, name);
		if (pfd[1].revents) {
			n = hp_read(a->frames, a->buf + a->len,
			    sizeof a->buf - a->len);
			if (n == 0 || (n == -1 && errno != EAGAIN))
				r = 3;	/* it went without a word */
			else if (n > 0) {
				a->len += (size_t)n;
				r = frames(a, name);
			}
		}
		if (r == 0 && a->in != -1 && pfd[2].revents) {
			n = hp_read(a->in, buf, sizeof buf);
			if (n == 0 || (n == -1 && errno != EAGAIN)) {
				/* End of input: detach, once replayed. */
				a->in = -1;
				a->eof = 1;
				r = a->replayed ? 2 : 0;
			}
			else if (n > 0)
				r = typed(a, buf, (size_t)n) ? 2 : 0;
		}
	}
	err = errno;
	unmake();
	close(a->keys);
	close(a->frames);
	missed(a, name, 1);
	errno = err;
	if (r == 1)
		return hp_term_status_of(a->end);
	if (r == -2)
		return hp_error_sys(e, "poll");
	if (r == -1)
		return hp_error_sys(e, "%s: relay", name);
	if (r == 3)
		return hp_error_set(e, HP_EXIT_FAIL, "system",
		    "%s: the supervisor went away", name);
	if (tty)
		fprintf(stderr, "[detached from %s]\r\n", name);
	return HP_EXIT_OK;
}

/* {"code":N} or {"signal":"NAME"}: as a shell's exit status. */
int
hp_term_status_of(const char *end)
{
	char v[32];
	int sig;

	if (hp_json_get(end, "signal", v, sizeof v) == 0)
		return (sig = hp_signal(v)) > 0 ? 128 + sig : HP_EXIT_FAIL;
	if (hp_json_get(end, "code", v, sizeof v) == 0)
		return atoi(v);
	return HP_EXIT_FAIL;
}

/* Type n bytes into NAME, in lines of hex the control FIFO takes. */
int
hp_term_send(struct hp_state *st, const char *name, const char *b, size_t n,
    char *reply, size_t rn)
{
	static const char hex[] = "0123456789abcdef";
	char line[2 * 1024 + 1];
	struct hp_client c;
	size_t i, k;
	int r = 0;

	if (hp_client_open(&c, st) == -1)
		return -1;
	/* Nothing to type: still, the terminal must be there and running. */
	if (n == 0 && hp_term_ask(&c, name, reply, rn, "resize %s 0 0",
	    name) == -1)
		r = -1;
	for (i = 0; i < n && r == 0; i += k) {
		for (k = 0; k < 1024 && i + k < n; k++) {
			line[2 * k] = hex[(unsigned char)b[i + k] >> 4];
			line[2 * k + 1] = hex[(unsigned char)b[i + k] & 15];
		}
		line[2 * k] = '\0';
		if (hp_term_ask(&c, name, reply, rn, "write %s %s", name,
		    line) == -1)
			r = -1;
		else if (strstr(reply, "\"ok\":true") == NULL)
			r = 1;
	}
	hp_client_close(&c);
	return r;
}
