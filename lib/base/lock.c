/* hp: see LICENSE. */
/* lock.c: fcntl write locks that show who keeps what. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hp.h"

/*
 * The locks this process holds. A process never sees its own lock with
 * F_GETLK, and closing any descriptor of the file drops it: asking who
 * holds one of ours must not open the file at all.
 */
#define HELD_MAX	8
static int held[HELD_MAX];
static pid_t heldby[HELD_MAX];	/* a child inherits the fd, not the lock */
static int nheld;

/*
 * A lock is a regular file of ours. Anything else (a FIFO would hang an
 * open without O_NONBLOCK) is refused: EINVAL.
 */
static int
plain(int fd)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_uid == geteuid();
}

/*
 * Take the write lock on path and keep the descriptor for as long as the
 * lock must be held. fcntl locks end with the process, so a free lock
 * means its keeper is gone, whatever pidfiles say.
 */
int
hp_lock_take(const char *path)
{
	struct flock fl;
	int fd, e;

	if ((fd = hp_open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK,
	    0600)) == -1)
		return -1;
	if (!plain(fd)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		e = errno == EACCES ? EAGAIN : errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (nheld < HELD_MAX) {
		heldby[nheld] = getpid();
		held[nheld++] = fd;
	}
	return fd;
}

/*
 * Lock (take 1) or unlock (take 0) the bytes of fd's file from start on,
 * not waiting. A keeper that hands its lock to a process it forks keeps
 * byte 0 and frees the rest, which the new keeper takes: together they
 * hold the whole file, so that nobody else can take it between them.
 * -1 and errno (EAGAIN: busy).
 */
int
hp_lock_from(int fd, off_t start, int take)
{
	struct flock fl;
	int e;

	fl.l_type = take ? F_WRLCK : F_UNLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = 0;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		e = errno == EACCES ? EAGAIN : errno;
		errno = e;
		return -1;
	}
	if (take && nheld < HELD_MAX) {
		heldby[nheld] = getpid();
		held[nheld++] = fd;
	}
	return 0;
}

static int
ours(const char *path)
{
	struct stat sb, hb;
	int i;

	if (stat(path, &sb) == -1)
		return 0;
	for (i = 0; i < nheld; i++)
		if (heldby[i] == getpid() && fstat(held[i], &hb) == 0 &&
		    hb.st_dev == sb.st_dev &&
		    hb.st_ino == sb.st_ino)
			return 1;
	return 0;
}

pid_t
hp_lock_holder(const char *path)
{
	struct flock fl;
	int fd, e;

	if (ours(path))
		return getpid();
	if ((fd = hp_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!plain(fd)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;
	if (fcntl(fd, F_GETLK, &fl) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return fl.l_type == F_UNLCK ? 0 : fl.l_pid;
}
