/* hp: see LICENSE. */
/* http.c: a check's request and its response's head; a request's head. */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hp.h"
#include "model/check.h"

/*
 * The response head is read a byte at a time through a state machine, so
 * a status line split over many writes parses like a whole one, and
 * nothing but a few counters is kept: the status line, then header lines,
 * then an empty line. Lines end in CRLF or a bare LF (RFC 9112, 2.2).
 * Interim responses (1xx but 101) are skipped; at most HP_HTTP_HEAD_MAX
 * bytes are taken in all.
 */
enum {
	H_STATUS,	/* in the status line */
	H_STATUS_CR,
	H_LINE,		/* at the start of a header line */
	H_HEADER,	/* in a header line */
	H_HEADER_CR,
	H_END_CR,	/* the CR of the empty line */
	H_DONE,
	H_BAD
};

static const char proto[] = "HTTP/";

void
hp_http_request(struct hp_buf *b, const struct hp_check *c)
{
	int v6 = strchr(c->host, ':') != NULL;

	hp_buf_printf(b, "GET %s HTTP/1.1\r\nHost: %s%s%s", c->path,
	    v6 ? "[" : "", c->host, v6 ? "]" : "");
	if (strcmp(c->port, "80") != 0)
		hp_buf_printf(b, ":%s", c->port);
	hp_buf_printf(b, "\r\nUser-Agent: hp-health/%s\r\nAccept: */*\r\n"
	    "Connection: close\r\n\r\n", HP_VERSION);
}

void
hp_http_init(struct hp_http *h)
{
	memset(h, 0, sizeof *h);
	h->state = H_STATUS;
}

static int
fail(struct hp_http *h, const char *why)
{
	h->state = H_BAD;
	h->error = why;
	return -1;
}

static int
ctl(int ch)
{
	return (ch < ' ' && ch != '\t') || ch == 0x7f;
}

/* One byte of the status line, at column h->col. */
static int
status(struct hp_http *h, int ch)
{
	size_t i = h->col++;

	if (i < sizeof proto - 1) {
		if (ch != proto[i])
			return fail(h, "not an HTTP response");
		return 0;
	}
	if ((i == 5 || i == 7 || (i >= 9 && i <= 11)) &&
	    (ch < '0' || ch > '9'))
		return fail(h, "bad status line");
	if ((i == 6 && ch != '.') || (i == 8 && ch != ' '))
		return fail(h, "bad status line");
	if (i >= 9 && i <= 11)
		h->code = h->code * 10 + (ch - '0');
	if (ch == '\r' || ch == '\n') {
		if (i < 12)
			return fail(h, "bad status line");
		h->state = ch == '\r' ? H_STATUS_CR : H_LINE;
		return 0;
	}
	if (i == 12 && ch != ' ')
		return fail(h, "bad status line");
	if (ctl(ch))
		return fail(h, "bad status line");
	return 0;
}

/* The head of a response is over: the final one, or an interim one. */
static int
head(struct hp_http *h)
{
	if (h->code >= 100 && h->code < 200 && h->code != 101) {
		h->state = H_STATUS;
		h->col = 0;
		h->code = 0;
		return 0;
	}
	if (h->code < 100)
		return fail(h, "bad status line");
	h->status = h->code;
	h->state = H_DONE;
	return 1;
}

static int
byte(struct hp_http *h, int ch)
{
	switch (h->state) {
	case H_STATUS:
		return status(h, ch);
	case H_STATUS_CR:
	case H_HEADER_CR:
		if (ch != '\n')
			return fail(h, h->state == H_STATUS_CR ?
			    "bad status line" : "bad header line");
		h->state = H_LINE;
		return 0;
	case H_LINE:
		if (ch == '\r' || ch == '\n') {
			if (ch == '\r') {
				h->state = H_END_CR;
				return 0;
			}
			return head(h);
		}
		if (ch == ':' || ctl(ch))
			return fail(h, "bad header line");
		/* A line starting with a blank continues the last one. */
		h->colon = ch == ' ' || ch == '\t';
		h->state = H_HEADER;
		return 0;
	case H_HEADER:
		if (ch == '\r' || ch == '\n') {
			if (!h->colon)
				return fail(h, "bad header line");
			h->state = ch == '\r' ? H_HEADER_CR : H_LINE;
			return 0;
		}
		if (ctl(ch))
			return fail(h, "bad header line");
		if (ch == ':')
			h->colon = 1;
		return 0;
	case H_END_CR:
		if (ch != '\n')
			return fail(h, "bad header line");
		return head(h);
	}
	return h->state == H_DONE ? 1 : -1;
}

int
hp_http_feed(struct hp_http *h, const char *p, size_t n)
{
	size_t i;
	int r;

	if (h->state == H_DONE)
		return 1;
	if (h->state == H_BAD)
		return -1;
	for (i = 0; i < n; i++) {
		if (h->len++ >= HP_HTTP_HEAD_MAX)
			return fail(h, "response head longer than 16384 bytes");
		if ((r = byte(h, (unsigned char)p[i])) != 0)
			return r;
	}
	return 0;
}

int
hp_http_eof(struct hp_http *h)
{
	if (h->state == H_DONE)
		return 1;
	if (h->state == H_BAD)
		return -1;
	return fail(h, h->len == 0 ? "connection closed before a response" :
	    "connection closed within the response head");
}

/*
 * The head of a request to the supervisor's responder (super/shttp.c),
 * parsed whole each time more of it has come: at most HP_REQ_MAX bytes,
 * "METHOD TARGET HTTP/1.x", header lines, an empty line; lines end in
 * CRLF or LF. 1: it is all there (r->status 0, or the error to answer:
 * 400, 414, 431, 505); 0: more to come; -1: bad now (r->status says).
 */
static int
reqbad(struct hp_req *r, int status)
{
	r->status = status;
	return -1;
}

static int
tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

/* The end of the line at p (its CR or LF), or NULL: not ended yet. */
static const char *
eol(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL)
		return NULL;
	return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
}

static const char *
next(const char *e)
{
	return *e == '\r' ? e + 2 : e + 1;
}

/* A header line: its name checked, Accept looked at. */
static int
header(struct hp_req *r, const char *p, const char *e)
{
	static const char om[] = "application/openmetrics-text";
	const char *colon = memchr(p, ':', (size_t)(e - p)), *q;

	if (colon == NULL || colon == p)
		return -1;
	for (q = p; q < colon; q++)
		if (!tchar((unsigned char)*q))
			return -1;
	for (q = colon + 1; q < e; q++)
		if (((unsigned char)*q < ' ' && *q != '\t') || *q == 0x7f)
			return -1;
	if (colon - p == 6 && strncasecmp(p, "accept", 6) == 0)
		for (q = colon + 1; q + sizeof om - 1 <= e; q++)
			if (strncasecmp(q, om, sizeof om - 1) == 0)
				r->openmetrics = 1;
	return 0;
}

int
hp_req_parse(struct hp_req *r, const char *buf, size_t n)
{
	const char *p = buf, *end = buf + n, *e, *sp, *t;
	size_t len;

	memset(r, 0, sizeof *r);
	if ((e = eol(p, end)) == NULL)
		return n >= HP_REQ_MAX ? reqbad(r, 414) : 0;
	/* METHOD */
	for (t = p; t < e && *t != ' '; t++)
		if (!tchar((unsigned char)*t))
			return reqbad(r, 400);
	if (t == p || t == e || t - p >= (int)sizeof r->method)
		return reqbad(r, t - p >= (int)sizeof r->method ? 405 : 400);
	memcpy(r->method, p, (size_t)(t - p));
	/* TARGET */
	p = t + 1;
	if ((sp = memchr(p, ' ', (size_t)(e - p))) == NULL || *p != '/')
		return reqbad(r, 400);
	for (t = p; t < sp; t++)
		if ((unsigned char)*t <= ' ' || *t == 0x7f)
			return reqbad(r, 400);
	for (t = p; t < sp && *t != '?'; t++)
		;
	len = (size_t)(t - p);
	if (len >= sizeof r->path || (size_t)(sp - p) >= HP_REQ_MAX / 2)
		return reqbad(r, 414);
	memcpy(r->path, p, len);
	/* HTTP/1.x */
	p = sp + 1;
	if (e - p != 8 || strncmp(p, "HTTP/", 5) != 0 || p[6] != '.' ||
	    p[5] < '0' || p[5] > '9' || p[7] < '0' || p[7] > '9')
		return reqbad(r, 400);
	if (p[5] != '1')
		return reqbad(r, 505);
	r->minor = p[7] - '0';
	/* header lines, to the empty one */
	for (p = next(e); (e = eol(p, end)) != NULL; p = next(e)) {
		if (e == p)
			return 1;
		if (header(r, p, e) == -1)
			return reqbad(r, 400);
	}
	return n >= HP_REQ_MAX ? reqbad(r, 431) : 0;
}
