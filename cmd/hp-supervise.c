/* hp: see LICENSE. */
/* hp-supervise: run the supervisor of a state directory, or command it. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/handover.h"

static struct hp_error error;	/* what lib/ handed up, to say */

static const char synopsis[] =
    "hp-supervise [-b] [--json] [--implicit] [-S dir] [-f file] "
    "[--parent pid] [--parent-grace dur] [--exit-with-stdin] "
    "[--max-procs n] [--max-memory size] [--max-load load] "
    "[--queue-timeout dur] [--allow file] [--ready-fd n] [--events what] "
    "[--audit file] [--profile name]\n"
    "       hp-supervise --init [--json] [-S dir] [-f file] [--profile name] "
    "[--allow file] [--audit file] [-- command [arg ...]]\n"
    "       hp-supervise [--json] [-S dir] [-t timeout] "
    "start|stop|restart|remove|reload name|pattern|all ...\n"
    "       hp-supervise [--json] [-S dir] [-t timeout] scale name n\n"
    "       hp-supervise [--json] [-S dir] [-t timeout] signal sig "
    "name|pattern|all ...\n"
    "       hp-supervise [--json] [-S dir] wait name|pattern|all state "
    "[-t timeout]\n"
    "       hp-supervise [--json] [-S dir] [-t timeout] shutdown\n"
    "       hp-supervise [--json] [-S dir] [-t timeout] upgrade [path]\n"
    "       hp-supervise [--json] [-S dir] status|reload\n"
    "       hp-supervise [--json] [-S dir] send name|pattern|all json\n"
    "       hp-supervise [--json] [-S dir] [-t timeout] parent pid\n"
    "       hp-supervise [--json] [-S dir] save [file]\n"
    "       hp-supervise [--json] [-S dir] startup [--user | --system] "
    "[--format fmt] [--write] [file]";

enum {
	O_JSON = 256, O_IMPLICIT, O_PARENT, O_STDIN, O_INIT, O_MAXPROCS,
	O_MAXMEM, O_MAXLOAD, O_QTIMEOUT, O_ALLOW, O_READYFD, O_EVENTS,
	O_AUDIT, O_USER, O_SYSTEM, O_WRITE, O_FORMAT, O_PROFILE, O_HANDOVER,
	O_HOVERSION, O_HOFAILED, O_GRACE
};

static const struct hp_opt longopts[] = {
	{ "background", NULL, 'b', "detach; return once it is ready" },
	{ "implicit", NULL, O_IMPLICIT, "exit once nothing is left to keep" },
	{ "config", "file", 'f', "keep the processes of an hp.conf" },
	{ "parent", "pid", O_PARENT, "shut down once pid has exited" },
	{ "parent-grace", "dur", O_GRACE,
	    "then wait so long for a new parent first" },
	{ "exit-with-stdin", NULL, O_STDIN, "shut down at the end of stdin" },
	{ "init", NULL, O_INIT, "be the first process of a container" },
	{ "max-procs", "n", O_MAXPROCS, "processes running at once" },
	{ "max-memory", "size", O_MAXMEM, "memory available to start one" },
	{ "max-load", "load", O_MAXLOAD, "1-minute load to start one" },
	{ "queue-timeout", "dur", O_QTIMEOUT, "how long a start may wait" },
	{ "allow", "file", O_ALLOW, "run only the programs it allows" },
	{ "ready-fd", "n", O_READYFD, "say on n when it is ready" },
	{ "events", "what", O_EVENTS, "with --json: output, metrics events" },
	{ "audit", "file", O_AUDIT, "append every event to this file too" },
	{ "profile", "name", O_PROFILE,
	    "with -f: the sections of this profile too" },
	{ "user", NULL, O_USER, "startup: for the user, at login" },
	{ "system", NULL, O_SYSTEM, "startup: for all, at boot" },
	{ "write", NULL, O_WRITE, "startup: write it where it belongs" },
	{ "format", "fmt", O_FORMAT, "startup: systemd, launchd or rc" },
	{ "handover", "fd", O_HANDOVER, "upgrade: take over from fd (inner)" },
	{ "handover-version", NULL, O_HOVERSION,
	    "upgrade: the handovers taken (inner)" },
	{ "handover-failed", "why", O_HOFAILED,
	    "upgrade: taken back, for this reason (inner)" },
	{ "json", NULL, O_JSON, "answers, errors and events as JSON" },
	{ "state-dir", "dir", 'S', "the state directory" },
	{ "timeout", "timeout", 't', "how long a verb waits for its answer" },
	HP_OPT_END
};

/*
 * The verbs, as -h lists them: the operands, and the line of help of the
 * supervisor's verb of the same name (control.c) unless the row has one.
 */
static const struct {
	const char	*name, *args, *help;
} verbs[] = {
	{ "start", "name ...", NULL },
	{ "stop", "name ...", NULL },
	{ "restart", "name ...", NULL },
	{ "remove", "name ...", NULL },
	{ "reload", "[name ...]", NULL },
	{ "scale", "name n", NULL },
	{ "signal", "sig name ...", NULL },
	{ "send", "name json", NULL },
	{ "wait", "name state", "until each is in state (-t: so long)" },
	{ "shutdown", "", NULL },
	{ "upgrade", "[path]", "hand the supervisor over to path, in place" },
	{ "parent", "pid", NULL },
	{ "status", "", "is a supervisor running: its PID and version" },
	{ "save", "[file]", "what runs, as one hp.conf (mode 0600)" },
	{ "startup", "[file]", "what starts that file at boot or login" },
};

/* -h: the options, then a verb a line. */
static void
help(void)
{
	const char *name, *args, *about;
	char form[64];
	size_t i;
	int j;

	hp_opt_help(synopsis, longopts, NULL);
	printf("verbs:\n");
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		about = verbs[i].help;
		for (j = 0; about == NULL && (name = hp_verb_name(j, &args,
		    &about)) != NULL; j++)
			if (strcmp(name, verbs[i].name) != 0)
				about = NULL;
		snprintf(form, sizeof form, "%s %s", verbs[i].name,
		    verbs[i].args);
		printf("  %-24s  %s\n", form, about != NULL ? about : "");
	}
	hp_stdout_close();
	exit(HP_EXIT_OK);
}

/* The rules of admission (--max-procs ...), checked before any is used. */
static void
admission(struct hp_admit *a, int opt, const char *v)
{
	char *end;
	long long n;

	switch (opt) {
	case O_MAXPROCS:
		n = strtoll(v, &end, 10);
		if (n < 1 || n > 100000 || *end != '\0' ||
		    strspn(v, "0123456789") != strlen(v))
			hp_usage(synopsis, "bad max-procs (1 to 100000): %s",
			    v);
		a->max_procs = (int)n;
		break;
	case O_MAXMEM:
		if (hp_size(v, &a->max_memory) == -1 || a->max_memory <= 0)
			hp_usage(synopsis, "bad max-memory: %s", v);
		break;
	case O_MAXLOAD:
		a->max_load = strtod(v, &end);
		if (*v == '\0' || *end != '\0' || strspn(v, "0123456789.") !=
		    strlen(v) || a->max_load > 1e6)
			hp_usage(synopsis, "bad max-load: %s", v);
		break;
	default:
		if (hp_duration(v, &a->queue_timeout) == -1 ||
		    a->queue_timeout <= 0 || a->queue_timeout > (1LL << 40))
			hp_usage(synopsis, "bad queue-timeout: %s", v);
	}
}

/* --events output,metrics: what its --json stream gets besides. */
static int
wants(const char *v)
{
	int want = 0;
	size_t n;

	for (; *v != '\0'; v += n + (v[n] == ',')) {
		n = strcspn(v, ",");
		if (n == 6 && strncmp(v, "output", 6) == 0)
			want |= HP_WANT_OUTPUT;
		else if (n == 7 && strncmp(v, "metrics", 7) == 0)
			want |= HP_WANT_METRICS;
		else
			hp_usage(synopsis, "bad events (output, metrics): %s",
			    v);
	}
	if (want == 0)
		hp_usage(synopsis, "bad events (output, metrics): %s", v);
	return want;
}

/* A message, with "ID send NAME ", must fit in one control line. */
#define MSG_MAX	(HP_LINE_MAX - 100)

/* send's message: one valid JSON value, made one line; or a usage error. */
static char *
message(const char *text)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	char cmd[256];

	if (!hp_json_valid(text, strlen(text)))
		hp_usage(synopsis, "send: not valid JSON: %.60s", text);
	hp_json_init(&j, &b);
	hp_json_raw(&j, text, strlen(text));
	if (b.len > MSG_MAX)
		hp_usage(synopsis, "send: message too long (%zu bytes, at most "
		    "%d)", b.len, MSG_MAX);
	if (hp_json_get(b.p, "cmd", cmd, sizeof cmd) == 0 &&
	    strncmp(cmd, "NODE_", 5) == 0)
		hp_usage(synopsis, "send: a cmd of NODE_... is Node's own");
	return hp_buf_str(&b);
}

/*
 * How long a verb on NAME may take: its stop timeout and some; a reload
 * also waits for the new run to be ready, instance after instance.
 */
static long long
patience(struct hp_state *st, const char *name, int reload)
{
	char file[HP_PATH_MAX], msg[HP_PATH_MAX + 256];
	struct hp_spec spec;
	long long t = 10000, ready = 30000;
	int n = 1;

	if (hp_proc_file(st, file, sizeof file, name, HP_P_SPEC) == 0 &&
	    hp_spec_load(&spec, name, file, msg,
	    sizeof msg) == 0) {
		t = spec.stop_timeout;
		if (spec.ready_timeout > 0)
			ready = spec.ready_timeout;
		if (spec.instances > 0 && strchr(name, ':') == NULL)
			n = spec.instances;
		hp_spec_free(&spec);
	}
	return reload ? (t + ready) * n + 5000 : t + 5000;
}

static int
status(struct hp_state *st)
{
	char **names, v[64];
	pid_t pid = hp_state_supervisor(st);
	int n = 0;

	if (pid > 0 && hp_state_names(st, &names, &n) == 0)
		hp_argv_free(names);
	if (pid <= 0 || hp_state_version(st, v, sizeof v) == -1)
		v[0] = '\0';
	if (hp_json_mode) {
		printf("{\"running\":%s,\"pid\":%ld,\"processes\":%d",
		    pid > 0 ? "true" : "false", (long)(pid > 0 ? pid : 0), n);
		if (v[0] != '\0' && strspn(v, "0123456789.abcdefghijklmnopqrs"
		    "tuvwxyz-+") == strlen(v))
			printf(",\"version\":\"%s\"", v);
		printf("}\n");
	} else if (pid > 0 && v[0] != '\0')
		printf("running %ld %s\n", (long)pid, v);
	else if (pid > 0)
		printf("running %ld\n", (long)pid);
	else
		printf("not running\n");
	hp_stdout_close();
	return pid > 0 ? HP_EXIT_OK : HP_EXIT_FAIL;
}

/*
 * One answer, said: on stdout, or into j with --json; recovered, the
 * names a supervisor started for it took back (JSON list), or NULL.
 */
static void
result(struct hp_json *j, const char *reply, const char *name, int *failed,
    const char *recovered)
{
	char ok[8], code[32], msg[512], state[16], pid[24], by[16], inst[16];
	char resisted[512];

	if (hp_json_get(reply, "ok", ok, sizeof ok) == -1)
		hp_copy(ok, sizeof ok, "false");
	if (hp_json_get(reply, "code", code, sizeof code) == -1)
		hp_copy(code, sizeof code, "timeout");
	if (hp_json_get(reply, "message", msg, sizeof msg) == -1)
		hp_copy(msg, sizeof msg, reply[0] ? "failed" :
		    "no answer in time");
	if (hp_json_get(reply, "state", state, sizeof state) == -1)
		state[0] = '\0';
	if (hp_json_get(reply, "pid", pid, sizeof pid) == -1)
		hp_copy(pid, sizeof pid, "0");
	if (hp_json_get(reply, "stopped_by", by, sizeof by) == -1)
		by[0] = '\0';
	if (hp_json_get(reply, "resisted", resisted, sizeof resisted) == -1)
		resisted[0] = '\0';
	if (strcmp(ok, "true") != 0) {
		*failed = 1;
		fprintf(stderr, "hp-supervise: %s: %s\n", name, msg);
	} else if (!hp_json_mode)
		printf("%s %s%s%s%s%s\n", name, state[0] ? state : "ok",
		    state[0] && strcmp(pid, "0") != 0 ? " " : "",
		    state[0] && strcmp(pid, "0") != 0 ? pid : "",
		    resisted[0] ? ", killed: " : "", resisted);
	if (!hp_json_mode)
		return;
	hp_json_open(j, '{');
	hp_json_kstr(j, "name", name);
	hp_json_kbool(j, "ok", strcmp(ok, "true") == 0);
	if (state[0] != '\0')
		hp_json_kstr(j, "state", state);
	hp_json_kint(j, "pid", atoll(pid));
	if (by[0] != '\0')
		hp_json_kstr(j, "stopped_by", by);
	if (resisted[0] != '\0')
		hp_json_kstr(j, "resisted", resisted);
	if (recovered != NULL) {
		hp_json_key(j, "recovered");
		hp_json_raw(j, recovered[0] ? recovered : "[]",
		    recovered[0] ? strlen(recovered) : 2);
	}
	if (hp_json_get(reply, "instances", inst, sizeof inst) == 0)
		hp_json_kint(j, "instances", atoll(inst));
	if (strcmp(ok, "true") != 0) {
		hp_json_key(j, "error");
		hp_json_open(j, '{');
		hp_json_kstr(j, "code", code);
		hp_json_kstr(j, "message", msg);
		hp_json_close(j, '}');
	}
	hp_json_close(j, '}');
}

/* Names a supervisor took back as it started (supervisor:recovered). */
static char recovered[HP_LINE_MAX];

static void
heard(const char *line)
{
	char ev[32];
	const char *p;
	size_t n;

	if (hp_json_get(line, "event", ev, sizeof ev) == -1 ||
	    strcmp(ev, "supervisor:recovered") != 0 ||
	    (p = strstr(line, "\"processes\":[")) == NULL)
		return;
	/* A JSON array of names: no bracket is in a name. */
	p += 12;
	n = strcspn(p, "]");
	if (p[n] == ']' && n + 1 < sizeof recovered)
		snprintf(recovered, sizeof recovered, "%.*s", (int)n + 1, p);
}

/* The names in recovered, for people: "web db", or "nothing". */
static void
names_of(char *out, size_t n)
{
	const char *p;
	size_t k = 0;

	for (p = recovered; *p != '\0' && k + 1 < n; p++)
		if (*p == ',')
			out[k++] = ' ';
		else if (*p != '"' && *p != '[' && *p != ']')
			out[k++] = *p;
	out[k] = '\0';
	if (k == 0)
		hp_copy(out, n, "nothing");
}

/*
 * Ask the supervisor VERB (with sig, or msg) for each name not yet
 * answered, all at once, and hear each answer into replies. A start
 * or restart starts one if none runs; *started says so.
 */
static void
ask(struct hp_state *st, const char *v, const char *sig, const char *msg,
    char **names, int n, char **replies, long long timeout, int *started)
{
	struct hp_client c;
	char line[HP_LINE_MAX + 1], who[HP_NAME_MAX + 1], ok[8];
	struct hp_admit a;
	long long end, t, p;
	int i, left = 0, r;

	/* Listening first: what a new supervisor takes back is told. */
	if (hp_client_open(&c, st) == -1)
		hp_die("%s/events", st->dir);
	if ((r = hp_client_start(st, &error)) == -1) {
		hp_client_close(&c);
		hp_fail_error(&error);
	}
	*started |= r == 0;
	for (i = 0, t = 0; i < n; i++)
		if (replies[i] == NULL && (p = patience(st, names[i],
		    strcmp(v, "reload") == 0)) > t)
			t = p;
	/* A start may wait in the supervisor's queue first. */
	hp_admit_read(st, &a);
	if (strcmp(v, "start") == 0 || strcmp(v, "restart") == 0 ||
	    strcmp(v, "scale") == 0)
		t += a.queue_timeout;
	t = timeout > 0 ? timeout : t;
	end = hp_mono_ms() + t;
	/* Not carried out once we have given up on it (hp(7), control). */
	c.deadline = hp_wall_ms() + t;
	/* Every name in as few writes as the lines take. */
	for (i = 0; i < n; i++) {
		if (replies[i] != NULL)
			continue;
		if (sig != NULL && strcmp(v, "scale") == 0)
			r = hp_client_queue(&c, "scale %s %s", names[i], sig);
		else if (sig != NULL)
			r = hp_client_queue(&c, "signal %s %s", sig, names[i]);
		else if (msg != NULL)
			r = hp_client_queue(&c, "send %s %s", names[i], msg);
		else
			r = hp_client_queue(&c, "%s %s", v, names[i]);
		if (r == -1) {
			hp_client_close(&c);
			hp_die("%s: send", names[i]);
		}
		left++;
	}
	if (hp_client_flush(&c) == -1) {
		hp_client_close(&c);
		hp_die("send to the supervisor");
	}
	while (left > 0 && hp_client_line(&c, line, sizeof line,
	    end - hp_mono_ms()) == 0) {
		heard(line);
		if (hp_json_get(line, "ok", ok, sizeof ok) == -1 ||
		    hp_json_get(line, "name", who, sizeof who) == -1)
			continue;
		for (i = 0; i < n; i++)
			if (replies[i] == NULL && strcmp(names[i], who) == 0) {
				replies[i] = hp_xstrdup(line);
				left--;
				break;
			}
	}
	hp_client_close(&c);
}

/* A supervisor that was on its way out: its answer does not count. */
static int
unanswered(char **replies, int n)
{
	char code[32];
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (replies[i] != NULL && hp_json_get(replies[i], "code", code,
		    sizeof code) == 0 && strcmp(code, "exiting") == 0) {
			free(replies[i]);
			replies[i] = NULL;
			k++;
		}
	return k;
}

static int	report(struct hp_state *, char **, char **, int, int);

/*
 * VERB for every name: through the supervisor; with none, stop, signal
 * and remove are done here on the recorded process (direct.c) and start
 * nothing, while start and restart start one, and say what it took back.
 */
static int
verb(struct hp_state *st, const char *v, const char *sig, const char *msg,
    char **names, int n, long long timeout)
{
	struct hp_buf b = { 0 };
	char **replies;
	long long end;
	int i, try, started = 0, direct;

	direct = strcmp(v, "stop") == 0 || strcmp(v, "remove") == 0 ||
	    strcmp(v, "signal") == 0;
	replies = hp_xcalloc((size_t)n, sizeof *replies);
	for (try = 0; try < 3; try++) {
		if (direct && hp_state_supervisor(st) <= 0 &&
		    hp_direct_take(st) == 0) {
			for (i = 0; i < n; i++)
				if (replies[i] == NULL) {
					hp_direct_verb(st, v, sig != NULL ?
					    hp_signal(sig) : 0, names[i], &b);
					replies[i] = hp_xstrdup(b.p);
				}
			break;
		}
		ask(st, v, sig, msg, names, n, replies, timeout, &started);
		if (unanswered(replies, n) == 0)
			break;
		/* It was exiting: once it is gone, again. */
		for (end = hp_mono_ms() + 5000; hp_state_supervisor(st) > 0 &&
		    hp_mono_ms() < end; )
			poll(NULL, 0, 5);
	}
	hp_buf_free(&b);
	i = report(st, replies, names, n, started);
	hp_direct_end();
	return i;
}

/* The answers, one a process: lines, or a JSON array; replies freed. */
static int
report(struct hp_state *st, char **replies, char **names, int n, int started)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	char took[HP_LINE_MAX];
	int i, failed = 0;

	hp_json_init(&j, &b);
	hp_json_open(&j, '[');
	for (i = 0; i < n; i++) {
		result(&j, replies[i] ? replies[i] : "", names[i], &failed,
		    started ? recovered : NULL);
		free(replies[i]);
	}
	hp_json_close(&j, ']');
	if (!hp_json_mode && started) {
		names_of(took, sizeof took);
		fprintf(stderr, "hp-supervise: a supervisor started for %s; "
		    "it took back: %s\n", st->dir, took);
	}
	if (hp_json_mode)
		printf("%s\n", hp_buf_str(&b));
	hp_buf_free(&b);
	free(replies);
	hp_stdout_close();
	return failed ? HP_EXIT_FAIL : HP_EXIT_OK;
}

/*
 * wait: until every process named (a NAME of instances: each of them) is
 * in state, for timeout ms at most (0: as long as it takes).
 */
static int
wait_verb(struct hp_state *st, char **names, int n, const char *state,
    long long timeout, const char *after)
{
	struct hp_buf *said;
	char **refs, **replies;
	int i, nr;

	refs = hp_info_expand(st, names, n, &nr);
	for (i = 0; i < nr; i++)
		if (hp_state_proc(st, refs[i]) == -1)
			hp_fail(HP_EXIT_FAIL, "not-found", "%s: no such "
			    "process", refs[i]);
	said = hp_xcalloc((size_t)nr, sizeof *said);
	replies = hp_xcalloc((size_t)nr, sizeof *replies);
	(void)hp_wait(st, refs, nr, state, timeout > 0 ? timeout : -1,
	    after, said);
	for (i = 0; i < nr; i++)
		replies[i] = said[i].p;		/* freed by report */
	free(said);
	i = report(st, replies, refs, nr, 0);
	hp_argv_free(refs);
	return i;
}

static int
shutdown_verb(struct hp_state *st, long long timeout)
{
	struct hp_client c;
	char line[HP_LINE_MAX + 1], ok[8], **names;
	long long end, t = 15000;
	int i, n;

	if (hp_state_supervisor(st) <= 0) {
		if (hp_json_mode)
			printf("{\"running\":false}\n");
		return HP_EXIT_OK;
	}
	if (hp_state_names(st, &names, &n) == 0) {
		for (i = 0; i < n; i++)
			if (patience(st, names[i], 0) > t)
				t = patience(st, names[i], 0);
		hp_argv_free(names);
	}
	if (hp_client_open(&c, st) == -1)
		hp_die("%s/events", st->dir);
	t = timeout > 0 ? timeout : t;
	end = hp_mono_ms() + t;
	c.deadline = hp_wall_ms() + t;
	if (hp_client_send(&c, "shutdown") == -1 && errno != ENXIO) {
		hp_client_close(&c);
		hp_die("send shutdown");
	}
	/*
	 * Its answer comes last thing before it lets go of the lock; then
	 * the lock is asked often, for the caller wants it gone on return.
	 */
	while (hp_client_line(&c, line, sizeof line, end - hp_mono_ms()) == 0)
		if (hp_json_get(line, "ok", ok, sizeof ok) == 0) {
			while (hp_state_supervisor(st) > 0 && hp_mono_ms() < end)
				poll(NULL, 0, 1);
			break;
		}
	hp_client_close(&c);
	if (hp_state_supervisor(st) > 0)
		hp_fail(HP_EXIT_FAIL, "timeout", "shutdown: still running "
		    "after %lld ms", t);
	if (hp_json_mode)
		printf("{\"running\":false}\n");
	hp_stdout_close();
	return HP_EXIT_OK;
}

/*
 * One request to the running supervisor, the verb v with its operand (or
 * NULL): its answer in line (an event line is not it). A refusal is said,
 * after "v: " unless the supervisor's message names it already, and the
 * command exits: code, and "config" a usage error.
 */
static void
request(struct hp_state *st, const char *v, const char *arg,
    long long timeout, char *line, size_t n)
{
	struct hp_client c;
	char ok[8], code[32], msg[HP_PATH_MAX + 256];
	long long end = hp_mono_ms() + (timeout > 0 ? timeout : 15000);

	if (hp_state_supervisor(st) <= 0)
		hp_fail(HP_EXIT_FAIL, "not-running",
		    "no supervisor runs for %s", st->dir);
	if (hp_client_open(&c, st) == -1)
		hp_die("%s/events", st->dir);
	c.deadline = hp_wall_ms() + (end - hp_mono_ms());
	if ((arg != NULL ? hp_client_send(&c, "%s %s", v, arg) :
	    hp_client_send(&c, "%s", v)) == -1) {
		hp_client_close(&c);
		hp_die("send %s", v);
	}
	for (;;) {
		if (hp_client_line(&c, line, n, end - hp_mono_ms()) == -1) {
			hp_client_close(&c);
			hp_fail(HP_EXIT_FAIL, "timeout", "%s: no answer", v);
		}
		if (hp_json_get(line, "ok", ok, sizeof ok) == 0 &&
		    hp_json_get(line, "event", code, sizeof code) == -1)
			break;
	}
	hp_client_close(&c);
	if (strcmp(ok, "true") == 0)
		return;
	if (hp_json_get(line, "message", msg, sizeof msg) == -1)
		msg[0] = '\0';
	if (hp_json_get(line, "code", code, sizeof code) == -1)
		hp_copy(code, sizeof code, "config");
	hp_fail(strcmp(code, "config") == 0 || strcmp(code, "usage") == 0 ?
	    HP_EXIT_USAGE : HP_EXIT_FAIL, code, "%s%s%s",
	    strncmp(msg, v, strlen(v)) == 0 ? "" : v,
	    strncmp(msg, v, strlen(v)) == 0 ? "" : ": ", msg);
}

/* reload: the supervisor reads its hp.conf(5) again; a bad one is refused. */
static int
reload_verb(struct hp_state *st, long long timeout)
{
	char line[HP_LINE_MAX + 1], msg[HP_PATH_MAX + 256];

	request(st, "reload", NULL, timeout, line, sizeof line);
	if (hp_json_get(line, "message", msg, sizeof msg) == -1)
		msg[0] = '\0';
	if (hp_json_mode)
		printf("%s\n", line);
	else
		printf("%s\n", msg);
	hp_stdout_close();
	return HP_EXIT_OK;
}

/*
 * upgrade [PATH]: the running supervisor becomes the hp-supervise at PATH
 * (by default this one), in place: the new one answers.
 */
static int
upgrade_verb(struct hp_state *st, const char *path, long long timeout)
{
	char line[HP_LINE_MAX + 1], self[HP_PATH_MAX], from[64], to[64];

	if (path == NULL) {
		if (hp_self_path(self, sizeof self) == -1)
			hp_die("upgrade: where is this hp-supervise");
		path = self;
	}
	if (strpbrk(path, "\n") != NULL)
		hp_usage(synopsis, "upgrade: bad path");
	request(st, "upgrade", path, timeout, line, sizeof line);
	if (hp_json_mode)
		printf("%s\n", line);
	else {
		if (hp_json_get(line, "from", from, sizeof from) == -1)
			hp_copy(from, sizeof from, "?");
		if (hp_json_get(line, "to", to, sizeof to) == -1)
			hp_copy(to, sizeof to, "?");
		printf("upgraded %s to %s\n", from, to);
	}
	hp_stdout_close();
	return HP_EXIT_OK;
}

/*
 * parent PID: the supervisor follows PID as its parent from now on
 * (an application's next instance takes it over, within --parent-grace).
 */
static int
parent_verb(const char *stdir, const char *pid, long long timeout)
{
	struct hp_state st;
	char line[HP_LINE_MAX + 1], was[24];

	if (hp_state_resolve(&st, stdir) == -1)
		hp_die("state directory");
	request(&st, "parent", pid, timeout > 0 ? timeout : 5000, line,
	    sizeof line);
	if (hp_json_get(line, "was", was, sizeof was) == -1)
		hp_copy(was, sizeof was, "0");
	if (hp_json_mode)
		printf("%s\n", line);
	else if (strcmp(was, "0") == 0)
		printf("parent %s\n", pid);
	else
		printf("parent %s (was %s)\n", pid, was);
	hp_stdout_close();
	return HP_EXIT_OK;
}

/* A file given to the supervisor, made absolute: it works from / . */
static const char *
absolute(char *out, const char *path)
{
	char cwd[HP_PATH_MAX];
	int r;

	if (path[0] != '/' && getcwd(cwd, sizeof cwd) != NULL)
		r = hp_path(out, HP_PATH_MAX, "%s/%s", cwd, path);
	else
		r = hp_copy(out, HP_PATH_MAX, path);
	if (r == -1)
		hp_usage(synopsis, "path too long: %s", path);
	return out;
}

/* save [FILE]: what the state directory keeps, as one hp.conf(5). */
static int
save_verb(const char *stdir, const char *file)
{
	struct hp_state st;
	struct hp_buf b = { 0 };
	struct hp_json j;
	char path[HP_PATH_MAX];
	int n;

	if (file != NULL)
		absolute(path, file);
	else if (hp_save_default(path, sizeof path) == -1)
		hp_fail(HP_EXIT_USAGE, "usage", "save: no HOME to save in: "
		    "name a file");
	if (hp_state_need(&st, stdir, 0, &error) == -1 ||
	    hp_save(&st, path, file == NULL, &n, &error) == -1)
		hp_fail_error(&error);
	if (hp_json_mode) {
		hp_json_init(&j, &b);
		hp_json_open(&j, '{');
		hp_json_kstr(&j, "file", path);
		hp_json_kint(&j, "processes", n);
		hp_json_close(&j, '}');
		printf("%s\n", hp_buf_str(&b));
		hp_buf_free(&b);
	} else
		printf("saved %d process%s to %s\n", n, n == 1 ? "" : "es",
		    path);
	hp_stdout_close();
	return HP_EXIT_OK;
}

/*
 * startup [FILE]: what starts hp-supervise -f FILE at boot or login,
 * printed, or written where it belongs (then the commands that enable
 * it are printed: none is run here).
 */
static int
startup_verb(const char *stdir, const char *file, int scope,
    const char *fmt, int wr)
{
	struct hp_startup o;
	struct hp_state st;
	struct hp_buf b = { 0 }, en = { 0 }, jb = { 0 };
	struct hp_json j;
	char conf[HP_PATH_MAX], where[HP_PATH_MAX], dir[HP_PATH_MAX];
	const char *e = getenv("HP_STATE_DIR");
	size_t i;
	int nowhere;

	memset(&o, 0, sizeof o);
	if ((o.format = hp_startup_format(fmt)) == -1)
		hp_usage(synopsis, "bad format (systemd, launchd, rc): %s",
		    fmt);
	o.system = scope == -1 ? geteuid() == 0 : scope;
	if (file != NULL)
		o.conf = absolute(conf, file);
	else if (hp_save_default(conf, sizeof conf) == -1)
		hp_fail(HP_EXIT_USAGE, "usage", "startup: no HOME: name the "
		    "file");
	else
		o.conf = conf;
	/* A state directory asked for is the boot-started one's too. */
	if (stdir != NULL || (e != NULL && *e != '\0')) {
		if (hp_state_resolve(&st, stdir) == -1)
			hp_die("state directory");
		o.state = st.dir;
	}
	if (hp_startup_init(&o, &error) == -1)
		hp_fail_error(&error);
	if ((nowhere = hp_startup_where(&o, where, sizeof where) == -1))
		hp_copy(where, sizeof where, "(no HOME: nowhere)");
	hp_startup_text(&o, where, &b);
	hp_startup_enable(&o, where, &en);
	if (wr) {
		if (nowhere)
			hp_fail(HP_EXIT_FAIL, "config", "startup: no HOME "
			    "to write it in");
		hp_copy(dir, sizeof dir, where);
		*strrchr(dir, '/') = '\0';
		if (hp_mkdirs(dir, 0755) == -1 || hp_file_write(where, b.p,
		    b.len, o.format == HP_START_RC ? 0755 : 0644) == -1)
			hp_die("%s", where);
	}
	if (hp_json_mode) {
		hp_json_init(&j, &jb);
		hp_json_open(&j, '{');
		hp_json_kstr(&j, "format", hp_startup_name(o.format));
		hp_json_kstr(&j, "scope", o.system ? "system" : "user");
		hp_json_kstr(&j, "path", where);
		hp_json_kbool(&j, "written", wr);
		hp_json_key(&j, "commands");
		hp_json_open(&j, '[');
		for (i = 0; i < en.len; i += strcspn(en.p + i, "\n") + 1) {
			en.p[i + strcspn(en.p + i, "\n")] = '\0';
			hp_json_str(&j, en.p + i);
		}
		hp_json_close(&j, ']');
		hp_json_kstr(&j, "text", hp_buf_str(&b));
		hp_json_close(&j, '}');
		printf("%s\n", hp_buf_str(&jb));
	} else if (wr)
		printf("wrote %s\nto enable it:\n%s", where, hp_buf_str(&en));
	else
		fputs(hp_buf_str(&b), stdout);
	hp_buf_free(&b);
	hp_buf_free(&en);
	hp_buf_free(&jb);
	hp_stdout_close();
	return HP_EXIT_OK;
}

/* -b: the supervisor, detached; it says on fd when it is ready. */
static struct hp_state *bgstate;
static struct hp_superopt *bgopt;

static int
background(void *arg, int fd)
{
	int r;

	(void)arg;
	bgopt->ready = fd;
	bgopt->json = 0;
	bgopt->watch_stdin = 0;
	hp_json_mode = 0;
	if ((r = hp_super_run(bgstate, bgopt, &error)) == -1) {
		hp_say(error.code, "%s", error.msg);
		return error.status;
	}
	return r;
}

/* --init -- COMMAND: a service of its own name, not restarted. */
static struct hp_spec *
command(struct hp_spec *sp, char **argv)
{
	char name[HP_NAME_MAX + 1], cwd[HP_PATH_MAX];
	int i;

	hp_name_derive(name, sizeof name, argv[0]);
	hp_spec_init(sp, name, HP_SERVICE);
	sp->restart = HP_RESTART_NO;
	for (i = 0; argv[i] != NULL; i++)
		;
	sp->argv = hp_xcalloc((size_t)i + 1, sizeof *sp->argv);
	for (i = 0; argv[i] != NULL; i++)
		sp->argv[i] = hp_xstrdup(argv[i]);
	if (getcwd(cwd, sizeof cwd) != NULL)
		sp->dir = hp_xstrdup(cwd);
	return sp;
}

int
main(int argc, char **argv)
{
	struct hp_getopt g = { 0 };
	struct hp_state st;
	struct stat sb;
	const char *stdir = NULL, *v, *sig = NULL, *state = NULL, *after = "";
	char *send = NULL, **names;
	char conf[HP_PATH_MAX], allow[HP_PATH_MAX], msg[HP_PATH_MAX + 256];
	char audit[HP_PATH_MAX];
	struct hp_superopt o;
	struct hp_spec cmd;
	struct hp_admit a;
	struct hp_conf cf;
	struct hp_allow al;
	long long timeout = 0, n;
	int ch, bg = 0, i, r, scope = -1, wr = 0, nn, handover = -1;
	const char *fmt = NULL;
	static struct hp_hord ho;

	hp_progname = "hp-supervise";
	hp_argv0 = argv[0];
	memset(&o, 0, sizeof o);
	o.ready = -1;
	o.metrics_interval = HP_METRICS_INTERVAL;
	hp_admit_default(&a);
	while ((ch = hp_getopt(&g, argc, argv, "hVS:bt:f:", longopts)) != -1) {
		switch (ch) {
		case 'h':
			help();
			break;
		case 'V':
			printf("hp-supervise %s\n", HP_VERSION);
			return 0;
		case O_HOVERSION:
			printf("%s %d %d\n", HP_VERSION, HP_HANDOVER_MIN,
			    HP_HANDOVER);
			return 0;
		case O_HANDOVER:
			n = strtoll(g.arg, NULL, 10);
			if (n < 0 || n > 1 << 20 || strspn(g.arg, "0123456789") !=
			    strlen(g.arg) || fcntl((int)n, F_GETFD) == -1)
				hp_usage(synopsis, "bad handover: %s", g.arg);
			handover = (int)n;
			break;
		case O_HOFAILED:
			o.handback = g.arg;
			break;
		case O_JSON:
			hp_json_mode = 1;
			break;
		case 'S':
			if (g.arg[0] == '\0')
				hp_usage(synopsis, "-S: an empty path");
			stdir = g.arg;
			break;
		case 'b':
			bg = 1;
			break;
		case O_IMPLICIT:
			o.implicit = 1;
			break;
		case 'f':
			o.conf = absolute(conf, g.arg);
			break;
		case O_ALLOW:
			o.allow = absolute(allow, g.arg);
			break;
		case O_AUDIT:
			if (g.arg[0] == '\0')
				hp_usage(synopsis, "--audit: an empty path");
			o.audit = absolute(audit, g.arg);
			break;
		case O_PROFILE:
			if (!hp_name_ok(g.arg))
				hp_usage(synopsis, "invalid profile: %s",
				    g.arg);
			o.profile = g.arg;
			break;
		case O_PARENT:
			n = strtoll(g.arg, NULL, 10);
			if (n <= 1 || strspn(g.arg, "0123456789") !=
			    strlen(g.arg))
				hp_usage(synopsis, "bad parent pid: %s", g.arg);
			o.parent = (pid_t)n;
			break;
		case O_STDIN:
			o.watch_stdin = 1;
			break;
		case O_GRACE:
			if (hp_duration(g.arg, &o.parent_grace) == -1 ||
			    o.parent_grace <= 0 || o.parent_grace > (1LL << 40))
				hp_usage(synopsis, "bad parent-grace: %s", g.arg);
			break;
		case O_READYFD:
			n = strtoll(g.arg, NULL, 10);
			if (n < 3 || n > 1024 || strspn(g.arg, "0123456789") !=
			    strlen(g.arg) || fcntl((int)n, F_GETFD) == -1)
				hp_usage(synopsis, "bad ready-fd (an open "
				    "descriptor, 3 or above): %s", g.arg);
			o.ready = (int)n;
			(void)hp_cloexec(o.ready);	/* not for children */
			break;
		case O_INIT:
			o.init = 1;
			break;
		case O_EVENTS:
			o.events = wants(g.arg);
			break;
		case O_USER:
		case O_SYSTEM:
			scope = ch == O_SYSTEM;
			break;
		case O_WRITE:
			wr = 1;
			break;
		case O_FORMAT:
			fmt = g.arg;
			break;
		case O_MAXPROCS:
		case O_MAXMEM:
		case O_MAXLOAD:
		case O_QTIMEOUT:
			admission(&a, ch, g.arg);
			o.admit = &a;
			break;
		case 't':
			if (hp_duration(g.arg, &timeout) == -1 ||
			    timeout <= 0 || timeout > (1LL << 40))
				hp_usage(synopsis, "bad timeout: %s", g.arg);
			after = g.arg;
			break;
		default:
			hp_usage(synopsis, "%s", g.bad);
		}
	}
	argv += g.ind;
	argc -= g.ind;
	/* The new image of an upgrade: everything else is in the handover. */
	if (handover != -1) {
		const char *dir, *back = o.handback;

		if (argc != 0)
			hp_usage(synopsis, "--handover takes nothing else");
		if (hp_upgrade_options(&ho, handover, &o, &dir, msg,
		    sizeof msg) == -1)
			hp_fail(HP_EXIT_FAIL, "upgrade-failed", "%s", msg);
		o.handback = back;
		if (hp_state_need(&st, dir, 1, &error) == -1) {
			if (back == NULL)
				hp_upgrade_back(&ho, error.msg);
			hp_fail_error(&error);
		}
		hp_json_mode = o.json;
		if ((r = hp_super_run(&st, &o, &error)) == -1)
			hp_fail_error(&error);
		return r;
	}
	if (o.init && (bg || o.implicit))
		hp_usage(synopsis, "--init runs in the foreground, on its own");
	if (o.profile != NULL && o.conf == NULL)
		hp_usage(synopsis, "--profile is of a file: -f file");
	if (g.dashdash && !o.init)
		hp_usage(synopsis, "a command to run needs --init");
	if (g.dashdash && argc == 0)
		hp_usage(synopsis, "no command after --");
	if (g.dashdash)
		o.cmd = command(&cmd, argv);
	if (argc == 0 || o.cmd != NULL) {
		if (bg && o.ready != -1)
			hp_usage(synopsis, "-b and --ready-fd: -b says it "
			    "itself");
		if (bg && o.watch_stdin)
			hp_usage(synopsis, "-b and --exit-with-stdin: a "
			    "detached supervisor has no stdin");
		if (o.parent_grace > 0 && o.parent <= 0 && !o.watch_stdin)
			hp_usage(synopsis, "--parent-grace is a grace of "
			    "--parent or --exit-with-stdin");
		if (o.events != 0 && (!hp_json_mode || bg))
			hp_usage(synopsis, "--events is for the --json stream "
			    "of one in the foreground");
		/* A bad file is refused whole, before anything starts. */
		if (o.allow != NULL) {
			if (hp_allow_load(&al, o.allow, msg, sizeof msg) == -1)
				hp_fail(HP_EXIT_USAGE, "config", "%s", msg);
			hp_allow_free(&al);
		}
		if (o.conf != NULL) {
			if (hp_conf_load(&cf, o.conf, o.profile, msg, sizeof msg) == -1)
				hp_fail(HP_EXIT_USAGE, "config", "%s", msg);
			hp_conf_free(&cf);
		}
		if (hp_state_need(&st, stdir, 1, &error) == -1)
			hp_fail_error(&error);
		o.json = hp_json_mode;
		if (!bg) {
			if ((r = hp_super_run(&st, &o, &error)) == -1)
				hp_fail_error(&error);
			return r;
		}
		bgstate = &st;
		bgopt = &o;
		if ((r = hp_client_detach(&st, background, NULL, &error)) == -1)
			hp_fail_error(&error);
		if (r == 1)
			hp_fail(HP_EXIT_FAIL, "exists", "%s: already "
			    "supervised by PID %ld", st.dir,
			    (long)hp_state_supervisor(&st));
		return HP_EXIT_OK;
	}
	v = argv[0];
	if (o.conf != NULL || o.parent > 0 || o.watch_stdin || bg || o.init ||
	    o.allow != NULL || o.ready != -1 || o.events != 0 ||
	    o.audit != NULL)
		hp_usage(synopsis, "%s takes none of -b, -f, --init, --parent, "
		    "--exit-with-stdin, --audit", v);
	if (o.parent_grace > 0)
		hp_usage(synopsis, "%s takes no --parent-grace", v);
	if (o.admit != NULL)
		hp_usage(synopsis, "%s takes none of --max-procs, "
		    "--max-memory, --max-load, --queue-timeout", v);
	/* Their options may follow the verb: startup --user --write. */
	if (strcmp(v, "save") == 0 || strcmp(v, "startup") == 0) {
		memset(&g, 0, sizeof g);
		while ((ch = hp_getopt(&g, argc, argv, "", longopts)) != -1)
			if (ch == O_JSON)
				hp_json_mode = 1;
			else if (ch == O_USER || ch == O_SYSTEM)
				scope = ch == O_SYSTEM;
			else if (ch == O_WRITE)
				wr = 1;
			else if (ch == O_FORMAT)
				fmt = g.arg;
			else
				hp_usage(synopsis, "%s: not its option: %s", v,
				    argv[g.ind - 1]);
		if (argc - g.ind > 1)
			hp_usage(synopsis, "%s takes one file at most", v);
	}
	if (strcmp(v, "startup") != 0 && (scope != -1 || wr || fmt != NULL))
		hp_usage(synopsis, "--user, --system, --format and --write are "
		    "startup's");
	if (strcmp(v, "save") == 0)
		return save_verb(stdir, argv[g.ind]);
	if (strcmp(v, "startup") == 0)
		return startup_verb(stdir, argv[g.ind], scope, fmt, wr);
	if (strcmp(v, "upgrade") == 0) {
		if (argc > 2)
			hp_usage(synopsis, "upgrade takes one path at most");
		if (hp_state_resolve(&st, stdir) == -1)
			hp_die("state directory");
		return upgrade_verb(&st, argc == 2 ? absolute(conf, argv[1]) :
		    NULL, timeout);
	}
	if (strcmp(v, "status") == 0 || strcmp(v, "shutdown") == 0) {
		if (argc != 1)
			hp_usage(synopsis, "%s takes no operand", v);
	} else if (strcmp(v, "parent") == 0) {
		if (argc != 2)
			hp_usage(synopsis, "parent wants a pid");
		n = strtoll(argv[1], NULL, 10);
		if (n <= 1 || strspn(argv[1], "0123456789") != strlen(argv[1]))
			hp_usage(synopsis, "bad parent pid: %s", argv[1]);
		return parent_verb(stdir, argv[1], timeout);
	} else if (strcmp(v, "reload") == 0 && argc == 1) {
		;		/* the configuration; with names, a rolling one */
	} else if (strcmp(v, "scale") == 0) {
		if (argc != 3)
			hp_usage(synopsis, "scale wants a name and a count");
		if (strspn(argv[2], "0123456789") != strlen(argv[2]) ||
		    *argv[2] == '\0' || strlen(argv[2]) > 3 ||
		    atoi(argv[2]) < 1 || atoi(argv[2]) > HP_INSTANCES_MAX)
			hp_usage(synopsis, "scale: bad count (1 to %d): %s",
			    HP_INSTANCES_MAX, argv[2]);
		sig = argv[2];
		argc--;
	} else if (strcmp(v, "signal") == 0) {
		if (argc < 3)
			hp_usage(synopsis, "signal wants a signal and a name");
		if (hp_signal(argv[1]) <= 0)
			hp_usage(synopsis, "unknown signal: %s", argv[1]);
		sig = argv[1];
		argv++;
		argc--;
	} else if (strcmp(v, "wait") == 0) {
		/* wait NAME STATE -t DUR, as scripts write it, too. */
		if (argc == 5 && (strcmp(argv[3], "-t") == 0 ||
		    strcmp(argv[3], "--timeout") == 0)) {
			after = argv[4];
			if (hp_duration(after, &timeout) == -1 ||
			    timeout <= 0 || timeout > (1LL << 40))
				hp_usage(synopsis, "bad timeout: %s", after);
			argc -= 2;
		}
		if (argc != 3)
			hp_usage(synopsis, "wait wants a name and a state");
		if (!hp_wait_known(argv[2]))
			hp_usage(synopsis, "wait: unknown state: %s (starting, "
			    "running, ready, reloading, backoff, stopping, "
			    "stopped, exited, failed)", argv[2]);
		state = argv[2];
		argc--;
	} else if (strcmp(v, "send") == 0) {
		if (argc != 3)
			hp_usage(synopsis, "send wants a name and a message");
		send = message(argv[2]);
		argc--;
	} else if (strcmp(v, "start") == 0 || strcmp(v, "stop") == 0 ||
	    strcmp(v, "restart") == 0 || strcmp(v, "remove") == 0 ||
	    strcmp(v, "reload") == 0) {
		if (argc < 2)
			hp_usage(synopsis, "%s wants a name", v);
	} else
		hp_usage(synopsis, "unknown verb: %s", v);
	for (i = 1; i < argc; i++)
		if (!hp_match_ok(argv[i]))
			hp_usage(synopsis, "invalid name: %s", argv[i]);
	if (hp_state_resolve(&st, stdir) == -1)
		hp_die("state directory");
	if (lstat(st.dir, &sb) == -1 && errno == ENOENT) {
		if (strcmp(v, "status") == 0)
			return status(&st);
		if (strcmp(v, "shutdown") == 0)
			return shutdown_verb(&st, timeout);
		if (strcmp(v, "reload") == 0 || send != NULL)
			hp_fail(HP_EXIT_FAIL, "not-running", "no supervisor "
			    "runs for %s", st.dir);
		/* No process at all: a pattern or all matches nothing. */
		if (hp_match(&st, argv + 1, argc - 1, &names, &nn,
		    &error) == -1)
			hp_fail_error(&error);
		hp_argv_free(names);
		if (strcmp(v, "scale") == 0 || state != NULL)
			hp_fail(HP_EXIT_FAIL, "not-found", "%s: no such "
			    "process", argv[1]);
	}
	if (hp_state_need(&st, stdir, strcmp(v, "start") == 0 ||
	    strcmp(v, "restart") == 0, &error) == -1)
		hp_fail_error(&error);
	if (strcmp(v, "status") == 0)
		return status(&st);
	if (strcmp(v, "shutdown") == 0)
		return shutdown_verb(&st, timeout);
	if (strcmp(v, "reload") == 0 && argc == 1)
		return reload_verb(&st, timeout);
	/* A message is for a program that runs: no supervisor is started. */
	if (send != NULL && hp_state_supervisor(&st) <= 0)
		hp_fail(HP_EXIT_FAIL, "not-running", "no supervisor runs "
		    "for %s", st.dir);
	/* all and patterns: what they match now, each asked on its own. */
	if (hp_match(&st, argv + 1, argc - 1, &names, &nn, &error) == -1)
		hp_fail_error(&error);
	if (state != NULL)
		r = wait_verb(&st, names, nn, state, timeout, after);
	else
		r = verb(&st, v, sig, send, names, nn, timeout);
	hp_argv_free(names);
	free(send);
	return r;
}
