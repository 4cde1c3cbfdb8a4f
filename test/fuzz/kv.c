/* hp: see LICENSE. */
/*
 * kv.c: fuzz "key = value" files (hp_kv_parse): what is read, written
 * back with hp_kv_add, must read again, the same keys in the same order.
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_kv kv = { 0 }, again = { 0 };
	struct hp_buf b = { 0 };
	char *s = fuzz_str(data, size);
	int i;

	if (hp_kv_parse(&kv, s) == 0) {
		for (i = 0; i < kv.n; i++) {
			hp_kv_add(&b, kv.key[i], kv.val[i]);
			if (hp_kv_get(&kv, kv.key[i]) == NULL)
				fuzz_fail("key %s not found", kv.key[i]);
			hp_kv_int(&kv, kv.key[i], 0);
		}
		if (hp_kv_parse(&again, hp_buf_str(&b)) == -1)
			fuzz_fail("written back, refused: %s", again.err);
		if (again.n != kv.n)
			fuzz_fail("%d entries, %d written back", kv.n, again.n);
		for (i = 0; i < kv.n; i++)
			if (strcmp(kv.key[i], again.key[i]) != 0)
				fuzz_fail("key %s came back as %s", kv.key[i],
				    again.key[i]);
	}
	hp_kv_free(&kv);
	hp_kv_free(&again);
	hp_buf_free(&b);
	free(s);
	return 0;
}
