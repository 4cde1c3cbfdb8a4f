/* hp: see LICENSE. */
/* tools.c: fuzz the tool registry, tools.conf (hp_tools_parse). */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "client/detect.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_tools ts;
	char *s = fuzz_str(data, size);
	int i;

	memset(&ts, 0, sizeof ts);
	hp_tools_parse(&ts, s, "tools.conf");
	for (i = 0; i < ts.n; i++)
		if (hp_tools_find(&ts, ts.t[i].id) == NULL ||
		    ts.t[i].ncmd == 0 || ts.t[i].name == NULL)
			fuzz_fail("tool %d kept half made", i);
	hp_tools_free(&ts);
	free(s);
	return 0;
}
