/* hp: see LICENSE. */
/*
 * spec.c: fuzz the spec keys: "key = value" lines of the input, each to
 * hp_spec_set. A spec with an exec line is then written, loaded back
 * with hp_spec_load and written again: both writes must be the same.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "fuzz.h"

static char dir[HP_PATH_MAX], file[HP_PATH_MAX];

static void
cleanup(void)
{
	unlink(file);
	rmdir(dir);
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s + strlen(s); e > s && strchr(" \t\r\v\f", e[-1]) != NULL;)
		*--e = '\0';
	return s;
}

static void
reload(const struct hp_spec *sp, struct hp_buf *b)
{
	struct hp_buf again = { 0 };
	struct hp_spec sp2;
	char msg[512];

	if (dir[0] == '\0') {
		fuzz_tmpdir(dir, sizeof dir, "spec");
		hp_path(file, sizeof file, "%s/spec", dir);
		atexit(cleanup);
	}
	if (hp_file_write(file, b->p, b->len, 0600) == -1)
		fuzz_fail("write %s", file);
	if (hp_spec_load(&sp2, sp->name, file, msg, sizeof msg) == -1)
		fuzz_fail("written, refused: %s\n%s", msg, hp_buf_str(b));
	hp_spec_write(&sp2, &again);
	if (strcmp(hp_buf_str(b), hp_buf_str(&again)) != 0)
		fuzz_fail("written:\n%s\nloaded and written:\n%s",
		    hp_buf_str(b), hp_buf_str(&again));
	hp_spec_free(&sp2);
	hp_buf_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_buf b = { 0 };
	struct hp_spec sp;
	char msg[512], *s = fuzz_str(data, size), *line, *next, *eq;

	hp_spec_init(&sp, "fuzz", HP_SERVICE);
	for (line = s; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		hp_spec_set(&sp, trim(line), trim(eq + 1), msg, sizeof msg);
	}
	hp_spec_write(&sp, &b);
	if (sp.argv != NULL)
		reload(&sp, &b);
	hp_spec_free(&sp);
	hp_buf_free(&b);
	free(s);
	return 0;
}
