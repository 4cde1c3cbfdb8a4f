/* hp: see LICENSE. */
/* httpd.c: the HTTP server of the tests and the bench: right or wrong. */

/*
 * usage: httpd [-6] [-p port] [-u path] [-d ms] [-m close|hold]
 *     [-l file]
 *
 * Listens on 127.0.0.1 (-6: ::1 only; -u: a Unix socket) on a port the
 * system picks (-p: that port), prints the port (or the path) on a line,
 * and serves until killed. A port the system picks is held shut on the
 * other loopback address (::1, or 127.0.0.1 with -6), so that localhost
 * finds this server or a refusal. -d binds at once but listens only
 * after ms: until then a connect is refused. -m close closes each
 * connection as it comes, -m hold keeps it and never reads. -l appends
 * each request head to file.
 * Otherwise the path of the request says what to answer:
 *
 *	/ /health /200	200			/status/N /500	status N
 *	/slow/MS	200 after MS ms		/never		nothing, ever
 *	/garbage	not HTTP		/split		a byte a ms
 *	/endless	a header without end	/lines		header lines
 *	/close		close, no answer	/reset		a reset
 *	/half		close within the head	/badheader	a bad header
 *	/early		103, then 204		/flaky/N	500 N times, 200
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#define MAXCONN	1024

enum { R_READ, R_WRITE, R_SLOW, R_NEVER, R_SPLIT, R_ENDLESS, R_LINES };

struct conn {
	int		 fd;
	int		 state;
	char		 req[4096];
	size_t		 rlen;
	char		 out[512];
	size_t		 olen, off;
	long long	 at;		/* ms: the next byte, or the answer */
	int		 keep;		/* stay open once written */
	int		 reset;
};

static struct conn conns[MAXCONN];
static int nconn, flaky, holdall, closeall;
static const char *logfile;

static void
drop(struct conn *c)
{
	struct linger l = { 1, 0 };

	if (c->reset)
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(c->fd);
	*c = conns[--nconn];
}

static void
answer(struct conn *c, int code, const char *extra)
{
	c->olen = (size_t)snprintf(c->out, sizeof c->out,
	    "HTTP/1.1 %d %s\r\nContent-Length: 3\r\nConnection: close\r\n"
	    "%s\r\nok\n", code, code / 100 == 2 ? "OK" : "Oops", extra);
	c->state = R_WRITE;
}

static void
raw(struct conn *c, const char *s, int state)
{
	c->olen = strlen(s);
	memcpy(c->out, s, c->olen);
	c->state = state;
}

/* The request head is in: choose the answer from its path. */
static void
route(struct conn *c)
{
	char path[256] = "";
	FILE *f;

	sscanf(c->req, "GET %255s", path);
	if (logfile != NULL && (f = fopen(logfile, "a")) != NULL) {
		fwrite(c->req, 1, c->rlen, f);
		fclose(f);
	}
	if (!strcmp(path, "/") || !strcmp(path, "/health") ||
	    !strcmp(path, "/200"))
		answer(c, 200, "");
	else if (!strcmp(path, "/500"))
		answer(c, 500, "");
	else if (!strncmp(path, "/status/", 8))
		answer(c, atoi(path + 8), "");
	else if (!strncmp(path, "/slow/", 6)) {
		answer(c, 200, "");
		c->state = R_SLOW;
		c->at = hp_mono_ms() + atoi(path + 6);
	} else if (!strcmp(path, "/never"))
		c->state = R_NEVER;
	else if (!strcmp(path, "/garbage")) {
		raw(c, "this is not HTTP at all\r\n\r\n", R_WRITE);
		c->keep = 1;
	} else if (!strcmp(path, "/split")) {
		answer(c, 200, "X-Split: yes\r\n");
		c->state = R_SPLIT;
	} else if (!strcmp(path, "/endless"))
		raw(c, "HTTP/1.1 200 OK\r\nX-Endless: ", R_ENDLESS);
	else if (!strcmp(path, "/lines"))
		raw(c, "HTTP/1.1 200 OK\r\n", R_LINES);
	else if (!strcmp(path, "/close"))
		raw(c, "", R_WRITE);
	else if (!strcmp(path, "/reset")) {
		raw(c, "", R_WRITE);
		c->reset = 1;
	} else if (!strcmp(path, "/half"))
		raw(c, "HTTP/1.1 200 OK\r\nA: b\r\n", R_WRITE);
	else if (!strcmp(path, "/badheader"))
		raw(c, "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", R_WRITE);
	else if (!strcmp(path, "/early"))
		raw(c, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
		    "HTTP/1.1 204 No Content\r\n\r\n", R_WRITE);
	else if (!strncmp(path, "/flaky/", 7))
		answer(c, flaky++ < atoi(path + 7) ? 500 : 200, "");
	else
		answer(c, 404, "");
}

static void
readreq(struct conn *c)
{
	ssize_t r;

	r = recv(c->fd, c->req + c->rlen, sizeof c->req - 1 - c->rlen, 0);
	if (r <= 0) {
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			drop(c);
		return;
	}
	c->rlen += (size_t)r;
	c->req[c->rlen] = '\0';
	if (strstr(c->req, "\r\n\r\n") != NULL || c->rlen == sizeof c->req - 1)
		route(c);
}

/* Write what is due; 1 when c was dropped. */
static int
writeout(struct conn *c)
{
	static const char as[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	static const char line[] = "X-Line: more\r\n";
	ssize_t w;
	size_t n;

	if (c->state == R_ENDLESS || c->state == R_LINES) {
		if (c->off == c->olen) {
			memcpy(c->out, c->state == R_ENDLESS ? as : line,
			    c->state == R_ENDLESS ? sizeof as - 1 :
			    sizeof line - 1);
			c->olen = c->state == R_ENDLESS ? sizeof as - 1 :
			    sizeof line - 1;
			c->off = 0;
		}
	}
	n = c->olen - c->off;
	if (c->state == R_SPLIT && n > 0)
		n = 1;
	if (n > 0) {
		w = send(c->fd, c->out + c->off, n, MSG_NOSIGNAL);
		if (w == -1 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (w == -1) {
			drop(c);
			return 1;
		}
		c->off += (size_t)w;
		if (c->state == R_SPLIT)
			c->at = hp_mono_ms() + 1;
	}
	if (c->off == c->olen && (c->state == R_WRITE ||
	    c->state == R_SPLIT)) {
		if (c->keep) {
			c->state = R_NEVER;
			return 0;
		}
		drop(c);
		return 1;
	}
	return 0;
}

/*
 * The same port on the other loopback address (v6: 127.0.0.1, else ::1),
 * bound and never listened on, so that a name with both (localhost) is
 * refused there, never answered by another server that the system gave
 * the same number: 0 if it is taken.
 */
static int
guard(int v6, unsigned short port)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	struct sockaddr *sa;
	socklen_t len;
	int fd, one = 1;

	memset(&in4, 0, sizeof in4);
	in4.sin_family = AF_INET;
	in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in4.sin_port = htons(port);
	memset(&in6, 0, sizeof in6);
	in6.sin6_family = AF_INET6;
	in6.sin6_addr = in6addr_loopback;
	in6.sin6_port = htons(port);
	sa = v6 ? (struct sockaddr *)&in4 : (struct sockaddr *)&in6;
	len = v6 ? sizeof in4 : sizeof in6;
	if ((fd = socket(sa->sa_family, SOCK_STREAM, 0)) == -1)
		return 1;	/* no such family here: nothing to guard */
	hp_cloexec(fd);
	if (!v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, sa, len) == -1) {
		close(fd);
		return errno != EADDRINUSE;
	}
	return 1;		/* kept open until we exit */
}

/* Bound, not yet listening: a connect is refused until listen(). */
static int
listener(int v6, int port, const char *upath, char *name, size_t n)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
	socklen_t len;
	int fd, one = 1;

	fd = socket(upath ? AF_UNIX : v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (fd == -1)
		hp_die("socket");
	hp_cloexec(fd);
	hp_nonblock(fd);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (upath != NULL) {
		memset(&un, 0, sizeof un);
		un.sun_family = AF_UNIX;
		hp_copy(un.sun_path, sizeof un.sun_path, upath);
		unlink(upath);
		if (bind(fd, (struct sockaddr *)&un, sizeof un) == -1)
			hp_die("bind %s", upath);
		snprintf(name, n, "%s", upath);
	} else if (v6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		memset(&in6, 0, sizeof in6);
		in6.sin6_family = AF_INET6;
		in6.sin6_addr = in6addr_loopback;
		in6.sin6_port = htons((unsigned short)port);
		len = sizeof in6;
		if (bind(fd, (struct sockaddr *)&in6, len) == -1 ||
		    getsockname(fd, (struct sockaddr *)&in6, &len) == -1)
			hp_die("bind [::1]");
		snprintf(name, n, "%u", (unsigned)ntohs(in6.sin6_port));
		if (port == 0 && !guard(1, ntohs(in6.sin6_port))) {
			close(fd);
			return listener(v6, port, upath, name, n);
		}
	} else {
		memset(&in4, 0, sizeof in4);
		in4.sin_family = AF_INET;
		in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in4.sin_port = htons((unsigned short)port);
		len = sizeof in4;
		if (bind(fd, (struct sockaddr *)&in4, len) == -1 ||
		    getsockname(fd, (struct sockaddr *)&in4, &len) == -1)
			hp_die("bind 127.0.0.1");
		snprintf(name, n, "%u", (unsigned)ntohs(in4.sin_port));
		if (port == 0 && !guard(0, ntohs(in4.sin_port))) {
			close(fd);
			return listener(v6, port, upath, name, n);
		}
	}
	return fd;
}

static void
take(int lfd)
{
	struct conn *c;
	int fd, one = 1;

	while (nconn < MAXCONN && (fd = accept(lfd, NULL, NULL)) != -1) {
		if (closeall) {
			close(fd);
			continue;
		}
		hp_cloexec(fd);
		hp_nonblock(fd);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c = &conns[nconn++];
		memset(c, 0, sizeof *c);
		c->fd = fd;
		c->state = holdall ? R_NEVER : R_READ;
	}
}

/* Read and forget what a silent connection gets; drop it at its end. */
static void
drain(struct conn *c)
{
	char junk[512];
	ssize_t r;

	r = recv(c->fd, junk, sizeof junk, 0);
	if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR))
		drop(c);
}

/* A timed step is due: the slow answer, or the next split byte. */
static int
due(struct conn *c, long long now)
{
	return (c->state == R_SLOW || c->state == R_SPLIT) && now >= c->at;
}

static void
serve(int lfd)
{
	static struct pollfd pfd[MAXCONN + 1];
	long long now, next;
	int i, k, t;

	for (;;) {
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		now = hp_mono_ms();
		next = -1;
		for (i = 0; i < nconn; i++) {
			pfd[i + 1].fd = conns[i].fd;
			pfd[i + 1].events = conns[i].state == R_READ ||
			    conns[i].state == R_NEVER ? POLLIN : POLLOUT;
			if (conns[i].state == R_SLOW ||
			    (conns[i].state == R_SPLIT && now < conns[i].at)) {
				pfd[i + 1].events = POLLIN;
				if (next == -1 || conns[i].at < next)
					next = conns[i].at;
			}
		}
		t = next == -1 ? -1 : next > now ? (int)(next - now) : 0;
		k = nconn + 1;
		if (poll(pfd, (nfds_t)k, t) == -1 && errno != EINTR)
			hp_die("poll");
		if (pfd[0].revents & POLLIN)
			take(lfd);
		now = hp_mono_ms();
		/* Backwards: dropping one moves the last into its place. */
		for (i = k - 2; i >= 0; i--) {
			struct conn *c = &conns[i];

			if (i >= nconn || pfd[i + 1].fd != c->fd)
				continue;
			if (c->state == R_SLOW && now >= c->at)
				c->state = R_WRITE;
			if (c->state == R_READ && pfd[i + 1].revents)
				readreq(c);
			else if (c->state == R_NEVER || c->state == R_SLOW) {
				if (pfd[i + 1].revents)
					drain(c);
			} else if (c->state == R_WRITE || c->state ==
			    R_ENDLESS || c->state == R_LINES ||
			    due(c, now))
				writeout(c);
		}
	}
}

int
main(int argc, char **argv)
{
	const char *upath = NULL;
	char name[HP_PATH_MAX];
	int ch, v6 = 0, delay = 0, lfd, port = 0;

	hp_progname = "httpd";
	while ((ch = getopt(argc, argv, "6p:u:d:m:l:")) != -1) {
		switch (ch) {
		case '6':
			v6 = 1;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'u':
			upath = optarg;
			break;
		case 'd':
			delay = atoi(optarg);
			break;
		case 'm':
			holdall = strcmp(optarg, "hold") == 0;
			closeall = strcmp(optarg, "close") == 0;
			break;
		case 'l':
			logfile = optarg;
			break;
		default:
			fprintf(stderr, "usage: httpd [-6] [-p port] [-u path] "
			    "[-d ms] [-m close|hold] [-l file]\n");
			return 2;
		}
	}
	lfd = listener(v6, port, upath, name, sizeof name);
	/* Told at once with -d, else once a connect can succeed. */
	if (delay > 0) {
		printf("%s\n", name);
		fflush(stdout);
		poll(NULL, 0, delay);
	}
	if (listen(lfd, 512) == -1)
		hp_die("listen");
	if (delay == 0) {
		printf("%s\n", name);
		fflush(stdout);
	}
	serve(lfd);
	return 0;
}
