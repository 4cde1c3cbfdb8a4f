/* hp: see LICENSE. */
/*
 * req.c: fuzz the reader of request heads of the metrics responder, as
 * it reads them: the head so far, parsed again each time more of it has
 * come. Before the first answer (1 or -1) every prefix wants more (0);
 * an answer stays the same once the head is all there; a status is one
 * of those the responder can say, a path starts with '/', and nothing is
 * read past the bytes given (the input has no NUL after it).
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "model/check.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_req r, first;
	char *exact;
	size_t n, at = 0;
	int k, got = 0;

	if (size > HP_REQ_MAX + 16)
		size = HP_REQ_MAX + 16;
	exact = hp_xmalloc(size > 0 ? size : 1);
	memcpy(exact, data, size);
	for (n = 0; n <= size; n++) {
		k = hp_req_parse(&r, exact, n);
		if (k == 0)
			continue;
		if (!got) {
			got = k;
			at = n;
			first = r;
		}
		if (k != got || r.status != first.status ||
		    strcmp(r.path, first.path) != 0)
			fuzz_fail("%zu bytes: %d %d; at %zu: %d %d", n, k,
			    r.status, at, got, first.status);
		if (k == -1 && r.status != 400 && r.status != 405 &&
		    r.status != 414 && r.status != 431 && r.status != 505)
			fuzz_fail("status %d", r.status);
		if (k == 1 && (r.status != 0 || r.path[0] != '/' ||
		    (r.minor != 0 && r.minor != 1 && r.minor > 9)))
			fuzz_fail("whole, yet %d %s", r.status, r.path);
		if (memchr(r.path, '\0', sizeof r.path) == NULL ||
		    memchr(r.method, '\0', sizeof r.method) == NULL)
			fuzz_fail("unterminated");
		break;		/* what follows a whole head is no head */
	}
	if (size >= HP_REQ_MAX && got == 0)
		fuzz_fail("%zu bytes and still wanting more", size);
	free(exact);
	return 0;
}
