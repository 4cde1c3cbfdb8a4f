/* hp: see LICENSE. */
/* skeys.c: the keys of hp.conf's [supervisor] section, one table. */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "model/check.h"

/*
 * The supervisor's own keys, a table of the shape of keys.c's: a row
 * names the field of struct hp_superconf it sets, the range of a number,
 * the default as written, its reader, its writer and one line of help.
 * hp.conf(5) lists them (test/tables.bats holds it to the table).
 */
#define F(x)		offsetof(struct hp_superconf, x)
#define LL(p, k)	(*(long long *)(void *)((char *)(p) + (k)->off))
#define STR(p, k)	(*(char **)(void *)((char *)(p) + (k)->off))
#define CLL(p, k)	(*(const long long *)(const void *) \
	((const char *)(p) + (k)->off))
#define CSTR(p, k)	(*(char *const *)(const void *) \
	((const char *)(p) + (k)->off))

typedef int	setter(struct hp_superconf *, const struct hp_superkey *,
		    const char *, char *, size_t);
typedef void	putter(const struct hp_superconf *,
		    const struct hp_superkey *, struct hp_buf *);

enum { K_SET = 1 };	/* written only when set */

struct hp_superkey {
	const char	*name;
	const char	*arg;
	long long	 min, max;
	const char	*def;
	int		 flags;
	size_t		 off;
	setter		*set;
	putter		*put;
	const char	*help;
};

/* A duration: 0 (none), or min to max ms. */
static int
set_dur(struct hp_superconf *c, const struct hp_superkey *k, const char *v,
    char *msg, size_t n)
{
	long long ms;

	if (hp_duration(v, &ms) == -1 || (ms != 0 && ms < k->min) ||
	    ms > k->max)
		return snprintf(msg, n, "%s: 0 or a duration of %lldms to "
		    "%llds: %s", k->name, k->min, k->max / 1000, v), -1;
	LL(c, k) = ms;
	return 0;
}

/* Where to listen: tcp://HOST:PORT or unix:PATH, as hp-health(1). */
static int
set_listen(struct hp_superconf *c, const struct hp_superkey *k,
    const char *v, char *msg, size_t n)
{
	struct hp_check ck;
	char why[200];

	if (hp_check_parse(&ck, v, why, sizeof why) == -1)
		return snprintf(msg, n, "%s: %s: %s", k->name, v, why), -1;
	if (ck.kind != HP_CHECK_TCP && ck.kind != HP_CHECK_UNIX)
		return snprintf(msg, n, "%s: %s: tcp://HOST:PORT or "
		    "unix:PATH", k->name, v), -1;
	if (ck.kind == HP_CHECK_UNIX && ck.path[0] != '/')
		return snprintf(msg, n, "%s: %s: an absolute path", k->name,
		    v), -1;
	free(STR(c, k));
	STR(c, k) = hp_xstrdup(v);
	return 0;
}

/* A file of the supervisor's: an absolute path (it works from /). */
static int
set_path(struct hp_superconf *c, const struct hp_superkey *k,
    const char *v, char *msg, size_t n)
{
	if (v[0] != '/' || strlen(v) >= HP_PATH_MAX)
		return snprintf(msg, n, "%s: an absolute path: %s", k->name,
		    v), -1;
	free(STR(c, k));
	STR(c, k) = hp_xstrdup(v);
	return 0;
}

static void
put_dur(const struct hp_superconf *c, const struct hp_superkey *k,
    struct hp_buf *b)
{
	hp_buf_printf(b, "%s = %lldms\n", k->name, CLL(c, k));
}

static void
put_str(const struct hp_superconf *c, const struct hp_superkey *k,
    struct hp_buf *b)
{
	hp_kv_add(b, k->name, CSTR(c, k));
}

static const struct hp_superkey keys[] = {
	{ "metrics-interval", "duration", 100, 3600000, "1s", 0,
	    F(metrics_interval), set_dur, put_dur,
	    "how often every tree is sampled; 0: never" },
	{ "metrics-listen", "address", 0, 0, NULL, K_SET, F(metrics_listen),
	    set_listen, put_str, "serve /metrics, /healthz, /readyz there" },
	{ "audit", "path", 0, 0, NULL, K_SET, F(audit), set_path, put_str,
	    "every event and refusal appended there too (--audit)" },
};
#define NKEYS	(int)(sizeof keys / sizeof keys[0])

const struct hp_superkey *
hp_superkey_at(int i)
{
	return i >= 0 && i < NKEYS ? &keys[i] : NULL;
}

void
hp_superkey_about(const struct hp_superkey *k, struct hp_keyinfo *ki)
{
	memset(ki, 0, sizeof *ki);
	ki->name = k->name;
	ki->arg = k->arg;
	ki->def = k->def;
	ki->help = k->help;
	ki->conf = 1;
}

/* The defaults of the table. */
void
hp_superconf_init(struct hp_superconf *c)
{
	const struct hp_superkey *k;
	char msg[128];

	memset(c, 0, sizeof *c);
	for (k = keys; k < keys + NKEYS; k++)
		if (k->def != NULL)
			(void)k->set(c, k, k->def, msg, sizeof msg);
}

/* One key of the section: -1 and why (an unknown key too). */
int
hp_superconf_set(struct hp_superconf *c, const char *key, const char *v,
    char *msg, size_t n)
{
	const struct hp_superkey *k;

	for (k = keys; k < keys + NKEYS; k++)
		if (strcmp(k->name, key) == 0)
			return k->set(c, k, v, msg, n);
	return snprintf(msg, n, "unknown key of [supervisor]: %s", key), -1;
}

/* The section as "key = value" lines, in the table's order. */
void
hp_superconf_write(const struct hp_superconf *c, struct hp_buf *b)
{
	const struct hp_superkey *k;

	for (k = keys; k < keys + NKEYS; k++)
		if (!(k->flags & K_SET) || CSTR(c, k) != NULL)
			k->put(c, k, b);
}

void
hp_superconf_free(struct hp_superconf *c)
{
	free(c->metrics_listen);
	c->metrics_listen = NULL;
	free(c->audit);
	c->audit = NULL;
}
