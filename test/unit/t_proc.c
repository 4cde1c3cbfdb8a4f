/* hp: see LICENSE. */
/* t_proc.c: process identity, pidfiles, and spawning with an error pipe. */

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

static void
test_ident(void)
{
	char dir[] = "/tmp/hp-unit-XXXXXX", path[HP_PATH_MAX];
	struct hp_ident id, back;
	pid_t pid;
	int st;

	CHECK(hp_ident_get(getpid(), &id) == 0);
	CHECK(hp_ident_alive(&id) == 1);
	/* The same PID with another start time is somebody else. */
	back = id;
	back.start++;
	CHECK(hp_ident_alive(&back) == 0);
	CHECK(hp_ident_kill(&back, 0, 0) == -1 && errno == ESRCH);
	back = id;
	if (back.boot[0] != '\0') {
		back.boot[0] = back.boot[0] == '0' ? '1' : '0';
		CHECK(hp_ident_alive(&back) == 0);
	}
	CHECK(hp_ident_kill(&id, 0, 0) == 0);
	/* A process that has gone is not alive, zombie or reaped. */
	if ((pid = fork()) == 0)
		_exit(0);
	CHECK(hp_ident_get(pid, &id) == 0 || errno == ESRCH);
	hp_waitpid(pid, &st, 0);
	id.pid = pid;
	CHECK(hp_ident_alive(&id) == 0);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/pid", dir);
	CHECK(hp_ident_get(getpid(), &id) == 0);
	CHECK(hp_pidfile_write(path, &id) == 0);
	CHECK(hp_pidfile_read(path, &back) == 0);
	CHECK(back.pid == id.pid && back.start == id.start);
	CHECK(hp_file_write(path, "junk\n", 5, 0600) == 0);
	CHECK(hp_pidfile_read(path, &back) == -1 && errno == EINVAL);
	CHECK(hp_file_write(path, "1 5\n", 4, 0600) == 0);
	CHECK(hp_pidfile_read(path, &back) == -1);	/* never init */
	hp_rmtree(dir);
}

/* Run argv with stdout into a pipe; return what it printed. */
static int
run(char **argv, char **envp, const char *dir, char *out, size_t n,
    int *stage)
{
	struct hp_spawn sp;
	int p[2], st;
	ssize_t r, len = 0;
	pid_t pid;

	memset(&sp, 0, sizeof sp);
	if (hp_pipe(p, 0) == -1)
		return -1;
	sp.argv = argv;
	sp.envp = envp;
	sp.dir = dir;
	sp.fd[0] = -1;
	sp.fd[1] = p[1];
	sp.fd[2] = -1;
	sp.setsid = 1;
	pid = hp_spawn(&sp);
	*stage = sp.stage;
	close(p[1]);
	if (pid == -1) {
		st = errno;
		close(p[0]);
		errno = st;
		return -1;
	}
	while ((r = hp_read(p[0], out + len, n - 1 - (size_t)len)) > 0)
		len += r;
	out[len] = '\0';
	close(p[0]);
	hp_waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void
test_spawn(void)
{
	char out[512];
	char *sh_env[] = { "sh", "-c", "echo $HP_X:$PATH", NULL };
	char *sh_pwd[] = { "sh", "-c", "pwd", NULL };
	char *sh_sid[] = { "sh", "-c",
	    "read a b c d e f g < /proc/$$/stat; [ $f = $$ ] && echo own",
	    NULL };
	/* No pipeline, no glob: the shell itself opens nothing to look. */
	char *sh_fd[] = { "sh", "-c",
	    "for f in 3 4 5 50; do [ -e /proc/$$/fd/$f ] && echo $f; done; "
	    "echo end", NULL };
	char *missing[] = { "hp-no-such-command", NULL };
	char *slash[] = { "/nonexistent/cmd", NULL };
	char *noexec[] = { "/etc/passwd", NULL };
	char *env[] = { "HP_X=1", "PATH=/usr/bin:/bin", NULL };
	int stage, fd, r;

	CHECK(run(sh_env, env, NULL, out, sizeof out, &stage) == 0);
	CHECK_STR(out, "1:/usr/bin:/bin\n");
	CHECK(run(sh_pwd, env, "/tmp", out, sizeof out, &stage) == 0);
	CHECK_STR(out, "/tmp\n");
	CHECK(run(sh_sid, env, NULL, out, sizeof out, &stage) == 0);
	CHECK_STR(out, "own\n");
	/* A descriptor left open without CLOEXEC does not reach the child. */
	r = open("/dev/null", O_RDONLY);
	fd = fcntl(r, F_DUPFD, 50);
	close(r);
	CHECK(fd == 50);
	r = run(sh_fd, env, NULL, out, sizeof out, &stage);
	CHECK(r == 0);
	CHECK_STR(out, "end\n");
	close(fd);
	CHECK(run(missing, env, NULL, out, sizeof out, &stage) == -1 &&
	    errno == ENOENT && stage == 0);
	CHECK(hp_exec_status(ENOENT) == 127);
	CHECK(run(slash, env, NULL, out, sizeof out, &stage) == -1 &&
	    errno == ENOENT);
	CHECK(run(noexec, env, NULL, out, sizeof out, &stage) == -1 &&
	    errno == EACCES && stage == 0);
	CHECK(hp_exec_status(EACCES) == 126);
	CHECK(run(sh_pwd, env, "/nonexistent", out, sizeof out,
	    &stage) == -1 && errno == ENOENT && stage == 1);
}

/*
 * Two extra descriptors, each source sitting on the other's target: the
 * child must still get each where it is wanted, and nothing else.
 */
static void
test_extra(void)
{
	char *sh[] = { "sh", "-c", "echo x >&5; echo y >&6; "
	    "for f in 3 4 7; do [ -e /proc/$$/fd/$f ] && echo $f >&5; done; "
	    "exit 0", NULL };
	struct hp_spawn sp;
	int a[2], b[2], st, i, *e[4] = { &a[0], &a[1], &b[0], &b[1] };
	char out[64];
	ssize_t n;
	pid_t pid;

	if (hp_pipe(a, 0) == -1 || hp_pipe(b, 0) == -1) {
		CHECK(!"pipes");
		return;
	}
	/* The pipes out of the way, their write ends on 5 and 6. */
	for (i = 0; i < 4; i++) {
		st = fcntl(*e[i], F_DUPFD_CLOEXEC, 20);
		close(*e[i]);
		*e[i] = st;
	}
	CHECK(dup2(a[1], 5) == 5 && dup2(b[1], 6) == 6);
	close(a[1]);
	close(b[1]);
	memset(&sp, 0, sizeof sp);
	sp.argv = sh;
	sp.fd[0] = sp.fd[1] = sp.fd[2] = -1;
	sp.extra[0][0] = 6;
	sp.extra[0][1] = 5;
	sp.extra[1][0] = 5;
	sp.extra[1][1] = 6;
	pid = hp_spawn(&sp);
	close(5);
	close(6);
	CHECK(pid > 0);
	if (pid > 0)
		hp_waitpid(pid, &st, 0);
	n = hp_read(b[0], out, sizeof out - 1);
	out[n > 0 ? n : 0] = '\0';
	CHECK_STR(out, "x\n");
	n = hp_read(a[0], out, sizeof out - 1);
	out[n > 0 ? n : 0] = '\0';
	CHECK_STR(out, "y\n");
	close(a[0]);
	close(b[0]);
}

/* Until pid is gone (or a zombie), 2 s at most: 1 gone. */
static int
vanishes(pid_t pid)
{
	struct hp_pstat ps;
	int i;

	for (i = 0; i < 200; i++) {
		if (hp_pstat(pid, &ps) == -1 || ps.state == 'Z')
			return 1;
		poll(NULL, 0, 10);
	}
	return 0;
}

static int
member(const struct hp_kin *m, int n, pid_t pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (m[i].pid == pid)
			return 1;
	return 0;
}

/*
 * A leader in a session of its own, and a child of it that left for a
 * session of its own: found by ancestry while the leader lives; once it
 * is gone, only as a known one.
 */
static void
test_tree_ancestry(void)
{
	struct hp_kin m[64], known;
	struct hp_tree t;
	struct hp_pstat ps;
	char name[64], want[64];
	pid_t lead, esc;
	int p[2], n, st;

	CHECK(pipe(p) == 0);
	if ((lead = fork()) == 0) {
		setsid();
		if ((esc = fork()) == 0) {
			setsid();
			for (;;)
				pause();
		}
		(void)!write(p[1], &esc, sizeof esc);
		for (;;)
			pause();
	}
	CHECK(read(p[0], &esc, sizeof esc) == (ssize_t)sizeof esc);
	close(p[0]);
	close(p[1]);
	memset(&t, 0, sizeof t);
	t.leader = lead;
	n = hp_tree_list(&t, m, 64, 0);
	CHECK(n == 2 && member(m, n, lead) && member(m, n, esc));
	hp_tree_forget();
	n = hp_tree_list(&t, m, 64, 1);
	CHECK(n == 2 && member(m, n, lead) && member(m, n, esc));
	/* The leader gone, its child is init's: no one's we could tell. */
	kill(lead, SIGKILL);
	hp_waitpid(lead, &st, 0);
	CHECK(vanishes(lead));
	hp_tree_forget();
	CHECK(hp_tree_list(&t, m, 64, 1) == 0);
	/* Known from before, it is still found, and killed. */
	CHECK(hp_pstat(esc, &ps) == 0);
	known.pid = esc;
	known.start = ps.start;
	t.known = &known;
	t.nknown = 1;
	hp_tree_forget();
	n = hp_tree_list(&t, m, 64, 1);
	CHECK(n == 1 && m[0].pid == esc);
	hp_tree_names(m, n, name, sizeof name);
	snprintf(want, sizeof want, " (%ld)", (long)esc);
	CHECK(strstr(name, want) != NULL);
	CHECK(hp_tree_kill(&t) == 0);
	CHECK(vanishes(esc));
	/* Known by pid, but another start: somebody else, not touched. */
	known.start++;
	hp_tree_forget();
	CHECK(hp_tree_list(&t, m, 64, 1) == 0);
}

/*
 * A group held for its signal is looked at afresh: the look of a moment
 * before, which would serve otherwise, misses a child in a session of
 * its own that the leader made since.
 */
static void
test_tree_fresh(void)
{
	struct hp_kin m[64];
	struct hp_tree t;
	pid_t lead, late = 0;
	int go[2], back[2], st;
	char c;

	CHECK(pipe(go) == 0 && pipe(back) == 0);
	if ((lead = fork()) == 0) {
		setsid();
		if (read(go[0], &c, 1) == 1 && (late = fork()) == 0) {
			setsid();
			for (;;)
				pause();
		}
		(void)!write(back[1], &late, sizeof late);
		for (;;)
			pause();
	}
	memset(&t, 0, sizeof t);
	t.leader = lead;
	hp_tree_forget();
	CHECK(hp_tree_list(&t, m, 64, 1) == 1);
	CHECK(write(go[1], "x", 1) == 1);
	CHECK(read(back[0], &late, sizeof late) == (ssize_t)sizeof late);
	CHECK(late > 0);
	CHECK(hp_tree_signal(&t, SIGKILL) == 2);
	CHECK(vanishes(late));
	hp_waitpid(lead, &st, 0);
	if (late > 0)
		kill(late, SIGKILL);
	close(go[0]);
	close(go[1]);
	close(back[0]);
	close(back[1]);
}

/* The same in a cgroup: every member found, and killed both ways. */
static void
test_tree_cgroup(void)
{
	char base[HP_PATH_MAX], dir[HP_PATH_MAX], file[HP_PATH_MAX];
	char *argv[] = { "sh", "-c", "setsid sleep 100 & exec sleep 101",
	    NULL };
	struct hp_spawn sp;
	struct hp_kin m[64];
	struct hp_tree t;
	pid_t pid;
	int round, n, i, st;

	if (getuid() != 0 || hp_cgroup_base(base, sizeof base) == -1) {
		fprintf(stderr, "t_proc: no cgroup2 tree of ours: the cgroup "
		    "checks did not run\n");
		CHECK(getuid() != 0);
		return;
	}
	CHECK(hp_path(dir, sizeof dir, "%s/hp-%ld", base,
	    (long)getpid()) == 0);
	CHECK(hp_cgroup_make(dir) == 0);
	CHECK(hp_path(file, sizeof file, "%s/cgroup.procs", dir) == 0);
	memset(&t, 0, sizeof t);
	t.cg = dir;
	/*
	 * Round 0: made in its group by the kernel, where it can; round 1:
	 * the child moves itself in, as into a group cgroup.kill killed.
	 */
	for (round = 0; round < 2; round++) {
		memset(&sp, 0, sizeof sp);
		sp.argv = argv;
		sp.fd[0] = sp.fd[1] = sp.fd[2] = -1;
		sp.setsid = 1;
		sp.cgmove = round;
		CHECK((sp.cgfd = hp_open(dir, O_RDONLY | O_DIRECTORY, 0)) > 0);
		CHECK((pid = hp_spawn(&sp)) > 0);
		close(sp.cgfd);
		if (round == 1)
			CHECK(sp.joined == 0);
		else if (sp.joined == 0)
			fprintf(stderr, "t_proc: no clone3 into a cgroup here: "
			    "the child moved itself in\n");
		CHECK(hp_cgroup_of(pid, base, sizeof base) == 0);
		CHECK_STR(base, dir);
		/* sh and its two sleeps, one in a session of its own. */
		for (i = 0; i < 200 && (n = hp_tree_list(&t, m, 64, 1)) < 2;
		    i++)
			poll(NULL, 0, 10);
		CHECK(n == 2 && member(m, n, pid));
		CHECK(hp_cgroup_populated(dir) == 1);
		CHECK((round == 0 ? hp_cgroup_freezekill(dir) :
		    hp_cgroup_kill(dir)) >= 0);
		hp_waitpid(pid, &st, 0);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		for (i = 0; i < 200 && hp_cgroup_populated(dir) == 1; i++)
			poll(NULL, 0, 10);
		CHECK(hp_cgroup_populated(dir) == 0);
		CHECK(hp_tree_list(&t, m, 64, 1) == 0);
	}
	CHECK(hp_cgroup_remove(dir) == 0);
}

/* The record hook: the child's own pid and identity, to a file. */
static const char *recfile;

static int
rec_ok(void *arg)
{
	struct hp_ident id;

	(void)arg;
	if (hp_ident_get(getpid(), &id) == -1)
		return -1;
	return hp_pidfile_write(recfile, &id);
}

static int
rec_fail(void *arg)
{
	(void)arg;
	errno = EROFS;
	return -1;
}

/*
 * The child records itself before its exec, as who it is: the record is
 * there, and right, the moment hp_spawn() returns. A record that fails
 * runs nothing (stage 5, its errno), and the caller still learns the pid.
 */
static void
test_record(void)
{
	char dir[] = "/tmp/hp-t-rec.XXXXXX", file[128], ran[128];
	char *touch[] = { "sh", "-c", "touch \"$0\"", NULL, NULL };
	struct hp_spawn sp;
	struct hp_ident id, now;
	pid_t pid;
	int st;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof file, "%s/pid", dir);
	snprintf(ran, sizeof ran, "%s/ran", dir);
	recfile = file;
	touch[3] = ran;
	memset(&sp, 0, sizeof sp);
	sp.argv = touch;
	sp.fd[0] = sp.fd[1] = sp.fd[2] = -1;
	sp.setsid = 1;
	sp.record = rec_ok;
	pid = hp_spawn(&sp);
	CHECK(pid > 0 && sp.pid == pid);
	CHECK(hp_pidfile_read(file, &id) == 0 && id.pid == pid);
	CHECK(hp_ident_get(pid, &now) == 0 && now.start == id.start);
	hp_waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && access(ran, F_OK) == 0);
	unlink(ran);
	unlink(file);
	sp.record = rec_fail;
	CHECK(hp_spawn(&sp) == -1 && sp.stage == 5 && errno == EROFS);
	CHECK(sp.pid > 0 && kill(sp.pid, 0) == -1);	/* reaped */
	CHECK(access(ran, F_OK) == -1 && access(file, F_OK) == -1);
	hp_rmtree(dir);
}

/*
 * More children than 4 KiB of their pids: each is listed, none cut in
 * half (the list is read into room for as many as asked).
 */
#define KIDS	1000

static void
test_children_many(void)
{
	pid_t *kid = calloc(KIDS, sizeof *kid), *got = calloc(2 * KIDS,
	    sizeof *got);
	int p[2], i, k, n = 0, found = 0;
	char c;

	CHECK(kid != NULL && got != NULL && pipe(p) == 0);
	for (i = 0; i < KIDS; i++) {
		if ((kid[i] = fork()) == 0) {
			close(p[1]);
			(void)!read(p[0], &c, 1);	/* until the end */
			_exit(0);
		}
		if (kid[i] == -1)
			break;
	}
	CHECK(i == KIDS);
	n = hp_proc_children(getpid(), 1, got, 2 * KIDS);
	for (k = 0; k < i; k++) {
		int j;

		for (j = 0; j < n && got[j] != kid[k]; j++)
			;
		found += j < n;
	}
	CHECK(n >= i);
	CHECK(found == i);
	close(p[0]);
	close(p[1]);
	for (k = 0; k < i; k++)
		if (kid[k] > 0)
			hp_waitpid(kid[k], NULL, 0);
	free(kid);
	free(got);
}

void
test_proc(void)
{
	test_ident();
	test_spawn();
	test_record();
	test_extra();
	test_tree_ancestry();
	test_tree_fresh();
	test_tree_cgroup();
	test_children_many();
}
