/* hp: see LICENSE. */
/* health.c: every check of a run at once, driven by one poll() loop. */

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "model/check.h"

/*
 * A check goes through these phases; each fd it waits on is in the poll
 * set, each deadline in hp_health_next(). The action table:
 *
 *	phase	event			action
 *	CONNECT	an attempt writable	SO_ERROR 0: connected, else next
 *	CONNECT	stagger passed		connect to the next address too
 *	CONNECT	last attempt failed	unhealthy (or wait for a retry)
 *	SEND	writable		send the rest of the request
 *	RECV	readable		feed the head parser; done at its end
 *	any	deadline passed		unhealthy: timeout
 *	WAIT	retry time passed	start over
 *
 * "Connected" ends a TCP or Unix check; an HTTP one sends its request.
 */
enum { P_CONNECT, P_SEND, P_RECV, P_WAIT, P_DONE };

struct attempt {
	int	fd;		/* -1: none */
	int	ai;		/* the address it connects to */
	int	polled;		/* in the set hp_health_fds made */
};

struct hp_probe {
	int		 phase;
	struct attempt	 att[HP_CHECK_ADDRS];	/* [0]: the connection */
	int		 next;		/* the next address to try */
	long long	 t0;		/* us: this try began */
	long long	 deadline;	/* us: it gives up */
	long long	 stagger;	/* us: the next address is tried */
	long long	 retry;		/* us: the next try begins */
	struct hp_buf	 req;
	size_t		 sent;
	struct hp_http	 http;
};

static void	begin(struct hp_health *, struct hp_check *, long long, int);

static void
lowerr(char *out, size_t n, int err)
{
	snprintf(out, n, "%s", strerror(err));
	if (out[0] >= 'A' && out[0] <= 'Z')
		out[0] = (char)(out[0] - 'A' + 'a');
}

static void
shut(struct attempt *a)
{
	if (a->fd != -1)
		close(a->fd);
	a->fd = -1;
	a->polled = 0;
}

static void
closeall(struct hp_probe *pr)
{
	int i;

	for (i = 0; i < HP_CHECK_ADDRS; i++)
		shut(&pr->att[i]);
}

static int
inflight(const struct hp_probe *pr)
{
	int i, k = 0;

	for (i = 0; i < HP_CHECK_ADDRS; i++)
		k += pr->att[i].fd != -1;
	return k;
}

/* The end of a try: done, or a retry after a backoff while any is left. */
static void
finish(struct hp_health *h, struct hp_check *c, int ok, long long now)
{
	struct hp_probe *pr = c->pr;

	closeall(pr);
	c->healthy = ok;
	c->latency_us = now - pr->t0;
	if (ok)
		c->error[0] = '\0';
	if (!ok && c->attempts <= c->retries) {
		h->rnd = h->rnd * 1103515245u + 12345u;
		pr->retry = now + 1000 * hp_backoff(c->attempts,
		    HP_HEALTH_BACKOFF, HP_HEALTH_BACKOFF * 16, h->rnd >> 8);
		pr->phase = P_WAIT;
		return;
	}
	pr->phase = P_DONE;
	hp_buf_free(&pr->req);
	free(pr);
	c->pr = NULL;
	c->done = 1;
	h->pending--;
}

static void
failed(struct hp_health *h, struct hp_check *c, long long now,
    const char *why)
{
	if (why != c->error)
		snprintf(c->error, sizeof c->error, "%s", why);
	finish(h, c, 0, now);
}

static void
sendreq(struct hp_health *h, struct hp_check *c, long long now)
{
	struct hp_probe *pr = c->pr;
	ssize_t w;

	while (pr->sent < pr->req.len) {
		w = send(pr->att[0].fd, pr->req.p + pr->sent,
		    pr->req.len - pr->sent, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w == -1) {
			lowerr(c->error, sizeof c->error, errno);
			failed(h, c, now, c->error);
			return;
		}
		pr->sent += (size_t)w;
	}
	pr->phase = P_RECV;
}

/* Attempt i connected: the others are dropped, it answered. */
static void
connected(struct hp_health *h, struct hp_check *c, int i, long long now)
{
	struct hp_probe *pr = c->pr;
	const struct sockaddr *sa;
	struct attempt a = pr->att[i];
	size_t len;

	pr->att[i].fd = -1;
	closeall(pr);
	pr->att[0] = a;
	pr->att[0].polled = 0;
	sa = hp_check_sockaddr(c, a.ai, &len);
	hp_addr_fmt(c->answered, sizeof c->answered, sa);
	if (c->kind != HP_CHECK_HTTP) {
		finish(h, c, 1, now);
		return;
	}
	pr->phase = P_SEND;
	sendreq(h, c, now);
}

static int
freeslot(const struct hp_probe *pr)
{
	int i;

	for (i = 0; i < HP_CHECK_ADDRS; i++)
		if (pr->att[i].fd == -1)
			return i;
	return -1;
}

/* Connect to the next address; one that fails at once passes to the next. */
static void
next(struct hp_health *h, struct hp_check *c, long long now)
{
	struct hp_probe *pr = c->pr;
	const struct sockaddr *sa;
	size_t len;
	int fd, i, slot;

	while (pr->next < hp_check_naddr(c) && (slot = freeslot(pr)) != -1) {
		i = pr->next++;
		sa = hp_check_sockaddr(c, i, &len);
		if ((fd = socket(sa->sa_family, SOCK_STREAM, 0)) == -1 ||
		    hp_cloexec(fd) == -1 || hp_nonblock(fd) == -1) {
			lowerr(c->error, sizeof c->error, errno);
			if (fd != -1)
				close(fd);
			continue;
		}
		pr->att[slot].fd = fd;
		pr->att[slot].ai = i;
		pr->att[slot].polled = 0;
		if (connect(fd, sa, (socklen_t)len) == 0) {
			connected(h, c, slot, now);
			return;
		}
		if (errno == EINPROGRESS || errno == EINTR) {
			pr->stagger = now + 1000LL * HP_HEALTH_STAGGER;
			return;
		}
		lowerr(c->error, sizeof c->error, errno);
		shut(&pr->att[slot]);
	}
	if (inflight(pr) == 0)
		failed(h, c, now, c->error);
}

/*
 * proc:NAME: running, and not found unhealthy by its keeper; NAME of
 * instances: every one of them.
 */
static void
proc(struct hp_health *h, struct hp_check *c, long long now)
{
	struct hp_info in;
	char **refs = NULL;
	int i, n = 0;

	if (h->st != NULL)
		hp_info_refs(h->st, c->path, &refs, &n);
	for (i = 0; i < n; i++) {
		if (hp_info_load(h->st, refs[i], &in, 0) == -1) {
			failed(h, c, now, "no such process");
			break;
		}
		if (!in.running) {
			snprintf(c->error, sizeof c->error, "%s%snot running "
			    "(%s)", n > 1 ? refs[i] : "", n > 1 ? ": " : "",
			    in.state);
			failed(h, c, now, c->error);
			break;
		}
		if (strcmp(in.health, "unhealthy") == 0) {
			failed(h, c, now, "running, but unhealthy");
			break;
		}
	}
	if (n == 0)
		failed(h, c, now, "no such process");
	else if (i == n)
		finish(h, c, 1, now);
	hp_argv_free(refs);
}

/*
 * A try of c. Looking a name up blocks: it is done before the clock of the
 * try starts, and for a whole run before any clock starts (lookup 0).
 */
static void
begin(struct hp_health *h, struct hp_check *c, long long now, int lookup)
{
	struct hp_probe *pr = c->pr;

	if (lookup && c->kind != HP_CHECK_PROC && hp_check_naddr(c) == 0) {
		hp_check_resolve(c);
		now = hp_mono_us();
	}
	c->attempts++;
	c->status = 0;
	c->answered[0] = '\0';
	pr->t0 = now;
	pr->deadline = now + 1000 * c->timeout;
	pr->next = 0;
	pr->sent = 0;
	pr->phase = P_CONNECT;
	hp_http_init(&pr->http);
	if (c->kind == HP_CHECK_PROC) {
		proc(h, c, now);
		return;
	}
	if (hp_check_naddr(c) == 0) {
		failed(h, c, now, c->error);
		return;
	}
	if (c->kind == HP_CHECK_HTTP && pr->req.len == 0)
		hp_http_request(&pr->req, c);
	next(h, c, now);
}

void
hp_health_start(struct hp_health *h, struct hp_check *c, int n,
    const struct hp_state *st)
{
	long long now;
	int i, k;

	memset(h, 0, sizeof *h);
	h->c = c;
	h->n = n;
	h->st = st;
	h->pending = n;
	for (i = 0; i < n; i++) {
		c[i].done = c[i].healthy = c[i].attempts = 0;
		c[i].latency_us = 0;
		c[i].error[0] = '\0';
		c[i].pr = hp_xcalloc(1, sizeof *c[i].pr);
		for (k = 0; k < HP_CHECK_ADDRS; k++)
			c[i].pr->att[k].fd = -1;
		if (c[i].kind != HP_CHECK_PROC)
			hp_check_resolve(&c[i]);
	}
	now = hp_mono_us();
	h->rnd = (unsigned)now ^ (unsigned)getpid();
	for (i = 0; i < n; i++)
		begin(h, &c[i], now, 0);
}

int
hp_health_nfds(const struct hp_health *h)
{
	return h->pending * HP_CHECK_ADDRS;
}

static void
add(struct pollfd *pfd, int *k, struct attempt *a, short ev)
{
	pfd[*k].fd = a->fd;
	pfd[*k].events = ev;
	pfd[*k].revents = 0;
	a->polled = 1;
	(*k)++;
}

int
hp_health_fds(struct hp_health *h, struct pollfd *pfd, int max)
{
	struct hp_probe *pr;
	int i, j, k = 0;

	for (i = 0; i < h->n; i++) {
		if ((pr = h->c[i].pr) == NULL || pr->phase == P_WAIT)
			continue;
		for (j = 0; j < HP_CHECK_ADDRS && k < max; j++)
			if (pr->att[j].fd != -1)
				add(pfd, &k, &pr->att[j], pr->phase ==
				    P_RECV ? POLLIN : POLLOUT);
	}
	return k;
}

static void
timers(struct hp_health *h, struct hp_check *c, long long now)
{
	struct hp_probe *pr = c->pr;
	char msg[96];

	if (pr->phase == P_WAIT) {
		if (now >= pr->retry)
			begin(h, c, now, 1);
		return;
	}
	if (now >= pr->deadline) {
		snprintf(msg, sizeof msg, "timeout: %s in %lld ms",
		    pr->phase == P_CONNECT ? "no connection" :
		    pr->phase == P_SEND ? "request not sent" :
		    pr->http.len == 0 ? "no response" :
		    "response head incomplete", c->timeout);
		failed(h, c, now, msg);
		return;
	}
	if (pr->phase == P_CONNECT && now >= pr->stagger &&
	    pr->next < hp_check_naddr(c))
		next(h, c, now);
}

long long
hp_health_next(const struct hp_health *h)
{
	struct hp_probe *pr;
	long long t = -1, d;
	int i;

	for (i = 0; i < h->n; i++) {
		if ((pr = h->c[i].pr) == NULL)
			continue;
		d = pr->phase == P_WAIT ? pr->retry : pr->deadline;
		if (pr->phase == P_CONNECT && pr->next <
		    hp_check_naddr(&h->c[i]) && pr->stagger < d)
			d = pr->stagger;
		if (t == -1 || d < t)
			t = d;
	}
	return t == -1 ? -1 : (t + 999) / 1000;
}

static void
readable(struct hp_health *h, struct hp_check *c, long long now)
{
	struct hp_probe *pr = c->pr;
	char buf[4096];
	ssize_t r;
	int k;

	for (;;) {
		r = recv(pr->att[0].fd, buf, sizeof buf, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r == -1) {
			lowerr(c->error, sizeof c->error, errno);
			failed(h, c, now, c->error);
			return;
		}
		k = r == 0 ? hp_http_eof(&pr->http) :
		    hp_http_feed(&pr->http, buf, (size_t)r);
		if (k == -1) {
			failed(h, c, now, pr->http.error);
			return;
		}
		if (k == 1)
			break;
	}
	c->status = pr->http.status;
	if (c->expect ? c->status == c->expect : c->status / 100 == 2) {
		finish(h, c, 1, now);
		return;
	}
	if (c->expect)
		snprintf(c->error, sizeof c->error, "status %d, not %d",
		    c->status, c->expect);
	else
		snprintf(c->error, sizeof c->error, "status %d", c->status);
	failed(h, c, now, c->error);
}

/* An event on the descriptor of attempt i of c. */
static void
event(struct hp_health *h, struct hp_check *c, int i, short rev,
    long long now)
{
	struct hp_probe *pr = c->pr;
	socklen_t len = sizeof(int);
	int err = 0;

	if (pr->phase == P_RECV) {
		readable(h, c, now);
		return;
	}
	if (pr->phase == P_SEND) {
		sendreq(h, c, now);
		return;
	}
	if (getsockopt(pr->att[i].fd, SOL_SOCKET, SO_ERROR, &err,
	    &len) == -1)
		err = errno;
	else if (err == 0 && (rev & (POLLOUT | POLLERR | POLLHUP)) == POLLOUT) {
		connected(h, c, i, now);
		return;
	}
	if (err == 0)
		err = ECONNREFUSED;
	lowerr(c->error, sizeof c->error, err);
	shut(&pr->att[i]);
	/* A failed attempt hands over to the next address at once. */
	next(h, c, now);
}

/* The check and attempt an fd of the last poll set belongs to. */
static int
owner(struct hp_health *h, int fd, int *ci, int *ai)
{
	struct hp_probe *pr;
	int i, j, k;

	for (k = 0; k < h->n; k++) {
		i = (*ci + k) % h->n;
		if ((pr = h->c[i].pr) == NULL || pr->phase == P_WAIT)
			continue;
		for (j = 0; j < HP_CHECK_ADDRS; j++)
			if (pr->att[j].fd == fd && pr->att[j].polled) {
				*ci = i;
				*ai = j;
				return 0;
			}
	}
	return -1;
}

int
hp_health_step(struct hp_health *h, struct pollfd *pfd, int n)
{
	long long now = hp_mono_us();
	int k, ci = 0, ai;

	for (k = 0; k < n; k++) {
		if (pfd[k].revents == 0 || h->n == 0 ||
		    owner(h, pfd[k].fd, &ci, &ai) == -1)
			continue;
		event(h, &h->c[ci], ai, pfd[k].revents, now);
	}
	now = hp_mono_us();
	for (k = 0; k < h->n; k++)
		if (h->c[k].pr != NULL)
			timers(h, &h->c[k], now);
	return h->pending;
}

void
hp_health_stop(struct hp_health *h)
{
	struct hp_check *c;
	int i;

	for (i = 0; i < h->n; i++) {
		c = &h->c[i];
		if (c->pr == NULL)
			continue;
		closeall(c->pr);
		hp_buf_free(&c->pr->req);
		free(c->pr);
		c->pr = NULL;
		if (c->error[0] == '\0')
			snprintf(c->error, sizeof c->error, "stopped");
		c->healthy = 0;
		c->done = 1;
	}
	h->pending = 0;
}

int
hp_health_run(struct hp_check *c, int n, const struct hp_state *st)
{
	struct hp_health h;
	struct pollfd *pfd;
	long long t;
	int i, k, bad = 0;

	hp_health_start(&h, c, n, st);
	pfd = hp_xcalloc((size_t)n * HP_CHECK_ADDRS + 1, sizeof *pfd);
	while (h.pending > 0) {
		k = hp_health_fds(&h, pfd, n * HP_CHECK_ADDRS);
		/* Every check still pending has a deadline. */
		t = hp_health_next(&h) - hp_mono_ms();
		if (poll(pfd, (nfds_t)k, t < 0 ? 0 : t > 60000 ? 60000 :
		    (int)t) == -1 && errno != EINTR) {
			hp_health_stop(&h);
			break;
		}
		hp_health_step(&h, pfd, k);
	}
	free(pfd);
	for (i = 0; i < n; i++)
		bad += !c[i].healthy;
	return bad;
}
