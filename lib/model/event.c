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
 */
struct hp_sub {
	char		name[HP_NAME_MAX + 1];
	int		fd;
	unsigned long	dropped;
	int		seen;
};

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
	ev->logmax = LOG_MAX;
	ev->logcount = LOG_COUNT;
	if (openlog(ev) == -1)
		return -1;
	ev->seq = lastseq(ev->logfd);
	return 0;
}

void
hp_events_close(struct hp_events *ev)
{
	int i;

	for (i = 0; i < ev->nsub; i++)
		close(ev->sub[i].fd);
	free(ev->sub);
	ev->sub = NULL;
	ev->nsub = 0;
	if (ev->logfd != -1)
		close(ev->logfd);
	ev->logfd = -1;
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
		if (ev->sub[i].seen) {
			i++;
			continue;
		}
		close(ev->sub[i].fd);
		ev->sub[i] = ev->sub[--ev->nsub];
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

static void
fanout(struct hp_events *ev, const char *line, size_t n, const char *only)
{
	int i;

	for (i = 0; i < ev->nsub; ) {
		if (only != NULL && strcmp(ev->sub[i].name, only) != 0) {
			i++;
			continue;
		}
		if (sendsub(&ev->sub[i], line, n) == -2) {
			close(ev->sub[i].fd);
			ev->sub[i] = ev->sub[--ev->nsub];
			continue;
		}
		i++;
	}
}

/*
 * One line to events.log, whole or not at all: a write the disk refuses
 * half of is cut back to where it began. A line that could not be
 * written is counted; once one is written again, an event says how many
 * were lost and which (hp_event_publish).
 */
static void
logline(struct hp_events *ev, const char *line, size_t n)
{
	char path[HP_PATH_MAX];
	struct stat sb;
	off_t end = -1;
	int e;

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
	if (ev->logfd != -1 && end >= 0 &&
	    hp_write_all(ev->logfd, line, n) == 0) {
		if (ev->lost > 0)
			ev->tell = 1;
		return;
	}
	e = errno;
	if (ev->logfd != -1 && end >= 0)
		(void)ftruncate(ev->logfd, end);
	if (ev->lost++ == 0)
		ev->lost_first = ev->seq;
	ev->lost_last = ev->seq;
	errno = e;
	hp_warn("write events.log");
}

/* Events lost to events.log, said once it takes lines again. */
static void
lostevent(struct hp_events *ev)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	unsigned long long first = ev->lost_first, last = ev->lost_last;
	unsigned long n = ev->lost;

	ev->tell = 0;
	ev->lost = 0;
	hp_json_init(&j, &b);
	hp_event_begin(ev, &j, "events:lost");
	hp_json_kint(&j, "count", (long long)n);
	hp_json_kint(&j, "first", (long long)first);
	hp_json_kint(&j, "last", (long long)last);
	hp_event_publish(ev, &j);
	hp_buf_free(&b);
	/* Lost itself: what it said is said by the next one, with it. */
	if (ev->lost > 0) {
		ev->lost += n;
		ev->lost_first = first;
	}
}

/* Close the event's object and send it everywhere it goes. */
void
hp_event_publish(struct hp_events *ev, struct hp_json *j)
{
	struct hp_buf *b = j->b;

	hp_json_close(j, '}');
	hp_buf_addc(b, '\n');
	logline(ev, b->p, b->len);
	rescan(ev);
	fanout(ev, b->p, b->len, NULL);
	if (ev->echo && hp_write_all(STDOUT_FILENO, b->p, b->len) == -1)
		ev->echo = 0;
	b->len = 0;
	if (ev->tell)
		lostevent(ev);
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

/*
 * A reply goes to the one client that asked, through its FIFO. Unlike an
 * event it is not dropped when the FIFO is full: the client is waiting
 * for it and reads, so it gets a few short waits for room. A FIFO whose
 * reader has gone may be an old one of the same name: look again once.
 */
void
hp_event_reply(struct hp_events *ev, const char *client, struct hp_json *j)
{
	struct hp_buf *b = j->b;
	struct pollfd pfd;
	int i, try;
	ssize_t w;

	hp_buf_addc(b, '\n');
	if ((i = findsub(ev, client)) == -1) {
		rescan(ev);
		i = findsub(ev, client);
	}
	for (try = 0; i != -1 && try < 10; try++) {
		w = write(ev->sub[i].fd, b->p, b->len);
		if (w == (ssize_t)b->len)
			break;
		if (w == -1 && errno == EPIPE) {
			close(ev->sub[i].fd);
			ev->sub[i] = ev->sub[--ev->nsub];
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
	b->len = 0;
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
