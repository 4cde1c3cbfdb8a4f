/* hp: see LICENSE. */
/* log.c: stdout and stderr of a process, timestamped, rotated by rename. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * A log line is "TIME STREAM TEXT": TIME is RFC 3339 UTC with
 * milliseconds (24 bytes), STREAM is "out" or "err". Text written without
 * a newline goes on in the next chunk of the same stream; if the other
 * stream speaks in between, the line is ended first.
 */
static const char *streams[2] = { "out", "err" };

/* Rotate base in the directory dfd: base.K-1 to base.K ..., base to .1. */
static int
rotateat(int dfd, const char *base, int count)
{
	char from[HP_PATH_MAX], to[HP_PATH_MAX];
	int i;

	for (i = count - 1; i >= 1; i--) {
		if (i == 1) {
			if (hp_copy(from, sizeof from, base) == -1)
				return -1;
		} else if (hp_path(from, sizeof from, "%s.%d", base,
		    i - 1) == -1)
			return -1;
		if (hp_path(to, sizeof to, "%s.%d", base, i) == -1)
			return -1;
		if (renameat(dfd, from, dfd, to) == -1 && errno != ENOENT)
			return -1;
	}
	if (count <= 1 && unlinkat(dfd, base, 0) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int
hp_log_rotate(const char *path, int count)
{
	const char *base;
	int dfd, r, e;

	if ((dfd = hp_dir_open(path, &base)) == -1)
		return -1;
	r = rotateat(dfd, base, count);
	e = errno;
	close(dfd);
	errno = e;
	return r;
}

/*
 * The log, opened in its directory: neither the file nor the directory
 * it is in (procs/NAME) is followed if it is a link.
 */
static int
openat_log(int dfd, const char *base)
{
	int fd;

	do
		fd = openat(dfd, base, O_RDWR | O_APPEND | O_CREAT |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
	while (fd == -1 && errno == EINTR);
	return fd;
}

static int
openlog(struct hp_logger *lg)
{
	struct stat sb;
	const char *base;
	int fd, dfd, e;

	if ((dfd = hp_dir_open(lg->path, &base)) == -1)
		return -1;
	fd = openat_log(dfd, base);
	if (fd != -1 && lg->max > 0 && fstat(fd, &sb) == 0 &&
	    sb.st_size >= lg->max) {
		close(fd);
		fd = -1;
		if (rotateat(dfd, base, lg->count) == 0) {
			lg->mid[0] = lg->mid[1] = 0;
			fd = openat_log(dfd, base);
		}
	}
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

int
hp_log_write(struct hp_logger *lg, int stream, const char *p, size_t n)
{
	struct hp_buf b = { 0 };
	struct stat sb;
	char ts[32], last;
	const char *nl;
	size_t len;
	int fd, r, e, mid[2];
	off_t end;

	if (n == 0)
		return 0;
	if ((fd = openlog(lg)) == -1)
		return -1;
	/* Whole lines or nothing: a full disk's half write is cut back. */
	end = lseek(fd, 0, SEEK_END);
	mid[0] = lg->mid[0];
	mid[1] = lg->mid[1];
	if (!lg->checked) {
		lg->checked = 1;
		if (fstat(fd, &sb) == 0 && sb.st_size > 0 &&
		    pread(fd, &last, 1, sb.st_size - 1) == 1 && last != '\n')
			hp_buf_addc(&b, '\n');
	}
	hp_time_fmt(ts, hp_wall_ms());
	if (lg->mid[!stream]) {
		hp_buf_addc(&b, '\n');
		lg->mid[!stream] = 0;
	}
	while (n > 0) {
		if (!lg->mid[stream])
			hp_buf_printf(&b, "%s %s ", ts, streams[stream]);
		nl = memchr(p, '\n', n);
		len = nl ? (size_t)(nl - p) + 1 : n;
		hp_buf_add(&b, p, len);
		lg->mid[stream] = nl == NULL;
		p += len;
		n -= len;
	}
	lg->last = stream;
	r = hp_write_all(fd, b.p, b.len);
	e = errno;
	if (r == -1 && end >= 0) {
		(void)ftruncate(fd, end);
		lg->mid[0] = mid[0];
		lg->mid[1] = mid[1];
	}
	close(fd);
	hp_buf_free(&b);
	errno = e;
	return r;
}

int
hp_log_parse(const char *line, int *stream, const char **text)
{
	if (strlen(line) < 29 || line[23] != 'Z' || line[24] != ' ' ||
	    line[28] != ' ')
		return -1;
	if (strncmp(line + 25, "out", 3) == 0)
		*stream = 0;
	else if (strncmp(line + 25, "err", 3) == 0)
		*stream = 1;
	else
		return -1;
	*text = line + 29;
	return 0;
}

/*
 * A new run of the process: what it writes begins a line of its own, even
 * if the last run (or the last supervisor) left one open. The check is
 * made at the next write, on the file itself.
 */
void
hp_log_end(struct hp_logger *lg)
{
	lg->mid[0] = lg->mid[1] = 0;
	lg->checked = 0;
}
