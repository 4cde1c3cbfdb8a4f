/* hp: see LICENSE. */
/*
 * jsonget.c: fuzz the JSON readers on any bytes: hp_json_valid (on the
 * bytes as they are, no NUL after them), hp_json_get with a few keys and
 * buffers, hp_json_raw, whose output must be valid JSON either way,
 * and the value as it is (not quoted) when it was valid.
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "ok", "name", "a", "", "code" };
	struct hp_buf b = { 0 }, q = { 0 };
	struct hp_json j, jq;
	char *exact = hp_xmalloc(size > 0 ? size : 1), *s, out[64];
	size_t i;
	int valid;

	memcpy(exact, data, size);
	valid = hp_json_valid(exact, size);
	s = fuzz_str(data, size);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		hp_json_get(s, keys[i], out, sizeof out);
		hp_json_get(s, keys[i], out, 1 + i);
	}
	hp_json_init(&j, &b);
	hp_json_raw(&j, s, size);
	if (!hp_json_valid(b.p, b.len))
		fuzz_fail("raw gave no JSON: %s", hp_buf_str(&b));
	hp_json_init(&jq, &q);
	hp_json_strn(&jq, s, size);
	if (valid && strcmp(hp_buf_str(&b), hp_buf_str(&q)) == 0)
		fuzz_fail("valid JSON, yet quoted: %s", s);
	hp_buf_free(&b);
	hp_buf_free(&q);
	free(exact);
	free(s);
	return 0;
}
