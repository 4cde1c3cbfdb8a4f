/* hp: see LICENSE. */
/* spec.c: a process's spec, the keys of a hp.conf(5) section. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "model/check.h"

static const char *types[] = { "service", "system", "node", "terminal" };
#define NTYPES	(int)(sizeof types / sizeof types[0])
static const char *restarts[] = { "no", "on-failure", "always" };

const char *
hp_type_name(int t)
{
	return t >= 0 && t < NTYPES ? types[t] : "?";
}

int
hp_type_parse(const char *s)
{
	int i;

	for (i = 0; i < NTYPES; i++)
		if (strcmp(s, types[i]) == 0)
			return i;
	return -1;
}

const char *
hp_restart_name(int r)
{
	return r >= 0 && r < 3 ? restarts[r] : "?";
}

int
hp_restart_parse(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, restarts[i]) == 0)
			return i;
	return -1;
}

void
hp_spec_init(struct hp_spec *sp, const char *name, int type)
{
	memset(sp, 0, sizeof *sp);
	hp_copy(sp->name, sizeof sp->name, name);
	sp->type = type;
	sp->restart = type == HP_SYSTEM || type == HP_TERMINAL ?
	    HP_RESTART_NO : HP_RESTART_ON_FAILURE;
	sp->stop_signal = SIGTERM;
	sp->stop_timeout = 10000;
	sp->backoff_min = 100;
	sp->backoff_max = 30000;
	sp->backoff_reset = 10000;
	sp->max_restarts = 5;
	sp->restart_window = 60000;
	sp->circuit_reset = 60000;
	sp->log_size = 1024 * 1024;
	sp->log_count = 3;
	sp->health_interval = 30000;
	sp->health_timeout = HP_HEALTH_TIMEOUT;
	sp->health_retries = 3;
	sp->umask = -1;
	hp_limit_init(sp);
	hp_pty_init(sp);
}

static int
yesno(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/* A duration of a spec; past 2^40 ms (34 years) clocks would overflow. */
static int
duration(const char *v, long long *out, char *msg, size_t n)
{
	long long ms;

	if (hp_duration(v, &ms) == -1 || ms > (1LL << 40)) {
		snprintf(msg, n, "bad duration: %s", v);
		return -1;
	}
	*out = ms;
	return 0;
}

static int
count(const char *key, const char *v, int lo, int hi, int *out, char *msg,
    size_t n)
{
	long long i;

	if (*v == '\0' || strspn(v, "0123456789") != strlen(v) ||
	    strlen(v) > 9 || (i = atoll(v)) < lo || i > hi)
		return snprintf(msg, n, "%s: %d to %d", key, lo, hi), -1;
	*out = (int)i;
	return 0;
}

/* A duration of at least min ms. */
static int
atleast(const char *key, const char *v, long long min, long long *out,
    char *msg, size_t n)
{
	long long ms;

	if (duration(v, &ms, msg, n) == -1)
		return -1;
	if (ms < min)
		return snprintf(msg, n, "%s: at least %lldms", key, min), -1;
	*out = ms;
	return 0;
}

/* A check of a spec, parsed here only to refuse a bad one early. */
static int
check(char **out, const char *key, const char *v, char *msg, size_t n)
{
	struct hp_check c;
	char why[200];

	if (hp_check_parse(&c, v, why, sizeof why) == -1)
		return snprintf(msg, n, "%s: %s: %s", key, v, why), -1;
	free(*out);
	*out = hp_xstrdup(v);
	return 0;
}

/* The keys of readiness, dependencies and health. */
static int
watchkey(struct hp_spec *sp, const char *key, const char *v, char *msg,
    size_t n)
{
	char **w;
	int argc, i;

	if (strcmp(key, "ready-check") == 0)
		return check(&sp->ready_check, key, v, msg, n);
	if (strcmp(key, "ready-timeout") == 0)
		return duration(v, &sp->ready_timeout, msg, n);
	if (strcmp(key, "health") == 0)
		return check(&sp->health, key, v, msg, n);
	if (strcmp(key, "health-interval") == 0)
		return atleast(key, v, 100, &sp->health_interval, msg, n);
	if (strcmp(key, "health-timeout") == 0)
		return atleast(key, v, 1, &sp->health_timeout, msg, n);
	if (strcmp(key, "health-start") == 0)
		return duration(v, &sp->health_start, msg, n);
	if (strcmp(key, "health-retries") == 0)
		return count(key, v, 1, 100, &sp->health_retries, msg, n);
	if (strcmp(key, "health-restart") == 0) {
		if (yesno(v, &sp->health_restart) == -1)
			return snprintf(msg, n, "health-restart: yes or no"),
			    -1;
		return 0;
	}
	if (strcmp(key, "after") != 0)
		return snprintf(msg, n, "unknown key: %s", key), -1;
	if (hp_split(v, &w, &argc) == -1)
		return snprintf(msg, n, "after: %s", hp_split_error()), -1;
	for (i = 0; i < argc; i++)
		if (!hp_name_ok(w[i]) || strcmp(w[i], sp->name) == 0) {
			snprintf(msg, n, "after: %s: %s", w[i],
			    hp_name_ok(w[i]) ? "itself" : "invalid name");
			hp_argv_free(w);
			return -1;
		}
	hp_argv_free(sp->after);
	sp->after = argc > 0 ? w : NULL;
	if (argc == 0)
		hp_argv_free(w);
	return 0;
}

/* node = PATH and node-args = WORDS, for a node process only. */
static int
nodekey(struct hp_spec *sp, const char *key, const char *v, char *msg,
    size_t n)
{
	char **w;
	int argc;

	if (sp->type != HP_NODE)
		return snprintf(msg, n, "%s: only for type node", key), -1;
	if (hp_split(v, &w, &argc) == -1)
		return snprintf(msg, n, "%s: %s", key, hp_split_error()), -1;
	if (strcmp(key, "node-args") == 0) {
		hp_argv_free(sp->node_args);
		sp->node_args = w;
		return 0;
	}
	if (argc != 1) {
		hp_argv_free(w);
		return snprintf(msg, n, "node: one path expected"), -1;
	}
	free(sp->node);
	sp->node = hp_xstrdup(w[0]);
	hp_argv_free(w);
	return 0;
}

/* user = NAME and group = NAME, by name or number, known to the system. */
static int
userkey(struct hp_spec *sp, const char *key, const char *v, char *msg,
    size_t n)
{
	struct hp_user u;
	char why[HP_NAME_MAX + 40];
	char **to = key[0] == 'u' ? &sp->user : &sp->group;

	if (hp_user_find(&u, key[0] == 'u' ? v : "0", key[0] == 'g' ? v :
	    NULL, why, sizeof why) == -1)
		return snprintf(msg, n, "%s", why), -1;
	free(*to);
	*to = hp_xstrdup(v);
	return 0;
}

/* One key of a spec; the message says what is wrong with a bad one. */
int
hp_spec_set(struct hp_spec *sp, const char *key, const char *v, char *msg,
    size_t n)
{
	char **w = NULL;	/* a failed split sets neither */
	int argc = -1, i;
	long long sz;

	if (strcmp(key, "type") == 0) {
		if ((i = hp_type_parse(v)) == -1)
			return snprintf(msg, n, "unknown type: %s", v), -1;
		sp->type = i;
	} else if (strcmp(key, "exec") == 0) {
		if (hp_split(v, &w, &argc) == -1)
			return snprintf(msg, n, "exec: %s", hp_split_error()),
			    -1;
		if (argc == 0) {
			hp_argv_free(w);
			return snprintf(msg, n, "exec: empty command"), -1;
		}
		hp_argv_free(sp->argv);
		sp->argv = w;
	} else if (strcmp(key, "env") == 0) {
		if (hp_split(v, &w, &argc) == -1)
			return snprintf(msg, n, "env: %s",
			    hp_split_error()), -1;
		for (i = 0; i < argc; i++) {
			if (strchr(w[i], '=') == NULL || w[i][0] == '=') {
				snprintf(msg, n, "env: not NAME=VALUE: %s",
				    w[i]);
				hp_argv_free(w);
				return -1;
			}
			hp_spec_addenv(sp, w[i]);
		}
		hp_argv_free(w);
	} else if (strcmp(key, "dir") == 0) {
		if (hp_split(v, &w, &argc) == -1 || argc != 1) {
			if (argc >= 0 && w != NULL)
				hp_argv_free(w);
			return snprintf(msg, n, "dir: one path expected"), -1;
		}
		free(sp->dir);
		sp->dir = hp_xstrdup(w[0]);
		hp_argv_free(w);
	} else if (strcmp(key, "user") == 0 || strcmp(key, "group") == 0) {
		return userkey(sp, key, v, msg, n);
	} else if (strcmp(key, "umask") == 0) {
		if (strlen(v) > 4 || strspn(v, "01234567") != strlen(v) ||
		    *v == '\0')
			return snprintf(msg, n, "umask: octal, as 022"), -1;
		sp->umask = (int)strtol(v, NULL, 8);
	} else if (strcmp(key, "env-allow") == 0) {
		return hp_spec_envallow(sp, v, msg, n);
	} else if (strcmp(key, "clear-env") == 0) {
		if (yesno(v, &sp->clear_env) == -1)
			return snprintf(msg, n, "clear-env: yes or no"), -1;
	} else if (strcmp(key, "restart") == 0) {
		if ((i = hp_restart_parse(v)) == -1)
			return snprintf(msg, n, "unknown restart policy: %s",
			    v), -1;
		sp->restart = i;
	} else if (strcmp(key, "stop-signal") == 0) {
		if ((i = hp_signal(v)) <= 0)
			return snprintf(msg, n, "unknown signal: %s", v), -1;
		sp->stop_signal = i;
	} else if (strcmp(key, "stop-timeout") == 0)
		return duration(v, &sp->stop_timeout, msg, n);
	else if (strcmp(key, "backoff-min") == 0)
		return duration(v, &sp->backoff_min, msg, n);
	else if (strcmp(key, "backoff-max") == 0)
		return duration(v, &sp->backoff_max, msg, n);
	else if (strcmp(key, "backoff-reset") == 0)
		return duration(v, &sp->backoff_reset, msg, n);
	else if (strcmp(key, "restart-window") == 0)
		return duration(v, &sp->restart_window, msg, n);
	else if (strcmp(key, "circuit-reset") == 0)
		return duration(v, &sp->circuit_reset, msg, n);
	else if (strcmp(key, "max-restarts") == 0)
		return count(key, v, 0, HP_BREAKER_MAX, &sp->max_restarts, msg,
		    n);
	else if (strcmp(key, "log-size") == 0) {
		if (hp_size(v, &sz) == -1 || sz < 1024)
			return snprintf(msg, n, "bad log size: %s", v), -1;
		sp->log_size = sz;
	} else if (strcmp(key, "log-count") == 0)
		return count(key, v, 1, 100, &sp->log_count, msg, n);
	else if (strcmp(key, "ready-fd") == 0)
		return count(key, v, 3, 255, &sp->ready_fd, msg, n);
	else if (strcmp(key, "config") == 0) {
		free(sp->config);
		sp->config = hp_xstrdup(v);
	} else if (strcmp(key, "node") == 0 || strcmp(key, "node-args") == 0)
		return nodekey(sp, key, v, msg, n);
	else if ((i = hp_limit_set(sp, key, v, msg, n)) != 1)
		return i;
	else if ((i = hp_pty_set(sp, key, v, msg, n)) != 1)
		return i;
	else
		return watchkey(sp, key, v, msg, n);
	return 0;
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

int
hp_spec_load(struct hp_spec *sp, const char *name, const char *path,
    char *msg, size_t n)
{
	struct hp_kv kv = { 0 };
	char why[200];
	int i;

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
	for (i = 0; i < kv.n; i++)
		if (hp_spec_set(sp, kv.key[i], kv.val[i], why,
		    sizeof why) == -1) {
			snprintf(msg, n, "%s:%d: %s", path, kv.line[i], why);
			hp_kv_free(&kv);
			hp_spec_free(sp);
			return -1;
		}
	hp_kv_free(&kv);
	if (sp->argv == NULL) {
		snprintf(msg, n, "%s: no exec line", path);
		hp_spec_free(sp);
		return -1;
	}
	return 0;
}

static void
addwords(struct hp_buf *b, const char *key, char **w)
{
	struct hp_buf v = { 0 };
	size_t i;

	for (i = 0; w != NULL && w[i] != NULL; i++) {
		if (i > 0)
			hp_buf_addc(&v, ' ');
		hp_quote(&v, w[i]);
	}
	hp_kv_add(b, key, hp_buf_str(&v));
	hp_buf_free(&v);
}

void
hp_spec_write(const struct hp_spec *sp, struct hp_buf *b)
{
	char *one[2];
	size_t i;

	hp_kv_add(b, "type", hp_type_name(sp->type));
	addwords(b, "exec", sp->argv);
	if (sp->dir != NULL) {
		one[0] = sp->dir;
		one[1] = NULL;
		addwords(b, "dir", one);
	}
	hp_kv_add(b, "clear-env", sp->clear_env ? "yes" : "no");
	if (sp->env_allow != NULL)
		addwords(b, "env-allow", sp->env_allow);
	if (sp->user != NULL)
		hp_kv_add(b, "user", sp->user);
	if (sp->group != NULL)
		hp_kv_add(b, "group", sp->group);
	if (sp->umask >= 0)
		hp_buf_printf(b, "umask = %04o\n", (unsigned)sp->umask);
	for (i = 0; sp->env != NULL && sp->env[i] != NULL; i++) {
		one[0] = sp->env[i];
		one[1] = NULL;
		addwords(b, "env", one);
	}
	hp_kv_add(b, "restart", hp_restart_name(sp->restart));
	hp_kv_add(b, "stop-signal", hp_signame(sp->stop_signal));
	hp_buf_printf(b, "stop-timeout = %lldms\n", sp->stop_timeout);
	hp_buf_printf(b, "backoff-min = %lldms\n", sp->backoff_min);
	hp_buf_printf(b, "backoff-max = %lldms\n", sp->backoff_max);
	hp_buf_printf(b, "backoff-reset = %lldms\n", sp->backoff_reset);
	hp_buf_printf(b, "max-restarts = %d\n", sp->max_restarts);
	hp_buf_printf(b, "restart-window = %lldms\n", sp->restart_window);
	hp_buf_printf(b, "circuit-reset = %lldms\n", sp->circuit_reset);
	hp_buf_printf(b, "log-size = %lld\n", sp->log_size);
	hp_buf_printf(b, "log-count = %d\n", sp->log_count);
	if (sp->ready_fd > 0)
		hp_kv_addi(b, "ready-fd", sp->ready_fd);
	if (sp->config != NULL)
		hp_kv_add(b, "config", sp->config);
	hp_limit_write(sp, b);
	hp_pty_write(sp, b);
	if (sp->node != NULL) {
		one[0] = sp->node;
		one[1] = NULL;
		addwords(b, "node", one);
	}
	if (sp->node_args != NULL && sp->node_args[0] != NULL)
		addwords(b, "node-args", sp->node_args);
	if (sp->ready_check != NULL)
		hp_kv_add(b, "ready-check", sp->ready_check);
	if (sp->ready_timeout > 0)
		hp_buf_printf(b, "ready-timeout = %lldms\n", sp->ready_timeout);
	if (sp->after != NULL)
		addwords(b, "after", sp->after);
	if (sp->health == NULL)
		return;
	hp_kv_add(b, "health", sp->health);
	hp_buf_printf(b, "health-interval = %lldms\n", sp->health_interval);
	hp_buf_printf(b, "health-timeout = %lldms\n", sp->health_timeout);
	hp_buf_printf(b, "health-start = %lldms\n", sp->health_start);
	hp_kv_addi(b, "health-retries", sp->health_retries);
	hp_kv_add(b, "health-restart", sp->health_restart ? "yes" : "no");
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
	free(sp->user);
	free(sp->group);
	sp->user = sp->group = NULL;
	sp->argv = sp->env = sp->after = sp->node_args = NULL;
	sp->dir = sp->config = sp->ready_check = sp->health = NULL;
	sp->node = NULL;
}
