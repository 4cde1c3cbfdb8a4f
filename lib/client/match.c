/* hp: see LICENSE. */
/* match.c: "all" and shell patterns of the verbs, made the names they match. */

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

/*
 * The verbs of hp-supervise act on names given, and on what "all" and a
 * pattern (fnmatch(3): * ? [...]) match among the processes recorded in
 * procs/: the set the supervisor keeps, and the one the verbs without a
 * supervisor (direct.c) act on. Matching is done here, by the client,
 * so that both take them alike and each match is asked for, and
 * answered, on its own. A pattern without a colon is matched against
 * names, a name of instances standing for all of them (one answer, as
 * for NAME); one with a colon against the instances, NAME:I. A terminal
 * that hp-pty keeps in the foreground is its keeper's (it holds
 * procs/NAME/lock), not the verbs': they match it only by its name.
 */

int
hp_match_pattern(const char *p)
{
	return hp_name_reserved(p) || strpbrk(p, "*?[") != NULL;
}

int
hp_match_ok(const char *p)
{
	if (hp_ref_ok(p) || hp_name_reserved(p))
		return 1;
	return *p != '\0' && strlen(p) <= 128 && strpbrk(p, "*?[") != NULL &&
	    strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-*?[]!:") == strlen(p);
}

static int
outside(const struct hp_state *st, const char *name)
{
	char file[HP_PATH_MAX];

	return hp_proc_file(st, file, sizeof file, name, HP_P_LOCK) == 0 &&
	    hp_lock_holder(file) > 0;
}

static void
push(char ***v, int *n, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return;
	*v = hp_xrealloc(*v, (size_t)(*n + 2) * sizeof **v);
	(*v)[(*n)++] = hp_xstrdup(name);
	(*v)[*n] = NULL;
}

/* The instances NAME:I of every name that has them, matched by p. */
static int
instances(const struct hp_state *st, char **names, int n, const char *p,
    char ***v, int *nv)
{
	char ref[HP_REF_MAX + 16];
	int *inst, ni, i, k, found = 0;

	for (i = 0; i < n; i++) {
		if (hp_state_instances(st, names[i], &inst, &ni) == -1)
			continue;
		for (k = 0; k < ni; k++) {
			snprintf(ref, sizeof ref, "%s:%d", names[i], inst[k]);
			if (fnmatch(p, ref, 0) == 0) {
				push(v, nv, ref);
				found = 1;
			}
		}
		free(inst);
	}
	return found;
}

int
hp_match(const struct hp_state *st, char **given, int ngiven, char ***out,
    int *nout, struct hp_error *e)
{
	char **names = NULL;
	int n = 0, i, k, found;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < ngiven; i++) {
		if (!hp_match_pattern(given[i])) {
			push(out, nout, given[i]);
			continue;
		}
		if (names == NULL && hp_state_names(st, &names, &n) == -1) {
			hp_argv_free(*out);
			return hp_error_sys(e, "%s/procs", st->dir);
		}
		found = 0;
		if (strchr(given[i], ':') != NULL)
			found = instances(st, names, n, given[i], out, nout);
		else
			for (k = 0; k < n; k++)
				if ((hp_name_reserved(given[i]) ||
				    fnmatch(given[i], names[k], 0) == 0) &&
				    !outside(st, names[k])) {
					push(out, nout, names[k]);
					found = 1;
				}
		if (!found) {
			hp_argv_free(names);
			hp_argv_free(*out);
			*out = NULL;
			*nout = 0;
			return hp_error_set(e, HP_EXIT_FAIL, "not-found",
			    "%s: %s", given[i], hp_name_reserved(given[i]) ?
			    "there is no process" : "no process matches");
		}
	}
	hp_argv_free(names);
	return 0;
}
