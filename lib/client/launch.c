/* hp: see LICENSE. */
/* launch.c: a registered CLI tool, found for a launch, and told of. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	hp_detect_free(&d);
	hp_tools_free(&ts);
	return 0;
}

static void
members(struct hp_json *j, const struct hp_launch *l, pid_t pid,
    const char *term)
{
	hp_json_kstr(j, "event", "cli-tool:launched");
	hp_json_kstr(j, "id", l->id);
	hp_json_kstr(j, "tool", l->name);
	hp_json_kstr(j, "path", l->path);
	hp_json_kstr(j, "version", l->version[0] ? l->version : NULL);
	hp_json_kint(j, "pid", (long long)pid);
	hp_json_kstr(j, "terminal", term);
	hp_json_close(j, '}');
}

/*
 * The cli-tool:launched line: on stdout with --json, else on stderr; and
 * to the supervisor of st, when one runs, for its events (the control
 * line "- launched JSON", the object without its time; hp(7)). None is
 * started for it, and one that does not listen loses it.
 */
void
hp_launch_announce(const struct hp_launch *l, pid_t pid, const char *term,
    const struct hp_state *st)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	char ts[32], file[HP_PATH_MAX];
	FILE *f = hp_json_mode ? stdout : stderr;

	hp_time_fmt(ts, hp_wall_ms());
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kstr(&j, "ts", ts);
	members(&j, l, pid, term);
	fprintf(f, "%s\n", hp_buf_str(&b));
	fflush(f);
	if (st != NULL && hp_state_supervisor(st) > 0 &&
	    hp_state_file(st, file, sizeof file, HP_F_CONTROL) == 0) {
		b.len = 0;
		hp_buf_adds(&b, "- launched ");
		hp_json_init(&j, &b);
		hp_json_open(&j, '{');
		members(&j, l, pid, term);
		hp_buf_addc(&b, '\n');
		if (b.len < HP_LINE_MAX)
			(void)hp_fifo_send(file, hp_buf_str(&b));
	}
	hp_buf_free(&b);
}
