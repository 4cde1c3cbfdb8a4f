/* hp: see LICENSE. */
/* sterm_ho.c: a detached terminal handed over across an upgrade. */

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"
#include "super/sterm.h"
#include "super/vt.h"

/*
 * A terminal goes across in a section "term NAME" and one "tclient
 * NAME ID" for each client, in the order of the list. Its descriptors
 * (the pty's master, each client's two FIFOs) stay open with the same
 * numbers; the scrollback goes as its bytes, oldest first, with head,
 * so that every client's position means the same bytes on both sides.
 * Mono times (took, linger, quiet_at ...) go as they are: the monotonic
 * clock is the system's, not the process's.
 *
 * The screen goes as its draw, not as struct hp_vt (the next version's
 * may differ): the new side makes a screen of the size the terminal
 * had and feeds it the draw, which brings it to the same state
 * (vtsame.c). A terminal is handed over only at a clean point: the
 * parser in its ground state with no byte held (hp_term_quiet), so
 * there is no parser state to carry. What a draw does not carry, or
 * not exactly, goes as records of its own:
 *   wrapnext	a wrap pending on a wide character's tail (the draw
 *		cannot write the tail again; the next character wraps);
 *   last	the character REP repeats;
 *   titles	the titles pushed (CSI 22 t), oldest first;
 *   other	the modes in other[], in their order: the draw sets them
 *		again after DECSTR, which adds ?1 to the list, and the list
 *		is bounded (VT_OTHER);
 *   titled	the count of title changes, which tact.c compares with
 *		the terminal's own to tell of a new title.
 * Not carried, as no client can tell: the saved cursor's pending wrap
 * (DECRC drops it), the wrap of the top row (nothing reflows), the
 * foreground of a cell never written, the entries of the table of
 * combined characters (a draw writes the characters themselves).
 */

#define CHUNK		16384

/* 1: it can be handed over now; 0 and why not. */
int
hp_term_quiet(const struct hp_proc *p, char *why, size_t n)
{
	const struct hp_term *t = p->term;

	if (t == NULL)
		return 1;
	if (!hp_vt_clean(t->vt)) {
		snprintf(why, n, "%s: its screen is in mid-sequence",
		    p->spec.name);
		return 0;
	}
	if (t->vt->nhold > 0 || t->vt->utfleft > 0) {
		snprintf(why, n, "%s: %zu bytes of a sequence held",
		    p->spec.name, t->vt->nhold);
		return 0;
	}
	/* Not so at a clean point, where screen() draws them: said all
	 * the same, as a draw that waits cannot go across. */
	if (t->waiting > 0) {
		snprintf(why, n, "%s: a draw waits for a clean screen",
		    p->spec.name);
		return 0;
	}
	return 1;
}

/* A buffer's bytes from off: an empty one may have no memory. */
static void
putbuf(struct hp_howr *w, const char *key, const struct hp_buf *b,
    size_t off)
{
	hp_ho_put(w, key, b->p != NULL ? b->p + off : "", b->len - off);
}

static void
putull(struct hp_howr *w, const char *key, unsigned long long v)
{
	char s[32];

	hp_ho_put(w, key, s, (size_t)snprintf(s, sizeof s, "%llu", v));
}

/* The ring's bytes, oldest first. */
static void
putring(struct hp_howr *w, const struct hp_term *t)
{
	char *b = hp_xmalloc(t->len + 1);
	size_t k = t->cap - t->start < t->len ? t->cap - t->start : t->len;

	if (t->len > 0) {
		memcpy(b, t->ring + t->start, k);
		memcpy(b + k, t->ring, t->len - k);
	}
	hp_ho_put(w, "ring", b, t->len);
	free(b);
}

/* What a draw of the screen leaves out (the comment above). */
static void
putscreen(struct hp_howr *w, const struct hp_term *t)
{
	const struct hp_vt *vt = t->vt;
	struct hp_buf b = { 0 };
	char key[16];
	int i;

	hp_ho_putint(w, "vcols", vt->tcols);
	hp_ho_putint(w, "vrows", vt->trows);
	hp_vt_draw(vt, &b);
	putbuf(w, "screen", &b, 0);
	b.len = 0;
	hp_ho_putint(w, "wrapnext", vt->cur.wrapnext);
	hp_ho_putint(w, "last", (long long)vt->last);
	hp_ho_putint(w, "titled", (long long)vt->titled);
	for (i = 0; i < vt->ntitles; i++) {
		snprintf(key, sizeof key, "title%d", i);
		hp_ho_putstr(w, key, vt->titles[i]);
	}
	for (i = 0; i < vt->nother; i++)
		hp_buf_printf(&b, "%s%u=%d ", vt->other[i].dec ? "?" : "",
		    (unsigned)vt->other[i].n, vt->other[i].on);
	putbuf(w, "other", &b, 0);
	hp_buf_free(&b);
}

static void
putclient(struct hp_howr *w, const struct hp_proc *p,
    const struct tclient *c)
{
	char name[2 * HP_NAME_MAX + 8];

	snprintf(name, sizeof name, "%s %s", p->spec.name, c->id);
	hp_ho_section(w, "tclient", name);
	hp_ho_putfd(w, "out", c->out);
	hp_ho_putfd(w, "in", c->in);
	putull(w, "pos", c->pos);
	putull(w, "lost", c->lost);
	hp_ho_putint(w, "told", c->told);
	hp_ho_putint(w, "took", c->took);
	if (c->mark != NODRAW)		/* it is, when quiet */
		putull(w, "mark", c->mark);
	putbuf(w, "draw", &c->draw, 0);
	putull(w, "drawn", c->drawn);
	hp_ho_putint(w, "marked", c->marked);
	hp_ho_putint(w, "nodraw", c->nodraw);
}

void
hp_term_handover(struct hp_howr *w, const struct hp_proc *p)
{
	const struct hp_term *t = p->term;
	const struct tclient *c;
	char why[128];

	if (t == NULL)
		return;
	hp_ho_section(w, "term", p->spec.name);
	/* Not at a clean point: the new side refuses it. */
	if (!hp_term_quiet(p, why, sizeof why))
		hp_ho_putint(w, "unquiet", 1);
	hp_ho_putfd(w, "master", t->master);
	hp_ho_putstr(w, "tty", t->tty);
	hp_ho_putint(w, "cols", t->cols);
	hp_ho_putint(w, "rows", t->rows);
	putring(w, t);
	putull(w, "head", t->head);
	putull(w, "cap", t->cap);
	putull(w, "max", t->max);
	putbuf(w, "typed", &t->typed, t->off);
	hp_ho_putint(w, "dirty", t->dirty);
	hp_ho_putint(w, "ended", t->ended);
	hp_ho_putint(w, "code", t->code);
	hp_ho_putint(w, "sig", t->sig);
	hp_ho_putint(w, "linger", t->linger);
	hp_ho_putint(w, "busy", t->busy);
	hp_ho_putint(w, "quiet_at", t->quiet_at);
	hp_ho_putint(w, "tick_at", t->tick_at);
	putull(w, "burst", t->burst);
	putull(w, "told", t->told);
	hp_ho_putint(w, "fg", (long long)t->fg);
	hp_ho_putstr(w, "fgcomm", t->fgcomm);
	hp_ho_putint(w, "fg_at", t->fg_at);
	hp_ho_putint(w, "ttitled", (long long)t->titled);
	putscreen(w, t);
	for (c = t->clients; c != NULL; c = c->next)
		putclient(w, p, c);
}

/* A number that must be there: 0, or -1. */
static int
num(const struct hp_hosec *sec, const char *key, long long lo, long long hi,
    long long *v)
{
	if (hp_ho_get(sec, key, NULL) == NULL)
		return -1;
	*v = hp_ho_int(sec, key, lo - 1);
	return *v < lo || *v > hi ? -1 : 0;
}

/* The same, unsigned (positions in the output). */
static int
unum(const struct hp_hosec *sec, const char *key, unsigned long long *v)
{
	const char *s = hp_ho_get(sec, key, NULL);
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return *end != '\0' || *v == ULLONG_MAX ? -1 : 0;
}

/* The screen, made anew from its draw and the records beside it. */
static struct hp_vt *
getscreen(const struct hp_hosec *sec)
{
	static char out[CHUNK + HP_VT_HOLD];
	struct hp_buf ans = { 0 };
	struct hp_vt *vt;
	long long cols, rows, v, on;
	const char *d, *o;
	char key[16], *end;
	size_t n, m, k, used;
	int i;

	if (num(sec, "vcols", 1, 65535, &cols) == -1 ||
	    num(sec, "vrows", 1, 65535, &rows) == -1 ||
	    (d = hp_ho_get(sec, "screen", &n)) == NULL ||
	    (o = hp_ho_get(sec, "other", NULL)) == NULL)
		return NULL;
	vt = hp_vt_new((int)cols, (int)rows);
	for (; n > 0; d += used, n -= used) {
		k = n < CHUNK ? n : CHUNK;
		used = hp_vt_feed(vt, d, k, out, &m, &ans, 0);
	}
	hp_buf_free(&ans);
	vt->cur.wrapnext = (int)hp_ho_int(sec, "wrapnext", 0);
	vt->last = (uint32_t)hp_ho_int(sec, "last", 0);
	vt->titled = (unsigned)hp_ho_int(sec, "titled", 0);
	for (i = 0; i < VT_TITLES; i++) {
		snprintf(key, sizeof key, "title%d", i);
		if (hp_ho_get(sec, key, NULL) == NULL)
			break;
		vt->titles[vt->ntitles++] = hp_xstrdup(hp_ho_str(sec, key, ""));
	}
	for (vt->nother = 0; *o != '\0' && vt->nother < VT_OTHER;
	    vt->nother++) {
		vt->other[vt->nother].dec = *o == '?';
		o += *o == '?';
		v = strtoll(o, &end, 10);
		if (end == o || *end != '=' || v < 0 || v > 65535)
			break;
		on = strtoll(end + 1, &end, 10);
		if (*end != ' ')
			break;
		vt->other[vt->nother].n = (uint16_t)v;
		vt->other[vt->nother].on = on != 0;
		o = end + 1;
	}
	if (!hp_vt_clean(vt) || vt->nhold > 0 || *o != '\0') {
		hp_vt_free(vt);
		return NULL;
	}
	return vt;
}

/*
 * Its memory alone, not its descriptors nor its FIFOs: a takeover that
 * fails, or (the tests) the old side of one in the same process.
 */
void
hp_term_forget(struct hp_term *t)
{
	struct tclient *c;

	while ((c = t->clients) != NULL) {
		t->clients = c->next;
		hp_buf_free(&c->draw);
		free(c);
	}
	free(t->ring);
	hp_buf_free(&t->typed);
	hp_vt_free(t->vt);
	free(t);
}

/* The ring, head and sizes: 0, or -1. */
static int
getring(struct hp_term *t, const struct hp_hosec *sec)
{
	unsigned long long cap, max;
	const char *r;
	size_t n;

	if ((r = hp_ho_get(sec, "ring", &n)) == NULL ||
	    unum(sec, "head", &t->head) == -1 || unum(sec, "cap", &cap) == -1 ||
	    unum(sec, "max", &max) == -1 || n > cap || cap > max ||
	    max > SIZE_MAX / 2 || t->head < n)
		return -1;
	t->cap = (size_t)cap;
	t->max = (size_t)max;
	t->len = n;
	t->start = 0;
	if (cap > 0) {
		t->ring = hp_xcalloc(1, t->cap);
		memcpy(t->ring, r, n);
	}
	return 0;
}

/* One client, in the state it was; NULL if its records are wrong. */
static struct tclient *
getclient(const struct hp_term *t, const struct hp_hosec *sec,
    const char *id)
{
	struct tclient *c = hp_xcalloc(1, sizeof *c);
	unsigned long long drawn;
	const char *d;
	size_t n;

	hp_copy(c->id, sizeof c->id, id);
	c->out = hp_ho_fd(sec, "out");
	c->in = hp_ho_fd(sec, "in");
	if (c->out == -1 || c->in == -1 || !hp_name_ok(id) ||
	    unum(sec, "pos", &c->pos) == -1 || c->pos > t->head ||
	    unum(sec, "lost", &c->lost) == -1 ||
	    unum(sec, "mark", &c->mark) == -1 || c->mark > t->head ||
	    (d = hp_ho_get(sec, "draw", &n)) == NULL ||
	    unum(sec, "drawn", &drawn) == -1 || drawn > n ||
	    num(sec, "took", LLONG_MIN + 1, LLONG_MAX, &c->took) == -1) {
		free(c);
		return NULL;
	}
	hp_buf_add(&c->draw, d, n);
	c->drawn = (size_t)drawn;
	c->told = hp_ho_int(sec, "told", 0) != 0;
	c->marked = hp_ho_int(sec, "marked", 0) != 0;
	c->nodraw = hp_ho_int(sec, "nodraw", 0) != 0;
	return c;
}

/* Its clients, in the order they were: 0, or -1. */
static int
getclients(struct hp_term *t, const struct hp_proc *p,
    const struct hp_hord *h)
{
	const struct hp_hosec *sec;
	struct tclient *c, **tail = &t->clients;
	size_t k = strlen(p->spec.name);
	int i = 0;

	while ((sec = hp_ho_next(h, "tclient", &i)) != NULL) {
		if (strncmp(sec->name, p->spec.name, k) != 0 ||
		    sec->name[k] != ' ')
			continue;
		if ((c = getclient(t, sec, sec->name + k + 1)) == NULL)
			return -1;
		*tail = c;
		tail = &c->next;
		t->nclients++;
	}
	return 0;
}

/* The rest of the terminal's own state. */
static int
getstate(struct hp_term *t, const struct hp_hosec *sec)
{
	const char *typed;
	long long v;
	size_t n;

	if (num(sec, "cols", 0, 65535, &v) == -1)
		return -1;
	t->cols = (int)v;
	if (num(sec, "rows", 0, 65535, &v) == -1)
		return -1;
	t->rows = (int)v;
	if ((typed = hp_ho_get(sec, "typed", &n)) == NULL ||
	    unum(sec, "burst", &t->burst) == -1 ||
	    unum(sec, "told", &t->told) == -1)
		return -1;
	hp_buf_add(&t->typed, typed, n);
	hp_copy(t->tty, sizeof t->tty, hp_ho_str(sec, "tty", ""));
	hp_copy(t->fgcomm, sizeof t->fgcomm, hp_ho_str(sec, "fgcomm", ""));
	t->dirty = hp_ho_int(sec, "dirty", 0) != 0;
	t->ended = hp_ho_int(sec, "ended", 0) != 0;
	t->code = (int)hp_ho_int(sec, "code", 0);
	t->sig = (int)hp_ho_int(sec, "sig", 0);
	t->linger = hp_ho_int(sec, "linger", 0);
	t->busy = hp_ho_int(sec, "busy", 0) != 0;
	t->quiet_at = hp_ho_int(sec, "quiet_at", 0);
	t->tick_at = hp_ho_int(sec, "tick_at", 0);
	t->fg = (pid_t)hp_ho_int(sec, "fg", 0);
	t->fg_at = hp_ho_int(sec, "fg_at", 0);
	t->titled = (unsigned)hp_ho_int(sec, "ttitled", 0);
	return 0;
}

int
hp_term_takeover(struct hp_super *s, struct hp_proc *p,
    const struct hp_hord *h)
{
	const struct hp_hosec *sec;
	struct hp_term *t;

	if ((sec = hp_ho_sub(h, "term", p->spec.name)) == NULL)
		return 0;
	if (p->term != NULL || hp_ho_int(sec, "unquiet", 0) != 0)
		return -1;
	t = hp_xcalloc(1, sizeof *t);
	t->st = s->st;
	t->name = p->spec.name;
	t->master = -1;
	if (hp_ho_get(sec, "master", NULL) != NULL &&
	    (t->master = hp_ho_fd(sec, "master")) == -1)
		goto bad;
	if (getstate(t, sec) == -1 || getring(t, sec) == -1 ||
	    (t->vt = getscreen(sec)) == NULL || getclients(t, p, h) == -1)
		goto bad;
	p->term = t;
	return 0;
bad:
	hp_term_forget(t);
	return -1;
}
