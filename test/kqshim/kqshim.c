/* hp: see LICENSE. */
/*
 * kqshim.c: kqueue(2) and kevent(2) for EVFILT_VNODE alone, on inotify,
 * so that the kqueue code of lib/sys/dirwatch.c runs on Linux (make
 * check builds test/kq/hp-supervise with it). What the BSDs and macOS
 * do, and the shim too:
 * - a watch is on a descriptor (its path found at registration through
 *   /proc/self/fd); EV_ADD again on one makes its watch anew;
 * - a directory tells NOTE_WRITE when an entry in it is made, removed or
 *   renamed, and nothing when a file in it is written;
 * - a file tells NOTE_WRITE when written (NOTE_EXTEND too when it grew),
 *   NOTE_ATTRIB, NOTE_DELETE when its last link goes, NOTE_RENAME;
 * - EV_CLEAR: one event a descriptor a call, its fflags OR-ed;
 * - a descriptor closed ends its watch, and what it had not yet told.
 * Not emulated: filters but EVFILT_VNODE; EV_ONESHOT, EV_DISABLE,
 * EV_RECEIPT (a failed change fails the call, as with no event list),
 * udata; NOTE_LINK; NOTE_REVOKE only on an unmount. A close is seen at
 * the next kevent() call (the descriptor is gone, or names another
 * file), not at once. The queue is the inotify descriptor: poll(2) on it
 * wakes for what inotify says; a directory's parent is watched too for
 * that (its watch is left when the directory's ends). Entries are kept
 * in one list for every queue.
 */

#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/event.h"

#define MASK	(IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | \
		IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

struct watch {
	int		 kq, fd, wd;
	int		 isdir, dead;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	unsigned int	 want;		/* the fflags asked for */
	unsigned int	 got;		/* told, not yet returned */
};

static struct watch	*ws;
static int		 nws, capws;

int
kqueue(void)
{
	return inotify_init1(IN_NONBLOCK);
}

static int
find(int kq, int fd)
{
	int i;

	for (i = 0; i < nws; i++)
		if (ws[i].kq == kq && ws[i].fd == fd)
			return i;
	return -1;
}

/* Entry i gone; its inotify watch too when no other entry shares it. */
static void
drop(int i)
{
	int k, wd = ws[i].wd, kq = ws[i].kq;

	ws[i] = ws[--nws];
	for (k = 0; k < nws; k++)
		if (ws[k].kq == kq && ws[k].wd == wd)
			return;
	if (wd != -1)
		(void)inotify_rm_watch(kq, wd);
}

static int
add(int kq, const struct kevent *c)
{
	char link[64], path[PATH_MAX];
	struct watch *w;
	struct stat sb;
	ssize_t n;
	int i, fd = (int)c->ident, wd;

	if ((i = find(kq, fd)) != -1)
		drop(i);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	if (fstat(fd, &sb) == -1 ||
	    (n = readlink(link, path, sizeof path - 1)) == -1)
		return -1;
	path[n] = '\0';
	if ((wd = inotify_add_watch(kq, path, MASK)) == -1)
		return -1;
	/*
	 * inotify tells nothing of a directory removed while a descriptor
	 * holds it: its parent's word wakes the look at link counts.
	 */
	if (S_ISDIR(sb.st_mode) && (size_t)n + 3 < sizeof path) {
		memcpy(path + n, "/..", 4);
		(void)inotify_add_watch(kq, path, MASK);
	}
	if (nws == capws) {
		capws = capws ? 2 * capws : 64;
		if ((w = realloc(ws, (size_t)capws * sizeof *ws)) == NULL) {
			capws = nws;
			errno = ENOMEM;
			return -1;
		}
		ws = w;
	}
	w = &ws[nws++];
	w->kq = kq;
	w->fd = fd;
	w->wd = wd;
	w->isdir = S_ISDIR(sb.st_mode);
	w->dead = 0;
	w->dev = sb.st_dev;
	w->ino = sb.st_ino;
	w->size = sb.st_size;
	w->want = c->fflags;
	w->got = 0;
	return 0;
}

/* What one inotify event means to the watch w. */
static unsigned int
means(struct watch *w, const struct inotify_event *ev)
{
	struct stat sb;
	unsigned int f = 0;

	if (ev->mask & IN_UNMOUNT)
		f |= NOTE_REVOKE;
	if (w->isdir && ev->len > 0)	/* an entry, not the directory */
		return f | ((ev->mask & (IN_CREATE | IN_DELETE |
		    IN_MOVED_FROM | IN_MOVED_TO)) ? NOTE_WRITE : 0);
	if (ev->mask & IN_MODIFY) {
		f |= NOTE_WRITE;
		if (fstat(w->fd, &sb) == 0) {
			if (sb.st_size > w->size)
				f |= NOTE_EXTEND;
			w->size = sb.st_size;
		}
	}
	if (ev->mask & IN_ATTRIB)
		f |= NOTE_ATTRIB;
	if (ev->mask & IN_DELETE_SELF)
		f |= NOTE_DELETE;
	if (ev->mask & IN_MOVE_SELF)
		f |= NOTE_RENAME;
	return f;
}

/*
 * What inotify said, to the watches of kq; then each watch's descriptor
 * looked at: closed (or another file now) ends it; no link left is
 * NOTE_DELETE (inotify says IN_DELETE_SELF only once the file is freed,
 * and our descriptor holds it).
 */
static void
gather(int kq)
{
	char buf[4096 + sizeof(struct inotify_event) + NAME_MAX + 1];
	const struct inotify_event *ev;
	struct stat sb;
	ssize_t n, off;
	int i;

	while ((n = read(kq, buf, sizeof buf)) > 0)
		for (off = 0; off + (ssize_t)sizeof *ev <= n;
		    off += (ssize_t)(sizeof *ev + ev->len)) {
			ev = (const struct inotify_event *)(void *)(buf + off);
			for (i = 0; i < nws; i++) {
				if (ws[i].kq != kq)
					continue;
				if (ev->mask & IN_Q_OVERFLOW)
					ws[i].got |= NOTE_WRITE;
				else if (ws[i].wd != ev->wd)
					continue;
				else if (ev->mask & IN_IGNORED)
					ws[i].wd = -1;
				else
					ws[i].got |= means(&ws[i], ev);
			}
		}
	for (i = 0; i < nws; i++) {
		if (ws[i].kq != kq)
			continue;
		if (fstat(ws[i].fd, &sb) == -1 || sb.st_dev != ws[i].dev ||
		    sb.st_ino != ws[i].ino) {
			drop(i--);
			continue;
		}
		if (sb.st_nlink == 0 && !ws[i].dead) {
			ws[i].dead = 1;
			ws[i].got |= NOTE_DELETE;
		}
	}
}

static int
collect(int kq, struct kevent *out, int nout)
{
	int i, n = 0;

	for (i = 0; i < nws && n < nout; i++) {
		if (ws[i].kq != kq || (ws[i].got & ws[i].want) == 0)
			continue;
		EV_SET(&out[n], ws[i].fd, EVFILT_VNODE, EV_CLEAR,
		    ws[i].got & ws[i].want, 0, NULL);
		ws[i].got = 0;
		n++;
	}
	return n;
}

int
kevent(int kq, const struct kevent *ch, int nch, struct kevent *out,
    int nout, const struct timespec *t)
{
	struct pollfd pfd;
	int i, n;

	for (i = 0; i < nch; i++) {
		if (ch[i].filter != EVFILT_VNODE) {
			errno = EINVAL;
			return -1;
		}
		if (ch[i].flags & EV_ADD) {
			if (add(kq, &ch[i]) == -1)
				return -1;
		} else if (ch[i].flags & EV_DELETE) {
			if ((n = find(kq, (int)ch[i].ident)) == -1) {
				errno = ENOENT;
				return -1;
			}
			drop(n);
		}
	}
	if (nout <= 0)
		return 0;
	gather(kq);
	if ((n = collect(kq, out, nout)) > 0 ||
	    (t != NULL && t->tv_sec == 0 && t->tv_nsec == 0))
		return n;
	pfd.fd = kq;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, t == NULL ? -1 : (int)(t->tv_sec * 1000 +
	    t->tv_nsec / 1000000)) == -1)
		return -1;
	gather(kq);
	return collect(kq, out, nout);
}
