/* hp: see LICENSE. */
/* t_health.c: checks parsed from text, response heads, the probe engine. */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "model/check.h"
#include "unit.h"

static struct hp_check c;
static char err[256];

static int
parse(const char *s)
{
	err[0] = '\0';
	return hp_check_parse(&c, s, err, sizeof err);
}

static void
urls(void)
{
	char longpath[140];

	CHECK(parse("http://127.0.0.1:3457/health") == 0);
	CHECK(c.kind == HP_CHECK_HTTP);
	CHECK_STR(c.host, "127.0.0.1");
	CHECK_STR(c.port, "3457");
	CHECK_STR(c.path, "/health");
	CHECK_STR(c.text, "http://127.0.0.1:3457/health");
	CHECK(c.timeout == HP_HEALTH_TIMEOUT);
	CHECK(parse("http://example.com") == 0);
	CHECK_STR(c.host, "example.com");
	CHECK_STR(c.port, "80");
	CHECK_STR(c.path, "/");
	CHECK(parse("HTTP://localhost:8080?ready=1#frag") == 0);
	CHECK_STR(c.host, "localhost");
	CHECK_STR(c.path, "/?ready=1");
	CHECK(parse("http://[::1]:3000/a/b?c=d") == 0);
	CHECK_STR(c.host, "::1");
	CHECK_STR(c.port, "3000");
	CHECK_STR(c.path, "/a/b?c=d");
	CHECK(parse("http://[fe80::1%lo]/") == 0);
	CHECK_STR(c.host, "fe80::1%lo");
	CHECK(parse("tcp://db:5432") == 0);
	CHECK(c.kind == HP_CHECK_TCP);
	CHECK_STR(c.host, "db");
	CHECK_STR(c.port, "5432");
	CHECK(parse("tcp://[::1]:9/") == 0);
	CHECK(parse("unix:/run/app.sock") == 0);
	CHECK(c.kind == HP_CHECK_UNIX);
	CHECK_STR(c.path, "/run/app.sock");
	CHECK(parse("unix:///run/app.sock") == 0);
	CHECK_STR(c.path, "/run/app.sock");
	CHECK(parse("unix:rel.sock") == 0);
	CHECK(parse("proc:web-1") == 0);
	CHECK(c.kind == HP_CHECK_PROC);
	CHECK_STR(c.path, "web-1");
	CHECK(parse("http://h:65535/") == 0);

	CHECK(parse("https://example.com/") == -1);
	CHECK(strstr(err, "https is not supported") != NULL);
	CHECK(parse("ftp://x/") == -1);
	CHECK(strstr(err, "unknown check") != NULL);
	CHECK(parse("localhost:80") == -1);
	CHECK(parse("") == -1);
	CHECK(parse("http://") == -1);
	CHECK_STR(err, "no host");
	CHECK(parse("http:///x") == -1);
	CHECK(parse("http://:80/") == -1);
	CHECK(parse("http://h:0/") == -1);
	CHECK_STR(err, "port out of range");
	CHECK(parse("http://h:65536/") == -1);
	CHECK(parse("http://h:123456/") == -1);
	CHECK(parse("http://h:/") == -1);
	CHECK_STR(err, "bad port");
	CHECK(parse("http://h:8x/") == -1);
	CHECK(parse("http://::1/") == -1);
	CHECK_STR(err, "an IPv6 address needs brackets");
	CHECK(parse("http://[::1/") == -1);
	CHECK(parse("http://[]/") == -1);
	CHECK(parse("http://[1.2.3.4]/") == -1);
	CHECK(parse("http://[::1]x/") == -1);
	CHECK(parse("http://user@h/") == -1);
	CHECK(parse("http://h o/") == -1);
	CHECK(parse("http://h/a b") == -1);
	CHECK_STR(err, "bad character in path");
	CHECK(parse("http://h/a\r\nX: y") == -1);
	CHECK(parse("tcp://h") == -1);
	CHECK_STR(err, "no port");
	CHECK(parse("tcp://h:1/x") == -1);
	CHECK(parse("unix:") == -1);
	memset(longpath, 'a', sizeof longpath - 1);
	memcpy(longpath, "unix:/", 6);
	longpath[sizeof longpath - 1] = '\0';
	CHECK(parse(longpath) == -1);
	CHECK_STR(err, "socket path too long");
	CHECK(parse("proc:") == -1);
	CHECK(parse("proc:-x") == -1);
	CHECK(parse("proc:a/b") == -1);
}

static void
request(void)
{
	struct hp_buf b = { 0 };

	CHECK(parse("http://127.0.0.1:3457/health?x=1") == 0);
	hp_http_request(&b, &c);
	CHECK_STR(hp_buf_str(&b), "GET /health?x=1 HTTP/1.1\r\n"
	    "Host: 127.0.0.1:3457\r\nUser-Agent: hp-health/" HP_VERSION
	    "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	b.len = 0;
	CHECK(parse("http://[::1]/") == 0);
	hp_http_request(&b, &c);
	CHECK(strncmp(hp_buf_str(&b), "GET / HTTP/1.1\r\nHost: [::1]\r\n",
	    29) == 0);
	hp_buf_free(&b);
}

/* Feed s whole and a byte at a time; both must give want (and status). */
static void
head(const char *s, int want, int status, const char *why)
{
	struct hp_http h;
	size_t i, n = strlen(s);
	int r = 0;

	hp_http_init(&h);
	r = hp_http_feed(&h, s, n);
	if (r == 0 && want != 0)
		r = hp_http_eof(&h);
	CHECK(r == want);
	if (want == 1)
		CHECK(h.status == status);
	if (why != NULL)
		CHECK_STR(h.error, why);
	hp_http_init(&h);
	for (i = 0, r = 0; i < n && r == 0; i++)
		r = hp_http_feed(&h, s + i, 1);
	if (r == 0 && want != 0)
		r = hp_http_eof(&h);
	CHECK(r == want);
	if (want == 1)
		CHECK(h.status == status);
}

static void
responses(void)
{
	struct hp_http h;
	char *big;
	int i;

	head("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1, 200, NULL);
	head("HTTP/1.0 204 No Content\r\n\r\n", 1, 204, NULL);
	head("HTTP/1.1 500 Internal Server Error\r\nA: b\r\n\r\n", 1, 500,
	    NULL);
	head("HTTP/1.1 200\r\n\r\n", 1, 200, NULL);
	head("HTTP/1.1 200 OK\n\n", 1, 200, NULL);
	head("HTTP/1.1 200 OK\r\nA: b\r\n  folded\r\n\r\n", 1, 200, NULL);
	head("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
	    "HTTP/1.1 201 Created\r\n\r\n", 1, 201, NULL);
	head("HTTP/1.1 101 Switching Protocols\r\n\r\n", 1, 101, NULL);
	head("HTTP/1.1 200 OK\r\n", -1, 0,
	    "connection closed within the response head");
	head("", -1, 0, "connection closed before a response");
	head("HTTP/1.1 200 OK\r\nA: b\r\n", 0, 0, NULL);
	head("SSH-2.0-OpenSSH_9.2\r\n", -1, 0, "not an HTTP response");
	head("<html>", -1, 0, "not an HTTP response");
	head("http/1.1 200 OK\r\n\r\n", -1, 0, "not an HTTP response");
	head("HTTP/2 200\r\n\r\n", -1, 0, "bad status line");
	head("HTTP/1.1 20 OK\r\n\r\n", -1, 0, "bad status line");
	head("HTTP/1.1 2000 OK\r\n\r\n", -1, 0, "bad status line");
	head("HTTP/1.1  200 OK\r\n\r\n", -1, 0, "bad status line");
	head("HTTP/1.1 200 O\001K\r\n\r\n", -1, 0, "bad status line");
	head("HTTP/1.1 200 OK\rX\n\r\n", -1, 0, "bad status line");
	head("HTTP/1.1 099 Low\r\n\r\n", -1, 0, "bad status line");
	head("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", -1, 0, "bad header line");
	head("HTTP/1.1 200 OK\r\n: empty\r\n\r\n", -1, 0, "bad header line");
	head("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", -1, 0, "bad header line");
	head("HTTP/1.1 200 OK\r\n\rx", -1, 0, "bad header line");

	/* A head without end stops at the bound, whatever its shape. */
	big = hp_xmalloc(HP_HTTP_HEAD_MAX + 64);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'a', HP_HTTP_HEAD_MAX + 40);
	big[HP_HTTP_HEAD_MAX + 60] = '\0';
	head(big, -1, 0, "response head longer than 16384 bytes");
	hp_http_init(&h);
	CHECK(hp_http_feed(&h, "HTTP/1.1 200 OK\r\n", 17) == 0);
	for (i = 0; i < 2000 && hp_http_feed(&h, "X-Line: more\r\n", 14) == 0;
	    i++)
		;
	CHECK(h.len == HP_HTTP_HEAD_MAX + 1);
	CHECK_STR(h.error, "response head longer than 16384 bytes");
	/* After the end, the rest is the body: not read. */
	hp_http_init(&h);
	CHECK(hp_http_feed(&h, "HTTP/1.1 200 OK\r\n\r\ngarbage", 26) == 1);
	CHECK(hp_http_feed(&h, "more", 4) == 1);
	free(big);
}

/* A listener on 127.0.0.1; its address in sa. */
static int
listener(struct sockaddr_in *sa, int backlog)
{
	socklen_t len = sizeof *sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)sa, sizeof *sa) == -1 ||
	    getsockname(fd, (struct sockaddr *)sa, &len) == -1 ||
	    listen(fd, backlog) == -1)
		return -1;
	hp_cloexec(fd);
	return fd;
}

/*
 * Happy eyeballs: the first address never answers (a listener whose
 * queue is full drops the SYN), the second does: the check is healthy
 * long before its timeout, and names the second.
 */
static void
eyeballs(void)
{
	struct sockaddr_in full, good;
	struct hp_check k[2];
	char want[64];
	int fl, fg, q[4], i, nq = 0;

	fl = listener(&full, 0);
	fg = listener(&good, 8);
	CHECK(fl != -1 && fg != -1);
	/* Fill the queue: connects that complete, until one hangs. */
	for (i = 0; i < 4; i++) {
		struct pollfd p;

		q[i] = socket(AF_INET, SOCK_STREAM, 0);
		hp_nonblock(q[i]);
		nq++;
		if (connect(q[i], (struct sockaddr *)&full, sizeof full) == 0)
			continue;
		p.fd = q[i];
		p.events = POLLOUT;
		if (poll(&p, 1, 100) == 0)
			break;
	}
	if (i == 4) {
		fprintf(stderr, "t_health: no SYN is dropped here; "
		    "eyeballs skipped\n");
		goto out;
	}
	CHECK(parse("tcp://name.invalid:1") == 0);
	k[0] = c;
	k[0].timeout = 3000;
	CHECK(hp_check_addr(&k[0], (struct sockaddr *)&full, sizeof full) ==
	    0);
	CHECK(hp_check_addr(&k[0], (struct sockaddr *)&good, sizeof good) ==
	    0);
	/* The same address again is not tried twice. */
	CHECK(hp_check_addr(&k[0], (struct sockaddr *)&good, sizeof good) ==
	    0);
	CHECK(hp_check_naddr(&k[0]) == 2);
	k[1] = k[0];
	k[1].addrs = NULL;
	k[1].timeout = 300;
	CHECK(hp_check_addr(&k[1], (struct sockaddr *)&full, sizeof full) ==
	    0);
	CHECK(hp_health_run(k, 2, NULL) == 1);
	CHECK(k[0].healthy);
	CHECK(k[0].latency_us < 1000 * 1000);
	hp_addr_fmt(want, sizeof want, (struct sockaddr *)&good);
	CHECK_STR(k[0].answered, want);
	CHECK(!k[1].healthy);
	CHECK_STR(k[1].error, "timeout: no connection in 300 ms");
	hp_check_free(&k[0]);
	hp_check_free(&k[1]);
out:
	for (i = 0; i < nq; i++)
		close(q[i]);
	close(fl);
	close(fg);
}

/* localhost is both loopbacks, whatever the resolver says; -r retries. */
static void
engine(void)
{
	struct sockaddr_in sa;
	char buf[64];
	int fd;

	CHECK(parse("tcp://localhost:1") == 0);
	CHECK(hp_check_resolve(&c) == 0);
	CHECK(hp_check_naddr(&c) == 2);
	hp_check_free(&c);
	CHECK(parse("tcp://127.0.0.1:9") == 0);
	fd = listener(&sa, 1);
	snprintf(buf, sizeof buf, "tcp://127.0.0.1:%u",
	    (unsigned)ntohs(sa.sin_port));
	close(fd);	/* now refused */
	CHECK(parse(buf) == 0);
	c.retries = 2;
	CHECK(hp_health_run(&c, 1, NULL) == 1);
	CHECK(!c.healthy && c.attempts == 3);
	CHECK_STR(c.error, "connection refused");
	hp_check_free(&c);
	CHECK(parse("proc:web") == 0);
	CHECK(hp_health_run(&c, 1, NULL) == 1);
	CHECK_STR(c.error, "no such process");
	CHECK(hp_health_run(&c, 0, NULL) == 0);
}

/* The engine in a poll set of someone else's, as the supervisor has it. */
static void
external(void)
{
	struct sockaddr_in sa;
	struct hp_health h;
	struct hp_check k[2];
	struct pollfd pfd[1 + 2 * HP_CHECK_ADDRS];
	char buf[64];
	long long next;
	int fd, p[2], n, rounds = 0;

	fd = listener(&sa, 8);
	CHECK(fd != -1 && hp_pipe(p, 1) == 0);
	snprintf(buf, sizeof buf, "tcp://127.0.0.1:%u",
	    (unsigned)ntohs(sa.sin_port));
	CHECK(parse(buf) == 0);
	k[0] = c;
	CHECK(parse("unix:/nonexistent/hp.sock") == 0);
	k[1] = c;
	hp_health_start(&h, k, 2, NULL);
	/* The socket failed at once: one check is done already. */
	CHECK(h.pending == 1 && k[1].done && !k[1].healthy);
	CHECK(hp_health_nfds(&h) >= 1);
	next = hp_health_next(&h);
	CHECK(next > hp_mono_ms());
	CHECK(next <= hp_mono_ms() + HP_HEALTH_TIMEOUT + 1);
	while (h.pending > 0 && rounds++ < 100) {
		pfd[0].fd = p[0];
		pfd[0].events = POLLIN;
		n = hp_health_fds(&h, pfd + 1, 2 * HP_CHECK_ADDRS);
		CHECK(n == 1);
		CHECK(poll(pfd, (nfds_t)n + 1, 1000) > 0);
		CHECK(pfd[0].revents == 0);
		hp_health_step(&h, pfd + 1, n);
	}
	CHECK(k[0].done && k[0].healthy && k[0].attempts == 1);
	CHECK(hp_health_next(&h) == -1);
	CHECK(hp_health_fds(&h, pfd, 1) == 0);
	hp_check_free(&k[0]);
	hp_check_free(&k[1]);
	/* Stopped midway: what is left is unhealthy, nothing is open. */
	CHECK(parse("http://127.0.0.1:1/") == 0);
	k[0] = c;
	CHECK(hp_check_addr(&k[0], (struct sockaddr *)&sa, sizeof sa) == 0);
	hp_health_start(&h, k, 1, NULL);
	hp_health_stop(&h);
	CHECK(h.pending == 0 && k[0].done && !k[0].healthy && k[0].pr == NULL);
	CHECK_STR(k[0].error, "stopped");
	hp_check_free(&k[0]);
	close(fd);
	close(p[0]);
	close(p[1]);
}

/* Addresses to listen on: tcp:// with a port 0, unix:; nothing else. */
static void
listens(void)
{
	CHECK(hp_listen_parse(&c, "tcp://127.0.0.1:0", err, sizeof err) == 0);
	CHECK(c.kind == HP_CHECK_TCP);
	CHECK_STR(c.host, "127.0.0.1");
	CHECK_STR(c.port, "0");
	CHECK(hp_listen_parse(&c, "tcp://[::1]:8080", err, sizeof err) == 0);
	CHECK_STR(c.host, "::1");
	CHECK(hp_listen_parse(&c, "unix:/run/a.sock", err, sizeof err) == 0);
	CHECK(c.kind == HP_CHECK_UNIX);
	CHECK_STR(c.path, "/run/a.sock");
	CHECK(hp_listen_parse(&c, "http://127.0.0.1:80/", err,
	    sizeof err) == -1);
	CHECK(hp_listen_parse(&c, "proc:web", err, sizeof err) == -1);
	CHECK(hp_listen_parse(&c, "tcp://127.0.0.1", err, sizeof err) == -1);
	CHECK_STR(err, "no port");
	CHECK(hp_listen_parse(&c, "tcp://127.0.0.1:65536", err,
	    sizeof err) == -1);
	/* A check still wants a port above 0. */
	CHECK(parse("tcp://127.0.0.1:0") == -1);
	CHECK_STR(err, "port out of range");
}

void
test_health(void)
{
	urls();
	listens();
	request();
	responses();
	eyeballs();
	engine();
	external();
}
