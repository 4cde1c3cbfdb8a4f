/* hp: see LICENSE. */
/* io.c: descriptors and files, with EINTR retried and writes finished. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

ssize_t
hp_read(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r == -1 && errno == EINTR);
	return r;
}

int
hp_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

pid_t
hp_waitpid(pid_t pid, int *status, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, status, flags);
	while (r == -1 && errno == EINTR);
	return r;
}

int
hp_open(const char *path, int flags, mode_t mode)
{
	int fd;

	do
		fd = open(path, flags | O_CLOEXEC, mode);
	while (fd == -1 && errno == EINTR);
	return fd;
}

int
hp_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl == -1 ? -1 : fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

/* A file nobody else can open: made in dir (private), then unlinked. */
int
hp_anonfile(const char *dir)
{
	char path[HP_PATH_MAX];
	int fd, e;

	if (hp_path(path, sizeof path, "%s/.anon-XXXXXX", dir) == -1 ||
	    (fd = mkstemp(path)) == -1)
		return -1;
	if (unlink(path) == -1 || hp_cloexec(fd) == -1) {
		e = errno;
		(void)unlink(path);
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
hp_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int
hp_path(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
hp_copy(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (len >= n) {
		if (n > 0)
			dst[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

/*
 * All of fd into buf, NUL-terminated, then fd closed. A short read ends
 * it: the end of a regular file, or of a small /proc one; with whole,
 * only the end does (a /proc file that comes a page a read).
 */
static ssize_t
slurp(int fd, char *buf, size_t n, int whole)
{
	ssize_t r, len = 0;
	int e;

	while ((size_t)len + 1 < n) {
		r = hp_read(fd, buf + len, n - 1 - (size_t)len);
		if (r == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		len += r;
		if (!whole && (size_t)len + 1 < n)
			break;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

static ssize_t
readpath(const char *path, char *buf, size_t n, int whole)
{
	int fd;

	if ((fd = hp_open(path, O_RDONLY | O_NOFOLLOW, 0)) == -1)
		return -1;
	return slurp(fd, buf, n, whole);
}

ssize_t
hp_file_read(const char *path, char *buf, size_t n)
{
	return readpath(path, buf, n, 0);
}

ssize_t
hp_file_readall(const char *path, char *buf, size_t n)
{
	return readpath(path, buf, n, 1);
}

/*
 * Write a whole file under a temporary name in the same directory, then
 * rename it into place: a reader sees the old file or the new, never half.
 */
int
hp_file_write(const char *path, const void *p, size_t n, mode_t mode)
{
	char tmp[HP_PATH_MAX];
	int fd, e;

	if (hp_path(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) == -1)
		return -1;
	fd = hp_open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
	if (fd == -1)
		return -1;
	if (hp_write_all(fd, p, n) == -1 || close(fd) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * The directory path is in, opened as such, itself not a link (ELOOP),
 * and where its last component begins: for the *at() calls, so that a
 * directory swapped for a link is never gone through.
 */
int
hp_dir_open(const char *path, const char **base)
{
	char dir[HP_PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat sb;
	int fd;

	if (slash == NULL) {
		*base = path;
		return hp_open(".", O_RDONLY | O_DIRECTORY, 0);
	}
	*base = slash + 1;
	if (hp_path(dir, sizeof dir, "%.*s", (int)(slash - path), path) == -1)
		return -1;
	if (dir[0] == '\0')
		dir[0] = '/', dir[1] = '\0';
	if ((fd = hp_open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0)) == -1 &&
	    errno == ENOTDIR && lstat(dir, &sb) == 0 && S_ISLNK(sb.st_mode))
		errno = ELOOP;
	return fd;
}

/*
 * The same, inside the directory open as dfd: the name is one
 * component, never followed if it is a link. Whoever swaps the directory
 * for a link after dfd was opened writes nowhere of ours.
 */
ssize_t
hp_file_readat(int dfd, const char *name, char *buf, size_t n)
{
	int fd;

	do
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return -1;
	return slurp(fd, buf, n, 0);
}

int
hp_file_writeat(int dfd, const char *name, const void *p, size_t n,
    mode_t mode)
{
	char tmp[HP_NAME_MAX + 32];
	int fd, e;

	if (hp_path(tmp, sizeof tmp, "%s.tmp%ld", name, (long)getpid()) == -1)
		return -1;
	do
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, mode);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return -1;
	if (hp_write_all(fd, p, n) == -1 || close(fd) == -1) {
		e = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		errno = e;
		return -1;
	}
	if (renameat(dfd, tmp, dfd, name) == -1) {
		e = errno;
		unlinkat(dfd, tmp, 0);
		errno = e;
		return -1;
	}
	return 0;
}

/* dir and every directory above it that is missing, of mode. */
int
hp_mkdirs(const char *dir, mode_t mode)
{
	char path[HP_PATH_MAX];
	size_t i, n;

	if (hp_copy(path, sizeof path, dir) == -1)
		return -1;
	n = strlen(path);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, mode) == -1 && errno != EEXIST)
			return -1;
		if (i < n)
			path[i] = '/';
	}
	return 0;
}

/* Remove a directory and what it holds, one level of subdirectories deep. */
int
hp_rmtree(const char *path)
{
	char sub[HP_PATH_MAX];
	struct dirent *d;
	struct stat sb;
	DIR *dir;

	/* A link is removed, never what it points to. */
	if (lstat(path, &sb) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlink(path);
	if ((dir = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (hp_path(sub, sizeof sub, "%s/%s", path, d->d_name) == -1)
			continue;
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			hp_rmtree(sub);
		else
			unlink(sub);
	}
	closedir(dir);
	return rmdir(path) == -1 && errno != ENOENT ? -1 : 0;
}
