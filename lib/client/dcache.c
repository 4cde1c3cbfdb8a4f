/* hp: see LICENSE. */
/* dcache.c: hp-detect's cache of answers, one line a tool. */

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/detect.h"

/* What the cached answer depends on beside the binary: FNV-1a. */
static unsigned long
signature(const struct hp_tool *t)
{
	unsigned long h = 2166136261UL;
	const char *s;
	int i;

	for (i = 0; t->vargs != NULL && t->vargs[i] != NULL; i++)
		for (s = t->vargs[i]; ; s++) {
			h = (h ^ (unsigned char)*s) * 16777619UL;
			if (*s == '\0')
				break;
		}
	for (s = t->regex ? t->regex : ""; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619UL;
	return h & 0xffffffffUL;
}

/*
 * The cache, STATE/cache/detect or $XDG_CACHE_HOME/hp/detect, one line a
 * tool, fields split by tabs:
 *
 *	id sig path size mtime-ns checked-ms probe-ms real version error raw
 *
 * It is replaced whole (write + rename), so readers never see half.
 */
static char *
field(char **p)
{
	char *s = *p, *e;

	if (s == NULL)
		return "";
	if ((e = strchr(s, '\t')) != NULL) {
		*e = '\0';
		*p = e + 1;
	} else
		*p = NULL;
	return s;
}

int
hp_dcache_parse(struct hp_dcache *c, char *line)
{
	char *p = line;

	memset(c, 0, sizeof *c);
	if (hp_copy(c->id, sizeof c->id, field(&p)) == -1)
		return -1;
	c->sig = strtoul(field(&p), NULL, 16);
	hp_copy(c->path, sizeof c->path, field(&p));
	c->size = strtoll(field(&p), NULL, 10);
	c->mtime_ns = strtoll(field(&p), NULL, 10);
	c->checked = strtoll(field(&p), NULL, 10);
	c->probe_ms = strtoll(field(&p), NULL, 10);
	hp_copy(c->real, sizeof c->real, field(&p));
	hp_copy(c->version, sizeof c->version, field(&p));
	hp_copy(c->error, sizeof c->error, field(&p));
	if (p == NULL)
		return -1;
	hp_copy(c->raw, sizeof c->raw, field(&p));
	return c->id[0] != '\0' && c->path[0] == '/' ? 0 : -1;
}

/* 1 when c answers for r at wall time now: same binary, within ttl. */
int
hp_dcache_valid(const struct hp_dcache *c, const struct hp_result *r,
    long long now, long long ttl)
{
	return strcmp(c->id, r->tool->id) == 0 &&
	    c->sig == signature(r->tool) && strcmp(c->path, r->path) == 0 &&
	    c->size == r->size && c->mtime_ns == r->mtime_ns &&
	    now >= c->checked && now - c->checked < ttl;
}

static void
clean(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ')
			*s = ' ';
}

void
hp_dcache_line(struct hp_buf *b, const struct hp_result *r)
{
	char ver[sizeof r->version], err[sizeof r->error], raw[sizeof r->raw];

	hp_copy(ver, sizeof ver, r->version);
	hp_copy(err, sizeof err, r->error);
	hp_copy(raw, sizeof raw, r->raw);
	clean(ver);
	clean(err);
	clean(raw);
	hp_buf_printf(b, "%s\t%lx\t%s\t%lld\t%lld\t%lld\t%lld\t%s\t%s\t%s\t"
	    "%s\n", r->tool->id, signature(r->tool), r->path, r->size,
	    r->mtime_ns, r->checked, r->probe_ms, r->real, ver, err, raw);
}

static char *
readcache(const struct hp_detect *d)
{
	char path[HP_PATH_MAX];
	struct stat sb;
	char *buf;
	int fd;
	ssize_t n;

	if (hp_path(path, sizeof path, "%s/detect", d->cachedir) == -1 ||
	    (fd = hp_open(path, O_RDONLY | O_NOFOLLOW, 0)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || sb.st_size > 4 * 1024 * 1024) {
		close(fd);
		return NULL;
	}
	buf = hp_xmalloc((size_t)sb.st_size + 1);
	n = hp_read(fd, buf, (size_t)sb.st_size);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Fill in what the cache knows, for the results not done yet. */
void
hp_dcache_fill(struct hp_detect *d)
{
	struct hp_dcache c;
	char *buf, *p, *nl;
	long long now = hp_wall_ms();
	int i;

	if ((buf = readcache(d)) == NULL)
		return;
	for (p = buf; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		if (hp_dcache_parse(&c, p) == -1)
			continue;
		for (i = 0; i < d->n; i++) {
			struct hp_result *r = &d->r[i];

			if (!r->installed || r->state != 0 ||
			    !hp_dcache_valid(&c, r, now, d->ttl))
				continue;
			hp_copy(r->version, sizeof r->version, c.version);
			hp_copy(r->raw, sizeof r->raw, c.raw);
			hp_copy(r->error, sizeof r->error, c.error);
			r->probe_ms = c.probe_ms;
			r->checked = c.checked;
			r->cached = 1;
			r->state = 3;
		}
	}
	free(buf);
}

/* Write back: our fresh lines, and the others' lines as they are now. */
void
hp_dcache_save(struct hp_detect *d)
{
	struct hp_buf b = { 0 };
	char path[HP_PATH_MAX], *buf, *p, *nl, *tab;
	int i, probed = 0;

	for (i = 0; i < d->n; i++)
		if (d->r[i].installed && !d->r[i].cached) {
			hp_dcache_line(&b, &d->r[i]);
			probed = 1;
		}
	if (!probed || hp_path(path, sizeof path, "%s/detect",
	    d->cachedir) == -1) {
		hp_buf_free(&b);
		return;
	}
	if ((buf = readcache(d)) != NULL) {
		for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			if ((tab = memchr(p, '\t', (size_t)(nl - p))) == NULL)
				continue;
			for (i = 0; i < d->n; i++)
				if (d->r[i].installed && !d->r[i].cached &&
				    strlen(d->r[i].tool->id) ==
				    (size_t)(tab - p) && strncmp(p,
				    d->r[i].tool->id, (size_t)(tab - p)) == 0)
					break;
			if (i == d->n)
				hp_buf_add(&b, p, (size_t)(nl - p + 1));
		}
		free(buf);
	}
	hp_file_write(path, b.p, b.len, 0600);
	hp_buf_free(&b);
}
