/* hp: see LICENSE. */
/* loadgen.c: HTTP requests, a new connection each, counted and timed. */

/*
 * usage: loadgen [-c conns] [-t seconds] [-T ms] [-s stopfile] [-r ready]
 *     host port
 *
 * Keeps conns requests in flight (4), each on a new connection to the
 * loopback address host:port: connect, "GET / HTTP/1.0", read to the
 * end. Runs until stopfile exists (checked every 10 ms), or t seconds
 * (60) have passed, whichever comes first: it always ends by itself.
 * With -r, creates the file ready once the first request has been
 * answered. A request that takes longer than -T ms (10000) is a timeout.
 *
 * At the end, one line:
 *
 *	requests=N ok=N refused=N failed=N timeouts=N max_ms=M pids=K
 *
 * refused counts connects refused (ECONNREFUSED); failed, requests that
 * got anything but "HTTP/1.x 200" (a reset, an early end); pids, the
 * distinct process ids the answers named (sockd answers its pid); max_ms,
 * the longest request, connect to last byte. Exit 0 when every request
 * was answered, 1 otherwise.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXC	64
#define MAXPIDS	4096

struct req {
	int	 fd;
	int	 sent;
	char	 buf[512];
	size_t	 len;
	long long start;	/* us */
};

static struct sockaddr_storage addr;
static socklen_t addrlen;
static long requests, ok, refused, failed, timeouts;
static long long maxus;
static long pids[MAXPIDS];
static int npids;

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
seen(long pid)
{
	int i;

	for (i = 0; i < npids; i++)
		if (pids[i] == pid)
			return;
	if (npids < MAXPIDS)
		pids[npids++] = pid;
}

static int
begin(struct req *r)
{
	memset(r, 0, sizeof *r);
	r->start = now_us();
	r->fd = socket(addr.ss_family, SOCK_STREAM, 0);
	if (r->fd == -1)
		return -1;
	fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) | O_NONBLOCK);
	if (connect(r->fd, (struct sockaddr *)&addr, addrlen) == -1 &&
	    errno != EINPROGRESS) {
		requests++;
		if (errno == ECONNREFUSED)
			refused++;
		else
			failed++;
		close(r->fd);
		r->fd = -1;
		return 0;
	}
	return 0;
}

/* The end of a request: judged by what came. */
static void
end(struct req *r, int err)
{
	const char *body;
	long long us = now_us() - r->start;

	requests++;
	if (us > maxus)
		maxus = us;
	r->buf[r->len] = '\0';
	if (err == ECONNREFUSED)
		refused++;
	else if (err == ETIMEDOUT)
		timeouts++;
	else if (err == 0 && (strncmp(r->buf, "HTTP/1.1 200", 12) == 0 ||
	    strncmp(r->buf, "HTTP/1.0 200", 12) == 0)) {
		ok++;
		if ((body = strstr(r->buf, "\r\n\r\n")) != NULL)
			seen(atol(body + 4));
	} else
		failed++;
	close(r->fd);
	r->fd = -1;
}

static void
step(struct req *r, short rev)
{
	static const char get[] = "GET / HTTP/1.0\r\nHost: t\r\n\r\n";
	socklen_t len = sizeof(int);
	ssize_t n;
	int e = 0;

	if (!r->sent) {
		if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			e = errno;
		if (e != 0) {
			end(r, e);
			return;
		}
		if (!(rev & POLLOUT))
			return;
		if (write(r->fd, get, sizeof get - 1) != (ssize_t)sizeof get -
		    1) {
			end(r, errno == ECONNREFUSED ? ECONNREFUSED : EIO);
			return;
		}
		r->sent = 1;
		return;
	}
	n = read(r->fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
	if (n > 0) {
		r->len += (size_t)n;
		if (r->len < sizeof r->buf - 1)
			return;
	} else if (n == -1 && errno == EAGAIN)
		return;
	end(r, n == -1 ? (errno == ECONNREFUSED ? ECONNREFUSED : EIO) : 0);
}

static int
resolve(const char *host, const char *port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;

	memset(&addr, 0, sizeof addr);
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)atoi(port));
		addrlen = sizeof *a4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)atoi(port));
		addrlen = sizeof *a6;
		return 0;
	}
	return -1;
}

/*
 * One poll of the connections, and a step of each that is ready; those
 * past their deadline end. Returns how many were open, or -1. None open
 * (all refused at once): a breath, not a busy loop.
 */
static int
turn(struct req *r, struct pollfd *pf, int conns, long long deadline)
{
	long long t;
	int i, n;

	for (i = n = 0; i < conns; i++) {
		pf[i].fd = r[i].fd;
		pf[i].events = r[i].sent ? POLLIN : POLLOUT;
		pf[i].revents = 0;
		n += r[i].fd != -1;
	}
	if (poll(n > 0 ? pf : NULL, n > 0 ? (nfds_t)conns : 0,
	    n > 0 ? 10 : 1) == -1 && errno != EINTR)
		return -1;
	t = now_us();
	for (i = 0; i < conns; i++) {
		if (r[i].fd == -1)
			continue;
		if (pf[i].revents)
			step(&r[i], pf[i].revents);
		if (r[i].fd != -1 && t - r[i].start > deadline * 1000)
			end(&r[i], ETIMEDOUT);
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct req r[MAXC];
	struct pollfd pf[MAXC];
	const char *stop = NULL, *ready = NULL;
	long long end_at, deadline = 10000, t, lastlook = 0;
	int ch, conns = 4, secs = 60, i, n, fd;

	while ((ch = getopt(argc, argv, "c:t:T:s:r:")) != -1) {
		switch (ch) {
		case 'c':
			conns = atoi(optarg);
			break;
		case 't':
			secs = atoi(optarg);
			break;
		case 'T':
			deadline = atoll(optarg);
			break;
		case 's':
			stop = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || conns < 1 || conns > MAXC || secs < 1 ||
	    resolve(argv[optind], argv[optind + 1]) == -1)
		goto usage;
	end_at = now_us() + (long long)secs * 1000000;
	for (i = 0; i < conns; i++)
		r[i].fd = -1;
	for (;;) {
		t = now_us();
		if (t >= end_at)
			break;
		if (t - lastlook >= 10000) {
			lastlook = t;
			if (stop != NULL && access(stop, F_OK) == 0)
				break;
			if (ready != NULL && ok > 0) {
				if ((fd = open(ready, O_WRONLY | O_CREAT,
				    0600)) != -1)
					close(fd);
				ready = NULL;
			}
		}
		for (i = 0; i < conns; i++)
			if (r[i].fd == -1)
				begin(&r[i]);
		if (turn(r, pf, conns, deadline) == -1)
			return 2;
	}
	/* What is in flight is waited for, within its deadline. */
	while ((n = turn(r, pf, conns, deadline)) > 0)
		;
	if (n == -1)
		return 2;
	printf("requests=%ld ok=%ld refused=%ld failed=%ld timeouts=%ld "
	    "max_ms=%lld pids=%d\n", requests, ok, refused, failed, timeouts,
	    maxus / 1000, npids);
	return ok == requests ? 0 : 1;
usage:
	fprintf(stderr, "usage: loadgen [-c conns] [-t seconds] [-T ms] "
	    "[-s stopfile] [-r readyfile] host port\n");
	return 2;
}
