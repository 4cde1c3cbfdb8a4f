/* hp: see LICENSE. */
/* fuzz.h: what the libFuzzer targets in test/fuzz/ share; after hp.h. */

#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

char	*fuzz_str(const uint8_t *, size_t);	/* NUL-terminated; free() */
void	 fuzz_tmpdir(char *, size_t, const char *);	/* made 0700 */
void	 fuzz_fail(const char *, ...) HP_DEAD;	/* a broken promise: abort */

#endif
