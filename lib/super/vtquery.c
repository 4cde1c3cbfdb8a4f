/* hp: see LICENSE. */
/* vtquery.c: the questions a program asks its terminal, and our answers. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/vt.h"

#define ESC	"\033"

/* xterm.js's default colours: the likely client's, and dark. */
static const uint32_t ansi[16] = {
	0x2e3436, 0xcc0000, 0x4e9a06, 0xc4a000, 0x3465a4, 0x75507b,
	0x06989a, 0xd3d7cf, 0x555753, 0xef2929, 0x8ae234, 0xfce94f,
	0x729fcf, 0xad7fa8, 0x34e2e2, 0xeeeeec
};

static uint32_t
palette(int i)
{
	static const int level[] = { 0, 95, 135, 175, 215, 255 };

	if (i < 16)
		return ansi[i];
	if (i < 232) {
		i -= 16;
		return (uint32_t)level[i / 36] << 16 |
		    (uint32_t)level[i / 6 % 6] << 8 | (uint32_t)level[i % 6];
	}
	i = 8 + (i - 232) * 10;
	return (uint32_t)i << 16 | (uint32_t)i << 8 | (uint32_t)i;
}

static void
rgb(struct hp_buf *b, uint32_t v)
{
	hp_buf_printf(b, "rgb:%04x/%04x/%04x", (v >> 16) * 257,
	    (v >> 8 & 0xff) * 257, (v & 0xff) * 257);
}

/* An OSC question ("4;N;?", "10;?" ...): 1 asked, answered in b. */
static int
oscq(struct hp_vt *vt, struct hp_buf *b)
{
	const char *st = vt->bel ? "\007" : ESC "\\";
	static const uint32_t dflt[3] = { 0xffffff, 0x000000, 0xffffff };
	char *p = vt->str, *end;
	long n = strtol(p, &end, 10), k;

	if (end == p || *end != ';' || strchr(end, '?') == NULL)
		return 0;
	p = end + 1;
	if (n >= 10 && n <= 19) {
		if (strcmp(p, "?") != 0)
			return 0;
		if (n > 12)
			return 1;	/* asked; not known here */
		hp_buf_printf(b, ESC "]%ld;", n);
		if (vt->colour[n - 10] != NULL &&
		    strncmp(vt->colour[n - 10], "rgb:", 4) == 0)
			hp_buf_adds(b, vt->colour[n - 10]);
		else
			rgb(b, dflt[n - 10]);
		hp_buf_adds(b, st);
		return 1;
	}
	if (n == 52)
		return strchr(p, ';') != NULL &&
		    strcmp(strchr(p, ';') + 1, "?") == 0;
	if (n != 4)
		return 0;
	/* 4;N;?;M;? ...: every one a question, or none is. */
	for (end = p; *end != '\0'; ) {
		k = strtol(end, &end, 10);
		if (k < 0 || k > 255 || strncmp(end, ";?", 2) != 0 ||
		    (end[2] != ';' && end[2] != '\0'))
			return 0;
		end += end[2] == ';' ? 3 : 2;
	}
	for (end = p; *end != '\0'; ) {
		k = strtol(end, &end, 10);
		hp_buf_printf(b, ESC "]4;%ld;", k);
		rgb(b, palette((int)k));
		hp_buf_adds(b, st);
		end += end[2] == ';' ? 3 : 2;
	}
	return 1;
}

/* DECRQSS (DCS $ q) and XTGETTCAP (DCS + q): 1, answered in b. */
static int
dcsq(struct hp_vt *vt, struct hp_buf *b)
{
	const char *q = vt->str, *p, *e;

	if (vt->inter[0] == '+') {
		/* No capability is told: each name, as not known. */
		for (p = q; *p != '\0'; p = *e == ';' ? e + 1 : e) {
			e = p + strcspn(p, ";");
			hp_buf_printf(b, ESC "P0+r%.*s" ESC "\\", (int)(e - p),
			    p);
		}
		return 1;
	}
	if (strcmp(q, "m") == 0) {
		hp_buf_adds(b, ESC "P1$r");
		hp_vt_sgr(vt, vt->cur.attr, vt->cur.fg, vt->cur.bg, b, 0);
		hp_buf_adds(b, "m" ESC "\\");
	} else if (strcmp(q, "r") == 0)
		hp_buf_printf(b, ESC "P1$r%d;%dr" ESC "\\", vt->top + 1,
		    vt->bot + 1);
	else if (strcmp(q, " q") == 0)
		hp_buf_printf(b, ESC "P1$r%d q" ESC "\\",
		    vt->cstyle ? vt->cstyle : 1);
	else if (strcmp(q, "\"p") == 0)
		hp_buf_adds(b, ESC "P1$r65;1\"p" ESC "\\");
	else
		hp_buf_adds(b, ESC "P0$r" ESC "\\");
	return 1;
}

/* The cursor's place, as CPR says it: within the region in origin mode. */
static void
cpr(struct hp_vt *vt, struct hp_buf *b, const char *priv)
{
	int y = vt->cur.y + 1;

	if (vt->mode & M_ORIGIN)
		y -= vt->top;
	hp_buf_printf(b, ESC "[%s%d;%dR", priv, y, vt->cur.x + 1);
}

/* CSI ... n: DSR. */
static int
dsr(struct hp_vt *vt, struct hp_buf *b)
{
	int n = hp_vt_param(vt, 0, 0);

	if (vt->priv == 0 && n == 5)
		hp_buf_adds(b, ESC "[0n");
	else if (vt->priv == 0 && n == 6)
		cpr(vt, b, "");
	else if (vt->priv == '?' && n == 6)
		cpr(vt, b, "?");
	else if (vt->priv == '?' && n == 15)
		hp_buf_adds(b, ESC "[?13n");
	else if (vt->priv == '?' && n == 25)
		hp_buf_adds(b, ESC "[?20n");
	else if (vt->priv == '?' && n == 26)
		hp_buf_adds(b, ESC "[?27;1;0;0n");
	return vt->priv == 0 || vt->priv == '?';
}

/* CSI ... t: the window reports; its other operations are not asked. */
static int
winops(struct hp_vt *vt, struct hp_buf *b)
{
	int n = hp_vt_param(vt, 0, 0);

	switch (n) {
	case 11:
		hp_buf_adds(b, ESC "[1t");
		return 1;
	case 18:
	case 19:
		hp_buf_printf(b, ESC "[%d;%d;%dt", n - 10, vt->trows,
		    vt->tcols);
		return 1;
	case 13:
	case 14:
	case 15:
	case 16:
	case 20:
	case 21:
		return 1;	/* pixels and labels: not known, not told */
	}
	return 0;
}

/*
 * Is the sequence just read a question? c is the final byte of a CSI,
 * 0 for an OSC, -1 for a DCS and -2 for ESC Z. 1: it is, and what a
 * terminal of xterm's kind answers (if anything) is added to b.
 */
int
hp_vt_query(struct hp_vt *vt, int c, struct hp_buf *b)
{
	int n = hp_vt_param(vt, 0, 0), i = vt->ninter ? vt->inter[0] : 0;
	char pv = vt->priv;

	if (c == 0)
		return oscq(vt, b);
	if (c == -1)
		return dcsq(vt, b);
	if (c == -2) {		/* ESC Z (DECID); CSI Z is a back tab */
		hp_buf_adds(b, ESC "[?1;2c");
		return 1;
	}
	if (c == 'p' && i == '$' && vt->ninter == 1 && (pv == 0 || pv == '?')) {
		hp_buf_printf(b, ESC "[%s%d;%d$y", pv ? "?" : "", n,
		    hp_vt_mode(vt, n, pv == '?'));
		return 1;
	}
	if (vt->ninter != 0)
		return (c == 'y' && i == '*') || (c == 'w' && i == '$');
	switch (c) {
	case 'n':
		return dsr(vt, b);
	case 'c':
		if (n != 0)
			return pv == 0 || pv == '>' || pv == '=';
		if (pv == 0)
			hp_buf_adds(b, ESC "[?1;2c");
		else if (pv == '>')
			hp_buf_adds(b, ESC "[>0;276;0c");
		else if (pv == '=')
			hp_buf_adds(b, ESC "P!|00000000" ESC "\\");
		return pv == 0 || pv == '>' || pv == '=';
	case 'q':
		if (pv != '>')
			return 0;
		hp_buf_adds(b, ESC "P>|hp(" HP_VERSION ")" ESC "\\");
		return 1;
	case 't':
		return pv == 0 && winops(vt, b);
	case 'x':
		if (pv != 0 || n > 1)
			return 0;
		hp_buf_printf(b, ESC "[%d;1;1;120;120;1;0x", n + 2);
		return 1;
	case 'u':
	case 'm':
	case 'S':
		return pv == '?';	/* keyboard, modifier and graphics
					   questions: not answered */
	}
	return 0;
}
