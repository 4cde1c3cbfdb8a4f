/* hp: see LICENSE. */
/* spec.c: a process's spec: its types, loading, options (keys: keys.c). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/* A spec of type t with every default of the table (keys.c). */
void
hp_spec_init(struct hp_spec *sp, const char *name, int type)
{
	memset(sp, 0, sizeof *sp);
	hp_copy(sp->name, sizeof sp->name, name);
	sp->type = type;
	(void)hp_key_defaults(sp);
	/* What runs once, or for a person, is not restarted by default. */
	if (type == HP_SYSTEM || type == HP_TERMINAL)
		sp->restart = HP_RESTART_NO;
}

/* One key of a spec; the message says what is wrong with a bad one. */
int
hp_spec_set(struct hp_spec *sp, const char *key, const char *v, char *msg,
    size_t n)
{
	const struct hp_key *k = hp_key_find(key);

	if (k == NULL)
		return snprintf(msg, n, "unknown key: %s", key), -1;
	return hp_key_set(sp, k, v, msg, n);
}

/*
 * -o KEY=VALUE of the commands that start a process: any key of the
 * table that hp-spawn -o takes (not type, exec or config).
 */
int
hp_spec_option(struct hp_spec *sp, const char *kv, char *msg, size_t n)
{
	const struct hp_key *k;
	struct hp_keyinfo ki;
	const char *eq = strchr(kv, '=');
	char key[64];

	if (eq == NULL || eq == kv)
		return snprintf(msg, n, "-o wants KEY=VALUE: %s", kv), -1;
	snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
	if ((k = hp_key_find(key)) == NULL)
		return snprintf(msg, n, "unknown key: %.*s", (int)(eq - kv),
		    kv), -1;
	hp_key_about(k, &ki);
	if (!ki.opt)
		return snprintf(msg, n, "-o %s: not a key here", key), -1;
	return hp_key_set(sp, k, eq + 1, msg, n);
}

/*
 * An option of the commands that start a process, as spec keys: -C DIR
 * (made absolute: the process starts elsewhere) or -u USER[:GROUP].
 */
int
hp_spec_opt(struct hp_spec *sp, int opt, const char *arg, char *msg,
    size_t n)
{
	char cwd[HP_PATH_MAX], path[HP_PATH_MAX], user[HP_PATH_MAX];
	const char *colon;

	if (opt == 'C') {
		if (arg[0] == '/' || getcwd(cwd, sizeof cwd) == NULL ||
		    hp_path(path, sizeof path, "%s/%s", cwd, arg) == -1)
			hp_copy(path, sizeof path, arg);
		free(sp->dir);
		sp->dir = hp_xstrdup(path);
		return 0;
	}
	if ((colon = strchr(arg, ':')) == NULL)
		return hp_spec_set(sp, "user", arg, msg, n);
	snprintf(user, sizeof user, "%.*s", (int)(colon - arg), arg);
	if (hp_spec_set(sp, "user", user, msg, n) == -1)
		return -1;
	return hp_spec_set(sp, "group", colon + 1, msg, n);
}

/* The words of env lines, gathered to be added at once. */
struct envs {
	char	**w;
	size_t	  n, cap;
};

static int
gather(struct envs *e, const char *v, char *msg, size_t n)
{
	char **w;
	int argc, i;

	if (hp_env_split(v, &w, &argc, msg, n) == -1)
		return -1;
	if (e->n + (size_t)argc >= e->cap) {
		e->cap = (e->n + (size_t)argc) * 2 + 16;
		e->w = hp_xrealloc(e->w, e->cap * sizeof *e->w);
	}
	for (i = 0; i < argc; i++)
		e->w[e->n++] = w[i];
	free(w);
	return 0;
}

static void
envs_free(struct envs *e)
{
	while (e->n > 0)
		free(e->w[--e->n]);
	free(e->w);
}

/*
 * A spec file. Its env lines (hp-spawn writes one a variable, and a
 * process may have tens of thousands) are added at once, in linear time.
 */
int
hp_spec_load(struct hp_spec *sp, const char *name, const char *path,
    char *msg, size_t n)
{
	struct hp_kv kv = { 0 };
	struct envs env = { 0 };
	char why[200];
	int i, r;

	hp_spec_init(sp, name, HP_SERVICE);
	if (hp_kv_load(&kv, path) == -1) {
		if (kv.err != NULL)
			snprintf(msg, n, "%s:%s", path, kv.err);
		else
			snprintf(msg, n, "%s: %s", path, strerror(errno));
		hp_kv_free(&kv);
		return -1;
	}
	/* The type first: it sets the default restart policy. */
	if (hp_kv_get(&kv, "type") != NULL &&
	    hp_spec_set(sp, "type", hp_kv_get(&kv, "type"), why,
	    sizeof why) == 0)
		hp_spec_init(sp, name, sp->type);
	for (i = 0; i < kv.n; i++) {
		r = strcmp(kv.key[i], "env") == 0 ?
		    gather(&env, kv.val[i], why, sizeof why) :
		    hp_spec_set(sp, kv.key[i], kv.val[i], why, sizeof why);
		if (r == -1) {
			snprintf(msg, n, "%s:%d: %s", path, kv.line[i], why);
			envs_free(&env);
			hp_kv_free(&kv);
			hp_spec_free(sp);
			return -1;
		}
	}
	hp_kv_free(&kv);
	hp_spec_addenvs(sp, env.w, env.n);
	envs_free(&env);
	if (sp->argv == NULL) {
		snprintf(msg, n, "%s: no exec line", path);
		hp_spec_free(sp);
		return -1;
	}
	return 0;
}

void
hp_spec_free(struct hp_spec *sp)
{
	hp_argv_free(sp->argv);
	hp_argv_free(sp->env);
	free(sp->dir);
	free(sp->config);
	free(sp->ready_check);
	free(sp->health);
	hp_argv_free(sp->after);
	free(sp->node);
	hp_argv_free(sp->node_args);
	hp_argv_free(sp->env_allow);
	sp->env_allow = NULL;
	hp_argv_free(sp->listen);
	sp->listen = NULL;
	hp_argv_free(sp->watch);
	hp_argv_free(sp->watch_ignore);
	sp->watch = sp->watch_ignore = NULL;
	free(sp->listen_owner);
	sp->listen_owner = NULL;
	free(sp->user);
	free(sp->group);
	sp->user = sp->group = NULL;
	sp->argv = sp->env = sp->after = sp->node_args = NULL;
	sp->dir = sp->config = sp->ready_check = sp->health = NULL;
	sp->node = NULL;
}

/*
 * Keys that are each good but not together: one way to be ready; a
 * ready-fd clear of the listen sockets (3 up); no instances of a
 * terminal. hp.conf(5) and hp-spawn refuse them.
 */
int
hp_spec_check(const struct hp_spec *sp, char *msg, size_t n)
{
	int nl = hp_spec_nlisten(sp);

	if (sp->ready_fd > 0 && sp->ready_check != NULL)
		return snprintf(msg, n, "ready-fd and ready-check: choose "
		    "one"), -1;
	if (sp->notify && (sp->ready_fd > 0 || sp->ready_check != NULL))
		return snprintf(msg, n, "ready = notify and %s: choose one",
		    sp->ready_fd > 0 ? "ready-fd" : "ready-check"), -1;
	if (sp->ready_fd > 0 && sp->ready_fd < 3 + nl)
		return snprintf(msg, n, "ready-fd %d: taken by its listen "
		    "sockets (from 3 up)", sp->ready_fd), -1;
	if (sp->instances > 0 && sp->type == HP_TERMINAL)
		return snprintf(msg, n, "instances: not for a terminal"), -1;
	return 0;
}

/*
 * A copy of src, named name: through its text, so that a key added to
 * the table is copied with the rest (the writer is complete: t_keys).
 */
void
hp_spec_copy(struct hp_spec *dst, const struct hp_spec *src,
    const char *name)
{
	struct hp_buf b = { 0 };
	struct hp_kv kv = { 0 };
	char why[200];
	int i;

	hp_spec_init(dst, name, src->type);
	hp_spec_write(src, &b);
	if (hp_kv_parse(&kv, hp_buf_str(&b)) == 0)
		for (i = 0; i < kv.n; i++)
			(void)hp_spec_set(dst, kv.key[i], kv.val[i], why,
			    sizeof why);
	hp_kv_free(&kv);
	hp_buf_free(&b);
}
