/* hp: see LICENSE. */
/*
 * sys/event.h: the part of BSD's kqueue(2) that lib/sys/dirwatch.c uses,
 * for a test build on Linux (test/kqshim/kqshim.c, on inotify). The
 * values are the BSDs' and macOS's own.
 */
#ifndef HP_KQSHIM_EVENT_H
#define HP_KQSHIM_EVENT_H

#include <stdint.h>
#include <time.h>

struct kevent {
	uintptr_t	 ident;
	short		 filter;
	unsigned short	 flags;
	unsigned int	 fflags;
	intptr_t	 data;
	void		*udata;
};

#define EV_SET(kevp, a, b, c, d, e, f) do {		\
	struct kevent *ev_ = (kevp);			\
	ev_->ident = (uintptr_t)(a);			\
	ev_->filter = (b);				\
	ev_->flags = (c);				\
	ev_->fflags = (d);				\
	ev_->data = (e);				\
	ev_->udata = (f);				\
} while (0)

#define EVFILT_VNODE	(-4)

#define EV_ADD		0x0001
#define EV_DELETE	0x0002
#define EV_CLEAR	0x0020
#define EV_ERROR	0x4000

#define NOTE_DELETE	0x0001
#define NOTE_WRITE	0x0002
#define NOTE_EXTEND	0x0004
#define NOTE_ATTRIB	0x0008
#define NOTE_LINK	0x0010
#define NOTE_RENAME	0x0020
#define NOTE_REVOKE	0x0040

int	kqueue(void);
int	kevent(int, const struct kevent *, int, struct kevent *, int,
	    const struct timespec *);

#endif
