/* hp: see LICENSE. */
/* fifo.c: control FIFOs, read by one keeper, written one line at a time. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

int
hp_fifo_make(const char *path)
{
	struct stat sb;

	if (mkfifo(path, 0600) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (lstat(path, &sb) == -1)
		return -1;
	if (!S_ISFIFO(sb.st_mode) || sb.st_uid != geteuid()) {
		errno = EEXIST;
		return -1;
	}
	return 0;
}

/*
 * Open a FIFO to read from it, and keep a write end open as well so that
 * the reader never sees EOF when the last client goes away.
 */
int
hp_fifo_listen(const char *path, int *wfd)
{
	int fd, e;

	if (hp_fifo_make(path) == -1)
		return -1;
	fd = hp_open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0);
	if (fd == -1)
		return -1;
	*wfd = hp_open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW, 0);
	if (*wfd == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * Send one line in one write below PIPE_BUF, so lines of several clients
 * never interleave. ENXIO: nobody is reading; EAGAIN: the FIFO is full.
 */
int
hp_fifo_send(const char *path, const char *line)
{
	size_t n = strlen(line);
	struct stat sb;
	ssize_t w;
	int fd, e;

	if (n == 0 || n > HP_LINE_MAX || line[n - 1] != '\n') {
		errno = EINVAL;
		return -1;
	}
	fd = hp_open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW, 0);
	if (fd == -1)
		return -1;
	/* A regular file there would take the line and answer nothing. */
	if (fstat(fd, &sb) == -1 || !S_ISFIFO(sb.st_mode) ||
	    sb.st_uid != geteuid()) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	do
		w = write(fd, line, n);
	while (w == -1 && errno == EINTR);
	e = errno;
	close(fd);
	if (w != (ssize_t)n) {
		errno = w == -1 ? e : EIO;
		return -1;
	}
	return 0;
}
