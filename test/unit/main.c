/* hp: see LICENSE. */
/* main.c: runs every unit test of lib/ and prints "N passed, N failed". */

#include <stdio.h>
#include <string.h>

#include "../../lib/hp.h"
#include "unit.h"

int unit_pass, unit_fail;

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "parse", test_parse },
	{ "json", test_json },
	{ "kv", test_kv },
	{ "io", test_io },
	{ "state", test_state },
	{ "proc", test_proc },
	{ "log", test_log },
	{ "event", test_event },
	{ "breaker", test_breaker },
	{ "cron", test_cron },
	{ "health", test_health },
	{ "detect", test_detect },
	{ "limit", test_limit },
	{ "pty", test_pty },
	{ "fuzz", test_fuzz },
	{ "envfile", test_envfile },
	{ "keys", test_keys },
	{ "metrics", test_metrics },
	{ "after", test_after },
	{ "stops", test_stops },
	{ "vt", test_vt },
	{ "handover", test_handover },
	{ "termho", test_termho },
};

/* run: every test; run TABLE: print one of lib/'s tables (tables.c). */
int
main(int argc, char **argv)
{
	size_t i;
	int p, f;

	hp_progname = "unit";
	if (argc >= 2 && strcmp(argv[1], "vt") == 0)
		return unit_vt(argc, argv);
	if (argc == 2)
		return unit_tables(argv[1]);
	for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		p = unit_pass;
		f = unit_fail;
		tests[i].fn();
		printf("unit %-8s %d passed, %d failed\n", tests[i].name,
		    unit_pass - p, unit_fail - f);
	}
	printf("%d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail != 0;
}
