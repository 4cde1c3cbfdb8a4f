/* hp: see LICENSE. */
/* t_fuzz.c: inputs that make fuzz found to break lib/, kept broken no more. */

#include <stdlib.h>
#include <string.h>

#include "../../lib/hp.h"
#include "unit.h"

/*
 * A dir whose split failed freed a word list it never had: the last one
 * of an earlier call, such as the exec line (a double free).
 */
static void
dir_bad_split(void)
{
	struct hp_spec sp;
	struct hp_conf c;
	char msg[256], text[] = "[service web]\nexec = node server.js\n"
	    "dir = srv# the application's\n";

	hp_spec_init(&sp, "x", HP_SERVICE);
	CHECK(hp_spec_set(&sp, "exec", "node server.js", msg, sizeof msg) == 0);
	CHECK(hp_spec_set(&sp, "dir", "'srv", msg, sizeof msg) == -1);
	CHECK_STR(msg, "dir: one path expected");
	CHECK(sp.argv != NULL && sp.argv[1] != NULL);
	CHECK_STR(sp.argv[1], "server.js");
	hp_spec_free(&sp);
	CHECK(hp_conf_parse(&c, text, "hp.conf", msg, sizeof msg) == -1);
	CHECK_STR(msg, "hp.conf:3: dir: one path expected");
}

void
test_fuzz(void)
{
	dir_bad_split();
}
