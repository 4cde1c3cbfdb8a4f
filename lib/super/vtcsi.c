/* hp: see LICENSE. */
/* vtcsi.c: what ESC and CSI sequences do to the grid of a terminal. */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/vt.h"

void
hp_vt_esc(struct hp_vt *vt, int c)
{
	int x, y;

	if (vt->ninter == 1 && strchr("()*+", vt->inter[0]) != NULL) {
		vt->cur.cs[strchr("()*+", vt->inter[0]) - "()*+"] =
		    (unsigned char)(c == '0' || c == 'A' ? c : 'B');
		return;
	}
	if (vt->ninter == 1 && vt->inter[0] == '#' && c == '8') {
		for (y = 0; y < vt->rows; y++)	/* DECALN: all Es */
			for (x = 0; x < vt->cols; x++) {
				VT_CELL(vt, x, y)->ch = 'E';
				VT_CELL(vt, x, y)->fg = C_DEFAULT;
				VT_CELL(vt, x, y)->bg = C_DEFAULT;
			}
		return;
	}
	if (vt->ninter != 0)
		return;
	switch (c) {
	case '7':
		hp_vt_save(vt);
		break;
	case '8':
		hp_vt_restore(vt);
		break;
	case 'D':
		hp_vt_index(vt);
		break;
	case 'E':
		hp_vt_index(vt);
		vt->cur.x = 0;
		break;
	case 'H':
		vt->tabs[vt->cur.x] = 1;
		vt->tabset = 1;
		break;
	case 'M':
		hp_vt_rindex(vt);
		break;
	case 'c':
		hp_vt_reset(vt);
		break;
	case '=':
		vt->mode |= M_KEYPAD;
		break;
	case '>':
		vt->mode &= ~(unsigned)M_KEYPAD;
		break;
	case 'n':
		vt->cur.gl = 2;
		break;
	case 'o':
		vt->cur.gl = 3;
		break;
	}
}

int
hp_vt_param(const struct hp_vt *vt, int i, int def)
{
	if (i >= vt->nparam || vt->param[i] < 0 || (vt->param[i] == 0 &&
	    def > 0))
		return def;
	return vt->param[i];
}

/* Cursor to col, row (0-based; row within the region in origin mode). */
void
hp_vt_go(struct hp_vt *vt, int x, int y)
{
	int top = 0, bot = vt->rows - 1;

	if (vt->mode & M_ORIGIN) {
		top = vt->top;
		bot = vt->bot;
		y += top;
	}
	vt->cur.x = hp_vt_clamp(x, 0, vt->cols - 1);
	vt->cur.y = hp_vt_clamp(y, top, bot);
	vt->cur.wrapnext = 0;
}

/* Up or down n rows, stopping at the region's edge if inside it. */
static void
vmove(struct hp_vt *vt, int n)
{
	int y = vt->cur.y + n, top = 0, bot = vt->rows - 1;

	if (vt->cur.y >= vt->top && vt->cur.y <= vt->bot) {
		top = vt->top;
		bot = vt->bot;
	}
	vt->cur.y = hp_vt_clamp(y, top, bot);
	vt->cur.wrapnext = 0;
}

/*
 * ED and EL, and what each does to a row's wrap, as xterm.js; a wrap
 * pending stays so.
 */
static void
ed(struct hp_vt *vt, int how)
{
	struct vscreen *sc = VT_SCREEN(vt);
	int y, x = vt->cur.x;

	switch (how) {
	case 0:
		hp_vt_erase(vt, vt->cur.y, x, vt->cols);
		if (x == 0)
			sc->row[vt->cur.y].wrapped = 0;
		for (y = vt->cur.y + 1; y < vt->rows; y++)
			hp_vt_wipe(vt, y);
		break;
	case 1:
		for (y = 0; y < vt->cur.y; y++)
			hp_vt_wipe(vt, y);
		hp_vt_erase(vt, vt->cur.y, 0, x + 1);
		sc->row[vt->cur.y].wrapped = 0;
		if (x + 1 >= vt->cols && vt->cur.y + 1 < vt->rows)
			sc->row[vt->cur.y + 1].wrapped = 0;
		break;
	case 2:
		for (y = 0; y < vt->rows; y++)
			hp_vt_wipe(vt, y);
		break;
	}
}

static void
el(struct hp_vt *vt, int how)
{
	struct vscreen *sc = VT_SCREEN(vt);

	if (how == 0) {
		hp_vt_erase(vt, vt->cur.y, vt->cur.x, vt->cols);
		if (vt->cur.x == 0)
			sc->row[vt->cur.y].wrapped = 0;
	} else if (how == 1)
		hp_vt_erase(vt, vt->cur.y, 0, vt->cur.x + 1);
	else if (how == 2)
		hp_vt_wipe(vt, vt->cur.y);
}

/* ICH (n > 0) or DCH (n < 0) at the cursor. */
static void
shift(struct hp_vt *vt, int n)
{
	struct vcell *r = VT_SCREEN(vt)->row[vt->cur.y].c;
	int x = vt->cur.x, k = n > 0 ? n : -n, tail, i;

	k = hp_vt_clamp(k, 0, vt->cols - x);
	if (r[x].ch == VT_WIDE_TAIL && x > 0)
		r[x - 1] = hp_vt_blank(vt);
	if (n > 0) {
		/* A wide one pushed to the edge loses its tail: it goes. */
		tail = k > 0 && vt->cols - k > x &&
		    r[vt->cols - k].ch == VT_WIDE_TAIL;
		memmove(r + x + k, r + x, (size_t)(vt->cols - x - k) *
		    sizeof *r);
		hp_vt_erase(vt, vt->cur.y, x, x + k);
		if (tail)
			r[vt->cols - 1] = hp_vt_blank(vt);
	} else {
		memmove(r + x, r + x + k, (size_t)(vt->cols - x - k) *
		    sizeof *r);
		/* Blanked as they are: what is left of them moved away. */
		for (i = vt->cols - k; i < vt->cols; i++)
			r[i] = hp_vt_blank(vt);
		if (r[x].ch == VT_WIDE_TAIL)
			r[x] = hp_vt_blank(vt);
	}
	vt->cur.wrapnext = 0;
}

/* IL (n > 0) or DL (n < 0): only inside the region. */
static void
lines(struct hp_vt *vt, int n)
{
	if (vt->cur.y < vt->top || vt->cur.y > vt->bot)
		return;
	if (n > 0)
		hp_vt_scrolldown(vt, vt->cur.y, vt->bot, n);
	else
		hp_vt_scrollup(vt, vt->cur.y, vt->bot, -n);
	vt->cur.x = 0;
	vt->cur.wrapnext = 0;
}

static void
margins(struct hp_vt *vt)
{
	int top = hp_vt_param(vt, 0, 1) - 1, bot = hp_vt_param(vt, 1,
	    vt->rows) - 1;

	bot = bot >= vt->rows ? vt->rows - 1 : bot;
	if (top < 0 || top >= bot)
		return;
	vt->top = top;
	vt->bot = bot;
	hp_vt_go(vt, 0, 0);
}

static void
csi2(struct hp_vt *vt, int c, int n)
{
	int i;

	switch (c) {
	case 'L':
		lines(vt, n);
		break;
	case 'M':
		lines(vt, -n);
		break;
	case 'P':
		shift(vt, -n);
		break;
	case 'S':
		hp_vt_scrollup(vt, vt->top, vt->bot, n);
		break;
	case 'T':
		if (vt->nparam <= 1)
			hp_vt_scrolldown(vt, vt->top, vt->bot, n);
		break;
	case 'X':
		hp_vt_erase(vt, vt->cur.y, vt->cur.x, vt->cur.x + n);
		vt->cur.wrapnext = 0;
		break;
	case 'Z':
		while (n-- > 0 && vt->cur.x > 0)
			do
				vt->cur.x--;
			while (vt->cur.x > 0 && !vt->tabs[vt->cur.x]);
		vt->cur.wrapnext = 0;
		break;
	case 'b':
		/* More than a screenful repeats nothing that shows. */
		for (i = 0; i < n && i < vt->cols * vt->rows &&
		    vt->last != 0; i++)
			hp_vt_print(vt, vt->last);
		break;
	case 'g':
		if (hp_vt_param(vt, 0, 0) == 0)
			vt->tabs[vt->cur.x] = 0;
		else if (hp_vt_param(vt, 0, 0) == 3)
			memset(vt->tabs, 0, (size_t)vt->cols);
		vt->tabset = 1;
		break;
	case 'h':
	case 'l':
		hp_vt_modes(vt, c == 'h');
		break;
	case 'm':
		hp_vt_pen(vt);
		break;
	case 'r':
		margins(vt);
		break;
	case 's':
		hp_vt_save(vt);
		break;
	case 'u':
		hp_vt_restore(vt);
		break;
	case 't':
		if (n == 22 || n == 23)
			hp_vt_titles(vt, n == 22);
		break;
	}
}

void
hp_vt_csi(struct hp_vt *vt, int c)
{
	int n = hp_vt_param(vt, 0, 1);

	if (vt->ninter == 1 && vt->inter[0] == ' ' && c == 'q') {
		vt->cstyle = hp_vt_param(vt, 0, 0);	/* DECSCUSR */
		return;
	}
	if (vt->ninter == 1 && vt->inter[0] == '!' && c == 'p') {
		hp_vt_softreset(vt);
		return;
	}
	if (vt->ninter != 0 || (vt->priv != 0 && vt->priv != '?'))
		return;
	if (vt->priv == '?' && c != 'h' && c != 'l' && c != 'J' && c != 'K')
		return;
	switch (c) {
	case '@':
		shift(vt, n);
		break;
	case 'A':
		vmove(vt, -n);
		break;
	case 'B':
	case 'e':
		vmove(vt, n);
		break;
	case 'C':
	case 'a':
		vt->cur.x = hp_vt_clamp(vt->cur.x + n, 0, vt->cols - 1);
		vt->cur.wrapnext = 0;
		break;
	case 'D':
		vt->cur.x = hp_vt_clamp(vt->cur.x - n, 0, vt->cols - 1);
		vt->cur.wrapnext = 0;
		break;
	case 'E':
		vmove(vt, n);
		vt->cur.x = 0;
		break;
	case 'F':
		vmove(vt, -n);
		vt->cur.x = 0;
		break;
	case 'G':
	case '`':
		vt->cur.x = hp_vt_clamp(n - 1, 0, vt->cols - 1);
		vt->cur.wrapnext = 0;
		break;
	case 'H':
	case 'f':
		hp_vt_go(vt, hp_vt_param(vt, 1, 1) - 1, n - 1);
		break;
	case 'I':
		vt->cur.wrapnext = 0;
		hp_vt_tab(vt, n);
		break;
	case 'J':
		ed(vt, hp_vt_param(vt, 0, 0));
		break;
	case 'K':
		el(vt, hp_vt_param(vt, 0, 0));
		break;
	case 'd':
		hp_vt_go(vt, vt->cur.x, n - 1 - ((vt->mode & M_ORIGIN) ? vt->top :
		    0));
		break;
	default:
		csi2(vt, c, n);
	}
}

