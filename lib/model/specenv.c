/* hp: see LICENSE. */
/* specenv.c: the environment a spec gives its process. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

extern char **environ;

/*
 * Inherited from an Electron parent, these break Node children; so does
 * a channel of Node's that was meant for us, not for them (node.c gives
 * a node process a channel of its own).
 */
static const char *unsafe[] = {
	"ELECTRON_RUN_AS_NODE", "ELECTRON_NO_ATTACH_CONSOLE",
	"NODE_CHANNEL_FD", "NODE_CHANNEL_SERIALIZATION_MODE", NULL
};

/* The length of the name of NAME=VALUE. */
static size_t
namelen(const char *word)
{
	return strcspn(word, "=");
}

/*
 * Add words (NAME=VALUE) to an environment, each in place of an earlier
 * NAME: in time linear in both, the names in a map.
 */
void
hp_env_add(char ***env, char *const *words, size_t nw)
{
	struct hp_map m;
	struct hp_slot *s;
	char **e = *env;
	size_t n, i;

	for (n = 0; e != NULL && e[n] != NULL; n++)
		;
	e = hp_xrealloc(e, (n + nw + 1) * sizeof *e);
	hp_map_init(&m);
	for (i = 0; i < n; i++)
		hp_map_put(&m, e[i], namelen(e[i]))->v.i = i;
	for (i = 0; i < nw; i++) {
		if ((s = hp_map_get(&m, words[i], namelen(words[i]))) !=
		    NULL) {
			free(e[s->v.i]);
			e[s->v.i] = hp_xstrdup(words[i]);
			s->key = e[s->v.i];	/* the old one is gone */
			continue;
		}
		e[n] = hp_xstrdup(words[i]);
		hp_map_put(&m, e[n], namelen(e[n]))->v.i = n;
		n++;
	}
	e[n] = NULL;
	hp_map_free(&m);
	*env = e;
}

void
hp_spec_addenvs(struct hp_spec *sp, char *const *words, size_t nw)
{
	hp_env_add(&sp->env, words, nw);
}

void
hp_spec_addenv(struct hp_spec *sp, const char *word)
{
	char *w[1];

	w[0] = (char *)word;
	hp_spec_addenvs(sp, w, 1);
}

/* env-allow = NAME ...: names of variables, or prefixes ending in '*'. */
int
hp_spec_envallow(struct hp_spec *sp, const char *v, char *msg, size_t n)
{
	char **w;
	size_t k, len;
	int argc, i;

	if (hp_split(v, &w, &argc) == -1)
		return snprintf(msg, n, "env-allow: %s", hp_split_error()), -1;
	for (i = 0; i < argc; i++) {
		len = strlen(w[i]);
		k = strspn(w[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz_0123456789");
		if (k == 0 || (w[i][0] >= '0' && w[i][0] <= '9') ||
		    !(k == len || (k == len - 1 && w[i][k] == '*'))) {
			snprintf(msg, n, "env-allow: not a variable name: %s",
			    w[i]);
			hp_argv_free(w);
			return -1;
		}
	}
	hp_argv_free(sp->env_allow);
	sp->env_allow = w;
	return 0;
}

/* Does the allow-list take NAME=VALUE? No list takes everything. */
static int
allowed(char **allow, const char *var)
{
	size_t n, len = strcspn(var, "=");

	if (allow == NULL)
		return 1;
	for (; *allow != NULL; allow++) {
		n = strlen(*allow);
		if ((*allow)[n - 1] == '*' ? len >= n - 1 &&
		    strncmp(var, *allow, n - 1) == 0 :
		    n == len && strncmp(var, *allow, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * A child's PATH is the enhanced one (hp-detect(1)): its own, then where
 * package managers and version managers put programs, which a GUI
 * application's environment lacks. Finding those looks at some thirty
 * directories and a file or two (40 to 180 us, here), which a start
 * should not wait for: the one made last for the same PATH is used, and
 * when it is a second old or more, made again once the start is done
 * (hp_spec_envfresh(), at the end of the supervisor's turn). A directory
 * an installer makes shows from the start after that one. The string
 * lives until it is made again: the environment is used at once, by a
 * fork and exec.
 */
#define ENHANCE_MS	1000

static struct {
	char		*path;		/* "PATH=..." as enhanced */
	char		*from;		/* the PATH it was made of */
	long long	 at;		/* mono ms it was made */
	int		 due;		/* used a second or more after */
} en;

static void
make(const char *from)
{
	struct hp_envpath ep;
	struct hp_buf b = { 0 };
	char *was = en.path, *of = en.from;

	hp_envpath_build(&ep, from, NULL);
	hp_buf_adds(&b, "PATH=");
	hp_envpath_str(&ep, &b);
	hp_envpath_free(&ep);
	en.from = hp_xstrdup(from);
	en.path = hp_buf_str(&b);
	en.at = hp_mono_ms();
	en.due = 0;
	free(was);
	free(of);
}

static void
enhance(char **envp)
{
	size_t i;

	for (i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			break;
	if (envp[i] == NULL)
		return;
	if (en.path == NULL || strcmp(en.from, envp[i] + 5) != 0)
		make(envp[i] + 5);
	else if (hp_mono_ms() - en.at >= ENHANCE_MS)
		en.due = 1;
	envp[i] = en.path;
}

void
hp_spec_envfresh(void)
{
	if (en.due)
		make(en.from);
}

/*
 * A process run as another user gets that user's HOME, USER and LOGNAME
 * in place of ours. out has room: it was sized for environ and spec.
 */
static void
become(char **out, const struct hp_spec *sp)
{
	static char v[3][HP_PATH_MAX + 16];
	static const char *names[] = { "HOME=", "USER=", "LOGNAME=" };
	struct hp_user u;
	char msg[128];
	size_t i, k;

	if (hp_user_find(&u, sp->user, sp->group, msg, sizeof msg) == -1)
		return;
	snprintf(v[0], sizeof v[0], "HOME=%s", u.home);
	snprintf(v[1], sizeof v[1], "USER=%s", u.name);
	snprintf(v[2], sizeof v[2], "LOGNAME=%s", u.name);
	for (k = 0; k < 3; k++) {
		for (i = 0; out[i] != NULL; i++)
			if (strncmp(out[i], names[k], strlen(names[k])) == 0)
				break;
		if (out[i] == NULL)
			out[i + 1] = NULL;
		out[i] = v[k];
	}
}

/* The words of one layer, each in place of the first of its name. */
struct layer {
	char		**out;
	size_t		  k;
	struct hp_map	  names;
};

static void
ontop(struct layer *l, char *word)
{
	struct hp_slot *s;

	if ((s = hp_map_get(&l->names, word, namelen(word))) != NULL)
		l->out[s->v.i] = word;
	else {
		hp_map_put(&l->names, word, namelen(word))->v.i = l->k;
		l->out[l->k++] = word;
	}
}

/*
 * The child's environment, in layers, each in place of the names below
 * it: ours (none with clear-env), what hp-spawn recorded of its caller's,
 * the env-files as read at this start, the env the spec gives. env-allow
 * filters ours and the env-files; what env gives is added all the same.
 */
char **
hp_spec_envp(const struct hp_spec *sp)
{
	char **base = sp->clear_env ? NULL : environ;
	struct layer l;
	struct hp_map rec;
	size_t n = 0, i, j;
	int pass;

	for (i = 0; base != NULL && base[i] != NULL; i++)
		n++;
	for (i = 0; sp->env != NULL && sp->env[i] != NULL; i++)
		n++;
	for (i = 0; sp->env_read != NULL && sp->env_read[i] != NULL; i++)
		n++;
	l.out = hp_xcalloc(n + 4, sizeof *l.out);	/* 3 for become() */
	l.k = 0;
	for (i = 0; base != NULL && base[i] != NULL; i++) {
		for (j = 0; unsafe[j] != NULL; j++)
			if (strncmp(base[i], unsafe[j], strlen(unsafe[j])) == 0
			    && base[i][strlen(unsafe[j])] == '=')
				break;
		if (unsafe[j] == NULL && allowed(sp->env_allow, base[i]))
			l.out[l.k++] = base[i];
	}
	hp_map_init(&l.names);
	for (j = 0; j < l.k; j++)
		if (hp_map_get(&l.names, l.out[j], namelen(l.out[j])) == NULL)
			hp_map_put(&l.names, l.out[j], namelen(l.out[j]))->v.i
			    = j;
	hp_map_init(&rec);
	for (i = 0; sp->env_recorded != NULL && sp->env_recorded[i] != NULL;
	    i++)
		hp_map_put(&rec, sp->env_recorded[i],
		    strlen(sp->env_recorded[i]));
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; sp->env != NULL && sp->env[i] != NULL; i++)
			if ((hp_map_get(&rec, sp->env[i],
			    namelen(sp->env[i])) != NULL) == !pass)
				ontop(&l, sp->env[i]);
		for (i = 0; !pass && sp->env_read != NULL &&
		    sp->env_read[i] != NULL; i++)
			if (allowed(sp->env_allow, sp->env_read[i]))
				ontop(&l, sp->env_read[i]);
	}
	hp_map_free(&l.names);
	hp_map_free(&rec);
	l.out[l.k] = NULL;
	enhance(l.out);
	if (sp->user != NULL)
		become(l.out, sp);
	return l.out;
}

/* Our environment goes into the spec, so a restart gets the same one. */
void
hp_spec_inherit(struct hp_spec *sp)
{
	struct hp_spec ours;
	char **envp;
	size_t i;

	memset(&ours, 0, sizeof ours);
	ours.env_allow = sp->env_allow;
	envp = hp_spec_envp(&ours);
	for (i = 0; envp[i] != NULL; i++)
		;
	hp_spec_addenvs(sp, envp, i);
	free(envp);
}

/* The user a spec asks for, looked up and allowed: 1; none: 0; -1. */
int
hp_user_spec(const struct hp_spec *sp, struct hp_user *u, char *msg,
    size_t n)
{
	if (sp->user == NULL)
		return 0;
	if (hp_user_find(u, sp->user, sp->group, msg, n) == -1 ||
	    hp_user_allowed(u, msg, n) == -1)
		return -1;
	return 1;
}

static char *
name(const char *word)
{
	char *s = hp_xstrdup(word);

	s[namelen(s)] = '\0';
	return s;
}

/*
 * hp-spawn with env-files: the names of its env that were recorded of
 * its caller's, not given (-e, -o env), go under the env-files.
 */
void
hp_spec_recorded(struct hp_spec *sp, char *const *given, size_t ng)
{
	struct hp_map m;
	size_t i, n = 0;

	hp_map_init(&m);
	for (i = 0; i < ng; i++)
		hp_map_put(&m, given[i], namelen(given[i]));
	for (i = 0; sp->env != NULL && sp->env[i] != NULL; i++)
		;
	hp_argv_free(sp->env_recorded);
	sp->env_recorded = hp_xcalloc(i + 1, sizeof *sp->env_recorded);
	for (i = 0; sp->env != NULL && sp->env[i] != NULL; i++)
		if (hp_map_get(&m, sp->env[i], namelen(sp->env[i])) == NULL)
			sp->env_recorded[n++] = name(sp->env[i]);
	hp_map_free(&m);
}
