/* hp: see LICENSE. */
/*
 * peers.c: hp beside daemontools and a bare baseline on the paths of a
 * supervisor, measured in the same run, interleaved: start a stopped
 * service until it has exec'd, restart after SIGKILL, status of 50, stop
 * of 50 until every pid is gone. Once with the state directory (and the
 * service directories of daemontools) on a tmpfs, once on a disk, each
 * place checked with statfs(2). Every program started is mark (mark.c):
 * its pid on a FIFO the bench reads is the one sign of an exec for all
 * three.
 */

#define _XOPEN_SOURCE 700	/* nftw(3): what the bench made, removed */

#ifdef __linux__
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hp.h"

#include "bench.h"

#define STOPS	7		/* runs of stop 50: each starts 50 again */
#define QUIET	1100		/* ms: supervise(8) sleeps 1 s after a start */
#define PAUSE	100		/* ms before each restart of the second row
				   (HP_BENCH_PAUSE: another) */

struct side {
	const char	*kind;		/* tmpfs or disk */
	char		 base[HP_PATH_MAX];
	char		 fifo[HP_PATH_MAX + 8];
	char		 prefix[HP_PATH_MAX + 8];	/* of the sv dirs */
	struct hp_state	 st;
	int		 rfd, wfd;	/* the FIFO, and a writer kept */
	char		 dirs[NSV][SVPATH];
	pid_t		 sup[NSV];	/* each supervise(8) */
	char		 names[NSV][16];
};

/* Figures of one path: hp, daemontools, bare, in us, n of each. */
struct fig {
	long long	 h[RUNS], d[RUNS], b[RUNS];
	int		 n;
};

static const char *supervise, *svc, *svstat;
static char markpath[HP_PATH_MAX];
static char mbuf[4096];
static size_t mlen;

/*
 * What file system path is on, in what: 1 a tmpfs, 0 another, -1 not
 * checked (no statfs f_type here, or it failed).
 */
static int
fs_kind(const char *path, char *what, size_t n)
{
#ifdef __linux__
	static const struct {
		unsigned long	 magic;
		const char	*name;
	} known[] = {
		{ 0x01021994, "tmpfs" }, { 0xef53, "ext2/ext3/ext4" },
		{ 0x58465342, "xfs" }, { 0x9123683e, "btrfs" },
		{ 0x794c7630, "overlay" }, { 0x2fc12fc1, "zfs" },
		{ 0xf2f52010, "f2fs" }, { 0x6969, "nfs" },
	};
	struct statfs sf;
	struct stat sb;
	const char *name = "another";
	size_t i;

	if (statfs(path, &sf) == -1 || stat(path, &sb) == -1) {
		snprintf(what, n, "not checked: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if ((unsigned long)sf.f_type == known[i].magic)
			name = known[i].name;
	snprintf(what, n, "%s (statfs f_type 0x%08lx), device %u:%u", name,
	    (unsigned long)sf.f_type, major(sb.st_dev), minor(sb.st_dev));
	return (unsigned long)sf.f_type == 0x01021994;
#else
	(void)path;
	snprintf(what, n, "file system not checked (no statfs f_type here)");
	return -1;
#endif
}

/* A new directory of ours on a tmpfs (tmpfs 1) or a disk (0) in s->base,
 * and what it is on in what; -1 when none of the usual places is one. */
static int
place(struct side *s, int tmpfs, char *what, size_t n)
{
	char test[HP_PATH_MAX];
	const char *where[5];
	int i, k = 0, kind;

	/* The repository's test/: we run from its top (test/bench/run). */
	if (getcwd(test, sizeof test - 8) == NULL)
		hp_die("getcwd");
	hp_copy(test + strlen(test), sizeof test - strlen(test), "/test");
	if (tmpfs) {
		where[k++] = getenv("XDG_RUNTIME_DIR");
		where[k++] = "/dev/shm";
		where[k++] = "/run/shm";
	} else {
		where[k++] = test;
		where[k++] = "/var/tmp";
		where[k++] = getenv("TMPDIR");
		where[k++] = "/tmp";
	}
	for (i = 0; i < k; i++) {
		if (where[i] == NULL || access(where[i], W_OK) == -1)
			continue;
		kind = fs_kind(where[i], what, n);
		/* Unchecked, a place is taken by its name. */
		if (kind != -1 && kind != tmpfs)
			continue;
		snprintf(s->base, sizeof s->base, "%s/hp-peers.XXXXXX",
		    where[i]);
		if (mkdtemp(s->base) == NULL)
			continue;
		return 0;
	}
	return -1;
}

/* The pid of the next mark, -1 after 10 s. */
static pid_t
mark_next(int fd)
{
	long long end = hp_mono_us() + 10000000, left;
	struct pollfd pfd;
	char *nl;
	pid_t pid;
	ssize_t n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if ((nl = memchr(mbuf, '\n', mlen)) != NULL) {
			*nl = '\0';
			pid = (pid_t)atol(mbuf);
			mlen -= (size_t)(nl + 1 - mbuf);
			memmove(mbuf, nl + 1, mlen);
			return pid;
		}
		if ((left = (end - hp_mono_us()) / 1000) <= 0)
			return -1;
		if (poll(&pfd, 1, (int)left + 1) <= 0)
			continue;
		n = read(fd, mbuf + mlen, sizeof mbuf - mlen);
		if (n > 0)
			mlen += (size_t)n;
	}
}

/* The marks of n programs, or die. */
static void
marks(struct side *s, int n, const char *what)
{
	while (n-- > 0)
		if (mark_next(s->rfd) == -1)
			hp_fail(1, "bench", "%s: no mark within 10 s", what);
}

static void
drain(struct side *s)
{
	char buf[4096];

	mlen = 0;
	while (read(s->rfd, buf, sizeof buf) > 0)
		;
}

/* Until none of pids[0..n) is there any more (reaped), or die. */
static void
gone(const pid_t *pids, int n)
{
	struct timespec ts = { 0, 100000 };
	long long end = hp_mono_us() + 10000000;
	int i = 0;

	while (i < n) {
		if (kill(pids[i], 0) == -1 && errno == ESRCH) {
			i++;
			continue;
		}
		if (hp_mono_us() > end)
			hp_fail(1, "bench", "pid %ld still there after 10 s",
			    (long)pids[i]);
		nanosleep(&ts, NULL);
	}
}

/* Run argv to its end; with mark, until its mark came too: in us. */
static long long
until(struct side *s, char **argv, int mark)
{
	long long t0 = hp_mono_us();
	pid_t pid = start(argv, 1);
	int status;

	if (mark)
		marks(s, 1, argv[0]);
	hp_waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		hp_fail(1, "bench", "%s failed (status %d)", argv[0], status);
	return hp_mono_us() - t0;
}

/* A pid to signal: never 0 or less (kill(0) is our own group). */
static pid_t
proven(pid_t pid, const char *who)
{
	if (pid <= 0)
		hp_fail(1, "bench", "%s: no pid", who);
	return pid;
}

static pid_t
hp_pid(struct side *s, int i)
{
	char file[HP_PATH_MAX];
	struct hp_ident id;

	hp_proc_file(&s->st, file, sizeof file, s->names[i], HP_P_PID);
	return proven(hp_pidfile_read(file, &id) == 0 ? id.pid : 0,
	    s->names[i]);
}

/* hp-supervise -S DIR VERB NAME|all, waited for; with mark, its mark. */
static long long
verb(struct side *s, const char *v, const char *name, int mark)
{
	char *argv[] = { "hp-supervise", "-S", s->st.dir, (char *)v,
	    (char *)name, NULL };

	return until(s, argv, mark);
}

/* svc OPT on dirs[i], or on all of them (i -1). */
static long long
svc_do(struct side *s, const char *opt, int i, int mark)
{
	char *argv[NSV + 3];
	int k, n = 0;

	argv[n++] = (char *)svc;
	argv[n++] = (char *)opt;
	for (k = 0; k < NSV; k++)
		if (i == -1 || k == i)
			argv[n++] = s->dirs[k];
	argv[n] = NULL;
	return until(s, argv, mark);
}

/* Bare: fork+exec of mark, until its mark; left running in *pid. */
static long long
bare_start(struct side *s, pid_t *pid)
{
	char *argv[] = { markpath, NULL };
	long long t0 = hp_mono_us();

	*pid = start(argv, 1);
	marks(s, 1, "mark");
	return hp_mono_us() - t0;
}

static void
reap(pid_t pid)
{
	kill(pid, SIGKILL);
	hp_waitpid(pid, NULL, 0);
}

static void all_down(struct side *);

static void
set_up(struct side *s)
{
	char path[HP_PATH_MAX + 8], env[HP_PATH_MAX + 32];
	char *sup[] = { "hp-supervise", "-b", "-S", NULL, NULL };
	char *spawn[] = { "hp-spawn", "-S", NULL, "-n", NULL,
	    "--backoff-min", "0", "--max-restarts", "0", "-e", env, "--",
	    markpath, NULL };
	struct hp_error e;
	int i;

	snprintf(s->fifo, sizeof s->fifo, "%s/mark", s->base);
	if (mkfifo(s->fifo, 0600) == -1)
		hp_die("%s", s->fifo);
	if ((s->rfd = open(s->fifo, O_RDONLY | O_NONBLOCK)) == -1 ||
	    (s->wfd = open(s->fifo, O_WRONLY | O_NONBLOCK)) == -1)
		hp_die("%s", s->fifo);
	hp_cloexec(s->rfd);
	hp_cloexec(s->wfd);
	if (setenv("HP_BENCH_MARK", s->fifo, 1) == -1)
		hp_die("setenv");
	snprintf(env, sizeof env, "HP_BENCH_MARK=%s", s->fifo);
	snprintf(path, sizeof path, "%s/state", s->base);
	if (hp_state_need(&s->st, path, 1, &e) == -1)
		hp_fail_error(&e);
	sup[3] = spawn[2] = s->st.dir;
	start(sup, 0);
	for (i = 0; i < NSV; i++) {
		snprintf(s->names[i], sizeof s->names[i], "p%d", i);
		spawn[4] = s->names[i];
		start(spawn, 0);
	}
	marks(s, NSV, "hp-spawn");
	if (supervise != NULL) {
		snprintf(s->prefix, sizeof s->prefix, "%s/sv", s->base);
		if (sv_start(s->prefix, s->dirs, s->sup, supervise,
		    markpath) == -1)
			hp_fail(1, "bench", "supervise: not up within 10 s");
	}
	all_down(s);
}

/* All 50 of each stopped. */
static void
all_down(struct side *s)
{
	verb(s, "stop", "all", 0);
	if (supervise != NULL) {
		svc_do(s, "-d", -1, 0);
		if (sv_wait(s->dirs, 0) == -1)
			hp_fail(1, "bench", "supervise: not down within 10 s");
	}
	drain(s);
}

static int
rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == -1 ? -1 : 0;
}

static void
tear_down(struct side *s)
{
	char *down[] = { "hp-supervise", "-S", s->st.dir, "shutdown", NULL };

	start(down, 0);
	if (supervise != NULL)
		sv_stop(s->dirs, s->sup, svc);
	close(s->rfd);
	close(s->wfd);
	if (nftw(s->base, rm, 16, FTW_DEPTH | FTW_PHYS) == -1)
		fprintf(stderr, "bench: %s: not all removed\n", s->base);
}

/* All 50 of each up, past the second supervise(8) sleeps after. */
static void
all_up(struct side *s)
{
	verb(s, "start", "all", 0);
	if (supervise != NULL) {
		svc_do(s, "-u", -1, 0);
		if (sv_wait(s->dirs, 1) == -1)
			hp_fail(1, "bench", "supervise: not up within 10 s");
	}
	poll(NULL, 0, QUIET);
	drain(s);
}

/*
 * The same asked by one line to each supervisor's control FIFO, as a
 * program that keeps no client process does (hp(7), control; the Node
 * client; supervise(8)'s "u"): no answer, until the mark.
 */
static long long
line_to(const char *fifo, const char *line)
{
	long long t0 = hp_mono_us();
	int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd == -1 || hp_write_all(fd, line, strlen(line)) == -1)
		hp_die("%s", fifo);
	close(fd);
	return t0;
}

static void
lines(struct side *s, struct fig *f)
{
	char fifo[HP_PATH_MAX + 32], line[64];
	long long t0;
	pid_t pid;
	int i;

	for (i = 0; i < RUNS; i++) {
		snprintf(fifo, sizeof fifo, "%s/control", s->st.dir);
		snprintf(line, sizeof line, "- start %s\n", s->names[i]);
		t0 = line_to(fifo, line);
		marks(s, 1, "hp: start");
		f->h[i] = hp_mono_us() - t0;
		if (supervise != NULL) {
			snprintf(fifo, sizeof fifo, "%s/supervise/control",
			    s->dirs[i]);
			t0 = line_to(fifo, "u");
			marks(s, 1, "supervise: u");
			f->d[i] = hp_mono_us() - t0;
		}
		f->b[i] = bare_start(s, &pid);
		reap(pid);
	}
	f->n = RUNS;
	all_down(s);
}

/* Start a stopped service, each run another one of the 50. */
static void
starts(struct side *s, struct fig *f)
{
	pid_t pid;
	int i;

	for (i = 0; i < RUNS; i++) {
		f->h[i] = verb(s, "start", s->names[i], 1);
		if (supervise != NULL)
			f->d[i] = svc_do(s, "-u", i, 1);
		f->b[i] = bare_start(s, &pid);
		reap(pid);
	}
	f->n = RUNS;
	/* All 50 up for what follows. */
	all_up(s);
}

/*
 * SIGKILL, until the next one has exec'd: each run another one; with a
 * pause of that many ms before each kill, as restarts come in life (a
 * system that saw no fork or cgroup move for a while may be slower to
 * do the next: Linux waits out an RCU grace period to move a process
 * into a cgroup after a quiet moment).
 */
static void
restarts(struct side *s, struct fig *f, int pause)
{
	long long t0;
	pid_t pid;
	int i;

	for (i = 0; i < RUNS; i++) {
		pid = hp_pid(s, i);
		poll(NULL, 0, pause);
		t0 = hp_mono_us();
		kill(pid, SIGKILL);
		if (mark_next(s->rfd) <= 0)
			hp_fail(1, "bench", "hp: no restart within 10 s");
		f->h[i] = hp_mono_us() - t0;
		if (supervise != NULL) {
			pid = proven(sv_pid(s->dirs[i]), s->dirs[i]);
			poll(NULL, 0, pause);
			t0 = hp_mono_us();
			kill(pid, SIGKILL);
			if (mark_next(s->rfd) <= 0)
				hp_fail(1, "bench", "supervise: no restart");
			f->d[i] = hp_mono_us() - t0;
		}
		bare_start(s, &pid);
		poll(NULL, 0, pause);
		t0 = hp_mono_us();
		reap(pid);
		bare_start(s, &pid);
		f->b[i] = hp_mono_us() - t0;
		reap(pid);
	}
	f->n = RUNS;
}

/* hp-ls of 50 (CPU and memory), svstat of 50, bare: fork+exec+wait. */
static void
status(struct side *s, struct fig *f)
{
	char *ls[] = { "hp-ls", "-S", s->st.dir, NULL };
	char *bare[] = { "/bin/true", NULL };
	char *sv[NSV + 2];
	int i, fd, saved = dup(1);

	sv[0] = (char *)svstat;
	for (i = 0; i < NSV; i++)
		sv[i + 1] = s->dirs[i];
	sv[NSV + 1] = NULL;
	if ((fd = open("/dev/null", O_WRONLY)) == -1)
		hp_die("/dev/null");
	dup2(fd, 1);
	for (i = 0; i < RUNS; i++) {
		f->h[i] = until(s, ls, 0);
		if (supervise != NULL)
			f->d[i] = until(s, sv, 0);
		f->b[i] = until(s, bare, 0);
	}
	dup2(saved, 1);
	close(fd);
	close(saved);
	f->n = RUNS;
}

/*
 * Stop all 50 until every pid is gone (reaped by its supervisor); then
 * all 50 again. svc returns as soon as it has asked, hp-supervise stop
 * once each stop is recorded: both are timed until the pids are gone,
 * and hp's verb until it returns too (in returned).
 */
static long long returned[STOPS];

static void
stops(struct side *s, struct fig *f)
{
	char *argv[] = { "hp-supervise", "-S", s->st.dir, "stop", "all",
	    NULL };
	pid_t pids[NSV], pid;
	long long t0;
	int i, k, status;

	for (k = 0; k < STOPS; k++) {
		for (i = 0; i < NSV; i++)
			pids[i] = hp_pid(s, i);
		t0 = hp_mono_us();
		pid = start(argv, 1);
		gone(pids, NSV);
		f->h[k] = hp_mono_us() - t0;
		hp_waitpid(pid, &status, 0);
		returned[k] = hp_mono_us() - t0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			hp_fail(1, "bench", "hp-supervise stop all failed "
			    "(status %d)", status);
		if (supervise != NULL) {
			for (i = 0; i < NSV; i++)
				pids[i] = proven(sv_pid(s->dirs[i]),
				    s->dirs[i]);
			t0 = hp_mono_us();
			svc_do(s, "-d", -1, 0);
			gone(pids, NSV);
			f->d[k] = hp_mono_us() - t0;
		}
		f->b[k] = bare_stop(NSV);
		if (k == STOPS - 1)
			break;
		all_up(s);
	}
	f->n = STOPS;
}

/* "median (first-third quartile)" of v, in ms; its median in *m. */
static void
cell(char *out, size_t n, long long *v, int k, double *m)
{
	*m = median(v, k);
	snprintf(out, n, "%.2f (%.2f-%.2f)", *m, (double)v[k / 4] / 1000,
	    (double)v[(3 * k) / 4] / 1000);
}

static int
bigger(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * "median (first-third quartile)" of a[i] / b[i]: each run's ratio, of
 * two figures taken in the same turn, so that a machine that slows
 * down or speeds up in the row moves both.
 */
static void
ratio(char *out, size_t n, const long long *a, const long long *b, int k)
{
	double r[RUNS];
	int i, m = 0;

	for (i = 0; i < k; i++)
		if (b[i] > 0)	/* a run too short to time says nothing */
			r[m++] = (double)a[i] / (double)b[i];
	if (m == 0) {
		snprintf(out, n, "-");
		return;
	}
	qsort(r, (size_t)m, sizeof *r, bigger);
	snprintf(out, n, "%.2f (%.2f-%.2f)", r[m / 2], r[m / 4],
	    r[(3 * m) / 4]);
}

static void
show(const char *what, struct fig *f)
{
	char h[48], d[48], b[48], rd[48], rb[48];
	double m;

	/* The ratios first: cell() sorts each column on its own. */
	if (supervise != NULL)
		ratio(rd, sizeof rd, f->h, f->d, f->n);
	else
		snprintf(rd, sizeof rd, "-");
	ratio(rb, sizeof rb, f->h, f->b, f->n);
	cell(h, sizeof h, f->h, f->n, &m);
	cell(b, sizeof b, f->b, f->n, &m);
	if (supervise != NULL)
		cell(d, sizeof d, f->d, f->n, &m);
	else
		snprintf(d, sizeof d, "not installed");
	printf("%-24s %-22s %-22s %-22s %-19s %s\n", what, h, d, b, rd, rb);
	fflush(stdout);
}

static void
side(struct side *s, int tmpfs)
{
	static struct fig f;
	char what[HP_PATH_MAX + 128];
	const char *v = getenv("HP_BENCH_PAUSE");
	int pause = v != NULL && atoi(v) > 0 ? atoi(v) : PAUSE;

	memset(s, 0, sizeof *s);
	s->kind = tmpfs ? "tmpfs" : "disk";
	if (place(s, tmpfs, what, sizeof what) == -1) {
		printf("state on %s: no such place found (%s): not measured\n",
		    s->kind, tmpfs ? "$XDG_RUNTIME_DIR, /dev/shm, /run/shm" :
		    "test/, /var/tmp, $TMPDIR, /tmp");
		return;
	}
	printf("state on %s: %s: %s\n", s->kind, s->base, what);
	fflush(stdout);
	set_up(s);
	lines(s, &f);
	show("start by a control line", &f);
	starts(s, &f);
	show("start until exec'd", &f);
	restarts(s, &f, 0);
	show("restart after SIGKILL", &f);
	poll(NULL, 0, QUIET);
	restarts(s, &f, pause);
	snprintf(what, sizeof what, "the same, %d ms apart", pause);
	show(what, &f);
	status(s, &f);
	show("status of 50", &f);
	poll(NULL, 0, QUIET);
	stops(s, &f);
	show("stop 50 until all gone", &f);
	printf("  hp-supervise stop all returned at %.2f ms, each stop "
	    "recorded\n", median(returned, STOPS));
	tear_down(s);
}

void
bench_peers(void)
{
	static const char *const sp[] = { "/usr/bin/supervise",
	    "/usr/local/bin/supervise", "/command/supervise", NULL };
	static const char *const ss[] = { "/usr/bin/svstat",
	    "/usr/local/bin/svstat", "/command/svstat", NULL };
	static const char *const sc[] = { "/usr/bin/svc",
	    "/usr/local/bin/svc", "/command/svc", NULL };
	static struct side s;

	supervise = which(sp);
	svstat = which(ss);
	svc = which(sc);
	if (supervise == NULL || svstat == NULL || svc == NULL)
		supervise = svstat = svc = NULL;
	if (getcwd(markpath, sizeof markpath - 20) == NULL)
		hp_die("getcwd");
	hp_copy(markpath + strlen(markpath), sizeof markpath -
	    strlen(markpath), "/test/bench/mark");
	printf("\npeers: hp beside daemontools and bare, ms: median "
	    "(quartiles); %d runs, stop %d; a ratio is that of each run\n",
	    RUNS, STOPS);
	printf("%-24s %-22s %-22s %-22s %-19s %s\n", "path", "hp",
	    "daemontools", "bare", "hp/dt", "hp/bare");
	side(&s, 1);
	side(&s, 0);
	printf("bare: fork+exec of a program that writes its pid to a FIFO; "
	    "status: fork+exec+wait of /bin/true; stop: SIGTERM to 50, "
	    "reaped\n\n");
	fflush(stdout);
}
