/* hp: see LICENSE. */
/*
 * check.c: fuzz health checks (hp_check_parse); the request of an http
 * check is built, and must be one request: its six line ends, no more.
 */

#include <string.h>
#include <stdlib.h>

#include "hp.h"
#include "model/check.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_buf b = { 0 };
	struct hp_check c;
	char err[256], *s = fuzz_str(data, size);
	const char *p;
	int n = 0;

	if (hp_check_parse(&c, s, err, sizeof err) == 0 &&
	    c.kind == HP_CHECK_HTTP) {
		hp_http_request(&b, &c);
		for (p = hp_buf_str(&b); (p = strchr(p, '\n')) != NULL; p++)
			n++;
		if (n != 6 || strstr(b.p, "\r\n\r\n") != b.p + b.len - 4)
			fuzz_fail("check %s: request %s", s, b.p);
	}
	hp_check_free(&c);
	hp_buf_free(&b);
	free(s);
	return 0;
}
