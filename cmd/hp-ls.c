/* hp: see LICENSE. */
/* hp-ls: list managed processes, follow the events, show a process's log. */

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
    "hp-ls [-a] [--json] [-S dir] [name ...]\n"
    "       hp-ls -w [-S dir]\n"
    "       hp-ls -l [-f] [-n lines] [--json] [-S dir] name";

enum { O_JSON = 256 };

static const struct hp_opt longopts[] = {
	{ "help", 0, 'h' }, { "version", 0, 'V' }, { "json", 0, O_JSON },
	{ "state-dir", 1, 'S' }, { "all", 0, 'a' }, { "watch", 0, 'w' },
	{ "log", 0, 'l' }, { "follow", 0, 'f' }, { "lines", 1, 'n' },
	{ NULL, 0, 0 }
};

static void
fmt_uptime(char *out, size_t n, long long ms)
{
	long long s = ms / 1000;

	if (ms <= 0)
		snprintf(out, n, "-");
	else if (s < 60)
		snprintf(out, n, "%llds", s);
	else if (s < 3600)
		snprintf(out, n, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, n, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, n, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

static void
fmt_size(char *out, size_t n, long long b)
{
	if (b <= 0)
		snprintf(out, n, "-");
	else if (b < 1024 * 1024)
		snprintf(out, n, "%.1fK", (double)b / 1024);
	else if (b < 1024LL * 1024 * 1024)
		snprintf(out, n, "%.1fM", (double)b / 1024 / 1024);
	else
		snprintf(out, n, "%.1fG", (double)b / 1024 / 1024 / 1024);
}

/*
 * One process a line. A state with a * runs with no supervisor to keep
 * it; RESTARTS is the supervisor's own, +N the ones asked for.
 */
static void
row(const struct hp_info *in)
{
	char up[32], mem[32], ex[16], pid[16], cpu[16], rs[32], state[24];

	fmt_uptime(up, sizeof up, in->pid > 0 && in->started_wall > 0 ?
	    hp_wall_ms() - in->started_wall : 0);
	fmt_size(mem, sizeof mem, in->rss);
	if (in->exit_signal > 0)
		snprintf(ex, sizeof ex, "SIG%s", hp_signame(in->exit_signal));
	else if (in->exit_code >= 0)
		snprintf(ex, sizeof ex, "%d", in->exit_code);
	else
		snprintf(ex, sizeof ex, "-");
	if (in->pid > 0) {
		snprintf(pid, sizeof pid, "%ld", (long)in->pid);
		snprintf(cpu, sizeof cpu, "%.1f%%", in->cpu);
	} else {
		snprintf(pid, sizeof pid, "-");
		snprintf(cpu, sizeof cpu, "-");
	}
	if (in->manual > 0)
		snprintf(rs, sizeof rs, "%d+%d", in->restarts, in->manual);
	else
		snprintf(rs, sizeof rs, "%d", in->restarts);
	snprintf(state, sizeof state, "%s%s", in->state, in->running &&
	    !in->supervised ? "*" : "");
	printf("%-16s %-8s %-9s %7s %8s %8s %-9s %7s %6s %8s\n", in->name,
	    in->type, state, pid, up, rs, in->circuit, ex, cpu, mem);
}

/* -a: each process of its tree on a line of its own, by command name. */
static void
tree(const struct hp_info *in)
{
	struct hp_pstat ps;
	char mem[32], comm[32], name[32];
	int i;

	for (i = 1; i < in->ntree; i++) {
		if (hp_pstat(in->tree[i], &ps) == -1)
			continue;
		if (hp_proc_comm(in->tree[i], comm, sizeof comm) == -1)
			hp_copy(comm, sizeof comm, "?");
		snprintf(name, sizeof name, "`- %.11s", comm);
		fmt_size(mem, sizeof mem, (long long)ps.rss);
		printf("  %-14s %-8s %-9s %7ld %8s %8s %-9s %7s %6s %8s\n",
		    name, "child", "running", (long)in->tree[i], "-", "", "",
		    "-", "-", mem);
	}
}

/* What is held for it and what it said, each on a line below its row. */
static void
said(const struct hp_info *in)
{
	int i;

	for (i = 0; i < in->nlisten; i++)
		printf("  listen %s\n", in->listen[i]);
	if (in->status[0] != '\0')
		printf("  status %s\n", in->status);
}

/* Every name given, NAME of instances as each of them: NAME:1 ... */
static char **
expand(struct hp_state *st, char **given, int ngiven, int *n)
{
	char **all = NULL, **refs;
	int i, k, nr;

	*n = 0;
	for (i = 0; i < ngiven; i++) {
		hp_info_refs(st, given[i], &refs, &nr);
		all = hp_xrealloc(all, (size_t)(*n + nr + 1) * sizeof *all);
		for (k = 0; k < nr; k++)
			all[(*n)++] = refs[k];
		free(refs);
	}
	if (all != NULL)
		all[*n] = NULL;
	return all;
}

static int
list(struct hp_state *st, char **given, int ngiven, int all, int isgiven)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	struct hp_info in;
	char msg[HP_REF_MAX + 32], **names;
	int i, n, failed = 0;

	names = expand(st, given, ngiven, &n);
	hp_json_init(&j, &b);
	hp_json_open(&j, '[');
	if (!hp_json_mode)
		printf("%-16s %-8s %-9s %7s %8s %8s %-9s %7s %6s %8s\n",
		    "NAME", "TYPE", "STATE", "PID", "UPTIME", "RESTARTS",
		    "CIRCUIT", "EXIT", "CPU", "MEM");
	for (i = 0; i < n; i++) {
		if (hp_info_load(st, names[i], &in, 1) == -1) {
			/* Read from procs/, it came or went meanwhile. */
			if (!isgiven)
				continue;
			/* A failure, not a warning: the others still come. */
			fprintf(stderr, "%s: %s: no such process\n",
			    hp_progname, names[i]);
			if (!failed)
				snprintf(msg, sizeof msg, "%s: no such process",
				    names[i]);
			failed = 1;
			continue;
		}
		if (hp_json_mode) {
			hp_info_json(&j, &in);
			continue;
		}
		row(&in);
		said(&in);
		if (all)
			tree(&in);
	}
	hp_argv_free(names);
	hp_json_close(&j, ']');
	if (hp_json_mode) {
		if (failed)
			hp_error_json("not-found", msg);
		else
			printf("%s\n", hp_buf_str(&b));
	}
	hp_buf_free(&b);
	hp_stdout_close();
	return failed ? HP_EXIT_FAIL : HP_EXIT_OK;
}

static volatile sig_atomic_t done;

static void
onsig(int sig)
{
	done = sig;
}

static void
catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onsig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
}

/* -w: every event line, as it comes, until a signal ends it. */
static int
watch(struct hp_state *st)
{
	struct hp_client c;
	char line[HP_LINE_MAX + 1], ev[64];

	catch();
	if (hp_client_open(&c, st) == -1)
		hp_die("%s/events", st->dir);
	/* Say we listen, so a caller can wait for that before acting. */
	while (!done) {
		if (hp_client_line(&c, line, sizeof line, 200) == -1) {
			if (errno == ETIMEDOUT || errno == EINTR ||
			    errno == ESRCH)
				continue;
			break;
		}
		if (hp_json_get(line, "event", ev, sizeof ev) == -1)
			continue;
		if (printf("%s\n", line) < 0 || fflush(stdout) == EOF)
			break;
	}
	hp_client_close(&c);
	return HP_EXIT_OK;
}

static void
logline(const char *name, const char *line)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	const char *text;
	char ts[32];
	int stream;

	if (!hp_json_mode) {
		printf("%s\n", line);
		return;
	}
	if (hp_log_parse(line, &stream, &text) == -1)
		return;
	memcpy(ts, line, 24);
	ts[24] = '\0';
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kstr(&j, "ts", ts);
	hp_json_kstr(&j, "name", name);
	hp_json_kstr(&j, "stream", stream ? "err" : "out");
	hp_json_kstr(&j, "text", text);
	hp_json_close(&j, '}');
	printf("%s\n", hp_buf_str(&b));
	hp_buf_free(&b);
}

static void
slurp(struct hp_buf *b, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = hp_open(path, O_RDONLY | O_NOFOLLOW, 0)) == -1)
		return;
	while ((n = hp_read(fd, buf, sizeof buf)) > 0)
		hp_buf_add(b, buf, (size_t)n);
	close(fd);
}

/* Print whole lines of b from *start; keep a partial last line. */
static void
lines(const char *name, struct hp_buf *b, size_t *start, long long skip)
{
	char *p, *nl;

	if (b->len == 0)
		return;
	for (p = b->p + *start; (nl = memchr(p, '\n',
	    b->len - (size_t)(p - b->p))) != NULL; p = nl + 1) {
		*nl = '\0';
		if (skip-- <= 0)
			logline(name, p);
		*nl = '\n';
	}
	*start = (size_t)(p - b->p);
}

/* -l: the log of name, the rotated files first; -f goes on following. */
static int
showlog(struct hp_state *st, const char *name, long long last, int follow)
{
	char dir[HP_PATH_MAX], base[HP_PATH_MAX], file[HP_PATH_MAX + 8];
	struct hp_buf b = { 0 };
	struct stat sb, now;
	long long count = 0;
	size_t start = 0, i;
	int k, fd = -1, *v, nv;
	ssize_t n;

	/* Each instance has its log: one is named. */
	if (hp_state_instances(st, name, &v, &nv) == 0 && nv > 0)
		hp_fail(HP_EXIT_USAGE, "usage", "%s has %d instances, each its "
		    "own log: name one, as %s:%d", name, nv, name, v[0]);
	if (hp_proc_file(st, dir, sizeof dir, name, HP_P_DIR) == -1 ||
	    lstat(dir, &sb) == -1 || hp_proc_log(st, base, sizeof base, name,
	    0) == -1)
		hp_fail(HP_EXIT_FAIL, "not-found", "%s: no such process", name);
	/* The rotated files are log.1 (newest) to log.K, K below log-count. */
	for (k = 1; hp_proc_log(st, file, sizeof file, name, k) == 0 &&
	    lstat(file, &sb) == 0; k++)
		;
	while (--k >= 1) {
		hp_proc_log(st, file, sizeof file, name, k);
		slurp(&b, file);
	}
	fd = hp_open(base, O_RDONLY | O_NOFOLLOW, 0);
	if (fd != -1)
		while ((n = hp_read(fd, file, sizeof file)) > 0)
			hp_buf_add(&b, file, (size_t)n);
	/* A last line still open is shown too, unless it may yet grow. */
	if (!follow && b.len > 0 && b.p[b.len - 1] != '\n')
		hp_buf_addc(&b, '\n');
	for (i = 0; i < b.len; i++)
		count += b.p[i] == '\n';
	lines(name, &b, &start, last >= 0 && count > last ? count - last : 0);
	fflush(stdout);
	if (follow)
		catch();
	while (follow && !done) {
		if (fd != -1 && (n = hp_read(fd, file, sizeof file)) > 0) {
			hp_buf_add(&b, file, (size_t)n);
			lines(name, &b, &start, 0);
			if (fflush(stdout) == EOF)
				break;
			continue;
		}
		/* At the end: has the log been rotated under us? */
		if (stat(base, &now) == 0 && (fd == -1 ||
		    (fstat(fd, &sb) == 0 && (sb.st_ino != now.st_ino ||
		    sb.st_dev != now.st_dev)))) {
			if (fd != -1)
				close(fd);
			fd = hp_open(base, O_RDONLY | O_NOFOLLOW, 0);
			continue;
		}
		poll(NULL, 0, 100);
	}
	if (fd != -1)
		close(fd);
	hp_buf_free(&b);
	hp_stdout_close();
	return HP_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct hp_getopt g = { 0 };
	struct hp_state st;
	const char *stdir = NULL;
	char **names = NULL;
	long long last = -1;
	int ch, all = 0, w = 0, l = 0, f = 0, n, r;

	hp_progname = "hp-ls";
	while ((ch = hp_getopt(&g, argc, argv, "hVS:awlfn:", longopts)) !=
	    -1) {
		switch (ch) {
		case 'h':
			hp_help(synopsis);
			break;
		case 'V':
			printf("hp-ls %s\n", HP_VERSION);
			return 0;
		case O_JSON:
			hp_json_mode = 1;
			break;
		case 'S':
			if (g.arg[0] == '\0')
				hp_usage(synopsis, "-S: an empty path");
			stdir = g.arg;
			break;
		case 'a':
			all = 1;
			break;
		case 'w':
			w = 1;
			break;
		case 'l':
			l = 1;
			break;
		case 'f':
			f = 1;
			break;
		case 'n':
			last = strtoll(g.arg, NULL, 10);
			if (last < 0 || strspn(g.arg, "0123456789") !=
			    strlen(g.arg) || *g.arg == '\0')
				hp_usage(synopsis, "bad line count: %s", g.arg);
			break;
		default:
			hp_usage(synopsis, "%s", g.bad);
		}
	}
	argv += g.ind;
	argc -= g.ind;
	if (w + l > 1 || (w && (argc > 0 || all)) || (l && argc != 1) ||
	    ((f || last >= 0) && !l) || (l && all))
		hp_usage(synopsis, NULL);
	for (r = 0; r < argc; r++)
		if (!hp_ref_ok(argv[r]))
			hp_usage(synopsis, "invalid name: %s", argv[r]);
	if (w) {
		if (hp_state_need(&st, stdir, 1, &error) == -1)
			hp_fail_error(&error);
		return watch(&st);
	}
	if (hp_state_resolve(&st, stdir) == -1)
		hp_fail(HP_EXIT_FAIL, "state-dir", "state directory: %s",
		    strerror(errno));
	/*
	 * No state directory yet, or an empty one: nothing is managed and
	 * there is nothing to show; a lister creates nothing. Whatever part
	 * of it is there has been vetted when the answer is ENOENT.
	 */
	if (hp_state_open(&st, 0) == -1 && errno != ENOENT)
		hp_fail(HP_EXIT_FAIL, "state-dir", "%s", hp_state_error());
	if (l)
		return showlog(&st, argv[0], last, f);
	if (argc > 0)
		return list(&st, argv, argc, all, 1);
	if (hp_state_names(&st, &names, &n) == -1)
		hp_die("%s/procs", st.dir);
	r = list(&st, names, n, all, 0);
	hp_argv_free(names);
	return r;
}
