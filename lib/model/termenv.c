/* hp: see LICENSE. */
/* termenv.c: a terminal's spec: its environment, its keys. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

static int
named(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* NAME's value in v (NULL-terminated NAME=VALUE), or NULL. */
static const char *
lookup(char **v, const char *name)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (named(v[i], name))
			return v[i] + strlen(name) + 1;
	return NULL;
}

/* Unset, empty, C or POSIX: no locale chosen. */
static int
plain(const char *v)
{
	return v == NULL || *v == '\0' || strcmp(v, "C") == 0 ||
	    strcmp(v, "POSIX") == 0;
}

/*
 * The environment of a program in a terminal: the spec's (hp_spec_envp:
 * ours or none, the spec's on top, the enhanced PATH, no Electron
 * variables), then TERM (xterm-256color unless the spec sets it),
 * COLORTERM=truecolor, no LINES or COLUMNS inherited (they would freeze
 * the size for curses programs), and LANG=HP_PTY_UTF8 when the locale
 * that decides the character set is unset, C or POSIX (which are then
 * removed). What the spec's env sets is the caller's choice and stays.
 * Free the array with free(); the strings live until the next call.
 */
char **
hp_pty_envp(const struct hp_spec *sp)
{
	static const char *drop[] = { "LINES", "COLUMNS", "TERM", "COLORTERM",
	    NULL };
	static const char *lc[] = { "LC_ALL", "LC_CTYPE", "LANG", NULL };
	char **in, **out;
	const char *v = NULL;
	size_t n, i, k = 0, j;
	int fix;

	in = hp_spec_envp(sp);
	for (n = 0; in[n] != NULL; n++)
		;
	out = hp_xcalloc(n + 4, sizeof *out);
	fix = 1;
	for (j = 0; lc[j] != NULL; j++)
		if (lookup(sp->env, lc[j]) != NULL)
			fix = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; drop[j] != NULL; j++)
			if (named(in[i], drop[j]) &&
			    lookup(sp->env, drop[j]) == NULL)
				break;
		if (drop[j] != NULL)
			continue;
		/* A C locale would hide the UTF-8 one: it goes. */
		for (j = 0; fix && lc[j] != NULL; j++)
			if (named(in[i], lc[j]) &&
			    plain(strchr(in[i], '=') + 1))
				break;
		if (fix && lc[j] != NULL)
			continue;
		out[k++] = in[i];
	}
	out[k] = NULL;
	/* The locale of the character set: the first of lc[] still set. */
	for (j = 0; lc[j] != NULL && plain(v); j++)
		v = lookup(out, lc[j]);
	if (fix && plain(v))
		out[k++] = "LANG=" HP_PTY_UTF8;
	if (lookup(sp->env, "TERM") == NULL)
		out[k++] = "TERM=xterm-256color";
	if (lookup(sp->env, "COLORTERM") == NULL)
		out[k++] = "COLORTERM=truecolor";
	out[k] = NULL;
	free(in);
	return out;
}

/*
 * A terminal another process will start (the supervisor): its whole
 * environment goes into the spec now, worked out from ours as for one
 * we start (hp_pty_envp), and the spec clears the rest.
 */
void
hp_pty_specenv(struct hp_spec *sp)
{
	struct hp_spec copy;
	char **envp;
	size_t i;

	envp = hp_pty_envp(sp);		/* may point into sp->env */
	memset(&copy, 0, sizeof copy);
	for (i = 0; envp[i] != NULL; i++)
		hp_spec_addenv(&copy, envp[i]);
	free(envp);
	hp_argv_free(sp->env);
	sp->env = copy.env;
	sp->clear_env = 1;
}

#define SCROLLBACK	(256 * 1024)
#define QUIET		2000

/* The keys of a terminal, set for every spec: only a terminal uses them. */
void
hp_pty_init(struct hp_spec *sp)
{
	sp->cols = 80;
	sp->rows = 24;
	sp->scrollback = SCROLLBACK;
	sp->quiet = QUIET;
}

static int
side(const char *v, int *out)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || x < 1 ||
	    x > 65535)
		return -1;
	*out = (int)x;
	return 0;
}

int
hp_pty_set(struct hp_spec *sp, const char *key, const char *v, char *msg,
    size_t n)
{
	long long x;

	if (strcmp(key, "cols") == 0 || strcmp(key, "rows") == 0) {
		if (side(v, key[0] == 'c' ? &sp->cols : &sp->rows) == -1)
			return snprintf(msg, n, "%s: 1 to 65535: %s", key, v),
			    -1;
	} else if (strcmp(key, "scrollback") == 0) {
		/* 0 keeps nothing: an attach then shows only what comes. */
		if (hp_size(v, &x) == -1 || x < 0 || x > (1LL << 30))
			return snprintf(msg, n, "scrollback: bad size (at "
			    "most 1G): %s", v), -1;
		sp->scrollback = x;
	} else if (strcmp(key, "quiet") == 0) {
		if (hp_duration(v, &x) == -1 || x < 100 || x > (1LL << 40))
			return snprintf(msg, n, "quiet: bad duration (100ms "
			    "or more): %s", v), -1;
		sp->quiet = x;
	} else
		return 1;
	return 0;
}

/* Only for a terminal, and only what is not the default. */
void
hp_pty_write(const struct hp_spec *sp, struct hp_buf *b)
{
	if (sp->type != HP_TERMINAL)
		return;
	hp_kv_addi(b, "cols", sp->cols);
	hp_kv_addi(b, "rows", sp->rows);
	if (sp->scrollback != SCROLLBACK)
		hp_kv_addi(b, "scrollback", sp->scrollback);
	if (sp->quiet != QUIET)
		hp_buf_printf(b, "quiet = %lldms\n", sp->quiet);
}
