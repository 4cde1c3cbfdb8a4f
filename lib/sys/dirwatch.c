/* hp: see LICENSE. */
/* dirwatch.c: word of changes in directories: inotify on Linux, else none. */

#if defined(__linux__)
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/inotify.h>
#endif

#include "hp.h"

/*
 * Without a way to be told (ENOSYS), the caller looks itself: it stats
 * what it watches now and then (lib/super/fwatch.c). HP_WATCH=poll in
 * the environment makes the looking the way here too, to test it.
 */
#if defined(__linux__)

#define MASK	(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | \
		IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | \
		IN_MOVE_SELF)

static int
polled(void)
{
	const char *v = getenv("HP_WATCH");

	return v != NULL && strcmp(v, "poll") == 0;
}

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
