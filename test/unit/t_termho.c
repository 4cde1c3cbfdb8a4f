/* hp: see LICENSE. */
/* t_termho.c: a detached terminal handed over across an upgrade. */

#define _XOPEN_SOURCE 700	/* mkstemp */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "super/super.h"
#include "super/handover.h"
#include "super/sterm.h"
#include "super/vt.h"
#include "unit.h"

/*
 * A terminal on a real pty, fed through the supervisor's own path
 * (hp_term_io), with clients attached through the attach verb: one that
 * reads, one that wants no draw, one whose FIFO is full. It is handed
 * over into a blob, the blob read back from a file, and taken over by
 * a new supervisor's process of the same name, as the new image would;
 * then the program goes on writing and every client reads on: what
 * each got, before and after, draws the same screen the new side has.
 */

struct cl {
	const char	*id;
	int		 rd, wr;	/* its frames; its keys */
	struct hp_buf	 in;		/* read, not yet a whole frame */
	struct hp_buf	 got;		/* the 'o' payloads, as read */
	int		 marked;
};

struct world {
	struct hp_state	 st;
	struct hp_super	 s[2];		/* the old image, the new */
	struct hp_proc	*p[2];
	int		 slave;
	size_t		 wrote;		/* bytes the program wrote */
};

static void
super(struct world *w, int k)
{
	struct hp_super *s = &w->s[k];
	struct hp_spec sp;

	memset(s, 0, sizeof *s);
	s->st = &w->st;
	s->lockfd = s->ctlfd = s->ctlw = s->sigfd = -1;
	hp_admit_default(&s->admit);
	CHECK(hp_events_open(&s->ev, &w->st) == 0);
	hp_spec_init(&sp, "sh", HP_TERMINAL);
	sp.cols = 20;
	sp.rows = 6;
	w->p[k] = hp_super_add(s, &sp);
}

/* Poll the terminal of image k and act, until cond or 5 s have gone. */
static int
pump(struct world *w, int k, int (*cond)(struct world *))
{
	struct pollfd f[16];
	long long end = hp_mono_ms() + 5000;
	int n;

	while (!cond(w) && hp_mono_ms() < end) {
		n = hp_term_fds(w->p[k], f);
		if (poll(f, (nfds_t)n, 50) > 0)
			hp_term_io(&w->s[k], w->p[k], f, n);
	}
	return cond(w);
}

static int
all_in_old(struct world *w)
{
	return w->p[0]->term->head == w->wrote;
}

static int
held3(struct world *w)
{
	return w->p[0]->term->vt->nhold == 3;
}

static void
say(struct world *w, const char *s)
{
	CHECK(hp_write_all(w->slave, s, strlen(s)) == 0);
	w->wrote += strlen(s);
}

/* Its FIFO full: what it is sent waits until it reads. */
static size_t
fill(const char *fifo)
{
	char junk[512];
	size_t n = 0;
	ssize_t k;
	int fd;

	memset(junk, 'j', sizeof junk);
	if ((fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return 0;
	while ((k = write(fd, junk, sizeof junk)) > 0)
		n += (size_t)k;
	close(fd);
	return n;
}

/* A client's FIFOs made and opened as hp-pty opens them, then attached. */
static void
attach(struct world *w, struct cl *c, const char *replay, const char *draw,
    size_t *junk)
{
	char out[HP_PATH_MAX], in[HP_PATH_MAX];
	char *arg[6];
	struct hp_request r;

	hp_proc_client(&w->st, out, sizeof out, "sh", c->id, 0);
	hp_proc_client(&w->st, in, sizeof in, "sh", c->id, 1);
	CHECK(mkfifo(out, 0600) == 0 && mkfifo(in, 0600) == 0);
	c->rd = open(out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (junk != NULL)
		*junk = fill(out);
	memset(&r, 0, sizeof r);
	r.client = "-";
	r.verb = "attach";
	arg[0] = "sh";
	arg[1] = (char *)c->id;
	arg[2] = "20";
	arg[3] = "6";
	arg[4] = (char *)replay;
	arg[5] = (char *)draw;
	r.arg = arg;
	r.narg = draw != NULL ? 6 : 5;
	hp_term_attach(&w->s[0], &r);
	c->wr = open(in, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	CHECK(c->rd != -1 && c->wr != -1);
}

/* What is in c's FIFO now, frame by frame: 'o' kept, 'r' noted. */
static void
take(struct cl *c)
{
	struct hp_buf *in = &c->in;
	char b[4096];
	size_t at = 0, n;
	ssize_t k;

	while ((k = read(c->rd, b, sizeof b)) > 0)
		hp_buf_add(in, b, (size_t)k);
	while (in->len - at >= 3) {
		n = (size_t)(unsigned char)in->p[at + 1] << 8 |
		    (unsigned char)in->p[at + 2];
		if (in->len - at - 3 < n)
			break;
		if (in->p[at] == 'o')
			hp_buf_add(&c->got, in->p + at + 3, n);
		else if (in->p[at] == 'r')
			c->marked++;
		at += 3 + n;
	}
	if (at > 0) {
		memmove(in->p, in->p + at, in->len - at);
		in->len -= at;
	}
}

/* What c got, read by a new screen, is the screen t has. */
static int
shows(const struct hp_term *t, const struct cl *c)
{
	struct hp_vt *vt = hp_vt_new(t->vt->tcols, t->vt->trows);
	struct hp_buf ans = { 0 };
	char *o = hp_xmalloc(c->got.len + HP_VT_HOLD), why[256];
	size_t m;
	int same;

	hp_vt_feed(vt, c->got.p, c->got.len, o, &m, &ans, 0);
	if (!(same = hp_vt_same(t->vt, vt, why, sizeof why)))
		fprintf(stderr, "t_termho: client %s: %s\n", c->id, why);
	hp_vt_free(vt);
	hp_buf_free(&ans);
	free(o);
	return same && c->marked == 1;
}

static void
ringof(const struct hp_term *t, struct hp_buf *b)
{
	size_t i;

	b->len = 0;
	for (i = 0; i < t->len; i++)
		hp_buf_addc(b, t->ring[(t->start + i) % t->cap]);
}

/* The new side's terminal is the old one's, field by field. */
static void
same(const struct hp_term *a, const struct hp_term *b)
{
	const struct tclient *x, *y;
	struct hp_buf ra = { 0 }, rb = { 0 };
	char why[256];
	int i;

	CHECK(b->master == a->master && (a->master == -1 ||
	    fcntl(b->master, F_GETFD) != -1));
	CHECK(b->ended == a->ended && b->code == a->code &&
	    b->sig == a->sig && b->linger == a->linger);
	CHECK_STR(b->tty, a->tty);
	CHECK(b->cols == a->cols && b->rows == a->rows);
	ringof(a, &ra);
	ringof(b, &rb);
	CHECK(ra.len == rb.len && memcmp(ra.p, rb.p, ra.len) == 0);
	CHECK(b->head == a->head && b->max == a->max);
	CHECK(b->typed.len - b->off == a->typed.len - a->off &&
	    (a->typed.len == a->off || memcmp(b->typed.p + b->off,
	    a->typed.p + a->off, a->typed.len - a->off) == 0));
	CHECK(b->busy == a->busy && b->quiet_at == a->quiet_at &&
	    b->tick_at == a->tick_at && b->burst == a->burst &&
	    b->told == a->told && b->titled == a->titled);
	CHECK(b->nclients == a->nclients && b->waiting == a->waiting);
	for (x = a->clients, y = b->clients; x != NULL && y != NULL;
	    x = x->next, y = y->next) {
		CHECK_STR(y->id, x->id);
		CHECK(y->out == x->out && fcntl(y->out, F_GETFD) != -1);
		CHECK(y->in == x->in && fcntl(y->in, F_GETFD) != -1);
		CHECK(y->pos == x->pos && y->lost == x->lost &&
		    y->mark == x->mark && y->told == x->told &&
		    y->took == x->took && y->marked == x->marked &&
		    y->nodraw == x->nodraw);
		CHECK(y->drawn == x->drawn && y->draw.len == x->draw.len &&
		    (x->draw.len == 0 ||
		    memcmp(y->draw.p, x->draw.p, x->draw.len) == 0));
	}
	CHECK(x == NULL && y == NULL);
	if (!hp_vt_same(a->vt, b->vt, why, sizeof why))
		fprintf(stderr, "t_termho: screen: %s\n", why);
	CHECK(hp_vt_same(a->vt, b->vt, why, sizeof why));
	CHECK(b->vt->last == a->vt->last && b->vt->titled == a->vt->titled &&
	    b->vt->cur.wrapnext == a->vt->cur.wrapnext);
	CHECK(b->vt->ntitles == a->vt->ntitles);
	for (i = 0; i < a->vt->ntitles && i < b->vt->ntitles; i++)
		CHECK_STR(b->vt->titles[i], a->vt->titles[i]);
	CHECK(b->vt->nother == a->vt->nother && memcmp(b->vt->other,
	    a->vt->other, (size_t)a->vt->nother * sizeof *a->vt->other) == 0);
	hp_buf_free(&ra);
	hp_buf_free(&rb);
}

static int
listed(const struct hp_howr *wr, int fd)
{
	int i;

	for (i = 0; i < wr->nfd; i++)
		if (wr->fd[i] == fd)
			return 1;
	return 0;
}

/* wr written to a file and read back, as the new image reads it. */
static int
readback(struct hp_howr *wr, struct hp_hord *h)
{
	char file[] = "/tmp/hp-unit-termho.XXXXXX", why[128];
	int fd, r;

	fd = mkstemp(file);
	CHECK(fd != -1 && hp_write_all(fd, wr->b.p, wr->b.len) == 0);
	r = hp_ho_read(h, fd, why, sizeof why);
	if (r == -1)
		fprintf(stderr, "t_termho: %s\n", why);
	close(fd);
	unlink(file);
	hp_buf_free(&wr->b);
	free(wr->fd);
	return r;
}

/* The old image's blob, its descriptors listed to be kept. */
static int
blob(struct world *w, struct hp_hord *h)
{
	struct hp_howr wr;
	const struct hp_term *t;
	const struct tclient *c;

	memset(&wr, 0, sizeof wr);
	hp_term_handover(&wr, w->p[0]);
	t = w->p[0]->term;
	CHECK(wr.nfd == 1 + 2 * t->nclients && listed(&wr, t->master));
	for (c = t->clients; c != NULL; c = c->next)
		CHECK(listed(&wr, c->out) && listed(&wr, c->in));
	return readback(&wr, h);
}

/* The old image's terminal, its memory only: the new one has its fds. */
static void
forget(struct hp_proc *p)
{
	hp_term_forget(p->term);
	p->term = NULL;
}

static void
unsuper(struct hp_super *s)
{
	int i;

	for (i = 0; i < s->nproc; i++) {
		hp_unit_detach(s, s->procs[i]);
		hp_sproc_free(s->procs[i]);
	}
	free(s->procs);
	free(s->units);
	free(s->rel);
	hp_map_free(&s->names);
	hp_after_free(&s->graph);
	hp_buf_free(&s->jb);		/* its events */
	hp_events_close(&s->ev);
}

static int
drain(int rd, size_t n)
{
	char b[512];
	ssize_t k;

	while (n > 0 && (k = read(rd, b, n < sizeof b ? n : sizeof b)) > 0)
		n -= (size_t)k;
	return n == 0;
}

/* Every client has had all there is. */
static int
sent(struct world *w)
{
	const struct hp_term *t = w->p[1]->term;
	const struct tclient *c;

	for (c = t->clients; c != NULL; c = c->next)
		if (c->pos < t->head || c->drawn < c->draw.len || !c->marked)
			return 0;
	return t->head == w->wrote;
}

/* The program's output so far: colours, titles pushed, modes, REP. */
static void
output(struct world *w)
{
	say(w, "hello \033[1;31mred\033[0m\r\n\033]2;first\007\033[22t");
	say(w, "\033]2;second\007\033[?1000h\033[?2004h\033[4 q"
	    "\033]10;#ffeedd\007");
	say(w, "\033[3;5r\033[5;1Hin region\033[3;3H\033[7mx\033[0m");
	/* A wide one in the last column, a wrap pending on its tail; the
	 * draw's last character is another one. */
	say(w, "\033[1;19H\346\274\242");
}

/* After the takeover: a wrap, a REP, a title popped. */
static void
after(struct world *w)
{
	say(w, "\033[b\033[23tend\r\n");
}

/* A terminal that is not quiet is handed over, and refused. */
static void
unquiet(struct world *w)
{
	struct hp_hord h;
	char why[128];

	say(w, "\033[3");
	CHECK(pump(w, 0, held3));
	CHECK(hp_term_quiet(w->p[0], why, sizeof why) == 0);
	CHECK(strstr(why, "held") != NULL);
	CHECK(blob(w, &h) == 0);
	CHECK(hp_term_takeover(&w->s[1], w->p[1], &h) == -1 &&
	    w->p[1]->term == NULL);
	hp_ho_free(&h);
	/* An OSC that goes out as it comes: mid-sequence too. */
	say(w, "1m\033]0;a title that goes out");
	CHECK(pump(w, 0, all_in_old));
	CHECK(hp_term_quiet(w->p[0], why, sizeof why) == 0);
	CHECK(strstr(why, "mid-sequence") != NULL);
	say(w, "\007");
	CHECK(pump(w, 0, all_in_old));
	CHECK(hp_term_quiet(w->p[0], why, sizeof why) == 1);
}

static void
handover(void)
{
	struct world w;
	struct cl c[3] = { { "c1", -1, -1, { 0 }, { 0 }, 0 },
	    { "c2", -1, -1, { 0 }, { 0 }, 0 },
	    { "c3", -1, -1, { 0 }, { 0 }, 0 } };
	struct hp_spec sp;
	struct hp_hord h;
	struct hp_buf ring = { 0 };
	struct termios tio;
	char path[HP_PATH_MAX], keys[60000];
	unsigned long long at2;
	size_t junk;
	int pr[2], i;

	memset(&w, 0, sizeof w);
	snprintf(w.st.dir, sizeof w.st.dir, "/tmp/hp-unit-termho.XXXXXX");
	CHECK(mkdtemp(w.st.dir) != NULL && hp_state_open(&w.st, 1) == 0);
	super(&w, 0);
	super(&w, 1);
	hp_spec_init(&sp, "other", HP_TERMINAL);
	hp_super_add(&w.s[1], &sp);
	hp_proc_file(&w.st, path, sizeof path, "sh", HP_P_DIR);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(hp_term_open(&w.s[0], w.p[0], pr) == 0);
	hp_term_started(w.p[0], pr[0]);
	w.slave = pr[1];
	/* Bytes as the program writes them: no \n made \r\n. */
	CHECK(tcgetattr(w.slave, &tio) == 0);
	tio.c_oflag &= ~(tcflag_t)OPOST;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
	CHECK(tcsetattr(w.slave, TCSANOW, &tio) == 0);
	say(&w, "before\r\n");
	CHECK(pump(&w, 0, all_in_old));
	attach(&w, &c[0], "-1", NULL, NULL);
	attach(&w, &c[1], "0", "0", NULL);
	at2 = w.p[0]->term->head;
	attach(&w, &c[2], "0", NULL, &junk);
	CHECK(junk > 0);
	output(&w);
	CHECK(pump(&w, 0, all_in_old));
	take(&c[0]);
	take(&c[1]);
	/* Keys the program has not read: the most the pty takes, and more
	 * kept for it. */
	memset(keys, 'k', sizeof keys);
	CHECK(hp_term_type(w.p[0]->term, keys, sizeof keys) == 0);
	CHECK(w.p[0]->term->typed.len > w.p[0]->term->off);
	unquiet(&w);

	/* Quiet: handed over, taken over, the same terminal. */
	CHECK(blob(&w, &h) == 0);
	CHECK(hp_term_takeover(&w.s[1], w.s[1].procs[1], &h) == 0 &&
	    w.s[1].procs[1]->term == NULL);
	CHECK(hp_term_takeover(&w.s[1], w.p[1], &h) == 0 &&
	    w.p[1]->term != NULL);
	hp_ho_free(&h);
	if (w.p[1]->term == NULL)
		return;
	same(w.p[0]->term, w.p[1]->term);
	CHECK(w.p[0]->term->vt->cur.wrapnext &&
	    w.p[0]->term->clients->pos < w.p[0]->term->head);
	forget(w.p[0]);

	/* It goes on: every client gets the rest, once, in order. */
	after(&w);
	CHECK(drain(c[2].rd, junk));
	CHECK(pump(&w, 1, sent));
	for (i = 0; i < 3; i++)
		take(&c[i]);
	CHECK(shows(w.p[1]->term, &c[0]));
	CHECK(shows(w.p[1]->term, &c[2]));
	CHECK_STR(w.p[1]->term->vt->title, "first");
	ringof(w.p[1]->term, &ring);
	CHECK(c[1].marked == 1 && c[1].got.len == w.wrote - at2 &&
	    memcmp(c[1].got.p, ring.p + (at2 - (w.p[1]->term->head -
	    w.p[1]->term->len)), c[1].got.len) == 0);
	hp_buf_free(&ring);

	close(w.slave);
	for (i = 0; i < 3; i++) {
		close(c[i].rd);
		close(c[i].wr);
		hp_buf_free(&c[i].got);
		hp_buf_free(&c[i].in);
	}
	unsuper(&w.s[0]);
	unsuper(&w.s[1]);
	CHECK(hp_rmtree(w.st.dir) == 0);
}

/*
 * A terminal whose program has ended, kept for its clients: no master.
 * The same with a client whose descriptor is gone, or whose place is
 * past the output: refused, and nothing made.
 */
static void
ended(void)
{
	struct hp_state st;
	struct hp_super s;
	struct hp_spec sp;
	struct hp_proc *p[2];
	struct hp_howr wr;
	struct hp_hord h;
	struct hp_term *t;
	struct hp_buf o = { 0 }, a = { 0 };
	char *out;
	int k, pp[2];

	CHECK(hp_pipe(pp, 1) == 0 && fcntl(4000, F_GETFD) == -1);
	memset(&s, 0, sizeof s);
	hp_copy(st.dir, sizeof st.dir, "/nonexistent");
	s.st = &st;
	for (k = 0; k < 2; k++) {
		hp_spec_init(&sp, "sh", HP_TERMINAL);
		p[k] = hp_xcalloc(1, sizeof *p[k]);
		p[k]->spec = sp;
	}
	t = p[0]->term = hp_xcalloc(1, sizeof *t);
	t->master = -1;
	t->cols = HP_VT_COLS + 200;	/* wider than a screen keeps */
	t->rows = 3;
	t->vt = hp_vt_new(t->cols, t->rows);
	t->max = t->cap = 4096;
	t->ring = hp_xcalloc(1, t->cap);
	out = hp_xmalloc(64 + HP_VT_HOLD);
	hp_vt_feed(t->vt, "bye\r\n\033[?1h", 10, out, &t->len, &a, 0);
	memcpy(t->ring, out, t->len);
	t->head = 5000;		/* more went, before the ring's start */
	t->ended = 1;
	t->code = 3;
	t->linger = hp_mono_ms() + 5000;
	for (k = 2; k >= 0; k--) {
		memset(&wr, 0, sizeof wr);
		hp_term_handover(&wr, p[0]);
		if (k > 0) {
			hp_ho_section(&wr, "tclient", "sh c9");
			hp_ho_putint(&wr, "out", k == 1 ? 4000 : pp[1]);
			hp_ho_putint(&wr, "in", k == 1 ? 4001 : pp[0]);
			hp_ho_putint(&wr, "pos", k == 1 ? 4999 : 5001);
			hp_ho_putint(&wr, "lost", 0);
			hp_ho_putint(&wr, "took", 0);
			hp_ho_putint(&wr, "mark", 4999);
			hp_ho_put(&wr, "draw", "", 0);
			hp_ho_putint(&wr, "drawn", 0);
		}
		CHECK(wr.nfd == 0);
		CHECK(readback(&wr, &h) == 0);
		CHECK(hp_term_takeover(&s, p[1], &h) == (k == 0 ? 0 : -1));
		CHECK((p[1]->term != NULL) == (k == 0));
		hp_ho_free(&h);
	}
	if (p[1]->term != NULL) {
		same(t, p[1]->term);
		CHECK(p[1]->term->vt->cols == HP_VT_COLS &&
		    p[1]->term->vt->tcols == HP_VT_COLS + 200);
	}
	for (k = 0; k < 2; k++) {
		hp_term_free(p[k]);
		free(p[k]);
	}
	close(pp[0]);
	close(pp[1]);
	free(out);
	hp_buf_free(&o);
	hp_buf_free(&a);
}

void
test_termho(void)
{
	handover();
	ended();
}
