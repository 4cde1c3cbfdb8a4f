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
 *
 * "[TYPE NAME @PROFILE]" is a profile's section: with that profile
 * chosen (hp-supervise --profile), its keys are set after those of
 * "[TYPE NAME]", wherever it is in the file, or make NAME alone when
 * there is no such section; otherwise it is checked, then left out. Not
 * NAME:PROFILE: NAME:I is an instance.
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

/* "[service web]", "[service web @prod]": type, name, profile or "". */
static int
section(char *line, int *type, char *name, char *prof, char *msg, size_t n)
{
	char *end = strchr(line, ']'), *sp, *at;

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
	*prof = '\0';
	if ((at = strchr(line, '@')) != NULL) {
		*at = '\0';
		if (!hp_name_ok(at + 1))
			return snprintf(msg, n, "invalid profile: %s", at + 1),
			    -1;
		hp_copy(prof, HP_NAME_MAX + 1, at + 1);
		line = trim(line);
	}
	if (!hp_name_ok(line))
		return snprintf(msg, n, "invalid name: %s%s", line,
		    strchr(line, ':') != NULL ? " (a profile's section is "
		    "[TYPE NAME @PROFILE])" : ""), -1;
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

/* Each section whole, once its profile's keys are set too. */
static int
finish(struct hp_conf *c, const char *path, char *msg, size_t n)
{
	struct hp_spec *sp;
	char why[256];
	int i;

	for (i = 0; i < c->n; i++) {
		sp = &c->spec[i];
		if (sp->argv == NULL)
			return snprintf(msg, n, "%s:%d: [%s %s] has no exec "
			    "line", path, c->line[i], hp_type_name(sp->type),
			    sp->name), -1;
		if (hp_spec_check(sp, why, sizeof why) == -1)
			return snprintf(msg, n, "%s:%d: %s: %s", path,
			    c->line[i], sp->name, why), -1;
	}
	return 0;
}

/* A new section of c, started on line no. */
static struct hp_spec *
add(struct hp_conf *c, const char *name, int type, int no)
{
	/* Room doubles: a long file is not copied anew. */
	if ((c->n & (c->n - 1)) == 0) {
		c->spec = hp_xrealloc(c->spec, (size_t)(c->n ? c->n * 2 : 1) *
		    sizeof *c->spec);
		c->line = hp_xrealloc(c->line, (size_t)(c->n ? c->n * 2 : 1) *
		    sizeof *c->line);
	}
	c->line[c->n] = no;
	hp_spec_init(&c->spec[c->n], name, type);
	return &c->spec[c->n++];
}

/*
 * Where a section's keys go: the first pass makes the sections and
 * checks every profile's in a scratch spec; the second sets those of the
 * chosen profile (c->profile) on theirs. NULL: skipped.
 */
static struct hp_spec *
target(struct hp_conf *c, int pass, const char *name, int type,
    const char *prof, int no, struct hp_spec *scratch, char *why, size_t n)
{
	int i;

	if (pass == 0 && *prof == '\0')
		return add(c, name, type, no);
	if (pass == 0) {
		hp_spec_init(scratch, name, type);
		return scratch;
	}
	if (*prof == '\0' || c->profile == NULL || strcmp(prof, c->profile))
		return NULL;
	c->chosen++;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->spec[i].name, name) == 0)
			break;
	if (i == c->n)
		return add(c, name, type, no);
	if (c->spec[i].type != type)
		return snprintf(why, n, "%s is a %s", name,
		    hp_type_name(c->spec[i].type)), NULL;
	return &c->spec[i];
}

static int
parse(struct hp_conf *c, const char *path, char *text, int pass, char *msg,
    size_t n)
{
	char name[HP_NAME_MAX + 1], prof[HP_NAME_MAX + 1], why[256];
	char *line, *next, *eq, *k;
	const struct hp_key *key;
	struct hp_keyinfo ki;
	struct hp_spec scratch, *cur = NULL;
	int no = 0, type, sup = 0, seen = 0;

	memset(&scratch, 0, sizeof scratch);
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		no++;
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if (*line == '[') {
			hp_spec_free(&scratch);
			cur = NULL;
			if ((sup = supervisor(line)) != 0) {
				if (seen++) {
					snprintf(why, sizeof why, "[supervisor] "
					    "is given twice");
					goto bad;
				}
				continue;
			}
			if (section(line, &type, name, prof, why,
			    sizeof why) == -1)
				goto bad;
			*why = '\0';
			cur = target(c, pass, name, type, prof, no, &scratch,
			    why, sizeof why);
			if (cur == NULL && *why != '\0')
				goto bad;
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
			if (pass == 0 && hp_superconf_set(&c->sup, k,
			    trim(eq + 1), why, sizeof why) == -1)
				goto bad;
			continue;
		}
		if (pass == 0 && cur == NULL) {
			snprintf(why, sizeof why, "%s outside a section", k);
			goto bad;
		}
		if (cur == NULL)
			continue;
		if ((key = hp_key_find(k)) != NULL &&
		    (hp_key_about(key, &ki), !ki.conf)) {
			snprintf(why, sizeof why, "%s is not set here", k);
			goto bad;
		}
		if (hp_spec_set(cur, k, trim(eq + 1), why, sizeof why) == -1)
			goto bad;
	}
	hp_spec_free(&scratch);
	return 0;
bad:
	hp_spec_free(&scratch);
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

/* Its env-files, relative to dir (the file's directory). */
static void
anchorfiles(struct hp_spec *sp, const char *dir)
{
	char full[HP_PATH_MAX];
	size_t i;

	for (i = 0; sp->env_file != NULL && sp->env_file[i] != NULL; i++)
		if (sp->env_file[i][0] != '/' && hp_path(full, sizeof full,
		    "%s/%s", dir, sp->env_file[i]) == 0) {
			free(sp->env_file[i]);
			sp->env_file[i] = hp_xstrdup(full);
		}
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
		anchorfiles(&c->spec[i], dir);
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
hp_conf_load(struct hp_conf *c, const char *path, const char *profile,
    char *msg, size_t n)
{
	struct hp_buf b = { 0 };
	char buf[4096];		/* not 64 KiB of stack kept for good */
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
	i = hp_conf_profile(c, b.p, path, profile, msg, n);
	hp_buf_free(&b);
	return i;
}

/* The text of a file read already (it is cut up); path names it. */
int
hp_conf_parse(struct hp_conf *c, char *text, const char *path, char *msg,
    size_t n)
{
	return hp_conf_profile(c, text, path, NULL, msg, n);
}

/* The same, with a profile's sections (NULL: none). */
int
hp_conf_profile(struct hp_conf *c, char *text, const char *path,
    const char *profile, char *msg, size_t n)
{
	char *again = hp_xstrdup(text);	/* the first pass cuts it up */
	int i;

	memset(c, 0, sizeof *c);
	hp_superconf_init(&c->sup);
	c->profile = profile;
	i = parse(c, path, text, 0, msg, n);
	if (i == 0 && profile != NULL)
		i = parse(c, path, again, 1, msg, n);
	free(again);
	if (i == 0 && profile != NULL && c->chosen == 0) {
		snprintf(msg, n, "%s: no section of profile %s", path,
		    profile);
		i = -1;
	}
	if (i == 0)
		i = finish(c, path, msg, n);
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
