/* hp: see LICENSE. */
/*
 * version.c: fuzz hp_version_parse: the text against the default and a
 * fixed expression, then against an expression from the input (its first
 * byte says how long, up to 63 bytes).
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "client/detect.h"
#include "fuzz.h"

#define TEXT_MAX	4096	/* glibc's matcher is slow on long texts */

static void
one(const char *re, const char *text)
{
	char ver[64], raw[256];
	const char *p;

	if (hp_version_parse(re, text, ver, sizeof ver, raw, sizeof raw) == 0 &&
	    strstr(text, ver) == NULL && strlen(ver) < sizeof ver - 1)
		fuzz_fail("version %s is not in the text", ver);
	for (p = raw; *p != '\0'; p++)
		if ((unsigned char)*p < ' ')
			fuzz_fail("a control byte in the raw line");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *re, *text;
	size_t n;

	if (size == 0)
		return 0;
	n = data[0] % 64;
	if (n > size - 1)
		n = size - 1;
	if (size - 1 - n > TEXT_MAX)
		return 0;
	re = fuzz_str(data + 1, n);
	text = fuzz_str(data + 1 + n, size - 1 - n);
	one(NULL, text);
	one("([0-9]+\\.[0-9]+(\\.[0-9]+)?)", text);
	one(re, text);
	free(re);
	free(text);
	return 0;
}
