/* hp: see LICENSE. */
/* hp-spawn: start a process, hand it to the supervisor, say how it went. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

static struct hp_error error;	/* what lib/ handed up, to say */

static const char synopsis[] =
    "hp-spawn [-Ew] [--json] [-S dir] [-n name] [-t type] [-C dir] "
    "[-e name=value]... [-r policy] [--stop-signal sig] "
    "[--stop-timeout dur] [--backoff-min dur] [--backoff-max dur] "
    "[--max-restarts n] [--restart-window dur] [--circuit-reset dur] "
    "[--ready-fd n] [--ready-check check] [--ready-timeout dur] "
    "[--wait-ready dur] [--health check] [--after name]... "
    "[--limit name=value]... [--memory-max size] [--cpu-max percent] "
    "[--limit-interval dur] [-u user[:group]] [--umask mode] "
    "[--listen address]... [-i n] [--env-file path]... [-o key=value]... "
    "-- command [arg ...]\n"
    "       hp-spawn [option ...] file.js";

enum {
	O_JSON = 256, O_STOPSIG, O_STOPTIME, O_BMIN, O_BMAX, O_MAXR, O_WINDOW,
	O_RESET, O_READYFD, O_WAITREADY, O_READYCHECK, O_READYTIME, O_HEALTH,
	O_AFTER, O_LIMIT, O_MEMMAX, O_CPUMAX, O_INTERVAL, O_UMASK, O_LISTEN,
	O_ENVFILE
};

/* A NULL help is the line of the spec key of the same name (keys.c). */
static const struct hp_opt longopts[] = {
	{ "name", "name", 'n', "its name; by default, the command's" },
	{ "type", "type", 't', NULL },
	{ "dir", "dir", 'C', NULL },
	{ "env", "name=value", 'e', NULL },
	{ "clear-env", NULL, 'E', NULL },
	{ "restart", "policy", 'r', NULL },
	{ "wait", NULL, 'w', "wait for its end: its output and status" },
	{ "stop-signal", "sig", O_STOPSIG, NULL },
	{ "stop-timeout", "dur", O_STOPTIME, NULL },
	{ "backoff-min", "dur", O_BMIN, NULL },
	{ "backoff-max", "dur", O_BMAX, NULL },
	{ "max-restarts", "n", O_MAXR, NULL },
	{ "restart-window", "dur", O_WINDOW, NULL },
	{ "circuit-reset", "dur", O_RESET, NULL },
	{ "ready-fd", "n", O_READYFD, NULL },
	{ "ready-check", "check", O_READYCHECK, NULL },
	{ "ready-timeout", "dur", O_READYTIME, NULL },
	{ "wait-ready", "dur", O_WAITREADY, "return once it is ready" },
	{ "health", "check", O_HEALTH, NULL },
	{ "after", "name", O_AFTER, NULL },
	{ "option", "key=value", 'o', "a key of its spec, as below" },
	{ "limit", "name=value", O_LIMIT, "a limit-NAME key, as -o sets it" },
	{ "memory-max", "size", O_MEMMAX, NULL },
	{ "cpu-max", "percent", O_CPUMAX, NULL },
	{ "limit-interval", "dur", O_INTERVAL, NULL },
	{ "user", "user[:group]", 'u', NULL },
	{ "umask", "mode", O_UMASK, NULL },
	{ "listen", "address", O_LISTEN, NULL },
	{ "instances", "n", 'i', NULL },
	{ "env-file", "path", O_ENVFILE, NULL },
	{ "json", NULL, O_JSON, "its record, or -w's result, as JSON" },
	{ "state-dir", "dir", 'S', "the state directory" },
	HP_OPT_END
};

#define OPTS	"hVS:n:t:C:e:Er:wo:u:i:"

/* The line of help of a spec key; NULL: no such key. */
static const char *
keyhelp(const char *name)
{
	const struct hp_key *k = hp_key_find(name);
	struct hp_keyinfo in;

	if (k == NULL)
		return NULL;
	hp_key_about(k, &in);
	return in.help;
}

/* -h: the options, then the keys -o takes, from their tables. */
static void
help(void)
{
	const struct hp_key *k;
	struct hp_keyinfo in;
	char form[64];
	int i;

	hp_opt_help(synopsis, longopts, keyhelp);
	printf("keys of -o key=value (hp.conf(5)):\n");
	for (i = 0; (k = hp_key_at(i)) != NULL; i++) {
		hp_key_about(k, &in);
		if (!in.opt)
			continue;
		snprintf(form, sizeof form, "%s=%s", in.name, in.arg);
		printf("  %-24s  %s%s%s%s\n", form, in.help,
		    in.def != NULL ? " (" : "", in.def != NULL ? in.def : "",
		    in.def != NULL ? ")" : "");
	}
	hp_stdout_close();
	exit(HP_EXIT_OK);
}

/* Does the name end in .js, .mjs or .cjs: a script for node? */
static int
script(const char *s)
{
	static const char *ext[] = { ".js", ".mjs", ".cjs" };
	size_t i, n = strlen(s), e;

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (n > (e = strlen(ext[i])) && strcmp(s + n - e, ext[i]) == 0)
			return 1;
	return 0;
}

/*
 * The type sets defaults, and node's keys are refused for other types:
 * find it first. A lone operand app.js with no --, as pm2 start takes
 * it, is a script for node.
 */
static int
typeof_args(int argc, char **argv, int *js)
{
	struct hp_getopt g = { 0 };
	int ch, type = -1;

	while ((ch = hp_getopt(&g, argc, argv, OPTS, longopts)) != -1)
		if (ch == 't' && hp_type_parse(g.arg) >= 0)
			type = hp_type_parse(g.arg);
	*js = !g.dashdash && g.ind == argc - 1 && script(argv[g.ind]) &&
	    (type == -1 || type == HP_NODE);
	if (*js)
		return HP_NODE;
	return type == -1 ? HP_SERVICE : type;
}

static void
setspec(struct hp_spec *sp, const char *key, const char *val)
{
	char msg[256];

	if (hp_spec_set(sp, key, val, msg, sizeof msg) == -1)
		hp_usage(synopsis, "%s", msg);
}

/*
 * -e NAME=VALUE, or -e NAME: NAME=VALUE of our environment, given as -e
 * is (over the env-files) without its value on a command line.
 */
static char *
given(char *arg)
{
	extern char **environ;
	size_t n = strlen(arg), i;

	if (arg[0] == '=' || (strchr(arg, '=') == NULL && n == 0))
		hp_usage(synopsis, "-e wants NAME=VALUE: %s", arg);
	if (strchr(arg, '=') != NULL)
		return arg;
	for (i = 0; environ[i] != NULL; i++)
		if (strncmp(environ[i], arg, n) == 0 && environ[i][n] == '=')
			return environ[i];
	hp_usage(synopsis, "-e %s: not in the environment", arg);
}

/* --env-file PATH: one path, blanks and all. */
static void
envfile(struct hp_spec *sp, const char *path)
{
	struct hp_buf b = { 0 };

	hp_quote(&b, path);
	setspec(sp, "env-file", hp_buf_str(&b));
	hp_buf_free(&b);
}

/*
 * Its environment: ours recorded (unless -E), then what -o env and -e
 * give. With env-files, what was recorded is named (env-recorded): the
 * files go between the two at each start.
 */
static void
environment(struct hp_spec *sp, char **envs, int nenv, int clear)
{
	char **given = sp->env, **all, cwd[HP_PATH_MAX], full[HP_PATH_MAX];
	int ng = 0, i;

	/* Its env-files from here, as -C is. */
	for (i = 0; sp->env_file != NULL && sp->env_file[i] != NULL; i++)
		if (sp->env_file[i][0] != '/' && getcwd(cwd, sizeof cwd) !=
		    NULL && hp_path(full, sizeof full, "%s/%s", cwd,
		    sp->env_file[i]) == 0) {
			free(sp->env_file[i]);
			sp->env_file[i] = hp_xstrdup(full);
		}
	while (given != NULL && given[ng] != NULL)
		ng++;
	sp->env = NULL;
	sp->clear_env = 1;
	if (!clear && sp->type != HP_TERMINAL)
		hp_spec_inherit(sp);
	hp_spec_addenvs(sp, given, (size_t)ng);
	hp_spec_addenvs(sp, envs, (size_t)nenv);
	/* A terminal's: TERM, locale... as hp-pty -d makes it. */
	if (sp->type == HP_TERMINAL) {
		sp->clear_env = clear;
		hp_pty_specenv(sp);
	}
	if (sp->env_file != NULL) {
		all = hp_xcalloc((size_t)(ng + nenv + 1), sizeof *all);
		if (ng > 0)
			memcpy(all, given, (size_t)ng * sizeof *all);
		if (nenv > 0)
			memcpy(all + ng, envs, (size_t)nenv * sizeof *all);
		hp_spec_recorded(sp, all, (size_t)(ng + nenv));
		free(all);
	}
	hp_argv_free(given);
}

/* -o KEY=VALUE: a key of hp.conf(5) that -o takes (keys.c). */
static void
setkey(struct hp_spec *sp, const char *kv)
{
	char msg[256];

	if (hp_spec_option(sp, kv, msg, sizeof msg) == -1)
		hp_usage(synopsis, "%s", msg);
}

/* --after NAME, again and again: the names add up. */
static void
addafter(struct hp_spec *sp, const char *name)
{
	struct hp_buf b = { 0 };
	size_t i;

	for (i = 0; sp->after != NULL && sp->after[i] != NULL; i++) {
		hp_buf_adds(&b, sp->after[i]);
		hp_buf_addc(&b, ' ');
	}
	if (!hp_ref_ok(name))
		hp_usage(synopsis, "invalid name: %s", name);
	hp_buf_adds(&b, name);
	setspec(sp, "after", hp_buf_str(&b));
	hp_buf_free(&b);
}

/*
 * The pid is the one that exec'd: it may be gone already. Instances are
 * told one a line, NAME:I PID, or as an array of their objects.
 */
static void
print_info(struct hp_state *st, const char *name, const char *pid)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	struct hp_info in;
	char ref[HP_REF_MAX + 16], num[24];
	int *v, n, i;

	if (hp_state_instances(st, name, &v, &n) == -1)
		n = 0;
	hp_json_init(&j, &b);
	if (n > 0)
		hp_json_open(&j, '[');
	for (i = 0; i < (n > 0 ? n : 1); i++) {
		if (n > 0)
			snprintf(ref, sizeof ref, "%s:%d", name, v[i]);
		else
			snprintf(ref, sizeof ref, "%s", name);
		/* The same object as hp-ls --json gives: tree and memory. */
		if (hp_info_load(st, ref, &in, hp_json_mode) == -1)
			hp_die("%s", ref);
		if (hp_json_mode)
			hp_info_json(&j, &in);
		else if (n == 0)
			printf("%s %s\n", name, pid);
		else {
			snprintf(num, sizeof num, "%ld", (long)in.pid);
			printf("%s %s\n", ref, in.pid > 0 ? num : "waiting");
		}
	}
	if (n > 0)
		hp_json_close(&j, ']');
	if (hp_json_mode)
		printf("%s\n", hp_buf_str(&b));
	hp_buf_free(&b);
	free(v);
}

/*
 * -w --json: the output kept for the result, at most OUT_MAX bytes a
 * stream (execFile's default maxBuffer); what passes it is cut, and said.
 */
#define OUT_MAX	(1024 * 1024)
static struct hp_buf out[2];
static int cut[2];

/* text (n bytes) to stream 0 (stdout) or 1 (stderr), or to its buffer. */
static void
put(int stream, const char *text, size_t n)
{
	struct hp_buf *b = &out[stream != 0];

	if (!hp_json_mode) {
		fwrite(text, 1, n, stream ? stderr : stdout);
		return;
	}
	if (b->len + n > OUT_MAX) {
		n = OUT_MAX - b->len;
		cut[stream != 0] = 1;
	}
	hp_buf_add(b, text, n);
}

/* Copy what the log holds past *off to our stdout and stderr. */
static void
copylog(int fd, long long *off, int final)
{
	char buf[65536], *p, *nl;
	const char *text;
	ssize_t n;
	size_t len;
	int stream;

	for (;;) {
		n = pread(fd, buf, sizeof buf - 1, (off_t)*off);
		if (n <= 0)
			return;
		buf[n] = '\0';
		for (p = buf; (nl = memchr(p, '\n', (size_t)(buf + n - p)));
		    p = nl + 1) {
			*nl = '\0';
			if (hp_log_parse(p, &stream, &text) == 0) {
				len = strlen(text);
				put(stream, text, len);
				put(stream, "\n", 1);
			}
		}
		if (p == buf && n == (ssize_t)sizeof buf - 1)
			p = buf + n;	/* an endless line: give it out */
		if (final && n < (ssize_t)sizeof buf - 1 && p < buf + n &&
		    hp_log_parse(p, &stream, &text) == 0) {
			put(stream, text, strlen(text));
			p = buf + n;
		}
		*off += p - buf;
		fflush(stdout);
		if (p == buf || n < (ssize_t)sizeof buf - 1)
			return;
	}
}

/*
 * Where -w is in the log: the file it reads (dev, ino; none yet: 0) at
 * off. The log is rotated by rename (log -> log.1 -> log.2 ...), maybe
 * more than once between two looks, or before the first, and maybe while
 * -w looks: a file is known by its identity, never by the name it had.
 */
static struct {
	dev_t		dev;
	ino_t		ino;
	long long	off;
} at;

#define LOGS	100	/* log, log.1 ... log.99 (log-count at most) */

/* The name of the log (k = 0) or of its k-th rotation. */
static int
logname(struct hp_state *st, const char *name, int k, char *file, size_t n)
{
	char log[HP_PATH_MAX];

	if (hp_proc_file(st, log, sizeof log, name, HP_P_LOG) == -1)
		return -1;
	return k > 0 ? hp_path(file, n, "%s.%d", log, k) :
	    hp_copy(file, n, log);
}

static int
logstat(struct hp_state *st, const char *name, int k, struct stat *sb)
{
	char file[HP_PATH_MAX];

	if (logname(st, name, k, file, sizeof file) == -1)
		return -1;
	return stat(file, sb);
}

static int
logopen(struct hp_state *st, const char *name, int k, struct stat *sb)
{
	char file[HP_PATH_MAX];
	int fd;

	if (logname(st, name, k, file, sizeof file) == -1 ||
	    (fd = hp_open(file, O_RDONLY | O_NOFOLLOW, 0)) == -1)
		return -1;
	if (fstat(fd, sb) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
ours(const struct stat *sb)
{
	return at.ino != 0 && sb->st_ino == at.ino && sb->st_dev == at.dev;
}

/*
 * Where our file is now: 0 the log, k its k-th rotation, -1 none. Files
 * only move up, and so does the search: it cannot miss one that moves.
 */
static int
whichlog(struct hp_state *st, const char *name)
{
	struct stat sb;
	int k;

	for (k = 0; k < LOGS; k++)
		if (logstat(st, name, k, &sb) == 0 && ours(&sb))
			return k;
	return -1;
}

/* Not begun, or rotated out of reach: from the oldest file left. */
static int
oldest(struct hp_state *st, const char *name)
{
	struct stat sb;
	int k;

	for (k = LOGS - 1; k >= 0; k--)
		if (logstat(st, name, k, &sb) == 0) {
			at.dev = sb.st_dev;
			at.ino = sb.st_ino;
			at.off = 0;
			return 0;
		}
	return -1;
}

/*
 * What the log holds past where we are, through its rotations; final:
 * the end, a last line without a newline too. A rotated file is whole
 * (the supervisor rotates before a write, never during one), so it is
 * copied to its end, a line cut by the rotation too. The file after it
 * is the one a place nearer the log while ours stays where it was: a
 * rotation moves the older file first.
 */
static void
drain(struct hp_state *st, const char *name, int final)
{
	struct stat sb, was;
	int k, fd, tries;

	for (tries = 0; tries < 4 * LOGS; tries++) {
		if ((k = whichlog(st, name)) == -1) {
			if (oldest(st, name) == -1)
				return;
			continue;
		}
		if ((fd = logopen(st, name, k, &sb)) == -1)
			continue;
		if (ours(&sb))
			copylog(fd, &at.off, final || k > 0);
		close(fd);
		if (!ours(&sb))
			continue;
		if (k == 0)
			return;
		/* None between the rename of the log and its new file. */
		if ((fd = logopen(st, name, k - 1, &sb)) == -1)
			return;
		close(fd);
		if (logstat(st, name, k, &was) == 0 && ours(&was)) {
			at.dev = sb.st_dev;
			at.ino = sb.st_ino;
			at.off = 0;
		}
	}
}

/*
 * -w --json: how it ended and what it wrote, as execFile() resolves:
 * {name, state, exit_code, exit_signal, stdout, stderr, truncated}.
 */
static void
result(const struct hp_info *in)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	int i;

	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kstr(&j, "name", in->name);
	hp_json_kstr(&j, "state", in->state);
	hp_json_key(&j, "exit_code");
	if (in->exit_code >= 0 && in->exit_signal == 0)
		hp_json_int(&j, in->exit_code);
	else
		hp_json_null(&j);
	hp_json_kstr(&j, "exit_signal", in->exit_signal > 0 ?
	    hp_signame(in->exit_signal) : NULL);
	for (i = 0; i < 2; i++) {
		hp_json_key(&j, i == 0 ? "stdout" : "stderr");
		hp_json_strn(&j, out[i].len > 0 ? out[i].p : "", out[i].len);
		hp_buf_free(&out[i]);
	}
	hp_json_kbool(&j, "truncated", cut[0] || cut[1]);
	hp_json_close(&j, '}');
	printf("%s\n", hp_buf_str(&b));
	hp_buf_free(&b);
}

/* -w: follow NAME's log until it has ended for good; its status is ours. */
static int
follow(struct hp_client *c, const char *name)
{
	char line[HP_LINE_MAX + 1], val[HP_NAME_MAX + 1], st[32];
	struct hp_info in;
	static const int ending[] = { SIGINT, SIGTERM, SIGHUP, 0 };
	int stopping = 0;

	hp_sig_flag(ending);
	for (;;) {
		drain(c->st, name, 0);
		if (hp_sig_flagged() && !stopping) {
			stopping = 1;
			hp_client_send(c, "stop %s", name);
		}
		if (hp_client_line(c, line, sizeof line, 50) == -1) {
			if (errno == ETIMEDOUT || errno == EINTR)
				continue;
			hp_die("%s: lost the supervisor", name);
		}
		if (hp_json_get(line, "name", val, sizeof val) == -1 ||
		    strcmp(val, name) != 0 ||
		    hp_json_get(line, "event", val, sizeof val) == -1)
			continue;
		/* It has ended for good: stopped, or not to be restarted. */
		if (strcmp(val, "process:stopped") != 0 &&
		    (strcmp(val, "process:exited") != 0 ||
		    hp_json_get(line, "state", st, sizeof st) == -1 ||
		    (strcmp(st, "exited") != 0 && strcmp(st, "failed") != 0)))
			continue;
		break;
	}
	drain(c->st, name, 1);
	if (hp_info_load(c->st, name, &in, 0) == -1)
		return HP_EXIT_FAIL;
	if (hp_json_mode)
		result(&in);
	if (in.exit_signal > 0)
		return 128 + in.exit_signal;
	return in.exit_code >= 0 ? in.exit_code : HP_EXIT_FAIL;
}

/* -w: what the log of NAME holds now is not ours. */
static void
logstart(struct hp_state *st, const char *name)
{
	struct stat sb;

	if (logstat(st, name, 0, &sb) == -1)
		return;
	at.dev = sb.st_dev;
	at.ino = sb.st_ino;
	at.off = (long long)sb.st_size;
}

/* The names that said they are ready while we waited for an answer. */
static char ready[HP_INSTANCES_MAX][HP_REF_MAX + 1];
static int nready;

static void
seen(const char *line)
{
	char ev[32];

	if (hp_json_get(line, "event", ev, sizeof ev) == 0 &&
	    strcmp(ev, "process:ready") == 0 && nready < HP_INSTANCES_MAX &&
	    hp_json_get(line, "name", ready[nready], sizeof ready[0]) == 0)
		nready++;
}

/* Is who NAME, or one of its instances NAME:I? */
static int
whose(const char *who, const char *name, int instances)
{
	size_t n = strlen(name);

	if (instances == 0)
		return strcmp(who, name) == 0;
	return strncmp(who, name, n) == 0 && who[n] == ':';
}

/* Another of them is ready: all of them now? Each is counted once. */
static int
readied(const char *who, const char *name, int instances)
{
	static char seen[HP_INSTANCES_MAX][HP_REF_MAX + 1];
	static int nseen;
	int i;

	if (!whose(who, name, instances))
		return 0;
	for (i = 0; i < nseen && strcmp(seen[i], who) != 0; i++)
		;
	if (i == nseen && nseen < HP_INSTANCES_MAX)
		hp_copy(seen[nseen++], sizeof seen[0], who);
	return nseen >= (instances > 0 ? instances : 1);
}

/*
 * --wait-ready: until NAME (every instance of it) says it is ready
 * (process:ready), gives up (one exited or was stopped) or the time is
 * out.
 */
static void
waitfor(struct hp_client *c, const char *name, int instances, long long ms)
{
	char line[HP_LINE_MAX + 1], ev[32], who[HP_REF_MAX + 1];
	long long end = hp_mono_ms() + ms;
	int i;

	for (i = 0; i < nready; i++)
		if (readied(ready[i], name, instances))
			return;
	for (;;) {
		if (hp_client_line(c, line, sizeof line,
		    end - hp_mono_ms()) == -1) {
			hp_client_close(c);
			if (errno == ETIMEDOUT)
				hp_fail(HP_EXIT_FAIL, "timeout",
				    "%s: not ready after %lld ms", name, ms);
			hp_fail(HP_EXIT_FAIL, "system", "%s: lost the "
			    "supervisor", name);
		}
		if (hp_json_get(line, "name", who, sizeof who) == -1 ||
		    !whose(who, name, instances) ||
		    hp_json_get(line, "event", ev, sizeof ev) == -1)
			continue;
		if (strcmp(ev, "process:ready") == 0) {
			if (readied(who, name, instances))
				return;
			continue;
		}
		if (strcmp(ev, "process:exited") == 0 ||
		    strcmp(ev, "process:stopped") == 0) {
			hp_client_close(c);
			hp_fail(HP_EXIT_FAIL, "not-ready",
			    "%s: ended before it was ready", name);
		}
	}
}

int
main(int argc, char **argv)
{
	struct hp_getopt g = { 0 };
	struct hp_spec spec;
	struct hp_state st;
	struct hp_client c;
	char name[HP_NAME_MAX + 1];
	char reply[HP_LINE_MAX + 1], code[32], msg[256], val[16];
	struct hp_user user;
	const char *stdir = NULL, *opt_name = NULL;
	char *envs[256];
	char cwd[HP_PATH_MAX];
	int ch, nenv = 0, clear = 0, wait = 0, i, status, policy = 0, inst, js;
	long long waitready = 0;

	hp_progname = "hp-spawn";
	hp_argv0 = argv[0];
	hp_spec_init(&spec, "proc", typeof_args(argc, argv, &js));
	while ((ch = hp_getopt(&g, argc, argv, OPTS, longopts)) != -1) {
		switch (ch) {
		case 'h':
			help();
			break;
		case 'V':
			printf("hp-spawn %s\n", HP_VERSION);
			return 0;
		case O_JSON:
			hp_json_mode = 1;
			break;
		case 'S':
			if (g.arg[0] == '\0')
				hp_usage(synopsis, "-S: an empty path");
			stdir = g.arg;
			break;
		case 'n':
			if (!hp_name_ok(g.arg))
				hp_usage(synopsis, "invalid name: %s", g.arg);
			if (hp_name_reserved(g.arg))
				hp_usage(synopsis, "reserved name: %s (the "
				    "verbs take it for every process)", g.arg);
			opt_name = g.arg;
			break;
		case 't':
			setspec(&spec, "type", g.arg);
			break;
		case 'C':
		case 'u':
			if (hp_spec_opt(&spec, ch, g.arg, msg,
			    sizeof msg) == -1)
				hp_usage(synopsis, "%s", msg);
			break;
		case 'e':
			if (nenv == 256)
				hp_usage(synopsis, "too many -e");
			envs[nenv++] = given(g.arg);
			break;
		case 'E':
			clear = 1;
			break;
		case 'r':
			setspec(&spec, "restart", g.arg);
			policy = 1;
			break;
		case 'w':
			wait = 1;
			break;
		case O_STOPSIG:
			setspec(&spec, "stop-signal", g.arg);
			break;
		case O_STOPTIME:
			setspec(&spec, "stop-timeout", g.arg);
			break;
		case O_BMIN:
			setspec(&spec, "backoff-min", g.arg);
			break;
		case O_BMAX:
			setspec(&spec, "backoff-max", g.arg);
			break;
		case O_MAXR:
			setspec(&spec, "max-restarts", g.arg);
			break;
		case O_WINDOW:
			setspec(&spec, "restart-window", g.arg);
			break;
		case O_READYFD:
			setspec(&spec, "ready-fd", g.arg);
			break;
		case O_WAITREADY:
			if (hp_duration(g.arg, &waitready) == -1 ||
			    waitready <= 0 || waitready > (1LL << 40))
				hp_usage(synopsis, "bad duration: %s", g.arg);
			break;
		case O_RESET:
			setspec(&spec, "circuit-reset", g.arg);
			break;
		case O_READYCHECK:
			setspec(&spec, "ready-check", g.arg);
			break;
		case O_READYTIME:
			setspec(&spec, "ready-timeout", g.arg);
			break;
		case O_HEALTH:
			setspec(&spec, "health", g.arg);
			break;
		case O_AFTER:
			addafter(&spec, g.arg);
			break;
		case 'o':
			setkey(&spec, g.arg);
			break;
		case O_LIMIT:
			if (hp_limit_arg(&spec, g.arg, msg, sizeof msg) == -1)
				hp_usage(synopsis, "%s", msg);
			break;
		case O_UMASK:
			setspec(&spec, "umask", g.arg);
			break;
		case O_MEMMAX:
			setspec(&spec, "memory-max", g.arg);
			break;
		case O_CPUMAX:
			setspec(&spec, "cpu-max", g.arg);
			break;
		case O_INTERVAL:
			setspec(&spec, "limit-interval", g.arg);
			break;
		case O_LISTEN:
			setspec(&spec, "listen", g.arg);
			break;
		case 'i':
			setspec(&spec, "instances", g.arg);
			break;
		case O_ENVFILE:
			envfile(&spec, g.arg);
			break;
		default:
			hp_usage(synopsis, "%s", g.bad);
		}
	}
	if (!g.dashdash && !js)
		hp_usage(synopsis, "missing -- before the command");
	if (hp_user_spec(&spec, &user, msg, sizeof msg) == -1)
		hp_fail(HP_EXIT_FAIL, "permission", "%s", msg);
	if (spec.ready_fd > 0 && spec.ready_check != NULL)
		hp_usage(synopsis, "--ready-fd and --ready-check: choose one");
	if (hp_spec_check(&spec, msg, sizeof msg) == -1)
		hp_usage(synopsis, "%s", msg);
	if (wait && spec.instances > 0)
		hp_usage(synopsis, "-w follows one process, not instances");
	/* Waiting for the end of something that comes back makes no sense. */
	if (wait && !policy)
		spec.restart = HP_RESTART_NO;
	if (g.ind >= argc)
		hp_usage(synopsis, "no command");
	spec.argv = hp_xcalloc((size_t)(argc - g.ind + 1), sizeof *spec.argv);
	for (i = g.ind; i < argc; i++)
		spec.argv[i - g.ind] = hp_xstrdup(argv[i]);
	if (spec.dir == NULL && getcwd(cwd, sizeof cwd) != NULL)
		spec.dir = hp_xstrdup(cwd);
	environment(&spec, envs, nenv, clear);
	if (opt_name != NULL)
		hp_copy(name, sizeof name, opt_name);
	else
		hp_name_derive(name, sizeof name, spec.argv[0]);
	for (i = 0; spec.after != NULL && spec.after[i] != NULL; i++)
		if (strcmp(spec.after[i], name) == 0)
			hp_usage(synopsis, "%s cannot start after itself",
			    name);

	if (hp_state_need(&st, stdir, 1, &error) == -1)
		hp_fail_error(&error);
	if (hp_client_open(&c, &st) == -1)
		hp_die("%s/events", st.dir);
	if (wait && opt_name != NULL)
		logstart(&st, name);
	if (hp_client_add(&c, &spec, name, opt_name == NULL, reply,
	    sizeof reply, seen, &error) == -1) {
		hp_client_close(&c);
		hp_fail_error(&error);
	}
	inst = spec.instances;
	hp_spec_free(&spec);
	if (hp_json_get(reply, "name", name, sizeof name) == -1)
		hp_copy(name, sizeof name, "?");
	if (hp_json_get(reply, "ok", val, sizeof val) == -1 ||
	    strcmp(val, "true") != 0) {
		hp_client_close(&c);
		if (hp_json_get(reply, "code", code, sizeof code) == -1)
			hp_copy(code, sizeof code, "failed");
		if (hp_json_get(reply, "message", msg, sizeof msg) == -1)
			hp_copy(msg, sizeof msg, "failed");
		status = HP_EXIT_FAIL;
		if (strcmp(code, "exec-failed") == 0 && hp_json_get(reply,
		    "exit_code", val, sizeof val) == 0)
			status = atoi(val);
		hp_fail(status, code, "%s: %s", name, msg);
	}
	if (waitready > 0)
		waitfor(&c, name, inst, waitready);
	if (!wait) {
		hp_client_close(&c);
		if (hp_json_get(reply, "pid", val, sizeof val) == -1)
			hp_copy(val, sizeof val, "0");
		/* Held by --after: no process yet. */
		if (strcmp(val, "0") == 0)
			hp_copy(val, sizeof val, "waiting");
		print_info(&st, name, val);
		hp_stdout_close();
		return 0;
	}
	status = follow(&c, name);
	hp_client_close(&c);
	hp_stdout_close();
	return status;
}
