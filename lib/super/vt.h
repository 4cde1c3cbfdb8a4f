/* hp: see LICENSE. */
/*
 * vt.h: the screen of a terminal the supervisor keeps, as an xterm would
 * show it: vtparse.c reads the program's output and says what clients
 * may see of it; vtscreen.c keeps the grid, vtcsi.c moves in it,
 * vtmode.c keeps its modes, pen and title; vtdraw.c draws it for a
 * client that attaches, vtquery.c answers the program's questions;
 * vtwidth.c says how wide a character is. After hp.h.
 */

#ifndef HP_VT_H
#define HP_VT_H

#include <stdint.h>

#define HP_VT_COLS	1000	/* the most kept: a larger terminal is */
#define HP_VT_ROWS	500	/* kept cut to its top left */
#define HP_VT_HOLD	256	/* bytes of a sequence held back, at most */

/*
 * A cell: ch is the character (21 bits) and the attributes above it;
 * fg and bg a colour each: the kind in bits 24-25, a palette index or
 * 0xRRGGBB below. A character wider than one cell has WIDE_TAIL in the
 * cell after it; one with combining marks an index into the screen's
 * table of them, above 0x10FFFF. 0 is a cell nothing was written to.
 */
struct vcell {
	uint32_t	ch, fg, bg;
};
#define VT_CP		0x1fffffu
#define VT_WIDE_TAIL	0x1fffffu
#define VT_COMB		0x110000u	/* + index: a combined character */
#define A_BOLD		(1u << 21)
#define A_DIM		(1u << 22)
#define A_ITALIC	(1u << 23)
#define A_UL_SHIFT	24		/* 3 bits: 0 none, 1 single, 2 double, */
#define A_UL		(7u << 24)	/* 3 curly, 4 dotted, 5 dashed */
#define A_BLINK		(1u << 27)
#define A_INVERSE	(1u << 28)
#define A_INVISIBLE	(1u << 29)
#define A_STRIKE	(1u << 30)
#define A_OVERLINE	(1u << 31)
#define A_ALL		(~VT_CP)
#define C_DEFAULT	0
#define C_PALETTE	(1u << 24)	/* 30-37, 90-97: one of 16 */
#define C_RGB		(2u << 24)
#define C_P256		(3u << 24)	/* 38;5;N: one of 256 */
#define C_KIND		(3u << 24)

struct vrow {
	struct vcell	*c;
	int		 wrapped;	/* it goes on from the row above */
};

/* What DECSC keeps, and the cursor itself. */
struct vcur {
	int		 x, y;
	int		 wrapnext;	/* in the last column, a wrap pending */
	uint32_t	 attr, fg, bg;	/* the pen */
	unsigned char	 cs[4];		/* G0-G3: 'B' ASCII, '0' DEC graphics */
	int		 gl;		/* which of them is in use */
	int		 origin;	/* DECOM */
};

struct vscreen {
	struct vrow	*row;		/* NULL: not in use */
	struct vcell	*cell;		/* the rows' cells, one block */
	struct vcur	 saved;
	int		 has_saved;
};

/* The modes the screen follows, as bits of hp_vt.mode. */
enum {
	M_WRAP = 1 << 0,	/* ?7 DECAWM */
	M_ORIGIN = 1 << 1,	/* ?6 DECOM */
	M_INSERT = 1 << 2,	/* 4 IRM */
	M_LNM = 1 << 3,		/* 20: LF is CR LF */
	M_CURSOR = 1 << 4,	/* ?25 DECTCEM */
	M_KEYPAD = 1 << 5	/* ESC = DECKPAM */
};

/* Other modes the program set, to be set again as they were. */
#define VT_OTHER	48
struct vmode {
	uint16_t	 n;
	unsigned char	 dec;		/* 1: private (?N) */
	unsigned char	 on;
};

#define VT_STR		1024	/* an OSC or DCS string, at most */
#define VT_PARAMS	32
#define VT_TITLES	4	/* titles pushed (CSI 22 t), at most */

#define VT_SCREEN(vt)	(&(vt)->scr[(vt)->alt])	/* the one shown */
#define VT_CELL(vt, x, y) (&VT_SCREEN(vt)->row[y].c[x])

struct hp_vt {
	int		 cols, rows;	/* kept: the terminal's, cut */
	int		 tcols, trows;	/* the terminal's */
	struct vscreen	 scr[2];	/* normal, alternate */
	int		 alt;		/* 1: the alternate is shown */
	struct vcur	 cur;
	int		 top, bot;	/* the scroll region, rows */
	unsigned char	*tabs;		/* 1: a tab stop, by column */
	int		 tabset;	/* they are not every 8th */
	unsigned	 mode;		/* M_* */
	struct vmode	 other[VT_OTHER];
	int		 nother;
	int		 cstyle;	/* DECSCUSR, 0 default */
	uint32_t	 last;		/* the last character printed (REP) */
	uint32_t	(*comb)[4];	/* combined characters: base, marks */
	int		 ncomb, maxcomb;
	char		 title[256];
	unsigned	 titled;	/* changes of the title so far */
	char		*titles[VT_TITLES];
	int		 ntitles;
	char		*colour[3];	/* OSC 10, 11, 12 as set, or NULL */
	/* the parser: vtparse.c */
	int		 phase;		/* where in a sequence: S_* */
	int		 param[VT_PARAMS];
	unsigned char	 colon[VT_PARAMS];	/* param i came after a ':' */
	int		 nparam;
	char		 inter[4];
	int		 ninter;
	char		 priv;		/* CSI's < = > ? */
	uint32_t	 utf;		/* a character being decoded */
	int		 utfleft;
	char		 str[VT_STR];	/* OSC, or DCS $q and +q */
	size_t		 slen;
	int		 dcs;		/* what the DCS is: DCS_* */
	int		 esc;		/* ESC seen in a string: ST? */
	int		 bel;		/* the OSC ended with BEL */
	/* what clients may see: vtparse.c */
	unsigned char	 hold[HP_VT_HOLD];
	size_t		 nhold;
	int		 passing;	/* this sequence goes out as it comes */
};

/* vtparse.c */
struct hp_vt *hp_vt_new(int, int);		/* cols, rows */
void	hp_vt_free(struct hp_vt *);
size_t	hp_vt_feed(struct hp_vt *, const char *, size_t, char *, size_t *,
	    struct hp_buf *, int);
		/* the program's bytes -> what clients may see (room for
		   n + HP_VT_HOLD), its length, answers for the program;
		   1: stop where a draw may go: the bytes used */
int	hp_vt_clean(const struct hp_vt *);	/* 1: a draw may go here */
/* vtscreen.c */
void	hp_vt_reset(struct hp_vt *);		/* RIS */
void	hp_vt_resize(struct hp_vt *, int, int);
void	hp_vt_print(struct hp_vt *, uint32_t);
void	hp_vt_control(struct hp_vt *, int);	/* C0 */
int	hp_vt_grid(struct vscreen *, int, int);	/* cols, rows; -1 */
void	hp_vt_ungrid(struct vscreen *);
void	hp_vt_save(struct hp_vt *);		/* DECSC */
void	hp_vt_restore(struct hp_vt *);		/* DECRC */
struct vcell hp_vt_blank(const struct hp_vt *);	/* an erased cell */
void	hp_vt_erase(struct hp_vt *, int, int, int);	/* y, x0, x1 */
void	hp_vt_wipe(struct hp_vt *, int);	/* row y made new */
void	hp_vt_tabs(struct hp_vt *);		/* every 8th */
void	hp_vt_tab(struct hp_vt *, int);		/* n stops on */
void	hp_vt_scrollup(struct hp_vt *, int, int, int);	/* top, bot, n */
void	hp_vt_scrolldown(struct hp_vt *, int, int, int);
void	hp_vt_index(struct hp_vt *);		/* IND, LF */
void	hp_vt_rindex(struct hp_vt *);		/* RI */
int	hp_vt_clamp(int, int, int);		/* v, lo, hi */
/* vtcsi.c */
void	hp_vt_esc(struct hp_vt *, int);		/* ESC [inter] final */
void	hp_vt_csi(struct hp_vt *, int);		/* CSI ... final */
int	hp_vt_param(const struct hp_vt *, int, int);	/* i, default */
void	hp_vt_go(struct hp_vt *, int, int);	/* CUP, 0-based */
/* vtmode.c */
void	hp_vt_modes(struct hp_vt *, int);	/* SM, RM (1: set) */
int	hp_vt_mode(const struct hp_vt *, int, int);
				/* number, private: 1 set, 2 reset, 0 unknown */
void	hp_vt_pen(struct hp_vt *);		/* SGR */
void	hp_vt_titles(struct hp_vt *, int);	/* 1: push, 0: pop */
void	hp_vt_softreset(struct hp_vt *);	/* DECSTR */
void	hp_vt_osc(struct hp_vt *);		/* the string in str */
/* vtdraw.c */
void	hp_vt_draw(const struct hp_vt *, struct hp_buf *);
void	hp_vt_sgr(const struct hp_vt *, uint32_t, uint32_t, uint32_t,
	    struct hp_buf *, int);	/* attr, fg, bg: SGR; 1 with ESC[ m */
/* vtquery.c */
int	hp_vt_query(struct hp_vt *, int, struct hp_buf *);
			/* the sequence just read (final byte, or 0 for a
			   string): 1 it asked, answered into buf */
/* vtsame.c: for the tests */
int	hp_vt_same(const struct hp_vt *, const struct hp_vt *, char *,
	    size_t);		/* a drawn b: 1 the same, 0 + why not */
/* vtwidth.c */
int	hp_vt_width(uint32_t);			/* 0, 1, 2; -1 control */
size_t	hp_vt_utf8(uint32_t, char *);		/* into 4 bytes: length */

#endif
