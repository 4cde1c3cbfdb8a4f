/* hp: see LICENSE. */
/*
 * opt.c: getopt(3) as POSIX has it, plus --long and --long=value; the
 * help of -h, from the same table.
 */

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
		if (lo->arg == NULL) {
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

/* "-S, --state-dir dir" into out: how the row is written. */
static void
optform(char *out, size_t n, const struct hp_opt *o)
{
	if (o->val > 0 && o->val < 256)
		snprintf(out, n, "-%c, --%s%s%s", o->val, o->name,
		    o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
	else
		snprintf(out, n, "    --%s%s%s", o->name,
		    o->arg != NULL ? " " : "", o->arg != NULL ? o->arg : "");
}

#define HELP_COL	28	/* where the descriptions start, at most */

/*
 * -h: the synopsis, then one line an option, in the table's order: its
 * forms, its argument, what it does (the row's help, or about(name)).
 */
void
hp_opt_help(const char *synopsis, const struct hp_opt *lo,
    const char *(*about)(const char *))
{
	const struct hp_opt *o;
	const char *help;
	char form[96];
	int w = 0, len;

	printf("usage: %s\n", synopsis);
	for (o = lo; o != NULL && o->name != NULL; o++) {
		optform(form, sizeof form, o);
		len = (int)strlen(form);
		if (len > w && len <= HELP_COL)
			w = len;
	}
	if (lo != NULL && lo->name != NULL)
		printf("options:\n");
	for (o = lo; o != NULL && o->name != NULL; o++) {
		optform(form, sizeof form, o);
		help = o->help;
		if (help == NULL && about != NULL)
			help = about(o->name);
		printf("  %-*s  %s\n", w, form, help != NULL ? help : "");
	}
}
