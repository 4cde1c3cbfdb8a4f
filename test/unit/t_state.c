/* hp: see LICENSE. */
/* t_state.c: the state directory: where, created how, refused when. */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

/* Does the layout of hp(7) list name (a line of its own, first word)? */
static int
listed(const char *layout, const char *name)
{
	const char *p = layout, *w;
	size_t n = strlen(name);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p += p != NULL) {
		for (w = p; *w == ' '; w++)
			;
		if (strncmp(w, name, n) == 0 && (w[n] == ' ' || w[n] == '/' ||
		    w[n] == '\n'))
			return 1;
	}
	return 0;
}

/* Every file state.c makes is in the layout that hp(7) draws. */
static void
test_layout(void)
{
	static char page[65536];
	char *a, *b;
	int f, missing = 0;

	CHECK(hp_file_read("man/hp.7", page, sizeof page) > 0);
	a = strstr(page, "The layout is:\n.Bd -literal");
	b = a != NULL ? strstr(a, "\n.Ed\n") : NULL;
	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	*b = '\0';
	for (f = 0; f < HP_F_N; f++)
		if (!listed(a, hp_state_filename(f))) {
			fprintf(stderr, "hp(7) lacks STATE/%s\n",
			    hp_state_filename(f));
			missing++;
		}
	for (f = HP_P_DIR + 1; f < HP_P_N; f++)
		if (!listed(a, hp_proc_filename(f))) {
			fprintf(stderr, "hp(7) lacks procs/NAME/%s\n",
			    hp_proc_filename(f));
			missing++;
		}
	CHECK(missing == 0);
	CHECK(listed(a, "procs/NAME") && listed(a, "procs/.spawn-PID") &&
	    listed(a, "log.1") && listed(a, "ID.in") && listed(a, "PID.N"));
	CHECK(hp_state_filename(HP_F_N) == NULL &&
	    hp_proc_filename(HP_P_DIR) == NULL);
}

static void
test_resolve(void)
{
	struct hp_state st;
	char want[HP_PATH_MAX];

	unsetenv("HP_STATE_DIR");
	unsetenv("XDG_RUNTIME_DIR");
	setenv("TMPDIR", "/var/tmp", 1);
	CHECK(hp_state_resolve(&st, NULL) == 0);
	snprintf(want, sizeof want, "/var/tmp/hp-%ld", (long)geteuid());
	CHECK_STR(st.dir, want);
	setenv("TMPDIR", "relative", 1);	/* not absolute: ignored */
	CHECK(hp_state_resolve(&st, NULL) == 0);
	snprintf(want, sizeof want, "/tmp/hp-%ld", (long)geteuid());
	CHECK_STR(st.dir, want);
	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	CHECK(hp_state_resolve(&st, NULL) == 0);
	CHECK_STR(st.dir, "/run/user/7/hp");
	setenv("HP_STATE_DIR", "/x/y", 1);
	CHECK(hp_state_resolve(&st, NULL) == 0);
	CHECK_STR(st.dir, "/x/y");
	CHECK(hp_state_resolve(&st, "/opt/s") == 0);
	CHECK_STR(st.dir, "/opt/s");
	CHECK(hp_state_resolve(&st, "rel") == 0);
	CHECK(st.dir[0] == '/' && strcmp(st.dir + strlen(st.dir) - 4,
	    "/rel") == 0);
	unsetenv("HP_STATE_DIR");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("TMPDIR");
}

static void
test_open(void)
{
	char base[] = "/tmp/hp-unit-XXXXXX", link[HP_PATH_MAX];
	struct hp_state st;
	struct stat sb;
	char **names;
	int n;

	CHECK(mkdtemp(base) != NULL);
	snprintf(st.dir, sizeof st.dir, "%s/s", base);
	CHECK(hp_state_open(&st, 0) == -1 && errno == ENOENT);
	CHECK(hp_state_open(&st, 1) == 0);
	CHECK(stat(st.dir, &sb) == 0 && (sb.st_mode & 0777) == 0700);
	CHECK(hp_state_names(&st, &names, &n) == 0 && n == 0);
	CHECK(hp_proc_file(&st, link, sizeof link, "b", HP_P_DIR) == 0 &&
	    mkdir(link, 0700) == 0);
	CHECK(hp_proc_file(&st, link, sizeof link, "a", HP_P_DIR) == 0 &&
	    mkdir(link, 0700) == 0);
	CHECK(hp_proc_file(&st, link, sizeof link, ".spawn-1", HP_P_DIR) == 0 &&
	    mkdir(link, 0700) == 0);
	CHECK(hp_state_names(&st, &names, &n) == 0 && n == 2);
	if (n == 2) {
		CHECK_STR(names[0], "a");
		CHECK_STR(names[1], "b");
	}
	hp_argv_free(names);
	/* Open to others: refused, and the reason names the mode. */
	chmod(st.dir, 0777);
	CHECK(hp_state_open(&st, 1) == -1 && errno == EACCES);
	CHECK(strstr(hp_state_error(), "0777") != NULL);
	chmod(st.dir, 0700);
	/* A symbolic link, even to a good directory: refused. */
	snprintf(link, sizeof link, "%s/l", base);
	CHECK(symlink(st.dir, link) == 0);
	snprintf(st.dir, sizeof st.dir, "%s", link);
	CHECK(hp_state_open(&st, 1) == -1 && errno == ELOOP);
	CHECK(strstr(hp_state_error(), "symbolic link") != NULL);
	/* Another owner (when we can make one). */
	if (geteuid() == 0) {
		snprintf(st.dir, sizeof st.dir, "%s/s", base);
		CHECK(chown(st.dir, 65534, 65534) == 0);
		CHECK(hp_state_open(&st, 1) == -1 && errno == EACCES);
		CHECK(strstr(hp_state_error(), "owned by uid 65534") != NULL);
	}
	CHECK(hp_rmtree(base) == 0);
}

static void
test_lock(void)
{
	char dir[] = "/tmp/hp-unit-XXXXXX", path[HP_PATH_MAX];
	int fd, p[2];
	pid_t pid;
	char c;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/lock", dir);
	CHECK(hp_lock_holder(path) == 0);
	CHECK((fd = hp_lock_take(path)) >= 0);
	/* fcntl locks are per process: ask from a child. */
	CHECK(pipe(p) == 0);
	if ((pid = fork()) == 0) {
		c = hp_lock_holder(path) == getppid() &&
		    hp_lock_take(path) == -1 && errno == EAGAIN;
		_exit(write(p[1], &c, 1) == 1 ? 0 : 1);
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1 && c == 1);
	close(p[0]);
	hp_waitpid(pid, NULL, 0);
	close(fd);
	CHECK(hp_lock_holder(path) == 0);
	CHECK(hp_rmtree(dir) == 0);
}

/*
 * A client that gives up at its deadline has let the wall clock pass it
 * first, as the supervisor reads it (whole ms); a wait shorter than its
 * deadline is not made longer.
 */
static void
test_deadline(void)
{
	char base[] = "/tmp/hp-unit-XXXXXX", line[64];
	struct hp_state st;
	struct hp_client c;
	long long t0;
	int i;

	CHECK(mkdtemp(base) != NULL);
	snprintf(st.dir, sizeof st.dir, "%s/s", base);
	CHECK(hp_state_open(&st, 1) == 0);
	CHECK(hp_client_open(&c, &st) == 0);
	for (i = 0; i < 5; i++) {
		c.deadline = hp_wall_ms() + 1;
		CHECK(hp_client_line(&c, line, sizeof line, 0) == -1 &&
		    errno == ETIMEDOUT);
		CHECK(hp_wall_ms() > c.deadline);
	}
	t0 = hp_mono_ms();
	c.deadline = hp_wall_ms() + 10000;
	CHECK(hp_client_line(&c, line, sizeof line, 0) == -1 &&
	    errno == ETIMEDOUT);
	CHECK(hp_mono_ms() - t0 < 1000);
	hp_client_close(&c);
	CHECK(hp_rmtree(base) == 0);
}

void
test_state(void)
{
	test_resolve();
	test_open();
	test_lock();
	test_layout();
	test_deadline();
}
