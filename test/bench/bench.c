/* hp: see LICENSE. */
/* bench.c: hp's figures beside bare baselines measured in the same run. */

#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#include "bench.h"

const char *bindir;
struct hp_state st;

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

double
median(long long *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return (double)v[n / 2] / 1000.0;
}

/* Start argv (a command of ours when it has no slash); wait unless bg. */
pid_t
start(char **argv, int bg)
{
	char path[HP_PATH_MAX], *cmd = argv[0];
	struct hp_spawn sp;
	pid_t pid;
	int status;

	memset(&sp, 0, sizeof sp);
	if (strchr(cmd, '/') == NULL) {
		snprintf(path, sizeof path, "%s/%s", bindir, cmd);
		argv[0] = path;
	}
	sp.argv = argv;
	sp.fd[0] = sp.fd[1] = -1;
	sp.fd[2] = 2;
	pid = hp_spawn(&sp);
	argv[0] = cmd;
	if (pid == -1)
		hp_die("%s", cmd);
	if (bg)
		return pid;
	hp_waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		hp_fail(1, "bench", "%s failed (status %d)", cmd, status);
	return 0;
}

static long long
timed(char **argv)
{
	long long t0 = hp_mono_us();

	start(argv, 0);
	return hp_mono_us() - t0;
}

void
row(const char *what, double hp, double base, const char *unit,
    const char *bar)
{
	char ratio[32];

	if (base > 0)
		snprintf(ratio, sizeof ratio, "%.2fx", hp / base);
	else
		snprintf(ratio, sizeof ratio, "-");
	printf("%-34s %9.2f %-3s %9.2f %-3s %7s   %s\n", what, hp, unit, base,
	    unit, ratio, bar);
	fflush(stdout);
}

static void
spawn_named(const char *name, const char *backoff)
{
	char *argv[] = { "hp-spawn", "-S", st.dir, "-n", (char *)name,
	    "--backoff-min", (char *)backoff, "--max-restarts", "0", "--",
	    "/bin/sleep", "100000", NULL };

	start(argv, 0);
}

/* Median time from fork to exec, bare and through hp-spawn. */
static void
bench_spawn(void)
{
	char *bare[] = { "/bin/true", NULL };
	char name[32], *argv[] = { "hp-spawn", "-S", st.dir, "-n", name,
	    "--", "/bin/sleep", "100000", NULL };
	long long h[RUNS], b[RUNS], t0;
	pid_t pid;
	int i;

	for (i = 0; i < RUNS; i++) {
		t0 = hp_mono_us();
		pid = start(bare, 1);	/* returns once exec'd */
		b[i] = hp_mono_us() - t0;
		hp_waitpid(pid, NULL, 0);
		snprintf(name, sizeof name, "s%d", i);
		h[i] = timed(argv);
	}
	row("spawn until exec'd", median(h, RUNS), median(b, RUNS), "ms",
	    "within 2x of bare fork+exec");
}

static pid_t
pidof(const char *name)
{
	char file[HP_PATH_MAX];
	struct hp_ident id;

	hp_proc_file(&st, file, sizeof file, name, HP_P_PID);
	return hp_pidfile_read(file, &id) == 0 ? id.pid : 0;
}

/* The pid of the i-th of bench_memory's processes. */
static pid_t
mpid(int i)
{
	char name[32];

	snprintf(name, sizeof name, "m%d", i);
	return pidof(name);
}

/* From SIGKILL to the next process:started of the same name. */
static void
bench_restart(void)
{
	char *sleeper[] = { "/bin/sleep", "100000", NULL };
	char path[HP_PATH_MAX], line[HP_LINE_MAX], *p, *nl;
	struct hp_client c;
	long long h[RUNS], b[RUNS], t0;
	pid_t pid;
	int i;

	spawn_named("victim", "0");
	if (hp_client_open(&c, &st) == -1)
		hp_die("subscribe");
	for (i = 0; i < RUNS; i++) {
		pid = pidof("victim");
		t0 = hp_mono_us();
		kill(pid, SIGKILL);
		for (;;) {
			if (hp_client_line(&c, line, sizeof line, 5000) == -1)
				hp_die("no restart");
			if (strstr(line, "\"process:started\"") &&
			    strstr(line, "\"victim\""))
				break;
		}
		h[i] = hp_mono_us() - t0;
		/* Bare: kill a child of our own, reap it, start it again. */
		pid = start(sleeper, 1);
		t0 = hp_mono_us();
		kill(pid, SIGKILL);
		hp_waitpid(pid, NULL, 0);
		pid = start(sleeper, 1);
		b[i] = hp_mono_us() - t0;
		kill(pid, SIGKILL);
		hp_waitpid(pid, NULL, 0);
	}
	hp_client_close(&c);
	(void)path;
	(void)p;
	(void)nl;
	row("restart after SIGKILL", median(h, RUNS), median(b, RUNS), "ms",
	    "under 2 ms");
}

/* Resident and proportional memory of pid, in KiB, from smaps_rollup. */
void
memory(pid_t pid, long long *rss, long long *pss)
{
	char path[64], buf[4096], *p;

	*rss = *pss = -1;
	snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", (long)pid);
	if (hp_file_read(path, buf, sizeof buf) <= 0)
		return;
	if ((p = strstr(buf, "\nRss:")) != NULL)
		*rss = strtoll(p + 5, NULL, 10);
	if ((p = strstr(buf, "\nPss:")) != NULL)
		*pss = strtoll(p + 5, NULL, 10);
}

static pid_t
supervisor(void)
{
	return hp_state_supervisor(&st);
}

/* A bare process for scale: a child of ours that only waits. */
void
bare_memory(long long *rss, long long *pss)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) == -1)
		hp_die("pipe");
	if ((pid = fork()) == -1)
		hp_die("fork");
	if (pid == 0) {
		close(p[0]);
		(void)!write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	(void)!read(p[0], &c, 1);
	close(p[0]);
	memory(pid, rss, pss);
	kill(pid, SIGKILL);
	hp_waitpid(pid, NULL, 0);
}

static long long pss_one;

/* PSS: the supervisor's own share of memory, shared pages divided. */
static void
bench_memory(int *have, int want)
{
	char name[32], what[64];
	long long rss, pss, brss, bpss;

	for (; *have < want; (*have)++) {
		snprintf(name, sizeof name, "m%d", *have);
		spawn_named(name, "100ms");
	}
	memory(supervisor(), &rss, &pss);
	bare_memory(&brss, &bpss);
	snprintf(what, sizeof what, "supervisor PSS, %d process%s", want,
	    want == 1 ? "" : "es");
	row(what, (double)pss / 1024, (double)bpss / 1024, "MiB",
	    "under 1 MiB; base: a bare process");
	snprintf(what, sizeof what, "supervisor RSS, %d process%s", want,
	    want == 1 ? "" : "es");
	row(what, (double)rss / 1024, (double)brss / 1024, "MiB",
	    "(shared libc pages counted whole)");
	if (want == 1)
		pss_one = pss;
	else
		row("supervisor memory per process", (double)(pss - pss_one) /
		    (want - 1), 0, "KiB", "under 16 KiB");
}

static void
bench_ls(void)
{
	char *ls[] = { "hp-ls", "-S", st.dir, NULL };
	char *bare[] = { "/bin/true", NULL };
	long long h[RUNS], b[RUNS];
	int i, fd, saved = dup(1);

	fd = open("/dev/null", O_WRONLY);
	for (i = 0; i < RUNS; i++) {
		dup2(fd, 1);
		h[i] = timed(ls);
		b[i] = timed(bare);
		dup2(saved, 1);
	}
	close(fd);
	close(saved);
	row("hp-ls of 50, with CPU and memory", median(h, RUNS),
	    median(b, RUNS), "ms", "under 2 ms; base: fork+exec+wait");
}

/* Bare: SIGTERM to n children of our own at once, reap them all. */
long long
bare_stop(int n)
{
	char *sleeper[] = { "/bin/sleep", "100000", NULL };
	pid_t pids[512];
	long long t0;
	int i;

	for (i = 0; i < n; i++)
		pids[i] = start(sleeper, 1);
	t0 = hp_mono_us();
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++)
		hp_waitpid(pids[i], NULL, 0);
	return hp_mono_us() - t0;
}

static void
bench_stop(void)
{
	char *argv[64];
	char names[50][16];
	char *sd[] = { "hp-supervise", "-S", st.dir, "shutdown", NULL };
	long long h, b;
	int i;

	argv[0] = "hp-supervise";
	argv[1] = "-S";
	argv[2] = st.dir;
	argv[3] = "stop";
	for (i = 0; i < 50; i++) {
		snprintf(names[i], sizeof names[i], "m%d", i);
		argv[4 + i] = names[i];
	}
	argv[54] = NULL;
	h = timed(argv);
	b = bare_stop(50);
	row("stop 50 that honour SIGTERM", (double)h / 1000,
	    (double)b / 1000, "ms", "under 30 ms");
	argv[3] = "start";
	start(argv, 0);
	h = timed(sd);
	b = bare_stop(50);
	row("shutdown with 50", (double)h / 1000, (double)b / 1000, "ms",
	    "under 50 ms");
}

#define NCHECK	100

/* test/httpd on 127.0.0.1; it tells its port on its first line. */
pid_t
httpd(int *port)
{
	char path[HP_PATH_MAX], line[32], *argv[] = { path, NULL };
	struct hp_spawn sp;
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	int p[2];

	snprintf(path, sizeof path, "test/httpd");	/* from the top */
	if (hp_pipe(p, 0) == -1)
		hp_die("pipe");
	memset(&sp, 0, sizeof sp);
	sp.argv = argv;
	sp.fd[0] = -1;
	sp.fd[1] = p[1];
	sp.fd[2] = 2;
	if ((pid = hp_spawn(&sp)) == -1)
		hp_die("%s", path);
	close(p[1]);
	while (len < sizeof line - 1 && memchr(line, '\n', len) == NULL &&
	    (n = hp_read(p[0], line + len, sizeof line - 1 - len)) > 0)
		len += (size_t)n;
	close(p[0]);
	line[len] = '\0';
	if ((*port = atoi(line)) <= 0)
		hp_fail(1, "bench", "%s gave no port", path);
	return pid;
}

/* Bare: NCHECK GETs at once in one poll() loop, each done at its answer. */
static long long
bare_get(int port)
{
	struct sockaddr_in sa;
	struct pollfd pfd[NCHECK];
	char req[128], buf[4096];
	int i, len, left = NCHECK;
	long long t0 = hp_mono_us();

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	len = snprintf(req, sizeof req, "GET /health HTTP/1.1\r\nHost: "
	    "127.0.0.1:%d\r\nConnection: close\r\n\r\n", port);
	for (i = 0; i < NCHECK; i++) {
		if ((pfd[i].fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
		    hp_nonblock(pfd[i].fd) == -1)
			hp_die("socket");
		if (connect(pfd[i].fd, (struct sockaddr *)&sa, sizeof sa) ==
		    -1 && errno != EINPROGRESS)
			hp_die("connect");
		pfd[i].events = POLLOUT;
	}
	while (left > 0) {
		if (poll(pfd, NCHECK, 5000) <= 0)
			hp_die("bare poll");
		for (i = 0; i < NCHECK; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (pfd[i].events == POLLOUT) {
				if (send(pfd[i].fd, req, (size_t)len,
				    MSG_NOSIGNAL) != len)
					hp_die("bare send");
				pfd[i].events = POLLIN;
				continue;
			}
			if (recv(pfd[i].fd, buf, sizeof buf, 0) < 12 ||
			    memcmp(buf, "HTTP/1.1 200", 12) != 0)
				hp_fail(1, "bench", "bare GET: no 200");
			close(pfd[i].fd);
			pfd[i].fd = -1;
			left--;
		}
	}
	return hp_mono_us() - t0;
}

/* A curl in a usual place, or NULL. */
static char *
curl(void)
{
	static char *where[] = { "/usr/local/bin/curl", "/usr/bin/curl",
	    "/bin/curl" };
	size_t i;

	for (i = 0; i < sizeof where / sizeof where[0]; i++)
		if (access(where[i], X_OK) == 0)
			return where[i];
	return NULL;
}

/* curl run NCHECK times one after the other; and once with --parallel. */
static void
bench_curl(const char *url, double base)
{
	char *one[] = { curl(), "-sf", "-o", "/dev/null", (char *)url, NULL };
	char *par[4 + 3 * NCHECK + 1];
	long long c[3], t0;
	int i, k, fd, saved;

	if (one[0] == NULL) {
		row("curl run 100 times", 0, base, "ms", "no curl here");
		return;
	}
	for (k = 0; k < 3; k++) {
		t0 = hp_mono_us();
		for (i = 0; i < NCHECK; i++)
			start(one, 0);
		c[k] = hp_mono_us() - t0;
	}
	row("curl run 100 times", median(c, 3), base, "ms", "peer");
	par[0] = one[0];
	par[1] = "-sf";
	par[2] = "--parallel";
	par[3] = "--parallel-immediate";
	for (i = 0; i < NCHECK; i++) {
		par[4 + 3 * i] = "-o";
		par[5 + 3 * i] = "/dev/null";
		par[6 + 3 * i] = (char *)url;
	}
	par[4 + 3 * NCHECK] = NULL;
	/* Its progress meter shows even with -s. */
	fd = open("/dev/null", O_WRONLY);
	saved = dup(2);
	for (k = 0; k < 3; k++) {
		dup2(fd, 2);
		c[k] = timed(par);
		dup2(saved, 2);
	}
	close(fd);
	close(saved);
	row("curl --parallel, 100 URLs", median(c, 3), base, "ms", "peer");
}

/* hp-health with NCHECK http checks to test/httpd: the whole process. */
static void
bench_health(void)
{
	char url[64], *argv[NCHECK + 2];
	long long h[RUNS], b[RUNS];
	int i, port, fd, saved = dup(1);
	pid_t srv = httpd(&port);

	snprintf(url, sizeof url, "http://127.0.0.1:%d/health", port);
	argv[0] = "hp-health";
	for (i = 0; i < NCHECK; i++)
		argv[i + 1] = url;
	argv[NCHECK + 1] = NULL;
	fd = open("/dev/null", O_WRONLY);
	for (i = 0; i < RUNS; i++) {
		dup2(fd, 1);
		h[i] = timed(argv);
		dup2(saved, 1);
		b[i] = bare_get(port);
	}
	close(fd);
	close(saved);
	row("hp-health, 100 HTTP checks", median(h, RUNS), median(b, RUNS),
	    "ms", "under 10 ms; base: 100 GETs, one poll()");
	bench_curl(url, median(b, RUNS));
	kill(srv, SIGTERM);
	hp_waitpid(srv, NULL, 0);
}

/* The parts of the bench, by name: bench BINDIR STATEDIR [PART ...]. */
static int
want(int argc, char **argv, const char *part)
{
	int i;

	for (i = 3; i < argc; i++)
		if (strcmp(argv[i], part) == 0)
			return 1;
	return argc == 3;
}

int
main(int argc, char **argv)
{
	char *sup[] = { "hp-supervise", "-b", "--max-procs", "10000", "-S",
	    NULL, NULL, NULL, NULL };
	char *down[] = { "hp-supervise", "-S", NULL, "shutdown", NULL };
	static const char on[] = "[supervisor]\nmetrics-interval = 1s\n";
	char conf[HP_PATH_MAX + 8];
	struct hp_error e;
	int have = 0;

	hp_progname = "bench";
	if (argc < 3) {
		fprintf(stderr, "usage: bench BINDIR STATEDIR [part ...]\n");
		return 2;
	}
	bindir = argv[1];
	if (hp_state_need(&st, argv[2], 1, &e) == -1)
		hp_fail_error(&e);
	sup[5] = down[2] = st.dir;
	start(sup, 0);
	printf("%-34s %13s %13s %7s   %s\n", "figure", "hp", "baseline",
	    "ratio", "bar");
	if (want(argc, argv, "spawn"))
		bench_spawn();
	if (want(argc, argv, "restart"))
		bench_restart();
	if (want(argc, argv, "memory")) {
		bench_memory(&have, 1);
		bench_memory(&have, 50);
	}
	if (want(argc, argv, "ls"))
		bench_ls();
	if (want(argc, argv, "peers") || want(argc, argv, "svstat"))
		bench_peers();
	if (want(argc, argv, "top"))
		bench_top();
	if (want(argc, argv, "stop"))
		bench_stop();
	if (want(argc, argv, "health"))
		bench_health();
	if (want(argc, argv, "super"))
		bench_super();
	if (want(argc, argv, "chain"))
		bench_chains();
	if (want(argc, argv, "idle"))
		bench_idle();
	if (want(argc, argv, "detect"))
		bench_detect(bindir, argv[2]);
	if (want(argc, argv, "pty"))
		bench_pty();
	if (want(argc, argv, "terminals"))
		bench_terminals();
	if (want(argc, argv, "upgrade"))
		bench_upgrade();
	/* 500 processes under a supervisor whose sampler is on. */
	if (want(argc, argv, "memory") || want(argc, argv, "sampler")) {
		snprintf(conf, sizeof conf, "%s.conf", st.dir);
		if (hp_file_write(conf, on, sizeof on - 1, 0600) == -1)
			hp_die("%s", conf);
		sup[6] = "-f";
		sup[7] = conf;
		if (hp_state_supervisor(&st) > 0)
			start(down, 0);
		start(sup, 0);
		have = 0;
		bench_memory(&have, 500);
		if (want(argc, argv, "sampler"))
			bench_sampler(conf, 500, mpid);
	}
	return 0;
}
