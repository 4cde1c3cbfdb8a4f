/* hp: see LICENSE. */
/*
 * envfile.c: fuzz env-files (hp_envfile_parse): what is read is
 * NAME=VALUE words, and written back in double quotes, reads the same.
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "fuzz.h"

/* NAME="VALUE", escaped as the parser reads it back. */
static void
put(struct hp_buf *b, const char *word)
{
	const char *eq = strchr(word, '=');

	hp_buf_add(b, word, (size_t)(eq - word));
	hp_buf_adds(b, "=\"");
	for (eq++; *eq != '\0'; eq++) {
		if (*eq == '"' || *eq == '\\')
			hp_buf_addc(b, '\\');
		if (*eq == '\n')
			hp_buf_adds(b, "\\n");
		else
			hp_buf_addc(b, *eq);
	}
	hp_buf_adds(b, "\"\n");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_buf b = { 0 };
	char **env = NULL, **again = NULL, msg[128];
	char *s = fuzz_str(data, size);
	size_t i;

	if (hp_envfile_parse(s, &env, msg, sizeof msg) == 0) {
		for (i = 0; env[i] != NULL; i++) {
			if (strchr(env[i], '=') == NULL || env[i][0] == '=')
				fuzz_fail("not NAME=VALUE: %s", env[i]);
			put(&b, env[i]);
		}
		if (hp_envfile_parse(hp_buf_str(&b), &again, msg,
		    sizeof msg) == -1)
			fuzz_fail("written back, refused: %s", msg);
		for (i = 0; env[i] != NULL; i++)
			if (again[i] == NULL || strcmp(env[i], again[i]) != 0)
				fuzz_fail("%s came back as %s", env[i],
				    again[i] ? again[i] : "nothing");
		if (again[i] != NULL)
			fuzz_fail("more came back: %s", again[i]);
	} else if (env != NULL)
		fuzz_fail("refused, yet words were added");
	hp_argv_free(env);
	hp_argv_free(again);
	hp_buf_free(&b);
	free(s);
	return 0;
}
