/* hp: see LICENSE. */
/*
 * http.c: fuzz the reader of HTTP response heads. The first byte says
 * how many of the next bytes are chunk sizes; the rest is the response,
 * fed in chunks of those sizes. The outcome must be the same as when it
 * is fed in one piece.
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "model/check.h"
#include "fuzz.h"

static int
feed(struct hp_http *h, const uint8_t *p, size_t n, const uint8_t *sz,
    size_t nsz)
{
	size_t at = 0, k, i = 0;
	int r = 0;

	hp_http_init(h);
	while (at < n && r == 0) {
		k = nsz > 0 ? sz[i++ % nsz] % 64 : n - at;
		if (k == 0 && (r = hp_http_feed(h, "", 0)) == 0)
			k = 1;		/* an empty read, then a byte */
		if (k > n - at)
			k = n - at;
		r = hp_http_feed(h, (const char *)p + at, k);
		at += k;
	}
	if (r == 0)
		r = hp_http_eof(h);
	if (hp_http_feed(h, "x", 1) != r || hp_http_eof(h) != r)
		fuzz_fail("the outcome changed once given");
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_http one, cut;
	size_t nsz;
	int r1, r2;

	if (size == 0)
		return 0;
	nsz = data[0] % 16;
	if (nsz > size - 1)
		nsz = size - 1;
	r1 = feed(&one, data + 1 + nsz, size - 1 - nsz, NULL, 0);
	r2 = feed(&cut, data + 1 + nsz, size - 1 - nsz, data + 1, nsz);
	if (r1 != r2 || one.status != cut.status ||
	    (r1 == -1 && strcmp(one.error, cut.error) != 0))
		fuzz_fail("whole: %d %d %s; in chunks: %d %d %s", r1,
		    one.status, r1 == -1 ? one.error : "", r2, cut.status,
		    r2 == -1 ? cut.error : "");
	if (r1 == 1 && (one.status < 100 || one.status > 999))
		fuzz_fail("status %d", one.status);
	return 0;
}
