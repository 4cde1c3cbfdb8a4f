/* hp: see LICENSE. */
/* conf.c: fuzz hp.conf(5): hp_conf_parse, then each section written. */

#include <stdlib.h>

#include "hp.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_buf b = { 0 };
	struct hp_conf c;
	char msg[512], *s = fuzz_str(data, size);
	int i;

	if (hp_conf_parse(&c, s, "/etc/hp/hp.conf", msg, sizeof msg) == 0) {
		for (i = 0; i < c.n; i++)
			hp_spec_write(&c.spec[i], &b);
		hp_conf_free(&c);
	}
	hp_buf_free(&b);
	free(s);
	return 0;
}
