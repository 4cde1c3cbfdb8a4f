/* hp: see LICENSE. */
/* hp-detect: find CLI tools and their versions; the PATH; install them. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/detect.h"


static const char synopsis[] =
    "hp-detect [-aw] [-j jobs] [-t dur] [--ttl dur] [--no-cache] [--login]"
    " [--json] [-S dir] [tool ...]\n"
    "       hp-detect path [--login] [--no-cache] [-t dur] [--json]"
    " [-S dir]\n"
    "       hp-detect install | update [-t dur] [--json] tool\n"
    "       hp-detect tools [--json]";

enum { O_JSON = 256, O_NOCACHE, O_TTL, O_LOGIN };

static const struct hp_opt longopts[] = {
	{ "all", NULL, 'a', "every candidate too, and why it was passed over" },
	{ "watch", NULL, 'w', "each result as soon as it is known" },
	{ "jobs", "jobs", 'j', "probes run at once" },
	{ "timeout", "dur", 't', "how long a probe may take" },
	{ "ttl", "dur", O_TTL, "how long a cached answer lasts" },
	{ "no-cache", NULL, O_NOCACHE, "probe every tool again" },
	{ "login", NULL, O_LOGIN, "search the login shell's PATH too" },
	{ "json", NULL, O_JSON, "a JSON array, an object a tool" },
	{ "state-dir", "dir", 'S', "the state directory, for its cache" },
	HP_OPT_END
};

static struct {
	int		 all, watch, jobs, nocache, login;
	long long	 timeout, ttl;
	int		 header;
	const char	*statedir;	/* -S: its cache/, not XDG's */
} o = { 0, 0, 0, 0, 0, 5000, 3600000, 0, NULL };

static void
result_json(struct hp_json *j, const struct hp_result *r)
{
	int i;

	hp_json_kstr(j, "id", r->tool->id);
	hp_json_kstr(j, "name", r->tool->name);
	hp_json_kbool(j, "installed", r->installed);
	hp_json_kstr(j, "version", r->version[0] ? r->version : NULL);
	hp_json_kstr(j, "raw_version", r->raw[0] ? r->raw : NULL);
	hp_json_kstr(j, "path", r->installed ? r->path : NULL);
	hp_json_kstr(j, "real_path", r->installed ? r->real : NULL);
	hp_json_kstr(j, "source", r->installed ? r->source : NULL);
	hp_json_key(j, "probe_ms");
	if (r->installed)
		hp_json_int(j, r->probe_ms);
	else
		hp_json_null(j);
	hp_json_kstr(j, "cache", !r->installed ? NULL : r->cached ? "cache" :
	    "probe");
	if (r->error[0] != '\0')
		hp_json_kstr(j, "error", r->error);
	if (!o.all)
		return;
	hp_json_key(j, "candidates");
	hp_json_open(j, '[');
	for (i = 0; i < r->ncand; i++) {
		hp_json_open(j, '{');
		hp_json_kstr(j, "path", r->cand[i].path);
		hp_json_kstr(j, "source", r->cand[i].source);
		hp_json_kstr(j, "why", r->cand[i].why);
		hp_json_close(j, '}');
	}
	hp_json_close(j, ']');
}

/* An event line: {"ts":...,"event":name, ...}; the caller adds the rest. */
static void
event_begin(struct hp_json *j, struct hp_buf *b, const char *name)
{
	char ts[32];

	hp_time_fmt(ts, hp_wall_ms());
	hp_json_init(j, b);
	hp_json_open(j, '{');
	hp_json_kstr(j, "ts", ts);
	hp_json_kstr(j, "event", name);
}

static void
event_end(struct hp_json *j, struct hp_buf *b)
{
	hp_json_close(j, '}');
	printf("%s\n", hp_buf_str(b));
	fflush(stdout);
	hp_buf_free(b);
}

static void
row(const struct hp_result *r)
{
	const char *v = !r->installed ? "-" : r->version[0] ? r->version :
	    "unknown";
	int i;

	if (!o.header) {
		printf("%-18s %-20s %-9s %-12s %s\n", "TOOL", "NAME",
		    "INSTALLED", "VERSION", "PATH");
		o.header = 1;
	}
	printf("%-18s %-20s %-9s %-12s %s\n", r->tool->id, r->tool->name,
	    r->installed ? "yes" : "no", v, r->installed ? r->path : "-");
	for (i = 0; o.all && i < r->ncand; i++)
		printf("  %s (%s): %s\n", r->cand[i].path, r->cand[i].source,
		    r->cand[i].why);
	if (o.watch)
		fflush(stdout);
}

static void
done(struct hp_result *r, void *arg)
{
	struct hp_buf b = { 0 };
	struct hp_json j;

	(void)arg;
	if (r->error[0] != '\0' && r->installed)
		hp_warnx("%s: %s: %s", r->tool->id, r->path, r->error);
	if (!o.watch)
		return;
	if (!hp_json_mode) {
		row(r);
		return;
	}
	event_begin(&j, &b, "cli-tool:detected");
	result_json(&j, r);
	event_end(&j, &b);
}

static void
load(struct hp_tools *ts, const char *argv0)
{
	char sys[HP_PATH_MAX];
	int i;

	hp_tools_registry(sys, sizeof sys, argv0);
	hp_tools_default(ts, sys);
	for (i = 0; i < ts->nerr; i++)
		hp_warnx("%s: entry skipped", ts->err[i]);
}

/* The enhanced PATH, with the login shell's when asked. */
static void
envpath(struct hp_envpath *ep, struct hp_login *lg, int quiet)
{
	char cache[HP_PATH_MAX];
	int r = -1;

	lg->origin[0] = '\0';
	if (o.login) {
		if (hp_cache_dir(cache, sizeof cache, o.statedir) == -1)
			cache[0] = '\0';
		r = hp_envpath_login(lg, cache[0] ? cache : NULL, o.timeout,
		    !o.nocache);
		if (!quiet)
			fprintf(stderr, "%s: login PATH of %s: %s (%s)\n",
			    hp_progname, lg->shell, lg->origin, lg->reason);
	}
	hp_envpath_build(ep, getenv("PATH"), r == 0 ? lg->path : NULL);
}

static int
path(void)
{
	struct hp_envpath ep;
	struct hp_login lg;
	struct hp_buf b = { 0 }, pb = { 0 };
	struct hp_json j;
	int i;

	envpath(&ep, &lg, hp_json_mode);
	if (!hp_json_mode) {
		hp_envpath_str(&ep, &b);
		printf("%s\n", b.p != NULL ? b.p : "");
	} else {
		hp_envpath_str(&ep, &pb);
		hp_json_init(&j, &b);
		hp_json_open(&j, '{');
		hp_json_kstr(&j, "path", pb.p != NULL ? pb.p : "");
		hp_buf_free(&pb);
		hp_json_key(&j, "dirs");
		hp_json_open(&j, '[');
		for (i = 0; i < ep.n; i++) {
			hp_json_open(&j, '{');
			hp_json_kstr(&j, "dir", ep.d[i].dir);
			hp_json_kstr(&j, "source", ep.d[i].source);
			hp_json_close(&j, '}');
		}
		hp_json_close(&j, ']');
		if (o.login) {
			hp_json_key(&j, "login");
			hp_json_open(&j, '{');
			hp_json_kstr(&j, "shell", lg.shell);
			hp_json_kstr(&j, "origin", lg.origin);
			hp_json_kstr(&j, "reason", lg.reason);
			hp_json_kstr(&j, "path", lg.path[0] ? lg.path : NULL);
			hp_json_close(&j, '}');
		}
		hp_json_close(&j, '}');
		printf("%s\n", hp_buf_str(&b));
	}
	hp_buf_free(&b);
	hp_envpath_free(&ep);
	hp_stdout_close();
	return HP_EXIT_OK;
}

static void
setup(struct hp_detect *d, struct hp_result *r, int n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(d, 0, sizeof *d);
	d->r = r;
	d->n = n;
	d->jobs = o.jobs > 0 ? o.jobs : cpus > 0 ? (int)cpus : 1;
	d->timeout = o.timeout;
	d->ttl = o.ttl;
	d->usecache = !o.nocache;
	d->all = o.all;
	d->done = done;
	/* What a probe leaves, even by a double fork, comes back to us. */
	d->reaper = hp_subreaper() == 0;
	if (hp_cache_dir(d->cachedir, sizeof d->cachedir,
	    o.statedir) == -1) {
		hp_warn("cache directory");
		d->cachedir[0] = '\0';
	}
}

static int
detect(struct hp_tools *ts, char **ids, int n)
{
	struct hp_envpath ep;
	struct hp_login lg;
	struct hp_detect d;
	struct hp_buf b = { 0 };
	struct hp_json j;
	int i, missing = 0;

	if (n == 0)
		n = ts->n;
	setup(&d, hp_xcalloc((size_t)n + 1, sizeof *d.r), n);
	for (i = 0; i < n; i++)
		d.r[i].tool = ids != NULL ? hp_tools_find(ts, ids[i]) :
		    &ts->t[i];
	envpath(&ep, &lg, 0);
	hp_detect_run(&d, &ep);
	hp_json_init(&j, &b);
	hp_json_open(&j, '[');
	for (i = 0; i < n; i++) {
		missing += !d.r[i].installed;
		if (o.watch)
			continue;
		if (!hp_json_mode) {
			row(&d.r[i]);
			continue;
		}
		hp_json_open(&j, '{');
		result_json(&j, &d.r[i]);
		hp_json_close(&j, '}');
	}
	hp_json_close(&j, ']');
	if (hp_json_mode && !o.watch)
		printf("%s\n", hp_buf_str(&b));
	else if (!o.header && !o.watch && !hp_json_mode)
		printf("%-18s %-20s %-9s %-12s %s\n", "TOOL", "NAME",
		    "INSTALLED", "VERSION", "PATH");
	hp_buf_free(&b);
	hp_detect_free(&d);
	hp_envpath_free(&ep);
	hp_stdout_close();
	return ids != NULL && missing > 0 ? HP_EXIT_FAIL : HP_EXIT_OK;
}

static void
tools(struct hp_tools *ts)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	int i;

	hp_json_init(&j, &b);
	hp_json_open(&j, '[');
	for (i = 0; i < ts->n; i++) {
		if (!hp_json_mode) {
			printf("%s\t%s\n", ts->t[i].id, ts->t[i].name);
			continue;
		}
		hp_json_open(&j, '{');
		hp_json_kstr(&j, "id", ts->t[i].id);
		hp_json_kstr(&j, "name", ts->t[i].name);
		hp_json_close(&j, '}');
	}
	hp_json_close(&j, ']');
	if (hp_json_mode)
		printf("%s\n", hp_buf_str(&b));
	hp_buf_free(&b);
	hp_stdout_close();
}

/* The last "NN%" of a line, or -1. */
static int
percent(const char *s)
{
	const char *p;
	int v = -1, x, k;

	for (p = strchr(s, '%'); p != NULL; p = strchr(p + 1, '%')) {
		for (x = 0, k = 0; p - k > s && p[-k - 1] >= '0' &&
		    p[-k - 1] <= '9' && k < 3; k++)
			;
		if (k == 0)
			continue;
		x = atoi(p - k);
		if (x <= 100)
			v = x;
	}
	return v;
}

/* One line of the installer's output, as progress. */
static void
progress(const struct hp_tool *t, const char *verb, const char *line,
    int tty, int tick)
{
	static const char spin[] = "|/-\\";
	static int last = -1;
	struct hp_buf b = { 0 };
	struct hp_json j;
	int pc;

	if (line != NULL && (pc = percent(line)) >= 0)
		last = pc;
	if (hp_json_mode) {
		if (line == NULL)
			return;
		event_begin(&j, &b, "cli-tool:install-progress");
		hp_json_kstr(&j, "id", t->id);
		hp_json_kstr(&j, "action", verb);
		hp_json_key(&j, "percent");
		if (last >= 0)
			hp_json_int(&j, last);
		else
			hp_json_null(&j);
		hp_json_kstr(&j, "line", line);
		event_end(&j, &b);
	} else if (tty) {
		static char shown[61];

		if (line != NULL)
			snprintf(shown, sizeof shown, "%s", line);
		if (last >= 0)
			fprintf(stderr, "\r\033[K%3d%% %s %s: %s", last, verb,
			    t->id, shown);
		else
			fprintf(stderr, "\r\033[K%c %s %s: %s", spin[tick % 4],
			    verb, t->id, shown);
	} else if (line != NULL)
		fprintf(stderr, "%s\n", line);
}

/* Split what came into lines at \n and \r; keep a partial one. */
static void
lines(const struct hp_tool *t, const char *verb, struct hp_buf *in,
    int tty, int tick)
{
	char *p, *e, *end = in->p + in->len;
	size_t rest;

	for (p = in->p; (e = p + strcspn(p, "\r\n")) < end; p = e + 1) {
		*e = '\0';
		if (*p != '\0')
			progress(t, verb, p, tty, tick);
	}
	rest = (size_t)(end - p);
	memmove(in->p, p, rest);
	in->len = rest;
	hp_buf_str(in);
}

/* Run the installer, show its progress, then detect the tool again. */
static int
install(struct hp_tools *ts, const char *verb, const char *id)
{
	const struct hp_tool *t = hp_tools_find(ts, id);
	char **argv, **envp, buf[8192];
	struct hp_pick pk;
	struct hp_buf in = { 0 }, pv = { 0 }, b = { 0 };
	struct hp_envpath ep;
	struct hp_login lg;
	struct hp_spawn sp;
	struct hp_detect d;
	struct hp_json j;
	struct pollfd pfd;
	int p[2], st, tick = 0, tty = isatty(2);
	ssize_t k;
	pid_t pid;

	envpath(&ep, &lg, 0);
	hp_tools_pick(&pk, t, verb[0] == 'u', &ep, NULL);
	if ((argv = pk.argv) == NULL && pk.why[0] == '\0')
		hp_fail(HP_EXIT_FAIL, "not-found", "%s: no %s command in the "
		    "registry", id, verb);
	if (argv == NULL)
		hp_fail(HP_EXIT_FAIL, "not-found", "%s: no %s command known "
		    "for this system: %s", id, verb, pk.why);
	if (pk.prog[0] == '\0')
		hp_fail(HP_EXIT_NOTFOUND, "not-installed", "%s: %s: installer "
		    "not found", id, argv[0]);
	/* Never sudo: the caller knows whether to be root. */
	if (pk.sys != NULL && pk.sys->root && geteuid() != 0)
		hp_fail(HP_EXIT_FAIL, "permission", "%s: %s (%s) must run as "
		    "root; run it as root, as %s does not use sudo", id,
		    argv[0], pk.sys->name, hp_progname);
	envp = hp_envpath_environ(&ep, &pv);
	if (hp_pipe(p, 0) == -1)
		hp_die("pipe");
	memset(&sp, 0, sizeof sp);
	sp.argv = argv;
	sp.envp = envp;
	sp.fd[0] = -1;
	sp.fd[1] = p[1];
	sp.fd[2] = p[1];
	if ((pid = hp_spawn(&sp)) == -1)
		hp_fail(hp_exec_status(errno), "exec-failed", "%s: %s: %s", id,
		    pk.prog, strerror(errno));
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, 100) == 0) {
			progress(t, verb, NULL, tty && !hp_json_mode, ++tick);
			continue;
		}
		if ((k = hp_read(p[0], buf, sizeof buf)) <= 0)
			break;
		hp_buf_add(&in, buf, (size_t)k);
		hp_buf_str(&in);
		lines(t, verb, &in, tty && !hp_json_mode, ++tick);
	}
	if (in.len > 0) {
		hp_buf_adds(&in, "\n");
		lines(t, verb, &in, tty && !hp_json_mode, ++tick);
	}
	close(p[0]);
	hp_waitpid(pid, &st, 0);
	if (tty && !hp_json_mode)
		fprintf(stderr, "\r\033[K");
	st = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	if (st != 0)
		hp_warnx("%s: %s %s: exit %d", id, verb, argv[0], st);
	/* What is there now, probed afresh. */
	o.nocache = 1;
	setup(&d, hp_xcalloc(1, sizeof *d.r), 1);
	d.r[0].tool = t;
	d.done = NULL;
	hp_detect_run(&d, &ep);
	if (hp_json_mode) {
		event_begin(&j, &b, "cli-tool:detected");
		result_json(&j, &d.r[0]);
		event_end(&j, &b);
	} else
		row(&d.r[0]);
	hp_detect_free(&d);
	hp_envpath_free(&ep);
	hp_buf_free(&in);
	hp_buf_free(&pv);
	free(envp);
	hp_stdout_close();
	return st;
}

static long long
dur(const char *s)
{
	long long v;

	if (hp_duration(s, &v) == -1 || v <= 0)
		hp_usage(synopsis, "bad duration: %s", s);
	return v;
}

/* Options of every form; returns past them. */
static int
options(int argc, char **argv)
{
	struct hp_getopt g = { 0 };
	char *end;
	int ch;

	while ((ch = hp_getopt(&g, argc, argv, "hVawj:t:S:", longopts)) != -1) {
		switch (ch) {
		case 'h':
			hp_help(synopsis, longopts);
			break;
		case 'V':
			printf("hp-detect %s\n", HP_VERSION);
			exit(0);
		case O_JSON:
			hp_json_mode = 1;
			break;
		case 'a':
			o.all = 1;
			break;
		case 'w':
			o.watch = 1;
			break;
		case 'j':
			o.jobs = (int)strtol(g.arg, &end, 10);
			if (*end != '\0' || o.jobs < 1 || o.jobs > 256)
				hp_usage(synopsis, "bad job count: %s", g.arg);
			break;
		case 't':
			o.timeout = dur(g.arg);
			break;
		case O_TTL:
			if (hp_duration(g.arg, &o.ttl) == -1 || o.ttl < 0)
				hp_usage(synopsis, "bad duration: %s", g.arg);
			break;
		case O_NOCACHE:
			o.nocache = 1;
			break;
		case O_LOGIN:
			o.login = 1;
			break;
		case 'S':
			if (*g.arg == '\0')
				hp_usage(synopsis, "empty state directory");
			o.statedir = g.arg;
			break;
		default:
			hp_usage(synopsis, "%s", g.bad);
		}
	}
	return g.ind;
}

int
main(int argc, char **argv)
{
	struct hp_tools ts = { 0 };
	const char *verb = NULL, *argv0 = argv[0];
	int i, r;

	hp_progname = "hp-detect";
	i = options(argc, argv);
	if (i < argc && (strcmp(argv[i], "path") == 0 ||
	    strcmp(argv[i], "install") == 0 || strcmp(argv[i], "update") == 0 ||
	    strcmp(argv[i], "tools") == 0)) {
		verb = argv[i];
		argv += i;
		argc -= i;
		i = options(argc, argv);
		if (o.all || o.watch || o.jobs || (verb[0] != 'p' &&
		    o.statedir != NULL) || (verb[0] != 'p' &&
		    o.login) || (verb[0] == 't' && (
		    o.nocache || o.timeout != 5000 || argc > i)) ||
		    (verb[0] == 'p' && argc > i) ||
		    ((verb[0] == 'i' || verb[0] == 'u') && argc - i != 1))
			hp_usage(synopsis, "%s: options or operands it does "
			    "not take", verb);
	}
	if (verb != NULL && verb[0] == 'p')
		return path();
	load(&ts, argv0);
	for (r = i; r < argc; r++) {
		if (!hp_name_ok(argv[r]))
			hp_usage(synopsis, "invalid tool id: %s", argv[r]);
		if (hp_tools_find(&ts, argv[r]) == NULL)
			hp_fail(HP_EXIT_USAGE, "not-found", "%s: unknown tool",
			    argv[r]);
	}
	if (verb != NULL && verb[0] == 't') {
		tools(&ts);
		r = HP_EXIT_OK;
	} else if (verb != NULL)
		r = install(&ts, verb, argv[i]);
	else
		r = detect(&ts, argc > i ? argv + i : NULL, argc - i);
	hp_tools_free(&ts);
	return r;
}
