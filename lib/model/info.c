/* hp: see LICENSE. */
/* info.c: a process as hp-ls and hp-spawn tell it: state, tree, CPU, memory. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * Walk the tree below the leader breadth first, summing CPU ticks (with
 * what its reaped children used: a child that ends leaves its time to
 * its parent), memory and threads: the processes in tree (at most max),
 * -1 when the leader is gone or is no longer the one that started at
 * start (ESRCH), or this system cannot tell (ENOSYS). hp-ls uses it for
 * what no supervisor samples (the supervisor's own walk: super/smetric.c).
 */
int
hp_tree_stat(pid_t leader, unsigned long long start, pid_t *tree, int max,
    struct hp_treestat *ts)
{
	struct hp_pstat ps;
	int i, n, ntree = 0;

	memset(ts, 0, sizeof *ts);
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
		ts->ticks += ps.cpu + ps.ccpu;
		ts->rss += (long long)ps.rss;
		ts->threads += ps.threads;
		n = hp_proc_children(tree[i], ps.threads, tree + ntree,
		    max - ntree);
		if (n > 0)
			ntree += n;
	}
	return ntree;
}

/*
 * The cgroup of process name under base (a supervisor's, hp-PID.NS): one
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

/*
 * What of its tree the walk by parent could not find: members of its
 * cgroup, descendants the supervisor saw (t), and theirs; added to the
 * tree and its figures.
 */
static void
more(struct hp_info *in, const struct hp_tree *t, struct hp_treestat *ts)
{
	struct hp_kin m[64];
	struct hp_pstat ps;
	int i, k, n;

	if (t->cg == NULL && t->nknown == 0)
		return;
	n = hp_tree_list(t, m, 64, 0);
	for (i = 0; i < n && in->ntree < HP_TREE_MAX; i++) {
		for (k = 0; k < in->ntree && in->tree[k] != m[i].pid; k++)
			;
		if (k < in->ntree || hp_pstat(m[i].pid, &ps) == -1)
			continue;
		in->tree[in->ntree++] = m[i].pid;
		ts->ticks += ps.cpu + ps.ccpu;
		ts->rss += (long long)ps.rss;
		ts->threads += ps.threads;
	}
}

/*
 * The tree's figures, looked at once: no rate can be told from one look,
 * so the current CPU is its average over the leader's life, as ps(1)
 * gives it; what no supervisor samples has no PSS or descriptor count.
 */
static void
metrics(struct hp_info *in, unsigned long long start, const struct hp_tree *t)
{
	struct hp_treestat ts;
	long hz = sysconf(_SC_CLK_TCK);
	long long up;
	int n;

	n = hp_tree_stat(in->pid, start, in->tree, HP_TREE_MAX, &ts);
	if (n == -1) {
		if (errno == ENOSYS)
			in->ntree = 1;	/* the leader, all we know */
		else
			in->running = 0;
		return;
	}
	in->ntree = n;
	more(in, t, &ts);
	in->rss = ts.rss;
	in->threads = ts.threads;
	up = in->started_wall > 0 ? hp_wall_ms() - in->started_wall : 0;
	if (hz > 0) {
		in->cpu_time = (double)ts.ticks / (double)hz;
		if (up > 0)
			in->cpu_avg = in->cpu_time * 100000.0 / (double)up;
	}
	in->cpu = in->cpu_avg;
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
	struct hp_tree t = { 0, NULL, NULL, 0, 0, NULL, 0 };
	struct hp_kin kin[16];
	char boot[40] = "", now[40], cg[HP_PATH_MAX];
	const char *v;
	char base[HP_NAME_MAX + 1];
	int supervised = 0, i, k;

	memset(in, 0, sizeof *in);
	in->pss = -1;
	in->fds = -1;
	in->nhist = -1;
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
		in->skipped = (int)hp_kv_int(&kv, "skipped-runs", 0);
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
		in->cpu = in->cpu_avg = in->cpu_time = 0;
		in->threads = 0;
	}
	return 0;
}

/* A number, or null when it is not known (below 0). */
static void
known(struct hp_json *j, const char *key, long long v)
{
	hp_json_key(j, key);
	if (v >= 0)
		hp_json_int(j, v);
	else
		hp_json_null(j);
}

/* One sample: its time, its CPU rate and the tree's memory and sizes. */
void
hp_sample_json(struct hp_json *j, const struct hp_sample *sm)
{
	char ts[32];

	hp_time_fmt(ts, sm->wall);
	hp_json_open(j, '{');
	hp_json_kstr(j, "ts", ts);
	hp_json_key(j, "cpu_percent");
	hp_json_num(j, sm->cpu / 100.0);
	hp_json_kint(j, "rss_bytes", (long long)sm->rss * 1024);
	known(j, "pss_bytes", sm->pss > 0 ? (long long)sm->pss * 1024 : -1);
	hp_json_kint(j, "threads", sm->threads);
	known(j, "fds", sm->fds);
	hp_json_kint(j, "processes", sm->nproc);
	hp_json_close(j, '}');
}

/*
 * The object hp-ls --json gives of a process (hp-ls(1)): the supervisor
 * answers its list verb with the same (super/smetric.c), so a key added
 * here is to be filled in both hp_info_load and hp_sproc_info, and read
 * back in hp_info_parse.
 */
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
	hp_json_key(j, "cpu_avg_percent");
	hp_json_num(j, in->cpu_avg);
	hp_json_key(j, "cpu_seconds");
	hp_json_num(j, in->cpu_time);
	known(j, "pss_bytes", in->pss);
	hp_json_kint(j, "threads", in->threads);
	known(j, "fds", in->fds);
	hp_json_key(j, "sampled");
	if (in->sampled > 0) {
		hp_time_fmt(ts, in->sampled);
		hp_json_str(j, ts);
	} else
		hp_json_null(j);
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
	if (in->skipped > 0)
		hp_json_kint(j, "skipped_runs", in->skipped);
	if (in->nhist >= 0) {
		hp_json_key(j, "history");
		hp_json_open(j, '[');
		for (i = 0; i < in->nhist; i++)
			hp_sample_json(j, &in->hist[i]);
		hp_json_close(j, ']');
	}
	hp_json_close(j, '}');
}

/* A number of an object, or def for null and what is no number. */
static double
num(const char *v, double def)
{
	char *end;
	double d = strtod(v, &end);

	return end == v || d != d ? def : d;
}

/* A whole number from lo to hi (what is beyond, its bound), or def. */
static long long
whole(const char *v, long long lo, long long hi, long long def)
{
	double d = num(v, (double)def);

	return d < (double)lo ? lo : d > (double)hi ? hi : (long long)d;
}

#define UMAX	4000000000LL	/* what an unsigned of a sample holds */

/* A percent in hundredths, within what a sample holds. */
static unsigned
hundredths(const char *v)
{
	double d = num(v, 0) * 100.0 + 0.5;

	return d < 0 ? 0 : d > (double)UMAX ? (unsigned)UMAX : (unsigned)d;
}

/* A string of an object into out; "" for what is no string. */
static void
text(const char *v, char *out, size_t n)
{
	if (hp_json_string(v, out, n) == -1 && n > 0)
		out[0] = '\0';
}

static void
sample_parse(const char *v, struct hp_sample *sm)
{
	struct hp_jsonit it;
	const char *x;
	char key[32], ts[40];
	size_t n;

	memset(sm, 0, sizeof *sm);
	sm->fds = -1;
	hp_json_iter(&it, v);
	while (hp_json_item(&it, key, sizeof key, &x, &n) == 1) {
		if (strcmp(key, "ts") == 0) {
			text(x, ts, sizeof ts);
			sm->wall = hp_time_parse(ts);
		} else if (strcmp(key, "cpu_percent") == 0)
			sm->cpu = hundredths(x);
		else if (strcmp(key, "rss_bytes") == 0)
			sm->rss = (unsigned)(whole(x, 0, UMAX * 1024, 0) >>
			    10);
		else if (strcmp(key, "pss_bytes") == 0)
			sm->pss = (unsigned)(whole(x, 0, UMAX * 1024, 0) >>
			    10);
		else if (strcmp(key, "threads") == 0)
			sm->threads = (int)whole(x, 0, 1 << 30, 0);
		else if (strcmp(key, "fds") == 0)
			sm->fds = (int)whole(x, -1, 1 << 30, -1);
		else if (strcmp(key, "processes") == 0)
			sm->nproc = (int)whole(x, 0, 1 << 30, 0);
	}
}

/* The arrays of an object: tree_pids and history. */
static void
arrays(struct hp_info *in, const char *key, const char *v)
{
	struct hp_jsonit it;
	const char *x;
	size_t n;

	hp_json_iter(&it, v);
	if (strcmp(key, "tree_pids") == 0) {
		while (in->ntree < HP_TREE_MAX &&
		    hp_json_item(&it, NULL, 0, &x, &n) == 1)
			in->tree[in->ntree++] = (pid_t)whole(x, 0, 1 << 30, 0);
		return;
	}
	if (strcmp(key, "listen") == 0) {
		while (in->nlisten < HP_SPAWN_PASS &&
		    hp_json_item(&it, NULL, 0, &x, &n) == 1)
			text(x, in->listen[in->nlisten++],
			    sizeof in->listen[0]);
		return;
	}
	in->nhist = 0;
	while (in->nhist < HP_RING && hp_json_item(&it, NULL, 0, &x, &n) == 1)
		sample_parse(x, &in->hist[in->nhist++]);
}

/*
 * An object as hp_info_json wrote it (the supervisor's answer to list),
 * back into in: -1 when it is not one, or names no process.
 */
int
hp_info_parse(const char *line, struct hp_info *in)
{
	struct hp_jsonit it;
	const char *v;
	char key[32], ts[40], sig[16];
	size_t n;
	int r;

	memset(in, 0, sizeof *in);
	in->exit_code = -1;
	in->pss = -1;
	in->fds = -1;
	in->nhist = -1;
	hp_json_iter(&it, line);
	while ((r = hp_json_item(&it, key, sizeof key, &v, &n)) == 1) {
		if (strcmp(key, "name") == 0)
			text(v, in->name, sizeof in->name);
		else if (strcmp(key, "type") == 0)
			text(v, in->type, sizeof in->type);
		else if (strcmp(key, "state") == 0)
			text(v, in->state, sizeof in->state);
		else if (strcmp(key, "health") == 0)
			text(v, in->health, sizeof in->health);
		else if (strcmp(key, "error") == 0)
			text(v, in->error, sizeof in->error);
		else if (strcmp(key, "pid") == 0)
			in->pid = (pid_t)whole(v, 0, 1 << 30, 0);
		else if (strcmp(key, "started") == 0) {
			text(v, ts, sizeof ts);
			in->started_wall = ts[0] ? hp_time_parse(ts) : 0;
		} else if (strcmp(key, "sampled") == 0) {
			text(v, ts, sizeof ts);
			in->sampled = ts[0] ? hp_time_parse(ts) : 0;
		} else if (strcmp(key, "restarts") == 0)
			in->restarts = (int)whole(v, 0, 1 << 30, 0);
		else if (strcmp(key, "manual_restarts") == 0)
			in->manual = (int)whole(v, 0, 1 << 30, 0);
		else if (strcmp(key, "circuit") == 0)
			text(v, in->circuit, sizeof in->circuit);
		else if (strcmp(key, "supervised") == 0)
			in->supervised = strncmp(v, "true", 4) == 0;
		else if (strcmp(key, "exit_code") == 0)
			in->exit_code = (int)whole(v, -1, 255, -1);
		else if (strcmp(key, "exit_signal") == 0) {
			text(v, sig, sizeof sig);
			in->exit_signal = sig[0] != '\0' ? hp_signal(sig) : 0;
		} else if (strcmp(key, "cpu_percent") == 0)
			in->cpu = num(v, 0);
		else if (strcmp(key, "cpu_avg_percent") == 0)
			in->cpu_avg = num(v, 0);
		else if (strcmp(key, "cpu_seconds") == 0)
			in->cpu_time = num(v, 0);
		else if (strcmp(key, "rss_bytes") == 0)
			in->rss = whole(v, 0, 1LL << 60, 0);
		else if (strcmp(key, "pss_bytes") == 0)
			in->pss = whole(v, -1, 1LL << 60, -1);
		else if (strcmp(key, "threads") == 0)
			in->threads = (int)whole(v, 0, 1 << 30, 0);
		else if (strcmp(key, "fds") == 0)
			in->fds = (int)whole(v, -1, 1 << 30, -1);
		else if (strcmp(key, "instance") == 0)
			in->instance = (int)whole(v, 0, HP_INSTANCES_MAX, 0);
		else if (strcmp(key, "status") == 0)
			text(v, in->status, sizeof in->status);
		else if (strcmp(key, "notify") == 0)
			text(v, in->notify, sizeof in->notify);
		else if (strcmp(key, "skipped_runs") == 0)
			in->skipped = (int)whole(v, 0, 1 << 30, 0);
		else if (strcmp(key, "tree_pids") == 0 ||
		    strcmp(key, "history") == 0 || strcmp(key, "listen") == 0)
			arrays(in, key, v);
	}
	if (r == -1 || !hp_ref_ok(in->name))
		return -1;
	if (in->exit_signal < 0)
		in->exit_signal = 0;
	in->running = in->pid > 0;
	return 0;
}

/* A while of ms as hp-ls shows it: 42s, 3m07s, 2h05m, 1d03h; "-" none. */
void
hp_fmt_uptime(char *out, size_t n, long long ms)
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

/* Bytes as hp-ls shows them: 512.0K, 41.2M, 1.5G; "-" none. */
void
hp_fmt_size(char *out, size_t n, long long b)
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

/* Every name given, NAME of instances as each of them: NAME:1 ... */
char **
hp_info_expand(const struct hp_state *st, char **given, int ngiven, int *n)
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
