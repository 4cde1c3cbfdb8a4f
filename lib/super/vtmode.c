/* hp: see LICENSE. */
/* vtmode.c: a terminal's modes, its pen (SGR), its title and colours. */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/vt.h"

/*
 * Switch screens: 47/1047 without DECSC, 1049 with it, as xterm.js: the
 * cursor is saved (on the screen shown) and restored even when there
 * is nothing to switch, and the alternate screen is new each time.
 */
static void
altscreen(struct hp_vt *vt, int on, int n)
{
	if (on && n == 1049)
		hp_vt_save(vt);
	if (on && !vt->alt) {
		if (hp_vt_grid(&vt->scr[1], vt->cols, vt->rows) == -1)
			return;
		vt->alt = 1;
	} else if (!on && vt->alt) {
		hp_vt_ungrid(&vt->scr[1]);
		vt->alt = 0;
	}
	if (!on && n == 1049)
		hp_vt_restore(vt);
}

/* A mode the screen does not follow: kept, to be set again as it is. */
static void
other(struct hp_vt *vt, int n, int dec, int on)
{
	int i;

	for (i = 0; i < vt->nother; i++)
		if (vt->other[i].n == n && vt->other[i].dec == dec) {
			vt->other[i].on = (unsigned char)on;
			return;
		}
	if (vt->nother < VT_OTHER) {
		vt->other[vt->nother].n = (uint16_t)n;
		vt->other[vt->nother].dec = (unsigned char)dec;
		vt->other[vt->nother++].on = (unsigned char)on;
	}
}

static void
setmode(struct hp_vt *vt, int n, int dec, int on)
{
	unsigned bit = 0;

	if (dec) {
		switch (n) {
		case 6:
			bit = M_ORIGIN;
			break;
		case 7:
			bit = M_WRAP;
			break;
		case 25:
			bit = M_CURSOR;
			break;
		case 47:
		case 1047:
		case 1049:
			altscreen(vt, on, n);
			return;
		case 1048:
			if (on)
				hp_vt_save(vt);
			else
				hp_vt_restore(vt);
			return;
		}
	} else if (n == 4)
		bit = M_INSERT;
	else if (n == 20)
		bit = M_LNM;
	if (bit == 0) {
		other(vt, n, dec, on);
		return;
	}
	if (on)
		vt->mode |= bit;
	else
		vt->mode &= ~bit;
	if (bit == M_ORIGIN)
		hp_vt_go(vt, 0, 0);
	if (bit == M_WRAP && !on)
		vt->cur.wrapnext = 0;
}

int
hp_vt_mode(const struct hp_vt *vt, int n, int dec)
{
	unsigned bit = 0;
	int i;

	if (dec && (n == 47 || n == 1047 || n == 1049))
		return vt->alt ? 1 : 2;
	if (dec)
		bit = n == 6 ? M_ORIGIN : n == 7 ? M_WRAP : n == 25 ?
		    M_CURSOR : n == 66 ? M_KEYPAD : 0;
	else
		bit = n == 4 ? M_INSERT : n == 20 ? M_LNM : 0;
	if (bit != 0)
		return vt->mode & bit ? 1 : 2;
	for (i = 0; i < vt->nother; i++)
		if (vt->other[i].n == n && vt->other[i].dec == dec)
			return vt->other[i].on ? 1 : 2;
	/* Those a terminal of xterm's kind has, off until set. */
	if (dec && (n == 1 || n == 5 || n == 9 || n == 12 || n == 1000 ||
	    n == 1002 || n == 1003 || n == 1004 || n == 1005 || n == 1006 ||
	    n == 1015 || n == 1016 || n == 2004 || n == 2026))
		return 2;
	return 0;
}

/* SGR 38 and 48: 5;N or 2;R;G;B, with ';' or ':'. */
static int
colour(struct hp_vt *vt, int i, uint32_t *c)
{
	int k = hp_vt_param(vt, i + 1, 0), j = i + 2;

	if (k == 5 && i + 2 < vt->nparam) {
		*c = C_P256 | (uint32_t)(hp_vt_param(vt, i + 2, 0) & 0xff);
		return i + 2;
	}
	if (k == 2) {
		/* 38:2:CS:R:G:B has a colour space before R. */
		if (vt->colon[i + 1] && i + 5 < vt->nparam && vt->colon[i + 5])
			j++;
		if (j + 2 >= vt->nparam)
			return vt->nparam;
		*c = C_RGB | (uint32_t)(hp_vt_param(vt, j, 0) & 0xff) << 16 |
		    (uint32_t)(hp_vt_param(vt, j + 1, 0) & 0xff) << 8 |
		    (uint32_t)(hp_vt_param(vt, j + 2, 0) & 0xff);
		return j + 2;
	}
	return vt->nparam;
}

void
hp_vt_pen(struct hp_vt *vt)
{
	struct vcur *c = &vt->cur;
	uint32_t u;
	int i, p;

	for (i = 0; i < (vt->nparam ? vt->nparam : 1); i++) {
		p = hp_vt_param(vt, i, 0);
		if (i > 0 && vt->colon[i])
			continue;	/* a sub-parameter not ours */
		switch (p) {
		case 0:
			c->attr = 0;
			c->fg = c->bg = C_DEFAULT;
			break;
		case 1:
			c->attr |= A_BOLD;
			break;
		case 2:
			c->attr |= A_DIM;
			break;
		case 3:
			c->attr |= A_ITALIC;
			break;
		case 4:
			u = i + 1 < vt->nparam && vt->colon[i + 1] ?
			    (uint32_t)hp_vt_param(vt, ++i, 0) : 1;
			c->attr = (c->attr & ~A_UL) | (u > 5 ? 1 : u) <<
			    A_UL_SHIFT;
			break;
		case 5:
		case 6:
			c->attr |= A_BLINK;
			break;
		case 7:
			c->attr |= A_INVERSE;
			break;
		case 8:
			c->attr |= A_INVISIBLE;
			break;
		case 9:
			c->attr |= A_STRIKE;
			break;
		case 21:
			c->attr = (c->attr & ~A_UL) | 2u << A_UL_SHIFT;
			break;
		case 22:
			c->attr &= ~(A_BOLD | A_DIM);
			break;
		case 23:
			c->attr &= ~A_ITALIC;
			break;
		case 24:
			c->attr &= ~A_UL;
			break;
		case 25:
			c->attr &= ~A_BLINK;
			break;
		case 27:
			c->attr &= ~A_INVERSE;
			break;
		case 28:
			c->attr &= ~A_INVISIBLE;
			break;
		case 29:
			c->attr &= ~A_STRIKE;
			break;
		case 38:
			i = colour(vt, i, &c->fg);
			break;
		case 39:
			c->fg = C_DEFAULT;
			break;
		case 48:
			i = colour(vt, i, &c->bg);
			break;
		case 49:
			c->bg = C_DEFAULT;
			break;
		case 53:
			c->attr |= A_OVERLINE;
			break;
		case 55:
			c->attr &= ~A_OVERLINE;
			break;
		case 58:
			u = 0;		/* an underline colour: not kept */
			i = colour(vt, i, &u);
			break;
		default:
			if (p >= 30 && p <= 37)
				c->fg = C_PALETTE | (uint32_t)(p - 30);
			else if (p >= 40 && p <= 47)
				c->bg = C_PALETTE | (uint32_t)(p - 40);
			else if (p >= 90 && p <= 97)
				c->fg = C_PALETTE | (uint32_t)(p - 90 + 8);
			else if (p >= 100 && p <= 107)
				c->bg = C_PALETTE | (uint32_t)(p - 100 + 8);
		}
	}
}

static void
title(struct hp_vt *vt, const char *t)
{
	if (strcmp(vt->title, t) == 0)
		return;
	hp_copy(vt->title, sizeof vt->title, t);
	vt->titled++;
}

/* CSI 22 t and 23 t: the title pushed, and popped back. */
void
hp_vt_titles(struct hp_vt *vt, int push)
{
	int i;

	if (push) {
		if (vt->ntitles == VT_TITLES) {
			free(vt->titles[0]);
			for (i = 1; i < VT_TITLES; i++)
				vt->titles[i - 1] = vt->titles[i];
			vt->ntitles--;
		}
		vt->titles[vt->ntitles++] = hp_xstrdup(vt->title);
	} else if (vt->ntitles > 0) {
		title(vt, vt->titles[--vt->ntitles]);
		free(vt->titles[vt->ntitles]);
	}
}

void
hp_vt_modes(struct hp_vt *vt, int on)
{
	int i;

	for (i = 0; i < (vt->nparam ? vt->nparam : 1); i++)
		if (hp_vt_param(vt, i, 0) > 0)
			setmode(vt, hp_vt_param(vt, i, 0), vt->priv == '?', on);
}

/*
 * OSC 0 and 2 set the title; 10, 11 and 12 the default colours, kept
 * as the program said them, to be said again to a client that comes;
 * 110, 111 and 112 put them back. The rest goes to clients only.
 */
void
hp_vt_osc(struct hp_vt *vt)
{
	char *end;
	long n = strtol(vt->str, &end, 10);
	const char *t = *end == ';' ? end + 1 : "";
	int k;

	if (end == vt->str)
		return;
	if (n == 0 || n == 2)
		title(vt, t);
	else if (n >= 10 && n <= 12 && strchr(t, '?') == NULL && *t != '\0') {
		k = (int)n - 10;
		free(vt->colour[k]);
		vt->colour[k] = hp_xstrdup(t);
	} else if (n >= 110 && n <= 112) {
		k = (int)n - 110;
		free(vt->colour[k]);
		vt->colour[k] = NULL;
	}
}

/* DECSTR, as xterm.js does it: modes, pen, region and DECSC anew. */
void
hp_vt_softreset(struct hp_vt *vt)
{
	vt->mode = M_WRAP | M_CURSOR;
	other(vt, 1, 1, 0);
	memset(vt->cur.cs, 'B', sizeof vt->cur.cs);
	vt->cur.gl = 0;
	vt->cur.attr = 0;
	vt->cur.fg = vt->cur.bg = C_DEFAULT;
	vt->cur.wrapnext = 0;
	vt->scr[vt->alt].has_saved = 0;
	vt->top = 0;
	vt->bot = vt->rows - 1;
}
