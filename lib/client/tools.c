/* hp: see LICENSE. */
/* tools.c: the registry of CLI tools, read from tools.conf files. */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/detect.h"

/*
 * The format (hp-detect(1), FILES), one entry a section:
 *
 *	# comment
 *	[tool claude-code]
 *	name = Claude Code
 *	command = claude
 *	version-args = --version
 *	version-regex = ([0-9]+\.[0-9]+\.[0-9]+)
 *	dirs = ~/.claude/local
 *	install = npm install -g @anthropic-ai/claude-code
 *	update = npm install -g @anthropic-ai/claude-code@latest
 *	install.linux-apt = apt-get install -y git
 *	env = HIVE_INTEGRATION=1
 *
 * install and update serve any system; install.SYSTEM and update.SYSTEM
 * one of hp_systems[] below, and come first there. command, dirs and
 * env may repeat, and command and dirs take several words; the rest are
 * set once. Words are split as exec lines are. A
 * later section with the same id replaces the earlier one entirely. A bad
 * line condemns its section, which is skipped and reported as FILE:LINE.
 */
#define HP_TOOLS_FILE_MAX	(1024 * 1024)

/* In the order they are tried where several are there. */
const struct hp_system hp_systems[HP_NSYSTEMS] = {
	{ "linux-apt", "Linux", "apt-get", 1 },
	{ "linux-dnf", "Linux", "dnf", 1 },
	{ "linux-pacman", "Linux", "pacman", 1 },
	{ "linux-apk", "Linux", "apk", 1 },
	{ "linux-zypper", "Linux", "zypper", 1 },
	{ "macos-brew", "Darwin", "brew", 0 },
	{ "freebsd-pkg", "FreeBSD", "pkg", 1 },
	{ "openbsd-pkg", "OpenBSD", "pkg_add", 1 },
	{ "netbsd-pkgin", "NetBSD", "pkgin", 1 },
};

static void
addword(char ***v, int *n, const char *w)
{
	*v = hp_xrealloc(*v, (size_t)(*n + 2) * sizeof **v);
	(*v)[(*n)++] = hp_xstrdup(w);
	(*v)[*n] = NULL;
}

static void
tool_free(struct hp_tool *t)
{
	int i;

	hp_argv_free(t->cmd);
	hp_argv_free(t->vargs);
	hp_argv_free(t->dirs);
	hp_argv_free(t->install);
	hp_argv_free(t->update);
	for (i = 0; i < HP_NSYSTEMS; i++) {
		hp_argv_free(t->sysinstall[i]);
		hp_argv_free(t->sysupdate[i]);
	}
	hp_argv_free(t->env);
	free(t->name);
	free(t->regex);
	memset(t, 0, sizeof *t);
}

static void
complain(struct hp_tools *ts, const char *file, int line, const char *msg,
    const char *arg)
{
	char buf[HP_PATH_MAX + 256];

	snprintf(buf, sizeof buf, "%s:%d: %s%s%s", file, line, msg,
	    arg ? ": " : "", arg ? arg : "");
	addword(&ts->err, &ts->nerr, buf);
}

/* Check a finished section; add it, replacing one of the same id. */
static void
commit(struct hp_tools *ts, struct hp_tool *t, int bad, const char *file)
{
	regex_t re;
	int i;

	if (t->id[0] == '\0')
		return;
	if (!bad && t->ncmd == 0) {
		complain(ts, file, t->line, "no command", t->id);
		bad = 1;
	}
	if (!bad && t->regex != NULL) {
		if (!hp_version_re_ok(t->regex) ||
		    regcomp(&re, t->regex, REG_EXTENDED) != 0) {
			complain(ts, file, t->line, "bad version-regex", t->id);
			bad = 1;
		} else
			regfree(&re);
	}
	if (bad) {
		tool_free(t);
		return;
	}
	if (t->name == NULL)
		t->name = hp_xstrdup(t->id);
	for (i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].id, t->id) == 0) {
			tool_free(&ts->t[i]);
			ts->t[i] = *t;
			memset(t, 0, sizeof *t);
			return;
		}
	ts->t = hp_xrealloc(ts->t, (size_t)(ts->n + 1) * sizeof *ts->t);
	ts->t[ts->n++] = *t;
	memset(t, 0, sizeof *t);
}

static int
words(const char *v, char ***out, int *n)
{
	char **w;
	int k, i;

	if (hp_split(v, &w, &k) == -1)
		return -1;
	for (i = 0; i < k; i++)
		addword(out, n, w[i]);
	hp_argv_free(w);
	return 0;
}

/* One key = value of section t; a message, or NULL when it is good. */
static const char *
setkey(struct hp_tool *t, const char *k, const char *v)
{
	char **w;
	int n = 0, i;

	if (strcmp(k, "name") == 0) {
		free(t->name);
		t->name = hp_xstrdup(v);
	} else if (strcmp(k, "command") == 0) {
		if (words(v, &t->cmd, &t->ncmd) == -1)
			return hp_split_error();
	} else if (strcmp(k, "dirs") == 0) {
		if (words(v, &t->dirs, &t->ndirs) == -1)
			return hp_split_error();
	} else if (strcmp(k, "env") == 0) {
		/* Words, as hp.conf's env: A=1 B="two words". */
		if (hp_split(v, &w, &n) == -1)
			return hp_split_error();
		for (i = 0; i < n; i++)
			if (strchr(w[i], '=') == NULL || *w[i] == '=') {
				hp_argv_free(w);
				return "env: expected NAME=VALUE";
			}
		for (i = 0; i < n; i++)
			addword(&t->env, &t->nenv, w[i]);
		hp_argv_free(w);
	} else if (strcmp(k, "version-regex") == 0) {
		free(t->regex);
		t->regex = hp_xstrdup(v);
	} else if (strcmp(k, "version-args") == 0 ||
	    strcmp(k, "install") == 0 || strcmp(k, "update") == 0 ||
	    strncmp(k, "install.", 8) == 0 || strncmp(k, "update.", 7) == 0) {
		char ***dst = k[0] == 'v' ? &t->vargs : k[0] == 'i' ?
		    &t->install : &t->update;

		if (strchr(k, '.') != NULL) {
			for (i = 0; i < HP_NSYSTEMS && strcmp(hp_systems[i].name,
			    strchr(k, '.') + 1) != 0; i++)
				;
			if (i == HP_NSYSTEMS)
				return "unknown system";
			dst = k[0] == 'i' ? &t->sysinstall[i] :
			    &t->sysupdate[i];
		}

		hp_argv_free(*dst);
		*dst = NULL;
		if (words(v, dst, &n) == -1)
			return hp_split_error();
		if (n == 0 && k[0] != 'v')
			return "empty argv";
		/* Who runs hp-detect decides whether it is root. */
		if (k[0] != 'v' && (strcmp((*dst)[0], "sudo") == 0 ||
		    strcmp((*dst)[0], "doas") == 0))
			return "sudo or doas (run hp-detect as root instead)";
	} else
		return "unknown key";
	return NULL;
}

static void
trim(char **s, char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' ||
	    (*e)[-1] == '\r'))
		(*e)--;
}

int
hp_tools_parse(struct hp_tools *ts, char *text, const char *file)
{
	struct hp_tool t;
	char *p, *nl, *s, *e, *eq, *k;
	const char *msg;
	int line = 0, bad = 0, skip = 0, nerr = ts->nerr;

	memset(&t, 0, sizeof t);
	for (p = text; *p != '\0'; p = nl ? nl + 1 : p + strlen(p)) {
		line++;
		nl = strchr(p, '\n');
		s = p;
		e = nl ? nl : p + strlen(p);
		trim(&s, &e);
		*e = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		if (*s == '[') {
			commit(ts, &t, bad, file);
			bad = skip = 0;
			if (e[-1] != ']' || strncmp(s, "[tool ", 6) != 0) {
				complain(ts, file, line, "expected [tool ID]",
				    NULL);
				skip = 1;
				continue;
			}
			e[-1] = '\0';
			for (s += 6; *s == ' '; s++)
				;
			if (!hp_name_ok(s)) {
				complain(ts, file, line, "bad tool id", s);
				skip = 1;
				continue;
			}
			snprintf(t.id, sizeof t.id, "%s", s);
			t.line = line;
			continue;
		}
		if (skip || bad)
			continue;
		if (t.id[0] == '\0') {
			complain(ts, file, line, "outside a [tool ID] section",
			    NULL);
			skip = 1;
			continue;
		}
		if ((eq = strchr(s, '=')) == NULL) {
			complain(ts, file, line, "expected key = value", NULL);
			bad = 1;
			continue;
		}
		k = s;
		s = eq + 1;
		trim(&k, &eq);
		*eq = '\0';
		trim(&s, &e);
		if ((msg = setkey(&t, k, s)) != NULL) {
			complain(ts, file, line, msg, k);
			bad = 1;
		}
	}
	commit(ts, &t, bad, file);
	if (ts->nerr == nerr)
		return 0;
	errno = EINVAL;
	return -1;
}

int
hp_tools_load(struct hp_tools *ts, const char *path)
{
	char *buf = hp_xmalloc(HP_TOOLS_FILE_MAX + 1);
	ssize_t n;
	int r;

	if ((n = hp_file_read(path, buf, HP_TOOLS_FILE_MAX + 1)) == -1) {
		free(buf);
		return -1;
	}
	if (n > HP_TOOLS_FILE_MAX) {
		free(buf);
		errno = EFBIG;
		return -1;
	}
	r = hp_tools_parse(ts, buf, path);
	free(buf);
	return r;
}

/*
 * The shipped registry, then $XDG_CONFIG_HOME/hp/tools.conf (else
 * ~/.config/hp/tools.conf), then $HP_TOOLS. Missing files are skipped;
 * other errors are added to ts->err. sys NULL: the installed one.
 */
void
hp_tools_default(struct hp_tools *ts, const char *sys)
{
	char path[HP_PATH_MAX], buf[HP_PATH_MAX + 64];
	const char *files[3], *x, *h;
	int i, n = 0;

	files[n++] = sys != NULL ? sys : HP_TOOLS_SYS;
	path[0] = '\0';
	if ((x = getenv("XDG_CONFIG_HOME")) != NULL && *x == '/')
		hp_path(path, sizeof path, "%s/hp/tools.conf", x);
	else if ((h = getenv("HOME")) != NULL && *h != '\0')
		hp_path(path, sizeof path, "%s/.config/hp/tools.conf", h);
	if (path[0] != '\0')
		files[n++] = path;
	if ((x = getenv("HP_TOOLS")) != NULL && *x != '\0')
		files[n++] = x;
	for (i = 0; i < n; i++)
		if (hp_tools_load(ts, files[i]) == -1 && errno != EINVAL &&
		    errno != ENOENT) {
			snprintf(buf, sizeof buf, "%s: %s", files[i],
			    strerror(errno));
			addword(&ts->err, &ts->nerr, buf);
		}
}

/* The shipped registry: $HP_REGISTRY, else beside the binary, else ours. */
void
hp_tools_registry(char *out, size_t n, const char *argv0)
{
	char dir[HP_PATH_MAX], *slash;
	const char *e = getenv("HP_REGISTRY"), *p;
	struct stat sb;
	size_t k;

	if (e != NULL && *e != '\0') {
		hp_copy(out, n, e);
		return;
	}
	hp_copy(out, n, HP_TOOLS_SYS);
	if (strchr(argv0, '/') != NULL)
		hp_copy(dir, sizeof dir, argv0);
	else {
		/* Found on PATH, as the shell did it. */
		dir[0] = '\0';
		for (p = getenv("PATH"); p != NULL && *p != '\0';
		    p += k + (p[k] == ':')) {
			k = strcspn(p, ":");
			if (hp_path(dir, sizeof dir, "%.*s/%s", (int)k, p,
			    argv0) == 0 && access(dir, X_OK) == 0)
				break;
			dir[0] = '\0';
		}
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		return;
	*slash = '\0';
	if (hp_path(dir + strlen(dir), sizeof dir - strlen(dir),
	    "/../share/hp/tools.conf") == 0 && stat(dir, &sb) == 0)
		hp_copy(out, n, dir);
}

/*
 * The install (update: update) line for this system, sysname as uname
 * says (NULL: ours): the first line of a system of this OS whose package
 * manager is on ep, else the line for any system. Without one, p->why.
 */
void
hp_tools_pick(struct hp_pick *p, const struct hp_tool *t, int update,
    const struct hp_envpath *ep, const char *sysname)
{
	char **line, **any = update ? t->update : t->install;
	struct utsname u;
	size_t n;
	int i, ours = 0;

	memset(p, 0, sizeof *p);
	if (sysname == NULL)
		sysname = uname(&u) == -1 ? "" : u.sysname;
	for (i = 0; i < HP_NSYSTEMS; i++) {
		line = update ? t->sysupdate[i] : t->sysinstall[i];
		if (line == NULL || strcmp(hp_systems[i].os, sysname) != 0)
			continue;
		ours = 1;
		if (hp_envpath_which(ep, hp_systems[i].prog, p->prog,
		    sizeof p->prog) == 0) {
			p->argv = line;
			p->sys = &hp_systems[i];
			return;
		}
		/* "apt-get, dnf not found" */
		n = strlen(p->why);
		snprintf(p->why + n, sizeof p->why - n, "%s%s", n ? ", " : "",
		    hp_systems[i].prog);
	}
	if (any != NULL) {
		p->argv = any;
		p->why[0] = '\0';
		if (hp_envpath_which(ep, any[0], p->prog, sizeof p->prog) == -1)
			p->prog[0] = '\0';
		return;
	}
	if (ours) {
		n = strlen(p->why);
		snprintf(p->why + n, sizeof p->why - n, " not found");
		return;
	}
	/* Lines for other systems only, or none at all. */
	for (i = 0; i < HP_NSYSTEMS; i++)
		if ((update ? t->sysupdate[i] : t->sysinstall[i]) != NULL) {
			n = strlen(p->why);
			snprintf(p->why + n, sizeof p->why - n, "%s%s",
			    n ? ", " : "only for ", hp_systems[i].name);
		}
}

const struct hp_tool *
hp_tools_find(const struct hp_tools *ts, const char *id)
{
	int i;

	for (i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].id, id) == 0)
			return &ts->t[i];
	return NULL;
}

void
hp_tools_free(struct hp_tools *ts)
{
	int i;

	for (i = 0; i < ts->n; i++)
		tool_free(&ts->t[i]);
	free(ts->t);
	hp_argv_free(ts->err);
	memset(ts, 0, sizeof *ts);
}
