/* hp: see LICENSE. */
/*
 * parse.c: fuzz durations and sizes (hp_duration, hp_size), signals and
 * names: what they accept is in range, and a derived name is valid.
 */

#include <stdlib.h>

#include "hp.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), name[HP_NAME_MAX + 1];
	long long v;
	int sig;

	if (hp_duration(s, &v) == 0 && v < 0)
		fuzz_fail("duration %s: %lld", s, v);
	if (hp_size(s, &v) == 0 && v < 0)
		fuzz_fail("size %s: %lld", s, v);
	if ((sig = hp_signal(s)) == 0 || sig < -1)
		fuzz_fail("signal %s: %d", s, sig);
	if (sig > 0)
		hp_signame(sig);
	hp_name_ok(s);
	hp_name_derive(name, sizeof name, s);
	if (!hp_name_ok(name))
		fuzz_fail("derived from %s, a bad name: %s", s, name);
	free(s);
	return 0;
}
