/* hp: see LICENSE. */
/*
 * tables.c: lib/'s tables printed (run keys, superkeys, verbs, life), for
 * test/tables.bats to hold the pages, completions and Node client to.
 */

#include <stdio.h>
#include <string.h>

#include "../../lib/hp.h"
#include "super/super.h"
#include "unit.h"

/* "NAME ARG DEFAULT TYPES CONF OPT HELP", one key a line, in order. */
static void
keys(void)
{
	const struct hp_key *k;
	struct hp_keyinfo ki;
	int i, t;

	for (i = 0; (k = hp_key_at(i)) != NULL; i++) {
		hp_key_about(k, &ki);
		printf("%s\t%s\t%s\t", ki.name, ki.arg, ki.def ? ki.def : "-");
		for (t = 0; t <= HP_TERMINAL; t++)
			if (ki.types & (1 << t))
				printf("%s%s", hp_type_name(t),
				    ki.types >> (t + 1) ? "," : "");
		printf("\t%s\t%s\t%s\n", ki.conf ? "conf" : "-",
		    ki.opt ? "opt" : "-", ki.help);
	}
}

/* "NAME ARG DEFAULT HELP": the keys of [supervisor], one a line. */
static void
superkeys(void)
{
	const struct hp_superkey *k;
	struct hp_keyinfo ki;
	int i;

	for (i = 0; (k = hp_superkey_at(i)) != NULL; i++) {
		hp_superkey_about(k, &ki);
		printf("%s\t%s\t%s\t%s\n", ki.name, ki.arg,
		    ki.def ? ki.def : "-", ki.help);
	}
}

/* "ID VERB ARGS", then a tab and its help, one verb a line. */
static void
verbs(void)
{
	const char *name, *args, *help;
	int i;

	for (i = 0; (name = hp_verb_name(i, &args, &help)) != NULL; i++)
		printf("ID %s%s%s\t%s\n", name, *args ? " " : "", args, help);
}

/* Names of the bits set in m, from name(i), space-separated. */
static void
names(unsigned long long m, int n, const char *(*name)(int))
{
	int i, first = 1;

	for (i = 0; i < n; i++)
		if (m & (1ull << i)) {
			printf("%s%s", first ? "" : " ", name(i));
			first = 0;
		}
}

/*
 * The life of a process: "STATES<tab>EVENTS<tab>NEXT<tab>WHAT" a row
 * ("-": the state stays), then "timer NAME EVENT" for each timer.
 */
static void
life(void)
{
	unsigned long long ev;
	const char *what, *name;
	unsigned st;
	int i, next, e;

	for (i = 0; hp_life_row(i, &st, &ev, &next, &what) == 0; i++) {
		names(st, HP_ST_N, hp_life_state_name);
		printf("\t");
		names(ev, HP_EV_N, hp_life_event_name);
		printf("\t%s\t%s\n", next < 0 ? "-" : hp_life_state_name(next),
		    what);
	}
	for (i = 0; (name = hp_life_timer_name(i, &e)) != NULL; i++)
		printf("timer %s %s\n", name, hp_life_event_name(e));
}

int
unit_tables(const char *which)
{
	if (strcmp(which, "keys") == 0)
		keys();
	else if (strcmp(which, "verbs") == 0)
		verbs();
	else if (strcmp(which, "life") == 0)
		life();
	else if (strcmp(which, "superkeys") == 0)
		superkeys();
	else {
		fprintf(stderr, "usage: run [keys|superkeys|verbs|life]\n");
		return 2;
	}
	return 0;
}
