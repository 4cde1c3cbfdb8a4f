/* hp: see LICENSE. */
/* chan.c: hp-pty's control channel: frames both ways, the hang-up steps. */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/term.h"

extern char **environ;

/*
 * The channel (hp-pty --control=FD; hp-pty(1), Control channel) is a
 * stream both ways of frames: a kind byte, the length of the payload in
 * two bytes, big-endian (HP_FRAME_MAX at most), the payload. A kind we
 * do not know is skipped by its length; a length over the bound is a
 * broken peer, taken as the end of the channel. Ours (upper case): H the
 * program runs, E it could not be started, F another group has the
 * terminal. The caller's: s COLS ROWS, k SIG, x (it has reaped the
 * program). The program is not our child: what we know of it is its
 * identity, and that the caller has reaped it once x has come.
 */
#define LOOK_MS		250	/* at least this often: who has it? */
#define NAME_MS		2000	/* a new group's name looked at again */
#define RENAME_MS	10	/* ... at most this often */

int
hp_chan_send(struct hp_relay *r, int kind, const char *p, size_t n)
{
	char f[3 + HP_FRAME_MAX];

	if (r->chan == -1 || n > HP_FRAME_MAX)
		return -1;
	f[0] = (char)kind;
	f[1] = (char)(n >> 8);
	f[2] = (char)(n & 0xff);
	memcpy(f + 3, p, n);
	if (hp_write_all(r->chan, f, n + 3) == -1) {
		close(r->chan);
		r->chan = -1;
		hp_chan_go(r);
		return -1;
	}
	return 0;
}

/*
 * May the program's pid stand for its group and session? Until the
 * caller has reaped it, nobody else can have that pid; after, only while
 * no other process has it (a pid that is a group or session id is never
 * given out again while they last).
 */
static int
ours(const struct hp_relay *r)
{
	struct hp_pstat ps;

	if (r->id.pid <= 1)
		return 0;
	if (!r->exited || r->id.start == 0)
		return 1;
	return hp_pstat(r->id.pid, &ps) == -1 ? errno != EPERM :
	    ps.start == r->id.start;
}

static void
session(struct hp_relay *r, int sig)
{
	pid_t pids[512], fg;
	int i, n;

	if (!ours(r))
		return;
	kill(-r->id.pid, sig);
	if ((fg = tcgetpgrp(r->master)) > 1 && fg != r->id.pid)
		kill(-fg, sig);
	n = hp_proc_session(r->id.pid, pids, 512);
	for (i = 0; i < n; i++)
		if (pids[i] != r->id.pid)
			kill(pids[i], sig);
}

/* sig to the program's group, the foreground's and the session's rest. */
void
hp_chan_signal(struct hp_relay *r, int sig)
{
	session(r, sig);
	if (sig == SIGHUP)
		session(r, SIGCONT);
}

/*
 * The caller is gone (the end of the channel, a signal to us, nobody
 * reading our output): hang up, as closing a window does: SIGHUP now,
 * the stop signal after half of the stop timeout, SIGKILL at its end.
 */
void
hp_chan_go(struct hp_relay *r)
{
	if (r->going)
		return;
	r->going = 1;
	r->going_at = hp_mono_ms();
	hp_chan_signal(r, SIGHUP);
}

/*
 * F: the foreground group, when it is another than the one last told,
 * or its leader has another name: a shell's child is the shell until it
 * has exec'd the command, so a new group's name is looked at again for
 * NAME_MS, every RENAME_MS at most (the relay looks at every turn, and
 * /proc costs more than the bytes of a turn).
 */
void
hp_chan_look(struct hp_relay *r)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	char name[sizeof r->fgname];
	long long now = hp_mono_ms();
	pid_t fg;

	if (r->chan == -1 || r->exited || r->ended)
		return;
	r->fg_at = now + LOOK_MS;
	if ((fg = tcgetpgrp(r->master)) <= 0 || (fg == r->fg &&
	    (now - r->fg_since > NAME_MS || now < r->fg_named)))
		return;
	r->fg_named = now + RENAME_MS;
	if (hp_proc_argv0(fg, name, sizeof name) == -1)
		name[0] = '\0';
	if (fg == r->fg && strcmp(name, r->fgname) == 0)
		return;
	if (fg != r->fg)
		r->fg_since = now;
	r->fg = fg;
	hp_copy(r->fgname, sizeof r->fgname, name);
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kint(&j, "pid", (long long)fg);
	hp_json_kstr(&j, "name", name);
	hp_json_close(&j, '}');
	(void)hp_chan_send(r, 'F', b.p, b.len);
	hp_buf_free(&b);
}

long long
hp_chan_next(const struct hp_relay *r)
{
	long long next = -1;

	if (r->going == 1)
		next = r->going_at + r->stop_timeout / 2;
	else if (r->going == 2)
		next = r->going_at + r->stop_timeout;
	if (r->chan != -1 && !r->exited && !r->ended &&
	    (next == -1 || r->fg_at < next))
		next = r->fg_at;
	return next;
}

void
hp_chan_tick(struct hp_relay *r, long long now)
{
	if (r->going == 1 && now >= r->going_at + r->stop_timeout / 2) {
		r->going = 2;
		session(r, r->stop_signal);
		session(r, SIGCONT);
	}
	if (r->going == 2 && now >= r->going_at + r->stop_timeout) {
		r->going = 3;
		session(r, SIGKILL);
	}
	if (now >= r->fg_at)
		hp_chan_look(r);
}

/* "COLS ROWS", each 1 to 65535. */
static int
size(const char *p, int *cols, int *rows)
{
	char *end;
	long c, w;

	c = strtol(p, &end, 10);
	if (end == p || *end != ' ' || c < 1 || c > 65535)
		return -1;
	p = end + 1;
	w = strtol(p, &end, 10);
	if (end == p || *end != '\0' || w < 1 || w > 65535)
		return -1;
	*cols = (int)c;
	*rows = (int)w;
	return 0;
}

static void
frame(struct hp_relay *r, int kind, char *p)
{
	char *end;
	long sig;
	int c, w;

	switch (kind) {
	case 's':
		if (size(p, &c, &w) == -1)
			hp_warnx("control channel: bad size: %.40s", p);
		else if (hp_pty_resize(r->master, c, w) == -1)
			hp_warn("control channel: resize");
		else {
			r->sized[0] = c;
			r->sized[1] = w;
			if (r->sized_at == 0)
				r->sized_at = hp_mono_ms() + HP_SIZED_MS;
		}
		break;
	case 'k':
		sig = strtol(p, &end, 10);
		if (end == p || *end != '\0' || sig < 1 || sig > 64)
			hp_warnx("control channel: bad signal: %.40s", p);
		else
			hp_chan_signal(r, (int)sig);
		break;
	case 'x':
		/* Reaped: what it left is read until the quiet. */
		r->exited = 1;
		r->last = hp_mono_ms();
		break;
	}
}

/* What the caller sent: each whole frame acted on; its end, hang up. */
void
hp_chan_read(struct hp_relay *r)
{
	char p[HP_FRAME_MAX + 1];
	ssize_t n;
	size_t len;

	n = read(r->chan, r->cin + r->cinlen, sizeof r->cin - r->cinlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		r->cinlen += (size_t)n;
	while (n > 0 && r->cinlen >= 3) {
		len = (size_t)r->cin[1] << 8 | r->cin[2];
		if (len > HP_FRAME_MAX) {
			n = 0;		/* a broken peer: its end */
			break;
		}
		if (r->cinlen < 3 + len)
			break;
		memcpy(p, r->cin + 3, len);
		p[len] = '\0';
		frame(r, r->cin[0], p);
		r->cinlen -= 3 + len;
		memmove(r->cin, r->cin + 3 + len, r->cinlen);
	}
	if (n <= 0) {
		close(r->chan);
		r->chan = -1;
		hp_chan_go(r);
	}
}

/*
 * n bytes from fd, which may not block: 1, 0 at its end, -1 errno. No
 * more than n is read: what follows on the channel is the relay's.
 */
static int
full(int fd, void *buf, size_t n)
{
	struct pollfd p;
	ssize_t r;
	size_t k = 0;

	while (k < n) {
		if ((r = hp_read(fd, (char *)buf + k, n - k)) > 0) {
			k += (size_t)r;
			continue;
		}
		if (r == 0)
			return 0;
		if (errno != EAGAIN)
			return -1;
		p.fd = fd;
		p.events = POLLIN;
		(void)poll(&p, 1, -1);
	}
	return 1;
}

/*
 * first (if not NULL), then the strings of b, each ended by a NUL; how
 * many in *count.
 */
static char **
strings(char *first, const struct hp_buf *b, int *count)
{
	char **v, *p, *z;
	size_t n = 0, k;

	for (k = 0; k < b->len; k++)
		n += b->p[k] == '\0';
	v = hp_xcalloc(n + 2, sizeof *v);
	n = 0;
	if (first != NULL)
		v[n++] = first;
	for (k = 0; k < b->len; k = (size_t)(z - b->p) + 1) {
		p = b->p + k;
		if ((z = memchr(p, '\0', b->len - k)) == NULL)
			break;
		v[n++] = p;
	}
	v[n] = NULL;
	*count = (int)n;
	return v;
}

/*
 * hp-pty --spare: started ahead of its command, which then comes on the
 * channel (hp-pty(1)): frames a, the arguments, and frames e, the
 * environment, which replaces ours, each string ended by a NUL (a frame
 * of these may be up to 65535 bytes long); then g, go. The arguments
 * with self before them are the command line, in *argv and *argc: 1.
 * The channel's end before g: 0, no command. -1: a broken channel.
 */
int
hp_chan_await(int chan, char *self, char ***argv, int *argc)
{
	static char p[65536];
	struct hp_buf a = { 0 }, e = { 0 };
	unsigned char h[3];
	size_t len = 0;
	int r, n;

	for (;;) {
		if ((r = full(chan, h, 3)) == 1) {
			len = (size_t)h[1] << 8 | h[2];
			r = full(chan, p, len) == 1 ? 1 : -1;
		}
		if (r != 1) {
			hp_buf_free(&a);
			hp_buf_free(&e);
			return r;
		}
		if (h[0] == 'g')
			break;
		if (h[0] == 'a' || h[0] == 'e')
			hp_buf_add(h[0] == 'a' ? &a : &e, p, len);
	}
	/* What they point into is theirs from now on. */
	*argv = strings(self, &a, argc);
	environ = strings(NULL, &e, &n);
	return 1;
}
