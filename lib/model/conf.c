/* hp: see LICENSE. */
/* conf.c: hp.conf(5): sections of spec keys, taken whole or refused whole. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * A configuration is a list of sections, "[TYPE NAME]" on a line of its
 * own, each followed by "key = value" lines: the keys of a spec. Blank
 * lines and lines starting with '#' are skipped. Any error refuses the
 * whole file, with the line it is on.
 */
#define CONF_MAX	(4 * 1024 * 1024)

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* "[service web]": the type and the name, or a message. */
static int
section(char *line, int *type, char *name, char *msg, size_t n)
{
	char *end = strchr(line, ']'), *sp;

	if (end == NULL || *trim(end + 1) != '\0')
		return snprintf(msg, n, "expected [TYPE NAME]"), -1;
	*end = '\0';
	line = trim(line + 1);
	if ((sp = strpbrk(line, " \t")) == NULL)
		return snprintf(msg, n, "expected [TYPE NAME]"), -1;
	*sp = '\0';
	if ((*type = hp_type_parse(line)) == -1)
		return snprintf(msg, n, "unknown section type: %s", line), -1;
	line = trim(sp + 1);
	if (!hp_name_ok(line))
		return snprintf(msg, n, "invalid name: %s", line), -1;
	hp_copy(name, HP_NAME_MAX + 1, line);
	return 0;
}

static int
keyok(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k != '\0'; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		    *k == '-'))
			return 0;
	return 1;
}

static int
finish(struct hp_conf *c, const char *path, int line, char *msg, size_t n)
{
	struct hp_spec *sp;
	char why[256];
	int i;

	if (c->n == 0)
		return 0;
	sp = &c->spec[c->n - 1];
	if (sp->argv == NULL) {
		snprintf(msg, n, "%s:%d: [%s %s] has no exec line", path, line,
		    hp_type_name(sp->type), sp->name);
		return -1;
	}
	if (hp_spec_check(sp, why, sizeof why) == -1) {
		snprintf(msg, n, "%s:%d: %s: %s", path, line, sp->name, why);
		return -1;
	}
	for (i = 0; i < c->n - 1; i++)
		if (strcmp(c->spec[i].name, sp->name) == 0) {
			snprintf(msg, n, "%s:%d: %s is defined twice", path,
			    line, sp->name);
			return -1;
		}
	return 0;
}

static int
parse(struct hp_conf *c, const char *path, char *text, char *msg, size_t n)
{
	char name[HP_NAME_MAX + 1], why[256], *line, *next, *eq, *k;
	const struct hp_key *key;
	struct hp_keyinfo ki;
	int no = 0, start = 0, type;

	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		no++;
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if (*line == '[') {
			if (finish(c, path, start, msg, n) == -1)
				return -1;
			if (section(line, &type, name, why, sizeof why) == -1)
				goto bad;
			c->spec = hp_xrealloc(c->spec, (size_t)(c->n + 1) *
			    sizeof *c->spec);
			c->line = hp_xrealloc(c->line, (size_t)(c->n + 1) *
			    sizeof *c->line);
			c->line[c->n] = no;
			hp_spec_init(&c->spec[c->n++], name, type);
			start = no;
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL) {
			snprintf(why, sizeof why, "expected key = value");
			goto bad;
		}
		*eq = '\0';
		k = trim(line);
		if (!keyok(k)) {
			snprintf(why, sizeof why, "bad key: %s", k);
			goto bad;
		}
		if (c->n == 0) {
			snprintf(why, sizeof why, "%s outside a section", k);
			goto bad;
		}
		if ((key = hp_key_find(k)) != NULL &&
		    (hp_key_about(key, &ki), !ki.conf)) {
			snprintf(why, sizeof why, "%s is not set here", k);
			goto bad;
		}
		if (hp_spec_set(&c->spec[c->n - 1], k, trim(eq + 1), why,
		    sizeof why) == -1)
			goto bad;
	}
	return finish(c, path, start, msg, n);
bad:
	snprintf(msg, n, "%s:%d: %s", path, no, why);
	return -1;
}

/* The section of name, or of NAME for an instance NAME:I; -1 none. */
static int
byname(const struct hp_conf *c, const char *name)
{
	size_t len = strcspn(name, ":");
	int i;

	for (i = 0; i < c->n; i++)
		if (strncmp(c->spec[i].name, name, len) == 0 &&
		    c->spec[i].name[len] == '\0')
			return i;
	return -1;
}

/* Does a chain of "after" from section i come back to it? */
static int
cycle(const struct hp_conf *c, int i, char *mark)
{
	char **a = c->spec[i].after;
	int k;

	if (mark[i] == 1)
		return 1;
	if (mark[i] == 2)
		return 0;
	mark[i] = 1;
	for (; a != NULL && *a != NULL; a++)
		if ((k = byname(c, *a)) != -1 && cycle(c, k, mark))
			return 1;
	mark[i] = 2;
	return 0;
}

/* Every "after" names a section of the file, and none goes round. */
static int
depends(const struct hp_conf *c, const char *path, char *msg, size_t n)
{
	char **a, *mark;
	int i, r = 0;

	for (i = 0; i < c->n; i++)
		for (a = c->spec[i].after; a != NULL && *a != NULL; a++)
			if (byname(c, *a) == -1) {
				snprintf(msg, n, "%s:%d: %s: after: no such "
				    "section: %s", path, c->line[i],
				    c->spec[i].name, *a);
				return -1;
			}
	mark = hp_xcalloc((size_t)c->n + 1, 1);
	for (i = 0; i < c->n && r == 0; i++)
		if (cycle(c, i, mark)) {
			snprintf(msg, n, "%s:%d: %s: after: a cycle",
			    path, c->line[i], c->spec[i].name);
			r = -1;
		}
	free(mark);
	return r;
}

/* Paths in the file are relative to the file's directory. */
static void
anchor(struct hp_conf *c, const char *path)
{
	char dir[HP_PATH_MAX], full[HP_PATH_MAX];
	const char *slash = strrchr(path, '/');
	int i;

	if (slash == NULL)
		hp_copy(dir, sizeof dir, ".");
	else if (slash == path)
		hp_copy(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	for (i = 0; i < c->n; i++) {
		if (c->spec[i].dir != NULL && c->spec[i].dir[0] == '/')
			continue;
		if (c->spec[i].dir == NULL)
			hp_copy(full, sizeof full, dir);
		else if (hp_path(full, sizeof full, "%s/%s", dir,
		    c->spec[i].dir) == -1)
			continue;
		free(c->spec[i].dir);
		c->spec[i].dir = hp_xstrdup(full);
	}
}

int
hp_conf_load(struct hp_conf *c, const char *path, char *msg, size_t n)
{
	struct hp_buf b = { 0 };
	char buf[65536];
	ssize_t r;
	int fd, i;

	memset(c, 0, sizeof *c);
	if ((fd = hp_open(path, O_RDONLY, 0)) == -1) {
		snprintf(msg, n, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((r = hp_read(fd, buf, sizeof buf)) > 0 && b.len < CONF_MAX)
		hp_buf_add(&b, buf, (size_t)r);
	close(fd);
	if (r == -1 || b.len >= CONF_MAX) {
		snprintf(msg, n, "%s: %s", path, r == -1 ? strerror(errno) :
		    "too large");
		hp_buf_free(&b);
		return -1;
	}
	if (memchr(hp_buf_str(&b), '\0', b.len) != NULL) {
		snprintf(msg, n, "%s: a NUL byte: not a text file", path);
		hp_buf_free(&b);
		return -1;
	}
	i = hp_conf_parse(c, b.p, path, msg, n);
	hp_buf_free(&b);
	return i;
}

/* The text of a file read already (it is cut up); path names it. */
int
hp_conf_parse(struct hp_conf *c, char *text, const char *path, char *msg,
    size_t n)
{
	int i;

	memset(c, 0, sizeof *c);
	i = parse(c, path, text, msg, n);
	if (i == 0)
		i = depends(c, path, msg, n);
	if (i == -1)
		hp_conf_free(c);
	else
		anchor(c, path);
	return i;
}

void
hp_conf_free(struct hp_conf *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		hp_spec_free(&c->spec[i]);
	free(c->spec);
	free(c->line);
	c->spec = NULL;
	c->line = NULL;
	c->n = 0;
}
