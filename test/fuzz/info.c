/* hp: see LICENSE. */
/*
 * info.c: fuzz the reader of the supervisor's answer to list, a process
 * as hp-ls --json gives it (hp_info_parse): any bytes give a process or
 * -1, never a crash; a process read is written again as valid JSON, and
 * that reads back as the same process.
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_info *a = hp_xcalloc(2, sizeof *a), *b = a + 1;
	struct hp_buf buf = { 0 };
	struct hp_json j;
	char *s = fuzz_str(data, size);

	if (hp_info_parse(s, a) == 0) {
		hp_json_init(&j, &buf);
		hp_info_json(&j, a);
		if (!hp_json_valid(buf.p, buf.len))
			fuzz_fail("written again, no JSON: %s",
			    hp_buf_str(&buf));
		if (hp_info_parse(hp_buf_str(&buf), b) == -1)
			fuzz_fail("written again, unread: %s", buf.p);
		if (strcmp(a->name, b->name) != 0 || a->pid != b->pid ||
		    a->ntree != b->ntree || a->nhist != b->nhist ||
		    a->restarts != b->restarts)
			fuzz_fail("read back otherwise: %s", buf.p);
	}
	hp_buf_free(&buf);
	free(a);
	free(s);
	return 0;
}
