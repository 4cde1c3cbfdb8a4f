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
    "hp-ls [-a] [--json [--history]] [-S dir] [name ...]\n"
    "       hp-ls --prometheus [-S dir] [name ...]\n"
    "       hp-ls --top [-S dir] [name|glob ...]\n"
    "       hp-ls -w [-S dir]\n"
    "       hp-ls -l [-f] [-n lines] [--since dur] [--json] [-S dir] "
    "[name|glob ...]";

enum { O_JSON = 256, O_HISTORY, O_PROM, O_TOP, O_SINCE };

static const struct hp_opt longopts[] = {
	{ "all", NULL, 'a', "each descendant of a process too" },
	{ "watch", NULL, 'w', "follow the events, a JSON line each" },
	{ "log", NULL, 'l', "print the logs of the names" },
	{ "follow", NULL, 'f', "with -l: follow them" },
	{ "lines", "n", 'n', "with -l: the last n lines" },
	{ "since", "dur", O_SINCE, "with -l: the lines of the last dur" },
	{ "top", NULL, O_TOP, "a live view, with the selected log" },
	{ "prometheus", NULL, O_PROM, "the Prometheus text format" },
	{ "json", NULL, O_JSON, "a JSON array, an object a process" },
	{ "history", NULL, O_HISTORY, "with --json: the samples kept" },
	{ "state-dir", "dir", 'S', "the state directory" },
	HP_OPT_END
};

/*
 * One process a line. A state with a * runs with no supervisor to keep
 * it; RESTARTS is the supervisor's own, +N the ones asked for.
 */
static void
row(const struct hp_info *in)
{
	char up[32], mem[32], ex[16], pid[16], cpu[16], rs[32], state[24];

	hp_fmt_uptime(up, sizeof up, in->pid > 0 && in->started_wall > 0 ?
	    hp_wall_ms() - in->started_wall : 0);
	hp_fmt_size(mem, sizeof mem, in->rss);
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
		hp_fmt_size(mem, sizeof mem, (long long)ps.rss);
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

struct out {
	struct hp_json	 j;
	int		 all;	/* -a */
};

/* One process: a JSON object (the supervisor's line as it is), or its
 * row, what it said and, with -a, its tree. */
static void
one(void *arg, const struct hp_info *in, const char *line)
{
	struct out *o = arg;

	if (hp_json_mode) {
		if (line != NULL)
			hp_json_raw(&o->j, line, strlen(line));
		else
			hp_info_json(&o->j, in);
		return;
	}
	row(in);
	said(in);
	if (o->all)
		tree(in);
}

/*
 * The table, or a JSON array: what the supervisor answers for each name
 * (as it is, in JSON), else what the files say: of the names given
 * (hp_list_load), or of every process, one at a time (hp_list_every).
 */
static int
list(struct hp_state *st, char **given, int ngiven, int all, int history)
{
	struct hp_buf b = { 0 };
	struct hp_listed *ls;
	struct hp_listsup sup;
	struct out o;
	char msg[HP_REF_MAX + 32], **names = NULL;
	int i, n = 0, failed = 0;

	o.all = all;
	hp_json_init(&o.j, &b);
	hp_json_open(&o.j, '[');
	if (!hp_json_mode)
		printf("%-16s %-8s %-9s %7s %8s %8s %-9s %7s %6s %8s\n",
		    "NAME", "TYPE", "STATE", "PID", "UPTIME", "RESTARTS",
		    "CIRCUIT", "EXIT", "CPU", "MEM");
	if (ngiven == 0) {
		if (hp_list_every(st, history, one, &o, &sup) == -1)
			hp_die("%s/procs", st->dir);
	} else {
		names = hp_info_expand(st, given, ngiven, &n);
		ls = hp_xcalloc((size_t)n + 1, sizeof *ls);
		(void)hp_list_load(st, names, n, 0, history, ls, &sup);
		for (i = 0; i < n; i++) {
			if (ls[i].found) {
				one(&o, &ls[i].info, ls[i].line);
				continue;
			}
			/* A failure, not a warning: the others still come. */
			fprintf(stderr, "%s: %s: no such process\n",
			    hp_progname, names[i]);
			if (!failed)
				snprintf(msg, sizeof msg, "%s: no such process",
				    names[i]);
			failed = 1;
		}
		hp_list_free(ls, n);
		hp_argv_free(names);
	}
	hp_json_close(&o.j, ']');
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

/* What ends a loop that follows: noted, between two of its turns. */
static const int ending[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, 0 };

/* -w: every event line, as it comes, until a signal ends it. */
static int
watch(struct hp_state *st)
{
	struct hp_client c;
	char line[HP_LINE_MAX + 1], ev[64];

	hp_sig_flag(ending);
	if (hp_client_open(&c, st) == -1)
		hp_die("%s/events", st->dir);
	/* Say we listen, so a caller can wait for that before acting. */
	while (!hp_sig_flagged()) {
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

/* --prometheus: every process (or the named ones) as Prometheus text. */
static int
prometheus(struct hp_state *st, char **given_names, int ngiven, int given)
{
	struct hp_buf b = { 0 };
	struct hp_promproc *pp;
	struct hp_promsup ps;
	struct hp_listsup sup;
	struct hp_listed *ls;
	char **names;
	int i, n, k = 0, failed = 0;

	names = hp_info_expand(st, given_names, ngiven, &n);
	ls = hp_xcalloc((size_t)n + 1, sizeof *ls);
	pp = hp_xcalloc((size_t)n + 1, sizeof *pp);
	(void)hp_list_load(st, names, n, !given, 0, ls, &sup);
	for (i = 0; i < n; i++) {
		if (ls[i].found)
			hp_prom_proc(&ls[i].info, &pp[k++]);
		else if (given) {
			fprintf(stderr, "%s: %s: no such process\n",
			    hp_progname, names[i]);
			failed = 1;
		}
	}
	memset(&ps, 0, sizeof ps);
	ps.up = sup.up;
	ps.processes = sup.up && !given ? sup.processes : k;
	ps.events = sup.events;
	ps.uptime_ms = sup.uptime_ms;
	ps.started_wall = sup.started_wall;
	hp_prom_write(&b, 0, &ps, pp, k);
	fwrite(b.p, 1, b.len, stdout);
	hp_buf_free(&b);
	hp_list_free(ls, n);
	hp_argv_free(names);
	free(pp);
	hp_stdout_close();
	return failed ? HP_EXIT_FAIL : HP_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct hp_getopt g = { 0 };
	struct hp_logopt lo;
	struct hp_state st;
	const char *stdir = NULL;
	char **names = NULL;
	long long last = -1, since = 0;
	int ch, all = 0, w = 0, l = 0, f = 0, n, r, history = 0, prom = 0;
	int top = 0, *v, nv;

	hp_progname = "hp-ls";
	while ((ch = hp_getopt(&g, argc, argv, "hVS:awlfn:", longopts)) !=
	    -1) {
		switch (ch) {
		case 'h':
			hp_help(synopsis, longopts);
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
			    strlen(g.arg) || *g.arg == '\0' ||
			    strlen(g.arg) > 12)
				hp_usage(synopsis, "bad line count: %s", g.arg);
			break;
		case O_HISTORY:
			history = 1;
			break;
		case O_PROM:
			prom = 1;
			break;
		case O_TOP:
			top = 1;
			break;
		case O_SINCE:
			if (hp_duration(g.arg, &since) == -1 || since <= 0 ||
			    since > (1LL << 40))
				hp_usage(synopsis, "bad duration: %s", g.arg);
			break;
		default:
			hp_usage(synopsis, "%s", g.bad);
		}
	}
	argv += g.ind;
	argc -= g.ind;
	if (w + l + prom + top > 1 || (w && (argc > 0 || all)) ||
	    ((f || last >= 0 || since > 0) && !l) || (l && all) ||
	    (history && (!hp_json_mode || l || w || prom || top)) ||
	    ((prom || top) && (all || hp_json_mode)))
		hp_usage(synopsis, NULL);
	for (r = 0; r < argc; r++)
		if (!((l || top) ? hp_match_ok(argv[r]) : hp_ref_ok(argv[r])))
			hp_usage(synopsis, "invalid name: %s", argv[r]);
	if (w) {
		if (hp_state_need(&st, stdir, 1, &error) == -1)
			hp_fail_error(&error);
		return watch(&st);
	}
	if (top && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		hp_fail(HP_EXIT_USAGE, "usage", "--top wants a terminal");
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
	if (top) {
		if ((r = hp_top_run(&st, argv, argc, &error)) == -1)
			hp_fail_error(&error);
		return r;
	}
	if (l) {
		memset(&lo, 0, sizeof lo);
		lo.names = argv;
		lo.n = argc;
		lo.lines = last;
		lo.since = since;
		lo.follow = f;
		lo.prefix = !(argc == 1 && hp_ref_ok(argv[0]));
		/* Each instance has its log: one is named. */
		if (argc == 1 && hp_name_ok(argv[0]) &&
		    hp_state_instances(&st, argv[0], &v, &nv) == 0 && nv > 0)
			hp_fail(HP_EXIT_USAGE, "usage", "%s has %d instances, "
			    "each its own log: name one, as %s:%d", argv[0],
			    nv, argv[0], v[0]);
		r = hp_logs_show(&st, &lo);
		hp_stdout_close();
		return r;
	}
	if (argc > 0)
		return prom ? prometheus(&st, argv, argc, 1) :
		    list(&st, argv, argc, all, history);
	if (!prom)
		return list(&st, NULL, 0, all, history);
	if (hp_state_names(&st, &names, &n) == -1)
		hp_die("%s/procs", st.dir);
	r = prometheus(&st, names, n, 0);
	hp_argv_free(names);
	return r;
}
