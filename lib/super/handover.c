/* hp: see LICENSE. */
/* handover.c: the format of what an upgrade hands over (handover.h). */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/handover.h"

#define MAGIC	"hp-handover "
#define BLOB_MAX	(1LL << 32)	/* larger is not ours */

void
hp_ho_put(struct hp_howr *w, const char *key, const void *p, size_t n)
{
	hp_buf_printf(&w->b, "%s %zu\n", key, n);
	hp_buf_add(&w->b, p, n);
	hp_buf_addc(&w->b, '\n');
}

void
hp_ho_section(struct hp_howr *w, const char *kind, const char *name)
{
	char key[32];

	if (w->b.len == 0)
		hp_buf_printf(&w->b, "%s%d\n", MAGIC, HP_HANDOVER);
	snprintf(key, sizeof key, "@%s", kind);
	hp_ho_put(w, key, name, strlen(name));
}

void
hp_ho_putint(struct hp_howr *w, const char *key, long long v)
{
	char s[32];

	hp_ho_put(w, key, s, (size_t)snprintf(s, sizeof s, "%lld", v));
}

void
hp_ho_putstr(struct hp_howr *w, const char *key, const char *s)
{
	if (s != NULL)
		hp_ho_put(w, key, s, strlen(s));
}

/* Put, and kept open across the exec: its close-on-exec flag comes off
 * just before, with the others (upgrade.c). */
void
hp_ho_putfd(struct hp_howr *w, const char *key, int fd)
{
	if (fd < 0)
		return;
	hp_ho_putint(w, key, fd);
	w->fd = hp_xrealloc(w->fd, (size_t)(w->nfd + 1) * sizeof *w->fd);
	w->fd[w->nfd++] = fd;
}

/* One record at *at: 0 and it; -1 at the end or on a bad one. */
static int
record(struct hp_hord *h, size_t *at, struct horec *r)
{
	char *p = h->blob + *at, *sp, *nl, *end;
	unsigned long long n;

	if (*at >= h->len || (nl = memchr(p, '\n', h->len - *at)) == NULL ||
	    (sp = memchr(p, ' ', (size_t)(nl - p))) == NULL)
		return -1;
	errno = 0;
	n = strtoull(sp + 1, &end, 10);
	/* n bytes and a newline are there: n < what is left, no overflow. */
	if (end != nl || errno != 0 || sp == p ||
	    n >= h->len - (size_t)(nl + 1 - h->blob))
		return -1;
	*sp = '\0';
	r->key = p;
	r->val = nl + 1;
	r->len = (size_t)n;
	if (nl[1 + n] != '\n')
		return -1;
	nl[1 + n] = '\0';
	*at = (size_t)(nl + 2 + n - h->blob);
	return 0;
}

static int
parse(struct hp_hord *h, char *why, size_t n)
{
	struct hp_hosec *sec = NULL;
	struct horec r;
	size_t at, m = strlen(MAGIC);
	char *nl;

	if (h->len < m || memcmp(h->blob, MAGIC, m) != 0 ||
	    (nl = memchr(h->blob, '\n', h->len)) == NULL)
		return snprintf(why, n, "not a handover"), -1;
	*nl = '\0';
	h->version = atoi(h->blob + m);
	if (h->version < HP_HANDOVER_MIN || h->version > HP_HANDOVER)
		return snprintf(why, n, "handover format %d, this reads %d-%d",
		    h->version, HP_HANDOVER_MIN, HP_HANDOVER), -1;
	at = (size_t)(nl + 1 - h->blob);
	while (at < h->len) {
		if (record(h, &at, &r) == -1)
			return snprintf(why, n, "a bad record at byte %zu",
			    at), -1;
		if (r.key[0] == '@') {
			h->sec = hp_xrealloc(h->sec, (size_t)(h->nsec + 1) *
			    sizeof *h->sec);
			sec = &h->sec[h->nsec++];
			sec->kind = r.key + 1;
			sec->name = r.val;
			sec->r = NULL;
			sec->n = 0;
			continue;
		}
		if (sec == NULL)
			return snprintf(why, n, "a record outside a section"),
			    -1;
		sec->r = hp_xrealloc(sec->r, (size_t)(sec->n + 1) *
		    sizeof *sec->r);
		sec->r[sec->n++] = r;
	}
	return 0;
}

int
hp_ho_read(struct hp_hord *h, int fd, char *why, size_t n)
{
	struct stat sb;
	size_t got = 0;
	ssize_t k;

	memset(h, 0, sizeof *h);
	h->fd = -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
	    sb.st_size > BLOB_MAX || lseek(fd, 0, SEEK_SET) == -1)
		return snprintf(why, n, "descriptor %d: not a handover", fd), -1;
	h->len = (size_t)sb.st_size;
	h->blob = hp_xmalloc(h->len + 1);
	while (got < h->len && (k = hp_read(fd, h->blob + got,
	    h->len - got)) > 0)
		got += (size_t)k;
	if (got < h->len) {
		snprintf(why, n, "descriptor %d: cut short", fd);
		hp_ho_free(h);
		return -1;
	}
	h->blob[h->len] = '\0';
	if (parse(h, why, n) == -1) {
		hp_ho_free(h);
		return -1;
	}
	h->fd = fd;
	return 0;
}

void
hp_ho_free(struct hp_hord *h)
{
	int i;

	for (i = 0; i < h->nsec; i++)
		free(h->sec[i].r);
	free(h->sec);
	free(h->blob);
	memset(h, 0, sizeof *h);
	h->fd = -1;
}

const struct hp_hosec *
hp_ho_next(const struct hp_hord *h, const char *kind, int *i)
{
	for (; *i < h->nsec; (*i)++)
		if (strcmp(h->sec[*i].kind, kind) == 0)
			return &h->sec[(*i)++];
	return NULL;
}

const struct hp_hosec *
hp_ho_sub(const struct hp_hord *h, const char *kind, const char *name)
{
	int i;

	for (i = 0; i < h->nsec; i++)
		if (strcmp(h->sec[i].kind, kind) == 0 &&
		    strcmp(h->sec[i].name, name) == 0)
			return &h->sec[i];
	return NULL;
}

const char *
hp_ho_get(const struct hp_hosec *sec, const char *key, size_t *len)
{
	int i;

	if (sec == NULL)
		return NULL;
	for (i = 0; i < sec->n; i++)
		if (strcmp(sec->r[i].key, key) == 0) {
			if (len != NULL)
				*len = sec->r[i].len;
			return sec->r[i].val;
		}
	return NULL;
}

const char *
hp_ho_str(const struct hp_hosec *sec, const char *key, const char *def)
{
	const char *v = hp_ho_get(sec, key, NULL);

	return v != NULL ? v : def;
}

long long
hp_ho_int(const struct hp_hosec *sec, const char *key, long long def)
{
	const char *v = hp_ho_get(sec, key, NULL);
	char *end;
	long long n;

	if (v == NULL)
		return def;
	errno = 0;
	n = strtoll(v, &end, 10);
	return end == v || *end != '\0' || errno != 0 ? def : n;
}

int
hp_ho_fd(const struct hp_hosec *sec, const char *key)
{
	long long fd = hp_ho_int(sec, key, -1);

	if (fd < 0 || fd > 1 << 24 || fcntl((int)fd, F_GETFD) == -1)
		return -1;
	(void)hp_cloexec((int)fd);
	return (int)fd;
}
