/* hp: see LICENSE. */
/* opt.c: getopt(3) as POSIX has it, plus --long and --long=value. */

#include <stdio.h>
#include <string.h>

#include "hp.h"

static int
longopt(struct hp_getopt *g, int argc, char **argv, const struct hp_opt *lo)
{
	char *name = argv[g->ind] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);

	g->ind++;
	for (; lo != NULL && lo->name != NULL; lo++) {
		if (strlen(lo->name) != len || strncmp(lo->name, name, len))
			continue;
		if (!lo->arg) {
			if (eq != NULL) {
				snprintf(g->bad, sizeof g->bad,
				    "option --%.*s takes no argument",
				    (int)len, name);
				return '?';
			}
			return lo->val;
		}
		if (eq != NULL)
			g->arg = eq + 1;
		else if (g->ind < argc)
			g->arg = argv[g->ind++];
		else {
			snprintf(g->bad, sizeof g->bad,
			    "option --%.*s needs an argument", (int)len, name);
			return '?';
		}
		return lo->val;
	}
	snprintf(g->bad, sizeof g->bad, "unknown option --%.*s", (int)len,
	    name);
	return '?';
}

int
hp_getopt(struct hp_getopt *g, int argc, char **argv, const char *so,
    const struct hp_opt *lo)
{
	const char *p;
	char *a;
	int c;

	if (g->ind == 0)
		g->ind = 1;
	g->arg = NULL;
	if (g->pos == 0) {
		if (g->ind >= argc)
			return -1;
		a = argv[g->ind];
		if (a[0] != '-' || a[1] == '\0')
			return -1;
		if (strcmp(a, "--") == 0) {
			g->ind++;
			g->dashdash = 1;
			return -1;
		}
		if (a[1] == '-')
			return longopt(g, argc, argv, lo);
		g->pos = 1;
	}
	a = argv[g->ind];
	c = (unsigned char)a[g->pos++];
	if (c == ':' || (p = strchr(so, c)) == NULL) {
		snprintf(g->bad, sizeof g->bad, "unknown option -%c", c);
		if (a[g->pos] == '\0') {
			g->ind++;
			g->pos = 0;
		}
		return '?';
	}
	if (p[1] != ':') {
		if (a[g->pos] == '\0') {
			g->ind++;
			g->pos = 0;
		}
		return c;
	}
	if (a[g->pos] != '\0')
		g->arg = a + g->pos;
	else if (g->ind + 1 < argc)
		g->arg = argv[++g->ind];
	else {
		snprintf(g->bad, sizeof g->bad, "option -%c needs an argument",
		    c);
		g->ind++;
		g->pos = 0;
		return '?';
	}
	g->ind++;
	g->pos = 0;
	return c;
}
