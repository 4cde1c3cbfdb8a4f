/* hp: see LICENSE. */
/* vtdraw.c: a terminal's screen drawn for a client that attaches. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/vt.h"

/*
 * A client that attaches is drawn the screen as it is: whatever it
 * showed before (the replay, or another screen) is put back to a known
 * state, then the normal screen's cells are drawn, each screen's saved
 * cursor set, the alternate screen shown and drawn if it is in use, and
 * last the modes, the region, the tab stops, the character sets, the
 * title, the cursor and the pen. Cells never written stay empty (erased,
 * not spaces), as a terminal has them.
 */
#define ESC	"\033"

static void
put(struct hp_buf *b, uint32_t c)
{
	char u[4];

	hp_buf_add(b, u, hp_vt_utf8(c, u));
}

static void
colour(struct hp_buf *b, uint32_t c, int base)
{
	uint32_t v = c & 0xffffff;

	if ((c & C_KIND) == C_PALETTE && v < 8)
		hp_buf_printf(b, ";%u", base + v);
	else if ((c & C_KIND) == C_PALETTE && v < 16)
		hp_buf_printf(b, ";%u", base + 60 + v - 8);
	else if ((c & C_KIND) == C_P256)
		hp_buf_printf(b, ";%u;5;%u", base + 8, v);
	else if ((c & C_KIND) == C_RGB)
		hp_buf_printf(b, ";%u;2;%u;%u;%u", base + 8, v >> 16,
		    v >> 8 & 0xff, v & 0xff);
}

/* The SGR parameters of a pen, from a reset: "0;1;31" (csi: as ESC[...m). */
void
hp_vt_sgr(const struct hp_vt *vt, uint32_t a, uint32_t fg, uint32_t bg,
    struct hp_buf *b, int csi)
{
	uint32_t ul = (a & A_UL) >> A_UL_SHIFT;

	(void)vt;
	if (csi)
		hp_buf_adds(b, ESC "[");
	hp_buf_adds(b, "0");
	if (a & A_BOLD)
		hp_buf_adds(b, ";1");
	if (a & A_DIM)
		hp_buf_adds(b, ";2");
	if (a & A_ITALIC)
		hp_buf_adds(b, ";3");
	if (ul == 1)
		hp_buf_adds(b, ";4");
	else if (ul > 1)
		hp_buf_printf(b, ";4:%u", ul);
	if (a & A_BLINK)
		hp_buf_adds(b, ";5");
	if (a & A_INVERSE)
		hp_buf_adds(b, ";7");
	if (a & A_INVISIBLE)
		hp_buf_adds(b, ";8");
	if (a & A_STRIKE)
		hp_buf_adds(b, ";9");
	if (a & A_OVERLINE)
		hp_buf_adds(b, ";53");
	colour(b, fg, 30);
	colour(b, bg, 40);
	if (csi)
		hp_buf_addc(b, 'm');
}

struct pen {
	uint32_t	a, fg, bg;
	int		set;
};

static void
pento(const struct hp_vt *vt, struct pen *p, uint32_t a, uint32_t fg,
    uint32_t bg, struct hp_buf *b)
{
	a &= A_ALL;
	if (p->set && p->a == a && p->fg == fg && p->bg == bg)
		return;
	hp_vt_sgr(vt, a, fg, bg, b, 1);
	p->a = a;
	p->fg = fg;
	p->bg = bg;
	p->set = 1;
}

static void
cell(const struct hp_vt *vt, const struct vcell *c, struct hp_buf *b)
{
	uint32_t cp = c->ch & VT_CP;
	int i;

	if (cp >= VT_COMB && cp < VT_WIDE_TAIL) {
		for (i = 0; i < 4 && vt->comb[cp - VT_COMB][i] != 0; i++)
			put(b, vt->comb[cp - VT_COMB][i]);
	} else
		put(b, cp);
}

static void
cup(struct hp_buf *b, int y, int x)
{
	hp_buf_printf(b, ESC "[%d;%dH", y + 1, x + 1);
}

/* Cell x, y erased again with its background (ECH), after a stand-in. */
static void
unstand(const struct hp_vt *vt, const struct vscreen *sc, int x, int y,
    struct hp_buf *b, struct pen *p)
{
	const struct vcell *c = &sc->row[y].c[x];

	cup(b, y, x);
	pento(vt, p, 0, c->fg, c->bg, b);
	hp_buf_adds(b, ESC "[X");
}

/*
 * Row y goes on from the row above: the terminal must wrap into it. From
 * the last column of the row above, with its wrap pending (its last
 * character written again, or a space standing in), row y's first cell
 * is written (or a space for it). Returns which stand-ins to erase
 * again: 1 above, 2 here.
 */
static int
wrapinto(const struct hp_vt *vt, const struct vscreen *sc, int y, int pend,
    struct hp_buf *b, struct pen *p)
{
	const struct vcell *up = &sc->row[y - 1].c[vt->cols - 1];
	const struct vcell *c = &sc->row[y].c[0];
	int fix = 0;

	if (!pend) {
		if (up->ch == VT_WIDE_TAIL && vt->cols > 1)
			up--;
		cup(b, y - 1, (int)(up - sc->row[y - 1].c));
		if (up->ch != 0 && up->ch != VT_WIDE_TAIL) {
			pento(vt, p, up->ch, up->fg, up->bg, b);
			cell(vt, up, b);
		} else {
			hp_buf_addc(b, ' ');
			fix |= 1;
		}
	}
	if (c->ch != 0 && c->ch != VT_WIDE_TAIL) {
		pento(vt, p, c->ch, c->fg, c->bg, b);
		cell(vt, c, b);
	} else {
		hp_buf_addc(b, ' ');
		fix |= 2;
	}
	return fix;
}

/*
 * One screen's cells, on a terminal just cleared: runs of written cells
 * drawn, empty ones skipped, or erased with ECH where their background
 * is not the default. A row that goes on from the one above is reached
 * by wrapping, not by moving there, so that the terminal knows it so.
 */
static void
grid(const struct hp_vt *vt, const struct vscreen *sc, struct hp_buf *b,
    struct pen *p)
{
	const struct vcell *r, *c;
	int x, y, k, at, pend = 0, fix;

	for (y = 0; y < vt->rows; y++) {
		r = sc->row[y].c;
		at = -1;	/* where the terminal's cursor is in the row */
		fix = 0;
		x = 0;
		if (y > 0 && sc->row[y].wrapped) {
			fix = wrapinto(vt, sc, y, pend, b, p);
			at = x = r[0].ch != 0 && r[1 % vt->cols].ch ==
			    VT_WIDE_TAIL && vt->cols > 1 ? 2 : 1;
		}
		pend = 0;
		for (; x < vt->cols; x++) {
			c = &r[x];
			if (c->ch == VT_WIDE_TAIL)
				continue;
			if (c->ch == 0) {
				for (k = x; k < vt->cols && r[k].ch == 0 &&
				    r[k].bg == c->bg && r[k].fg == c->fg; k++)
					;
				if (c->bg != C_DEFAULT) {
					if (at != x)
						cup(b, y, x);
					pento(vt, p, 0, c->fg, c->bg, b);
					hp_buf_printf(b, ESC "[%dX", k - x);
					at = x;
				}
				x = k - 1;
				continue;
			}
			if (at != x)
				cup(b, y, x);
			pento(vt, p, c->ch, c->fg, c->bg, b);
			cell(vt, c, b);
			at = x + (x + 1 < vt->cols && r[x + 1].ch ==
			    VT_WIDE_TAIL ? 2 : 1);
			if (at >= vt->cols)
				pend = 1;	/* the wrap is pending */
		}
		if (fix & 1)
			unstand(vt, sc, vt->cols - 1, y - 1, b, p);
		if (fix & 2)
			unstand(vt, sc, 0, y, b, p);
		if (fix)
			pend = 0;
	}
}

static void
charsets(const struct vcur *c, struct hp_buf *b)
{
	static const char g[] = "()*+";
	int i;

	for (i = 0; i < 4; i++)
		if (c->cs[i] != 'B')
			hp_buf_printf(b, ESC "%c%c", g[i], c->cs[i]);
	if (c->gl == 1)
		hp_buf_addc(b, 0x0e);
	else if (c->gl > 1)
		hp_buf_printf(b, ESC "%c", c->gl == 2 ? 'n' : 'o');
}

/* The cursor at c, with its pen and character sets, as DECSC keeps it. */
static void
cursor(const struct hp_vt *vt, const struct vcur *c, struct hp_buf *b,
    struct pen *p)
{
	hp_buf_printf(b, ESC "[%d;%dH", c->y + 1, c->x + 1);
	pento(vt, p, c->attr, c->fg, c->bg, b);
	charsets(c, b);
}

static void
saved(const struct hp_vt *vt, const struct vscreen *sc, struct hp_buf *b,
    struct pen *p)
{
	if (!sc->has_saved)
		return;
	if (sc->saved.origin)
		hp_buf_adds(b, ESC "[?6h");
	cursor(vt, &sc->saved, b, p);
	hp_buf_adds(b, ESC "7");
	/* Back to the defaults the rest expects. */
	hp_buf_adds(b, ESC "(B" ESC ")B" ESC "*B" ESC "+B\017");
	if (sc->saved.origin)
		hp_buf_adds(b, ESC "[?6l");
}

static void
tabstops(const struct hp_vt *vt, struct hp_buf *b)
{
	int x;

	if (!vt->tabset)
		return;
	hp_buf_adds(b, ESC "[3g");
	for (x = 0; x < vt->cols; x++)
		if (vt->tabs[x])
			hp_buf_printf(b, ESC "[%dG" ESC "H", x + 1);
}

static void
modes(const struct hp_vt *vt, struct hp_buf *b)
{
	int i;

	for (i = 0; i < vt->nother; i++)
		hp_buf_printf(b, ESC "[%s%u%c", vt->other[i].dec ? "?" : "",
		    (unsigned)vt->other[i].n, vt->other[i].on ? 'h' : 'l');
	if (!(vt->mode & M_WRAP))
		hp_buf_adds(b, ESC "[?7l");
	if (vt->mode & M_KEYPAD)
		hp_buf_adds(b, ESC "=");
	if (vt->cstyle != 0)
		hp_buf_printf(b, ESC "[%d q", vt->cstyle);
	if (vt->title[0] != '\0')
		hp_buf_printf(b, ESC "]2;%s\007", vt->title);
	for (i = 0; i < 3; i++)
		if (vt->colour[i] != NULL)
			hp_buf_printf(b, ESC "]%d;%s\007", 10 + i,
			    vt->colour[i]);
}

/*
 * The cursor where it is, its pen and character sets; in the last
 * column with a wrap pending, its character is written again there (a
 * space if it has none), so that the terminal waits to wrap as the
 * screen does.
 */
static void
here(const struct hp_vt *vt, struct hp_buf *b, struct pen *p)
{
	const struct vcur *c = &vt->cur;
	const struct vcell *at = &vt->scr[vt->alt].row[c->y].c[c->x];
	int y = c->y;

	if (vt->top != 0 || vt->bot != vt->rows - 1)
		hp_buf_printf(b, ESC "[%d;%dr", vt->top + 1, vt->bot + 1);
	if (vt->mode & M_ORIGIN) {
		hp_buf_adds(b, ESC "[?6h");
		y -= vt->top;
	}
	hp_buf_printf(b, ESC "[%d;%dH", y + 1, c->x + 1);
	if (c->wrapnext && at->ch != VT_WIDE_TAIL) {
		/* An empty cell can only be a space for that. */
		pento(vt, p, at->ch, at->fg, at->bg, b);
		if (at->ch != 0)
			cell(vt, at, b);
		else
			hp_buf_addc(b, ' ');
	}
	pento(vt, p, c->attr, c->fg, c->bg, b);
	charsets(c, b);
	if (vt->mode & M_INSERT)
		hp_buf_adds(b, ESC "[4h");
	if (vt->mode & M_LNM)
		hp_buf_adds(b, ESC "[20h");
	hp_buf_adds(b, vt->mode & M_CURSOR ? ESC "[?25h" : ESC "[?25l");
}

void
hp_vt_draw(const struct hp_vt *vt, struct hp_buf *b)
{
	struct pen p = { 0, 0, 0, 0 };

	/* Whatever the terminal showed: its normal screen, reset, clear. */
	hp_buf_adds(b, ESC "[?1049l" ESC "[!p" ESC "[?25l" ESC "[r"
	    ESC "[?6l" ESC "[?7h" ESC "[4l" ESC ">" ESC "(B" ESC ")B"
	    ESC "*B" ESC "+B\017" ESC "[0m" ESC "[H" ESC "[2J");
	p.set = 1;
	grid(vt, &vt->scr[0], b, &p);
	saved(vt, &vt->scr[0], b, &p);
	if (vt->alt) {
		pento(vt, &p, 0, C_DEFAULT, C_DEFAULT, b);
		hp_buf_adds(b, ESC "[?1047h" ESC "[H" ESC "[2J");
		grid(vt, &vt->scr[1], b, &p);
		saved(vt, &vt->scr[1], b, &p);
	}
	tabstops(vt, b);
	modes(vt, b);
	here(vt, b, &p);
}
