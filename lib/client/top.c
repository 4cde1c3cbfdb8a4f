/* hp: see LICENSE. */
/* top.c: hp-ls --top: the processes live, full screen, and a log below. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * Drawn with plain ANSI sequences (no curses): the alternate screen, the
 * cursor put at each line, each line cleared to its end. A refresh every
 * REFRESH_MS asks the supervisor for its list (list.c), and sooner when an
 * event says something changed; the history for the sparklines is asked
 * for once, then each new sample is kept here. Sparklines are ASCII under
 * the C locale, blocks under UTF-8. The terminal is put back on every way
 * out: q, a signal (TERM, INT, HUP), an error (atexit).
 */
#define REFRESH_MS	1000
#define SOON_MS		100	/* after an event, a refresh this soon */
#define LOG_KEEP	256	/* lines of the log kept for its pane */
#define LOG_TAIL	65536	/* bytes of a log read when it is shown */

struct hist {
	char		 name[HP_NAME_MAX + 1];
	struct hp_sample s[HP_RING];
	int		 n, head;
	long long	 last;		/* wall ms of the newest */
	double		 cpu_time;	/* without a supervisor: to rate it */
	long long	 cpu_at;
};

struct top {
	struct hp_state	*st;
	char		**pat;		/* names and globs asked for */
	int		 npat;
	struct hp_listed *ls;		/* the last listing */
	char		**names;
	int		 n;
	struct hp_listsup sup;
	struct hist	*h;
	int		 nh;
	int		 asked;		/* the history was asked for once */
	char		 sel[HP_NAME_MAX + 1];	/* the selected process */
	int		 cur, off;	/* its row, the first row shown */
	int		 tree;		/* the children shown too */
	char		 filter[64];
	int		 prompt;	/* 0, '/' filter, 'x' signal */
	char		 input[64];
	char		 msg[256];
	int		 cols, rows;
	int		 colour, utf8;
	struct hp_client c;		/* verbs, their answers, events */
	int		 have_c;
	/* the log of the selected process */
	char		 lname[HP_NAME_MAX + 1];
	int		 lfd;
	dev_t		 ldev;
	ino_t		 lino;
	struct hp_buf	 lpart;		/* a line not yet ended */
	char		*lines[LOG_KEEP];
	int		 nlines, lhead;
	struct hp_buf	 out;		/* the frame being drawn */
};

static int raw;			/* the terminal is ours: put it back */

static void
restore(void)
{
	static const char back[] = "\033[0m\033[?25h\033[?1049l";

	if (!raw)
		return;
	raw = 0;
	(void)hp_write_all(STDOUT_FILENO, back, sizeof back - 1);
	hp_tty_restore();
}

static int
enter(void)
{
	static const char in[] = "\033[?1049h\033[?25l\033[H\033[2J";

	if (hp_tty_raw(STDIN_FILENO) == -1)
		return -1;
	raw = 1;
	return hp_write_all(STDOUT_FILENO, in, sizeof in - 1);
}

/* Is the locale's character set UTF-8 (LC_ALL, LC_CTYPE, LANG)? */
static int
utf8(void)
{
	static const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return strstr(v, "UTF-8") != NULL ||
			    strstr(v, "utf-8") != NULL ||
			    strstr(v, "utf8") != NULL ||
			    strstr(v, "UTF8") != NULL;
	return 0;
}

static int
matches(struct top *t, const char *name)
{
	int i;

	if (t->filter[0] != '\0' && (strpbrk(t->filter, "*?[") != NULL ?
	    fnmatch(t->filter, name, 0) != 0 : strstr(name, t->filter) ==
	    NULL))
		return 0;
	if (t->npat == 0)
		return 1;
	for (i = 0; i < t->npat; i++)
		if (strcmp(t->pat[i], name) == 0 ||
		    fnmatch(t->pat[i], name, 0) == 0)
			return 1;
	return 0;
}

static struct hist *
hist(struct top *t, const char *name)
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
keep(struct hist *h, const struct hp_sample *s)
{
	if (s->wall <= h->last)
		return;
	h->s[h->head] = *s;
	h->head = (h->head + 1) % HP_RING;
	if (h->n < HP_RING)
		h->n++;
	h->last = s->wall;
}

/*
 * The samples of a process: its whole ring the first time, then the
 * newest each time. Without a supervisor, the rate is made here from
 * two looks at its CPU time.
 */
static void
record(struct top *t, struct hp_info *in, int from_supervisor)
{
	struct hist *h = hist(t, in->name);
	struct hp_sample s;
	long long now = hp_wall_ms();
	int i;

	for (i = 0; i < in->nhist; i++)
		keep(h, &in->hist[i]);
	if (in->pid <= 0)
		return;
	if (!from_supervisor) {
		in->cpu = h->cpu_at > 0 && now > h->cpu_at ? (in->cpu_time -
		    h->cpu_time) * 100000.0 / (double)(now - h->cpu_at) : 0;
		if (in->cpu < 0)
			in->cpu = 0;
		h->cpu_time = in->cpu_time;
		h->cpu_at = now;
	}
	memset(&s, 0, sizeof s);
	s.wall = in->sampled > 0 ? in->sampled : now;
	s.cpu = (unsigned)(in->cpu * 100.0 + 0.5);
	s.rss = (unsigned)(in->rss / 1024);
	keep(h, &s);
}

/* A new listing: the supervisor's answer, else the files. */
static void
refresh(struct top *t)
{
	char **all;
	int i, n, k = 0;

	if (t->ls != NULL)
		hp_list_free(t->ls, t->n);
	hp_argv_free(t->names);
	t->ls = NULL;
	t->names = NULL;
	t->n = 0;
	if (hp_state_names(t->st, &all, &n) == -1)
		return;
	for (i = 0; i < n; i++)
		if (matches(t, all[i]))
			all[k++] = all[i];
		else
			free(all[i]);
	all[k] = NULL;
	t->names = all;
	t->n = k;
	t->ls = hp_xcalloc((size_t)k + 1, sizeof *t->ls);
	(void)hp_list_load(t->st, all, k, 1, !t->asked, t->ls, &t->sup);
	if (t->sup.up)
		t->asked = 1;
	for (i = 0; i < k; i++)
		if (t->ls[i].found)
			record(t, &t->ls[i].info, t->ls[i].line != NULL);
	/* The selection follows its process, wherever it now is. */
	for (i = 0; i < k && strcmp(t->names[i], t->sel) != 0; i++)
		;
	if (i == k)
		i = t->cur < k ? t->cur : k - 1;
	t->cur = i < 0 ? 0 : i;
	if (k > 0)
		hp_copy(t->sel, sizeof t->sel, t->names[t->cur]);
}

/* ---- the log of the selected process ---- */

static void
log_clear(struct top *t)
{
	int i;

	for (i = 0; i < LOG_KEEP; i++) {
		free(t->lines[i]);
		t->lines[i] = NULL;
	}
	t->nlines = t->lhead = 0;
	t->lpart.len = 0;
	if (t->lfd != -1)
		close(t->lfd);
	t->lfd = -1;
}

static void
log_line(struct top *t, const char *p, size_t n)
{
	char *l = hp_xmalloc(n + 1);

	memcpy(l, p, n);
	l[n] = '\0';
	free(t->lines[t->lhead]);
	t->lines[t->lhead] = l;
	t->lhead = (t->lhead + 1) % LOG_KEEP;
	if (t->nlines < LOG_KEEP)
		t->nlines++;
}

/* What came to the log since: whole lines kept, the last LOG_KEEP. */
static int
log_read(struct top *t)
{
	char buf[16384], *p, *nl;
	ssize_t r;
	int any = 0;

	while (t->lfd != -1 && (r = hp_read(t->lfd, buf, sizeof buf)) > 0) {
		hp_buf_add(&t->lpart, buf, (size_t)r);
		any = 1;
	}
	p = t->lpart.p;
	while (t->lpart.len > 0 && (nl = memchr(p, '\n', t->lpart.len -
	    (size_t)(p - t->lpart.p))) != NULL) {
		log_line(t, p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (p != NULL && p > t->lpart.p) {
		t->lpart.len -= (size_t)(p - t->lpart.p);
		memmove(t->lpart.p, p, t->lpart.len);
	}
	return any;
}

/* Show name's log: its tail, then what comes; a rotation is followed. */
static int
log_follow(struct top *t)
{
	char file[HP_PATH_MAX];
	struct stat sb;
	off_t from;
	int k;

	if (strcmp(t->lname, t->sel) != 0) {
		log_clear(t);
		hp_copy(t->lname, sizeof t->lname, t->sel);
	}
	if (t->sel[0] == '\0' || hp_proc_log(t->st, file, sizeof file,
	    t->sel, 0) == -1)
		return 0;
	if (t->lfd != -1 && stat(file, &sb) == 0 && (sb.st_ino != t->lino ||
	    sb.st_dev != t->ldev)) {
		log_read(t);	/* the end of the old one first */
		close(t->lfd);
		t->lpart.len = 0;
		if ((t->lfd = hp_open(file, O_RDONLY | O_NOFOLLOW, 0)) != -1) {
			t->ldev = sb.st_dev;
			t->lino = sb.st_ino;
		}
		log_read(t);
		return 1;
	}
	if (t->lfd != -1)
		return log_read(t);
	if ((t->lfd = hp_open(file, O_RDONLY | O_NOFOLLOW, 0)) == -1 ||
	    fstat(t->lfd, &sb) == -1)
		return 0;
	t->ldev = sb.st_dev;
	t->lino = sb.st_ino;
	from = sb.st_size > LOG_TAIL ? sb.st_size - LOG_TAIL : 0;
	if (from > 0 && lseek(t->lfd, from, SEEK_SET) == -1)
		from = 0;
	log_read(t);
	/* Read from within a line: its end is no line. */
	if (from > 0 && t->nlines > 0) {
		k = (t->lhead + LOG_KEEP - t->nlines) % LOG_KEEP;
		free(t->lines[k]);
		t->lines[k] = NULL;
		t->nlines--;
	}
	return 1;
}

/* ---- drawing ---- */

/* Text as it may go to the screen: no control bytes, at most w wide. */
static void
put(struct top *t, const char *s, int w)
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
at(struct top *t, int row)
{
	hp_buf_printf(&t->out, "\033[%d;1H", row);
}

static void
eol(struct top *t)
{
	hp_buf_adds(&t->out, "\033[0m\033[K");
}

static void
colour(struct top *t, const char *sgr)
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
spark(struct top *t, const struct hist *h, int w, int cpu)
{
	static const char *blocks[] = { "\342\226\201", "\342\226\202",
	    "\342\226\203", "\342\226\204", "\342\226\205", "\342\226\206",
	    "\342\226\207", "\342\226\210" };
	static const char ascii[] = "_.-:=+*#";
	const struct hp_sample *s;
	long long step = t->sup.interval > 0 ? t->sup.interval : REFRESH_MS;
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
sparkw(const struct top *t)
{
	int w = (t->cols - 78) / 2;

	return w < 0 ? 0 : w > HP_RING ? HP_RING : w;
}

static void
row(struct top *t, int r, int i)
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
		spark(t, hist(t, in->name), w, 1);
		hp_buf_addc(&t->out, ' ');
		spark(t, hist(t, in->name), w, 0);
	}
	eol(t);
}

/* The children of process i, a row each: pid, name, memory. */
static int
children(struct top *t, int r, int last, int i)
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
header(struct top *t)
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
logpane(struct top *t, int from, int to)
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
			l = t->lines[(t->lhead - t->nlines + k + LOG_KEEP) %
			    LOG_KEEP];
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
footer(struct top *t)
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
lines_of(const struct top *t, int i)
{
	return 1 + (t->tree && t->ls[i].info.ntree > 1 ?
	    t->ls[i].info.ntree - 1 : 0);
}

/* The whole screen, in one write. */
static void
draw(struct top *t)
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

static void
verb(struct top *t, const char *v, const char *sig)
{
	int r;

	if (t->sel[0] == '\0')
		return;
	if (!t->have_c) {
		snprintf(t->msg, sizeof t->msg, "%s: no supervisor to ask",
		    t->sel);
		return;
	}
	r = sig != NULL ? hp_client_send(&t->c, "signal %s %s", sig, t->sel) :
	    hp_client_send(&t->c, "%s %s", v, t->sel);
	if (r == -1)
		snprintf(t->msg, sizeof t->msg, "%s: %s: %s", t->sel, v,
		    errno == ENXIO ? "no supervisor" : strerror(errno));
	else
		snprintf(t->msg, sizeof t->msg, "%s: %s ...", t->sel, v);
}

/* A line from the supervisor: an answer to a verb, or an event. */
static int
heard(struct top *t, const char *line)
{
	char ok[8], name[HP_NAME_MAX + 1], state[16], m[120];

	if (hp_json_get(line, "event", m, sizeof m) == 0)
		return strncmp(m, "process:", 8) == 0 &&
		    strcmp(m, "process:output") != 0 &&
		    strcmp(m, "process:metrics") != 0;
	if (hp_json_get(line, "ok", ok, sizeof ok) == -1)
		return 0;
	if (hp_json_get(line, "name", name, sizeof name) == -1)
		hp_copy(name, sizeof name, "?");
	if (strcmp(ok, "true") == 0) {
		if (hp_json_get(line, "state", state, sizeof state) == -1)
			hp_copy(state, sizeof state, "ok");
		snprintf(t->msg, sizeof t->msg, "%s: %s", name, state);
	} else {
		if (hp_json_get(line, "message", m, sizeof m) == -1)
			hp_copy(m, sizeof m, "failed");
		snprintf(t->msg, sizeof t->msg, "%s: %s", name, m);
	}
	return 1;
}

static const char *
state_of(const struct top *t)
{
	return t->n > 0 && t->ls[t->cur].found ? t->ls[t->cur].info.state :
	    "";
}

/* A finished prompt: the filter, or the signal to send. */
static void
submit(struct top *t)
{
	if (t->prompt == '/')
		hp_copy(t->filter, sizeof t->filter, t->input);
	else if (t->input[0] != '\0' && hp_signal(t->input) > 0)
		verb(t, "signal", t->input);
	else if (t->input[0] != '\0')
		snprintf(t->msg, sizeof t->msg, "unknown signal: %.40s",
		    t->input);
	t->prompt = 0;
}

static void
typing(struct top *t, int c)
{
	size_t n = strlen(t->input);

	if (c == '\r' || c == '\n')
		submit(t);
	else if (c == 0x1b || c == 0x03 || c == 0x07)
		t->prompt = 0;
	else if ((c == 0x7f || c == 0x08) && n > 0)
		t->input[n - 1] = '\0';
	else if (c >= ' ' && c < 0x7f && n + 1 < sizeof t->input &&
	    (t->prompt == '/' ? strchr("*?[]!._-", c) != NULL ||
	    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') : c != ' ')) {
		t->input[n] = (char)c;
		t->input[n + 1] = '\0';
	}
}

static void
move(struct top *t, int d)
{
	int i = t->cur + d;

	if (t->n == 0)
		return;
	i = i < 0 ? 0 : i >= t->n ? t->n - 1 : i;
	t->cur = i;
	hp_copy(t->sel, sizeof t->sel, t->names[i]);
	t->msg[0] = '\0';
}

/* Keys read: 1 quit, 0 go on; *again: the listing is to be read again. */
static int
keys(struct top *t, const unsigned char *k, size_t n, int *again)
{
	const char *st;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t->prompt != 0) {
			if (k[i] == 0x1b && i + 1 < n)
				i += i + 2 < n && k[i + 1] == '[' ? 2 : 1;
			else
				typing(t, k[i]);
			*again |= t->prompt == 0;
			continue;
		}
		if (k[i] == 0x1b && i + 2 < n && (k[i + 1] == '[' ||
		    k[i + 1] == 'O')) {
			if (k[i + 2] == 'A')
				move(t, -1);
			else if (k[i + 2] == 'B')
				move(t, 1);
			else if ((k[i + 2] == '5' || k[i + 2] == '6') &&
			    i + 3 < n && k[i + 3] == '~') {
				move(t, k[i + 2] == '5' ? -10 : 10);
				i++;
			}
			i += 2;
			continue;
		}
		switch (k[i]) {
		case 'q':
		case 0x03:
			return 1;
		case 'j':
			move(t, 1);
			break;
		case 'k':
			move(t, -1);
			break;
		case 'g':
			move(t, -t->n);
			break;
		case 'G':
			move(t, t->n);
			break;
		case 'r':
			verb(t, "restart", NULL);
			break;
		case 's':
			st = state_of(t);
			verb(t, strcmp(st, "running") == 0 ||
			    strcmp(st, "starting") == 0 ||
			    strcmp(st, "backoff") == 0 ? "stop" : "start",
			    NULL);
			break;
		case 'x':
		case '/':
			t->prompt = k[i];
			hp_copy(t->input, sizeof t->input, k[i] == '/' ?
			    t->filter : "TERM");
			break;
		case 't':
			t->tree = !t->tree;
			break;
		case 0x0c:	/* ^L */
			hp_write_all(STDOUT_FILENO, "\033[2J", 4);
			break;
		case 0x1a:	/* ^Z */
			restore();
			raise(SIGSTOP);
			break;
		}
	}
	return 0;
}

/* The answers and events come to our FIFO: 1 something changed. */
static int
listen_c(struct top *t)
{
	char line[HP_LINE_MAX + 1];
	ssize_t r;
	int changed = 0;

	if (!t->have_c)
		return 0;
	while ((r = hp_read(t->c.fd, t->c.buf + t->c.len,
	    sizeof t->c.buf - t->c.len)) > 0)
		t->c.len += (size_t)r;
	while (hp_client_line(&t->c, line, sizeof line, 0) == 0)
		changed |= heard(t, line);
	return changed;
}

/*
 * hp-ls --top over st, the processes named by pat (names and globs, none:
 * all): until q or a signal. Exit status, or -1 and e.
 */
int
hp_top_run(struct hp_state *st, char **pat, int npat, struct hp_error *e)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGWINCH,
	    SIGCONT, 0 };
	struct top t;
	struct pollfd pfd[3];
	unsigned char k[64];
	long long next = 0, now, logat = 0;
	int sfd, sig, quit = 0, again, n;
	ssize_t r;

	memset(&t, 0, sizeof t);
	t.st = st;
	t.pat = pat;
	t.npat = npat;
	t.lfd = -1;
	t.colour = hp_tty_colour(STDOUT_FILENO);
	t.utf8 = utf8();
	if ((sfd = hp_sig_catch(sigs)) == -1)
		return hp_error_sys(e, "sigaction");
	signal(SIGPIPE, SIG_IGN);
	atexit(restore);
	if (hp_state_supervisor(st) > 0 && hp_client_open(&t.c, st) == 0)
		t.have_c = 1;
	if (enter() == -1) {
		restore();
		if (t.have_c)
			hp_client_close(&t.c);
		return hp_error_sys(e, "terminal");
	}
	while (!quit) {
		now = hp_mono_ms();
		if (now >= next) {
			refresh(&t);
			log_follow(&t);
			logat = now;
			draw(&t);
			next = now + REFRESH_MS;
		} else if (now - logat >= 250) {
			logat = now;
			if (log_follow(&t))
				draw(&t);
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[1].fd = sfd;
		pfd[2].fd = t.have_c ? t.c.fd : -1;
		pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
		n = poll(pfd, 3, (int)(next - now < 250 ? next - now : 250));
		if (n == -1 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		while ((sig = hp_sig_next(sfd)) != 0)
			if (sig == SIGWINCH)
				next = 0;
			else if (sig == SIGCONT) {
				(void)enter();
				next = 0;
			} else
				quit = 1;
		if (pfd[2].revents != 0 && listen_c(&t) &&
		    next > hp_mono_ms() + SOON_MS)
			next = hp_mono_ms() + SOON_MS;
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			quit = 1;
		else if (pfd[0].revents & POLLIN) {
			if ((r = hp_read(STDIN_FILENO, k, sizeof k)) <= 0)
				quit = r == 0 || errno != EAGAIN;
			else {
				again = 0;
				quit |= keys(&t, k, (size_t)r, &again);
				if (again)
					next = 0;
				else if (!quit) {
					log_follow(&t);
					draw(&t);
				}
			}
		}
	}
	restore();
	log_clear(&t);
	hp_buf_free(&t.lpart);
	hp_buf_free(&t.out);
	if (t.ls != NULL)
		hp_list_free(t.ls, t.n);
	hp_argv_free(t.names);
	free(t.h);
	if (t.have_c)
		hp_client_close(&t.c);
	return HP_EXIT_OK;
}
