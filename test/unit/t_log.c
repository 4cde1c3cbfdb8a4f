/* hp: see LICENSE. */
/* t_log.c: timestamped logs of two streams, rotated by rename. */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

/* The log with its timestamps cut: "out a|err b|..." */
static void
strip(const char *path, char *out, size_t n)
{
	char buf[8192], *p, *nl;
	const char *text;
	int stream;

	out[0] = '\0';
	if (hp_file_read(path, buf, sizeof buf) < 0)
		return;
	for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (hp_log_parse(p, &stream, &text) == -1)
			snprintf(out + strlen(out), n - strlen(out), "BAD|");
		else
			snprintf(out + strlen(out), n - strlen(out), "%s %s|",
			    stream ? "err" : "out", text);
	}
}

void
test_log(void)
{
	char dir[] = "/tmp/hp-unit-XXXXXX", path[HP_PATH_MAX];
	char file[HP_PATH_MAX + 8], out[8192], big[600];
	struct hp_logger lg;
	struct stat sb;
	const char *text;
	int stream, i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/log", dir);
	memset(&lg, 0, sizeof lg);
	lg.path = path;
	lg.max = 1024;
	lg.count = 3;
	CHECK(hp_log_write(&lg, 0, "a\nb", 3) == 0);
	CHECK(hp_log_write(&lg, 0, "c\n", 2) == 0);
	CHECK(hp_log_write(&lg, 1, "e1\n", 3) == 0);
	CHECK(hp_log_write(&lg, 0, "half", 4) == 0);
	CHECK(hp_log_write(&lg, 1, "e2\n", 3) == 0);
	strip(path, out, sizeof out);
	CHECK_STR(out, "out a|out bc|err e1|out half|err e2|");
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(hp_log_parse("2026-11-27T00:50:00.123Z err x y", &stream,
	    &text) == 0 && stream == 1);
	CHECK_STR(text, "x y");
	CHECK(hp_log_parse("2026-11-27T00:50:00.123Z bad x", &stream,
	    &text) == -1);
	CHECK(hp_log_parse("short", &stream, &text) == -1);
	/* Past the size, the file is renamed away; count files at most. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 2] = '\n';
	for (i = 0; i < 10; i++)
		CHECK(hp_log_write(&lg, 0, big, sizeof big - 1) == 0);
	hp_path(file, sizeof file, "%s.1", path);
	CHECK(access(file, F_OK) == 0);
	hp_path(file, sizeof file, "%s.2", path);
	CHECK(access(file, F_OK) == 0);
	hp_path(file, sizeof file, "%s.3", path);
	CHECK(access(file, F_OK) == -1);
	CHECK(stat(path, &sb) == 0 && sb.st_size <= 2 * 1024);
	hp_rmtree(dir);
}
