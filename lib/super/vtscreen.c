/* hp: see LICENSE. */
/* vtscreen.c: the grid of a terminal: what its program's output does. */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/vt.h"

/*
 * The grid follows xterm (and xterm.js, which front ends use): a pen of
 * attributes and colours, erasing with the pen's background, a scroll
 * region, autowrap with the wrap pending in the last column, insert
 * mode, origin mode, tab stops, G0-G3 with DEC's line drawing, wide
 * characters, combining marks, the alternate screen (fresh each time it
 * is shown, as xterm.js has it), DECSC for each screen. What scrolls off
 * the top is gone: the scrollback is the supervisor's ring of bytes.
 */
#define COMB_MAX	256	/* combined characters kept, at most */

int
hp_vt_grid(struct vscreen *sc, int cols, int rows)
{
	int y;

	sc->row = calloc((size_t)rows, sizeof *sc->row);
	sc->cell = calloc((size_t)rows * (size_t)cols, sizeof *sc->cell);
	if (sc->row == NULL || sc->cell == NULL) {
		free(sc->row);
		free(sc->cell);
		sc->row = NULL;
		sc->cell = NULL;
		return -1;
	}
	for (y = 0; y < rows; y++)
		sc->row[y].c = sc->cell + (size_t)y * (size_t)cols;
	return 0;
}

void
hp_vt_ungrid(struct vscreen *sc)
{
	free(sc->row);
	free(sc->cell);
	memset(sc, 0, sizeof *sc);
}

/* What an erased cell is: nothing, on the pen's background. */
struct vcell
hp_vt_blank(const struct hp_vt *vt)
{
	struct vcell c;

	c.ch = 0;
	c.fg = C_DEFAULT;
	c.bg = vt->cur.bg;
	return c;
}

void
hp_vt_erase(struct hp_vt *vt, int y, int x0, int x1)
{
	struct vcell b = hp_vt_blank(vt), *r = VT_SCREEN(vt)->row[y].c;
	int x;

	if (x0 < 0)
		x0 = 0;
	if (x1 > vt->cols)
		x1 = vt->cols;
	/* Half a wide character left at either edge goes too. */
	if (x0 > 0 && x0 < vt->cols && r[x0].ch == VT_WIDE_TAIL)
		r[x0 - 1] = b;
	if (x1 < vt->cols && x1 > 0 && r[x1].ch == VT_WIDE_TAIL)
		r[x1] = b;
	for (x = x0; x < x1; x++)
		r[x] = b;
}

/* A row made new: erased, and no longer going on from the one above. */
void
hp_vt_wipe(struct hp_vt *vt, int y)
{
	hp_vt_erase(vt, y, 0, vt->cols);
	VT_SCREEN(vt)->row[y].wrapped = 0;
}

void
hp_vt_tabs(struct hp_vt *vt)
{
	int x;

	free(vt->tabs);
	vt->tabs = hp_xcalloc((size_t)vt->cols, 1);
	for (x = 8; x < vt->cols; x += 8)
		vt->tabs[x] = 1;
	vt->tabset = 0;
}

static void
pen(struct vcur *c)
{
	c->attr = 0;
	c->fg = c->bg = C_DEFAULT;
	memset(c->cs, 'B', sizeof c->cs);
	c->gl = 0;
}

/* RIS: all as it was when the terminal was new; the title stays. */
void
hp_vt_reset(struct hp_vt *vt)
{
	int y, i;

	if (vt->alt) {
		hp_vt_ungrid(&vt->scr[1]);
		vt->alt = 0;
	}
	memset(&vt->cur, 0, sizeof vt->cur);
	pen(&vt->cur);
	vt->scr[0].has_saved = 0;
	vt->mode = M_WRAP | M_CURSOR;
	vt->nother = 0;
	vt->cstyle = 0;
	vt->top = 0;
	vt->bot = vt->rows - 1;
	vt->ncomb = 0;
	for (i = 0; i < 3; i++) {
		free(vt->colour[i]);
		vt->colour[i] = NULL;
	}
	for (y = 0; y < vt->rows; y++)
		hp_vt_wipe(vt, y);
	hp_vt_tabs(vt);
}

/* Copy sc's cells into a grid of cols x rows, from its row shift on. */
static void
regrid(struct vscreen *sc, int oc, int or, int cols, int rows, int shift)
{
	struct vscreen n;
	int y, w = oc < cols ? oc : cols;

	memset(&n, 0, sizeof n);
	if (hp_vt_grid(&n, cols, rows) == -1)
		return;			/* it stays as it was */
	for (y = 0; y < rows && y + shift < or; y++) {
		if (y + shift < 0)
			continue;
		memcpy(n.row[y].c, sc->row[y + shift].c, (size_t)w *
		    sizeof *n.cell);
		if (w < oc && n.row[y].c[w - 1].ch != VT_WIDE_TAIL &&
		    sc->row[y + shift].c[w].ch == VT_WIDE_TAIL)
			n.row[y].c[w - 1].ch = 0;
		n.row[y].wrapped = w == oc ? sc->row[y + shift].wrapped : 0;
	}
	n.saved = sc->saved;
	n.has_saved = sc->has_saved;
	n.saved.y -= shift;
	free(sc->row);
	free(sc->cell);
	*sc = n;
}

int
hp_vt_clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * A new size. Rows go from the top when the cursor would be below the
 * new last one, else from the bottom, as in xterm; nothing reflows.
 */
void
hp_vt_resize(struct hp_vt *vt, int cols, int rows)
{
	int oc = vt->cols, or = vt->rows, shift, i;

	vt->tcols = cols;
	vt->trows = rows;
	cols = hp_vt_clamp(cols, 1, HP_VT_COLS);
	rows = hp_vt_clamp(rows, 1, HP_VT_ROWS);
	if (cols == oc && rows == or)
		return;
	for (i = 0; i < 2; i++) {
		if (i == 1 && !vt->alt)
			continue;
		if (vt->scr[i].row == NULL) {
			if (hp_vt_grid(&vt->scr[i], cols, rows) == -1)
				return;
			continue;
		}
		shift = i == vt->alt ? vt->cur.y + 1 - rows :
		    vt->scr[i].saved.y + 1 - rows;
		regrid(&vt->scr[i], oc, or, cols, rows, shift > 0 ? shift : 0);
		if (i == vt->alt && shift > 0)
			vt->cur.y -= shift;
	}
	if (vt->scr[vt->alt].row == NULL || (vt->cols != 0 &&
	    (vt->scr[0].row == NULL)))
		return;
	vt->cols = cols;
	vt->rows = rows;
	vt->cur.x = hp_vt_clamp(vt->cur.x, 0, cols - 1);
	vt->cur.y = hp_vt_clamp(vt->cur.y, 0, rows - 1);
	vt->cur.wrapnext = 0;
	for (i = 0; i < 2; i++) {
		vt->scr[i].saved.x = hp_vt_clamp(vt->scr[i].saved.x, 0, cols - 1);
		vt->scr[i].saved.y = hp_vt_clamp(vt->scr[i].saved.y, 0, rows - 1);
	}
	vt->top = 0;
	vt->bot = rows - 1;
	if (oc != cols || vt->tabs == NULL)
		hp_vt_tabs(vt);
}

/* Rows top..bot move up n; new ones come blank at the bottom. */
void
hp_vt_scrollup(struct hp_vt *vt, int top, int bot, int n)
{
	struct vscreen *sc = VT_SCREEN(vt);
	struct vrow r;
	int i, y;

	n = hp_vt_clamp(n, 0, bot - top + 1);
	for (i = 0; i < n; i++) {
		r = sc->row[top];
		for (y = top; y < bot; y++)
			sc->row[y] = sc->row[y + 1];
		sc->row[bot] = r;
		hp_vt_wipe(vt, bot);
	}
}

void
hp_vt_scrolldown(struct hp_vt *vt, int top, int bot, int n)
{
	struct vscreen *sc = VT_SCREEN(vt);
	struct vrow r;
	int i, y;

	n = hp_vt_clamp(n, 0, bot - top + 1);
	for (i = 0; i < n; i++) {
		r = sc->row[bot];
		for (y = bot; y > top; y--)
			sc->row[y] = sc->row[y - 1];
		sc->row[top] = r;
		hp_vt_wipe(vt, top);
	}
}

/* LF: down a row, scrolling at the bottom of the region. */
void
hp_vt_index(struct hp_vt *vt)
{
	vt->cur.wrapnext = 0;
	if (vt->cur.y == vt->bot)
		hp_vt_scrollup(vt, vt->top, vt->bot, 1);
	else if (vt->cur.y < vt->rows - 1)
		vt->cur.y++;
}

void
hp_vt_rindex(struct hp_vt *vt)
{
	vt->cur.wrapnext = 0;
	if (vt->cur.y == vt->top)
		hp_vt_scrolldown(vt, vt->top, vt->bot, 1);
	else if (vt->cur.y > 0)
		vt->cur.y--;
}

/*
 * The table of combined characters is full: keep the entries cells
 * still name, in order, and name them anew.
 */
static void
compact(struct hp_vt *vt)
{
	unsigned char used[COMB_MAX];
	int map[COMB_MAX], i, k = 0, x, y, n;
	uint32_t cp;
	struct vcell *c;

	memset(used, 0, sizeof used);
	for (i = 0; i < 2; i++)
		for (y = 0; vt->scr[i].row != NULL && y < vt->rows; y++)
			for (x = 0; x < vt->cols; x++) {
				cp = vt->scr[i].row[y].c[x].ch & VT_CP;
				if (cp >= VT_COMB && cp < VT_WIDE_TAIL)
					used[cp - VT_COMB] = 1;
			}
	for (i = 0; i < vt->ncomb; i++) {
		map[i] = used[i] ? k : -1;
		if (used[i])
			memmove(vt->comb[k++], vt->comb[i], sizeof *vt->comb);
	}
	for (i = 0; i < 2; i++)
		for (y = 0; vt->scr[i].row != NULL && y < vt->rows; y++)
			for (x = 0; x < vt->cols; x++) {
				c = &vt->scr[i].row[y].c[x];
				cp = c->ch & VT_CP;
				if (cp < VT_COMB || cp >= VT_WIDE_TAIL)
					continue;
				n = map[cp - VT_COMB];
				c->ch = (c->ch & A_ALL) | (n < 0 ? 0xfffd :
				    VT_COMB + (uint32_t)n);
			}
	vt->ncomb = k;
}

/* A mark on the character at x, y: a new entry of the table. */
static void
combine(struct hp_vt *vt, int x, int y, uint32_t m)
{
	struct vcell *c = VT_CELL(vt, x, y);
	uint32_t e[4] = { 0, 0, 0, 0 };
	int i, k;

	if (c->ch == 0 || c->ch == VT_WIDE_TAIL)
		return;
	if ((c->ch & VT_CP) >= VT_COMB && (c->ch & VT_CP) < VT_WIDE_TAIL)
		memcpy(e, vt->comb[(c->ch & VT_CP) - VT_COMB], sizeof e);
	else
		e[0] = c->ch & VT_CP;
	for (i = 1; i < 4 && e[i] != 0; i++)
		;
	if (i == 4)
		return;			/* three marks are kept, no more */
	e[i] = m;
	if (vt->ncomb == COMB_MAX)
		compact(vt);
	if (vt->ncomb == COMB_MAX)
		return;			/* every one in use: the mark goes */
	if (vt->ncomb == vt->maxcomb) {
		vt->maxcomb = vt->maxcomb ? vt->maxcomb * 2 : 16;
		vt->comb = hp_xrealloc(vt->comb, (size_t)vt->maxcomb *
		    sizeof *vt->comb);
	}
	k = vt->ncomb++;
	memcpy(vt->comb[k], e, sizeof e);
	c->ch = (c->ch & A_ALL) | (VT_COMB + (uint32_t)k);
}

/* DEC's special graphics, for 0x5f-0x7e. */
static uint32_t
graphic(uint32_t c)
{
	static const uint16_t g[] = {
		0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a,
		0x00b0, 0x00b1, 0x2424, 0x240b, 0x2518, 0x2510, 0x250c,
		0x2514, 0x253c, 0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd,
		0x251c, 0x2524, 0x2534, 0x252c, 0x2502, 0x2264, 0x2265,
		0x03c0, 0x2260, 0x00a3, 0x00b7
	};

	return c >= 0x5f && c <= 0x7e ? g[c - 0x5f] : c;
}

void
hp_vt_print(struct hp_vt *vt, uint32_t c)
{
	struct vcur *cu = &vt->cur;
	struct vcell *r;
	int w, x, cs = cu->cs[cu->gl];

	if (cs == '0')
		c = graphic(c);
	else if (cs == 'A' && c == '#')
		c = 0xa3;
	if ((w = hp_vt_width(c)) < 0)
		return;
	if (w == 0) {
		/* A mark goes on the character before the cursor (under
		 * it, with a wrap pending), the head of a wide one. */
		x = cu->wrapnext ? cu->x : cu->x - 1;
		if (x > 0 && VT_CELL(vt, x, cu->y)->ch == VT_WIDE_TAIL)
			x--;
		if (x >= 0)
			combine(vt, x, cu->y, c);
		return;
	}
	if (cu->wrapnext || (w == 2 && cu->x == vt->cols - 1)) {
		if (vt->mode & M_WRAP) {
			/* A wide one that does not fit leaves the last
			 * column empty, as xterm.js does. */
			if (!cu->wrapnext) {
				r = VT_CELL(vt, cu->x, cu->y);
				if (r->ch == VT_WIDE_TAIL && cu->x > 0)
					r[-1] = hp_vt_blank(vt);
				r->ch = 0;
				r->fg = cu->fg;
				r->bg = cu->bg;
			}
			cu->x = 0;
			hp_vt_index(vt);
			VT_SCREEN(vt)->row[cu->y].wrapped = 1;
		} else if (w == 2)
			return;		/* it does not fit, and is lost */
		cu->wrapnext = 0;
	}
	if (w == 2 && vt->cols < 2)
		return;
	r = VT_SCREEN(vt)->row[cu->y].c;
	if (vt->mode & M_INSERT) {
		/* A wide one pushed to the edge, its tail off (a combined
		 * one too, which no width of its code says): it goes. */
		int cut = vt->cols - w > cu->x &&
		    r[vt->cols - w].ch == VT_WIDE_TAIL;

		memmove(r + cu->x + w, r + cu->x, (size_t)(vt->cols - cu->x -
		    w) * sizeof *r);
		if (cut)
			r[vt->cols - 1].ch = 0;
	}
	/* Writing over half of a wide character blanks its other half. */
	if (r[cu->x].ch == VT_WIDE_TAIL && cu->x > 0)
		r[cu->x - 1] = hp_vt_blank(vt);
	if (cu->x + w < vt->cols && r[cu->x + w].ch == VT_WIDE_TAIL)
		r[cu->x + w] = hp_vt_blank(vt);
	r[cu->x].ch = c | cu->attr;
	r[cu->x].fg = cu->fg;
	r[cu->x].bg = cu->bg;
	if (w == 2) {
		r[cu->x + 1].ch = VT_WIDE_TAIL;
		r[cu->x + 1].fg = cu->fg;
		r[cu->x + 1].bg = cu->bg;
	}
	vt->last = c;
	if (cu->x + w >= vt->cols) {
		cu->x = vt->cols - 1;
		cu->wrapnext = (vt->mode & M_WRAP) != 0;
	} else
		cu->x += w;
}

void
hp_vt_tab(struct hp_vt *vt, int n)
{
	while (n-- > 0 && vt->cur.x < vt->cols - 1)
		do
			vt->cur.x++;
		while (vt->cur.x < vt->cols - 1 && !vt->tabs[vt->cur.x]);
}

void
hp_vt_control(struct hp_vt *vt, int c)
{
	switch (c) {
	case '\b':
		vt->cur.wrapnext = 0;
		if (vt->cur.x > 0)
			vt->cur.x--;
		break;
	case '\t':
		if (!vt->cur.wrapnext)	/* a wrap pending stays so */
			hp_vt_tab(vt, 1);
		break;
	case '\n':
	case '\v':
	case '\f':
		/* A row moved into by a line feed is no row wrapped into. */
		if (vt->cur.y != vt->bot && vt->cur.y < vt->rows - 1)
			VT_SCREEN(vt)->row[vt->cur.y + 1].wrapped = 0;
		hp_vt_index(vt);
		if (vt->mode & M_LNM)
			vt->cur.x = 0;
		break;
	case '\r':
		vt->cur.x = 0;
		vt->cur.wrapnext = 0;
		break;
	case 0x0e:		/* SO */
		vt->cur.gl = 1;
		break;
	case 0x0f:		/* SI */
		vt->cur.gl = 0;
		break;
	}
}

void
hp_vt_save(struct hp_vt *vt)
{
	struct vscreen *sc = VT_SCREEN(vt);

	sc->saved = vt->cur;
	sc->saved.origin = (vt->mode & M_ORIGIN) != 0;
	sc->has_saved = 1;
}

void
hp_vt_restore(struct hp_vt *vt)
{
	struct vscreen *sc = VT_SCREEN(vt);

	if (!sc->has_saved) {
		memset(&vt->cur, 0, sizeof vt->cur);
		pen(&vt->cur);
		vt->mode &= ~(unsigned)M_ORIGIN;
		return;
	}
	vt->cur = sc->saved;
	vt->cur.wrapnext = 0;		/* xterm.js keeps no pending wrap */
	vt->cur.x = hp_vt_clamp(vt->cur.x, 0, vt->cols - 1);
	vt->cur.y = hp_vt_clamp(vt->cur.y, 0, vt->rows - 1);
	if (sc->saved.origin) {
		/* Saved before the margins moved: inside them, as CUP puts it. */
		vt->mode |= M_ORIGIN;
		vt->cur.y = hp_vt_clamp(vt->cur.y, vt->top, vt->bot);
	} else
		vt->mode &= ~(unsigned)M_ORIGIN;
}
