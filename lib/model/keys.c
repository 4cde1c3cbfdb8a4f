/* hp: see LICENSE. */
/* keys.c: the keys of a spec, one table: how each reads, is written, help. */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "model/check.h"

/*
 * Every key of a spec is a row below: procs/NAME/spec, a section of
 * hp.conf(5) and hp-spawn -o read it with its set() and write it with
 * its put(), in the order of the table. A row names the field it sets
 * (off), the range of a number, the default as written (hp_spec_init sets
 * it through set()), the types it is for, and one line of help. Adding a
 * key is a field of struct hp_spec, a row, and a handler where none of
 * those below fits. hp.conf(5), the completions and the Node client are
 * checked against the table (test/tables.bats).
 */
#define F(x)		offsetof(struct hp_spec, x)
#define LL(p, k)	(*(long long *)(void *)((char *)(p) + (k)->off))
#define INT(p, k)	(*(int *)(void *)((char *)(p) + (k)->off))
#define STR(p, k)	(*(char **)(void *)((char *)(p) + (k)->off))
#define WORDS(p, k)	(*(char ***)(void *)((char *)(p) + (k)->off))
#define CLL(p, k)	(*(const long long *)(const void *) \
	((const char *)(p) + (k)->off))
#define CINT(p, k)	(*(const int *)(const void *) \
	((const char *)(p) + (k)->off))
#define CSTR(p, k)	(*(char *const *)(const void *) \
	((const char *)(p) + (k)->off))
#define CWORDS(p, k)	(*(char **const *)(const void *) \
	((const char *)(p) + (k)->off))

#define DUR_MAX		(1LL << 40)	/* ms: 34 years; clocks overflow */
#define ALL		((1 << HP_SERVICE) | (1 << HP_SYSTEM) | \
	(1 << HP_NODE) | (1 << HP_TERMINAL))
#define NODE		(1 << HP_NODE)
#define TERM		(1 << HP_TERMINAL)

typedef int	setter(struct hp_spec *, const struct hp_key *, const char *,
		    char *, size_t);
typedef void	putter(const struct hp_spec *, const struct hp_key *,
		    struct hp_buf *);

/*
 * When a key is written: always; only when set (a string, a list, a
 * positive number); only when not its default; only with a health check.
 * K_NOCONF: not in hp.conf(5) (type is its section's, config says which
 * file); K_NOOPT: not for hp-spawn -o either; K_ONLY: refused for other
 * types.
 */
enum {
	K_SET = 1, K_NOTDEF = 2, K_HEALTH = 4, K_NOCONF = 8, K_NOOPT = 16,
	K_ONLY = 32
};

struct hp_key {
	const char	*name;
	const char	*arg;		/* what its value is, as hp.conf(5) */
	long long	 min, max;
	const char	*def;		/* the default, as written; NULL none */
	int		 types;		/* the types it is for (bits) */
	int		 flags;
	size_t		 off;		/* its field in struct hp_spec */
	setter		*set;
	putter		*put;
	const char	*help;
};

/* The words of type and restart. */
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

/* A whole number from lo to hi, or -1. */
static long long
number(const char *v, long long lo, long long hi)
{
	long long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9' && n <= hi; p++)
		n = n * 10 + (*p - '0');
	return *v == '\0' || *p != '\0' || n < lo || n > hi ? -1 : n;
}

/* A duration, min to max ms; "KEY: at least MINms" below min. */
static int
set_dur(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	long long ms;

	if (hp_duration(v, &ms) == -1 || ms > k->max)
		return snprintf(msg, n, "bad duration: %s", v), -1;
	if (ms < k->min)
		return snprintf(msg, n, "%s: at least %lldms", k->name,
		    k->min), -1;
	LL(sp, k) = ms;
	return 0;
}

/* A duration whose floor is part of what is wrong with it. */
static int
set_durmin(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	long long ms;

	if (hp_duration(v, &ms) == -1 || ms < k->min || ms > k->max)
		return snprintf(msg, n, "%s: bad duration (%lldms or more): %s",
		    k->name, k->min, v), -1;
	LL(sp, k) = ms;
	return 0;
}

static int
set_count(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	long long i;

	if (strlen(v) > 9 || (i = number(v, k->min, k->max)) == -1)
		return snprintf(msg, n, "%s: %lld to %lld", k->name, k->min,
		    k->max), -1;
	INT(sp, k) = (int)i;
	return 0;
}

static int
set_bool(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	if (yesno(v, &INT(sp, k)) == -1)
		return snprintf(msg, n, "%s: yes or no", k->name), -1;
	return 0;
}

/* A size of min to max bytes: "KEY: bad size: V". */
static int
set_size(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	long long x;

	if (hp_size(v, &x) == -1 || x < k->min || x > k->max)
		return snprintf(msg, n, "%s: bad size: %s", k->name, v), -1;
	LL(sp, k) = x;
	return 0;
}

static int
set_logsize(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	long long x;

	if (hp_size(v, &x) == -1 || x < k->min)
		return snprintf(msg, n, "bad log size: %s", v), -1;
	LL(sp, k) = x;
	return 0;
}

/* 0 keeps nothing: an attach then shows only what comes. */
static int
set_scrollback(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	long long x;

	if (hp_size(v, &x) == -1 || x < k->min || x > k->max)
		return snprintf(msg, n, "%s: bad size (at most 1G): %s",
		    k->name, v), -1;
	LL(sp, k) = x;
	return 0;
}

/* "50" or "50%"; above 100 for a tree on several CPUs. */
static int
set_percent(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	char pc[16];
	long long x;

	if (hp_copy(pc, sizeof pc, v) == -1)
		pc[0] = '\0';
	if (pc[0] != '\0' && pc[strlen(pc) - 1] == '%')
		pc[strlen(pc) - 1] = '\0';
	if ((x = number(pc, k->min, k->max)) == -1)
		return snprintf(msg, n, "%s: a percent from %lld to %lld: %s",
		    k->name, k->min, k->max, v), -1;
	INT(sp, k) = (int)x;
	return 0;
}

/* cols, rows: a side of a terminal. */
static int
set_side(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 ||
	    x < k->min || x > k->max)
		return snprintf(msg, n, "%s: %lld to %lld: %s", k->name,
		    k->min, k->max, v), -1;
	INT(sp, k) = (int)x;
	return 0;
}

/*
 * An rlimit: bytes, a count, or seconds rounded up; or "unlimited". Its
 * slot in rlim[] is the row's min, what it reads the row's max.
 */
static int
set_rlimit(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	static const char *what[] = { "size", "number", "duration" };
	long long x;
	int kind = (int)k->max;

	if (strcmp(v, "unlimited") == 0)
		x = HP_UNLIMITED;
	else if (kind == 0 ? hp_size(v, &x) == -1 : kind == 1 ?
	    (x = number(v, 1, 1LL << 40)) == -1 : hp_duration(v, &x) == -1 ||
	    x <= 0 || x > DUR_MAX)
		return snprintf(msg, n, "%s: bad %s: %s", k->name, what[kind],
		    v), -1;
	else if (kind == 2)
		x = (x + 999) / 1000;
	sp->rlim[k->min] = x;
	return 0;
}

static int
set_type(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	int i;

	(void)k;
	if ((i = hp_type_parse(v)) == -1)
		return snprintf(msg, n, "unknown type: %s", v), -1;
	sp->type = i;
	return 0;
}

static int
set_restart(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	int i;

	(void)k;
	if ((i = hp_restart_parse(v)) == -1)
		return snprintf(msg, n, "unknown restart policy: %s", v), -1;
	sp->restart = i;
	return 0;
}

static int
set_signal(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	int i;

	if ((i = hp_signal(v)) <= 0)
		return snprintf(msg, n, "unknown signal: %s", v), -1;
	INT(sp, k) = i;
	return 0;
}

static int
set_umask(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	if (strlen(v) > 4 || strspn(v, "01234567") != strlen(v) || *v == '\0')
		return snprintf(msg, n, "%s: octal, as 022", k->name), -1;
	INT(sp, k) = (int)strtol(v, NULL, 8);
	return 0;
}

/* Words, at least min of them: exec (a command line), node-args. */
static int
set_words(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	char **w;
	int argc;

	if (hp_split(v, &w, &argc) == -1)
		return snprintf(msg, n, "%s: %s", k->name, hp_split_error()),
		    -1;
	if (argc < k->min) {
		hp_argv_free(w);
		return snprintf(msg, n, "%s: empty command", k->name), -1;
	}
	hp_argv_free(WORDS(sp, k));
	WORDS(sp, k) = w;
	return 0;
}

/* One path, as one word: dir, node. */
static int
set_path(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	char **w = NULL;
	int argc = -1;

	if (hp_split(v, &w, &argc) == -1 || argc != 1) {
		if (argc >= 0 && w != NULL)
			hp_argv_free(w);
		return snprintf(msg, n, "%s: one path expected", k->name), -1;
	}
	free(STR(sp, k));
	STR(sp, k) = hp_xstrdup(w[0]);
	hp_argv_free(w);
	return 0;
}

/* A word as it is: config. */
static int
set_str(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	(void)msg;
	(void)n;
	free(STR(sp, k));
	STR(sp, k) = hp_xstrdup(v);
	return 0;
}

/* The words of an env value, each NAME=VALUE; -1 + message. */
int
hp_env_split(const char *v, char ***w, int *argc, char *msg, size_t n)
{
	int i;

	if (hp_split(v, w, argc) == -1)
		return snprintf(msg, n, "env: %s", hp_split_error()), -1;
	for (i = 0; i < *argc; i++)
		if (strchr((*w)[i], '=') == NULL || (*w)[i][0] == '=') {
			snprintf(msg, n, "env: not NAME=VALUE: %s", (*w)[i]);
			hp_argv_free(*w);
			*w = NULL;
			return -1;
		}
	return 0;
}

/* env = NAME=VALUE ...: added to what the spec has. */
static int
set_env(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	char **w;
	int argc;

	(void)k;
	if (hp_env_split(v, &w, &argc, msg, n) == -1)
		return -1;
	hp_spec_addenvs(sp, w, (size_t)argc);
	hp_argv_free(w);
	return 0;
}

static int
set_envallow(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	(void)k;
	return hp_spec_envallow(sp, v, msg, n);
}

/* user = NAME and group = NAME, by name or number, known to the system. */
static int
set_user(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	struct hp_user u;
	char why[HP_NAME_MAX + 40];
	int user = k->name[0] == 'u';

	if (hp_user_find(&u, user ? v : "0", user ? NULL : v, why,
	    sizeof why) == -1)
		return snprintf(msg, n, "%s", why), -1;
	free(STR(sp, k));
	STR(sp, k) = hp_xstrdup(v);
	return 0;
}

/* A check of a spec, parsed here only to refuse a bad one early. */
static int
set_check(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	struct hp_check c;
	char why[200];

	if (hp_check_parse(&c, v, why, sizeof why) == -1)
		return snprintf(msg, n, "%s: %s: %s", k->name, v, why), -1;
	free(STR(sp, k));
	STR(sp, k) = hp_xstrdup(v);
	return 0;
}

/* after = NAME ...: names (or instances NAME:I), not its own. */
static int
set_after(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	char **w;
	int argc, i;

	if (hp_split(v, &w, &argc) == -1)
		return snprintf(msg, n, "%s: %s", k->name, hp_split_error()),
		    -1;
	for (i = 0; i < argc; i++)
		if (!hp_ref_ok(w[i]) || strcmp(w[i], sp->name) == 0) {
			snprintf(msg, n, "%s: %s: %s", k->name, w[i],
			    hp_ref_ok(w[i]) ? "itself" : "invalid name");
			hp_argv_free(w);
			return -1;
		}
	hp_argv_free(WORDS(sp, k));
	WORDS(sp, k) = argc > 0 ? w : NULL;
	if (argc == 0)
		hp_argv_free(w);
	return 0;
}

/* How many listen = it has. */
int
hp_spec_nlisten(const struct hp_spec *sp)
{
	int n = 0;

	while (sp->listen != NULL && sp->listen[n] != NULL)
		n++;
	return n;
}

/* listen = ADDRESS: added to what the spec has, each checked. */
static int
set_listen(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	struct hp_check c;
	char why[200];
	int i = hp_spec_nlisten(sp);

	if (hp_listen_parse(&c, v, why, sizeof why) == -1)
		return snprintf(msg, n, "%s: %s: %s", k->name, v, why), -1;
	if (i >= k->max)
		return snprintf(msg, n, "%s: at most %lld addresses", k->name,
		    k->max), -1;
	sp->listen = hp_xrealloc(sp->listen, (size_t)(i + 2) *
	    sizeof *sp->listen);
	sp->listen[i] = hp_xstrdup(v);
	sp->listen[i + 1] = NULL;
	return 0;
}

/* listen-owner = USER[:GROUP], known to the system. */
static int
set_owner(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	char user[HP_NAME_MAX + 1], why[HP_NAME_MAX + 40];
	const char *colon = strchr(v, ':');
	struct hp_user u;

	snprintf(user, sizeof user, "%.*s", colon != NULL ?
	    (int)(colon - v) : (int)strlen(v), v);
	if (*user == '\0' || hp_user_find(&u, user, colon != NULL ?
	    colon + 1 : NULL, why, sizeof why) == -1)
		return snprintf(msg, n, "%s: %s", k->name, *user ? why :
		    "no user"), -1;
	free(STR(sp, k));
	STR(sp, k) = hp_xstrdup(v);
	return 0;
}

/* ready = notify: the only way of being ready this key names. */
static int
set_ready(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	if (strcmp(v, "notify") != 0)
		return snprintf(msg, n, "%s: notify, or see ready-fd and "
		    "ready-check", k->name), -1;
	INT(sp, k) = 1;
	return 0;
}

/* Writers: "key = value" lines, as hp_kv_parse reads them. */
static void
addwords(struct hp_buf *b, const char *key, char *const *w)
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

static void
put_dur(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	hp_buf_printf(b, "%s = %lldms\n", k->name, CLL(sp, k));
}

static void
put_ll(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	hp_kv_addi(b, k->name, CLL(sp, k));
}

static void
put_int(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	hp_kv_addi(b, k->name, CINT(sp, k));
}

static void
put_bool(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	hp_kv_add(b, k->name, CINT(sp, k) ? "yes" : "no");
}

static void
put_str(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	hp_kv_add(b, k->name, CSTR(sp, k));
}

/* One word, quoted if need be: dir, node. */
static void
put_path(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	char *one[2];

	one[0] = CSTR(sp, k);
	one[1] = NULL;
	addwords(b, k->name, one);
}

static void
put_words(const struct hp_spec *sp, const struct hp_key *k,
    struct hp_buf *b)
{
	addwords(b, k->name, CWORDS(sp, k));
}

/* One line a variable, each read back on its own. */
static void
put_env(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	char *one[2];
	size_t i;

	for (i = 0; sp->env != NULL && sp->env[i] != NULL; i++) {
		one[0] = sp->env[i];
		one[1] = NULL;
		addwords(b, k->name, one);
	}
}

/* One line an address, each read back on its own. */
static void
put_listen(const struct hp_spec *sp, const struct hp_key *k,
    struct hp_buf *b)
{
	size_t i;

	for (i = 0; sp->listen != NULL && sp->listen[i] != NULL; i++)
		hp_kv_add(b, k->name, sp->listen[i]);
}

static void
put_ready(const struct hp_spec *sp, const struct hp_key *k,
    struct hp_buf *b)
{
	hp_kv_add(b, k->name, CINT(sp, k) ? "notify" : "exec");
}

static void
put_type(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	hp_kv_add(b, k->name, hp_type_name(sp->type));
}

static void
put_restart(const struct hp_spec *sp, const struct hp_key *k,
    struct hp_buf *b)
{
	hp_kv_add(b, k->name, hp_restart_name(sp->restart));
}

static void
put_signal(const struct hp_spec *sp, const struct hp_key *k,
    struct hp_buf *b)
{
	hp_kv_add(b, k->name, hp_signame(CINT(sp, k)));
}

static void
put_umask(const struct hp_spec *sp, const struct hp_key *k, struct hp_buf *b)
{
	hp_buf_printf(b, "%s = %04o\n", k->name, (unsigned)CINT(sp, k));
}

static void
put_rlimit(const struct hp_spec *sp, const struct hp_key *k,
    struct hp_buf *b)
{
	long long x = sp->rlim[k->min];

	if (x == HP_UNLIMITED)
		hp_kv_add(b, k->name, "unlimited");
	else if (k->max == 2)
		hp_buf_printf(b, "%s = %llds\n", k->name, x);
	else
		hp_kv_addi(b, k->name, x);
}

static const struct hp_key keys[] = {
	{ "type", "type", 0, 0, NULL, ALL, K_NOCONF | K_NOOPT, F(type),
	    set_type, put_type, "service, system, node or terminal" },
	{ "exec", "command", 1, 0, NULL, ALL, K_NOOPT, F(argv),
	    set_words, put_words, "the command and its arguments" },
	{ "dir", "path", 0, 0, NULL, ALL, K_SET, F(dir),
	    set_path, put_path, "its working directory" },
	{ "clear-env", "yes|no", 0, 0, "no", ALL, 0, F(clear_env),
	    set_bool, put_bool, "start from an empty environment" },
	{ "env-allow", "name", 0, 0, NULL, ALL, K_SET, F(env_allow),
	    set_envallow, put_words, "the only variables it inherits" },
	{ "user", "name", 0, 0, NULL, ALL, K_SET, F(user),
	    set_user, put_str, "run as this user (root only)" },
	{ "group", "name", 0, 0, NULL, ALL, K_SET, F(group),
	    set_user, put_str, "and this group" },
	{ "umask", "mode", 0, 0, NULL, ALL, K_SET, F(umask),
	    set_umask, put_umask, "its file mode creation mask" },
	{ "env", "NAME", 0, 0, NULL, ALL, K_SET, F(env),
	    set_env, put_env, "add to its environment" },
	{ "restart", "policy", 0, 0, "on-failure", ALL, 0, F(restart),
	    set_restart, put_restart, "no, on-failure or always" },
	{ "stop-signal", "signal", 0, 0, "TERM", ALL, 0, F(stop_signal),
	    set_signal, put_signal, "the signal that stops it" },
	{ "stop-timeout", "duration", 0, DUR_MAX, "10s", ALL, 0,
	    F(stop_timeout), set_dur, put_dur, "time before SIGKILL" },
	{ "backoff-min", "duration", 0, DUR_MAX, "100ms", ALL, 0,
	    F(backoff_min), set_dur, put_dur, "first restart delay" },
	{ "backoff-max", "duration", 0, DUR_MAX, "30s", ALL, 0,
	    F(backoff_max), set_dur, put_dur, "longest restart delay" },
	{ "backoff-reset", "duration", 0, DUR_MAX, "10s", ALL, 0,
	    F(backoff_reset), set_dur, put_dur,
	    "up this long, the backoff starts over" },
	{ "max-restarts", "n", 0, HP_BREAKER_MAX, "5", ALL, 0,
	    F(max_restarts), set_count, put_int,
	    "failures that open the circuit" },
	{ "restart-window", "duration", 0, DUR_MAX, "60s", ALL, 0,
	    F(restart_window), set_dur, put_dur,
	    "the window failures are counted in" },
	{ "circuit-reset", "duration", 0, DUR_MAX, "60s", ALL, 0,
	    F(circuit_reset), set_dur, put_dur, "time before a trial start" },
	{ "log-size", "size", 1024, 0, "1M", ALL, 0, F(log_size),
	    set_logsize, put_ll, "bytes a log file holds" },
	{ "log-count", "n", 1, 100, "3", ALL, 0, F(log_count),
	    set_count, put_int, "log files kept" },
	{ "ready-fd", "n", 3, 255, NULL, ALL, K_SET, F(ready_fd),
	    set_count, put_int, "descriptor it says it is ready on" },
	{ "config", "path", 0, 0, NULL, ALL, K_SET | K_NOCONF | K_NOOPT,
	    F(config), set_str, put_str, "the hp.conf it comes from" },
	{ "limit-as", "size", HP_RLIM_AS, 0, NULL, ALL, K_SET, 0,
	    set_rlimit, put_rlimit, "its address space" },
	{ "limit-nofile", "n", HP_RLIM_NOFILE, 1, NULL, ALL, K_SET, 0,
	    set_rlimit, put_rlimit, "its open files" },
	{ "limit-cpu", "duration", HP_RLIM_CPU, 2, NULL, ALL, K_SET, 0,
	    set_rlimit, put_rlimit, "its CPU time" },
	{ "limit-nproc", "n", HP_RLIM_NPROC, 1, NULL, ALL, K_SET, 0,
	    set_rlimit, put_rlimit, "processes of its user" },
	{ "limit-core", "size", HP_RLIM_CORE, 0, NULL, ALL, K_SET, 0,
	    set_rlimit, put_rlimit, "its core files" },
	{ "memory-max", "size", 1, 1LL << 62, NULL, ALL, K_SET,
	    F(memory_max), set_size, put_ll,
	    "restart it above this memory (its tree)" },
	{ "cpu-max", "percent", 1, 100000, NULL, ALL, K_SET, F(cpu_max),
	    set_percent, put_int, "report it above this CPU percent" },
	{ "limit-interval", "duration", 50, DUR_MAX, "1s", ALL, K_NOTDEF,
	    F(limit_interval), set_durmin, put_dur,
	    "how often memory and CPU are sampled" },
	{ "cols", "n", 1, 65535, "80", TERM, 0, F(cols),
	    set_side, put_int, "a terminal's width" },
	{ "rows", "n", 1, 65535, "24", TERM, 0, F(rows),
	    set_side, put_int, "a terminal's height" },
	{ "scrollback", "size", 0, 1LL << 30, "256K", TERM, K_NOTDEF,
	    F(scrollback), set_scrollback, put_ll,
	    "bytes of a terminal's output kept" },
	{ "quiet", "duration", 100, DUR_MAX, "2s", TERM, K_NOTDEF, F(quiet),
	    set_durmin, put_dur, "silence that is quiet activity" },
	{ "node", "path", 0, 0, NULL, NODE, K_SET | K_ONLY, F(node),
	    set_path, put_path, "the node that runs the script" },
	{ "node-args", "arg", 0, 0, NULL, NODE, K_SET | K_ONLY, F(node_args),
	    set_words, put_words, "node's own arguments" },
	{ "ready-check", "check", 0, 0, NULL, ALL, K_SET, F(ready_check),
	    set_check, put_str, "ready once this check passes" },
	{ "ready-timeout", "duration", 0, DUR_MAX, NULL, ALL, K_SET,
	    F(ready_timeout), set_dur, put_dur, "time to be ready in" },
	{ "after", "name", 0, 0, NULL, ALL, K_SET, F(after),
	    set_after, put_words, "start once these are ready" },
	{ "health", "check", 0, 0, NULL, ALL, K_SET, F(health),
	    set_check, put_str, "probe its health with this check" },
	{ "health-interval", "duration", 100, DUR_MAX, "30s", ALL, K_HEALTH,
	    F(health_interval), set_dur, put_dur, "time between probes" },
	{ "health-timeout", "duration", 1, DUR_MAX, "2s", ALL, K_HEALTH,
	    F(health_timeout), set_dur, put_dur, "time a probe may take" },
	{ "health-start", "duration", 0, DUR_MAX, "0", ALL, K_HEALTH,
	    F(health_start), set_dur, put_dur,
	    "time from ready to the first probe" },
	{ "health-retries", "n", 1, 100, "3", ALL, K_HEALTH,
	    F(health_retries), set_count, put_int,
	    "failed probes in a row: unhealthy" },
	{ "health-restart", "yes|no", 0, 0, "no", ALL, K_HEALTH,
	    F(health_restart), set_bool, put_bool, "restart it when unhealthy" },
	{ "listen", "address", 0, HP_SPAWN_PASS, NULL, ALL, K_SET, F(listen),
	    set_listen, put_listen, "a socket the supervisor holds for it" },
	{ "listen-mode", "mode", 0, 0, "0666", ALL, K_NOTDEF, F(listen_mode),
	    set_umask, put_umask, "the mode of its unix: sockets" },
	{ "listen-owner", "user", 0, 0, NULL, ALL, K_SET, F(listen_owner),
	    set_owner, put_str, "the owner of its unix: sockets" },
	{ "instances", "n", 1, HP_INSTANCES_MAX, NULL, ALL, K_SET,
	    F(instances), set_count, put_int, "copies of it, NAME:1 ..." },
	{ "ready", "notify", 0, 0, NULL, ALL, K_SET, F(notify),
	    set_ready, put_ready, "ready on READY=1 (NOTIFY_SOCKET)" },
	{ "watchdog", "duration", 1, DUR_MAX, NULL, ALL, K_SET, F(watchdog),
	    set_dur, put_dur, "WATCHDOG=1 at least this often" },
	{ "watch", "path", 0, 0, NULL, ALL, K_SET, F(watch),
	    set_words, put_words, "restart it on a change under these" },
	{ "watch-ignore", "pattern", 0, 0, NULL, ALL, K_SET, F(watch_ignore),
	    set_words, put_words, "names not watched (fnmatch)" },
	{ "watch-delay", "duration", 10, DUR_MAX, "500ms", ALL, K_NOTDEF,
	    F(watch_delay), set_durmin, put_dur,
	    "quiet after a change before the restart" },
};
#define NKEYS	(int)(sizeof keys / sizeof keys[0])

const struct hp_key *
hp_key_find(const char *name)
{
	int i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

const struct hp_key *
hp_key_at(int i)
{
	return i >= 0 && i < NKEYS ? &keys[i] : NULL;
}

void
hp_key_about(const struct hp_key *k, struct hp_keyinfo *ki)
{
	ki->name = k->name;
	ki->arg = k->arg;
	ki->def = k->def;
	ki->help = k->help;
	ki->types = k->types;
	ki->conf = !(k->flags & K_NOCONF);
	ki->opt = !(k->flags & K_NOOPT);
}

/* One key of a spec: -1 and why, in msg, when the value is bad. */
int
hp_key_set(struct hp_spec *sp, const struct hp_key *k, const char *v,
    char *msg, size_t n)
{
	if ((k->flags & K_ONLY) && !(k->types & (1 << sp->type)))
		return snprintf(msg, n, "%s: only for type %s", k->name,
		    hp_type_name(k->types == NODE ? HP_NODE : HP_TERMINAL)),
		    -1;
	return k->set(sp, k, v, msg, n);
}

/* What makes an unset field: NULL, 0 or less (umask, rlimits: -1). */
static int
isset(const struct hp_spec *sp, const struct hp_key *k)
{
	if (k->put == put_rlimit)
		return sp->rlim[k->min] != -1;
	if (k->put == put_str || k->put == put_path)
		return CSTR(sp, k) != NULL;
	if (k->put == put_words || k->put == put_env || k->put == put_listen)
		return CWORDS(sp, k) != NULL;
	if (k->put == put_dur || k->put == put_ll)
		return CLL(sp, k) > 0;
	return k->put == put_umask ? CINT(sp, k) >= 0 : CINT(sp, k) > 0;
}

/* Is the key's value its default? Made once, through the key's set(). */
static int
isdefault(const struct hp_spec *sp, const struct hp_key *k)
{
	struct hp_spec d;
	char msg[128];
	int r;

	memset(&d, 0, sizeof d);
	d.type = sp->type;
	if (k->def == NULL || k->set(&d, k, k->def, msg, sizeof msg) == -1)
		return 0;
	if (k->put == put_dur || k->put == put_ll)
		r = CLL(&d, k) == CLL(sp, k);
	else
		r = CINT(&d, k) == CINT(sp, k);
	return r;
}

/* The spec as "key = value" lines, every key the table's way. */
void
hp_spec_write(const struct hp_spec *sp, struct hp_buf *b)
{
	const struct hp_key *k;

	for (k = keys; k < keys + NKEYS; k++) {
		if (!(k->types & (1 << sp->type)) ||
		    ((k->flags & K_SET) && !isset(sp, k)) ||
		    ((k->flags & K_NOTDEF) && isdefault(sp, k)) ||
		    ((k->flags & K_HEALTH) && sp->health == NULL))
			continue;
		k->put(sp, k, b);
	}
}

/* The defaults of the table, for a spec of type t; -1: a bad row. */
int
hp_key_defaults(struct hp_spec *sp)
{
	const struct hp_key *k;
	char msg[128];
	int i;

	for (i = 0; i < HP_RLIM_N; i++)
		sp->rlim[i] = -1;
	sp->umask = -1;
	for (k = keys; k < keys + NKEYS; k++)
		if (k->def != NULL && k->set(sp, k, k->def, msg,
		    sizeof msg) == -1)
			return -1;
	return 0;
}
