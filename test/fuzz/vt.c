/* hp: see LICENSE. */
/*
 * vt.c: fuzz the screen a supervisor keeps of a terminal (hp_vt_feed):
 * the first two bytes are its size, the third where the input is cut
 * and resized. What clients may see is never more than was fed and
 * what was held; the cursor stays on the screen; where a draw may go, a
 * fresh screen fed the draw is the same screen and asks nothing.
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/vt.h"
#include "fuzz.h"

static void
feed(struct hp_vt *vt, const char *s, size_t n, struct hp_buf *ans)
{
	char *o = hp_xmalloc(n + HP_VT_HOLD);
	size_t m;

	if (hp_vt_feed(vt, s, n, o, &m, ans, 0) != n)
		fuzz_fail("fed %zu bytes, %zu used", n, n);
	if (m > n + HP_VT_HOLD)
		fuzz_fail("%zu bytes out of %zu in", m, n);
	if (vt->cur.x < 0 || vt->cur.x >= vt->cols || vt->cur.y < 0 ||
	    vt->cur.y >= vt->rows)
		fuzz_fail("cursor at %d,%d on %dx%d", vt->cur.x, vt->cur.y,
		    vt->cols, vt->rows);
	free(o);
}

/* vt drawn into a fresh screen of its size: the same, no question. */
static void
redraw(const struct hp_vt *vt)
{
	struct hp_buf d = { 0 }, ans = { 0 };
	struct hp_vt *b = hp_vt_new(vt->tcols, vt->trows);
	char why[256];

	hp_vt_draw(vt, &d);
	feed(b, d.p == NULL ? "" : d.p, d.len, &ans);
	if (!hp_vt_same(vt, b, why, sizeof why))
		fuzz_fail("drawn, not the same: %s", why);
	if (ans.len != 0)
		fuzz_fail("a draw asked %zu bytes of answers", ans.len);
	hp_vt_free(b);
	hp_buf_free(&d);
	hp_buf_free(&ans);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_buf ans = { 0 };
	struct hp_vt *vt;
	size_t cut;

	if (size < 3)
		return 0;
	vt = hp_vt_new(1 + data[0] % 120, 1 + data[1] % 40);
	cut = data[2] % (size - 2);
	feed(vt, (const char *)data + 3, cut > 0 ? cut - 1 : 0, &ans);
	hp_vt_resize(vt, 1 + data[1] % 90, 1 + data[0] % 50);
	if (cut > 0)
		feed(vt, (const char *)data + 2 + cut, size - 2 - cut, &ans);
	if (hp_vt_clean(vt))
		redraw(vt);
	hp_vt_free(vt);
	hp_buf_free(&ans);
	return 0;
}
