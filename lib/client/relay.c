/* hp: see LICENSE. */
/* relay.c: a terminal's bytes between our stdin and stdout and its master. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/term.h"

/*
 * After the program has exited, the terminal is read to its end: EIO
 * (or EOF) once every process that had it open has closed it. Processes
 * it left behind may hold it open for ever: once they have been quiet
 * this long, we stop.
 */
#define QUIET_MS	250

enum { P_SIG, P_IN, P_MASTER, P_OUT, P_CTL, P_CHAN, P_AUX, P_N };

/* The session's groups hear sig: the program's, and the foreground. */
static void
hangup(struct hp_relay *r, int sig)
{
	pid_t fg;

	/* With a channel: the steps, for the whole session. */
	if (r->channel) {
		hp_chan_go(r);
		return;
	}
	/* Not reaped yet: the pid and its group cannot be anyone else. */
	if (r->exited)
		return;
	fg = tcgetpgrp(r->master);
	kill(-r->pid, sig);
	if (fg > 1 && fg != r->pid)
		kill(-fg, sig);
	if (sig == SIGHUP) {
		kill(-r->pid, SIGCONT);
		if (fg > 1 && fg != r->pid)
			kill(-fg, SIGCONT);
	}
}

static void
reap(struct hp_relay *r)
{
	pid_t p;
	int st;

	while ((p = hp_waitpid(-1, &st, WNOHANG)) > 0)
		if (p == r->pid) {
			r->status = st;
			r->exited = 1;
		}
}

static void
onsig(struct hp_relay *r, int sig)
{
	int c, w;

	switch (sig) {
	case SIGCHLD:
		reap(r);
		break;
	case SIGWINCH:
		if (r->tty && hp_pty_size_get(r->in, &c, &w) == 0)
			hp_pty_size_set(r->master, c, w);
		break;
	default:
		/* We are asked to go: the terminal hangs up, then no mercy. */
		hangup(r, r->hungup++ ? SIGKILL : SIGHUP);
	}
}

/* Control lines, each handed to r->control whole. */
static void
control(struct hp_relay *r)
{
	char *nl;
	ssize_t n;

	n = hp_read(r->ctl, r->line + r->linelen,
	    sizeof r->line - 1 - r->linelen);
	if (n <= 0)
		return;
	r->linelen += (size_t)n;
	while ((nl = memchr(r->line, '\n', r->linelen)) != NULL) {
		*nl = '\0';
		if (r->control != NULL)
			r->control(r, r->line);
		r->linelen -= (size_t)(nl + 1 - r->line);
		memmove(r->line, nl + 1, r->linelen);
	}
	if (r->linelen == sizeof r->line - 1)
		r->linelen = 0;		/* longer than any command: junk */
}

static void
fromin(struct hp_relay *r)
{
	ssize_t n;

	n = hp_read(r->in, r->up + r->uplen, sizeof r->up - r->uplen);
	if (n > 0) {
		r->uplen += (size_t)n;
		return;
	}
	if (n == -1 && errno == EAGAIN)
		return;
	/* EOF: the program goes on, unless it is to hang up with us. */
	r->in = -1;
	if (r->eof_hangup)
		hangup(r, SIGHUP);
}

static void
tomaster(struct hp_relay *r)
{
	ssize_t n;

	n = write(r->master, r->up, r->uplen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		r->uplen = 0;	/* nobody reads the terminal any more */
		return;
	}
	r->uplen -= (size_t)n;
	memmove(r->up, r->up + n, r->uplen);
}

/*
 * What the terminal has, read until it has no more or we have no room:
 * a terminal gives a few KiB a read, and a poll() for each costs more.
 */
static void
frommaster(struct hp_relay *r)
{
	ssize_t n;

	for (;;) {
		if (r->downoff == r->downlen)
			r->downoff = r->downlen = 0;
		if (r->downlen == sizeof r->down)
			return;		/* full: POLLHUP is no end yet */
		n = read(r->master, r->down + r->downlen,
		    sizeof r->down - r->downlen);
		if (n <= 0)
			break;
		r->downlen += (size_t)n;
		r->bytes += n;
		r->last = hp_mono_ms();
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	r->ended = 1;	/* EIO or EOF: every writer has closed it */
}

/*
 * Our stdout stays as it was given to us (blocking: it may be shared
 * with the shell), so a write that must not block goes another way: a
 * socket (Node.js gives its children socket pairs) takes MSG_DONTWAIT,
 * a pipe a descriptor of our own (hp_pipe_reopen), and all we have goes
 * at once. Else a write of PIPE_BUF bytes at most after POLLOUT, which
 * does not block on a pipe.
 */
enum { OUT_PLAIN, OUT_SOCKET, OUT_OWN };

static void
outway(struct hp_relay *r)
{
	struct stat sb;

	r->outway = OUT_PLAIN;
	r->nbout = -1;
	if (r->out == -1 || fstat(r->out, &sb) == -1)
		return;
#ifdef MSG_DONTWAIT
	if (S_ISSOCK(sb.st_mode)) {
		r->outway = OUT_SOCKET;
		return;
	}
#endif
	if (S_ISFIFO(sb.st_mode) && (r->nbout = hp_pipe_reopen(r->out)) != -1)
		r->outway = OUT_OWN;
}

static ssize_t
put(struct hp_relay *r, const char *p, size_t len)
{
#ifdef MSG_DONTWAIT
	if (r->outway == OUT_SOCKET)
		return send(r->out, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
#endif
	if (r->outway == OUT_OWN)
		return write(r->nbout, p, len);
	return write(r->out, p, len > PIPE_BUF ? PIPE_BUF : len);
}

static void
toout(struct hp_relay *r)
{
	ssize_t n;

	n = put(r, r->down + r->downoff, r->downlen - r->downoff);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		/* Nobody reads us: the terminal is hung up. */
		r->out = -1;
		r->downoff = r->downlen = 0;
		hangup(r, SIGHUP);
		return;
	}
	r->downoff += (size_t)n;
	if (r->downoff == r->downlen)
		r->downoff = r->downlen = 0;
	else if (r->downoff >= sizeof r->down / 2) {
		memmove(r->down, r->down + r->downoff, r->downlen - r->downoff);
		r->downlen -= r->downoff;
		r->downoff = 0;
	}
	/* Quiet is counted from when we could read again. */
	r->last = hp_mono_ms();
}

static void
events(struct hp_relay *r, struct pollfd *p)
{
	int ready = r->downlen < sizeof r->down;

	p[P_SIG].fd = r->sig;
	p[P_SIG].events = POLLIN;
	p[P_IN].fd = r->in != -1 && r->uplen < sizeof r->up && !r->ended ?
	    r->in : -1;
	p[P_IN].events = POLLIN;
	p[P_MASTER].fd = r->ended ? -1 : r->master;
	/* Flow control: no room for what it writes, no reading. */
	p[P_MASTER].events = (short)((ready ? POLLIN : 0) |
	    (r->uplen > 0 ? POLLOUT : 0));
	if (p[P_MASTER].events == 0)
		p[P_MASTER].fd = -1;
	p[P_OUT].fd = r->out != -1 && r->downlen > r->downoff ? r->out : -1;
	p[P_OUT].events = POLLOUT;
	p[P_CTL].fd = r->ctl;
	p[P_CTL].events = POLLIN;
	p[P_CHAN].fd = r->channel ? r->chan : -1;
	p[P_CHAN].events = POLLIN;
	p[P_AUX].fd = r->auxcall != NULL ? r->aux : -1;
	p[P_AUX].events = POLLIN;
	/* A poll() cut short by a signal says nothing: nor must they. */
	for (ready = 0; ready < P_N; ready++)
		p[ready].revents = 0;
}

/*
 * Over once the program has exited (or, with a channel, once the caller
 * has reaped it), the terminal is read to its end or quiet, and all is
 * written out; with a channel also at the terminal's end, when nobody
 * holds it any more, or right after the last of the hang-up steps.
 */
static int
over(const struct hp_relay *r)
{
	int drained = r->out == -1 || r->downlen == r->downoff;

	if (r->exited && drained && (r->ended || hp_mono_ms() - r->last >=
	    QUIET_MS))
		return 1;
	return r->channel && ((r->ended && drained) || r->going == 3);
}

/* A size set a moment ago (chan.c) is told now. */
static void
sized(struct hp_relay *r, long long now)
{
	if (r->sized_at == 0 || now < r->sized_at)
		return;
	r->sized_at = 0;
	if (r->resized != NULL)
		r->resized(r, r->sized[0], r->sized[1]);
}

static int
timeout(const struct hp_relay *r)
{
	long long now = hp_mono_ms(), t = -1, n;

	if (r->exited && !r->ended)
		t = QUIET_MS - (now - r->last);
	if (r->sized_at > 0 && (t == -1 || r->sized_at - now < t))
		t = r->sized_at - now;
	if (r->channel && (n = hp_chan_next(r)) != -1 && (t == -1 ||
	    n - now < t))
		t = n - now;
	if (r->auxcall != NULL && r->aux != -1 && r->aux_at > 0 &&
	    (t == -1 || r->aux_at - now < t))
		t = r->aux_at - now;
	return t < -1 ? 0 : t > 60000 ? 60000 : (int)t;
}

/*
 * Relay until it is over (above). The wait status of the program; with
 * a channel, 0: the caller has it.
 */
int
hp_relay_run(struct hp_relay *r)
{
	static const int sigs[] = { SIGCHLD, SIGWINCH, SIGTERM, SIGINT,
	    SIGHUP, 0 };
	struct pollfd p[P_N];
	struct sigaction sa;
	int sig, st = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if ((r->sig = hp_sig_catch(sigs)) == -1)
		return -1;
	reap(r);	/* it may have gone before we listened */
	outway(r);
	r->last = hp_mono_ms();
	while (!over(r)) {
		events(r, p);
		if (poll(p, P_N, timeout(r)) == -1 && errno != EINTR) {
			st = -1;
			break;
		}
		if (p[P_SIG].revents & POLLIN)
			while ((sig = hp_sig_next(r->sig)) > 0)
				onsig(r, sig);
		if (p[P_CTL].fd != -1 && (p[P_CTL].revents & POLLIN))
			control(r);
		if (p[P_CHAN].fd != -1 && p[P_CHAN].revents)
			hp_chan_read(r);
		if (p[P_AUX].fd != -1 && (p[P_AUX].revents ||
		    (r->aux_at > 0 && hp_mono_ms() >= r->aux_at)))
			r->auxcall(r, p[P_AUX].revents == 0);
		if (p[P_IN].fd != -1 && p[P_IN].revents)
			fromin(r);
		if (p[P_MASTER].fd != -1 && p[P_MASTER].revents & (POLLIN |
		    POLLHUP | POLLERR)) {
			frommaster(r);
			/* Out at once, where a write cannot block. */
			if (r->outway != OUT_PLAIN && r->out != -1 &&
			    r->downlen > r->downoff) {
				toout(r);
				p[P_OUT].fd = -1;
			}
		}
		if (r->uplen > 0 && p[P_MASTER].fd != -1 &&
		    (p[P_MASTER].revents & POLLOUT))
			tomaster(r);
		if (p[P_OUT].fd != -1 && p[P_OUT].revents)
			toout(r);
		sized(r, hp_mono_ms());
		if (r->channel) {
			hp_chan_tick(r, hp_mono_ms());
			hp_chan_look(r);
		}
	}
	if (r->nbout != -1)
		close(r->nbout);
	r->nbout = -1;
	if (st == -1)
		return -1;
	/* Reaped by the caller: what it left behind goes with it. */
	if (r->channel && r->exited) {
		hp_chan_signal(r, SIGHUP);
		hp_chan_signal(r, SIGKILL);
	}
	return r->channel ? 0 : r->status;
}
