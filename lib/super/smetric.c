/* hp: see LICENSE. */
/* smetric.c: the sampler: every process's tree on one schedule, a ring each. */

#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

/*
 * Every metrics-interval (1 s by default) one pass samples the tree of
 * every process that runs and keeps the sample in a ring of HP_RING, the
 * history hp-ls --history and --top show. What is read costs: on this
 * kind of machine a read of /proc/PID/stat is 10 us opened anew and 4 us
 * through a descriptor kept open, smaps_rollup 80 us, a count of the
 * descriptors 22 us. So the sample is in tiers: every time, the stat of
 * each process of the tree and the children of its first thread, the
 * leader's through descriptors kept open while the limit of open files
 * leaves room; every WIDE-th time the children of every thread; every
 * SLOW-th time (staggered over the processes) PSS and the descriptors.
 * A tree only grows by a fork: when no process at all was made since
 * the last pass (the pid given out last is the same), the children are
 * not read again but between wide walks, and the trees are as they were
 * but for what ended. Nor are the children of a leader that had none and
 * has neither run nor touched a page since (its CPU time and its page
 * faults are the same): an idle service costs one read a second.
 */
#define WIDE	5
#define SLOW	30

struct member {
	pid_t			pid;
	unsigned long long	start;
};

struct hp_metrics {
	struct hp_sample	 ring[HP_RING];
	int			 head, n;	/* next slot, samples kept */
	struct hp_sample	 last;		/* the latest, ringed or not */
	pid_t			 pid;		/* whose the figures are */
	unsigned long long	 start;
	unsigned long long	 ticks;		/* its tree's CPU then */
	unsigned long long	 stir;		/* the leader's CPU and faults */
	long long		 at;		/* mono ms of that, 0: none */
	int			 turn;		/* samples of this pid: tiers */
	int			 stagger;	/* its place among SLOW */
	int			 statfd, kidsfd;	/* the leader's, kept */
	struct member		*kid;		/* its tree then, leader out */
	int			 nkid;
};

/* What a walk of a tree sums. */
struct tally {
	pid_t			 pid[HP_TREE_MAX];
	unsigned long long	 start[HP_TREE_MAX];
	int			 n;
	unsigned long long	 ticks;
	long long		 rss, pss;	/* bytes; pss -1: not known */
	int			 threads;
	int			 fds;		/* -1: not known */
};

static int kept;		/* descriptors kept open, all processes */
static rlim_t nofile;		/* our limit of open files */

/* May two more descriptors stay open? Not where the limit is near. */
static int
room(const struct hp_super *s)
{
	struct rlimit rl;

	if (nofile == 0)
		nofile = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY ? rl.rlim_cur : 65536;
	return (rlim_t)(kept + 2 + 4 * s->nproc + 64) < nofile;
}

static void
unkeep(struct hp_metrics *m)
{
	if (m->statfd != -1) {
		close(m->statfd);
		kept--;
	}
	if (m->kidsfd != -1) {
		close(m->kidsfd);
		kept--;
	}
	m->statfd = m->kidsfd = -1;
}

static int
has(const struct tally *t, pid_t pid)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (t->pid[i] == pid)
			return 1;
	return 0;
}

/* One process of the tree: its figures summed, its children queued. */
static int
visit(struct tally *t, int i, const struct hp_pstat *ps, int wide,
    int slow, int find, int *kidsfd)
{
	pid_t kids[HP_TREE_MAX];
	long long pss;
	int k, n, fds;

	t->start[i] = ps->start;
	t->ticks += ps->cpu + ps->ccpu;
	t->rss += (long long)ps->rss;
	t->threads += ps->threads;
	if (slow) {
		pss = hp_proc_pss(t->pid[i]);
		fds = hp_proc_nfds(t->pid[i]);
		t->pss = pss < 0 || t->pss < 0 ? -1 : t->pss + pss;
		t->fds = fds < 0 || t->fds < 0 ? -1 : t->fds + fds;
	}
	if (!find)
		return 0;
	n = wide && ps->threads > 1 ? hp_proc_children(t->pid[i],
	    ps->threads, kids, HP_TREE_MAX) : hp_proc_kids(t->pid[i], kidsfd,
	    kids, HP_TREE_MAX);
	for (k = 0; k < n && t->n < HP_TREE_MAX; k++)
		if (!has(t, kids[k]))
			t->pid[t->n++] = kids[k];
	return 0;
}

/*
 * The tree of p, breadth first. Between wide walks, a process found
 * before through a thread other than the first is kept while it lives
 * and its parent is in the tree. Each member, the leader first, is told
 * to kin.c, which remembers those outside the leader's group for a stop.
 */
static int
walk(struct hp_super *s, struct hp_proc *p, struct hp_metrics *m,
    struct tally *t, int wide, int slow, int find)
{
	struct hp_pstat ps;
	int i, k, keep = room(s), more, had;

	memset(t, 0, sizeof *t);
	t->pss = t->fds = slow ? 0 : -1;
	had = (m->statfd != -1) + (m->kidsfd != -1);
	i = hp_pstat_kept(p->id.pid, keep || m->statfd != -1 ? &m->statfd :
	    NULL, &ps);
	if (i == 0 && ps.start == p->id.start) {
		t->pid[t->n++] = p->id.pid;
		hp_kin_seen(s, p, p->id.pid);
		/* Idle and childless: no child since either. */
		if (!wide && m->nkid == 0 && m->at > 0 &&
		    ps.cpu + ps.ccpu + ps.faults == m->stir)
			find = 0;
		m->stir = ps.cpu + ps.ccpu + ps.faults;
		visit(t, 0, &ps, wide, slow, find, keep || m->kidsfd != -1 ?
		    &m->kidsfd : NULL);
	}
	kept += (m->statfd != -1) + (m->kidsfd != -1) - had;
	if (t->n == 0)
		return -1;
	for (i = 1, more = 1; more; more = 0) {
		for (; i < t->n; i++) {
			if (hp_pstat(t->pid[i], &ps) == -1) {
				t->pid[i--] = t->pid[--t->n];
				continue;
			}
			hp_kin_seen(s, p, t->pid[i]);
			visit(t, i, &ps, wide, slow, find, NULL);
		}
		for (k = 0; !wide && k < m->nkid && t->n < HP_TREE_MAX; k++)
			if (!has(t, m->kid[k].pid) &&
			    hp_pstat(m->kid[k].pid, &ps) == 0 &&
			    ps.start == m->kid[k].start && has(t, ps.ppid)) {
				t->pid[t->n++] = m->kid[k].pid;
				more = 1;
			}
	}
	return 0;
}

/* Keep what was found: the tree for the answers and the next walk. */
static void
remember(struct hp_metrics *m, const struct tally *t)
{
	int i;

	if (t->n - 1 > m->nkid || t->n - 1 < m->nkid / 2) {
		free(m->kid);
		m->kid = t->n > 1 ? hp_xcalloc((size_t)t->n - 1,
		    sizeof *m->kid) : NULL;
	}
	m->nkid = t->n - 1;
	for (i = 1; i < t->n; i++) {
		m->kid[i - 1].pid = t->pid[i];
		m->kid[i - 1].start = t->start[i];
	}
}

static struct hp_metrics *
metrics(struct hp_super *s, struct hp_proc *p)
{
	struct hp_metrics *m = p->m;

	if (m == NULL) {
		m = p->m = hp_xcalloc(1, sizeof *m);
		m->statfd = m->kidsfd = -1;
		m->stagger = (int)(s->mseq++ % SLOW);
	}
	if (m->pid != p->id.pid || m->start != p->id.start) {
		unkeep(m);
		m->pid = p->id.pid;
		m->start = p->id.start;
		m->at = 0;
		m->ticks = 0;
		m->turn = 0;
		m->nkid = 0;
		memset(&m->last, 0, sizeof m->last);
	}
	return m;
}

/*
 * Sample p's tree now: into its ring (HP_SAMPLE_RING); with
 * HP_SAMPLE_SAME, no process was made since its last sample. The CPU is the
 * rate since the last sample of the same process, or since it started
 * for its first. -1: it is gone (its exit is on its way), or this system
 * cannot tell.
 */
int
hp_metrics_sample(struct hp_super *s, struct hp_proc *p, long long now,
    int how)
{
	struct hp_metrics *m;
	struct tally t;
	long hz = sysconf(_SC_CLK_TCK);
	long long since;
	unsigned long long d;
	int slow, wide;

	if (p->id.pid <= 0)
		return -1;
	m = metrics(s, p);
	slow = m->turn == 0 || (m->turn + m->stagger) % SLOW == 0;
	wide = m->turn % WIDE == 0;
	if (walk(s, p, m, &t, wide, slow, wide || !(how & HP_SAMPLE_SAME)) ==
	    -1) {
		unkeep(m);
		return -1;
	}
	remember(m, &t);
	since = m->at > 0 ? now - m->at : now - p->started;
	m->last.wall = hp_wall_ms();
	/*
	 * CPU comes in clock ticks (10 ms at 100 Hz): a rate over less
	 * than five of them is noise (the sampler's pass just after a
	 * limit's own sample read a spinner at 0 %). The last rate stays,
	 * and the next sample counts from the same point (m->at).
	 */
	if (m->at == 0 || hz <= 0 || since * hz >= 5000) {
		/* Less than before: a part of the tree left (an orphan). */
		d = t.ticks >= m->ticks ? t.ticks - m->ticks : 0;
		m->last.cpu = hz > 0 && since > 0 ? (unsigned)((double)d *
		    1e7 / (double)hz / (double)since + 0.5) : 0;
		m->ticks = t.ticks;
		m->at = now;
	}
	m->last.rss = (unsigned)(t.rss / 1024);
	if (slow) {
		m->last.pss = t.pss > 0 ? (unsigned)(t.pss / 1024) : 0;
		m->last.fds = t.fds;
	} else if (m->turn == 0)
		m->last.fds = -1;
	m->last.threads = t.threads;
	m->last.nproc = t.n;
	m->turn++;
	if (how & HP_SAMPLE_RING) {
		m->ring[m->head] = m->last;
		m->head = (m->head + 1) % HP_RING;
		if (m->n < HP_RING)
			m->n++;
	}
	return 0;
}

/* The latest sample of p's process as it runs now, or NULL. */
const struct hp_sample *
hp_metrics_last(const struct hp_proc *p)
{
	const struct hp_metrics *m = p->m;

	return m != NULL && m->at > 0 && m->pid == p->id.pid &&
	    m->start == p->id.start ? &m->last : NULL;
}

/* Its figures into in: a sample taken now if none is fresh. */
void
hp_metrics_info(struct hp_super *s, struct hp_proc *p, struct hp_info *in,
    int history)
{
	const struct hp_metrics *m;
	const struct hp_sample *sm;
	long long now = hp_mono_ms(), up;
	long hz = sysconf(_SC_CLK_TCK);
	int i;

	if (in->running && ((sm = hp_metrics_last(p)) == NULL ||
	    s->minterval <= 0 || now - p->m->at > 2 * s->minterval))
		(void)hp_metrics_sample(s, p, now, 0);
	m = p->m;
	if (in->running && (sm = hp_metrics_last(p)) != NULL) {
		in->cpu = sm->cpu / 100.0;
		in->rss = (long long)sm->rss * 1024;
		in->pss = sm->pss > 0 ? (long long)sm->pss * 1024 : -1;
		in->threads = sm->threads;
		in->fds = sm->fds;
		in->sampled = sm->wall;
		in->tree[0] = p->id.pid;
		for (i = 0; i < m->nkid && i + 1 < HP_TREE_MAX; i++)
			in->tree[i + 1] = m->kid[i].pid;
		in->ntree = i + 1;
		if (hz > 0) {
			in->cpu_time = (double)m->ticks / (double)hz;
			up = m->at - p->started;
			in->cpu_avg = up > 0 ? in->cpu_time * 100000.0 /
			    (double)up : 0;
		}
	} else if (in->running)
		in->running = 0;	/* gone: its exit is on its way */
	if (!history)
		return;
	in->nhist = 0;
	for (i = 0; m != NULL && i < m->n; i++)
		in->hist[in->nhist++] = m->ring[(m->head - m->n + i +
		    HP_RING) % HP_RING];
}

/* The process ended: its descriptors go; its ring stays, for its name. */
void
hp_metrics_ended(struct hp_proc *p)
{
	if (p->m != NULL)
		unkeep(p->m);
}

void
hp_metrics_free(struct hp_proc *p)
{
	if (p->m == NULL)
		return;
	unkeep(p->m);
	free(p->m->kid);
	free(p->m);
	p->m = NULL;
}

static int
sampled(const struct hp_proc *p)
{
	return p->id.pid > 0 && (p->state == HP_ST_STARTING ||
	    p->state == HP_ST_RUNNING || p->state == HP_ST_STOPPING);
}

/* process:metrics, to those who asked for it (hp(7), subscribe). */
static void
tell(struct hp_super *s, struct hp_proc *p)
{
	struct hp_info in;
	struct hp_json *j;

	memset(&in, 0, sizeof in);
	in.running = 1;
	in.nhist = -1;
	hp_metrics_info(s, p, &in, 0);
	s->jb.len = 0;
	hp_json_init(&s->j, &s->jb);
	hp_event_begin_to(&s->ev, &s->j, "process:metrics");
	j = &s->j;
	hp_json_kstr(j, "name", p->spec.name);
	hp_json_kstr(j, "type", hp_type_name(p->spec.type));
	hp_json_kint(j, "pid", (long long)p->id.pid);
	hp_json_key(j, "cpu_percent");
	hp_json_num(j, in.cpu);
	hp_json_key(j, "cpu_avg_percent");
	hp_json_num(j, in.cpu_avg);
	hp_json_key(j, "cpu_seconds");
	hp_json_num(j, in.cpu_time);
	hp_json_kint(j, "rss_bytes", in.rss);
	hp_json_key(j, "pss_bytes");
	if (in.pss >= 0)
		hp_json_int(j, in.pss);
	else
		hp_json_null(j);
	hp_json_kint(j, "threads", in.threads);
	hp_json_key(j, "fds");
	if (in.fds >= 0)
		hp_json_int(j, in.fds);
	else
		hp_json_null(j);
	hp_json_kint(j, "processes", in.ntree);
	hp_event_publish_to(&s->ev, &s->j, HP_WANT_METRICS);
}

/*
 * The pass of the schedule, when it is due: every process that runs is
 * sampled into its ring, and said to those who want process:metrics.
 * p->sample_at is then the next sample of each (slimit.c samples one
 * with limits sooner, when its limit-interval is shorter).
 */
void
hp_metrics_tick(struct hp_super *s, long long now)
{
	struct hp_proc *p;
	int i, tellall, how = HP_SAMPLE_RING;
	long last;

	if (s->minterval <= 0 || now < s->mtick)
		return;
	if ((last = hp_proc_lastpid()) != -1 && last == s->mlastpid)
		how |= HP_SAMPLE_SAME;
	s->mlastpid = last;
	s->mtick += s->minterval;
	if (s->mtick <= now)
		s->mtick = now + s->minterval;
	tellall = hp_events_wanted(&s->ev, HP_WANT_METRICS);
	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (!sampled(p) || hp_metrics_sample(s, p, now, how) == -1)
			continue;
		hp_slimit_check(s, p, now);
		if (tellall && hp_metrics_last(p) != NULL)
			tell(s, p);
	}
}

/* When the next pass is due: mono ms, or -1 (no schedule). */
long long
hp_metrics_next(const struct hp_super *s)
{
	return s->minterval > 0 ? s->mtick : -1;
}

/* metrics-interval, from now on (0: no schedule). */
void
hp_metrics_interval(struct hp_super *s, long long ms)
{
	if (ms == s->minterval)
		return;
	s->minterval = ms;
	s->mtick = hp_mono_ms() + ms;
}

/* One sample as a line of numbers, and back. */
static void
putsample(struct hp_howr *w, const char *key, const struct hp_sample *x)
{
	char v[160];

	snprintf(v, sizeof v, "%lld %u %u %u %d %d %d", x->wall, x->cpu,
	    x->rss, x->pss, x->threads, x->fds, x->nproc);
	hp_ho_putstr(w, key, v);
}

static void
getsample(const char *v, struct hp_sample *x)
{
	if (v == NULL || sscanf(v, "%lld %u %u %u %d %d %d", &x->wall,
	    &x->cpu, &x->rss, &x->pss, &x->threads, &x->fds, &x->nproc) != 7)
		memset(x, 0, sizeof *x);
}

/* Its samples, for an upgrade: the ring, oldest first, and the last. */
void
hp_metrics_handover(struct hp_howr *w, const struct hp_proc *p)
{
	const struct hp_metrics *m = p->m;
	char v[64];
	int i;

	if (m == NULL)
		return;
	hp_ho_putint(w, "m-pid", (long long)m->pid);
	hp_ho_putint(w, "m-start", (long long)m->start);
	snprintf(v, sizeof v, "%llu %llu", m->ticks, m->stir);
	hp_ho_putstr(w, "m-ticks", v);
	hp_ho_putint(w, "m-at", m->at);
	hp_ho_putint(w, "m-turn", m->turn);
	hp_ho_putint(w, "m-stagger", m->stagger);
	putsample(w, "m-last", &m->last);
	for (i = 0; i < m->n; i++)
		putsample(w, "m-ring", &m->ring[(m->head - m->n + i + HP_RING) %
		    HP_RING]);
	for (i = 0; i < m->nkid; i++) {
		snprintf(v, sizeof v, "%ld %llu", (long)m->kid[i].pid,
		    m->kid[i].start);
		hp_ho_putstr(w, "m-kid", v);
	}
}

int
hp_metrics_takeover(struct hp_proc *p, const struct hp_hosec *sec)
{
	struct hp_metrics *m;
	long pid;
	int i;

	if (hp_ho_get(sec, "m-pid", NULL) == NULL)
		return 0;
	m = p->m = hp_xcalloc(1, sizeof *m);
	m->statfd = m->kidsfd = -1;
	m->pid = (pid_t)hp_ho_int(sec, "m-pid", 0);
	m->start = (unsigned long long)hp_ho_int(sec, "m-start", 0);
	if (sscanf(hp_ho_str(sec, "m-ticks", ""), "%llu %llu", &m->ticks,
	    &m->stir) != 2)
		m->ticks = m->stir = 0;
	m->at = hp_ho_int(sec, "m-at", 0);
	m->turn = (int)hp_ho_int(sec, "m-turn", 0);
	m->stagger = (int)hp_ho_int(sec, "m-stagger", 0);
	getsample(hp_ho_get(sec, "m-last", NULL), &m->last);
	for (i = 0; i < sec->n; i++) {
		if (strcmp(sec->r[i].key, "m-ring") == 0) {
			getsample(sec->r[i].val, &m->ring[m->head]);
			m->head = (m->head + 1) % HP_RING;
			if (m->n < HP_RING)
				m->n++;
		} else if (strcmp(sec->r[i].key, "m-kid") == 0) {
			m->kid = hp_xrealloc(m->kid, (size_t)(m->nkid + 1) *
			    sizeof *m->kid);
			if (sscanf(sec->r[i].val, "%ld %llu", &pid,
			    &m->kid[m->nkid].start) == 2) {
				m->kid[m->nkid].pid = (pid_t)pid;
				m->nkid++;
			}
		}
	}
	return 0;
}
