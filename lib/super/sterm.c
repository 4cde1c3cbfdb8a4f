/* hp: see LICENSE. */
/* sterm.c: terminals the supervisor keeps: scrollback, clients, activity. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "client/term.h"
#include "super/sterm.h"
#include "super/vt.h"

/*
 * A detached terminal: the supervisor holds the pty's master side in
 * its poll() loop. What the program writes goes into a ring (the
 * scrollback) and from there to every attached client, each at its own
 * pace: a client is a cursor into the ring, so a client that stops
 * reading holds up nobody, and when the ring has moved past its cursor
 * it is told how many bytes it missed. A client is a pair of FIFOs it
 * makes in procs/NAME/clients/: ID, which we write frames to, and
 * ID.in, which it writes its keys to (end of file: it has detached).
 *
 * A frame is one write of at most PIPE_BUF bytes, so never interleaved
 * or cut: a kind byte, two bytes of length (big-endian), the payload.
 * 'o' output; 'r' (empty) the replay is over; 'l' bytes lost, in
 * decimal; 'x' the program's end, as JSON ({"code":N} or
 * {"signal":"NAME"}), after which we close.
 *
 * The terminal's screen is kept too (vt*.c), and what goes into the
 * ring is what clients may see of the output: the program's questions
 * to its terminal are answered here, once, and taken out. A client gets
 * the replay, then the screen drawn as it is at its mark (where the
 * ring is clean: not inside a sequence that went out as it came), then
 * 'r', then the output from the mark on. A client that misses bytes is
 * drawn the screen again, from where it catches up.
 */
#ifdef PIPE_BUF
#define FRAME		PIPE_BUF
#else
#define FRAME		512
#endif
#define HDR		3
#define ROOM		(64 * 1024)	/* the ring at least; typed bytes */
#define READS		4		/* reads of the master a turn */
#define STALL		250	/* ms without taking a frame: stalled */

/* The bytes the program wrote, into the ring; the oldest go. */
static void
keep(struct hp_term *t, const char *b, size_t n)
{
	size_t cap, k, at;
	char *r;

	if (t->len + n > t->cap && t->cap < t->max) {
		/* Grown only as output comes: an idle terminal stays small. */
		for (cap = t->cap ? t->cap : 4096; cap < t->len + n &&
		    cap < t->max; cap *= 2)
			;
		cap = cap < t->max ? cap : t->max;
		r = hp_xcalloc(1, cap);
		k = t->cap - t->start < t->len ? t->cap - t->start : t->len;
		if (t->len > 0) {
			memcpy(r, t->ring + t->start, k);
			memcpy(r + k, t->ring, t->len - k);
		}
		free(t->ring);
		t->ring = r;
		t->cap = cap;
		t->start = 0;
	}
	if (n > t->cap) {
		t->head += n - t->cap;
		b += n - t->cap;
		n = t->cap;
	}
	while (n > 0) {
		if (t->len == t->cap) {
			k = n < t->cap ? n : t->cap;
			t->start = (t->start + k) % t->cap;
			t->len -= k;
		}
		at = (t->start + t->len) % t->cap;
		k = t->cap - at < t->cap - t->len ? t->cap - at :
		    t->cap - t->len;
		k = k < n ? k : n;
		memcpy(t->ring + at, b, k);
		t->len += k;
		t->head += k;
		b += k;
		n -= k;
	}
}

/* One frame: 1 written, 0 the pipe is full, -1 the client has gone. */
static int
put(struct tclient *c, int kind, char *f, size_t n)
{
	ssize_t w;

	f[0] = (char)kind;
	f[1] = (char)(n >> 8);
	f[2] = (char)(n & 0xff);
	do
		w = write(c->out, f, n + HDR);
	while (w == -1 && errno == EINTR);
	if (w == (ssize_t)(n + HDR)) {
		c->took = hp_mono_ms();
		return 1;
	}
	return w == -1 && errno == EAGAIN ? 0 : -1;
}

/* Send c the ring up to end, as far as its pipe takes it: 1 all of it. */
static int
ring(struct hp_term *t, struct tclient *c, unsigned long long end, char *f)
{
	unsigned long long old = t->head - t->len;
	size_t k, at;
	int r;

	while (c->pos < end) {
		at = (t->start + (size_t)(c->pos - old)) % t->cap;
		k = t->cap - at;
		if (k > end - c->pos)
			k = (size_t)(end - c->pos);
		if (k > FRAME - HDR)
			k = FRAME - HDR;
		memcpy(f + HDR, t->ring + at, k);
		if ((r = put(c, 'o', f, k)) != 1)
			return r;
		c->pos += k;
	}
	return 1;
}

/* The rest of c's draw. */
static int
drawn(struct tclient *c, char *f)
{
	size_t k;
	int r;

	while (c->drawn < c->draw.len) {
		k = c->draw.len - c->drawn;
		if (k > FRAME - HDR)
			k = FRAME - HDR;
		memcpy(f + HDR, c->draw.p + c->drawn, k);
		if ((r = put(c, 'o', f, k)) != 1)
			return r;
		c->drawn += k;
	}
	hp_buf_free(&c->draw);
	c->drawn = 0;
	return 1;
}

/* c's draw: made now if the screen is clean, else once it is. */
void
hp_term_redraw(struct hp_term *t, struct tclient *c)
{
	hp_buf_free(&c->draw);
	c->drawn = 0;
	if (c->nodraw)
		c->mark = t->head;
	else if (hp_vt_clean(t->vt) || t->ended) {
		c->mark = t->head;
		hp_vt_draw(t->vt, &c->draw);
	} else if (c->mark != NODRAW) {
		c->mark = NODRAW;
		t->waiting++;
	}
}

/* The screen is clean: the draws that waited for it. */
static void
clean(struct hp_term *t)
{
	struct tclient *c;

	for (c = t->clients; c != NULL && t->waiting > 0; c = c->next)
		if (c->mark == NODRAW) {
			t->waiting--;
			c->mark = t->head;
			hp_vt_draw(t->vt, &c->draw);
		}
	t->waiting = 0;
}

/* Send c what it has not had, as far as its pipe takes it; -1: done. */
static int
flush(struct hp_term *t, struct tclient *c)
{
	char f[FRAME];
	unsigned long long old = t->head - t->len;
	int r, n;

	if (c->pos < old && c->nodraw) {
		c->lost += old - c->pos;
		c->pos = old;
	} else if (c->pos < old) {
		/* It missed some: told so, and drawn the screen anew. */
		c->lost += t->head - c->pos;
		c->pos = t->head;
		hp_term_redraw(t, c);
	}
	if (c->lost > 0) {
		n = snprintf(f + HDR, sizeof f - HDR, "%llu", c->lost);
		if ((r = put(c, 'l', f, (size_t)n)) != 1)
			return r;
		c->lost = 0;
	}
	/* What comes before its draw, the draw, 'r', what comes after. */
	if (c->pos < c->mark && (r = ring(t, c, c->mark < t->head ? c->mark :
	    t->head, f)) != 1)
		return r;
	if (c->pos >= c->mark) {
		if ((r = drawn(c, f)) != 1)
			return r;
		if (!c->marked) {
			if ((r = put(c, 'r', f, 0)) != 1)
				return r;
			c->marked = 1;
		}
		if ((r = ring(t, c, t->head, f)) != 1)
			return r;
	}
	c->took = hp_mono_ms();		/* it has all it can: not stalled */
	if (!t->ended || c->told || c->pos < c->mark)
		return 0;
	if (t->sig > 0)
		n = snprintf(f + HDR, sizeof f - HDR, "{\"signal\":\"%s\"}",
		    hp_signame(t->sig));
	else
		n = snprintf(f + HDR, sizeof f - HDR, "{\"code\":%d}", t->code);
	if ((r = put(c, 'x', f, (size_t)n)) != 1)
		return r;
	c->told = 1;
	return -1;
}

static void
drop(struct hp_term *t, struct tclient *c)
{
	struct tclient **cp;
	char file[HP_PATH_MAX];

	for (cp = &t->clients; *cp != NULL; cp = &(*cp)->next)
		if (*cp == c) {
			*cp = c->next;
			break;
		}
	t->nclients--;
	t->dirty = 1;
	if (c->mark == NODRAW && t->waiting > 0)
		t->waiting--;
	hp_buf_free(&c->draw);
	close(c->out);
	close(c->in);
	/* Its FIFOs, in case it went without taking them away. */
	if (hp_proc_client(t->st, file, sizeof file, t->name, c->id, 0) == 0)
		unlink(file);
	if (hp_proc_client(t->st, file, sizeof file, t->name, c->id, 1) == 0)
		unlink(file);
	free(c);
}

void
hp_term_flushall(struct hp_proc *p)
{
	struct tclient *c, *next;

	for (c = p->term->clients; c != NULL; c = next) {
		next = c->next;
		if (flush(p->term, c) == -1)
			drop(p->term, c);
	}
}

/* Bytes for the program: written now, or kept until it reads; -1 full. */
static int
typein(struct hp_term *t, const char *b, size_t n)
{
	ssize_t w = 0;

	if (t->typed.len - t->off + n > ROOM)
		return -1;
	if (t->typed.len == t->off) {
		t->typed.len = t->off = 0;
		do
			w = write(t->master, b, n);
		while (w == -1 && errno == EINTR);
		if (w < 0)
			w = 0;
	}
	hp_buf_add(&t->typed, b + w, n - (size_t)w);
	return 0;
}

/* Answers to its questions: typed, or dropped when it reads nothing. */
static void
answer(struct hp_term *t, const char *b, size_t n)
{
	if (n > 0)
		(void)typein(t, b, n);
}

/*
 * n bytes the program wrote, through its screen: what clients may see
 * into the ring, its answers back to it; a draw that waits for a clean
 * screen is made as soon as it is.
 */
static void
screen(struct hp_super *s, struct hp_proc *p, const char *b, size_t n)
{
	static char out[16384 + HP_VT_HOLD];
	static struct hp_buf ans;
	struct hp_term *t = p->term;
	size_t used, m, k;

	for (; n > 0; b += used, n -= used) {
		k = n < 16384 ? n : 16384;
		used = hp_vt_feed(t->vt, b, k, out, &m, &ans, t->waiting > 0);
		keep(t, out, m);
		if (t->waiting > 0 && hp_vt_clean(t->vt))
			clean(t);
		hp_tact_output(s, p, m);
	}
	answer(t, ans.p, ans.len);
	ans.len = 0;
}

/* Read what the program wrote: at most max reads, or to its end. */
static void
readout(struct hp_super *s, struct hp_proc *p, int max)
{
	struct hp_term *t = p->term;
	char buf[16384];
	ssize_t n;
	int i, got = 0;

	for (i = 0; i < max && t->master != -1; i++) {
		n = read(t->master, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* EIO: nobody holds the terminal any more. */
			close(t->master);
			t->master = -1;
			break;
		}
		screen(s, p, buf, (size_t)n);
		got = 1;
	}
	if (got)
		hp_term_flushall(p);
}

/* Keys for the program: written now, or kept until it reads. */
int
hp_term_type(struct hp_term *t, const char *b, size_t n)
{
	if (typein(t, b, n) == -1)
		return -1;
	/* What was typed may start a program: who has it then? */
	t->fg_at = hp_mono_ms() + FG_DELAY;
	return 0;
}

static void
typeout(struct hp_term *t)
{
	ssize_t w;

	while (t->off < t->typed.len) {
		w = write(t->master, t->typed.p + t->off,
		    t->typed.len - t->off);
		if (w > 0)
			t->off += (size_t)w;
		else if (w == -1 && errno == EINTR)
			continue;
		else
			return;
	}
	t->typed.len = t->off = 0;
}

/* A client's keys; at its end, it has detached. */
static void
keys(struct hp_proc *p, struct tclient *c)
{
	struct hp_term *t = p->term;
	char buf[4096];
	size_t room = ROOM - (t->typed.len - t->off);
	ssize_t n;

	n = read(c->in, buf, room < sizeof buf ? room : sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(p->term, c);
		return;
	}
	if (t->master != -1 && !t->ended)
		(void)hp_term_type(t, buf, (size_t)n);
}

/* A terminal is about to start: its pty; pr[0] ours, pr[1] its side. */
int
hp_term_open(struct hp_super *s, struct hp_proc *p, int pr[2])
{
	struct hp_term *t;
	struct hp_pty pty;
	char dir[HP_PATH_MAX];
	struct stat sb;

	if (p->term == NULL) {
		t = p->term = hp_xcalloc(1, sizeof *t);
		t->master = -1;
		t->cols = p->spec.cols;
		t->rows = p->spec.rows;
		t->vt = hp_vt_new(t->cols, t->rows);
	}
	t = p->term;
	t->max = (size_t)(p->spec.scrollback > ROOM ? p->spec.scrollback :
	    ROOM);
	if (hp_sproc_path(s, p, dir, sizeof dir, HP_P_CLIENTS) == -1 ||
	    (mkdir(dir, 0700) == -1 && errno != EEXIST))
		return -1;
	if (lstat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != geteuid()) {
		errno = EPERM;
		return -1;
	}
	t->st = s->st;
	t->name = p->spec.name;
	if (hp_pty_open(&pty, t->cols, t->rows) == -1)
		return -1;
	if ((pr[1] = hp_pty_slave(&pty)) == -1) {
		close(pty.master);
		return -1;
	}
	pr[0] = pty.master;
	hp_copy(t->tty, sizeof t->tty, pty.slave);
	return 0;
}

/* The spawn of a terminal: the pty on 0, 1 and 2, its environment. */
void
hp_term_exec(struct hp_proc *p, struct hp_spawn *sp, int slave)
{
	static char **envp;

	free(envp);
	envp = hp_pty_envp(&p->spec);
	sp->envp = envp;
	sp->fd[0] = sp->fd[1] = sp->fd[2] = slave;
	sp->ctty = p->term->tty;
}

/* It has started: the master is ours to read. */
void
hp_term_started(struct hp_proc *p, int master)
{
	struct hp_term *t = p->term;

	t->master = master;
	t->ended = t->busy = 0;
	t->fg = 0;
	t->fgcomm[0] = '\0';
	t->typed.len = t->off = 0;
	t->linger = 0;
}

/* Signal the rest of its session: its foreground group and its members. */
void
hp_term_session(struct hp_proc *p, int sig)
{
	pid_t pids[512], fg;
	int i, n;

	if (p->term == NULL || p->id.pid <= 0)
		return;
	if (p->term->master != -1 && (fg = tcgetpgrp(p->term->master)) > 1 &&
	    fg != p->id.pid)
		kill(-fg, sig);
	n = hp_proc_session(p->id.pid, pids, 512);
	for (i = 0; i < n; i++)
		if (pids[i] != p->id.pid)
			kill(pids[i], sig);
}

/* The program has ended (and been reaped): its last bytes, its end. */
void
hp_term_ended(struct hp_super *s, struct hp_proc *p)
{
	struct hp_term *t = p->term;
	struct hp_json *j;

	if (t == NULL)
		return;
	readout(s, p, 64);
	if (t->master != -1)
		close(t->master);
	t->master = -1;
	t->ended = 1;
	t->code = p->exit_code;
	t->sig = p->exit_signal;
	t->busy = 0;
	j = hp_tact_event(s, p, "exit");
	if (t->sig > 0)
		hp_json_kstr(j, "signal", hp_signame(t->sig));
	else
		hp_json_kint(j, "code", t->code);
	hp_event_publish(&s->ev, j);
	/* No more output: those that wait for a clean screen have it. */
	clean(t);
	hp_term_flushall(p);
	t->linger = hp_mono_ms() + LINGER;
}

void
hp_term_free(struct hp_proc *p)
{
	if (p->term == NULL)
		return;
	while (p->term->clients != NULL)
		drop(p->term, p->term->clients);
	if (p->term->master != -1)
		close(p->term->master);
	free(p->term->ring);
	hp_buf_free(&p->term->typed);
	hp_vt_free(p->term->vt);
	free(p->term);
	p->term = NULL;
}

/*
 * A client far behind that still reads holds the program back, as a
 * slow terminal would: it loses nothing. One that has taken nothing
 * for STALL ms holds back nobody; it will be told what it missed.
 * Returns when to look again, or 0: nobody holds it back.
 */
static long long
held(const struct hp_term *t, long long now)
{
	const struct tclient *c;

	for (c = t->clients; c != NULL; c = c->next)
		if (t->head - c->pos > t->max / 2 && now - c->took < STALL)
			return c->took + STALL;
	return 0;
}

int
hp_term_nfds(const struct hp_proc *p)
{
	return p->term != NULL ? 1 + 2 * p->term->nclients : 0;
}

int
hp_term_fds(const struct hp_proc *p, struct pollfd *f)
{
	struct hp_term *t = p->term;
	struct tclient *c;
	int n = 0;

	if (t == NULL)
		return 0;
	if (t->master != -1) {
		f[n].fd = t->master;
		f[n].events = (held(t, hp_mono_ms()) ? 0 : POLLIN) |
		    (t->off < t->typed.len ? POLLOUT : 0);
		f[n++].revents = 0;
	}
	for (c = t->clients; c != NULL; c = c->next) {
		f[n].fd = c->in;
		f[n].events = t->typed.len - t->off < ROOM ? POLLIN : 0;
		f[n++].revents = 0;
		f[n].fd = c->out;
		f[n].events = c->pos < t->head || (c->pos >= c->mark &&
		    (c->drawn < c->draw.len || !c->marked)) ||
		    (t->ended && !c->told) ? POLLOUT : 0;
		f[n++].revents = 0;
	}
	return n;
}

/* Its clients have changed: so does its status. */
void
hp_term_restatus(struct hp_super *s, struct hp_proc *p)
{
	if (p->term != NULL && p->term->dirty) {
		p->term->dirty = 0;
		hp_sproc_status(s, p);
	}
}

/* What poll() said of its descriptors. */
void
hp_term_io(struct hp_super *s, struct hp_proc *p, struct pollfd *f, int n)
{
	struct hp_term *t = p->term;
	struct tclient *c;
	int k;

	for (k = 0; k < n && p->term != NULL; k++) {
		if (f[k].revents == 0)
			continue;
		if (f[k].fd == t->master) {
			if (f[k].revents & POLLOUT)
				typeout(t);
			if (f[k].revents & (POLLIN | POLLHUP | POLLERR))
				readout(s, p, READS);
			continue;
		}
		for (c = t->clients; c != NULL; c = c->next)
			if (f[k].fd == c->in || f[k].fd == c->out)
				break;
		if (c == NULL)
			continue;
		if (f[k].fd == c->in)
			keys(p, c);
		else if (flush(t, c) == -1)
			drop(p->term, c);
	}
	hp_term_restatus(s, p);
}

long long
hp_term_next(const struct hp_proc *p)
{
	const struct hp_term *t = p->term;

	long long next = -1, h;

	if (t == NULL)
		return -1;
	if (t->busy)
		next = t->quiet_at;
	if (t->fg_at > 0 && (next == -1 || t->fg_at < next))
		next = t->fg_at;
	if ((h = held(t, hp_mono_ms())) > 0 && (next == -1 || h < next))
		next = h;
	if (t->clients != NULL && t->ended && (next == -1 || t->linger < next))
		next = t->linger;
	return next;
}

void
hp_term_timer(struct hp_super *s, struct hp_proc *p, long long now)
{
	struct hp_term *t = p->term;

	if (t == NULL)
		return;
	hp_tact_quiet(s, p, now);
	if (t->fg_at > 0 && now >= t->fg_at) {
		t->fg_at = 0;
		hp_tact_foreground(s, p, 1);
	}
	/* Those that would not take the end in time go without it. */
	while (t->ended && t->clients != NULL && now >= t->linger)
		drop(t, t->clients);
	hp_term_restatus(s, p);
}
