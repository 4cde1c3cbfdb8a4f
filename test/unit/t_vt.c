/* hp: see LICENSE. */
/* t_vt.c: the screen of a detached terminal: grid, questions, the draw. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "super/vt.h"
#include "unit.h"

/* Feed s whole; what clients may see in out, the answers in ans. */
static void
feed(struct hp_vt *vt, const char *s, struct hp_buf *out,
    struct hp_buf *ans)
{
	size_t n = strlen(s), m;
	char *o = hp_xmalloc(n + HP_VT_HOLD);

	hp_vt_feed(vt, s, n, o, &m, ans, 0);
	hp_buf_add(out, o, m);
	free(o);
}

/* The text of row y, empty cells as '.', wide tails as '>'. */
static const char *
row(struct hp_vt *vt, int y)
{
	static char r[HP_VT_COLS * 4 + 1];
	struct vcell *c = vt->scr[vt->alt].row[y].c;
	size_t n = 0;
	uint32_t ch;
	int x;

	for (x = 0; x < vt->cols; x++) {
		ch = c[x].ch & VT_CP;
		if (ch == 0)
			r[n++] = '.';
		else if (ch == VT_WIDE_TAIL)
			r[n++] = '>';
		else if (ch < 0x80)
			r[n++] = (char)ch;
		else
			r[n++] = '?';
	}
	r[n] = '\0';
	return r;
}

/* A draw of vt, read by a new screen of its size, is the same screen. */
static int
redraws(struct hp_vt *vt)
{
	struct hp_buf d = { 0 }, o = { 0 }, a = { 0 };
	struct hp_vt *b = hp_vt_new(vt->cols, vt->rows);
	char why[256];
	int same;

	hp_vt_draw(vt, &d);
	feed(b, hp_buf_str(&d), &o, &a);
	same = hp_vt_same(vt, b, why, sizeof why);
	if (!same)
		fprintf(stderr, "t_vt: not the same after a draw: %s\n", why);
	same = same && a.len == 0 && o.len == d.len;
	hp_vt_free(b);
	hp_buf_free(&d);
	hp_buf_free(&o);
	hp_buf_free(&a);
	return same;
}

static void
test_text(void)
{
	struct hp_vt *vt = hp_vt_new(10, 4);
	struct hp_buf o = { 0 }, a = { 0 };

	feed(vt, "ab\r\ncd\txy", &o, &a);
	CHECK_STR(row(vt, 0), "ab........");
	CHECK_STR(row(vt, 1), "cd......xy");
	CHECK(vt->cur.x == 9 && vt->cur.y == 1 && vt->cur.wrapnext);
	feed(vt, "z", &o, &a);
	CHECK_STR(row(vt, 2), "z.........");
	CHECK(vt->scr[0].row[2].wrapped && !vt->scr[0].row[1].wrapped);
	CHECK_STR(hp_buf_str(&o), "ab\r\ncd\txyz");
	CHECK(a.len == 0);
	/* Wide and combined: 漢 takes two, e and U+0301 one. */
	feed(vt, "\033[4;1H\346\274\242e\314\201!", &o, &a);
	CHECK_STR(row(vt, 3), "?>?!......");
	CHECK(vt->cur.x == 4);
	/* A mark after a wide one in the last column, a wrap pending. */
	feed(vt, "\033[4;9H\346\274\242\314\201", &o, &a);
	CHECK(vt->cur.wrapnext && (vt->scr[0].row[3].c[8].ch & VT_CP) >=
	    VT_COMB);
	CHECK(redraws(vt));
	/* A wide one that does not fit on the tail of another: both go. */
	feed(vt, "\033[3;9H\346\274\242\033[3;10H\346\274\242", &o, &a);
	CHECK_STR(row(vt, 2), "z.........");
	CHECK_STR(row(vt, 3), "?>?!....?>");
	CHECK(vt->cur.x == 2 && vt->cur.y == 3 && vt->scr[0].row[3].wrapped);
	CHECK(redraws(vt));
	/* At the bottom, a line feed scrolls. */
	feed(vt, "\n", &o, &a);
	CHECK_STR(row(vt, 0), "cd......xy");
	CHECK_STR(row(vt, 3), "..........");
	CHECK(redraws(vt));
	/* An insert pushes a wide one to the edge, its tail off: it goes. */
	feed(vt, "\033[4;1Habcdefgh\346\274\242\r\033[@", &o, &a);
	CHECK_STR(row(vt, 3), ".abcdefgh.");
	CHECK(redraws(vt));
	/* So does a character typed in insert mode, a combined wide one's. */
	feed(vt, "\033[4;1Habcdefgh\346\274\242\314\201\r\033[4hx\033[4l",
	    &o, &a);
	CHECK_STR(row(vt, 3), "xabcdefgh.");
	CHECK(redraws(vt));
	/* A delete moves wide ones from the edge whole. */
	feed(vt, "\033[4;1Habcd\346\274\242\346\274\242\346\274\242\r\033[3P",
	    &o, &a);
	CHECK_STR(row(vt, 3), "d?>?>?>...");
	CHECK(redraws(vt));
	hp_vt_free(vt);
	/* A back tab (CSI Z), as any move, ends a wrap pending; it is no
	 * question, where ESC Z is one. */
	vt = hp_vt_new(2, 1);
	a.len = 0;
	feed(vt, "ab\033[Z", &o, &a);
	CHECK(vt->cur.x == 0 && !vt->cur.wrapnext && a.len == 0);
	CHECK(redraws(vt));
	feed(vt, "\033Z", &o, &a);
	CHECK_STR(hp_buf_str(&a), "\033[?1;2c");
	hp_vt_free(vt);
	/* A cursor saved in origin mode, restored after the margins moved
	 * past it: inside them, where a draw can put it. */
	vt = hp_vt_new(10, 8);
	feed(vt, "\033[3;5r\033[?6h\0337\033[4;6r\0338", &o, &a);
	CHECK(vt->cur.y == 3 && vt->top == 3);
	CHECK(redraws(vt));
	hp_vt_free(vt);
	hp_buf_free(&o);
	hp_buf_free(&a);
}

static void
test_questions(void)
{
	struct hp_vt *vt = hp_vt_new(80, 24);
	struct hp_buf o = { 0 }, a = { 0 };
	size_t m;
	char out[64];

	/* Answered once, here; clients see none of them. */
	feed(vt, "ab\033[6n\033[c\033[>c\033[5n", &o, &a);
	CHECK_STR(hp_buf_str(&o), "ab");
	CHECK_STR(hp_buf_str(&a), "\033[1;3R\033[?1;2c\033[>0;276;0c"
	    "\033[0n");
	/* Cut anywhere, the same: held until whole. */
	o.len = a.len = 0;
	CHECK(hp_vt_feed(vt, "x\033[", 3, out, &m, &a, 0) == 3 && m == 1);
	CHECK(hp_vt_feed(vt, "?104", 4, out, &m, &a, 0) == 4 && m == 0);
	CHECK(hp_vt_feed(vt, "9$py", 4, out, &m, &a, 0) == 4 && m == 1 &&
	    out[0] == 'y');
	CHECK_STR(hp_buf_str(&a), "\033[?1049;2$y");
	a.len = 0;
	feed(vt, "\033]11;?\007\033]4;1;?;2;?\033\\\033]10;?\033\\", &o, &a);
	CHECK(o.len == 0);
	CHECK_STR(hp_buf_str(&a), "\033]11;rgb:0000/0000/0000\007"
	    "\033]4;1;rgb:cccc/0000/0000\033\\\033]4;2;rgb:4e4e/9a9a/0606"
	    "\033\\\033]10;rgb:ffff/ffff/ffff\033\\");
	/* A title goes out, and is kept; a colour set is not a question. */
	o.len = a.len = 0;
	feed(vt, "\033]2;my title\007\033]11;#102030\007\033[18t", &o, &a);
	CHECK_STR(hp_buf_str(&o), "\033]2;my title\007\033]11;#102030\007");
	CHECK_STR(vt->title, "my title");
	CHECK_STR(hp_buf_str(&a), "\033[8;24;80t");
	/* DECRQSS, XTGETTCAP, XTVERSION, ENQ. */
	o.len = a.len = 0;
	feed(vt, "\033[1;4:3;38;2;1;2;3m\033P$qm\033\\\033P+q544e\033\\"
	    "\033[>q\005", &o, &a);
	CHECK_STR(hp_buf_str(&o), "\033[1;4:3;38;2;1;2;3m");
	CHECK_STR(hp_buf_str(&a), "\033P1$r0;1;4:3;38;2;1;2;3m\033\\"
	    "\033P0+r544e\033\\\033P>|hp(" HP_VERSION ")\033\\");
	/* A control inside a held sequence goes out at once. */
	o.len = a.len = 0;
	feed(vt, "\033[6\rn", &o, &a);
	CHECK_STR(hp_buf_str(&o), "\r");
	CHECK_STR(hp_buf_str(&a), "\033[1;1R");
	hp_vt_free(vt);
	hp_buf_free(&o);
	hp_buf_free(&a);
}

static void
test_screens(void)
{
	struct hp_vt *vt = hp_vt_new(20, 6);
	struct hp_buf o = { 0 }, a = { 0 };

	feed(vt, "shell$ \033[1;31mred\033[0m", &o, &a);
	feed(vt, "\033[?1049h\033[?1h\033=\033[?2004h\033[2;5r\033[5;1H"
	    "\033[44mvim\033[K\n\n\033(0lqk\033(B\033]0;vim\007", &o, &a);
	CHECK(vt->alt && vt->top == 1 && vt->bot == 4);
	CHECK(hp_vt_mode(vt, 1, 1) == 1 && hp_vt_mode(vt, 2004, 1) == 1);
	CHECK_STR(row(vt, 2), "vim.................");
	CHECK(vt->scr[1].row[4].c[3].ch == 0x250c);
	CHECK(redraws(vt));
	feed(vt, "\033[?1049l", &o, &a);
	CHECK(!vt->alt && vt->cur.x == 10 && vt->cur.y == 0);
	CHECK_STR(row(vt, 0), "shell$ red..........");
	CHECK(redraws(vt));
	/* A resize keeps the cursor's row in sight. */
	feed(vt, "\033[6;1Hbottom", &o, &a);
	hp_vt_resize(vt, 10, 3);
	CHECK(vt->cur.y == 2 && vt->cols == 10);
	CHECK_STR(row(vt, 2), "bottom....");
	CHECK(redraws(vt));
	hp_vt_free(vt);
	hp_buf_free(&o);
	hp_buf_free(&a);
}

void
test_vt(void)
{
	test_text();
	test_questions();
	test_screens();
}

/*
 * run vt COLS ROWS: the program's output from stdin; prints "out HEX",
 * what clients see, "answer HEX" and "draw HEX", for the client's tests
 * to hold against xterm.js.
 */
int
unit_vt(int argc, char **argv)
{
	struct hp_buf in = { 0 }, o = { 0 }, a = { 0 }, d = { 0 };
	struct hp_vt *vt;
	char buf[4096], *out;
	ssize_t n;
	size_t m, i;

	if (argc != 4)
		return 2;
	vt = hp_vt_new(atoi(argv[2]), atoi(argv[3]));
	while ((n = hp_read(0, buf, sizeof buf)) > 0)
		hp_buf_add(&in, buf, (size_t)n);
	out = hp_xmalloc(in.len + HP_VT_HOLD);
	hp_vt_feed(vt, in.p, in.len, out, &m, &a, 0);
	hp_buf_add(&o, out, m);
	hp_vt_draw(vt, &d);
	printf("out ");
	for (i = 0; i < o.len; i++)
		printf("%02x", (unsigned char)o.p[i]);
	printf("\nanswer ");
	for (i = 0; i < a.len; i++)
		printf("%02x", (unsigned char)a.p[i]);
	printf("\ndraw ");
	for (i = 0; i < d.len; i++)
		printf("%02x", (unsigned char)d.p[i]);
	printf("\n");
	free(out);
	hp_vt_free(vt);
	return 0;
}
