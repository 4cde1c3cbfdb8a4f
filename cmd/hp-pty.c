/* hp: see LICENSE. */
/* hp-pty: run a program in a pseudo-terminal and relay it; resize one. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hp.h"
#include "client/term.h"
#include "client/detect.h"

static struct hp_error error;	/* what lib/ handed up, to say */

static const char synopsis[] =
    "hp-pty [-dE] [--eof-hangup] [--json] [--control fd [--spare]] "
    "[-S dir] "
    "[-n name] [-c cols] "
    "[-r rows] [-C dir] [-e name=value]... [-T term] [-t tool] "
    "[-u user[:group]] [--umask mode] [--scrollback size] "
    "[--quiet dur] [-o key=value]... [-- command [arg ...]]\n"
    "       hp-pty [--json] [-S dir] [-c cols] [-r rows] "
    "[--detach-key key] [--replay size] [--no-draw] attach name\n"
    "       hp-pty [--json] [-S dir] [--no-newline] send name [text ...]\n"
    "       hp-pty [--json] [-S dir] resize name cols rows";

enum {
	O_JSON = 256, O_EOFHUP, O_UMASK, O_SCROLL, O_QUIET, O_DKEY, O_REPLAY,
	O_NONL, O_CONTROL, O_NODRAW, O_SPARE
};

static const struct hp_opt longopts[] = {
	{ "detach", NULL, 'd', "hand the terminal to the supervisor" },
	{ "clear-env", NULL, 'E', "start from an empty environment" },
	{ "eof-hangup", NULL, O_EOFHUP, "hang up at the end of stdin" },
	{ "control", "fd", O_CONTROL, "speak with the caller on fd" },
	{ "spare", NULL, O_SPARE, "wait for the command on the control fd" },
	{ "state-dir", "dir", 'S', "the state directory" },
	{ "name", "name", 'n', "the name of the record" },
	{ "cols", "cols", 'c', "the terminal's width" },
	{ "rows", "rows", 'r', "the terminal's height" },
	{ "dir", "dir", 'C', "run the program in dir" },
	{ "env", "name=value", 'e', "add a variable to its environment" },
	{ "term", "term", 'T', "its TERM" },
	{ "tool", "tool", 't', "run a CLI tool that hp-detect finds" },
	{ "user", "user[:group]", 'u', "run it as user (root only)" },
	{ "umask", "mode", O_UMASK, "its file mode creation mask" },
	{ "scrollback", "size", O_SCROLL, "with -d: the output kept" },
	{ "quiet", "dur", O_QUIET, "with -d: the silence that is quiet" },
	{ "option", "key=value", 'o', "a key of its spec (hp.conf(5))" },
	{ "detach-key", "key", O_DKEY, "for attach: the key that detaches" },
	{ "replay", "size", O_REPLAY, "for attach: the output replayed" },
	{ "no-draw", NULL, O_NODRAW, "for attach: the screen not drawn" },
	{ "no-newline", NULL, O_NONL, "for send: no Enter after the text" },
	{ "json", NULL, O_JSON, "errors as JSON too" },
	HP_OPT_END
};

static struct hp_keep keep;
static struct hp_ident ident;
static struct hp_launch launched;
static struct hp_relay relay;
static const char *ttyname_;

#define PROBE_MS	5000	/* a launched tool's version probe, at most */

static int
number(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 1 || v > 65535)
		hp_usage(synopsis, "bad %s: %s", what, s);
	return (int)v;
}

/* --control FD: open for reading and writing, above stderr. */
static int
channel(const char *s)
{
	char *end;
	long fd;
	int fl;

	errno = 0;
	fd = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || fd < 3 ||
	    fd > 65535 || (fl = fcntl((int)fd, F_GETFL)) == -1 ||
	    (fl & O_ACCMODE) != O_RDWR)
		hp_usage(synopsis, "bad control descriptor: %s", s);
	return (int)fd;
}

/* procs/NAME/status of a terminal: what hp-ls reads. */
static void
status(int cols, int rows)
{
	struct hp_buf b = { 0 };
	long long now = hp_wall_ms();
	static long long started;

	if (keep.lock == -1)
		return;
	if (started == 0)
		started = now;
	hp_kv_add(&b, "name", keep.name);
	hp_kv_add(&b, "type", "terminal");
	hp_kv_add(&b, "state", "running");
	hp_kv_addi(&b, "pid", (long long)ident.pid);
	hp_buf_printf(&b, "start = %llu\n", ident.start);
	if (ident.boot[0] != '\0')
		hp_kv_add(&b, "boot", ident.boot);
	hp_kv_addi(&b, "since", now);
	hp_kv_addi(&b, "started", started);
	hp_kv_addi(&b, "restarts", 0);
	hp_kv_addi(&b, "exit-code", -1);
	hp_kv_addi(&b, "exit-signal", 0);
	hp_kv_add(&b, "health", "unknown");
	hp_kv_addi(&b, "keeper", (long long)getpid());
	hp_kv_add(&b, "tty", ttyname_);
	hp_kv_addi(&b, "cols", cols);
	hp_kv_addi(&b, "rows", rows);
	if (hp_keep_write(&keep, HP_P_STATUS, b.p, b.len) == -1)
		hp_warn("%s: write status", keep.name);
	hp_buf_free(&b);
}

/* "ID resize COLS ROWS" on procs/NAME/control; the answer goes to ID. */
static void
control(struct hp_relay *r, char *line)
{
	char *id, *verb, *c, *w, *x, *end1, *end2;
	struct hp_buf b = { 0 };
	struct hp_json j;
	long cols = 0, rows = 0;
	const char *err = NULL;

	id = strtok(line, " ");
	verb = strtok(NULL, " ");
	c = strtok(NULL, " ");
	w = strtok(NULL, " ");
	x = strtok(NULL, " ");
	if (id == NULL || verb == NULL)
		return;
	if (strcmp(verb, "resize") != 0)
		err = "unknown verb";
	else if (c == NULL || w == NULL || x != NULL ||
	    (cols = strtol(c, &end1, 10)) < 1 || *end1 != '\0' ||
	    (rows = strtol(w, &end2, 10)) < 1 || *end2 != '\0' ||
	    cols > 65535 || rows > 65535)
		err = "resize wants COLS ROWS";
	else if (hp_pty_resize(r->master, (int)cols, (int)rows) == -1)
		err = strerror(errno);
	else
		status((int)cols, (int)rows);
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", err == NULL);
	hp_json_kstr(&j, "name", keep.name);
	if (err == NULL) {
		hp_json_kint(&j, "cols", cols);
		hp_json_kint(&j, "rows", rows);
	} else {
		hp_json_kstr(&j, "code", "usage");
		hp_json_kstr(&j, "message", err);
	}
	hp_json_close(&j, '}');
	hp_keep_reply(&keep, id, &j);
	hp_buf_free(&b);
}

/* A reply that says no: its code and message, and exit 1. */
static void
refused(const char *name, const char *reply)
{
	char code[32], msg[256], val[16];
	int status = HP_EXIT_FAIL;

	if (hp_json_get(reply, "code", code, sizeof code) == -1)
		hp_copy(code, sizeof code, "failed");
	if (hp_json_get(reply, "message", msg, sizeof msg) == -1)
		hp_copy(msg, sizeof msg, "failed");
	/* Not started: 127 not found, 126 not executable, as hp-spawn. */
	if (strcmp(code, "exec-failed") == 0 && hp_json_get(reply,
	    "exit_code", val, sizeof val) == 0)
		status = atoi(val);
	hp_fail(status, code, "%s: %s", name, msg);
}

static void
answered(const char *name, const char *reply)
{
	if (strstr(reply, "\"ok\":true") == NULL)
		refused(name, reply);
	if (hp_json_mode)
		printf("%s\n", reply);
	hp_stdout_close();
}

/* The state directory of a verb on a terminal that must exist. */
static void
verbstate(struct hp_state *st, const char *stdir, const char *name)
{
	if (!hp_name_ok(name))
		hp_usage(synopsis, "invalid name: %s", name);
	if (hp_state_resolve(st, stdir) == -1)
		hp_fail(HP_EXIT_FAIL, "state-dir", "state directory: %s",
		    strerror(errno));
	if (hp_state_open(st, 0) == -1) {
		if (errno == ENOENT)
			hp_fail(HP_EXIT_FAIL, "not-found", "%s: no such "
			    "terminal", name);
		hp_fail(HP_EXIT_FAIL, "state-dir", "%s: %s", st->dir,
		    hp_state_error());
	}
}

/* A foreground terminal answers on its own FIFO, a detached one ours. */
static int
resize(struct hp_state *st, char **argv)
{
	char reply[HP_LINE_MAX + 1];
	struct hp_client c;
	int cols, rows;

	cols = number(argv[1], "cols");
	rows = number(argv[2], "rows");
	if (hp_keep_ask(st, argv[0], reply, sizeof reply, 5000,
	    "resize %d %d", cols, rows) == -1) {
		if (errno == ETIMEDOUT)
			hp_fail(HP_EXIT_FAIL, "timeout", "%s: no answer",
			    argv[0]);
		if (errno != ESRCH && errno != ENOENT)
			hp_die("%s", argv[0]);
		if (hp_state_supervisor(st) <= 0)
			hp_fail(HP_EXIT_FAIL, "not-running",
			    "%s: no such terminal", argv[0]);
		if (hp_client_open(&c, st) == -1)
			hp_die("%s/events", st->dir);
		if (hp_term_ask(&c, argv[0], reply, sizeof reply,
		    "resize %s %d %d", argv[0], cols, rows) == -1)
			hp_fail(HP_EXIT_FAIL, "timeout", "%s: no answer",
			    argv[0]);
		hp_client_close(&c);
	}
	answered(argv[0], reply);
	return HP_EXIT_OK;
}

/* send NAME [TEXT...]: the words and Enter (CR), or what stdin has. */
static int
send(struct hp_state *st, char **argv, int argc, int newline)
{
	char reply[HP_LINE_MAX + 1], buf[65536];
	struct hp_buf b = { 0 };
	ssize_t n;
	int i, r;

	for (i = 1; i < argc; i++) {
		hp_buf_add(&b, argv[i], strlen(argv[i]));
		if (i + 1 < argc || newline)
			hp_buf_addc(&b, i + 1 < argc ? ' ' : '\r');
	}
	while (argc == 1 && (n = hp_read(0, buf, sizeof buf)) > 0)
		hp_buf_add(&b, buf, (size_t)n);
	if (argc == 1 && n == -1)
		hp_die("read");
	if (hp_state_supervisor(st) <= 0)
		hp_fail(HP_EXIT_FAIL, "not-running", "%s: no such detached "
		    "terminal", argv[0]);
	r = hp_term_send(st, argv[0], b.p, b.len, reply, sizeof reply);
	hp_buf_free(&b);
	if (r == -1)
		hp_fail(HP_EXIT_FAIL, "timeout", "%s: no answer", argv[0]);
	answered(argv[0], reply);
	return HP_EXIT_OK;
}

/* ^\, ^A ...: a control key; a single byte as it is; none. */
static int
detachkey(const char *v)
{
	if (strcmp(v, "none") == 0)
		return -1;
	if (v[0] == '^' && v[1] != '\0' && v[2] == '\0' &&
	    ((v[1] >= '@' && v[1] <= '_') || (v[1] >= 'a' && v[1] <= 'z')))
		return (v[1] & 0x1f);
	if (v[0] != '\0' && v[1] == '\0')
		return (unsigned char)v[0];
	hp_usage(synopsis, "bad detach key (^X, one character, or none): "
	    "%s", v);
	return -1;
}

static void
cleanup(void)
{
	hp_tty_restore();
	hp_keep_drop(&keep);
}

static int cols_, rows_, tty_;
static const struct hp_state *told_st;	/* the launch is told there too */

/* --control, in the relay: the program runs as f->r->id. */
static void
started(struct hp_fg *f)
{
	char file[HP_PATH_MAX];

	ident = f->r->id;
	if (keep.lock != -1 && (hp_proc_file(keep.st, file, sizeof file,
	    keep.name, HP_P_PID) == -1 || hp_pidfile_write(file,
	    &ident) == -1))
		hp_warn("%s: write pid", keep.name);
	status(cols_, rows_);
	if (tty_ && hp_tty_raw(0) == -1)
		hp_warn("raw mode");
}

/* The version probe's answer, or its time is up: told, then unwatched. */
static void
probed(struct hp_relay *r, int late)
{
	if (hp_launch_probed(&launched, late, 0) == 0)
		r->aux = -1;
}

/* The launch is told; then its version is probed, beside the relay. */
static void
announce(pid_t pid)
{
	if (launched.id[0] == '\0')
		return;
	hp_launch_announce(&launched, pid, keep.lock != -1 ? keep.name : NULL,
	    told_st);
	if (hp_launch_probe(&launched, PROBE_MS) == 0) {
		relay.aux = launched.fd;
		relay.aux_at = launched.deadline;
		relay.auxcall = probed;
	}
}

/* After the hello: the tool's launch is told, before any output. */
static void
told(struct hp_fg *f)
{
	announce(f->r->id.pid);
}

static void
resized(struct hp_relay *r, int cols, int rows)
{
	(void)r;
	status(cols, rows);
}

/* --control: this process becomes the program; a relay of ours stays. */
static int
runfg(struct hp_spec *sp, struct hp_spawn *sw, const char *name,
    const char *tty, int chan)
{
	static struct hp_fg f;
	int n;

	f.sp = *sw;
	f.r = &relay;
	f.keep = &keep;
	f.name = keep.lock != -1 ? keep.name : name;
	f.tty = tty;
	f.started = started;
	f.told = told;
	relay.channel = 1;
	relay.chan = chan;
	relay.resized = resized;
	relay.stop_signal = sp->stop_signal;
	relay.stop_timeout = sp->stop_timeout;
	if ((n = hp_fg_run(&f, &error)) == -1)
		hp_fail_error(&error);
	(void)hp_launch_probed(&launched, 0, 1);
	cleanup();
	return n;
}

/* Run the program in sp in a new terminal of cols x rows; relay it. */
static int
run(struct hp_spec *sp, struct hp_state *st, const char *stdir,
    const char *name, int unique, int cols, int rows, int chan)
{
	char file[HP_PATH_MAX];
	struct hp_spawn sw;
	struct hp_user u;
	struct hp_pty p;
	int s, tty = isatty(0), c, w;
	pid_t pid;

	if (tty && cols == 0 && hp_pty_size_get(0, &c, &w) == 0 && c > 0)
		cols = c, rows = rows ? rows : w;
	if (tty && rows == 0 && hp_pty_size_get(0, &c, &w) == 0 && w > 0)
		rows = w;
	cols_ = cols = cols ? cols : 80;
	rows_ = rows = rows ? rows : 24;
	tty_ = tty;
	keep.lock = -1;
	atexit(cleanup);
	/* A pipe on stdin: somebody (Electron) will want to find us. */
	if (!tty) {
		if (hp_state_need(st, stdir, 1, &error) == -1)
			hp_fail_error(&error);
		if (hp_keep_take(&keep, st, name, unique) == -1) {
			if (errno == EEXIST)
				hp_fail(HP_EXIT_FAIL, "exists",
				    "%s: name in use", name);
			hp_die("%s/procs/%s", st->dir, name);
		}
	}
	/* A supervisor hears of a launch, if one runs: none is started. */
	if (keep.lock != -1 || (launched.id[0] != '\0' &&
	    hp_state_resolve(st, stdir) == 0 && hp_state_open(st, 0) == 0))
		told_st = st;
	if (hp_pty_open(&p, cols, rows) == -1 || (s = hp_pty_slave(&p)) == -1)
		hp_die("open a pseudo-terminal");
	ttyname_ = p.slave;
	memset(&sw, 0, sizeof sw);
	sw.argv = sp->argv;
	sw.envp = hp_pty_envp(sp);
	sw.dir = sp->dir;
	sw.fd[0] = sw.fd[1] = sw.fd[2] = s;
	sw.setsid = 1;
	sw.ctty = p.slave;
	if (hp_user_spec(sp, &u, file, sizeof file) == 1)
		sw.user = &u;
	sw.setumask = sp->umask >= 0;
	sw.umask = (mode_t)(sp->umask >= 0 ? sp->umask : 0);
	relay.in = 0;
	relay.out = 1;
	relay.master = p.master;
	relay.ctl = keep.lock != -1 ? keep.ctl : -1;
	relay.tty = tty;
	relay.control = control;
	if (chan != -1)
		return runfg(sp, &sw, name, p.slave, chan);
	if ((pid = hp_spawn(&sw)) == -1) {
		if (sw.stage == 1)
			hp_fail(HP_EXIT_FAIL, "exec-failed", "%s: %s: %s",
			    sp->argv[0], sp->dir, strerror(errno));
		hp_fail(hp_exec_status(errno), "exec-failed", "%s: %s",
		    sp->argv[0], errno == ENOENT ? "command not found" :
		    strerror(errno));
	}
	close(s);
	free(sw.envp);
	if (hp_ident_get(pid, &ident) == -1)
		ident.pid = pid;
	if (keep.lock != -1 && (hp_proc_file(st, file, sizeof file, keep.name,
	    HP_P_PID) == -1 || hp_pidfile_write(file, &ident) == -1))
		hp_warn("%s: write pid", keep.name);
	status(cols, rows);
	announce(pid);
	if (tty && hp_tty_raw(0) == -1)
		hp_warn("raw mode");
	relay.pid = pid;
	if ((s = hp_relay_run(&relay)) == -1)
		hp_die("relay");
	/* A probe still at work is waited for, up to its time. */
	(void)hp_launch_probed(&launched, 0, 1);
	cleanup();
	return WIFSIGNALED(s) ? 128 + WTERMSIG(s) : WEXITSTATUS(s);
}

/* -d: the supervisor keeps the terminal (type terminal); say its name. */
static int
detached(struct hp_spec *sp, struct hp_state *st, const char *stdir,
    const char *name, int unique)
{
	char reply[HP_LINE_MAX + 1], cwd[HP_PATH_MAX];
	char got[HP_NAME_MAX + 1], pid[24];
	struct hp_client c;

	sp->type = HP_TERMINAL;
	if (sp->dir == NULL && getcwd(cwd, sizeof cwd) != NULL)
		sp->dir = hp_xstrdup(cwd);
	if (hp_state_need(st, stdir, 1, &error) == -1)
		hp_fail_error(&error);
	if (hp_client_open(&c, st) == -1)
		hp_die("%s/events", st->dir);
	if (hp_client_add(&c, sp, name, unique, reply, sizeof reply, NULL,
	    &error) == -1) {
		hp_client_close(&c);
		hp_fail_error(&error);
	}
	hp_client_close(&c);
	if (hp_json_get(reply, "name", got, sizeof got) == -1)
		hp_copy(got, sizeof got, name);
	if (strstr(reply, "\"ok\":true") == NULL)
		refused(got, reply);
	hp_copy(keep.name, sizeof keep.name, got);
	if (hp_json_get(reply, "pid", pid, sizeof pid) == -1)
		hp_copy(pid, sizeof pid, "0");
	if (launched.id[0] != '\0')
		hp_launch_announce(&launched, (pid_t)atol(pid), got, st);
	if (hp_json_mode)
		printf("%s\n", reply);
	else
		printf("%s\n", got);
	hp_stdout_close();
	return HP_EXIT_OK;
}

static void
key(struct hp_spec *sp, const char *k, const char *v)
{
	char msg[256];

	if (hp_spec_set(sp, k, v, msg, sizeof msg) == -1)
		hp_usage(synopsis, "%s", msg);
}

/* hp-pty's command line; once more from a spare's channel, spared. */
static int
pty(int argc, char **argv, int spared)
{
	struct hp_getopt g = { 0 };
	struct hp_spec spec;
	struct hp_state st;
	char name[HP_NAME_MAX + 1];
	char term[HP_PATH_MAX], *shell[2] = { NULL, NULL }, msg[256];
	struct hp_user u;
	const char *stdir = NULL, *opt_name = NULL, *toolid = NULL, *sh;
	int ch, cols = 0, rows = 0, i, n, detach = 0, newline = 1, c, w;
	int chan = -1, spare = 0;
	static struct hp_attach att;	/* 64 KiB: not on the stack */
	struct hp_attach *a = &att;

	hp_spec_init(&spec, "pty", HP_SYSTEM);
	a->detach = 0x1c;	/* Ctrl-\\ */
	a->replay = -1;
	while ((ch = hp_getopt(&g, argc, argv, "+hVS:n:c:r:C:e:ET:t:u:do:",
	    longopts)) != -1) {
		switch (ch) {
		case 'h':
			hp_help(synopsis, longopts);
			break;
		case 'V':
			printf("hp-pty %s\n", HP_VERSION);
			return 0;
		case O_JSON:
			hp_json_mode = 1;
			break;
		case O_EOFHUP:
			relay.eof_hangup = 1;
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
		case 'c':
			cols = number(g.arg, "cols");
			break;
		case 'r':
			rows = number(g.arg, "rows");
			break;
		case 'C':
		case 'u':
			if (hp_spec_opt(&spec, ch, g.arg, msg,
			    sizeof msg) == -1)
				hp_usage(synopsis, "%s", msg);
			break;
		case 'e':
			if (strchr(g.arg, '=') == NULL || g.arg[0] == '=')
				hp_usage(synopsis, "-e wants NAME=VALUE: %s",
				    g.arg);
			hp_spec_addenv(&spec, g.arg);
			break;
		case 'E':
			spec.clear_env = 1;
			break;
		case 'T':
			if (*g.arg == '\0' || snprintf(term, sizeof term,
			    "TERM=%s", g.arg) >= (int)sizeof term)
				hp_usage(synopsis, "bad terminal type: %s",
				    g.arg);
			hp_spec_addenv(&spec, term);
			break;
		case 't':
			toolid = g.arg;
			break;
		case O_UMASK:
			key(&spec, "umask", g.arg);
			break;
		case 'd':
			detach = 1;
			break;
		case O_SCROLL:
			key(&spec, "scrollback", g.arg);
			break;
		case O_QUIET:
			key(&spec, "quiet", g.arg);
			break;
		case 'o':
			if (hp_spec_option(&spec, g.arg, msg, sizeof msg) == -1)
				hp_usage(synopsis, "%s", msg);
			/* -o cols=N is -c N: the last of them wins. */
			if (strncmp(g.arg, "cols=", 5) == 0)
				cols = spec.cols;
			if (strncmp(g.arg, "rows=", 5) == 0)
				rows = spec.rows;
			break;
		case O_DKEY:
			a->detach = detachkey(g.arg);
			break;
		case O_REPLAY:
			if (strcmp(g.arg, "all") == 0)
				a->replay = -1;
			else if (hp_size(g.arg, &a->replay) == -1 ||
			    a->replay < 0)
				hp_usage(synopsis, "bad size: %s", g.arg);
			break;
		case O_NONL:
			newline = 0;
			break;
		case O_CONTROL:
			chan = channel(g.arg);
			break;
		case O_NODRAW:
			a->nodraw = 1;
			break;
		case O_SPARE:
			if (spared)
				hp_usage(synopsis, "--spare: once");
			spare = 1;
			break;
		default:
			hp_usage(synopsis, "%s", g.bad);
		}
	}
	if (spare) {
		if (chan == -1 || g.ind < argc || g.dashdash)
			hp_usage(synopsis, "--spare wants --control and no "
			    "command: its command comes on the channel");
		hp_spec_free(&spec);
		if ((n = hp_chan_await(chan, argv[0], &argv, &argc)) == 0)
			exit(HP_EXIT_OK);	/* no command came */
		if (n == -1)
			hp_fail(HP_EXIT_USAGE, "usage", "--spare: a broken "
			    "control channel");
		return pty(argc, argv, 1);
	}
	/* Only root may be someone else: said before anything is made. */
	if (hp_user_spec(&spec, &u, msg, sizeof msg) == -1)
		hp_fail(HP_EXIT_FAIL, "permission", "%s", msg);
	if (chan != -1 && (detach || (!g.dashdash && g.ind < argc)))
		hp_usage(synopsis, "--control is for a terminal in the "
		    "foreground");
	if (!g.dashdash && g.ind < argc) {
		n = argc - g.ind;
		if (strcmp(argv[g.ind], "resize") == 0 && n != 4)
			hp_usage(synopsis, "resize wants NAME COLS ROWS");
		if (strcmp(argv[g.ind], "attach") == 0 && n != 2)
			hp_usage(synopsis, "attach wants NAME");
		if (strcmp(argv[g.ind], "send") == 0 && n < 2)
			hp_usage(synopsis, "send wants NAME [TEXT...]");
		if (strcmp(argv[g.ind], "resize") != 0 &&
		    strcmp(argv[g.ind], "attach") != 0 &&
		    strcmp(argv[g.ind], "send") != 0)
			hp_usage(synopsis, "unknown verb: %s (a command comes "
			    "after --)", argv[g.ind]);
		/* Numbers are checked before anything is read. */
		if (argv[g.ind][0] == 'r') {
			number(argv[g.ind + 2], "cols");
			number(argv[g.ind + 3], "rows");
		}
		verbstate(&st, stdir, argv[g.ind + 1]);
		if (argv[g.ind][0] == 'r')
			return resize(&st, argv + g.ind + 1);
		if (argv[g.ind][0] == 's')
			return send(&st, argv + g.ind + 1, n - 1, newline);
		if ((cols == 0) != (rows == 0) && !isatty(0))
			hp_usage(synopsis, "attach wants -c and -r together");
		a->in = 0;
		a->out = 1;
		a->cols = cols;
		a->rows = rows;
		if ((n = hp_attach_run(&st, argv[g.ind + 1], a, &error)) == -1)
			hp_fail_error(&error);
		return n;
	}
	if (toolid != NULL && hp_launch_find(&launched, toolid, argv[0],
	    &spec, &error) == -1)
		hp_fail_error(&error);
	n = argc - g.ind + (toolid != NULL);
	if (n == 0) {
		sh = getenv("SHELL");
		shell[0] = (char *)(sh != NULL && sh[0] == '/' ? sh :
		    "/bin/sh");
		shell[1] = NULL;
	}
	spec.argv = hp_xcalloc((size_t)(n > 0 ? n : 1) + 1, sizeof *spec.argv);
	i = 0;
	if (toolid != NULL)
		spec.argv[i++] = hp_xstrdup(launched.path);
	for (; g.ind < argc; g.ind++)
		spec.argv[i++] = hp_xstrdup(argv[g.ind]);
	if (n == 0)
		spec.argv[0] = hp_xstrdup(shell[0]);
	if (opt_name != NULL)
		hp_copy(name, sizeof name, opt_name);
	else if (toolid != NULL)
		hp_copy(name, sizeof name, toolid);
	else
		hp_name_derive(name, sizeof name, spec.argv[0]);
	if (detach) {
		if (isatty(0) && hp_pty_size_get(0, &c, &w) == 0) {
			cols = cols ? cols : c;
			rows = rows ? rows : w;
		}
		spec.cols = cols > 0 ? cols : 80;
		spec.rows = rows > 0 ? rows : 24;
		/* Its environment is ours, not the supervisor's. */
		hp_pty_specenv(&spec);
		n = detached(&spec, &st, stdir, name, opt_name == NULL);
		hp_spec_free(&spec);
		return n;
	}
	n = run(&spec, &st, stdir, name, opt_name == NULL, cols, rows, chan);
	hp_spec_free(&spec);
	return n;
}

int
main(int argc, char **argv)
{
	hp_progname = "hp-pty";
	hp_argv0 = argv[0];
	return pty(argc, argv, 0);
}
