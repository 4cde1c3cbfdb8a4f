/* hp: see LICENSE. */
/* termenv.c: the environment of a program in a terminal. */

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
		;
	hp_spec_addenvs(&copy, envp, i);
	free(envp);
	hp_argv_free(sp->env);
	sp->env = copy.env;
	sp->clear_env = 1;
}
