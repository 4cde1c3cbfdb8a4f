/* hp: see LICENSE. */
/* event.c: events to events.log and to each FIFO in events/, never blocking. */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * events/ is a fifodir: a subscriber makes a FIFO there named "PID.N"
 * and reads it. Each event is one JSON line, written in one write() of
 * less than PIPE_BUF bytes, so it arrives whole or not at all. A
 * subscriber that is full loses the event; its count of lost events is
 * sent to it, as {"event":"events:dropped","count":N}, once it has room.
 * Some events go only to subscribers that asked for them (want, by the
 * verb subscribe), without seq and never to events.log: process:output
 * and process:metrics. An answer longer than a FIFO takes at once (the
 * list verb's) is written as the subscriber reads it; meanwhile its
 * events are dropped and counted, so that none cuts into the answer.
 */
struct hp_sub {
	char		name[HP_NAME_MAX + 1];
	int		fd;
	unsigned long	dropped;
	int		seen;
	int		want;		/* HP_WANT_*: what it asked for too */
	struct hp_buf	out;		/* an answer still to write */
	size_t		off;		/* written of it so far */
	long long	until;		/* mono ms it is given up on */
};

#define ANSWER_MS	10000	/* for a subscriber to read its answer */

#define LOG_MAX		(1024 * 1024)
#define LOG_COUNT	4

/* The seq of the last line of events.log, so seq goes on across runs. */
static unsigned long long
lastseq(int fd)
{
	char buf[HP_LINE_MAX + 1], val[32], *p;
	struct stat sb;
	off_t off;
	ssize_t n;

	if (fstat(fd, &sb) == -1 || sb.st_size == 0)
		return 0;
	off = sb.st_size > HP_LINE_MAX ? sb.st_size - HP_LINE_MAX : 0;
	if ((n = pread(fd, buf, HP_LINE_MAX, off)) <= 0)
		return 0;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	p = strrchr(buf, '\n');
	p = p ? p + 1 : buf;
	if (hp_json_get(p, "seq", val, sizeof val) == -1)
		return 0;
	return strtoull(val, NULL, 10);
}

static int
openlog(struct hp_events *ev)
{
	char path[HP_PATH_MAX];

	if (hp_state_file(ev->st, path, sizeof path, HP_F_EVENTS_LOG) == -1)
		return -1;
	ev->logfd = hp_open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW,
	    0600);
	return ev->logfd;
}

int
hp_events_open(struct hp_events *ev, const struct hp_state *st)
{
	memset(ev, 0, sizeof *ev);
	ev->st = st;
	ev->auditfd = -1;
	ev->logmax = LOG_MAX;
	ev->logcount = LOG_COUNT;
	if (openlog(ev) == -1)
		return -1;
	ev->seq = lastseq(ev->logfd);
	return 0;
}

/* Subscriber i is gone: its place goes to the last. */
static void
drop(struct hp_events *ev, int i)
{
	close(ev->sub[i].fd);
	hp_buf_free(&ev->sub[i].out);
	ev->sub[i] = ev->sub[--ev->nsub];
}

void
hp_events_close(struct hp_events *ev)
{
	int i;

	for (i = 0; i < ev->nsub; i++) {
		close(ev->sub[i].fd);
		hp_buf_free(&ev->sub[i].out);
	}
	free(ev->sub);
	ev->sub = NULL;
	ev->nsub = 0;
	if (ev->logfd != -1)
		close(ev->logfd);
	ev->logfd = -1;
	/* Only once opened: a zeroed struct's 0 is not ours to close. */
	if (ev->audit != NULL && ev->auditfd != -1)
		close(ev->auditfd);
	ev->auditfd = -1;
	free(ev->audit);
	ev->audit = NULL;
	hp_buf_free(&ev->pend);
	hp_buf_free(&ev->batch);
}

/*
 * The audit file (hp-supervise --audit): every line events.log gets,
 * appended, never truncated or rotated here. Opened again at its path
 * (after a SIGHUP, for logrotate): lines go to the new file from the next
 * on; the old one was only ever appended to whole lines. A file that
 * cannot be opened leaves the old one in use, and says why (-1).
 */
int
hp_events_audit(struct hp_events *ev, const char *path)
{
	int fd;

	if (path == NULL)
		path = ev->audit;
	if (path == NULL)
		return 0;
	fd = hp_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd == -1)
		return -1;
	if (ev->audit != NULL && ev->auditfd != -1)
		close(ev->auditfd);
	ev->auditfd = fd;
	if (path != ev->audit) {
		free(ev->audit);
		ev->audit = hp_xstrdup(path);
	}
	return 0;
}

void
hp_event_begin(struct hp_events *ev, struct hp_json *j, const char *name)
{
	char ts[32];

	hp_time_fmt(ts, hp_wall_ms());
	hp_json_open(j, '{');
	hp_json_kint(j, "seq", (long long)++ev->seq);
	hp_json_kstr(j, "ts", ts);
	hp_json_kstr(j, "event", name);
}

/* A FIFO nobody reads whose maker is dead is left over: remove it. */
static void
stale(const char *path, const char *name)
{
	long pid = strtol(name, NULL, 10);

	if (pid > 1 && kill((pid_t)pid, 0) == -1 && errno == ESRCH)
		unlink(path);
}

/* Bring the subscriber list in line with the FIFOs now in events/. */
static void
rescan(struct hp_events *ev)
{
	char dir[HP_PATH_MAX], path[HP_PATH_MAX];
	struct dirent *d;
	DIR *dp;
	int i, fd;

	if (hp_state_file(ev->st, dir, sizeof dir, HP_F_EVENTS) == -1 ||
	    (dp = opendir(dir)) == NULL)
		return;
	for (i = 0; i < ev->nsub; i++)
		ev->sub[i].seen = 0;
	while ((d = readdir(dp)) != NULL) {
		if (!hp_name_ok(d->d_name))
			continue;
		for (i = 0; i < ev->nsub; i++)
			if (strcmp(ev->sub[i].name, d->d_name) == 0)
				break;
		if (i < ev->nsub) {
			ev->sub[i].seen = 1;
			continue;
		}
		if (hp_path(path, sizeof path, "%s/%s", dir, d->d_name) == -1)
			continue;
		fd = hp_open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW, 0);
		if (fd == -1) {
			if (errno == ENXIO)
				stale(path, d->d_name);
			continue;
		}
		ev->sub = hp_xrealloc(ev->sub, (size_t)(ev->nsub + 1) *
		    sizeof *ev->sub);
		memset(&ev->sub[ev->nsub], 0, sizeof *ev->sub);
		hp_copy(ev->sub[ev->nsub].name, sizeof ev->sub[0].name,
		    d->d_name);
		ev->sub[ev->nsub].fd = fd;
		ev->sub[ev->nsub].seen = 1;
		ev->nsub++;
	}
	closedir(dp);
	for (i = 0; i < ev->nsub; ) {
		if (ev->sub[i].seen)
			i++;
		else
			drop(ev, i);
	}
}

/* One line to one subscriber; 0 sent, -1 dropped, -2 the reader is gone. */
static int
sendsub(struct hp_sub *s, const char *line, size_t n)
{
	char note[96];
	ssize_t w;
	int len;

	if (s->dropped > 0) {
		len = snprintf(note, sizeof note,
		    "{\"event\":\"events:dropped\",\"count\":%lu}\n",
		    s->dropped);
		w = write(s->fd, note, (size_t)len);
		if (w == -1 && errno == EPIPE)
			return -2;
		if (w != len) {
			s->dropped++;
			return -1;
		}
		s->dropped = 0;
	}
	w = write(s->fd, line, n);
	if (w == -1 && errno == EPIPE)
		return -2;
	if (w != (ssize_t)n) {
		s->dropped++;
		return -1;
	}
	return 0;
}

/* An answer is being written to it: nothing else may cut in. */
static int
busy(const struct hp_sub *s)
{
	return s->out.len > s->off;
}

/* To every subscriber, or (want) to those that asked for it. */
static void
fanout(struct hp_events *ev, const char *line, size_t n, int want)
{
	struct hp_sub *s;
	int i;

	for (i = 0; i < ev->nsub; ) {
		s = &ev->sub[i];
		if (want != 0 && !(s->want & want)) {
			i++;
			continue;
		}
		if (busy(s))
			s->dropped++;
		else if (sendsub(s, line, n) == -2) {
			drop(ev, i);
			continue;
		}
		i++;
	}
}

/* Lines of events, seqs first to last, count of them. */
struct span {
	unsigned long long first, last;
	unsigned long	 count;
};

/*
 * Lines to fd, whole or not at all: a write the disk refuses half of is
 * cut back to where it began (end, its size before). Lines that could
 * not be written are counted in g; once one is written again, an event
 * says how many were lost and which (hp_event_publish).
 */
static void
put(int fd, off_t end, struct hp_gap *g, const struct span *sp,
    const char *what, const char *line, size_t n)
{
	int e;

	if (fd != -1 && end >= 0 && hp_write_all(fd, line, n) == 0) {
		if (g->n > 0)
			g->tell = 1;
		return;
	}
	e = errno;
	if (fd != -1 && end >= 0)
		(void)ftruncate(fd, end);
	if (g->n == 0)
		g->first = sp->first;
	g->n += sp->count;
	g->last = sp->last;
	errno = e;
	hp_warn("write %s", what);
}

/* events.log, rotated by size. */
static void
logline(struct hp_events *ev, const char *line, size_t n,
    const struct span *sp)
{
	char path[HP_PATH_MAX];
	struct stat sb;
	off_t end = -1;

	if (ev->logfd == -1)
		openlog(ev);
	if (ev->logfd != -1 && fstat(ev->logfd, &sb) == 0) {
		end = sb.st_size;
		if (sb.st_size + (off_t)n > ev->logmax &&
		    hp_state_file(ev->st, path, sizeof path,
		    HP_F_EVENTS_LOG) == 0 &&
		    hp_log_rotate(path, ev->logcount) == 0) {
			close(ev->logfd);
			end = openlog(ev) == -1 ? -1 : 0;
		}
	}
	put(ev->logfd, end, &ev->lost, sp, "events.log", line, n);
}

/* The audit file, never rotated here. */
static void
auditline(struct hp_events *ev, const char *line, size_t n,
    const struct span *sp)
{
	struct stat sb;

	if (ev->audit == NULL)
		return;
	if (ev->auditfd == -1)
		(void)hp_events_audit(ev, NULL);
	put(ev->auditfd, ev->auditfd != -1 && fstat(ev->auditfd,
	    &sb) == 0 ? sb.st_size : -1, &ev->alost, sp, ev->audit, line, n);
}

static void	lostevent(struct hp_events *, const char *, struct hp_gap *);

/* The lines lost to the files, said once they take lines again. */
static void
gaps(struct hp_events *ev)
{
	if (ev->lost.tell)
		lostevent(ev, "events:lost", &ev->lost);
	if (ev->alost.tell)
		lostevent(ev, "audit:lost", &ev->alost);
}

/* Lines lost to a file (g), said once it takes lines again. */
static void
lostevent(struct hp_events *ev, const char *name, struct hp_gap *g)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	struct hp_gap was = *g;

	memset(g, 0, sizeof *g);
	hp_json_init(&j, &b);
	hp_event_begin(ev, &j, name);
	hp_json_kint(&j, "count", (long long)was.n);
	hp_json_kint(&j, "first", (long long)was.first);
	hp_json_kint(&j, "last", (long long)was.last);
	hp_event_publish(ev, &j);
	hp_buf_free(&b);
	/* Lost itself: what it said is said by the next one, with it. */
	if (g->n > 0) {
		g->n += was.n;
		g->first = was.first;
	}
}

/* A line to every subscriber, those in events/ looked for first (scan). */
static void
tell(struct hp_events *ev, const char *line, size_t n, int scan)
{
	if (scan)
		rescan(ev);
	fanout(ev, line, n, 0);
	if (ev->echo && hp_write_all(STDOUT_FILENO, line, n) == -1)
		ev->echo = 0;
}

/* A line of event seq written down, and told (news), outside a commit. */
static void
out(struct hp_events *ev, const char *line, size_t n, int news,
    unsigned long long seq)
{
	struct span sp = { seq, seq, 1 };

	logline(ev, line, n, &sp);
	auditline(ev, line, n, &sp);
	if (news)
		tell(ev, line, n, 1);
	gaps(ev);
}

/*
 * While ev->defer is set, the lines wait in ev->pend for the commit, in
 * their order, each behind its head: what it is, for whom.
 */
struct pending {
	int		 kind;		/* P_* */
	int		 want;		/* P_WANT: HP_WANT_* */
	unsigned long long seq;		/* P_NEWS, P_RECORD */
	size_t		 len;		/* of the line after the head */
	char		 client[HP_NAME_MAX + 1];	/* P_REPLY */
};

enum { P_NEWS, P_RECORD, P_WANT, P_REPLY };

static void
keep(struct hp_events *ev, int kind, int want, const char *client,
    const struct hp_buf *b)
{
	struct pending h;

	memset(&h, 0, sizeof h);
	h.kind = kind;
	h.want = want;
	h.seq = ev->seq;
	h.len = b->len;
	if (client != NULL)
		hp_copy(h.client, sizeof h.client, client);
	hp_buf_add(&ev->pend, &h, sizeof h);
	hp_buf_add(&ev->pend, b->p, b->len);
}

/* Close the event's object, write it down, and tell it (news). */
static void
emit(struct hp_events *ev, struct hp_json *j, int news)
{
	struct hp_buf *b = j->b;

	hp_json_close(j, '}');
	hp_buf_addc(b, '\n');
	if (ev->defer)
		keep(ev, news ? P_NEWS : P_RECORD, 0, NULL, b);
	else
		out(ev, b->p, b->len, news, ev->seq);
	b->len = 0;
}

/* Send the event everywhere it goes. */
void
hp_event_publish(struct hp_events *ev, struct hp_json *j)
{
	emit(ev, j, 1);
}

/*
 * A record only, to events.log and the audit file, with its seq: no
 * subscriber gets it (request:refused: its client hears the answer, and
 * a line read for an answer must be the answer).
 */
void
hp_event_record(struct hp_events *ev, struct hp_json *j)
{
	emit(ev, j, 0);
}

/* An event only for those who asked for it: without seq, never logged. */
void
hp_event_begin_to(struct hp_events *ev, struct hp_json *j, const char *name)
{
	char ts[32];

	(void)ev;
	hp_time_fmt(ts, hp_wall_ms());
	hp_json_open(j, '{');
	hp_json_kstr(j, "ts", ts);
	hp_json_kstr(j, "event", name);
}

static void
to(struct hp_events *ev, const char *line, size_t n, int want)
{
	fanout(ev, line, n, want);
	if (ev->echo && (ev->echo_want & want) &&
	    hp_write_all(STDOUT_FILENO, line, n) == -1)
		ev->echo = 0;
}

void
hp_event_publish_to(struct hp_events *ev, struct hp_json *j, int want)
{
	struct hp_buf *b = j->b;

	hp_json_close(j, '}');
	hp_buf_addc(b, '\n');
	if (ev->defer)
		keep(ev, P_WANT, want, NULL, b);
	else
		to(ev, b->p, b->len, want);
	b->len = 0;
}

/* Does anyone want what want names? Then it is worth making. */
int
hp_events_wanted(const struct hp_events *ev, int want)
{
	int i;

	if (ev->echo && (ev->echo_want & want))
		return 1;
	for (i = 0; i < ev->nsub; i++)
		if (ev->sub[i].want & want)
			return 1;
	return 0;
}

static int
findsub(struct hp_events *ev, const char *client)
{
	int i;

	for (i = 0; i < ev->nsub; i++)
		if (strcmp(ev->sub[i].name, client) == 0)
			return i;
	return -1;
}

/* The subscriber client, looked for again in events/ if not known. */
static int
sub(struct hp_events *ev, const char *client)
{
	int i;

	if ((i = findsub(ev, client)) == -1) {
		rescan(ev);
		i = findsub(ev, client);
	}
	return i;
}

/* What client wants besides the events (HP_WANT_*): -1 no such FIFO. */
int
hp_events_want(struct hp_events *ev, const char *client, int want)
{
	int i;

	if ((i = sub(ev, client)) == -1)
		return -1;
	ev->sub[i].want = want;
	return 0;
}

/* Write what s can take of its answer: -1 its reader is gone. */
static int
more(struct hp_sub *s)
{
	ssize_t w;

	while (busy(s)) {
		w = write(s->fd, s->out.p + s->off, s->out.len - s->off);
		if (w > 0) {
			s->off += (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EPIPE)
			return -1;
		break;
	}
	if (!busy(s)) {
		s->out.len = s->off = 0;
		if (s->out.cap > HP_LINE_MAX * 16)
			hp_buf_free(&s->out);
	}
	return 0;
}

/*
 * An answer of many lines (n bytes, whole lines) to client: what its
 * FIFO takes now is written, the rest as it reads (hp_events_flush).
 * -1: no such subscriber.
 */
int
hp_event_answer(struct hp_events *ev, const char *client, const char *p,
    size_t n)
{
	struct hp_sub *s;
	int i;

	if (ev->defer)		/* what came before it, first */
		hp_events_commit(ev);
	if ((i = sub(ev, client)) == -1)
		return -1;
	s = &ev->sub[i];
	hp_buf_add(&s->out, p, n);
	s->until = hp_mono_ms() + ANSWER_MS;
	if (more(s) == -1) {
		drop(ev, i);
		return -1;
	}
	return 0;
}

/* The FIFOs with an answer waiting: POLLOUT entries, at most max. */
int
hp_events_pollfds(const struct hp_events *ev, struct pollfd *f, int max)
{
	int i, n = 0;

	for (i = 0; i < ev->nsub && n < max; i++)
		if (busy(&ev->sub[i])) {
			f[n].fd = ev->sub[i].fd;
			f[n].events = POLLOUT;
			f[n++].revents = 0;
		}
	return n;
}

/* More of the answers; one not read in time is given up on. */
void
hp_events_flush(struct hp_events *ev)
{
	long long now = hp_mono_ms();
	struct hp_sub *s;
	int i;

	for (i = 0; i < ev->nsub; i++) {
		s = &ev->sub[i];
		if (!busy(s))
			continue;
		if (more(s) == -1) {
			drop(ev, i--);
			continue;
		}
		if (busy(s) && now >= s->until) {
			s->out.len = s->off = 0;
			s->dropped++;
		}
	}
}

/* Mono ms an answer is given up on, or -1: none waits. */
long long
hp_events_next(const struct hp_events *ev)
{
	long long next = -1;
	int i;

	for (i = 0; i < ev->nsub; i++)
		if (busy(&ev->sub[i]) && (next == -1 ||
		    ev->sub[i].until < next))
			next = ev->sub[i].until;
	return next;
}

/*
 * A reply to "=TAG" goes to our standard output, in its order among the
 * events there (--json), as the object it is with "answer": TAG first;
 * without --json, to nobody. TAG is a name: nothing in it to escape.
 */
static void
tagged(struct hp_events *ev, const char *tag, const char *line, size_t n)
{
	struct hp_buf b = { 0 };

	if (!ev->echo || n < 3 || line[0] != '{')
		return;
	hp_buf_printf(&b, "{\"answer\":\"%s\"%s", tag, line[1] == '}' ? "" :
	    ",");
	hp_buf_add(&b, line + 1, n - 1);
	if (hp_write_all(STDOUT_FILENO, b.p, b.len) == -1)
		ev->echo = 0;
	hp_buf_free(&b);
}

/*
 * A reply goes to the one client that asked, through its FIFO. Unlike an
 * event it is not dropped when the FIFO is full: the client is waiting
 * for it and reads, so it gets a few short waits for room. A FIFO whose
 * reader has gone may be an old one of the same name: look again once.
 */
static void
reply(struct hp_events *ev, const char *client, const char *line, size_t n)
{
	struct pollfd pfd;
	int i, try;
	ssize_t w;

	if (client[0] == '=') {
		tagged(ev, client + 1, line, n);
		return;
	}
	i = sub(ev, client);
	/* Behind an answer still being written: after it, in order. */
	if (i != -1 && busy(&ev->sub[i])) {
		hp_buf_add(&ev->sub[i].out, line, n);
		return;
	}
	for (try = 0; i != -1 && try < 10; try++) {
		w = write(ev->sub[i].fd, line, n);
		if (w == (ssize_t)n)
			break;
		if (w == -1 && errno == EPIPE) {
			drop(ev, i);
			rescan(ev);
			i = findsub(ev, client);
			continue;
		}
		if (w == -1 && errno != EAGAIN && errno != EINTR)
			break;
		pfd.fd = ev->sub[i].fd;
		pfd.events = POLLOUT;
		poll(&pfd, 1, 10);
	}
}

void
hp_event_reply(struct hp_events *ev, const char *client, struct hp_json *j)
{
	struct hp_buf *b = j->b;

	hp_buf_addc(b, '\n');
	if (ev->defer)
		keep(ev, P_REPLY, 0, client, b);
	else
		reply(ev, client, b->p, b->len);
	b->len = 0;
}

/*
 * The end of a turn of the supervisor's loop: first ev->before (the
 * status files: on disk before any word of them goes out), then the
 * events kept since the last commit to the files, in one write each,
 * then those lines in their order: events to the subscribers (events/
 * looked at once for all), answers to their clients. A crash loses at
 * most the turn that was not committed.
 */
void
hp_events_commit(struct hp_events *ev)
{
	struct span sp = { 0, 0, 0 };
	struct pending h;
	const char *line;
	size_t off;
	int was = ev->defer, scan = 1;

	if (ev->before != NULL)
		ev->before(ev->arg);
	/* To the files, the turn's lines in one write each. */
	ev->batch.len = 0;
	for (off = 0; off < ev->pend.len; off += sizeof h + h.len) {
		memcpy(&h, ev->pend.p + off, sizeof h);
		if (h.kind != P_NEWS && h.kind != P_RECORD)
			continue;
		if (sp.count++ == 0)
			sp.first = h.seq;
		sp.last = h.seq;
		hp_buf_add(&ev->batch, ev->pend.p + off + sizeof h, h.len);
	}
	if (sp.count > 0) {
		logline(ev, ev->batch.p, ev->batch.len, &sp);
		auditline(ev, ev->batch.p, ev->batch.len, &sp);
	}
	/* Then to the subscribers, and the answers, in their order. */
	for (off = 0; off < ev->pend.len; off += sizeof h + h.len) {
		memcpy(&h, ev->pend.p + off, sizeof h);
		line = ev->pend.p + off + sizeof h;
		if (h.kind == P_NEWS) {
			tell(ev, line, h.len, scan);
			scan = 0;
		} else if (h.kind == P_WANT)
			to(ev, line, h.len, h.want);
		else if (h.kind == P_REPLY)
			reply(ev, h.client, line, h.len);
	}
	ev->pend.len = 0;
	if (ev->pend.cap > HP_LINE_MAX * 16)
		hp_buf_free(&ev->pend);
	if (ev->batch.cap > HP_LINE_MAX * 16)
		hp_buf_free(&ev->batch);
	ev->defer = 0;		/* what is said of the gaps goes at once */
	gaps(ev);
	ev->defer = was;
}

/* Make a FIFO of our own in events/ and open it; its path goes in path. */
int
hp_events_subscribe(const struct hp_state *st, char *path, size_t n)
{
	static int counter;
	char id[64];
	int fd;

	/* PID.N: ours, never another's, and a name the supervisor takes. */
	snprintf(id, sizeof id, "%ld.%d", (long)getpid(), ++counter);
	if (hp_state_subscriber(st, path, n, id) == -1)
		return -1;
	if (mkfifo(path, 0600) == -1)
		return -1;
	fd = hp_open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0);
	if (fd == -1)
		unlink(path);
	return fd;
}

/* Subscriber i as it is, for an upgrade to hand over: 0; -1 no more. */
int
hp_events_sub(const struct hp_events *ev, int i, struct hp_subinfo *si)
{
	const struct hp_sub *s;

	if (i < 0 || i >= ev->nsub)
		return -1;
	s = &ev->sub[i];
	si->name = s->name;
	si->fd = s->fd;
	si->want = s->want;
	si->dropped = s->dropped;
	si->out = s->out.p != NULL ? s->out.p + s->off : "";
	si->outlen = s->out.len - s->off;
	return 0;
}

/* A subscriber an upgrade handed over, as it was. */
void
hp_events_adopt(struct hp_events *ev, const struct hp_subinfo *si)
{
	struct hp_sub *s;

	ev->sub = hp_xrealloc(ev->sub, (size_t)(ev->nsub + 1) *
	    sizeof *ev->sub);
	s = &ev->sub[ev->nsub++];
	memset(s, 0, sizeof *s);
	hp_copy(s->name, sizeof s->name, si->name);
	s->fd = si->fd;
	s->want = si->want;
	s->dropped = si->dropped;
	s->seen = 1;
	if (si->outlen > 0) {
		hp_buf_add(&s->out, si->out, si->outlen);
		s->until = hp_mono_ms() + ANSWER_MS;
	}
}
