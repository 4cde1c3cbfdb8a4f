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

/*
 * The cgroup of process name under base (a supervisor's, hp-PID): one
 * place for the name, so that a status naming some other group is not
 * taken for ours.
 */
int
hp_cgroup_name(char *out, size_t n, const char *base, const char *name)
{
	return hp_path(out, n, "%s/p-%s", base, name);
}

static int
cgroup_ours(const char *dir, const char *name)
{
	const char *leaf = strrchr(dir, '/'), *up;

	/* p-NAME, or p-NAME+ (a reload's run beside the old one). */
	if (dir[0] != '/' || leaf == NULL || strncmp(leaf, "/p-", 3) != 0 ||
	    strncmp(leaf + 3, name, strlen(name)) != 0 ||
	    (strcmp(leaf + 3 + strlen(name), "") != 0 &&
	    strcmp(leaf + 3 + strlen(name), "+") != 0) ||
	    strstr(dir, "/..") != NULL)
		return 0;
	for (up = leaf - 1; up > dir && *up != '/'; up--)
		;
	return strncmp(up, "/hp-", 4) == 0;
}

/*
 * The tree a status records for name: its cgroup ("cgroup = DIR", one
 * that hp made for name, else none) and the descendants the supervisor
 * saw outside its group ("descendants = PID:START ..."): how many of
 * those, at most max.
 */
int
hp_status_tree(const struct hp_kv *kv, const char *name, char *cg,
    size_t cgn, struct hp_kin *kin, int max)
{
	const char *v;
	char *end;
	int n = 0;

	cg[0] = '\0';
	if ((v = hp_kv_get(kv, "cgroup")) != NULL && cgroup_ours(v, name))
		hp_copy(cg, cgn, v);
	for (v = hp_kv_get(kv, "descendants"); v != NULL && *v != '\0' &&
	    n < max; v = end) {
		kin[n].pid = (pid_t)strtol(v, &end, 10);
		if (end == v || *end != ':' || kin[n].pid <= 1)
			break;
		v = end + 1;
		kin[n].start = strtoull(v, &end, 10);
		if (end == v)
			break;
		n++;
		while (*end == ' ')
			end++;
	}
	return n;
}

/*
 * Record that name was stopped with no supervisor to do it (a verb done
 * directly): state stopped, no pid, since now, its tree gone from the
 * record; the rest as it was. -1 errno.
 */
int
hp_status_stopped(const struct hp_state *st, const char *name)
{
	char file[HP_PATH_MAX];
	struct hp_kv kv = { 0 };
	struct hp_buf b = { 0 };
	const char *k;
	int i, r;

	if (hp_proc_file(st, file, sizeof file, name, HP_P_STATUS) == -1)
		return -1;
	if (hp_kv_load(&kv, file) == -1 && errno != ENOENT)
		return -1;
	hp_kv_add(&b, "name", name);
	hp_kv_add(&b, "state", "stopped");
	hp_kv_addi(&b, "pid", 0);
	hp_kv_addi(&b, "since", hp_wall_ms());
	for (i = 0; i < kv.n; i++) {
		k = kv.key[i];
		if (strcmp(k, "name") != 0 && strcmp(k, "state") != 0 &&
		    strcmp(k, "pid") != 0 && strcmp(k, "since") != 0 &&
		    strcmp(k, "start") != 0 && strcmp(k, "cgroup") != 0 &&
		    strcmp(k, "descendants") != 0)
			hp_kv_add(&b, k, kv.val[i]);
	}
	hp_kv_free(&kv);
	r = hp_file_write(file, b.p, b.len, 0600);
	hp_buf_free(&b);
	if (r == 0 && hp_proc_file(st, file, sizeof file, name,
	    HP_P_PID) == 0)
		unlink(file);
	return r;
}

#define TREE_N	(int)(sizeof ((struct hp_info *)0)->tree / sizeof (pid_t))

/*
 * What of its tree the walk by parent could not find: members of its
 * cgroup, descendants the supervisor saw (t), and theirs; added to the
 * tree and its figures.
 */
static void
more(struct hp_info *in, const struct hp_tree *t, unsigned long long *ticks)
{
	struct hp_kin m[64];
	struct hp_pstat ps;
	int i, k, n;

	if (t->cg == NULL && t->nknown == 0)
		return;
	n = hp_tree_list(t, m, 64, 0);
	for (i = 0; i < n && in->ntree < TREE_N; i++) {
		for (k = 0; k < in->ntree && in->tree[k] != m[i].pid; k++)
			;
		if (k < in->ntree || hp_pstat(m[i].pid, &ps) == -1)
			continue;
		in->tree[in->ntree++] = m[i].pid;
		*ticks += ps.cpu;
		in->rss += (long long)ps.rss;
	}
}

/* The tree's figures; CPU averaged over the leader's life, as ps(1) does. */
static void
metrics(struct hp_info *in, unsigned long long start, const struct hp_tree *t)
{
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	long long up;
	int n;

	n = hp_tree_stat(in->pid, start, in->tree, TREE_N, &ticks, &in->rss);
	if (n == -1) {
		in->rss = 0;
		if (errno == ENOSYS)
			in->ntree = 1;	/* the leader, all we know */
		else
			in->running = 0;
		return;
	}
	in->ntree = n;
	more(in, t, &ticks);
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
	struct hp_pstat ps;
	struct hp_tree t = { 0, NULL, NULL, 0 };
	struct hp_kin kin[16];
	char boot[40] = "", now[40], cg[HP_PATH_MAX];
	const char *v;
	char base[HP_NAME_MAX + 1];
	int supervised = 0, i, k;

	memset(in, 0, sizeof *in);
	if (hp_state_proc(st, name) == -1)
		return -1;
	hp_copy(in->name, sizeof in->name, name);
	if (hp_ref_split(name, base, &in->instance) == -1)
		in->instance = 0;
	hp_copy(in->state, sizeof in->state, "stopped");
	hp_copy(in->health, sizeof in->health, "unknown");
	hp_copy(in->type, sizeof in->type, "service");
	hp_copy(in->circuit, sizeof in->circuit, "closed");
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
		in->manual = (int)hp_kv_int(&kv, "manual-restarts", 0);
		if ((v = hp_kv_get(&kv, "circuit")) != NULL)
			hp_copy(in->circuit, sizeof in->circuit, v);
		if ((v = hp_kv_get(&kv, "boot")) != NULL)
			hp_copy(boot, sizeof boot, v);
		/* The rest of its tree, as the supervisor keeps it. */
		t.nknown = hp_status_tree(&kv, name, cg, sizeof cg, kin, 16);
		t.known = kin;
		t.cg = cg[0] != '\0' ? cg : NULL;
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
	in->supervised = keeper(st, name, supervised) > 0;
	if (hp_proc_file(st, file, sizeof file, name, HP_P_PID) == 0 &&
	    hp_pidfile_read(file, &id) == 0) {
		in->pid = id.pid;
		hp_copy(id.boot, sizeof id.boot, boot);
		/*
		 * With metrics, the walk below checks the start time itself;
		 * where identity cannot be read, its keeper vouches for it.
		 */
		if (withmetrics)
			k = boot[0] == '\0' || hp_boot_id(now, sizeof now) ==
			    -1 || strcmp(now, boot) == 0;
		else
			k = hp_ident_alive(&id);
		in->running = k == 1 || (k == -1 && in->supervised);
	}
	if (withmetrics && in->running)
		metrics(in, id.start, &t);
	/* Unsupervised, only a proof will do; a zombie nobody reaps is gone. */
	if (!in->supervised && in->running && (hp_ident_alive(&id) != 1 ||
	    (hp_pstat(id.pid, &ps) == 0 && ps.state == 'Z')))
		in->running = 0;
	/*
	 * A pidfile proves nothing by itself: the pid must still be ours.
	 * With no keeper holding its lock, nobody restarts or stops it any
	 * more: one still there runs unsupervised; a live state is stale.
	 */
	if (!in->supervised && in->running)
		hp_copy(in->state, sizeof in->state, "running");
	else if (!in->supervised && live(in->state))
		hp_copy(in->state, sizeof in->state, "exited");
	else if (in->pid > 0 && !in->running &&
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
	hp_json_kint(j, "manual_restarts", in->manual);
	hp_json_kstr(j, "circuit", in->circuit);
	hp_json_kbool(j, "supervised", in->supervised);
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
