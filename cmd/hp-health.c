/* hp: see LICENSE. */
/* hp-health: HTTP, TCP, Unix and process checks at once; system health. */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "model/check.h"

static const char synopsis[] =
    "hp-health [-t dur] [-r n] [--expect code] [-i dur [-n count] | "
    "--wait dur] [--json] [-S dir] check ...\n"
    "       hp-health [--json] [-S dir]";

enum { O_JSON = 256, O_EXPECT, O_WAIT };

static const struct hp_opt longopts[] = {
	{ "timeout", "dur", 't', "how long a try of a check may take" },
	{ "retries", "n", 'r', "tries of a failing check" },
	{ "expect", "code", O_EXPECT, "the HTTP status that is healthy" },
	{ "interval", "dur", 'i', "run the checks again every dur" },
	{ "count", "count", 'n', "with -i: stop after count runs" },
	{ "wait", "dur", O_WAIT, "until every check is healthy, at most dur" },
	{ "json", NULL, O_JSON, "a JSON array, an object a check" },
	{ "state-dir", "dir", 'S', "the state directory, for proc: checks" },
	HP_OPT_END
};

#define WAIT_FIRST	10	/* ms between the first rounds of --wait */
#define WAIT_MAX	250	/* ms between rounds of --wait, at most */

static long long
number(const char *s, long long min, long long max, const char *what)
{
	long long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (*p - '0');
	if (*s == '\0' || *p != '\0' || v < min || v > max)
		hp_usage(synopsis, "bad %s: %s", what, s);
	return v;
}

static long long
duration(const char *s, const char *what)
{
	long long ms;

	if (hp_duration(s, &ms) == -1 || ms <= 0)
		hp_usage(synopsis, "bad %s: %s", what, s);
	return ms;
}

/* A name that is an address already: no need to say which one answered. */
static int
literal(const struct hp_check *c)
{
	return c->kind != HP_CHECK_HTTP && c->kind != HP_CHECK_TCP ? 1 :
	    strspn(c->host, "0123456789.") == strlen(c->host) ||
	    strchr(c->host, ':') != NULL;
}

static void
checkjson(struct hp_json *j, const struct hp_check *c, int ts)
{
	char t[32];

	hp_json_open(j, '{');
	if (ts) {
		hp_time_fmt(t, hp_wall_ms());
		hp_json_kstr(j, "ts", t);
	}
	hp_json_kstr(j, "check", c->text);
	hp_json_kbool(j, "healthy", c->healthy);
	hp_json_key(j, "status");
	if (c->status > 0)
		hp_json_int(j, c->status);
	else
		hp_json_null(j);
	hp_json_key(j, "latency_ms");
	hp_json_num(j, (double)c->latency_us / 1000.0);
	hp_json_key(j, "address");
	if (c->answered[0] != '\0')
		hp_json_str(j, c->answered);
	else
		hp_json_null(j);
	hp_json_kint(j, "attempts", c->attempts);
	hp_json_key(j, "error");
	if (c->healthy)
		hp_json_null(j);
	else
		hp_json_str(j, c->error);
	hp_json_close(j, '}');
}

static void
line(const struct hp_check *c)
{
	if (!c->healthy)
		printf("%s unhealthy: %s\n", c->text, c->error);
	else if (literal(c))
		printf("%s healthy %.1f ms\n", c->text,
		    (double)c->latency_us / 1000.0);
	else
		printf("%s healthy %.1f ms via %s\n", c->text,
		    (double)c->latency_us / 1000.0, c->answered);
}

/* Print the checks whose mark is set: lines, a JSON array or JSON lines. */
static void
report(const struct hp_check *c, int n, const int *mark, int stream)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	int i;

	if (!hp_json_mode) {
		for (i = 0; i < n; i++)
			if (mark == NULL || mark[i])
				line(&c[i]);
		return;
	}
	hp_json_init(&j, &b);
	if (!stream)
		hp_json_open(&j, '[');
	for (i = 0; i < n; i++) {
		if (mark != NULL && !mark[i])
			continue;
		checkjson(&j, &c[i], stream);
		if (stream) {
			printf("%s\n", hp_buf_str(&b));
			b.len = 0;
			hp_json_init(&j, &b);
		}
	}
	if (!stream) {
		hp_json_close(&j, ']');
		printf("%s\n", hp_buf_str(&b));
	}
	hp_buf_free(&b);
}

static int
allhealthy(const struct hp_check *c, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!c[i].healthy)
			return 0;
	return 1;
}

static void
pause_until(long long when)
{
	long long d;

	while ((d = when - hp_mono_ms()) > 0)
		poll(NULL, 0, d > 60000 ? 60000 : (int)d);
}

/* -i: a run every interval; each change of state is printed. */
static int
repeat(struct hp_check *c, int n, const struct hp_state *st, long long every,
    long long count)
{
	int *was = hp_xcalloc((size_t)n, sizeof *was);
	int *mark = hp_xcalloc((size_t)n, sizeof *mark);
	long long round, t0 = hp_mono_ms();
	int i;

	for (round = 0; count == 0 || round < count; round++) {
		if (round > 0)
			pause_until(t0 + round * every);
		hp_health_run(c, n, st);
		for (i = 0; i < n; i++) {
			mark[i] = round == 0 || c[i].healthy != was[i];
			was[i] = c[i].healthy;
		}
		report(c, n, mark, 1);
		hp_stdout_close();
	}
	free(was);
	free(mark);
	return allhealthy(c, n) ? HP_EXIT_OK : HP_EXIT_FAIL;
}

/*
 * --wait: run the checks not yet healthy until all are, or the time is
 * up; quickly at first, as a server that is starting answers soon. No try
 * outlasts the wait.
 */
static int
waitall(struct hp_check *c, int n, const struct hp_state *st, long long wait)
{
	struct hp_check *run = hp_xcalloc((size_t)n, sizeof *run);
	int *idx = hp_xcalloc((size_t)n, sizeof *idx);
	long long end = hp_mono_ms() + wait, gap = WAIT_FIRST, left;
	int i, k;

	for (;;) {
		left = end - hp_mono_ms();
		for (i = k = 0; i < n; i++) {
			if (c[i].healthy)
				continue;
			idx[k] = i;
			run[k] = c[i];
			if (run[k].timeout > left)
				run[k].timeout = left > 1 ? left : 1;
			k++;
		}
		hp_health_run(run, k, st);
		for (i = 0; i < k; i++) {
			run[i].timeout = c[idx[i]].timeout;
			c[idx[i]] = run[i];
		}
		/* No last run squeezed into what is left of the wait. */
		if (allhealthy(c, n) || hp_mono_ms() + gap >= end)
			break;
		pause_until(hp_mono_ms() + gap);
		gap = gap * 2 > WAIT_MAX ? WAIT_MAX : gap * 2;
	}
	free(run);
	free(idx);
	report(c, n, NULL, 0);
	return allhealthy(c, n) ? HP_EXIT_OK : HP_EXIT_FAIL;
}

/* Why a managed process makes the system unhealthy, or NULL. */
static const char *
verdict(const struct hp_info *in, char *buf, size_t n)
{
	if (strcmp(in->state, "failed") == 0)
		return "failed";
	if (strcmp(in->state, "backoff") == 0)
		return "in backoff";
	if (strcmp(in->state, "exited") == 0 && in->exit_signal > 0) {
		snprintf(buf, n, "killed by SIG%s",
		    hp_signame(in->exit_signal));
		return buf;
	}
	if (strcmp(in->state, "exited") == 0 && in->exit_code != 0) {
		if (in->exit_code < 0)
			return "exited, status unknown";
		snprintf(buf, n, "exited with status %d", in->exit_code);
		return buf;
	}
	if (strcmp(in->health, "unhealthy") == 0)
		return "unhealthy";
	return NULL;
}

static void
service(struct hp_json *j, const struct hp_info *in, const char *why)
{
	char pid[16];

	if (!hp_json_mode) {
		snprintf(pid, sizeof pid, "%ld", (long)in->pid);
		printf("%-16s %-8s %-9s %7s %-9s %s%s%s\n", in->name, in->type,
		    in->state, in->pid > 0 ? pid : "-", in->health,
		    why ? "unhealthy" : "healthy", why ? ": " : "",
		    why ? why : "");
		return;
	}
	hp_json_open(j, '{');
	hp_json_kstr(j, "name", in->name);
	hp_json_kstr(j, "type", in->type);
	hp_json_kstr(j, "state", in->state);
	hp_json_key(j, "pid");
	if (in->pid > 0)
		hp_json_int(j, (long long)in->pid);
	else
		hp_json_null(j);
	hp_json_kstr(j, "health", in->health);
	hp_json_kint(j, "restarts", in->restarts);
	hp_json_kbool(j, "healthy", why == NULL);
	hp_json_key(j, "error");
	if (why != NULL)
		hp_json_str(j, why);
	else
		hp_json_null(j);
	hp_json_close(j, '}');
}

static void
resources(struct hp_json *j, int nproc, int limit)
{
	double load[3];
	long long mem = hp_mem_available();
	int haveload = hp_loadavg(load) == 0, i;

	if (!hp_json_mode) {
		printf("resources: ");
		if (haveload)
			printf("load %.2f %.2f %.2f, ", load[0], load[1],
			    load[2]);
		if (mem >= 1 << 30)
			printf("%.1fG available, ", (double)mem / (1 << 30));
		else if (mem >= 0)
			printf("%.1fM available, ", (double)mem / (1 << 20));
		printf("%d of %d processes\n", nproc, limit);
		return;
	}
	hp_json_key(j, "resources");
	hp_json_open(j, '{');
	hp_json_key(j, "load");
	if (haveload) {
		hp_json_open(j, '[');
		for (i = 0; i < 3; i++)
			hp_json_num(j, load[i]);
		hp_json_close(j, ']');
	} else
		hp_json_null(j);
	hp_json_key(j, "mem_available_bytes");
	if (mem >= 0)
		hp_json_int(j, mem);
	else
		hp_json_null(j);
	hp_json_kint(j, "processes", nproc);
	hp_json_kint(j, "process_limit", limit);
	hp_json_kbool(j, "healthy", nproc <= limit);
	hp_json_close(j, '}');
}

/* One list of the state directory: services, or terminals. */
static void
list(struct hp_json *j, struct hp_info *in, const char **why, int n,
    int terminals)
{
	int i, k = 0;

	hp_json_key(j, terminals ? "terminals" : "services");
	hp_json_open(j, '[');
	for (i = 0; i < n; i++) {
		if ((strcmp(in[i].type, "terminal") == 0) != terminals)
			continue;
		if (!hp_json_mode && k++ == 0 && !terminals)
			printf("%-16s %-8s %-9s %7s %-9s %s\n", "NAME", "TYPE",
			    "STATE", "PID", "HEALTH", "VERDICT");
		service(j, &in[i], why[i]);
	}
	hp_json_close(j, ']');
	if (!hp_json_mode && k == 0)
		printf("%s: none\n", terminals ? "terminals" : "services");
}

/* No check: everything the state directory holds, and the machine. */
static int
system_health(const char *stdir)
{
	struct hp_state st;
	struct hp_buf b = { 0 };
	struct hp_json j;
	struct hp_admit a;
	struct hp_info *in;
	const char **reason;
	char **names = NULL, (*buf)[64];
	int n = 0, i, ok, live = 0;

	if (hp_state_resolve(&st, stdir) == -1)
		hp_fail(HP_EXIT_FAIL, "state-dir", "state directory: %s",
		    strerror(errno));
	if (hp_state_open(&st, 0) == -1 && errno != ENOENT)
		hp_fail(HP_EXIT_FAIL, "state-dir", "%s", hp_state_error());
	if (hp_state_names(&st, &names, &n) == -1)
		hp_die("%s/procs", st.dir);
	in = hp_xcalloc((size_t)n + 1, sizeof *in);
	reason = hp_xcalloc((size_t)n + 1, sizeof *reason);
	buf = hp_xcalloc((size_t)n + 1, sizeof *buf);
	/* The running supervisor's max-procs, or the default one. */
	hp_admit_read(&st, &a);
	for (i = 0, ok = 1; i < n; i++) {
		if (hp_info_load(&st, names[i], &in[i], 0) == -1)
			hp_copy(in[i].name, sizeof in[i].name, names[i]);
		reason[i] = verdict(&in[i], buf[i], sizeof buf[i]);
		ok &= reason[i] == NULL;
		live += in[i].running;
	}
	/* Against the limit count those that run, not every record. */
	ok &= live <= a.max_procs;
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "healthy", ok);
	list(&j, in, reason, n, 0);
	list(&j, in, reason, n, 1);
	resources(&j, live, a.max_procs);
	hp_json_close(&j, '}');
	printf("%s\n", hp_json_mode ? hp_buf_str(&b) :
	    ok ? "healthy" : "unhealthy");
	hp_buf_free(&b);
	hp_argv_free(names);
	free(in);
	free(reason);
	free(buf);
	hp_stdout_close();
	return ok ? HP_EXIT_OK : HP_EXIT_FAIL;
}

/* The state directory, for proc: checks; NULL when none is asked for. */
static const struct hp_state *
procstate(struct hp_state *st, const struct hp_check *c, int n,
    const char *stdir)
{
	int i;

	for (i = 0; i < n && c[i].kind != HP_CHECK_PROC; i++)
		;
	if (i == n)
		return NULL;
	if (hp_state_resolve(st, stdir) == -1)
		hp_fail(HP_EXIT_FAIL, "state-dir", "state directory: %s",
		    strerror(errno));
	if (hp_state_open(st, 0) == -1 && errno != ENOENT)
		hp_fail(HP_EXIT_FAIL, "state-dir", "%s", hp_state_error());
	return st;
}

int
main(int argc, char **argv)
{
	struct hp_getopt g = { 0 };
	struct hp_check *c;
	struct hp_state st;
	const struct hp_state *stp;
	const char *stdir = NULL;
	char err[256];
	long long timeout = HP_HEALTH_TIMEOUT, every = 0, count = 0, wait = 0;
	int ch, i, retries = 0, expect = 0, r, opts = 0;

	hp_progname = "hp-health";
	while ((ch = hp_getopt(&g, argc, argv, "hVS:t:r:i:n:", longopts)) !=
	    -1) {
		opts += ch != 'S' && ch != O_JSON;
		switch (ch) {
		case 'h':
			hp_help(synopsis, longopts);
			break;
		case 'V':
			printf("hp-health %s\n", HP_VERSION);
			return 0;
		case O_JSON:
			hp_json_mode = 1;
			break;
		case 'S':
			if (g.arg[0] == '\0')
				hp_usage(synopsis, "-S: an empty path");
			stdir = g.arg;
			break;
		case 't':
			timeout = duration(g.arg, "timeout");
			break;
		case 'r':
			retries = (int)number(g.arg, 0, 100, "retry count");
			break;
		case O_EXPECT:
			expect = (int)number(g.arg, 100, 599, "status");
			break;
		case 'i':
			every = duration(g.arg, "interval");
			break;
		case 'n':
			count = number(g.arg, 1, 1000000000, "count");
			break;
		case O_WAIT:
			wait = duration(g.arg, "wait");
			break;
		default:
			hp_usage(synopsis, "%s", g.bad);
		}
	}
	argv += g.ind;
	argc -= g.ind;
	if (count > 0 && every == 0)
		hp_usage(synopsis, "-n goes with -i");
	if (every > 0 && wait > 0)
		hp_usage(synopsis, "-i and --wait do not go together");
	if (argc == 0) {
		if (opts > 0)
			hp_usage(synopsis, "-t, -r, --expect, -i, -n and "
			    "--wait need a check");
		return system_health(stdir);
	}
	c = hp_xcalloc((size_t)argc, sizeof *c);
	for (i = 0; i < argc; i++) {
		if (hp_check_parse(&c[i], argv[i], err, sizeof err) == -1)
			hp_usage(synopsis, "%s: %s", argv[i], err);
		c[i].timeout = timeout;
		c[i].retries = retries;
		c[i].expect = c[i].kind == HP_CHECK_HTTP ? expect : 0;
	}
	stp = procstate(&st, c, argc, stdir);
	if (every > 0)
		r = repeat(c, argc, stp, every, count);
	else if (wait > 0)
		r = waitall(c, argc, stp, wait);
	else {
		r = hp_health_run(c, argc, stp) ? HP_EXIT_FAIL : HP_EXIT_OK;
		report(c, argc, NULL, 0);
	}
	for (i = 0; i < argc; i++)
		hp_check_free(&c[i]);
	free(c);
	hp_stdout_close();
	return r;
}
