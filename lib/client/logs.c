/* hp: see LICENSE. */
/* logs.c: the logs of many processes as one, in time, and followed. */

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
 * Each process's log is its rotated files, oldest first, then log; each
 * line begins with its time (hp(7), log), so the logs of many processes
 * are merged by that time, a line at a time, never all read at once:
 * each source reads its files in chunks and holds one line, and the
 * earliest of the held lines goes out. Following, what has come to each
 * log since the last look (every LOOK_MS) is merged the same way; a log
 * rotated meanwhile is read to its end before the new one, and new
 * processes whose names match are taken in (every SCAN_MS).
 */
#define LOOK_MS		100
#define SCAN_MS		1000
#define CHUNK		65536

struct src {
	char		 name[HP_REF_MAX + 1];
	int		 k;		/* the rotated file to open first, 0: log */
	int		 fd;
	dev_t		 dev;		/* of the file open, known by it */
	ino_t		 ino;
	int		 past;		/* it is no longer the log */
	struct hp_buf	 buf;		/* read, not yet taken as lines */
	size_t		 pos;
	struct hp_buf	 line;		/* the line held, whole */
	int		 held;
	char		 ts[25];	/* its time, or the last one seen */
	int		 gone;		/* its directory went */
};

struct logs {
	struct hp_state	*st;
	const struct hp_logopt *o;
	struct src	*s;
	int		 n;
	int		 width;		/* of the widest name, for the prefix */
	int		 globs;		/* processes to come may be asked for */
	int		 colour;
	char		 since[32];	/* lines before this time are left */
	char		**ring;		/* -n: the last lines, before following */
	long long	 nring;
	long long	 kept;
};

/* What ends a loop that follows: noted, between two of its turns. */
static const int ending[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, 0 };

/* Is name one the operands ask for (none: every one)? */
static int
wanted(const struct hp_logopt *o, const char *name)
{
	int i;

	if (o->n == 0)
		return 1;
	for (i = 0; i < o->n; i++)
		if (strcmp(o->names[i], name) == 0 ||
		    fnmatch(o->names[i], name, 0) == 0)
			return 1;
	return 0;
}

static void
add(struct logs *l, const char *name, int history)
{
	char file[HP_PATH_MAX];
	struct stat sb;
	struct src *s;
	int i, k;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->s[i].name, name) == 0)
			return;
	l->s = hp_xrealloc(l->s, (size_t)(l->n + 1) * sizeof *l->s);
	s = &l->s[l->n++];
	memset(s, 0, sizeof *s);
	hp_copy(s->name, sizeof s->name, name);
	s->fd = -1;
	/* The rotated files are log.1 (newest) to log.K: K the last. */
	for (k = 1; history && hp_proc_log(l->st, file, sizeof file, name,
	    k) == 0 && lstat(file, &sb) == 0; k++)
		;
	s->k = history ? k - 1 : 0;
	if ((int)strlen(name) > l->width)
		l->width = (int)strlen(name);
}

/* Open the next file of s: 0, or -1 when there is none (yet). */
static int
open_next(struct logs *l, struct src *s)
{
	char file[HP_PATH_MAX];
	struct stat sb;

	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	while (s->k >= 0) {
		hp_proc_log(l->st, file, sizeof file, s->name, s->k);
		if ((s->fd = hp_open(file, O_RDONLY | O_NOFOLLOW, 0)) != -1 ||
		    s->k == 0)
			break;
		s->k--;
	}
	if (s->fd == -1)
		return -1;
	if (fstat(s->fd, &sb) == 0) {
		s->dev = sb.st_dev;
		s->ino = sb.st_ino;
	}
	return 0;
}

/* Is log.k (k = 0: log) the file s has open? */
static int
ours(struct logs *l, const struct src *s, int k)
{
	char file[HP_PATH_MAX];
	struct stat sb;

	return hp_proc_log(l->st, file, sizeof file, s->name, k) == 0 &&
	    stat(file, &sb) == 0 && sb.st_ino == s->ino &&
	    sb.st_dev == s->dev;
}

/*
 * Where the file s has open is now: log.K (K), or 0. Files only move
 * up, and so does the search: it cannot miss the one that moves.
 */
static int
moved(struct logs *l, const struct src *s)
{
	int k;

	for (k = 1; k < 100; k++)
		if (ours(l, s, k))
			return k;
	return 0;
}

/*
 * s has read to its end a file that is no longer the log: on to the one
 * that came after it, the one a place nearer the log while s's stays
 * where it was (a rotation moves the older file first): 1; 0 none yet
 * (the log between its rename and its new file).
 */
static int
onward(struct logs *l, struct src *s)
{
	char file[HP_PATH_MAX];
	struct stat sb;
	int k, fd, tries;

	for (tries = 0; tries < 400; tries++) {
		if ((k = moved(l, s)) == 0) {
			s->k = 99;	/* rotated out of reach: the oldest */
			return open_next(l, s) == 0;
		}
		if (hp_proc_log(l->st, file, sizeof file, s->name, k - 1) ==
		    -1)
			return 0;
		if ((fd = hp_open(file, O_RDONLY | O_NOFOLLOW, 0)) == -1) {
			if (k == 1)
				return 0;
			continue;
		}
		if (fstat(fd, &sb) == 0 && ours(l, s, k)) {
			close(s->fd);
			s->fd = fd;
			s->dev = sb.st_dev;
			s->ino = sb.st_ino;
			return 1;
		}
		close(fd);
	}
	return 0;
}

/*
 * The next whole line of s into s->line (held): 1; 0 none for now. At
 * the end of log, a line without its newline is taken only when ending
 * (last): following, it may yet grow.
 */
static int
next(struct logs *l, struct src *s, int last)
{
	char *p, *nl;
	ssize_t r;

	for (;;) {
		/* An empty buffer may have no memory yet: p only past it. */
		p = s->buf.len > s->pos ? s->buf.p + s->pos : NULL;
		if (p != NULL && (nl = memchr(p, '\n',
		    s->buf.len - s->pos)) != NULL) {
			s->line.len = 0;
			hp_buf_add(&s->line, p, (size_t)(nl - p));
			s->pos += (size_t)(nl - p) + 1;
			break;
		}
		if (s->pos > 0) {
			memmove(s->buf.p, s->buf.p + s->pos,
			    s->buf.len - s->pos);
			s->buf.len -= s->pos;
			s->pos = 0;
		}
		if (s->fd == -1 && (s->gone || open_next(l, s) == -1))
			return 0;
		if (s->buf.cap < s->buf.len + CHUNK)
			s->buf.p = hp_xrealloc(s->buf.p, (s->buf.cap =
			    s->buf.len + CHUNK));
		r = hp_read(s->fd, s->buf.p + s->buf.len, CHUNK);
		if (r > 0) {
			s->buf.len += (size_t)r;
			continue;
		}
		if (!s->past && !ours(l, s, 0)) {
			s->past = 1;	/* what came before it went, then on */
			continue;
		}
		if (s->past && s->buf.len == 0) {
			s->past = 0;
			if (onward(l, s))
				continue;
		}
		/* The open line, taken when ending, or cut by a rotation. */
		if (!s->past && (!last || s->buf.len == 0))
			return 0;
		s->line.len = 0;
		hp_buf_add(&s->line, s->buf.p, s->buf.len);
		s->buf.len = 0;
		break;
	}
	hp_buf_str(&s->line);
	if (s->line.len >= 24 && s->line.p[23] == 'Z') {
		memcpy(s->ts, s->line.p, 24);
		s->ts[24] = '\0';
	}
	s->held = 1;
	return 1;
}

/* Colours for names, told apart by a hash: red to cyan. */
static int
hue(const char *name)
{
	unsigned h = 0;

	while (*name != '\0')
		h = h * 31 + (unsigned char)*name++;
	return 31 + (int)(h % 6);
}

static void
print(struct logs *l, const char *name, const char *line)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	const char *text;
	char ts[32];
	int stream;

	if (hp_json_mode) {
		if (hp_log_parse(line, &stream, &text) == -1)
			return;
		memcpy(ts, line, 24);
		ts[24] = '\0';
		hp_json_init(&j, &b);
		hp_json_open(&j, '{');
		hp_json_kstr(&j, "ts", ts);
		hp_json_kstr(&j, "name", name);
		hp_json_kstr(&j, "stream", stream ? "err" : "out");
		hp_json_kstr(&j, "text", text);
		hp_json_close(&j, '}');
		printf("%s\n", hp_buf_str(&b));
		hp_buf_free(&b);
	} else if (!l->o->prefix)
		printf("%s\n", line);
	else if (l->colour)
		printf("\033[%dm%-*s\033[0m %s\n", hue(name), l->width, name,
		    line);
	else
		printf("%-*s %s\n", l->width, name, line);
}

/* A line to go out: now, or into the ring of the last -n. */
static void
emit(struct logs *l, const struct src *s, int history)
{
	size_t n = strlen(s->name) + 1;
	long long i;

	if (l->since[0] != '\0' && strcmp(s->ts, l->since) < 0)
		return;
	if (!history || l->o->lines < 0) {
		print(l, s->name, s->line.p);
		return;
	}
	if (l->o->lines == 0)
		return;
	/* "NAME\0LINE" */
	i = l->kept++ % l->o->lines;
	free(l->ring[i]);
	l->ring[i] = hp_xmalloc(n + s->line.len + 1);
	memcpy(l->ring[i], s->name, n);
	memcpy(l->ring[i] + n, s->line.p, s->line.len + 1);
}

/* Each source's held line, the earliest first, until none is held. */
static void
merge(struct logs *l, int history, int last)
{
	struct src *best;
	int i;

	for (i = 0; i < l->n; i++)
		if (!l->s[i].held)
			next(l, &l->s[i], last);
	for (;;) {
		best = NULL;
		for (i = 0; i < l->n; i++)
			if (l->s[i].held && (best == NULL ||
			    strcmp(l->s[i].ts, best->ts) < 0))
				best = &l->s[i];
		if (best == NULL)
			return;
		emit(l, best, history);
		best->held = 0;
		next(l, best, last);
	}
}

/* The ring of the last -n lines, oldest first. */
static void
flush(struct logs *l)
{
	long long i, from, n;
	char *r;

	if (l->ring == NULL)
		return;
	n = l->kept < l->o->lines ? l->kept : l->o->lines;
	from = l->kept - n;
	for (i = from; i < l->kept; i++) {
		r = l->ring[i % l->o->lines];
		print(l, r, r + strlen(r) + 1);
		free(r);
		l->ring[i % l->o->lines] = NULL;
	}
}

/* Every name of procs/, a name of instances as each: NAME:1 ... */
static int
refs(const struct hp_state *st, char ***out, int *n)
{
	char **names;
	int k;

	if (hp_state_names(st, &names, &k) == -1)
		return -1;
	*out = hp_info_expand(st, names, k, n);
	hp_argv_free(names);
	return 0;
}

/* New processes whose names are asked for; gone ones let go. */
static void
scan(struct logs *l)
{
	char **names, dir[HP_PATH_MAX];
	struct stat sb;
	int i, n;

	if (refs(l->st, &names, &n) == 0) {
		for (i = 0; i < n; i++)
			if (wanted(l->o, names[i]))
				add(l, names[i], 0);
		hp_argv_free(names);
	}
	for (i = 0; i < l->n; i++)
		if (hp_proc_file(l->st, dir, sizeof dir, l->s[i].name,
		    HP_P_DIR) == 0 && lstat(dir, &sb) == -1 &&
		    errno == ENOENT)
			l->s[i].gone = 1;
}

static int
follow(struct logs *l)
{
	long long scanned = hp_mono_ms();

	hp_sig_flag(ending);
	while (!hp_sig_flagged()) {
		merge(l, 0, 0);
		if (fflush(stdout) == EOF)
			break;
		if (l->globs && hp_mono_ms() - scanned >= SCAN_MS) {
			scanned = hp_mono_ms();
			scan(l);
		}
		poll(NULL, 0, LOOK_MS);
	}
	return 0;
}

/*
 * The logs of o->names (plain names, each of which must be there, and
 * globs), or of every process: merged in time, the last o->lines of them
 * (-1: all) since o->since, then with o->follow what comes. Exit status.
 */
int
hp_logs_show(struct hp_state *st, const struct hp_logopt *o)
{
	char dir[HP_PATH_MAX], **names;
	struct logs l;
	struct stat sb;
	int i, k, n, failed = 0;

	memset(&l, 0, sizeof l);
	l.st = st;
	l.o = o;
	l.colour = o->prefix && !hp_json_mode && hp_tty_colour(1);
	l.globs = o->n == 0;
	if (o->since > 0)
		hp_time_fmt(l.since, hp_wall_ms() - o->since);
	for (i = 0; i < o->n; i++) {
		if (!hp_ref_ok(o->names[i])) {
			l.globs = 1;	/* a glob */
			continue;
		}
		if (hp_proc_file(st, dir, sizeof dir, o->names[i],
		    HP_P_DIR) == -1 || lstat(dir, &sb) == -1) {
			hp_say("not-found", "%s: no such process",
			    o->names[i]);
			failed = 1;
			continue;
		}
		add(&l, o->names[i], 1);
	}
	if (failed && (o->n == 1 || o->follow))
		return HP_EXIT_FAIL;
	/* Those the globs match (add() takes a name once). */
	if (l.globs && refs(st, &names, &n) == 0) {
		for (k = 0; k < n; k++)
			if (wanted(o, names[k]))
				add(&l, names[k], 1);
		hp_argv_free(names);
	}
	if (o->lines > 0)
		l.ring = hp_xcalloc((size_t)o->lines, sizeof *l.ring);
	merge(&l, 1, !o->follow);
	flush(&l);
	fflush(stdout);
	if (o->follow)
		follow(&l);
	for (i = 0; i < l.n; i++) {
		if (l.s[i].fd != -1)
			close(l.s[i].fd);
		hp_buf_free(&l.s[i].buf);
		hp_buf_free(&l.s[i].line);
	}
	free(l.s);
	free(l.ring);
	if (hp_stdout_flush() == -1)
		return HP_EXIT_FAIL;
	return failed ? HP_EXIT_FAIL : HP_EXIT_OK;
}
