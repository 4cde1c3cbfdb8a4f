/* hp: see LICENSE. */
/* save.c: what a state directory keeps, written as one hp.conf(5). */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * hp-supervise save: every process the state directory records, as a
 * section of hp.conf(5) written by the key table (hp_spec_section), in
 * the order of its names; a process with instances is one section
 * (instances = N). The text is read back as -f reads it before it is
 * written: a file that -f would refuse is never made. It holds the
 * recorded environment, secrets included: mode 0600, written to a
 * temporary file and renamed, so that a reader sees the old or the new.
 */

/* $XDG_CONFIG_HOME/hp/saved.conf, else ~/.config/hp/saved.conf. */
int
hp_save_default(char *out, size_t n)
{
	const char *e;

	if ((e = getenv("XDG_CONFIG_HOME")) != NULL && *e == '/')
		return hp_path(out, n, "%s/hp/saved.conf", e);
	if ((e = getenv("HOME")) != NULL && *e == '/')
		return hp_path(out, n, "%s/.config/hp/saved.conf", e);
	errno = ENOENT;
	return -1;
}

/* The directory of the default file, 0700 where it is made. */
static int
parents(const char *path)
{
	char dir[HP_PATH_MAX], *slash;

	hp_copy(dir, sizeof dir, path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	return hp_mkdirs(dir, 0700);
}

/* The sections of every recorded process into b; how many in *saved. */
static int
sections(const struct hp_state *st, struct hp_buf *b, int *saved,
    struct hp_error *e)
{
	struct hp_spec sp;
	char **names, file[HP_PATH_MAX], msg[HP_PATH_MAX + 256];
	int i, n, r = 0;

	if (hp_state_names(st, &names, &n) == -1)
		return hp_error_sys(e, "%s/procs", st->dir);
	for (i = 0; i < n && r == 0; i++) {
		/* One removed while we look is no longer to save. */
		if (hp_proc_file(st, file, sizeof file, names[i],
		    HP_P_SPEC) == -1 || access(file, F_OK) == -1)
			continue;
		if (hp_spec_load(&sp, names[i], file, msg, sizeof msg) == -1) {
			r = hp_error_set(e, HP_EXIT_FAIL, "state-dir", "%s",
			    msg);
			break;
		}
		hp_buf_addc(b, '\n');
		hp_spec_section(&sp, b);
		hp_spec_free(&sp);
		(*saved)++;
	}
	if (names != NULL)
		hp_argv_free(names);
	return r;
}

int
hp_save(const struct hp_state *st, const char *path, int made, int *saved,
    struct hp_error *e)
{
	struct hp_buf b = { 0 };
	struct hp_conf c;
	char msg[HP_PATH_MAX + 256], *text;
	int r;

	*saved = 0;
	hp_buf_printf(&b, "# hp.conf(5) of what %s keeps, written by "
	    "hp-supervise save.\n# hp-supervise -f FILE brings it back. It "
	    "holds their environment: keep it mode 0600.\n", st->dir);
	if (sections(st, &b, saved, e) == -1) {
		hp_buf_free(&b);
		return -1;
	}
	if (*saved == 0) {
		hp_buf_free(&b);
		return hp_error_set(e, HP_EXIT_FAIL, "not-found", "%s: nothing "
		    "to save; %s is left as it was", st->dir, path);
	}
	text = hp_xstrdup(hp_buf_str(&b));
	r = hp_conf_parse(&c, text, path, msg, sizeof msg);
	free(text);
	if (r == -1) {
		hp_buf_free(&b);
		return hp_error_set(e, HP_EXIT_FAIL, "config", "save: -f would "
		    "refuse it: %s", msg);
	}
	hp_conf_free(&c);
	if ((made && parents(path) == -1) ||
	    hp_file_write(path, b.p, b.len, 0600) == -1)
		r = hp_error_sys(e, "%s", path);
	hp_buf_free(&b);
	return r;
}
