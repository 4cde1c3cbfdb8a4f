/* hp: see LICENSE. */
/* pty.c: hp-pty's first byte and throughput beside a bare pty and script. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/term.h"

#include "bench.h"

/*
 * Bytes relayed for throughput: 200 MB, the size of the issue's `cat`,
 * from head(1) of /dev/zero rather than a file of that size (the same
 * bytes through the terminal without 200 MB of tmpfs). Each contender
 * takes its turn in every round, so that all see the same machine.
 */
#define BIG	200000000
#define BIGRUNS	5
#define WAYS	3		/* bare, hp-pty, script */

/* One run: us until the first byte, us until the end, bytes read. */
struct run {
	long long	first, all, bytes;
};

/* Read fd to its end (EOF or EIO) from t0 on; then reap pid. */
static void
drain(int fd, pid_t pid, long long t0, struct run *r)
{
	static char buf[65536];
	struct pollfd pfd;
	ssize_t n;
	int st;

	r->first = -1;
	r->bytes = 0;
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, 10000) <= 0)
			hp_fail(1, "bench", "no output within 10 s");
		if ((n = read(fd, buf, sizeof buf)) == -1 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		if (r->first == -1)
			r->first = hp_mono_us() - t0;
		r->bytes += n;
	}
	r->all = hp_mono_us() - t0;
	close(fd);
	hp_waitpid(pid, &st, 0);
}

/* argv on a new terminal of cols x rows, its controlling one, with the
 * environment envp (NULL: ours); the terminal's master in *fd. */
pid_t
on_pty(char **argv, char **envp, int cols, int rows, int *fd)
{
	struct hp_spawn sp;
	struct hp_pty p;
	pid_t pid;
	int s;

	if (hp_pty_open(&p, cols, rows) == -1 ||
	    (s = hp_pty_slave(&p)) == -1)
		hp_die("pty");
	memset(&sp, 0, sizeof sp);
	sp.argv = argv;
	sp.envp = envp;
	sp.fd[0] = sp.fd[1] = sp.fd[2] = s;
	sp.setsid = 1;
	sp.ctty = p.slave;
	if ((pid = hp_spawn(&sp)) == -1)
		hp_die("%s", argv[0]);
	close(s);
	*fd = p.master;
	return pid;
}

/* The baseline: a pty, and argv forked and exec'd on it, read bare. */
static void
bare(char **argv, struct run *r)
{
	long long t0 = hp_mono_us();
	pid_t pid;
	int fd;

	pid = on_pty(argv, NULL, 80, 24, &fd);
	drain(fd, pid, t0, r);
}

/* argv with stdin /dev/null and stdout a pipe, as Electron runs it. */
static void
piped(char **argv, struct run *r)
{
	long long t0 = hp_mono_us();
	struct hp_spawn sp;
	pid_t pid;
	int p[2];

	if (hp_pipe(p, 0) == -1)
		hp_die("pipe");
	memset(&sp, 0, sizeof sp);
	sp.argv = argv;
	sp.fd[0] = -1;
	sp.fd[1] = p[1];
	sp.fd[2] = 2;
	if ((pid = hp_spawn(&sp)) == -1)
		hp_die("%s", argv[0]);
	close(p[1]);
	drain(p[0], pid, t0, r);
}

/*
 * n rounds, each a run of every way that has an argv (bare, hp-pty,
 * script): the first bytes in us in v[way][round], or with big the
 * throughputs in kB/s (which median() then gives as MB/s).
 */
static void
rounds(char **argv[WAYS], int n, int big, long long v[WAYS][RUNS])
{
	void (*fn[WAYS])(char **, struct run *) = { bare, piped, piped };
	struct run r;
	int i, w;

	for (i = 0; i < n; i++)
		for (w = 0; w < WAYS; w++) {
			if (argv[w] == NULL)
				continue;
			fn[w](argv[w], &r);
			if (!big) {
				v[w][i] = r.first;
				continue;
			}
			if (r.bytes < BIG)
				hp_fail(1, "bench", "%s: %lld bytes of %d",
				    argv[w][0], r.bytes, BIG);
			v[w][i] = r.bytes * 1000 / (r.all > 0 ? r.all : 1);
		}
}

/* The bar, and the spread of n runs of hp and of the baseline. */
static void
spread(char *s, size_t size, const char *bar, long long *h, long long *b,
    int n)
{
	/* Sorted by median(): the ends are the least and the most. */
	snprintf(s, size, "%s; %d runs: %.0f-%.0f, base %.0f-%.0f", bar, n,
	    (double)h[0] / 1000, (double)h[n - 1] / 1000,
	    (double)b[0] / 1000, (double)b[n - 1] / 1000);
}

void
bench_pty(void)
{
	char path[HP_PATH_MAX], big[32], cmd[64], bar[160];
	char *echo[] = { "/bin/echo", "x", NULL };
	char *head[] = { "/usr/bin/head", "-c", big, "/dev/zero", NULL };
	char *hp[] = { path, "-S", st.dir, "--", NULL, NULL, NULL, NULL, NULL };
	char *sc[] = { "/usr/bin/script", "-qfc", NULL, "/dev/null", NULL };
	char **argv[WAYS];
	long long v[WAYS][RUNS];
	double b, h;
	int have_script = access(sc[0], X_OK) == 0;

	snprintf(big, sizeof big, "%d", BIG);
	snprintf(path, sizeof path, "%s/hp-pty", bindir);
	if (access(head[0], X_OK) == -1)
		head[0] = "/bin/head";
	hp[4] = echo[0];
	hp[5] = echo[1];
	sc[2] = "/bin/echo x";
	argv[0] = echo;
	argv[1] = hp;
	argv[2] = have_script ? sc : NULL;
	rounds(argv, RUNS, 0, v);
	b = median(v[0], RUNS);
	row("hp-pty until the first byte", median(v[1], RUNS), b, "ms",
	    "within 1.3x of bare openpty+fork+exec");
	if (have_script)
		row("script until the first byte", median(v[2], RUNS), b, "ms",
		    "peer");
	memcpy(hp + 4, head, 4 * sizeof *hp);
	snprintf(cmd, sizeof cmd, "%s -c %d /dev/zero", head[0], BIG);
	sc[2] = cmd;
	argv[0] = head;
	rounds(argv, BIGRUNS, 1, v);
	b = median(v[0], BIGRUNS);
	h = median(v[1], BIGRUNS);
	spread(bar, sizeof bar, "95 % of bare, and every peer", v[1], v[0],
	    BIGRUNS);
	row("hp-pty relay throughput, 200 MB", h, b, "MB/s", bar);
	if (have_script) {
		h = median(v[2], BIGRUNS);
		spread(bar, sizeof bar, "peer", v[2], v[0], BIGRUNS);
		row("script relay throughput, 200 MB", h, b, "MB/s", bar);
	}
}

#define TERMS	20

/* The size of the event log when this part began: its events follow. */
static off_t since;

static off_t
logsize(void)
{
	char file[HP_PATH_MAX];
	struct stat sb;

	if (hp_state_file(&st, file, sizeof file, HP_F_EVENTS_LOG) == -1 ||
	    stat(file, &sb) == -1)
		return 0;
	return sb.st_size;
}

/*
 * Terminals the supervisor keeps that have said something since this
 * part began: n or more. The log may be long by now (the chains of
 * thousands before it): only what came since is read.
 */
static int
spoke(int n)
{
	static const char quiet[] = "\"activity\":\"quiet\"";
	char file[HP_PATH_MAX], buf[(1 << 16) + sizeof quiet], *p;
	size_t keep = 0;
	ssize_t r;
	int fd, k = 0;

	if (hp_state_file(&st, file, sizeof file, HP_F_EVENTS_LOG) == -1 ||
	    (fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (lseek(fd, since, SEEK_SET) == -1) {
		close(fd);
		return 0;
	}
	/* A match may straddle two reads: the end of one is kept. */
	while ((r = read(fd, buf + keep, sizeof buf - 1 - keep)) > 0) {
		buf[keep + (size_t)r] = '\0';
		for (p = buf; (p = strstr(p, quiet)) != NULL; p++)
			k++;
		keep += (size_t)r;
		if (keep >= sizeof quiet - 1) {
			memmove(buf, buf + keep - (sizeof quiet - 2),
			    sizeof quiet - 2);
			keep = sizeof quiet - 2;
		}
	}
	close(fd);
	return k >= n;
}

/* Start terminal name, printing bytes of output; wait until it is quiet. */
void
terminal(const char *name, const char *bytes, int n)
{
	char path[HP_PATH_MAX], cmd[128];
	char *hp[] = { path, "-S", st.dir, "-d", "--quiet", "100ms", "-n",
	    (char *)name, "--", "/bin/sh", "-c", cmd, NULL };
	long long end = hp_mono_ms() + 10000;

	snprintf(path, sizeof path, "%s/hp-pty", bindir);
	snprintf(cmd, sizeof cmd, "head -c %s /dev/zero | tr '\\0' x; "
	    "exec sleep 100000", bytes);
	start(hp, 0);
	while (!spoke(n) && hp_mono_ms() < end)
		poll(NULL, 0, 10);
}

/*
 * The memory a detached terminal costs the supervisor: its PSS with one
 * terminal, then with TERMS more, idle (100 bytes written) and after
 * 200 KiB of output each (the scrollback grows with what comes).
 */
void
bench_terminals(void)
{
	char name[32], *down[] = { "hp-supervise", "-S", st.dir, "shutdown",
	    NULL };
	long long rss, one, pss, brss, bpss;
	int i;

	since = logsize();
	terminal("t0", "100", 1);
	memory(hp_state_supervisor(&st), &rss, &one);
	for (i = 1; i <= TERMS; i++) {
		snprintf(name, sizeof name, "t%d", i);
		terminal(name, "100", i + 1);
	}
	memory(hp_state_supervisor(&st), &rss, &pss);
	bare_memory(&brss, &bpss);
	row("detached terminal, idle (PSS)", (double)(pss - one) / TERMS,
	    (double)bpss, "KiB", "under 60 kB; base: a bare process");
	one = pss;
	for (i = 0; i < TERMS; i++) {
		snprintf(name, sizeof name, "u%d", i);
		terminal(name, "204800", TERMS + 2 + i);
	}
	memory(hp_state_supervisor(&st), &rss, &pss);
	row("detached terminal, 200 KiB said", (double)(pss - one) / TERMS,
	    (double)bpss, "KiB", "scrollback grows as output comes");
	start(down, 0);
}
