/* hp: see LICENSE. */
/* t_io.c: descriptors, atomic files, paths, the option parser, clocks. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

static void
test_files(void)
{
	char dir[] = "/tmp/hp-unit-XXXXXX", path[HP_PATH_MAX], buf[64];
	struct stat sb;
	int p[2], fl;

	CHECK(mkdtemp(dir) != NULL);
	CHECK(hp_path(path, sizeof path, "%s/f", dir) == 0);
	CHECK(hp_file_write(path, "one\n", 4, 0600) == 0);
	CHECK(hp_file_read(path, buf, sizeof buf) == 4);
	CHECK_STR(buf, "one\n");
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(hp_file_write(path, "two", 3, 0600) == 0);
	CHECK(hp_file_read(path, buf, sizeof buf) == 3);
	CHECK_STR(buf, "two");
	/* No temporary file is left behind. */
	CHECK(hp_path(path, sizeof path, "%s/f.tmp%ld", dir,
	    (long)getpid()) == 0 && access(path, F_OK) == -1);
	/* Reading stops short of the buffer's end, NUL-terminated. */
	CHECK(hp_path(path, sizeof path, "%s/f", dir) == 0);
	CHECK(hp_file_read(path, buf, 3) == 2);
	CHECK_STR(buf, "tw");
	/* A symbolic link is not followed. */
	CHECK(hp_path(buf, sizeof buf, "%s/l", dir) == 0);
	CHECK(symlink(path, buf) == 0);
	CHECK(hp_file_read(buf, path, sizeof path) == -1 && errno == ELOOP);
	/* Both ends close-on-exec; non-blocking when asked, else not. */
	CHECK(hp_pipe(p, 0) == 0);
	CHECK((fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0);
	CHECK((fcntl(p[1], F_GETFD) & FD_CLOEXEC) != 0);
	CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
	CHECK((fcntl(p[1], F_GETFL) & O_NONBLOCK) == 0);
	close(p[0]);
	close(p[1]);
	CHECK(hp_pipe(p, 1) == 0);
	fl = fcntl(p[0], F_GETFD);
	CHECK(fl != -1 && (fl & FD_CLOEXEC));
	CHECK((fcntl(p[1], F_GETFD) & FD_CLOEXEC) != 0);
	CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	CHECK((fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);
	CHECK(hp_write_all(p[1], "abc", 3) == 0);
	CHECK(hp_read(p[0], buf, sizeof buf) == 3);
	CHECK(hp_read(p[0], buf, sizeof buf) == -1 && errno == EAGAIN);
	close(p[0]);
	close(p[1]);
	CHECK(hp_rmtree(dir) == 0 && access(dir, F_OK) == -1);
	CHECK(hp_path(buf, 4, "%s", "abcd") == -1 && errno == ENAMETOOLONG);
	CHECK(hp_copy(buf, 4, "abc") == 0);
	CHECK(hp_copy(buf, 4, "abcd") == -1 && buf[0] == '\0');
}

static void
test_opt(void)
{
	static const struct hp_opt lo[] = {
		{ "json", NULL, 'j', "JSON" }, { "name", "name", 'n', "a name" },
		{ NULL, NULL, 0, NULL }
	};
	char *a1[] = { "x", "-ab", "-nfoo", "--json", "--name=bar",
	    "--name", "baz", "-n", "q", "--", "cmd", "-z", NULL };
	char *a2[] = { "x", "-q", "--nope", "--json=1", "-n", NULL };
	char *a3[] = { "x", "op", "-a", NULL };
	struct hp_getopt g = { 0 };
	int c;

	CHECK(hp_getopt(&g, 12, a1, "abn:", lo) == 'a');
	CHECK(hp_getopt(&g, 12, a1, "abn:", lo) == 'b');
	CHECK(hp_getopt(&g, 12, a1, "abn:", lo) == 'n');
	CHECK_STR(g.arg, "foo");
	CHECK(hp_getopt(&g, 12, a1, "abn:", lo) == 'j');
	CHECK(hp_getopt(&g, 12, a1, "abn:", lo) == 'n');
	CHECK_STR(g.arg, "bar");
	CHECK(hp_getopt(&g, 12, a1, "abn:", lo) == 'n');
	CHECK_STR(g.arg, "baz");
	CHECK(hp_getopt(&g, 12, a1, "abn:", lo) == 'n');
	CHECK_STR(g.arg, "q");
	CHECK(hp_getopt(&g, 12, a1, "abn:", lo) == -1);
	CHECK(g.dashdash == 1 && g.ind == 10);
	memset(&g, 0, sizeof g);
	CHECK(hp_getopt(&g, 5, a2, "n:", lo) == '?');
	CHECK_STR(g.bad, "unknown option -q");
	CHECK(hp_getopt(&g, 5, a2, "n:", lo) == '?');
	CHECK_STR(g.bad, "unknown option --nope");
	CHECK(hp_getopt(&g, 5, a2, "n:", lo) == '?');
	CHECK_STR(g.bad, "option --json takes no argument");
	c = hp_getopt(&g, 5, a2, "n:", lo);
	CHECK(c == '?');
	CHECK_STR(g.bad, "option -n needs an argument");
	memset(&g, 0, sizeof g);
	CHECK(hp_getopt(&g, 3, a3, "a", lo) == -1 && g.ind == 1 &&
	    !g.dashdash);
}

static void
test_time(void)
{
	char ts[32];
	long long a, b;

	hp_time_fmt(ts, 0);
	CHECK_STR(ts, "1970-01-01T00:00:00.000Z");
	hp_time_fmt(ts, 1795740600123LL);
	CHECK_STR(ts, "2026-11-27T00:50:00.123Z");
	hp_time_fmt(ts, 1767582245006LL);
	CHECK_STR(ts, "2026-01-05T03:04:05.006Z");
	hp_time_fmt(ts, 253402300800000LL);	/* past 9999: cut, not run over */
	CHECK_STR(ts, "10000-01-01T00:00:00.000Z");
	a = hp_mono_us();
	b = hp_mono_us();
	CHECK(b >= a);
	CHECK(hp_wall_ms() > 1700000000000LL);
}

void
test_io(void)
{
	test_files();
	test_opt();
	test_time();
}
