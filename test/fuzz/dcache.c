/* hp: see LICENSE. */
/* dcache.c: fuzz a line of hp-detect's cache (hp_dcache_parse). */

#include <stdlib.h>

#include "hp.h"
#include "client/detect.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_dcache c;
	char *s = fuzz_str(data, size);

	if (hp_dcache_parse(&c, s) == 0 && (c.id[0] == '\0' ||
	    c.path[0] != '/'))
		fuzz_fail("an entry without id or path taken");
	free(s);
	return 0;
}
