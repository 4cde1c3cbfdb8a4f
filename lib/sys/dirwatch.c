/* hp: see LICENSE. */
/*
 * dirwatch.c: word of changes in directories: inotify on Linux, kqueue on
 * macOS and the BSDs, else none.
 */

#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__) || defined(__DragonFly__) || defined(HP_KQUEUE_SHIM)
#define KQUEUE 1
#endif

#if defined(__linux__)
#define _GNU_SOURCE
#elif defined(__APPLE__)
#define _DARWIN_C_SOURCE	/* O_EVTONLY */
#elif defined(KQUEUE)
#undef _POSIX_C_SOURCE		/* sys/event.h is the BSDs' */
#endif

#include <sys/types.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(KQUEUE)
#include <sys/event.h>
#elif defined(__linux__)
#include <sys/inotify.h>
#endif

#include "hp.h"

/*
 * Without a way to be told (ENOSYS), the caller looks itself: it stats
 * what it watches now and then (lib/super/fwatch.c). HP_WATCH=poll in
 * the environment makes the looking the way here too, to test it.
 */
#if defined(KQUEUE) || defined(__linux__)
static int
polled(void)
{
	const char *v = getenv("HP_WATCH");

	return v != NULL && strcmp(v, "poll") == 0;
}
#endif

#if defined(KQUEUE)

/*
 * A watch is a descriptor open on what it watches (one a file, not only
 * a directory), told to the queue. kqueue names nothing: a directory's
 * NOTE_WRITE says only that its entries changed; the caller looks.
 */
#ifdef NOTE_EXTEND
#define EXTEND	NOTE_EXTEND
#else
#define EXTEND	0
#endif
#ifdef NOTE_REVOKE
#define REVOKE	NOTE_REVOKE
#else
#define REVOKE	0
#endif
#ifdef O_EVTONLY
#define EVTONLY	O_EVTONLY	/* macOS: does not hold the volume */
#else
#define EVTONLY	0
#endif
#define GONE	(NOTE_DELETE | NOTE_RENAME | REVOKE)
#define NOTES	(NOTE_WRITE | EXTEND | NOTE_ATTRIB | GONE)

static long room;	/* watches stop below this descriptor */

int
hp_dirwatch_open(void)
{
	struct rlimit rl;
	int fd;

	if (polled()) {
		errno = ENOSYS;
		return -1;
	}
	/* A quarter of the descriptors is left for all else we hold. */
	room = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < INT_MAX ?
	    (long)rl.rlim_cur / 4 * 3 : INT_MAX;
	if ((fd = kqueue()) == -1)
		return -1;
	if (hp_cloexec(fd) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* A watch on path: its id; -1, ENOSPC at the limit of descriptors. */
int
hp_dirwatch_add(int fd, const char *path)
{
	struct kevent ev;
	int id, e;

	id = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | EVTONLY);
	if (id == -1 && (errno == EMFILE || errno == ENFILE))
		errno = ENOSPC;
	if (id == -1)
		return -1;
	if (id >= room) {
		(void)close(id);
		errno = ENOSPC;
		return -1;
	}
	EV_SET(&ev, id, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTES, 0, 0);
	if (kevent(fd, &ev, 1, NULL, 0, NULL) == -1) {
		e = errno;
		(void)close(id);
		errno = e;
		return -1;
	}
	return id;
}

/* Its close ends its watch. */
void
hp_dirwatch_rm(int fd, int id)
{
	(void)fd;
	(void)close(id);
}

int
hp_dirwatch_names(void)
{
	return 0;
}

/*
 * Each watch that was told of, with no name: a watch whose path went
 * (deleted, renamed, revoked) is ended here and is gone. One at a time,
 * so that the caller may end or make watches between two.
 */
int
hp_dirwatch_read(int fd, void (*fn)(void *, int, const char *, int, int),
    void *arg)
{
	static const struct timespec zero = { 0, 0 };
	struct kevent ev;
	int n, gone;

	for (;;) {
		n = kevent(fd, NULL, 0, &ev, 1, &zero);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		if (ev.flags & EV_ERROR)
			continue;
		if ((gone = (ev.fflags & GONE) != 0))
			(void)close((int)ev.ident);
		fn(arg, (int)ev.ident, "", 0, gone);
	}
}

#elif defined(__linux__)

#define MASK	(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | \
		IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | \
		IN_MOVE_SELF)

int
hp_dirwatch_open(void)
{
	if (polled()) {
		errno = ENOSYS;
		return -1;
	}
	return inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
}

/* A watch on path (a directory, or a file): its id; -1, ENOSPC at the limit. */
int
hp_dirwatch_add(int fd, const char *path)
{
	return inotify_add_watch(fd, path, MASK);
}

void
hp_dirwatch_rm(int fd, int id)
{
	(void)inotify_rm_watch(fd, id);
}

/* Does the word name the entry of a directory that changed? */
int
hp_dirwatch_names(void)
{
	return 1;
}

/*
 * What has changed since the last read, one call of fn each: the id, the
 * name in its directory ("" for the watched path itself) and whether it
 * is a directory that came (to be watched in turn). Id -1: changes were
 * lost (the queue overflowed), or the id's watch has ended (gone is 1).
 * 0 once nothing is left to read, -1 on an error.
 */
int
hp_dirwatch_read(int fd, void (*fn)(void *, int, const char *, int, int),
    void *arg)
{
	char buf[4096 + sizeof(struct inotify_event) + NAME_MAX + 1];
	const struct inotify_event *ev;
	ssize_t n, off;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN ? 0 : -1;
		for (off = 0; off + (ssize_t)sizeof *ev <= n;
		    off += (ssize_t)(sizeof *ev + ev->len)) {
			ev = (const struct inotify_event *)(void *)(buf + off);
			if (ev->mask & IN_Q_OVERFLOW)
				fn(arg, -1, "", 0, 0);
			else if (ev->mask & IN_IGNORED)
				fn(arg, ev->wd, "", 0, 1);
			else
				fn(arg, ev->wd, ev->len > 0 ? ev->name : "",
				    (ev->mask & IN_ISDIR) &&
				    (ev->mask & (IN_CREATE | IN_MOVED_TO)), 0);
		}
	}
}

#else /* the portable fallback: the caller looks for itself */

int
hp_dirwatch_open(void)
{
	errno = ENOSYS;
	return -1;
}

int
hp_dirwatch_add(int fd, const char *path)
{
	(void)fd;
	(void)path;
	errno = ENOSYS;
	return -1;
}

void
hp_dirwatch_rm(int fd, int id)
{
	(void)fd;
	(void)id;
}

int
hp_dirwatch_names(void)
{
	return 0;
}

int
hp_dirwatch_read(int fd, void (*fn)(void *, int, const char *, int, int),
    void *arg)
{
	(void)fd;
	(void)fn;
	(void)arg;
	errno = ENOSYS;
	return -1;
}

#endif
