/* hp: see LICENSE. */
/* super.c: the supervisor under load: its loop while 100 services are
 * probed for health, a storm of 50 crashes at once, and the start-up of
 * long after= chains. */

#include <sys/wait.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "bench.h"

#define NPROBED	100
#define NSTORM	50
#define NCHAIN	4000

/* Median time of a ping answered by the supervisor, and the worst, ms. */
static double
pings(double *worst)
{
	struct hp_client c;
	char line[HP_LINE_MAX];
	long long t[RUNS], t0;
	double m;
	int i;

	if (hp_client_open(&c, &st) == -1)
		hp_die("subscribe");
	for (i = 0; i < RUNS; i++) {
		t0 = hp_mono_us();
		if (hp_client_send(&c, "ping") == -1)
			hp_die("ping");
		do
			if (hp_client_line(&c, line, sizeof line, 5000) == -1)
				hp_die("no answer to ping");
		while (strncmp(line, "{\"ok\":", 6) != 0);
		t[i] = hp_mono_us() - t0;
		/* Spread over the probes' rounds, not all in one. */
		poll(NULL, 0, 7);
	}
	hp_client_close(&c);
	m = median(t, RUNS);
	*worst = (double)t[RUNS - 1] / 1000.0;	/* sorted by median() */
	return m;
}

/* A sleeper named name; health: its check, probed every 100 ms. */
static void
spawn(const char *name, const char *health)
{
	char *argv[] = { "hp-spawn", "-S", st.dir, "-n", (char *)name,
	    "--backoff-min", "0", "--max-restarts", "0", "-o", NULL, "-o",
	    NULL, "--", "/bin/sleep", "100000", NULL };
	char opt[128];

	snprintf(opt, sizeof opt, "health=%s", health);
	argv[10] = health != NULL ? opt : "log-count=1";
	argv[12] = health != NULL ? "health-interval=100ms" : "log-count=1";
	start(argv, 0);
}

static void
up(void)
{
	char *sup[] = { "hp-supervise", "-b", "--max-procs", "10000", "-S",
	    st.dir, NULL };

	start(sup, 0);
}

static void
down(void)
{
	char *sd[] = { "hp-supervise", "-S", st.dir, "-t", "30s", "shutdown",
	    NULL };

	start(sd, 0);
}

/*
 * A verb's answer while NPROBED services are probed every 100 ms (a
 * thousand probes a second), beside the same with no probe at all.
 */
static void
bench_probes(void)
{
	char name[32], url[64];
	double bare, busy, wbare, wbusy;
	pid_t srv;
	int i, port;

	up();
	for (i = 0; i < NPROBED; i++) {
		snprintf(name, sizeof name, "p%d", i);
		spawn(name, NULL);
	}
	bare = pings(&wbare);
	down();
	up();
	srv = httpd(&port);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/health", port);
	for (i = 0; i < NPROBED; i++) {
		snprintf(name, sizeof name, "p%d", i);
		spawn(name, url);
	}
	busy = pings(&wbusy);
	row("answer, 100 probed every 100 ms", busy, bare, "ms",
	    "a few ms more at most; base: unprobed");
	row("  the slowest of 30 answers", wbusy, wbare, "ms", "");
	down();
	kill(srv, SIGTERM);
	hp_waitpid(srv, NULL, 0);
}

/* Bare: kill n children of our own at once, reap and start each again. */
static long long
bare_storm(int n)
{
	char *sleeper[] = { "/bin/sleep", "100000", NULL };
	pid_t pids[NSTORM];
	long long t0, t;
	int i;

	for (i = 0; i < n; i++)
		pids[i] = start(sleeper, 1);
	t0 = hp_mono_us();
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++) {
		hp_waitpid(pids[i], NULL, 0);
		pids[i] = start(sleeper, 1);
	}
	t = hp_mono_us() - t0;
	for (i = 0; i < n; i++) {
		kill(pids[i], SIGKILL);
		hp_waitpid(pids[i], NULL, 0);
	}
	return t;
}

/* From SIGKILL to NSTORM services at once until each is started again. */
static void
bench_storm(void)
{
	char file[HP_PATH_MAX], name[32], line[HP_LINE_MAX];
	struct hp_ident id[NSTORM];
	struct hp_client c;
	long long h[5], b[5], t0;
	int i, k, n;

	up();
	for (i = 0; i < NSTORM; i++) {
		snprintf(name, sizeof name, "c%d", i);
		spawn(name, NULL);
	}
	if (hp_client_open(&c, &st) == -1)
		hp_die("subscribe");
	for (k = 0; k < 5; k++) {
		for (i = 0; i < NSTORM; i++) {
			snprintf(name, sizeof name, "c%d", i);
			hp_proc_file(&st, file, sizeof file, name, HP_P_PID);
			if (hp_pidfile_read(file, &id[i]) == -1)
				hp_die("%s", file);
		}
		t0 = hp_mono_us();
		for (i = 0; i < NSTORM; i++)
			hp_ident_kill(&id[i], SIGKILL, 0);
		for (n = 0; n < NSTORM; )
			if (hp_client_line(&c, line, sizeof line, 5000) == -1)
				hp_die("restart storm: %d of %d back", n,
				    NSTORM);
			else if (strstr(line, "\"process:started\"") != NULL)
				n++;
		h[k] = hp_mono_us() - t0;
		b[k] = bare_storm(NSTORM);
	}
	hp_client_close(&c);
	row("restart storm, 50 at once", median(h, 5), median(b, 5), "ms",
	    "base: kill, reap, fork+exec");
	down();
}

/* hp.conf of a chain of n: c1 first, then each after the one before. */
static void
chain_conf(const char *file, int n)
{
	FILE *f;
	int k;

	if ((f = fopen(file, "w")) == NULL)
		hp_die("%s", file);
	for (k = 1; k <= n; k++) {
		fprintf(f, "[service c%d]\nexec = /bin/sleep 100000\n", k);
		if (k > 1)
			fprintf(f, "after = c%d\n", k - 1);
	}
	if (fclose(f) == EOF)
		hp_die("%s", file);
}

/* Whether procs/NAME/status of ch says running. */
static int
runs(const struct hp_state *ch, const char *name)
{
	char file[HP_PATH_MAX], buf[4096];

	hp_proc_file(ch, file, sizeof file, name, HP_P_STATUS);
	return hp_file_read(file, buf, sizeof buf) > 0 &&
	    strstr(buf, "\nstate = running\n") != NULL;
}

/* Bare: n sleepers, each started once the one before has exec'd. */
static long long
bare_chain(int n)
{
	char *sleeper[] = { "/bin/sleep", "100000", NULL };
	static pid_t pids[NCHAIN];
	long long t0, t;
	int i;

	t0 = hp_mono_us();
	for (i = 0; i < n; i++)
		pids[i] = start(sleeper, 1);
	t = hp_mono_us() - t0;
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		hp_waitpid(pids[i], NULL, 0);
	return t;
}

/*
 * From hp-supervise -b -f of a chain of n sections, each after the one
 * before, until the last one runs; in a state directory of its own.
 */
static void
bench_chain(int n, const char *was)
{
	char dir[HP_PATH_MAX], conf[HP_PATH_MAX], last[32], what[64], max[16];
	char *sup[] = { "hp-supervise", "-b", "--max-procs", max, "-S", dir,
	    "-f", conf, NULL };
	char *sd[] = { "hp-supervise", "-S", dir, "-t", "300s", "shutdown",
	    NULL };
	struct hp_state ch;
	struct hp_error e;
	long long t0, h, b;

	if (hp_path(dir, sizeof dir, "%s.chain%d", st.dir, n) == -1 ||
	    hp_path(conf, sizeof conf, "%s.chain%d.conf", st.dir, n) == -1)
		hp_die("%s", st.dir);
	snprintf(max, sizeof max, "%d", n + 10);
	snprintf(last, sizeof last, "c%d", n);
	if (hp_state_need(&ch, dir, 1, &e) == -1)
		hp_fail_error(&e);
	chain_conf(conf, n);
	t0 = hp_mono_us();
	start(sup, 0);
	while (!runs(&ch, last)) {
		if (hp_mono_us() - t0 > 600 * 1000000LL)
			hp_fail(1, "bench", "a chain of %d: %s not running "
			    "after 600 s", n, last);
		poll(NULL, 0, 5);
	}
	h = hp_mono_us() - t0;
	t0 = hp_mono_us();
	start(sd, 0);
	b = hp_mono_us() - t0;
	snprintf(what, sizeof what, "after= chain of %d, all running", n);
	row(what, (double)h / 1e6, (double)bare_chain(n) / 1e6, "s", was);
	row("  and its shutdown", (double)b / 1e6, 0, "s", "");
}

void
bench_super(void)
{
	bench_probes();
	bench_storm();
}

/*
 * Start-up of chains of 500 to NCHAIN, which once grew as the square of
 * their length; the bars are what it took then, on the same machine.
 */
void
bench_chains(void)
{
	bench_chain(500, "was 4.3 s");
	bench_chain(1000, "was 9.5 s");
	bench_chain(2000, "was 24.7 s");
	bench_chain(NCHAIN, "was a crash, 3490 left");
}

#define NIDLE	500
#define IDLE_MS	10000	/* ms the supervisor's CPU is measured over */

/*
 * The supervisor's own CPU time over IDLE_MS, as a percent of one CPU,
 * with NIDLE sleepers of an hp.conf of its own: idle, then each probed
 * by an HTTP health check every second (to test/httpd). Its defaults
 * otherwise: the sampler samples every tree once a second.
 */
static void
idle_cpu(const char *url, const char *what, const char *bar)
{
	char dir[HP_PATH_MAX], conf[HP_PATH_MAX], name[32];
	char *sup[] = { "hp-supervise", "-b", "--max-procs", "10000", "-S",
	    dir, "-f", conf, NULL };
	char *sd[] = { "hp-supervise", "-S", dir, "-t", "60s", "shutdown",
	    NULL };
	struct hp_state id;
	struct hp_error e;
	long long t0;
	double c0, c1;
	pid_t pid;
	FILE *f;
	int k;

	if (hp_path(dir, sizeof dir, "%s.idle", st.dir) == -1 ||
	    hp_path(conf, sizeof conf, "%s.idle.conf", st.dir) == -1)
		hp_die("%s", st.dir);
	if (hp_state_need(&id, dir, 1, &e) == -1)
		hp_fail_error(&e);
	if ((f = fopen(conf, "w")) == NULL)
		hp_die("%s", conf);
	for (k = 0; k < NIDLE; k++) {
		fprintf(f, "[service i%d]\nexec = /bin/sleep 100000\n", k);
		if (url != NULL)
			fprintf(f, "health = %s\nhealth-interval = 1s\n", url);
	}
	if (fclose(f) == EOF)
		hp_die("%s", conf);
	start(sup, 0);
	t0 = hp_mono_us();
	snprintf(name, sizeof name, "i%d", NIDLE - 1);
	while (!runs(&id, name)) {
		if (hp_mono_us() - t0 > 300 * 1000000LL)
			hp_fail(1, "bench", "%s not running after 300 s", name);
		poll(NULL, 0, 20);
	}
	poll(NULL, 0, 3000);	/* past the start-up and the first probes */
	pid = hp_state_supervisor(&id);
	c0 = cpu_ms(pid);
	poll(NULL, 0, IDLE_MS);
	c1 = cpu_ms(pid);
	row(what, (c1 - c0) * 100.0 / IDLE_MS, 0, "%", bar);
	start(sd, 0);
}

/* The supervisor's CPU with NIDLE idle services, and with each probed. */
void
bench_idle(void)
{
	char url[64];
	int port;
	pid_t srv;

	idle_cpu(NULL, "supervisor CPU, 500 idle", "under 1 %");
	srv = httpd(&port);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/health", port);
	idle_cpu(url, "supervisor CPU, 500 probed 1/s", "under 5 %");
	kill(srv, SIGTERM);
	hp_waitpid(srv, NULL, 0);
}
