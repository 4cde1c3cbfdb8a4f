/* hp: see LICENSE. */
/* listen.c: held sockets: an address bound and listened on, as it came out. */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "model/check.h"

/*
 * A listen address is a check's text without http:// or proc: (url.c):
 * tcp://HOST:PORT, tcp://[V6]:PORT or unix:PATH. A port 0 is any free
 * one; what was bound is told back in the same syntax, for the status
 * and hp-ls. A name is looked up once, as it is opened: its first IPv4
 * address, else its first.
 */

static int
fail(char *err, size_t n, const char *what, int e)
{
	snprintf(err, n, "%s: %s", what, strerror(e));
	errno = e;
	return -1;
}

/* What fd is bound to, as tcp://HOST:PORT. */
static void
bound_tcp(int fd, char *out, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[INET6_ADDRSTRLEN];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		snprintf(out, n, "tcp://?");
		return;
	}
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
		snprintf(out, n, "tcp://[%s]:%u", host,
		    (unsigned)ntohs(a->sin6_port));
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
		snprintf(out, n, "tcp://%s:%u", host,
		    (unsigned)ntohs(a->sin_port));
	}
}

static int
open_tcp(const struct hp_check *c, char *bound, size_t bn, char *err,
    size_t en)
{
	struct addrinfo hints, *res, *ai, *pick;
	int fd, on = 1, r, e;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((r = getaddrinfo(c->host, c->port, &hints, &res)) != 0) {
		snprintf(err, en, "%s: %s", c->host, gai_strerror(r));
		errno = ENOENT;
		return -1;
	}
	for (pick = res, ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET) {
			pick = ai;
			break;
		}
	fd = socket(pick->ai_family, pick->ai_socktype, pick->ai_protocol);
	if (fd == -1 || hp_cloexec(fd) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
	    bind(fd, pick->ai_addr, pick->ai_addrlen) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		e = errno;
		if (fd != -1)
			close(fd);
		freeaddrinfo(res);
		return fail(err, en, c->text, e);
	}
	freeaddrinfo(res);
	bound_tcp(fd, bound, bn);
	return fd;
}

/*
 * A Unix socket's path: a socket left by an earlier run, that nobody
 * answers on, is taken over; one in use, or any other file, is not.
 */
static int
stale(const char *path, char *err, size_t en)
{
	struct sockaddr_un un;
	struct stat sb;
	int fd, r;

	if (lstat(path, &sb) == -1)
		return errno == ENOENT ? 0 : fail(err, en, path, errno);
	if (!S_ISSOCK(sb.st_mode))
		return fail(err, en, path, EEXIST);
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	hp_copy(un.sun_path, sizeof un.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return fail(err, en, path, errno);
	r = connect(fd, (struct sockaddr *)&un, sizeof un);
	close(fd);
	if (r == 0)
		return fail(err, en, path, EADDRINUSE);
	if (unlink(path) == -1 && errno != ENOENT)
		return fail(err, en, path, errno);
	return 0;
}

static int
open_unix(const struct hp_check *c, int mode, uid_t uid, gid_t gid,
    char *bound, size_t bn, char *err, size_t en)
{
	struct sockaddr_un un;
	mode_t old;
	int fd, r, e;

	if (stale(c->path, err, en) == -1)
		return -1;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	hp_copy(un.sun_path, sizeof un.sun_path, c->path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    hp_cloexec(fd) == -1)
		return fail(err, en, c->path, errno);
	/* Made closed, then opened to its mode and owner. */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&un, sizeof un);
	umask(old);
	if (r == -1 || listen(fd, SOMAXCONN) == -1 ||
	    chmod(c->path, (mode_t)mode) == -1 ||
	    (uid != (uid_t)-1 && chown(c->path, uid, gid) == -1)) {
		e = errno;
		if (r == 0)
			unlink(c->path);
		close(fd);
		return fail(err, en, c->path, e);
	}
	snprintf(bound, bn, "unix:%s", c->path);
	return fd;
}

/*
 * Bind and listen on addr: the descriptor (close-on-exec, blocking), and
 * what it is bound to in bound; a Unix socket gets mode and, unless uid
 * is -1, that owner. -1 and why in err.
 */
int
hp_listen_open(const char *addr, int mode, uid_t uid, gid_t gid,
    char *bound, size_t bn, char *err, size_t en)
{
	struct hp_check c;
	char why[200];
	int fd;

	if (hp_listen_parse(&c, addr, why, sizeof why) == -1) {
		snprintf(err, en, "%s: %s", addr, why);
		errno = EINVAL;
		return -1;
	}
	if (c.kind == HP_CHECK_UNIX)
		fd = open_unix(&c, mode, uid, gid, bound, bn, err, en);
	else
		fd = open_tcp(&c, bound, bn, err, en);
	hp_check_free(&c);
	return fd;
}

/* Close a held socket; a Unix one's path goes with it. */
void
hp_listen_close(int fd, const char *bound)
{
	struct stat sb;

	if (fd < 0)
		return;
	close(fd);
	if (strncmp(bound, "unix:", 5) == 0 && lstat(bound + 5, &sb) == 0 &&
	    S_ISSOCK(sb.st_mode))
		unlink(bound + 5);
}
