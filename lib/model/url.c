/* hp: see LICENSE. */
/* url.c: health checks parsed from their text, and their addresses. */

#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hp.h"
#include "model/check.h"

/* What a name resolved to, in the order the addresses are tried. */
struct hp_addrs {
	int			n;
	struct sockaddr_storage	a[HP_CHECK_ADDRS];
	socklen_t		len[HP_CHECK_ADDRS];
};

static int
bad(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -1;
}

static int
hostchar(int ch)
{
	return isalnum(ch) || ch == '-' || ch == '.' || ch == '_';
}

static int
v6char(int ch)
{
	return isxdigit(ch) || ch == ':' || ch == '.' || ch == '%' ||
	    isalnum(ch) || ch == '-' || ch == '_';
}

/* HOST[:PORT] or [V6][:PORT], from s to end; the port may be required. */
static int
authority(struct hp_check *c, const char *s, const char *end,
    const char *defport, int zero, char *err, size_t n)
{
	const char *h = s, *he, *p = NULL, *q;
	long port;

	if (memchr(s, '@', (size_t)(end - s)) != NULL)
		return bad(err, n, "user information is not supported");
	if (*s == '[') {
		h = s + 1;
		if ((he = memchr(h, ']', (size_t)(end - h))) == NULL)
			return bad(err, n, "no ] after an IPv6 address");
		for (q = h; q < he; q++)
			if (!v6char((unsigned char)*q))
				return bad(err, n, "bad IPv6 address");
		if (he == h || memchr(h, ':', (size_t)(he - h)) == NULL)
			return bad(err, n, "bad IPv6 address");
		if (he + 1 < end && he[1] != ':')
			return bad(err, n, "bad character after ]");
		p = he + 1 < end ? he + 2 : NULL;
	} else {
		for (he = h; he < end && *he != ':'; he++)
			if (!hostchar((unsigned char)*he))
				return bad(err, n, "bad character in host");
		if (he < end) {
			p = he + 1;
			if (memchr(p, ':', (size_t)(end - p)) != NULL)
				return bad(err, n,
				    "an IPv6 address needs brackets");
		}
	}
	if (he == h)
		return bad(err, n, "no host");
	if ((size_t)(he - h) >= sizeof c->host)
		return bad(err, n, "host too long");
	memcpy(c->host, h, (size_t)(he - h));
	c->host[he - h] = '\0';
	if (p == NULL) {
		if (defport == NULL)
			return bad(err, n, "no port");
		return hp_copy(c->port, sizeof c->port, defport);
	}
	if (p == end || end - p > 5)
		return bad(err, n, "bad port");
	for (port = 0, q = p; q < end; q++) {
		if (!isdigit((unsigned char)*q))
			return bad(err, n, "bad port");
		port = port * 10 + (*q - '0');
	}
	if (port < 0 || port > 65535 || (port == 0 && !zero))
		return bad(err, n, "port out of range");
	snprintf(c->port, sizeof c->port, "%ld", port);
	return 0;
}

/* http://HOST[:PORT][/PATH][?QUERY][#FRAGMENT] */
static int
http(struct hp_check *c, const char *s, char *err, size_t n)
{
	const char *end = s + strcspn(s, "/?#"), *p;
	size_t len;

	if (authority(c, s, end, "80", 0, err, n) == -1)
		return -1;
	len = strcspn(end, "#");
	for (p = end; p < end + len; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return bad(err, n, "bad character in path");
	if (len + 2 > sizeof c->path)
		return bad(err, n, "path too long");
	if (*end != '/')
		c->path[0] = '/';
	memcpy(c->path + (*end != '/'), end, len);
	c->path[len + (*end != '/')] = '\0';
	return 0;
}

static int
tcp(struct hp_check *c, const char *s, int zero, char *err, size_t n)
{
	const char *end = s + strcspn(s, "/");

	c->kind = HP_CHECK_TCP;
	if (*end != '\0' && strcmp(end, "/") != 0)
		return bad(err, n, "a TCP address has no path");
	return authority(c, s, end, NULL, zero, err, n);
}

static int
unixpath(struct hp_check *c, const char *s, char *err, size_t n)
{
	struct sockaddr_un un;

	c->kind = HP_CHECK_UNIX;
	if (strncmp(s, "///", 3) == 0)
		s += 2;		/* unix:///run/x.sock */
	if (*s == '\0')
		return bad(err, n, "no socket path");
	if (strlen(s) >= sizeof un.sun_path)
		return bad(err, n, "socket path too long");
	return hp_copy(c->path, sizeof c->path, s);
}

/*
 * An address to listen on, in the syntax of checks: tcp://HOST:PORT
 * (port 0: any free one) or unix:PATH.
 */
int
hp_listen_parse(struct hp_check *c, const char *s, char *err, size_t n)
{
	memset(c, 0, sizeof *c);
	if (hp_copy(c->text, sizeof c->text, s) == -1)
		return bad(err, n, "address too long");
	if (strncasecmp(s, "tcp://", 6) == 0)
		return tcp(c, s + 6, 1, err, n);
	if (strncasecmp(s, "unix:", 5) == 0)
		return unixpath(c, s + 5, err, n);
	return bad(err, n, "an address to listen on is tcp://HOST:PORT or "
	    "unix:PATH");
}

int
hp_check_parse(struct hp_check *c, const char *s, char *err, size_t n)
{
	memset(c, 0, sizeof *c);
	c->timeout = HP_HEALTH_TIMEOUT;
	if (hp_copy(c->text, sizeof c->text, s) == -1)
		return bad(err, n, "check too long");
	if (strncasecmp(s, "https://", 8) == 0)
		return bad(err, n, "https is not supported: hp-health speaks "
		    "plain HTTP only");
	if (strncasecmp(s, "http://", 7) == 0) {
		c->kind = HP_CHECK_HTTP;
		return http(c, s + 7, err, n);
	}
	if (strncasecmp(s, "tcp://", 6) == 0)
		return tcp(c, s + 6, 0, err, n);
	if (strncasecmp(s, "unix:", 5) == 0)
		return unixpath(c, s + 5, err, n);
	if (strncasecmp(s, "proc:", 5) == 0) {
		c->kind = HP_CHECK_PROC;
		if (!hp_ref_ok(s + 5))
			return bad(err, n, "invalid name");
		return hp_copy(c->path, sizeof c->path, s + 5);
	}
	return bad(err, n, "unknown check: use http://, tcp://, unix: or "
	    "proc:");
}

static int
same(const struct hp_addrs *a, const struct sockaddr *sa, socklen_t len)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (a->len[i] == len && memcmp(&a->a[i], sa, len) == 0)
			return 1;
	return 0;
}

int
hp_check_addr(struct hp_check *c, const struct sockaddr *sa, size_t len)
{
	struct hp_addrs *a;

	if (c->addrs == NULL)
		c->addrs = hp_xcalloc(1, sizeof *c->addrs);
	a = c->addrs;
	if (len > sizeof a->a[0] || a->n >= HP_CHECK_ADDRS) {
		errno = ENOSPC;
		return -1;
	}
	if (same(a, sa, (socklen_t)len))
		return 0;
	memcpy(&a->a[a->n], sa, len);
	a->len[a->n++] = (socklen_t)len;
	return 0;
}

int
hp_check_naddr(const struct hp_check *c)
{
	return c->addrs == NULL ? 0 : c->addrs->n;
}

const struct sockaddr *
hp_check_sockaddr(const struct hp_check *c, int i, size_t *len)
{
	*len = c->addrs->len[i];
	return (const struct sockaddr *)&c->addrs->a[i];
}

static void
lower(char *s)
{
	if (isupper((unsigned char)*s))
		*s = (char)tolower((unsigned char)*s);
}

/*
 * The families take turns (RFC 8305, 4): when the first address of a
 * name fails or hangs, the next one tried is of the other family.
 */
static void
interleave(struct hp_addrs *a)
{
	struct hp_addrs in = *a;
	int used[HP_CHECK_ADDRS] = { 0 }, k, i, fam = -1;

	for (k = 0; k < in.n; k++) {
		for (i = 0; i < in.n; i++)
			if (!used[i] && in.a[i].ss_family != fam)
				break;
		if (i == in.n)
			for (i = 0; used[i]; i++)
				;
		used[i] = 1;
		fam = in.a[i].ss_family;
		a->a[k] = in.a[i];
		a->len[k] = in.len[i];
	}
}

/*
 * localhost and NAME.localhost are the loopback addresses of both
 * families, whatever /etc/hosts says (RFC 6761, 6.3; curl does the same):
 * a dev server may listen on ::1 only, or on 127.0.0.1 only.
 */
static int
loopback(struct hp_check *c)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	size_t len = strlen(c->host);
	unsigned short port = (unsigned short)atoi(c->port);

	if (strcasecmp(c->host, "localhost") != 0 && (len < 10 ||
	    strcasecmp(c->host + len - 10, ".localhost") != 0))
		return 0;
	memset(&in4, 0, sizeof in4);
	in4.sin_family = AF_INET;
	in4.sin_port = htons(port);
	in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(&in6, 0, sizeof in6);
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(port);
	in6.sin6_addr = in6addr_loopback;
	hp_check_addr(c, (struct sockaddr *)&in4, sizeof in4);
	hp_check_addr(c, (struct sockaddr *)&in6, sizeof in6);
	return 1;
}

/* Addresses of a check, resolved once and kept for the runs after. */
int
hp_check_resolve(struct hp_check *c)
{
	struct addrinfo hints, *res, *ai;
	struct sockaddr_un un;
	char why[128];
	int r;

	if (hp_check_naddr(c) > 0 || c->kind == HP_CHECK_PROC)
		return 0;
	if (c->kind == HP_CHECK_UNIX) {
		memset(&un, 0, sizeof un);
		un.sun_family = AF_UNIX;
		hp_copy(un.sun_path, sizeof un.sun_path, c->path);
		return hp_check_addr(c, (struct sockaddr *)&un, sizeof un);
	}
	if (loopback(c))
		return 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* No AI_ADDRCONFIG: with loopback only it would hide ::1. */
	hints.ai_flags = AI_NUMERICSERV;
	if ((r = getaddrinfo(c->host, c->port, &hints, &res)) != 0) {
		snprintf(why, sizeof why, "%s",
		    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		lower(why);
		snprintf(c->error, sizeof c->error, "resolve %.64s: %.80s",
		    c->host, why);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			hp_check_addr(c, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(res);
	if (hp_check_naddr(c) == 0) {
		snprintf(c->error, sizeof c->error, "resolve %.64s: no address",
		    c->host);
		return -1;
	}
	interleave(c->addrs);
	return 0;
}

void
hp_addr_fmt(char *out, size_t n, const struct sockaddr *sa)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	char ip[INET6_ADDRSTRLEN];

	switch (sa->sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &in4->sin_addr, ip, sizeof ip);
		snprintf(out, n, "%s:%u", ip, (unsigned)ntohs(in4->sin_port));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
		snprintf(out, n, "[%s]:%u", ip,
		    (unsigned)ntohs(in6->sin6_port));
		break;
	case AF_UNIX:
		snprintf(out, n, "%s",
		    ((const struct sockaddr_un *)sa)->sun_path);
		break;
	default:
		snprintf(out, n, "?");
	}
}

void
hp_check_free(struct hp_check *c)
{
	free(c->addrs);
	c->addrs = NULL;
}
