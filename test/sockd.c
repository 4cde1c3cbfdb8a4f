/* hp: see LICENSE. */
/* sockd.c: an HTTP server of the tests that takes its socket as systemd passes it. */

/*
 * usage: sockd [-p port] [-d ms] [-w ms] [-x]
 *
 * Serves on descriptor 3 when LISTEN_FDS and LISTEN_PID (its own pid)
 * say a socket is passed; else, with -p, binds 127.0.0.1:port itself
 * (as a program not written for socket passing does). -d: sleeps that
 * long first, as a program that takes time to start; then, when
 * NOTIFY_SOCKET is set, sends READY=1. -w: each answer takes that long.
 * -x: exits 3 at once (a new version that does not start).
 *
 * Every request is answered "200 PID\n", one a connection (Connection:
 * close). On SIGTERM it accepts no more, finishes every connection it
 * has accepted, and exits 0. Plain POSIX, no library of ours: a program
 * written for systemd, as others are.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN	256

struct conn {
	int	 fd;
	char	 req[2048];
	size_t	 len;
	char	 out[128];
	size_t	 olen, off;
	long long due;		/* ms: the answer may go */
};

static struct conn conns[MAXCONN];
static int nconn;
static volatile sig_atomic_t term;

static void
onterm(int sig)
{
	(void)sig;
	term = 1;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !term)
		;
}

/* The socket systemd's way: LISTEN_PID ours, LISTEN_FDS at least 1. */
static int
passed(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");

	if (pid == NULL || fds == NULL || atol(pid) != (long)getpid() ||
	    atoi(fds) < 1)
		return -1;
	return 3;
}

static int
bound(int port)
{
	struct sockaddr_in a;
	int fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == -1 ||
	    listen(fd, 128) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un un;
	int fd;

	if (path == NULL || *path == '\0' || strlen(path) >= sizeof
	    un.sun_path)
		return;
	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, path, strlen(path) + 1);
	if (un.sun_path[0] == '@')
		un.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		return;
	(void)sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&un,
	    sizeof un);
	close(fd);
}

static void
drop(int i)
{
	close(conns[i].fd);
	conns[i] = conns[--nconn];
}

/* Read a request head; once whole, the answer is made. */
static void
readreq(struct conn *c, long long work)
{
	ssize_t n;
	int len;

	n = read(c->fd, c->req + c->len, sizeof c->req - 1 - c->len);
	if (n <= 0) {
		if (n == -1 && errno == EAGAIN)
			return;
		c->olen = 1;		/* nothing to answer: done */
		c->off = 1;
		return;
	}
	c->len += (size_t)n;
	c->req[c->len] = '\0';
	if (strstr(c->req, "\r\n\r\n") == NULL && c->len < sizeof c->req - 1)
		return;
	len = snprintf(c->out, sizeof c->out, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: %d\r\nConnection: close\r\n\r\n%ld\n",
	    (int)snprintf(NULL, 0, "%ld\n", (long)getpid()), (long)getpid());
	c->olen = (size_t)len;
	c->due = now_ms() + work;
}

int
main(int argc, char **argv)
{
	struct pollfd pf[MAXCONN + 1];
	struct sigaction sa;
	long long delay = 0, work = 0, t;
	int ch, port = 0, lfd, i, n, fd, wait;
	ssize_t w;

	while ((ch = getopt(argc, argv, "p:d:w:x")) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'd':
			delay = atoll(optarg);
			break;
		case 'w':
			work = atoll(optarg);
			break;
		case 'x':
			return 3;
		default:
			fprintf(stderr, "usage: sockd [-p port] [-d ms] [-w ms] "
			    "[-x]\n");
			return 2;
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onterm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((lfd = passed()) == -1 && (port == 0 || (lfd = bound(port)) ==
	    -1)) {
		fprintf(stderr, "sockd: no socket: %s\n", port ? strerror(errno)
		    : "no LISTEN_FDS, no -p");
		return 1;
	}
	fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
	sleep_ms(delay);
	notify("READY=1\nSTATUS=serving");
	while (!term || nconn > 0) {
		n = 0;
		wait = -1;
		if (!term && nconn < MAXCONN) {
			pf[n].fd = lfd;
			pf[n++].events = POLLIN;
		}
		t = now_ms();
		for (i = 0; i < nconn; i++) {
			pf[n].fd = conns[i].fd;
			pf[n++].events = conns[i].olen == 0 ? POLLIN :
			    conns[i].due <= t ? POLLOUT : 0;
			if (conns[i].olen > 0 && conns[i].due > t &&
			    (wait == -1 || conns[i].due - t < wait))
				wait = (int)(conns[i].due - t);
		}
		if (poll(pf, (nfds_t)n, wait) == -1 && errno != EINTR)
			return 1;
		if (term && nconn == 0)
			break;
		for (i = 0; i < nconn; i++) {
			struct conn *c = &conns[i];

			if (c->olen == 0)
				readreq(c, work);
			if (c->olen > 0 && c->off < c->olen &&
			    c->due <= now_ms()) {
				w = write(c->fd, c->out + c->off, c->olen -
				    c->off);
				if (w > 0)
					c->off += (size_t)w;
				else if (w == -1 && errno != EAGAIN)
					c->off = c->olen;
			}
			if (c->olen > 0 && c->off >= c->olen)
				drop(i--);
		}
		while (!term && nconn < MAXCONN &&
		    (fd = accept(lfd, NULL, NULL)) != -1) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			memset(&conns[nconn], 0, sizeof conns[nconn]);
			conns[nconn++].fd = fd;
		}
	}
	return 0;
}
