/* hp: see LICENSE. */
/*
 * metrics.c: what looking costs: hp-ls --top beside top(1), both on a
 * terminal of their own, and the supervisor's sampler of 500 processes
 * beside a naive full pass over the same trees; and the services of
 * daemontools that peers.c drives (sv_*).
 */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#include "bench.h"

#define WINDOW	10000	/* ms a CPU figure is measured over */

/* The first of paths that can be run, or NULL. */
const char *
which(const char *const *paths)
{
	for (; *paths != NULL; paths++)
		if (access(*paths, X_OK) == 0)
			return *paths;
	return NULL;
}

/* CPU time of pid, user and system, in ms; -1 when it is gone. */
double
cpu_ms(pid_t pid)
{
	struct hp_pstat ps;
	long hz = sysconf(_SC_CLK_TCK);

	if (hp_pstat(pid, &ps) == -1 || hz <= 0)
		return -1;
	return (double)ps.cpu * 1000.0 / (double)hz;
}

/* Our own CPU time, in us. */
static long long
self_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
	    1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* The pid of the service of supervise(8) in dir, from its status
 * file (bytes 12 to 15, little-endian); 0 when it is down. */
pid_t
sv_pid(const char *dir)
{
	char path[SVPATH + 32];
	unsigned char b[32];

	if (snprintf(path, sizeof path, "%s/supervise/status", dir) >=
	    (int)sizeof path)
		return 0;
	if (hp_file_read(path, (char *)b, sizeof b) < 18)
		return 0;
	return (pid_t)((unsigned long)b[12] | (unsigned long)b[13] << 8 |
	    (unsigned long)b[14] << 16 | (unsigned long)b[15] << 24);
}

/* Until each service of dirs is up (up 1) or down (0): -1 after 10 s. */
int
sv_wait(char dirs[][SVPATH], int up)
{
	long long end = hp_mono_us() + 10000000;
	int i;

	for (i = 0; i < NSV; i++)
		while ((sv_pid(dirs[i]) != 0) != up) {
			if (hp_mono_us() > end)
				return -1;
			poll(NULL, 0, 1);
		}
	return 0;
}

/* NSV services of daemontools in PREFIX.svI, each under its
 * supervise, mark its run (a link to it). */
int
sv_start(const char *prefix, char dirs[][SVPATH], pid_t *pids,
    const char *supervise, const char *mark)
{
	char *argv[3], path[SVPATH + 8];
	int i;

	for (i = 0; i < NSV; i++) {
		snprintf(dirs[i], SVPATH, "%s.sv%d", prefix, i);
		if (mkdir(dirs[i], 0700) == -1 && errno != EEXIST)
			hp_die("%s", dirs[i]);
		if (snprintf(path, sizeof path, "%s/run", dirs[i]) >=
		    (int)sizeof path)
			hp_fail(1, "bench", "%s: too long", dirs[i]);
		if (symlink(mark, path) == -1)
			hp_die("%s", path);
		argv[0] = (char *)supervise;
		argv[1] = dirs[i];
		argv[2] = NULL;
		pids[i] = start(argv, 1);
	}
	return sv_wait(dirs, 1);
}

/* Down and out: svc -dx on each, then each supervise reaped. */
void
sv_stop(char dirs[][SVPATH], const pid_t *pids, const char *svc)
{
	char *argv[NSV + 3];
	int i;

	argv[0] = (char *)svc;
	argv[1] = "-dx";
	for (i = 0; i < NSV; i++)
		argv[i + 2] = dirs[i];
	argv[NSV + 2] = NULL;
	start(argv, 0);
	for (i = 0; i < NSV; i++)
		hp_waitpid(pids[i], NULL, 0);
}

static char *tty_env[] = { "TERM=xterm", "LC_ALL=C", "HOME=/nonexistent",
    "PATH=/usr/bin:/bin", NULL };

/* Read fd for ms, what comes thrown away; 0 at its end. */
static int
drain_for(int fd, long long ms)
{
	static char buf[65536];
	long long end = hp_mono_us() + ms * 1000, left;
	struct pollfd pfd;
	ssize_t n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((left = end - hp_mono_us()) > 0) {
		if (poll(&pfd, 1, (int)(left / 1000) + 1) <= 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			return 0;
	}
	return 1;
}

/* CPU % of argv on a terminal over WINDOW, after 2 s to settle; with
 * also (0: none), that process's CPU in the same while in *also_pct. */
static double
tty_cpu(char **argv, pid_t also, double *also_pct)
{
	double c0, c1, a0 = 0, a1 = 0;
	pid_t pid;
	int fd;

	pid = on_pty(argv, tty_env, 100, 40, &fd);
	drain_for(fd, 2000);
	c0 = cpu_ms(pid);
	if (also > 0)
		a0 = cpu_ms(also);
	drain_for(fd, WINDOW);
	c1 = cpu_ms(pid);
	if (also > 0)
		a1 = cpu_ms(also);
	if (c0 < 0 || c1 < 0)
		hp_fail(1, "bench", "%s ended early", argv[0]);
	(void)!write(fd, "q", 1);
	while (drain_for(fd, 5000))
		kill(pid, SIGTERM);
	close(fd);
	hp_waitpid(pid, NULL, 0);
	if (also_pct != NULL)
		*also_pct = (a1 - a0) * 100.0 / WINDOW;
	return (c1 - c0) * 100.0 / WINDOW;
}

/* hp-ls --top of the 50 that run beside top(1), a refresh a second. */
void
bench_top(void)
{
	static const char *const tp[] = { "/usr/bin/top", "/bin/top",
	    "/usr/local/bin/top", NULL };
	char path[HP_PATH_MAX];
	char *hp[] = { path, "--top", "-S", st.dir, NULL };
	char *top[] = { NULL, "-d", "1", NULL };
	double h, sup, b;

	snprintf(path, sizeof path, "%s/hp-ls", bindir);
	h = tty_cpu(hp, hp_state_supervisor(&st), &sup);
	if ((top[0] = (char *)which(tp)) == NULL) {
		row("hp-ls --top of 50, 1/s", h, 0, "%",
		    "under 1 %; top(1) not installed");
		return;
	}
	b = tty_cpu(top, 0, NULL);
	row("hp-ls --top of 50, 1/s", h, b, "%", "under 1 %; base: top -d 1");
	row("  the same + its supervisor", h + sup, b, "%",
	    "(the supervisor samples all 50 too)");
}

/* The naive pass: stat, statm, smaps_rollup, the descriptors and the
 * children of every process of every tree, read anew. */
static void
naive(const pid_t *pids, int n)
{
	static const char *const files[] = { "stat", "statm", "smaps_rollup",
	    "task/%ld/children" };
	char path[128], name[64], buf[8192];
	struct dirent *de;
	DIR *d;
	int i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 4; k++) {
			snprintf(name, sizeof name, files[k], (long)pids[i]);
			snprintf(path, sizeof path, "/proc/%ld/%s",
			    (long)pids[i], name);
			(void)hp_file_read(path, buf, sizeof buf);
		}
		snprintf(path, sizeof path, "/proc/%ld/fd", (long)pids[i]);
		if ((d = opendir(path)) != NULL) {
			while ((de = readdir(d)) != NULL)
				;
			closedir(d);
		}
	}
}

/*
 * The supervisor of n processes sampled every second (its hp.conf has
 * [supervisor] metrics-interval = 1s), beside a naive full pass of the
 * same trees a second; then with sampling off (metrics-interval = 0,
 * reloaded). pidof(i) is the pid of the i-th process.
 */
void
bench_sampler(const char *conf, int n, pid_t (*pidof)(int))
{
	static const char off_conf[] = "[supervisor]\nmetrics-interval = 0\n";
	char *reload[] = { "hp-supervise", "-S", st.dir, "reload", NULL };
	pid_t sup = hp_state_supervisor(&st), *pids;
	double c0, c1, on, off;
	long long t0;
	char what[64];
	int i, passes = 5;

	pids = hp_xcalloc((size_t)n, sizeof *pids);
	for (i = 0; i < n; i++)
		pids[i] = pidof(i);
	poll(NULL, 0, 3000);	/* past the first samples of each */
	c0 = cpu_ms(sup);
	poll(NULL, 0, WINDOW);
	c1 = cpu_ms(sup);
	on = (c1 - c0) * 100.0 / WINDOW;
	t0 = self_us();
	for (i = 0; i < passes; i++)
		naive(pids, n);
	snprintf(what, sizeof what, "supervisor CPU, %d sampled 1/s", n);
	row(what, on, (double)(self_us() - t0) / passes / 10000.0, "%",
	    "under 1 %; base: a naive full pass a second");
	if (hp_file_write(conf, off_conf, sizeof off_conf - 1, 0600) == -1)
		hp_die("%s", conf);
	start(reload, 0);
	poll(NULL, 0, 1000);
	c0 = cpu_ms(sup);
	poll(NULL, 0, WINDOW);
	c1 = cpu_ms(sup);
	off = (c1 - c0) * 100.0 / WINDOW;
	snprintf(what, sizeof what, "supervisor CPU, %d unsampled", n);
	row(what, off, 0, "%", "(metrics-interval = 0)");
	free(pids);
}
