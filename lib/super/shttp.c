/* hp: see LICENSE. */
/* shttp.c: /metrics, /healthz and /readyz served from the poll() loop. */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

/*
 * metrics-listen (hp.conf(5), [supervisor]): a small HTTP/1.x responder
 * in the supervisor's own loop. Every descriptor is non-blocking; a
 * request head may take HP_REQ_MAX bytes and REQ_MS to come whole, an
 * answer SEND_MS to be taken; then the connection goes. At most CONNS
 * are served at once, the others wait in the listen backlog. Each
 * answer closes its connection (Connection: close).
 */
#define CONNS	16
#define REQ_MS	5000
#define SEND_MS	10000

struct conn {
	int		 fd;		/* -1: a free slot */
	char		 in[HP_REQ_MAX];
	size_t		 len;
	struct hp_buf	 out;
	size_t		 off;
	int		 writing;
	long long	 until;		/* mono ms it is given up on */
};

struct hp_shttp {
	int		 fd;		/* the listening socket */
	char		 addr[HP_PATH_MAX];	/* as given */
	char		 path[HP_PATH_MAX];	/* a Unix socket's, to unlink */
	struct conn	 c[CONNS];
};

static int
listening(int fd, char *msg, size_t n, const char *addr)
{
	if (listen(fd, 64) == -1 || hp_nonblock(fd) == -1 ||
	    hp_cloexec(fd) == -1) {
		snprintf(msg, n, "metrics-listen %s: %s", addr,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
tcp(const struct hp_check *ck, const char *addr, char *msg, size_t n)
{
	struct addrinfo hints, *ai = NULL, *a;
	int fd = -1, one = 1, r, e = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((r = getaddrinfo(ck->host[0] != '\0' ? ck->host : NULL, ck->port,
	    &hints, &ai)) != 0) {
		snprintf(msg, n, "metrics-listen %s: %s", addr,
		    gai_strerror(r));
		return -1;
	}
	for (a = ai; a != NULL; a = a->ai_next) {
		if ((fd = socket(a->ai_family, a->ai_socktype,
		    a->ai_protocol)) == -1) {
			e = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof one);
		if (bind(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd == -1) {
		snprintf(msg, n, "metrics-listen %s: %s", addr, strerror(e));
		return -1;
	}
	return listening(fd, msg, n, addr);
}

/*
 * A Unix socket at path, mode 0600. What is there already is taken
 * over only if it is a socket nobody listens on.
 */
static int
local(const char *path, const char *addr, char *msg, size_t n)
{
	struct sockaddr_un un;
	struct stat sb;
	int fd, e;

	memset(&un, 0, sizeof un);
	un.sun_family = AF_UNIX;
	hp_copy(un.sun_path, sizeof un.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return snprintf(msg, n, "metrics-listen %s: %s", addr,
		    strerror(errno)), -1;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode) || connect(fd, (struct sockaddr *)
		    &un, sizeof un) == 0 || errno != ECONNREFUSED) {
			close(fd);
			return snprintf(msg, n, "metrics-listen %s: %s",
			    addr, S_ISSOCK(sb.st_mode) ? "in use" :
			    "exists and is no socket"), -1;
		}
		close(fd);
		unlink(path);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			return snprintf(msg, n, "metrics-listen %s: %s", addr,
			    strerror(errno)), -1;
	}
	if (bind(fd, (struct sockaddr *)&un, sizeof un) == -1 ||
	    chmod(path, 0600) == -1) {
		e = errno;
		close(fd);
		return snprintf(msg, n, "metrics-listen %s: %s", addr,
		    strerror(e)), -1;
	}
	return listening(fd, msg, n, addr);
}

static void
hangup(struct conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->len = c->off = 0;
	c->writing = 0;
	hp_buf_free(&c->out);
}

static void
stop(struct hp_super *s)
{
	int i;

	if (s->http == NULL)
		return;
	for (i = 0; i < CONNS; i++)
		hangup(&s->http->c[i]);
	close(s->http->fd);
	if (s->http->path[0] != '\0')
		unlink(s->http->path);
	free(s->http);
	s->http = NULL;
}

/*
 * Serve at addr from now on (NULL: nowhere). The same address as now is
 * left as it is; another is listened on before the old one goes, so that
 * a bad one changes nothing. -1 and why in msg.
 */
int
hp_shttp_listen(struct hp_super *s, const char *addr, char *msg, size_t n)
{
	struct hp_check ck;
	struct hp_shttp *h;
	char why[200];
	int fd, i;

	if (addr == NULL) {
		stop(s);
		return 0;
	}
	if (s->http != NULL && strcmp(s->http->addr, addr) == 0)
		return 0;
	if (hp_check_parse(&ck, addr, why, sizeof why) == -1)
		return snprintf(msg, n, "metrics-listen %s: %s", addr, why),
		    -1;
	if (s->http != NULL && ck.kind == HP_CHECK_UNIX &&
	    strcmp(s->http->path, ck.path) == 0)
		stop(s);	/* the same socket under another spelling */
	fd = ck.kind == HP_CHECK_UNIX ? local(ck.path, addr, msg, n) :
	    tcp(&ck, addr, msg, n);
	if (fd == -1)
		return -1;
	stop(s);
	h = s->http = hp_xcalloc(1, sizeof *h);
	h->fd = fd;
	hp_copy(h->addr, sizeof h->addr, addr);
	if (ck.kind == HP_CHECK_UNIX)
		hp_copy(h->path, sizeof h->path, ck.path);
	for (i = 0; i < CONNS; i++)
		h->c[i].fd = -1;
	return 0;
}

void
hp_shttp_close(struct hp_super *s)
{
	stop(s);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return "HTTP Version Not Supported";
	}
}

static void
answer(struct conn *c, int status, const char *type, const char *body,
    size_t len, int head)
{
	c->out.len = 0;
	hp_buf_printf(&c->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n", status,
	    reason(status), type, len);
	if (status == 405)
		hp_buf_adds(&c->out, "Allow: GET, HEAD\r\n");
	hp_buf_adds(&c->out, "Connection: close\r\n\r\n");
	if (!head)
		hp_buf_add(&c->out, body, len);
	c->off = 0;
	c->writing = 1;
	c->until = hp_mono_ms() + SEND_MS;
}

/* Every process as Prometheus text (hp_prom_write), or OpenMetrics. */
static void
metrics(struct hp_super *s, struct hp_buf *b, int om)
{
	struct hp_promproc *pp;
	struct hp_promsup sup;
	struct hp_info *in = hp_xmalloc(sizeof *in);
	int i, n = 0;

	pp = hp_xcalloc((size_t)s->nproc + 1, sizeof *pp);
	for (i = 0; i < s->nproc; i++)
		if (s->procs[i]->state != HP_ST_REMOVED) {
			hp_sproc_info(s, s->procs[i], in, 0);
			hp_prom_proc(in, &pp[n++]);
		}
	memset(&sup, 0, sizeof sup);
	sup.up = 1;
	sup.processes = n;
	sup.events = s->ev.seq;
	sup.uptime_ms = hp_mono_ms() - s->born;
	sup.started_wall = s->born_wall;
	hp_prom_write(b, om, &sup, pp, n);
	free(pp);
	free(in);
}

/*
 * Ready: every process with a readiness rule (ready-fd or ready-check)
 * runs, and so is ready, unless it was stopped on request. The names of
 * those that are not go in b.
 */
static int
ready(struct hp_super *s, struct hp_buf *b)
{
	const struct hp_proc *p;
	int i, ok = 1;

	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if ((p->spec.ready_fd > 0 || p->spec.ready_check != NULL) &&
		    p->state != HP_ST_RUNNING && p->state != HP_ST_STOPPED &&
		    p->state != HP_ST_REMOVED) {
			hp_buf_printf(b, "%s%s", ok ? "not ready:" : "",
			    " ");
			hp_buf_adds(b, p->spec.name);
			ok = 0;
		}
	}
	hp_buf_adds(b, ok ? "ready\n" : "\n");
	return ok;
}

/* The head is all there: the answer, by its path. */
static void
serve(struct hp_super *s, struct conn *c, const struct hp_req *r)
{
	struct hp_buf b = { 0 };
	int head = strcmp(r->method, "HEAD") == 0, status = 200;
	const char *type = "text/plain; charset=utf-8";

	if (r->status != 0)
		status = r->status;
	else if (!head && strcmp(r->method, "GET") != 0)
		status = 405;
	else if (strcmp(r->path, "/metrics") == 0) {
		metrics(s, &b, r->openmetrics);
		type = hp_prom_type(r->openmetrics);
	} else if (strcmp(r->path, "/healthz") == 0)
		hp_buf_adds(&b, "ok\n");	/* answered: the loop turns */
	else if (strcmp(r->path, "/readyz") == 0)
		status = ready(s, &b) ? 200 : 503;
	else
		status = 404;
	if (status != 200 && status != 503)
		hp_buf_printf(&b, "%d %s\n", status, reason(status));
	answer(c, status, type, b.p != NULL ? b.p : "", b.len, head);
	hp_buf_free(&b);
}

static void
readreq(struct hp_super *s, struct conn *c)
{
	struct hp_req r;
	ssize_t k;

	k = hp_read(c->fd, c->in + c->len, sizeof c->in - c->len);
	if (k == 0 || (k == -1 && errno != EAGAIN)) {
		hangup(c);
		return;
	}
	if (k > 0)
		c->len += (size_t)k;
	if (hp_req_parse(&r, c->in, c->len) != 0)
		serve(s, c, &r);
}

static void
writeout(struct conn *c)
{
	ssize_t w;

	while (c->off < c->out.len) {
		w = write(c->fd, c->out.p + c->off, c->out.len - c->off);
		if (w > 0)
			c->off += (size_t)w;
		else if (w == -1 && errno == EINTR)
			continue;
		else if (w == -1 && errno == EAGAIN)
			return;
		else
			break;
	}
	hangup(c);
}

/* A connection waiting to be accepted, if a slot is free. */
static void
take(struct hp_shttp *h)
{
	int i, fd;

	for (i = 0; i < CONNS && h->c[i].fd != -1; i++)
		;
	if (i == CONNS)
		return;
	if ((fd = accept(h->fd, NULL, NULL)) == -1)
		return;
	if (hp_nonblock(fd) == -1 || hp_cloexec(fd) == -1) {
		close(fd);
		return;
	}
	h->c[i].fd = fd;
	h->c[i].len = 0;
	h->c[i].writing = 0;
	h->c[i].until = hp_mono_ms() + REQ_MS;
}

/* Its poll entries: the listener while a slot is free, each connection. */
int
hp_shttp_fds(const struct hp_super *s, struct pollfd *f, int max)
{
	const struct hp_shttp *h = s->http;
	int i, n = 0, busy = 0;

	if (h == NULL)
		return 0;
	for (i = 0; i < CONNS && n < max; i++) {
		if (h->c[i].fd == -1)
			continue;
		busy++;
		f[n].fd = h->c[i].fd;
		f[n].events = h->c[i].writing ? POLLOUT : POLLIN;
		f[n++].revents = 0;
	}
	if (busy < CONNS && n < max) {
		f[n].fd = h->fd;
		f[n].events = POLLIN;
		f[n++].revents = 0;
	}
	return n;
}

/* What poll() said of its entries, and the deadlines that passed. */
void
hp_shttp_io(struct hp_super *s, const struct pollfd *f, int n)
{
	struct hp_shttp *h = s->http;
	long long now = hp_mono_ms();
	struct conn *c;
	int i, k;

	if (h == NULL)
		return;
	for (k = 0; k < n; k++) {
		if (f[k].revents == 0)
			continue;
		if (f[k].fd == h->fd) {
			take(h);
			continue;
		}
		for (i = 0; i < CONNS && h->c[i].fd != f[k].fd; i++)
			;
		if (i == CONNS)
			continue;
		c = &h->c[i];
		if (c->writing)
			writeout(c);
		else
			readreq(s, c);
		if (c->fd != -1 && c->writing && c->off == 0)
			writeout(c);
	}
	for (i = 0; i < CONNS; i++) {
		c = &h->c[i];
		if (c->fd == -1 || now < c->until)
			continue;
		if (c->writing)
			hangup(c);
		else {
			struct hp_req r;

			memset(&r, 0, sizeof r);
			r.status = 408;
			serve(s, c, &r);
			writeout(c);
		}
	}
}

/* The next deadline of a connection: mono ms, or -1. */
long long
hp_shttp_next(const struct hp_super *s)
{
	long long next = -1;
	int i;

	if (s->http == NULL)
		return -1;
	for (i = 0; i < CONNS; i++)
		if (s->http->c[i].fd != -1 && (next == -1 ||
		    s->http->c[i].until < next))
			next = s->http->c[i].until;
	return next;
}

/* A request being read or answered: an upgrade waits for its end. */
int
hp_shttp_busy(const struct hp_super *s)
{
	int i;

	for (i = 0; s->http != NULL && i < CONNS; i++)
		if (s->http->c[i].fd != -1)
			return 1;
	return 0;
}

/* The listener, handed over as it is. */
void
hp_shttp_handover(struct hp_super *s, struct hp_howr *w)
{
	if (s->http == NULL)
		return;
	hp_ho_putfd(w, "http", s->http->fd);
	hp_ho_putstr(w, "http-addr", s->http->addr);
	hp_ho_putstr(w, "http-path", s->http->path);
}

int
hp_shttp_takeover(struct hp_super *s, const struct hp_hosec *sec)
{
	struct hp_shttp *h;
	int fd, i;

	if (hp_ho_get(sec, "http", NULL) == NULL)
		return 0;
	if ((fd = hp_ho_fd(sec, "http")) == -1)
		return -1;
	h = s->http = hp_xcalloc(1, sizeof *h);
	h->fd = fd;
	hp_copy(h->addr, sizeof h->addr, hp_ho_str(sec, "http-addr", ""));
	hp_copy(h->path, sizeof h->path, hp_ho_str(sec, "http-path", ""));
	for (i = 0; i < CONNS; i++)
		h->c[i].fd = -1;
	return 0;
}
