/* hp: see LICENSE. */
/*
 * split.c: fuzz exec-line words. The input up to its first NUL is split,
 * each word quoted with hp_quote, and the line split again: the words
 * must come back. So must the input cut at NUL bytes, taken as words.
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "fuzz.h"

/* Quote the words, split the line: the same words, or abort. */
static void
roundtrip(char **w, int n)
{
	struct hp_buf b = { 0 };
	char **back;
	int i, k;

	for (i = 0; i < n; i++) {
		if (i > 0)
			hp_buf_addc(&b, ' ');
		hp_quote(&b, w[i]);
	}
	if (hp_split(hp_buf_str(&b), &back, &k) == -1)
		fuzz_fail("quoted, refused: %s: %s", hp_split_error(),
		    hp_buf_str(&b));
	if (k != n)
		fuzz_fail("%d words, %d back from %s", n, k, hp_buf_str(&b));
	for (i = 0; i < n; i++)
		if (strcmp(w[i], back[i]) != 0)
			fuzz_fail("word %d: \"%s\" came back as \"%s\"", i,
			    w[i], back[i]);
	hp_argv_free(back);
	hp_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **w, *s = fuzz_str(data, size), **nul;
	size_t i;
	int n = 0;

	if (hp_split(s, &w, &n) == 0) {
		roundtrip(w, n);
		hp_argv_free(w);
	} else if (*hp_split_error() == '\0')
		fuzz_fail("a failed split without a reason");
	nul = hp_xcalloc(size + 2, sizeof *nul);
	nul[0] = s;
	for (i = 0, n = 1; i < size; i++)
		if (s[i] == '\0')
			nul[n++] = s + i + 1;
	roundtrip(nul, n);
	free(nul);
	free(s);
	return 0;
}
