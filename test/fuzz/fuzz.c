/* hp: see LICENSE. */
/* fuzz.c: helpers of the fuzz targets: a string of the input, a failure. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "fuzz.h"

char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = hp_xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * A directory of its own under $TMPDIR, which make fuzz points into its
 * work directory: libFuzzer ends without running atexit handlers.
 */
void
fuzz_tmpdir(char *dir, size_t n, const char *name)
{
	const char *t = getenv("TMPDIR");

	if (t == NULL || *t == '\0')
		t = "/tmp";
	if (hp_path(dir, n, "%s/hp-fuzz-%s.XXXXXX", t, name) == -1 ||
	    mkdtemp(dir) == NULL)
		fuzz_fail("a directory in %s", t);
}

/* libFuzzer takes an abort for a crash and keeps the input. */
void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}
