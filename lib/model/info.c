/* hp: see LICENSE. */
/* info.c: a process as hp-ls and hp-spawn tell it: state, tree, CPU, memory. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * Walk the tree below the leader breadth first, summing CPU ticks and
 * memory: the processes in tree (at most max), -1 when the leader is
 * gone or is no longer the one that started at start (ESRCH), or this
 * system cannot tell (ENOSYS). hp-ls and the supervisor's limits use it.
 */
int
hp_tree_stat(pid_t leader, unsigned long long start, pid_t *tree, int max,
    unsigned long long *ticks, long long *rss)
{
	struct hp_pstat ps;
	int i, n, ntree = 0;

	*ticks = 0;
	*rss = 0;
	tree[ntree++] = leader;
	for (i = 0; i < ntree; i++) {
		if (hp_pstat(tree[i], &ps) == -1) {
			if (i == 0)
				return -1;
			continue;
		}
		if (i == 0 && ps.start != start) {
			errno = ESRCH;
			return -1;
		}
		*ticks += ps.cpu;
		*rss += (long long)ps.rss;
		n = hp_proc_children(tree[i], ps.threads, tree + ntree,
		    max - ntree);
		if (n > 0)
			ntree += n;
	}
	return ntree;
}

/* The tree's figures; CPU averaged over the leader's life, as ps(1) does. */
static void
metrics(struct hp_info *in, unsigned long long start)
{
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	long long up;
	int n;

	n = hp_tree_stat(in->pid, start, in->tree,
	    (int)(sizeof in->tree / sizeof in->tree[0]), &ticks, &in->rss);
	if (n == -1) {
		in->rss = 0;
		if (errno == ENOSYS)
			in->ntree = 1;	/* the leader, all we know */
		else
			in->running = 0;
		return;
	}
	in->ntree = n;
	up = in->started_wall > 0 ? hp_wall_ms() - in->started_wall : 0;
	if (up > 0 && hz > 0)
		in->cpu = (double)ticks * 1000.0 / (double)hz * 100.0 /
		    (double)up;
}

static int
live(const char *state)
{
	return strcmp(state, "starting") == 0 ||
	    strcmp(state, "running") == 0 || strcmp(state, "backoff") == 0 ||
	    strcmp(state, "stopping") == 0;
}

/*
 * The keeper of name: whoever holds procs/NAME/lock where there is one
 * (a process kept outside the supervisor), else the supervisor. 0: gone.
 */
static pid_t
keeper(const struct hp_state *st, const char *name, int supervised)
{
	static const struct hp_state *last;
	static long long asked;
	static pid_t super;
	char file[HP_PATH_MAX];
	long long now;

	if (!supervised && hp_proc_file(st, file, sizeof file, name,
	    HP_P_LOCK) == 0 && access(file, F_OK) == 0)
		return hp_lock_holder(file);
	/* A listing asks once, not once a process: 20 ms is one listing. */
	now = hp_mono_ms();
	if (st != last || now - asked > 20) {
		super = hp_state_supervisor(st);
		last = st;
		asked = now;
	}
	return super;
}

int
hp_info_load(const struct hp_state *st, const char *name, struct hp_info *in,
    int withmetrics)
{
	char file[HP_PATH_MAX];
	struct hp_kv kv = { 0 };
	struct hp_ident id;
	const char *v;
	char base[HP_NAME_MAX + 1];
	int supervised = 0, i;

	memset(in, 0, sizeof *in);
	if (hp_state_proc(st, name) == -1)
		return -1;
	hp_copy(in->name, sizeof in->name, name);
	if (hp_ref_split(name, base, &in->instance) == -1)
		in->instance = 0;
	hp_copy(in->state, sizeof in->state, "stopped");
	hp_copy(in->health, sizeof in->health, "unknown");
	hp_copy(in->type, sizeof in->type, "service");
	in->exit_code = -1;
	/* A status is written only beside a spec; without it, ask the spec. */
	if (hp_proc_file(st, file, sizeof file, name, HP_P_STATUS) == 0 &&
	    hp_kv_load(&kv, file) == 0) {
		if ((v = hp_kv_get(&kv, "type")) != NULL)
			hp_copy(in->type, sizeof in->type, v);
		if ((v = hp_kv_get(&kv, "state")) != NULL)
			hp_copy(in->state, sizeof in->state, v);
		if ((v = hp_kv_get(&kv, "health")) != NULL)
			hp_copy(in->health, sizeof in->health, v);
		if ((v = hp_kv_get(&kv, "error")) != NULL)
			hp_copy(in->error, sizeof in->error, v);
		in->started_wall = hp_kv_int(&kv, "started", 0);
		in->restarts = (int)hp_kv_int(&kv, "restarts", 0);
		in->exit_code = (int)hp_kv_int(&kv, "exit-code", -1);
		in->exit_signal = (int)hp_kv_int(&kv, "exit-signal", 0);
		supervised = hp_kv_get(&kv, "supervisor") != NULL;
		if ((v = hp_kv_get(&kv, "status")) != NULL)
			hp_copy(in->status, sizeof in->status, v);
		if ((v = hp_kv_get(&kv, "notify")) != NULL)
			hp_copy(in->notify, sizeof in->notify, v);
		for (i = 0; i < kv.n && in->nlisten < HP_SPAWN_PASS; i++)
			if (strcmp(kv.key[i], "listen") == 0 &&
			    hp_copy(in->listen[in->nlisten],
			    sizeof in->listen[0], kv.val[i]) == 0)
				in->nlisten++;
	} else if (hp_proc_file(st, file, sizeof file, name, HP_P_SPEC) ==
	    -1 || access(file, F_OK) == -1) {
		hp_kv_free(&kv);
		return -1;
	}
	hp_kv_free(&kv);
	if (hp_proc_file(st, file, sizeof file, name, HP_P_PID) == 0 &&
	    hp_pidfile_read(file, &id) == 0) {
		in->pid = id.pid;
		/* With metrics, the walk below checks the identity itself. */
		in->running = withmetrics || hp_ident_alive(&id) != 0;
	}
	if (withmetrics && in->running)
		metrics(in, id.start);
	/*
	 * A pidfile proves nothing by itself: the pid must still be ours
	 * and its keeper must hold its lock. A live state whose keeper is
	 * gone is stale: nobody runs or restarts the process any more.
	 */
	if (keeper(st, name, supervised) == 0) {
		in->running = 0;
		if (live(in->state))
			hp_copy(in->state, sizeof in->state, "exited");
	} else if (in->pid > 0 && !in->running &&
	    strcmp(in->state, "running") == 0)
		hp_copy(in->state, sizeof in->state, "exited");
	if (!in->running) {
		in->pid = 0;
		in->ntree = 0;
		in->rss = 0;
		in->cpu = 0;
	}
	return 0;
}

void
hp_info_json(struct hp_json *j, const struct hp_info *in)
{
	char ts[32];
	long long up = 0;
	int i;

	hp_json_open(j, '{');
	hp_json_kstr(j, "name", in->name);
	hp_json_kstr(j, "type", in->type);
	hp_json_kstr(j, "state", in->state);
	hp_json_key(j, "pid");
	if (in->pid > 0)
		hp_json_int(j, (long long)in->pid);
	else
		hp_json_null(j);
	hp_json_key(j, "started");
	if (in->started_wall > 0) {
		hp_time_fmt(ts, in->started_wall);
		hp_json_str(j, ts);
		if (in->pid > 0)
			up = hp_wall_ms() - in->started_wall;
	} else
		hp_json_null(j);
	hp_json_kint(j, "uptime_ms", up > 0 ? up : 0);
	hp_json_kint(j, "restarts", in->restarts);
	hp_json_key(j, "exit_code");
	if (in->exit_code >= 0)
		hp_json_int(j, in->exit_code);
	else
		hp_json_null(j);
	hp_json_key(j, "exit_signal");
	if (in->exit_signal > 0)
		hp_json_str(j, hp_signame(in->exit_signal));
	else
		hp_json_null(j);
	hp_json_kstr(j, "health", in->health);
	hp_json_key(j, "cpu_percent");
	hp_json_num(j, in->cpu);
	hp_json_kint(j, "rss_bytes", in->rss);
	hp_json_key(j, "tree_pids");
	hp_json_open(j, '[');
	for (i = 0; i < in->ntree; i++)
		hp_json_int(j, (long long)in->tree[i]);
	hp_json_close(j, ']');
	if (in->error[0] != '\0')
		hp_json_kstr(j, "error", in->error);
	if (in->instance > 0)
		hp_json_kint(j, "instance", in->instance);
	if (in->nlisten > 0) {
		hp_json_key(j, "listen");
		hp_json_open(j, '[');
		for (i = 0; i < in->nlisten; i++)
			hp_json_str(j, in->listen[i]);
		hp_json_close(j, ']');
	}
	if (in->status[0] != '\0')
		hp_json_kstr(j, "status", in->status);
	if (in->notify[0] != '\0')
		hp_json_kstr(j, "notify", in->notify);
	hp_json_close(j, '}');
	(void)errno;
}

/*
 * What NAME stands for in a listing: NAME:1 ... NAME:N when it has
 * instances (directories procs/NAME/I), else NAME itself; NAME:I as it
 * is. A NULL-terminated list to hp_argv_free().
 */
int
hp_info_refs(const struct hp_state *st, const char *name, char ***refs,
    int *n)
{
	char ref[HP_REF_MAX + 16];
	int *v = NULL, nv = 0, i;

	if (strchr(name, ':') == NULL && hp_state_instances(st, name, &v,
	    &nv) == -1)
		nv = 0;
	*refs = hp_xcalloc((size_t)(nv > 0 ? nv : 1) + 1, sizeof **refs);
	*n = nv > 0 ? nv : 1;
	if (nv == 0)
		(*refs)[0] = hp_xstrdup(name);
	for (i = 0; i < nv; i++) {
		snprintf(ref, sizeof ref, "%s:%d", name, v[i]);
		(*refs)[i] = hp_xstrdup(ref);
	}
	free(v);
	return 0;
}
