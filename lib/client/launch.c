/* hp: see LICENSE. */
/* launch.c: a registered CLI tool, found for a launch, and told of. */

#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/detect.h"

/*
 * A tool to launch (hp-pty -t): where hp-detect's registry and cache
 * say it is, into l; its own variables go into sp. argv0 finds the
 * registry installed beside us. -1 + e: unknown or not installed.
 */
int
hp_launch_find(struct hp_launch *l, const char *id, const char *argv0,
    struct hp_spec *sp, struct hp_error *e)
{
	struct hp_tools ts = { 0 };
	const struct hp_tool *t;
	struct hp_envpath ep;
	struct hp_detect d;
	char sys[HP_PATH_MAX];

	if (!hp_name_ok(id))
		return hp_error_set(e, HP_EXIT_USAGE, "usage",
		    "invalid tool id: %s", id);
	hp_tools_registry(sys, sizeof sys, argv0);
	hp_tools_default(&ts, sys);
	if ((t = hp_tools_find(&ts, id)) == NULL) {
		hp_tools_free(&ts);
		return hp_error_set(e, HP_EXIT_USAGE, "not-found",
		    "%s: unknown tool", id);
	}
	memset(&d, 0, sizeof d);
	d.r = hp_xcalloc(1, sizeof *d.r);
	d.n = 1;
	d.ttl = 3600000;
	hp_envpath_build(&ep, getenv("PATH"), NULL);
	hp_detect_find(&d.r[0], t, &ep, 0);
	hp_envpath_free(&ep);
	if (!d.r[0].installed) {
		hp_detect_free(&d);
		hp_tools_free(&ts);
		return hp_error_set(e, HP_EXIT_FAIL, "not-installed",
		    "%s: not installed", id);
	}
	/* The version only if the cache knows it: no probe before a launch. */
	if (hp_cache_dir(d.cachedir, sizeof d.cachedir, NULL) == 0)
		hp_dcache_fill(&d);
	hp_spec_addenvs(sp, t->env, (size_t)t->nenv);
	hp_copy(l->id, sizeof l->id, t->id);
	hp_copy(l->name, sizeof l->name, t->name);
	hp_copy(l->path, sizeof l->path, d.r[0].path);
	hp_copy(l->version, sizeof l->version, d.r[0].version);
	hp_copy(l->cachedir, sizeof l->cachedir, d.cachedir);
	/* Kept for the probe after the launch (hp_launch_probe). */
	l->r = d.r[0];
	l->r.cand = NULL;
	l->ts = ts;
	l->fd = -1;
	hp_detect_free(&d);
	return 0;
}

static void
members(struct hp_json *j, const struct hp_launch *l, pid_t pid,
    const char *term, const char *ev)
{
	hp_json_kstr(j, "event", ev);
	hp_json_kstr(j, "id", l->id);
	hp_json_kstr(j, "tool", l->name);
	hp_json_kstr(j, "path", l->path);
	hp_json_kstr(j, "version", l->version[0] ? l->version : NULL);
	hp_json_kint(j, "pid", (long long)pid);
	hp_json_kstr(j, "terminal", term);
	hp_json_close(j, '}');
}

/* The line on f, and to the supervisor of st when one runs. */
static void
tell(const struct hp_launch *l, const char *ev, FILE *f)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	char ts[32], file[HP_PATH_MAX];

	hp_time_fmt(ts, hp_wall_ms());
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kstr(&j, "ts", ts);
	members(&j, l, l->pid, l->term[0] ? l->term : NULL, ev);
	fprintf(f, "%s\n", hp_buf_str(&b));
	fflush(f);
	if (l->st != NULL && hp_state_supervisor(l->st) > 0 &&
	    hp_state_file(l->st, file, sizeof file, HP_F_CONTROL) == 0) {
		b.len = 0;
		hp_buf_adds(&b, "- launched ");
		hp_json_init(&j, &b);
		hp_json_open(&j, '{');
		members(&j, l, l->pid, l->term[0] ? l->term : NULL, ev);
		hp_buf_addc(&b, '\n');
		if (b.len < HP_LINE_MAX)
			(void)hp_fifo_send(file, hp_buf_str(&b));
	}
	hp_buf_free(&b);
}

/*
 * The cli-tool:launched line: on stdout with --json, else on stderr; and
 * to the supervisor of st, when one runs, for its events (the control
 * line "- launched JSON", the object without its time; hp(7)). None is
 * started for it, and one that does not listen loses it.
 */
void
hp_launch_announce(struct hp_launch *l, pid_t pid, const char *term,
    const struct hp_state *st)
{
	l->pid = pid;
	hp_copy(l->term, sizeof l->term, term != NULL ? term : "");
	l->st = st;
	tell(l, "cli-tool:launched", hp_json_mode ? stdout : stderr);
}

/*
 * After the launch, when the cache did not know the version: its probe,
 * as hp-detect's (probe.c), whose answer l->fd reads; -1: none started.
 */
int
hp_launch_probe(struct hp_launch *l, long long timeout)
{
	struct hp_buf pv = { 0 };
	struct hp_envpath ep;
	char **envp;

	if (l->id[0] == '\0' || l->version[0] != '\0' || l->fd != -1)
		return -1;
	hp_envpath_build(&ep, getenv("PATH"), NULL);
	envp = hp_envpath_environ(&ep, &pv);
	l->r.start = hp_mono_ms();
	l->deadline = l->r.start + timeout;
	l->probe = hp_probe_start(l->r.tool, l->r.path, envp, -1, 0,
	    &l->fd);
	free(envp);
	hp_buf_free(&pv);
	hp_envpath_free(&ep);
	if (l->probe == -1) {
		l->fd = -1;
		return -1;
	}
	return 0;
}

/*
 * The probe's answer is there, or (late) its time is up, or (wait) the
 * terminal is over and it is waited for until its time is up: then
 * cli-tool:version is told, on stderr and to the supervisor, and the
 * cache learns it. 0: told; -1: not yet.
 */
int
hp_launch_probed(struct hp_launch *l, int late, int wait)
{
	struct hp_detect d;
	struct pollfd p;
	long long left;
	int k = -1;

	if (l->id[0] == '\0' || l->fd == -1)
		return 0;
	while ((k = hp_probe_read(l->fd, &l->r.ans)) == -1 && !late && wait &&
	    (left = l->deadline - hp_mono_ms()) > 0) {
		p.fd = l->fd;
		p.events = POLLIN;
		(void)poll(&p, 1, (int)left);
	}
	if (k == -1 && !late && !wait && hp_mono_ms() < l->deadline)
		return -1;
	close(l->fd);
	l->fd = -1;
	kill(-l->probe, SIGKILL);	/* it, late, or what it left */
	(void)hp_waitpid(l->probe, NULL, WNOHANG);
	l->r.probe_ms = hp_mono_ms() - l->r.start;
	l->r.checked = hp_wall_ms();
	if (k == 1) {
		hp_copy(l->version, sizeof l->version, l->r.ans.version);
		hp_copy(l->r.version, sizeof l->r.version, l->r.ans.version);
		hp_copy(l->r.raw, sizeof l->r.raw, l->r.ans.raw);
		hp_copy(l->r.error, sizeof l->r.error, l->r.ans.error);
	} else if (k == 0)
		snprintf(l->r.error, sizeof l->r.error, "probe ended without "
		    "an answer");
	else
		snprintf(l->r.error, sizeof l->r.error, "timed out after "
		    "%lld ms", l->r.probe_ms);
	tell(l, "cli-tool:version", stderr);
	if (l->cachedir[0] != '\0') {
		memset(&d, 0, sizeof d);
		d.r = &l->r;
		d.n = 1;
		hp_copy(d.cachedir, sizeof d.cachedir, l->cachedir);
		hp_dcache_save(&d);
	}
	return 0;
}
