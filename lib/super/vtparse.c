/* hp: see LICENSE. */
/* vtparse.c: a terminal's output read as an xterm reads it; queries kept. */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/vt.h"

/*
 * The parser is the DEC VT500 one as xterm and xterm.js have it, over
 * characters decoded from UTF-8 (a C1 control may come as its UTF-8
 * encoding): ground, escape, CSI (entry, parameters, intermediates,
 * ignore), DCS (the same and its string), OSC, and the strings of SOS,
 * PM and APC, which are ignored. CAN and SUB abort a sequence; ESC
 * starts another one, ending a string as ST does.
 *
 * It also says what clients may see. A sequence that may be a question
 * to the terminal (a device status or attributes request, a mode report,
 * a colour query ...) is held back until it is whole: a question is
 * answered here, once, and never reaches a client, which would answer
 * it again into the program. What cannot be a question goes out as it
 * comes, held at most until it can be told apart: a CSI until its final
 * byte, an OSC until its number, a DCS until its final byte; so do the
 * bytes of a character not yet whole, so that a client never gets half
 * of one before a draw. Controls met inside a held sequence go out at
 * once, as a terminal acts on them at once.
 */
enum {
	S_GROUND, S_ESC, S_ESC_INTER, S_CSI_ENTRY, S_CSI_PARAM, S_CSI_INTER,
	S_CSI_IGNORE, S_DCS_ENTRY, S_DCS_PARAM, S_DCS_INTER, S_DCS_PASS,
	S_DCS_IGNORE, S_OSC, S_SOS
};
enum { DCS_OTHER, DCS_RQSS, DCS_TCAP };	/* DCS $q, DCS +q */

struct hp_vt *
hp_vt_new(int cols, int rows)
{
	struct hp_vt *vt = hp_xcalloc(1, sizeof *vt);

	hp_vt_resize(vt, cols, rows);
	if (vt->cols == 0)
		hp_oom();
	hp_vt_reset(vt);
	return vt;
}

void
hp_vt_free(struct hp_vt *vt)
{
	int i;

	if (vt == NULL)
		return;
	for (i = 0; i < 2; i++) {
		free(vt->scr[i].row);
		free(vt->scr[i].cell);
	}
	for (i = 0; i < vt->ntitles; i++)
		free(vt->titles[i]);
	for (i = 0; i < 3; i++)
		free(vt->colour[i]);
	free(vt->tabs);
	free(vt->comb);
	free(vt);
}

int
hp_vt_clean(const struct hp_vt *vt)
{
	return !vt->passing;
}

static void
clear(struct hp_vt *vt)
{
	vt->nparam = 0;
	vt->param[0] = -1;
	vt->colon[0] = 0;
	vt->ninter = 0;
	vt->priv = 0;
	vt->slen = 0;
	vt->esc = 0;
}

static void
param(struct hp_vt *vt, int c)
{
	int *p;

	if (vt->nparam == 0)
		vt->nparam = 1;
	if (c == ';' || c == ':') {
		if (vt->nparam < VT_PARAMS) {
			vt->colon[vt->nparam] = c == ':';
			vt->param[vt->nparam++] = -1;
		}
		return;
	}
	p = &vt->param[vt->nparam - 1];
	*p = (*p < 0 ? 0 : *p) * 10 + (c - '0');
	if (*p > 65535)
		*p = 65535;
}

static void
inter(struct hp_vt *vt, int c)
{
	if (vt->ninter < (int)sizeof vt->inter - 1)
		vt->inter[vt->ninter++] = (char)c;
	vt->inter[vt->ninter] = '\0';
}

/* A character of a string, kept as UTF-8 while there is room. */
static void
strc(struct hp_vt *vt, uint32_t c)
{
	char u[4];
	size_t n = hp_vt_utf8(c, u);

	if (vt->slen + n < sizeof vt->str) {
		memcpy(vt->str + vt->slen, u, n);
		vt->slen += n;
	}
	vt->str[vt->slen] = '\0';
}

/* What we held of this sequence goes out, and the rest as it comes. */
static void
pass(struct hp_vt *vt)
{
	vt->passing = 1;
}

/*
 * The OSC's number is known: only the colour and clipboard ones may ask
 * (4, 10-19, 52), and are held to their end; the others go out as they
 * come.
 */
static void
oscnum(struct hp_vt *vt)
{
	long n = strtol(vt->str, NULL, 10);

	if (!(n == 4 || (n >= 10 && n <= 19) || n == 52))
		pass(vt);
}

/* The end of a sequence: 1 it was a question, answered into ans. */
static int
dispatch(struct hp_vt *vt, int kind, int c, struct hp_buf *ans)
{
	int q = 0;

	/* Too long to be held, it went out already: no question. */
	if (vt->passing) {
		if (kind == S_ESC)
			hp_vt_esc(vt, c);
		else if (kind == S_CSI_ENTRY)
			hp_vt_csi(vt, c);
		else if (kind == S_OSC)
			hp_vt_osc(vt);
		return 0;
	}
	switch (kind) {
	case S_ESC:
		if ((q = c == 'Z' && vt->ninter == 0) != 0)
			hp_vt_query(vt, -2, ans);
		else
			hp_vt_esc(vt, c);
		break;
	case S_CSI_ENTRY:
		if ((q = hp_vt_query(vt, c, ans)) == 0)
			hp_vt_csi(vt, c);
		break;
	case S_OSC:
		if ((q = hp_vt_query(vt, 0, ans)) == 0)
			hp_vt_osc(vt);
		break;
	case S_DCS_PASS:
		if (vt->dcs != DCS_OTHER)
			q = hp_vt_query(vt, -1, ans);
		break;
	}
	return q;
}

/* The end of a string (ST, BEL for an OSC, or the ESC of another). */
static int
strend(struct hp_vt *vt, struct hp_buf *ans)
{
	int s = vt->phase, q = 0;

	if (s == S_OSC || s == S_DCS_PASS)
		q = dispatch(vt, s, 0, ans);
	vt->phase = S_GROUND;
	return q;
}

static int
csi(struct hp_vt *vt, uint32_t c, struct hp_buf *ans)
{
	if (c >= '0' && c <= '9') {
		param(vt, (int)c);
		vt->phase = vt->phase == S_CSI_INTER ? S_CSI_IGNORE :
		    vt->phase == S_CSI_IGNORE ? S_CSI_IGNORE : S_CSI_PARAM;
	} else if (c == ';' || c == ':') {
		param(vt, (int)c);
		vt->phase = vt->phase == S_CSI_ENTRY || vt->phase ==
		    S_CSI_PARAM ? S_CSI_PARAM : S_CSI_IGNORE;
	} else if (c >= '<' && c <= '?') {
		if (vt->phase == S_CSI_ENTRY)
			vt->priv = (char)c, vt->phase = S_CSI_PARAM;
		else
			vt->phase = S_CSI_IGNORE;
	} else if (c >= 0x20 && c <= 0x2f) {
		inter(vt, (int)c);
		if (vt->phase != S_CSI_IGNORE)
			vt->phase = S_CSI_INTER;
	} else if (c >= 0x40 && c <= 0x7e) {
		c = vt->phase == S_CSI_IGNORE ? 0 : c;
		vt->phase = S_GROUND;
		return c != 0 ? dispatch(vt, S_CSI_ENTRY, (int)c, ans) : 0;
	}
	return 0;
}

static void
dcs(struct hp_vt *vt, uint32_t c)
{
	if (vt->phase == S_DCS_PASS) {
		if (vt->dcs != DCS_OTHER && c >= 0x20)
			strc(vt, c);
		return;
	}
	if (vt->phase == S_DCS_IGNORE)
		return;
	if (c >= '0' && c <= '9') {
		param(vt, (int)c);
		vt->phase = vt->phase == S_DCS_INTER ? S_DCS_IGNORE :
		    S_DCS_PARAM;
	} else if (c == ';' || c == ':') {
		param(vt, (int)c);
		vt->phase = vt->phase == S_DCS_INTER ? S_DCS_IGNORE :
		    S_DCS_PARAM;
	} else if (c >= '<' && c <= '?') {
		if (vt->phase == S_DCS_ENTRY)
			vt->priv = (char)c, vt->phase = S_DCS_PARAM;
		else
			vt->phase = S_DCS_IGNORE;
	} else if (c >= 0x20 && c <= 0x2f) {
		inter(vt, (int)c);
		vt->phase = S_DCS_INTER;
	} else if (c >= 0x40 && c <= 0x7e) {
		/* Its kind is known: only DECRQSS and XTGETTCAP ask. */
		vt->dcs = c == 'q' && vt->ninter == 1 && vt->priv == 0 ?
		    (vt->inter[0] == '$' ? DCS_RQSS : vt->inter[0] == '+' ?
		    DCS_TCAP : DCS_OTHER) : DCS_OTHER;
		if (vt->dcs == DCS_OTHER)
			pass(vt);
		vt->slen = 0;
		vt->phase = S_DCS_PASS;
	}
}

/* ESC, and what may follow it. */
static int
escape(struct hp_vt *vt, uint32_t c, struct hp_buf *ans)
{
	if (c >= 0x20 && c <= 0x2f) {
		inter(vt, (int)c);
		vt->phase = S_ESC_INTER;
		return 0;
	}
	if (vt->phase == S_ESC && vt->ninter == 0) {
		switch (c) {
		case '[':
			vt->phase = S_CSI_ENTRY;
			return 0;
		case ']':
			vt->phase = S_OSC;
			return 0;
		case 'P':
			vt->phase = S_DCS_ENTRY;
			return 0;
		case 'X':
		case '^':
		case '_':
			pass(vt);
			vt->phase = S_SOS;
			return 0;
		}
	}
	vt->phase = S_GROUND;
	return c >= 0x30 && c <= 0x7e ? dispatch(vt, S_ESC, (int)c, ans) : 0;
}

/* A C1 control, as the ESC sequence it stands for. */
static int
c1(struct hp_vt *vt, uint32_t c, struct hp_buf *ans)
{
	clear(vt);
	vt->phase = S_ESC;
	return escape(vt, c - 0x40, ans);
}

/*
 * One character c. Returns 1 when it ended a question (what was held
 * goes), 2 when it is a control to let out at once, 3 for one to drop
 * (ENQ: it asks for an answerback), else 0.
 */
static int
step(struct hp_vt *vt, uint32_t c, struct hp_buf *ans)
{
	int s = vt->phase, str = s == S_OSC || s == S_DCS_PASS ||
	    s == S_DCS_ENTRY || s == S_DCS_PARAM || s == S_DCS_INTER ||
	    s == S_DCS_IGNORE || s == S_SOS;

	if (c == 0x18 || c == 0x1a) {		/* CAN, SUB */
		vt->phase = S_GROUND;
		return 2;
	}
	if (c == 0x1b) {
		if (s == S_OSC || s == S_DCS_PASS || s == S_SOS) {
			/* ESC \ is ST; any other ends the string too. */
			vt->esc = 1;
			return 0;
		}
		clear(vt);
		vt->phase = S_ESC;
		return 0;
	}
	if (vt->esc) {
		/* ESC \ is ST; ESC and another ends the string unasked. */
		vt->esc = 0;
		vt->bel = 0;
		if (c == '\\')
			return strend(vt, ans);
		if (s == S_OSC)
			hp_vt_osc(vt);
		clear(vt);
		vt->phase = s = S_ESC;
	}
	vt->bel = c == 0x07;
	if ((c == 0x9c && str) || (c == 0x07 && s == S_OSC))	/* ST, BEL */
		return strend(vt, ans);
	if (c < 0x20 || c == 0x7f) {
		if (str || c == 0x7f)
			return 0;
		if (c == 0x05)
			return 3;
		hp_vt_control(vt, (int)c);
		return s == S_GROUND ? 0 : 2;
	}
	if (c >= 0x80 && c < 0xa0 && !str)
		return c1(vt, c, ans);
	switch (s) {
	case S_GROUND:
		hp_vt_print(vt, c);
		return 0;
	case S_ESC:
	case S_ESC_INTER:
		return escape(vt, c, ans);
	case S_CSI_ENTRY:
	case S_CSI_PARAM:
	case S_CSI_INTER:
	case S_CSI_IGNORE:
		return csi(vt, c, ans);
	case S_OSC:
		if (c == ';' && !vt->passing && strchr(vt->str, ';') == NULL)
			oscnum(vt);
		strc(vt, c);
		return 0;
	case S_SOS:
		return 0;
	default:
		dcs(vt, c);
		return 0;
	}
}

/* Decode one byte; 1 when c holds a whole character. */
static int
utf8(struct hp_vt *vt, unsigned char b, uint32_t *c, int *again)
{
	*again = 0;
	if (vt->utfleft > 0) {
		if ((b & 0xc0) == 0x80) {
			vt->utf = vt->utf << 6 | (b & 0x3f);
			if (--vt->utfleft > 0)
				return 0;
			*c = vt->utf;
			/* Overlong, surrogate, or too large: not one. */
			if (*c > 0x10ffff || (*c >= 0xd800 && *c <= 0xdfff))
				*c = 0xfffd;
			return 1;
		}
		/* Cut short: a replacement, and b again. */
		vt->utfleft = 0;
		*c = 0xfffd;
		*again = 1;
		return 1;
	}
	if (b < 0x80) {
		*c = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf)
		vt->utf = b & 0x1f, vt->utfleft = 1;
	else if (b >= 0xe0 && b <= 0xef)
		vt->utf = b & 0x0f, vt->utfleft = 2;
	else if (b >= 0xf0 && b <= 0xf4)
		vt->utf = b & 0x07, vt->utfleft = 3;
	else {
		*c = 0xfffd;
		return 1;
	}
	return 0;
}

static void
out(char *o, size_t *n, const void *p, size_t k)
{
	memcpy(o + *n, p, k);
	*n += k;
}

/*
 * Feed n bytes of the program's output. What clients may see goes into
 * o (n + HP_VT_HOLD bytes of room), its length into *on; answers to the
 * program's questions are added to ans. With stop, it stops as soon as
 * a draw may go between what is in o and what comes after: the bytes
 * it used.
 */
size_t
hp_vt_feed(struct hp_vt *vt, const char *in, size_t n, char *o, size_t *on,
    struct hp_buf *ans, int stop)
{
	const unsigned char *b = (const unsigned char *)in;
	size_t i;
	uint32_t c;
	int again, r, was;

	*on = 0;
	for (i = 0; i < n; i++) {
		/* Plain text, the most of it: no holding, no decoding. */
		if (vt->phase == S_GROUND && vt->utfleft == 0 &&
		    b[i] >= 0x20 && b[i] < 0x7f && vt->nhold == 0) {
			hp_vt_print(vt, b[i]);
			o[(*on)++] = (char)b[i];
			continue;
		}
		if (vt->nhold == sizeof vt->hold) {
			out(o, on, vt->hold, vt->nhold);
			vt->nhold = 0;
			pass(vt);
		}
		vt->hold[vt->nhold++] = b[i];
		if (!utf8(vt, b[i], &c, &again))
			continue;
		if (again)
			vt->nhold--;	/* a replacement first, then b[i] */
		was = vt->phase;
		r = step(vt, c, ans);
		if (r == 1 && !vt->passing)
			vt->nhold = 0;		/* a question: answered */
		else if (r == 3)
			vt->nhold--;		/* ENQ goes nowhere */
		else if (r == 2 && was != S_GROUND && !vt->passing) {
			/* A control in a held sequence goes out now; CAN
			 * and SUB drop the sequence they end. */
			vt->nhold = c == 0x18 || c == 0x1a ? 0 : vt->nhold - 1;
			o[(*on)++] = (char)c;
		}
		if (vt->phase == S_GROUND || vt->passing) {
			out(o, on, vt->hold, vt->nhold);
			vt->nhold = 0;
		}
		if (vt->phase == S_GROUND)
			vt->passing = 0;
		if (again)
			i--;
		else if (stop && !vt->passing)
			return i + 1;
	}
	return n;
}
