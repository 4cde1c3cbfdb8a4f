/* hp: see LICENSE. */
/* topdraw.c: a frame of hp-ls --top: the rows, the sparklines, the log. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/top.h"

/* Text as it may go to the screen: no control bytes, at most w wide. */
/* The samples kept of name, or NULL. */
struct hp_tophist *
hp_top_hist(struct hp_top *t, const char *name)
{
	int i;

	for (i = 0; i < t->nh; i++)
		if (strcmp(t->h[i].name, name) == 0)
			return &t->h[i];
	t->h = hp_xrealloc(t->h, (size_t)(t->nh + 1) * sizeof *t->h);
	memset(&t->h[t->nh], 0, sizeof *t->h);
	hp_copy(t->h[t->nh].name, sizeof t->h[0].name, name);
	return &t->h[t->nh++];
}

static void
put(struct hp_top *t, const char *s, int w)
{
	size_t n;

	while (*s != '\0' && w > 0) {
		if ((unsigned char)*s >= 0x80 && t->utf8 &&
		    (n = hp_utf8_len((const unsigned char *)s, strlen(s))) >
		    0) {
			hp_buf_add(&t->out, s, n);
			s += n;
		} else {
			hp_buf_addc(&t->out, (unsigned char)*s < ' ' ||
			    (unsigned char)*s >= 0x7f ? '?' : *s);
			s++;
		}
		w--;
	}
}

static void
at(struct hp_top *t, int row)
{
	hp_buf_printf(&t->out, "\033[%d;1H", row);
}

static void
eol(struct hp_top *t)
{
	hp_buf_adds(&t->out, "\033[0m\033[K");
}

static void
colour(struct hp_top *t, const char *sgr)
{
	if (t->colour)
		hp_buf_adds(&t->out, sgr);
}

/*
 * A sparkline of w columns, the newest at the right: column i is the
 * sample nearest to its time, one interval a column; none is a blank.
 * cpu: of 100 % (more saturates); memory: of the highest shown.
 */
static void
spark(struct hp_top *t, const struct hp_tophist *h, int w, int cpu)
{
	static const char *blocks[] = { "\342\226\201", "\342\226\202",
	    "\342\226\203", "\342\226\204", "\342\226\205", "\342\226\206",
	    "\342\226\207", "\342\226\210" };
	static const char ascii[] = "_.-:=+*#";
	const struct hp_sample *s;
	long long step = t->sup.interval > 0 ? t->sup.interval : HP_TOP_REFRESH;
	long long now = hp_wall_ms(), when, best;
	unsigned v[HP_RING], top = cpu ? 10000 : 1;
	int i, k, lvl, got[HP_RING];

	if (w > HP_RING)
		w = HP_RING;
	for (i = 0; i < w; i++) {
		got[i] = 0;
		when = now - (long long)(w - 1 - i) * step;
		best = step / 2 + 1;
		for (k = 0; h != NULL && k < h->n; k++) {
			s = &h->s[(h->head - 1 - k + 2 * HP_RING) % HP_RING];
			if (llabs(s->wall - when) < best) {
				best = llabs(s->wall - when);
				v[i] = cpu ? s->cpu : s->rss;
				got[i] = 1;
			}
		}
		if (got[i] && v[i] > top)
			top = v[i];
	}
	for (i = 0; i < w; i++) {
		if (!got[i]) {
			hp_buf_addc(&t->out, ' ');
			continue;
		}
		lvl = (int)((double)v[i] * 7.0 / (double)top + 0.5);
		lvl = lvl < 0 ? 0 : lvl > 7 ? 7 : lvl;
		if (t->utf8)
			hp_buf_adds(&t->out, blocks[lvl]);
		else
			hp_buf_addc(&t->out, ascii[lvl]);
	}
}

static const char *
statecolour(const char *state)
{
	if (strcmp(state, "running") == 0)
		return "\033[32m";
	if (strcmp(state, "failed") == 0 || strcmp(state, "exited") == 0)
		return "\033[31m";
	if (strcmp(state, "stopped") == 0)
		return "\033[2m";
	return "\033[33m";
}

static int
sparkw(const struct hp_top *t)
{
	int w = (t->cols - 78) / 2;

	return w < 0 ? 0 : w > HP_RING ? HP_RING : w;
}

static void
row(struct hp_top *t, int r, int i)
{
	const struct hp_info *in = &t->ls[i].info;
	char cpu[16], mem[16], up[32], pid[16], line[160];
	int w = sparkw(t);

	at(t, r);
	if (i == t->cur)
		hp_buf_adds(&t->out, "\033[7m");
	if (in->pid > 0) {
		snprintf(pid, sizeof pid, "%ld", (long)in->pid);
		snprintf(cpu, sizeof cpu, "%.1f%%", in->cpu);
	} else {
		snprintf(pid, sizeof pid, "-");
		snprintf(cpu, sizeof cpu, "-");
	}
	hp_fmt_size(mem, sizeof mem, in->rss);
	hp_fmt_uptime(up, sizeof up, in->pid > 0 && in->started_wall > 0 ?
	    hp_wall_ms() - in->started_wall : 0);
	snprintf(line, sizeof line, "%-16.16s ", in->name);
	put(t, line, t->cols);
	if (i != t->cur)
		colour(t, statecolour(in->state));
	snprintf(line, sizeof line, "%-9s", in->state);
	put(t, line, t->cols - 17);
	if (i != t->cur)
		colour(t, "\033[39;22m");
	snprintf(line, sizeof line, " %7s %6s %7s %8d %-9s %7s", pid, cpu,
	    mem, in->restarts, in->health, up);
	put(t, line, t->cols - 26);
	if (w > 0 && t->cols > 78) {
		hp_buf_adds(&t->out, "  ");
		spark(t, hp_top_hist(t, in->name), w, 1);
		hp_buf_addc(&t->out, ' ');
		spark(t, hp_top_hist(t, in->name), w, 0);
	}
	eol(t);
}

/* The children of process i, a row each: pid, name, memory. */
static int
children(struct hp_top *t, int r, int last, int i)
{
	const struct hp_info *in = &t->ls[i].info;
	struct hp_pstat ps;
	char comm[32], mem[16], line[160];
	int k;

	for (k = 1; k < in->ntree && r <= last; k++) {
		if (hp_proc_comm(in->tree[k], comm, sizeof comm) == -1)
			hp_copy(comm, sizeof comm, "?");
		hp_fmt_size(mem, sizeof mem, hp_pstat(in->tree[k], &ps) == 0 ?
		    (long long)ps.rss : 0);
		at(t, r++);
		colour(t, "\033[2m");
		snprintf(line, sizeof line, "  %s %-13.13s %-9s %7ld %6s %7s",
		    t->utf8 ? "\342\224\224" : "`-", comm, "child",
		    (long)in->tree[k], "", mem);
		put(t, line, t->cols);
		eol(t);
	}
	return r;
}

static void
header(struct hp_top *t)
{
	char line[HP_PATH_MAX + 200], up[32], clock[32];
	int w = sparkw(t);

	hp_time_fmt(clock, hp_wall_ms());
	at(t, 1);
	colour(t, "\033[1m");
	if (t->sup.up) {
		hp_fmt_uptime(up, sizeof up, t->sup.uptime_ms);
		snprintf(line, sizeof line, "hp %s  supervisor %ld, up %s, "
		    "%d process%s  %.8s UTC", t->st->dir, (long)t->sup.pid, up,
		    t->sup.processes, t->sup.processes == 1 ? "" : "es",
		    clock + 11);
	} else
		snprintf(line, sizeof line, "hp %s  no supervisor  %.8s UTC",
		    t->st->dir, clock + 11);
	put(t, line, t->cols);
	eol(t);
	at(t, 2);
	hp_buf_adds(&t->out, "\033[4m");
	snprintf(line, sizeof line, "%-16s %-9s %7s %6s %7s %8s %-9s %7s",
	    "NAME", "STATE", "PID", "CPU", "MEM", "RESTARTS", "HEALTH",
	    "UPTIME");
	put(t, line, t->cols);
	if (w > 0 && t->cols > 78) {
		snprintf(line, sizeof line, "  %-*.*s %-*.*s", w, w, "CPU 1m",
		    w, w, "MEM 1m");
		put(t, line, t->cols - 80);
	}
	eol(t);
}

static void
logpane(struct hp_top *t, int from, int to)
{
	char line[256];
	const char *l, *text;
	int r, k, first, stream;

	at(t, from);
	colour(t, "\033[1m");
	snprintf(line, sizeof line, "%s %s: log ", t->utf8 ?
	    "\342\224\200\342\224\200" : "--", t->sel[0] ? t->sel : "-");
	put(t, line, t->cols);
	for (k = (int)strlen(line); k < t->cols; k++)
		hp_buf_adds(&t->out, t->utf8 ? "\342\224\200" : "-");
	eol(t);
	first = t->nlines - (to - from);
	if (first < 0)
		first = 0;
	for (r = from + 1, k = first; r <= to; r++, k++) {
		at(t, r);
		if (k < t->nlines) {
			l = t->lines[(t->lhead - t->nlines + k + HP_TOP_KEEP) %
			    HP_TOP_KEEP];
			if (hp_log_parse(l, &stream, &text) == 0) {
				colour(t, stream ? "\033[31m" : "\033[2m");
				snprintf(line, sizeof line, "%.12s ", l + 11);
				put(t, line, t->cols);
				colour(t, "\033[39;22m");
				put(t, text, t->cols - 13);
			} else
				put(t, l, t->cols);
		}
		eol(t);
	}
}

static void
footer(struct hp_top *t)
{
	char line[256];

	at(t, t->rows);
	if (t->prompt != 0)
		snprintf(line, sizeof line, "%s%s", t->prompt == '/' ?
		    "filter: " : "signal to ", t->prompt == '/' ? t->input :
		    "");
	if (t->prompt == 'x')
		snprintf(line, sizeof line, "signal to %s: %s", t->sel,
		    t->input);
	else if (t->prompt == 0)
		snprintf(line, sizeof line, "%s", t->msg[0] != '\0' ? t->msg :
		    "q quit  j/k move  r restart  s stop/start  x signal  "
		    "/ filter  t tree");
	colour(t, "\033[2m");
	put(t, line, t->cols);
	eol(t);
}

/* The rows process i takes: its own, and its children's with t. */
static int
lines_of(const struct hp_top *t, int i)
{
	return 1 + (t->tree && t->ls[i].info.ntree > 1 ?
	    t->ls[i].info.ntree - 1 : 0);
}

/* The whole screen, in one write. */
void
hp_top_draw(struct hp_top *t)
{
	int r, i, last, height, need;

	t->out.len = 0;
	if (hp_pty_size_get(STDOUT_FILENO, &t->cols, &t->rows) == -1 ||
	    t->cols < 20 || t->rows < 6) {
		t->cols = t->cols < 20 ? 20 : t->cols;
		t->rows = t->rows < 6 ? 6 : t->rows;
	}
	header(t);
	/* The list takes what it needs, up to half; the log the rest. */
	height = t->rows - 4;
	for (i = 0, need = 0; i < t->n; i++)
		need += lines_of(t, i);
	last = 2 + (need < height / 2 ? need : height / 2);
	if (last < 3)
		last = 3;
	/* The selected row in sight, its children counted. */
	if (t->cur < t->off)
		t->off = t->cur;
	for (;;) {
		for (i = t->off, r = 0; i <= t->cur; i++)
			r += lines_of(t, i);
		if (r <= last - 2 || t->off >= t->cur)
			break;
		t->off++;
	}
	for (r = 3, i = t->off; r <= last && i < t->n; i++) {
		if (!t->ls[i].found)
			continue;
		row(t, r++, i);
		if (t->tree)
			r = children(t, r, last, i);
	}
	for (; r <= last; r++) {
		at(t, r);
		if (r == 3 && t->n == 0)
			put(t, "  (no process)", t->cols);
		eol(t);
	}
	logpane(t, last + 1, t->rows - 1);
	footer(t);
	(void)hp_write_all(STDOUT_FILENO, t->out.p, t->out.len);
}

/* ---- keys and verbs ---- */

