/* hp: see LICENSE. */
/* vtsame.c: whether two screens show the same, for the tests of a draw. */

#include <stdio.h>
#include <string.h>

#include "hp.h"
#include "super/vt.h"

/*
 * What a client must see after a draw is what the screen had: a screen
 * that reads the draw is the same as the one drawn. This says where
 * they differ, in why, or returns 1. What a draw does not carry on
 * purpose is not looked at: which entry of the table a combined
 * character has, the foreground of an empty cell, the wrap of the top
 * row, the space that stands in an empty cell with a wrap pending.
 */
static int
cp(const struct hp_vt *vt, uint32_t ch, uint32_t out[4])
{
	uint32_t c = ch & VT_CP;

	memset(out, 0, 4 * sizeof *out);
	if (c >= VT_COMB && c < VT_WIDE_TAIL)
		memcpy(out, vt->comb[c - VT_COMB], 4 * sizeof *out);
	else
		out[0] = c;
	return 0;
}

static int
cells(const struct hp_vt *a, const struct hp_vt *b, int s, char *why,
    size_t n)
{
	const struct vscreen *sa = &a->scr[s], *sb = &b->scr[s];
	const struct vcell *x, *y;
	uint32_t ca[4], cb[4];
	int r, c;

	for (r = 0; r < a->rows; r++)
		for (c = 0; c < a->cols; c++) {
			x = &sa->row[r].c[c];
			y = &sb->row[r].c[c];
			cp(a, x->ch, ca);
			cp(b, y->ch, cb);
			/* A wrap pending on an empty cell is drawn with a
			 * space there. */
			if (s == a->alt && r == a->cur.y && c == a->cur.x &&
			    a->cur.wrapnext && x->ch == 0 && cb[0] == ' ')
				cb[0] = 0;
			if (memcmp(ca, cb, sizeof ca) != 0 || x->bg != y->bg ||
			    (x->ch != 0 && ((x->ch & A_ALL) != (y->ch & A_ALL) ||
			    x->fg != y->fg))) {
				snprintf(why, n, "screen %d, cell %d,%d: "
				    "%x/%x/%x, drawn %x/%x/%x", s, c, r, x->ch,
				    x->fg, x->bg, y->ch, y->fg, y->bg);
				return 0;
			}
		}
	for (r = 1; r < a->rows; r++)
		if (sa->row[r].wrapped != sb->row[r].wrapped) {
			snprintf(why, n, "screen %d, row %d: wrapped %d, "
			    "drawn %d", s, r, sa->row[r].wrapped,
			    sb->row[r].wrapped);
			return 0;
		}
	return 1;
}

static int
cursors(const struct vcur *x, const struct vcur *y, int pending)
{
	return x->x == y->x && x->y == y->y && x->attr == y->attr &&
	    x->fg == y->fg && x->bg == y->bg && x->gl == y->gl &&
	    memcmp(x->cs, y->cs, sizeof x->cs) == 0 &&
	    (!pending || x->wrapnext == y->wrapnext);
}

int
hp_vt_same(const struct hp_vt *a, const struct hp_vt *b, char *why,
    size_t n)
{
	const struct vcell *at;
	int s, m, dec, i;

	if (a->cols != b->cols || a->rows != b->rows || a->alt != b->alt) {
		snprintf(why, n, "size %dx%d alt %d, drawn %dx%d alt %d",
		    a->cols, a->rows, a->alt, b->cols, b->rows, b->alt);
		return 0;
	}
	for (s = 0; s <= a->alt; s++) {
		if (!cells(a, b, s, why, n))
			return 0;
		if (a->scr[s].has_saved && (!b->scr[s].has_saved ||
		    !cursors(&a->scr[s].saved, &b->scr[s].saved, 0) ||
		    a->scr[s].saved.origin != b->scr[s].saved.origin)) {
			snprintf(why, n, "screen %d: saved cursor", s);
			return 0;
		}
	}
	at = &a->scr[a->alt].row[a->cur.y].c[a->cur.x];
	if (!cursors(&a->cur, &b->cur, at->ch != VT_WIDE_TAIL)) {
		snprintf(why, n, "cursor %d,%d wrap %d pen %x/%x/%x gl %d, "
		    "drawn %d,%d wrap %d pen %x/%x/%x gl %d", a->cur.x,
		    a->cur.y, a->cur.wrapnext, a->cur.attr, a->cur.fg,
		    a->cur.bg, a->cur.gl, b->cur.x, b->cur.y, b->cur.wrapnext,
		    b->cur.attr, b->cur.fg, b->cur.bg, b->cur.gl);
		return 0;
	}
	if (a->mode != b->mode || a->top != b->top || a->bot != b->bot ||
	    a->cstyle != b->cstyle || strcmp(a->title, b->title) != 0) {
		snprintf(why, n, "modes %x region %d-%d style %d title "
		    "\"%s\", drawn %x %d-%d %d \"%s\"", a->mode, a->top,
		    a->bot, a->cstyle, a->title, b->mode, b->top, b->bot,
		    b->cstyle, b->title);
		return 0;
	}
	for (i = 0; i < a->nother + b->nother; i++) {
		m = i < a->nother ? a->other[i].n : b->other[i - a->nother].n;
		dec = i < a->nother ? a->other[i].dec :
		    b->other[i - a->nother].dec;
		if (hp_vt_mode(a, m, dec) != hp_vt_mode(b, m, dec)) {
			snprintf(why, n, "mode %s%d: %d, drawn %d",
			    dec ? "?" : "", m, hp_vt_mode(a, m, dec),
			    hp_vt_mode(b, m, dec));
			return 0;
		}
	}
	if (memcmp(a->tabs, b->tabs, (size_t)a->cols) != 0) {
		snprintf(why, n, "tab stops");
		return 0;
	}
	for (i = 0; i < 3; i++)
		if ((a->colour[i] == NULL) != (b->colour[i] == NULL) ||
		    (a->colour[i] != NULL &&
		    strcmp(a->colour[i], b->colour[i]) != 0)) {
			snprintf(why, n, "colour %d", 10 + i);
			return 0;
		}
	return 1;
}
