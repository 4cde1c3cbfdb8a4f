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
 * own, each followed by "key = value" lines: the keys of a spec; and at
 * most one "[supervisor]", whose keys are the supervisor's own
 * (skeys.c). Blank lines and lines starting with '#' are skipped. Any
 * error refuses the whole file, with the line it is on.
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
	if (hp_name_reserved(line))
		return snprintf(msg, n, "reserved name: %s (the verbs of "
		    "hp-supervise take it for every process)", line), -1;
	hp_copy(name, HP_NAME_MAX + 1, line);
	return 0;
}

/* "[supervisor]", blanks allowed inside the brackets. */
static int
supervisor(const char *line)
{
	line = line + 1 + strspn(line + 1, " \t");
	if (strncmp(line, "supervisor", 10) != 0)
		return 0;
	line += 10 + strspn(line + 10, " \t");
	return *line == ']' && line[1 + strspn(line + 1, " \t\r")] == '\0';
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
	return 0;
}

static int
parse(struct hp_conf *c, const char *path, char *text, char *msg, size_t n)
{
	char name[HP_NAME_MAX + 1], why[256], *line, *next, *eq, *k;
	const struct hp_key *key;
	struct hp_keyinfo ki;
	int no = 0, start = 0, type, sup = 0, seen = 0;

	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		no++;
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if (*line == '[') {
			if (!sup && finish(c, path, start, msg, n) == -1)
				return -1;
			if ((sup = supervisor(line)) != 0) {
				if (seen++) {
					snprintf(why, sizeof why, "[supervisor] "
					    "is given twice");
					goto bad;
				}
				continue;
			}
			if (section(line, &type, name, why, sizeof why) == -1)
				goto bad;
			/* Room doubles: a long file is not copied anew. */
			if ((c->n & (c->n - 1)) == 0) {
				c->spec = hp_xrealloc(c->spec, (size_t)(c->n ?
				    c->n * 2 : 1) * sizeof *c->spec);
				c->line = hp_xrealloc(c->line, (size_t)(c->n ?
				    c->n * 2 : 1) * sizeof *c->line);
			}
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
		if (sup) {
			if (hp_superconf_set(&c->sup, k, trim(eq + 1), why,
			    sizeof why) == -1)
				goto bad;
			continue;
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
	return sup ? 0 : finish(c, path, start, msg, n);
bad:
	snprintf(msg, n, "%s:%d: %s", path, no, why);
	return -1;
}

static const char *
name_of(void *arg, int i)
{
	return ((struct hp_conf *)arg)->spec[i].name;
}

static char **
after_of(void *arg, int i)
{
	return ((struct hp_conf *)arg)->spec[i].after;
}

/*
 * No name twice; every "after" names a section of the file, and none
 * goes round (the graph is walked without recursion: after.c).
 */
static int
depends(struct hp_conf *c, const char *path, char *msg, size_t n)
{
	struct hp_map m;
	struct hp_slot *sl;
	struct hp_after g;
	int i, r = 0;

	hp_map_init(&m);
	for (i = 0; i < c->n && r == 0; i++) {
		sl = hp_map_put(&m, c->spec[i].name, strlen(c->spec[i].name));
		if (sl->v.p != NULL) {
			snprintf(msg, n, "%s:%d: %s is defined twice", path,
			    c->line[i], c->spec[i].name);
			r = -1;
		}
		sl->v.i = 1;
	}
	hp_map_free(&m);
	if (r == -1)
		return -1;
	hp_after_build(&g, c->n, name_of, after_of, c);
	if (g.missing != -1) {
		snprintf(msg, n, "%s:%d: %s: after: no such section: %s", path,
		    c->line[g.missing], c->spec[g.missing].name, g.what);
		r = -1;
	} else if (g.cyclic != -1) {
		snprintf(msg, n, "%s:%d: %s: after: a cycle", path,
		    c->line[g.cyclic], c->spec[g.cyclic].name);
		r = -1;
	}
	hp_after_free(&g);
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
	hp_superconf_init(&c->sup);
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
	hp_superconf_free(&c->sup);
	free(c->spec);
	free(c->line);
	c->spec = NULL;
	c->line = NULL;
	c->n = 0;
}
