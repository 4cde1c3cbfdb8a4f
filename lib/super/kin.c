/* hp: see LICENSE. */
/* kin.c: a supervised process's whole tree: its cgroup, or what was seen. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"

/*
 * A stop ends a process's whole tree (tree.c). Where a cgroup tree is
 * ours to write, each process runs in a group of its own, base/p-NAME,
 * base being hp-PID.NS in the supervisor's own group: the kernel keeps
 * the tree there, and kills it at once. Elsewhere, or with
 * HP_CGROUP=off, the tree is found by ancestry, and what ancestry alone
 * would lose is remembered here: a descendant the sampler saw outside
 * the process group (setsid, setpgid), which stays known after its
 * parent dies and it comes to us as an orphan. Both are in the status
 * (cgroup, descendants), for the next supervisor and for a stop without
 * one.
 */

#define KIN_MAX		64	/* descendants remembered, a process */
#define MEMBERS		1024	/* members of a tree looked at, at most */

static int warned;

/*
 * Our cgroups, base/hp-PID.NS (tree.c): HP_CGROUP=off says no (ancestry
 * alone), HP_CGROUP=DIR gives the base; else our own group, if it is
 * ours to write. Any failure leaves us with ancestry.
 */
void
hp_kin_setup(struct hp_super *s)
{
	char dir[HP_PATH_MAX];

	if (hp_cgroup_mine(dir, sizeof dir) == 0)
		s->cgbase = hp_xstrdup(dir);
	else if (errno == EINVAL)
		hp_warnx("HP_CGROUP=%s: not a cgroup we may write: processes "
		    "are found by ancestry", getenv("HP_CGROUP"));
}

/*
 * A group of p's that is done with: it goes, and its base if empty and
 * not ours (an earlier supervisor's): ours stays for the next start.
 */
static void
drop(const struct hp_super *s, char *cg)
{
	char *slash;

	if (hp_cgroup_remove(cg) == 0 && (slash = strrchr(cg, '/')) != NULL) {
		*slash = '\0';
		if (s->cgbase == NULL || strcmp(cg, s->cgbase) != 0)
			(void)hp_cgroup_remove(cg);
	}
	free(cg);
}

void
hp_kin_cleanup(struct hp_super *s)
{
	int i;

	for (i = 0; i < s->nproc; i++)
		if (s->procs[i]->cg != NULL) {
			drop(s, s->procs[i]->cg);
			s->procs[i]->cg = NULL;
			s->procs[i]->cgnew = 0;
		}
	if (s->cgbase != NULL)
		hp_cgroup_unmine(s->cgbase);
	free(s->cgbase);
	s->cgbase = NULL;
}

/* A reload: the run, and its tree, go from one record to the other. */
void
hp_kin_move(struct hp_super *s, struct hp_proc *to, struct hp_proc *from)
{
	if (to->cg != NULL)
		drop(s, to->cg);
	free(to->kin);
	to->cg = from->cg;
	to->cgnew = from->cgnew;
	to->kin = from->kin;
	to->nkin = from->nkin;
	from->cg = NULL;
	from->cgnew = 0;
	from->kin = NULL;
	from->nkin = 0;
}

/* A new run: what was seen of the last one is over. */
void
hp_kin_over(struct hp_super *s, struct hp_proc *p)
{
	(void)s;
	free(p->kin);
	p->kin = NULL;
	p->nkin = 0;
}

/*
 * Before p's spawn: its cgroup made, and its directory open for the
 * child to be made in, or to join when *move says so (hp_spawn's cgfd
 * and cgmove); -1: none, by ancestry.
 *
 * Some kernels (6.18 among them) kill at once a child made in a group
 * that was ever killed by its cgroup.kill. So a group whose history we
 * do not know (an earlier supervisor's, or a first run's) or that we
 * killed is made anew where it is empty; one still in use is joined.
 */
int
hp_kin_join(struct hp_super *s, struct hp_proc *p, int *move)
{
	char dir[HP_PATH_MAX], file[HP_PATH_MAX];
	int made;

	*move = 1;
	if (p->cg == NULL)
		p->cgnew = 0;
	hp_kin_over(s, p);
	free(p->resisted);
	p->resisted = NULL;
	if (s->cgbase == NULL || hp_cgroup_name(dir, sizeof dir, s->cgbase,
	    p->spec.name) == -1)
		return -1;
	/* A reload's new run, beside the old one: the other of two groups. */
	if (p->old != NULL && p->old->cg != NULL &&
	    strcmp(p->old->cg, dir) == 0 && hp_copy(file, sizeof file,
	    dir) == 0 && hp_path(dir, sizeof dir, "%s+", file) == -1)
		return -1;
	/* Adopted from an earlier supervisor: its group there is done. */
	if (p->cg != NULL && strcmp(p->cg, dir) != 0) {
		drop(s, p->cg);
		p->cg = NULL;
		p->cgnew = 0;
	}
	if (!p->cgnew)
		(void)hp_cgroup_remove(dir);
	if ((made = hp_cgroup_make(dir)) == -1)
		return -1;
	if (made == 0)
		p->cgnew = 1;
	if (p->cg == NULL)
		p->cg = hp_xstrdup(dir);
	*move = !p->cgnew;
	return hp_open(dir, O_RDONLY | O_DIRECTORY, 0);
}

/*
 * After it: did the child get into its group (joined: the kernel made
 * it there)? If not, ancestry.
 */
void
hp_kin_joined(struct hp_super *s, struct hp_proc *p, int fd, pid_t pid,
    int joined)
{
	char dir[HP_PATH_MAX];

	(void)s;
	if (fd != -1)
		close(fd);
	if (p->cg == NULL || pid <= 0 || joined)
		return;
	if (fd != -1 && hp_cgroup_of(pid, dir, sizeof dir) == 0 &&
	    strcmp(dir, p->cg) == 0)
		return;
	if (!warned++)
		hp_warnx("%s: not moved into %s: its tree is found by "
		    "ancestry", p->spec.name, p->cg);
	free(p->cg);
	p->cg = NULL;
	p->cgnew = 0;
}

/* Remember pid (pgid, start in ps) as one of p's. 1: it is new. */
static int
remember(struct hp_proc *p, pid_t pid, const struct hp_pstat *ps)
{
	int i;

	if (pid <= 1 || pid == p->id.pid || pid == getpid() ||
	    ps->state == 'Z' || (p->id.pid > 0 && ps->pgid == p->id.pid))
		return 0;
	for (i = 0; i < p->nkin; i++)
		if (p->kin[i].pid == pid) {
			if (p->kin[i].start == ps->start)
				return 0;
			p->kin[i].start = ps->start;	/* a reused pid */
			return 1;
		}
	if (p->nkin == KIN_MAX) {
		memmove(p->kin, p->kin + 1, (KIN_MAX - 1) * sizeof *p->kin);
		p->nkin--;
	}
	p->kin = hp_xrealloc(p->kin, (size_t)(p->nkin + 1) * sizeof *p->kin);
	p->kin[p->nkin].pid = pid;
	p->kin[p->nkin].start = ps->start;
	p->nkin++;
	return 1;
}

/*
 * The sampler saw pid in p's tree: one outside its process group is
 * remembered (and recorded), for ancestry will lose it once its parent
 * is gone. Seeing the leader, those remembered that are gone are
 * forgotten. Nothing to do where p has a cgroup: the kernel remembers.
 */
void
hp_kin_seen(struct hp_super *s, struct hp_proc *p, pid_t pid)
{
	struct hp_pstat ps;
	int i, k, changed = 0;

	if (p->cg != NULL)
		return;
	if (pid == p->id.pid) {
		for (i = k = 0; i < p->nkin; i++)
			if (hp_pstat(p->kin[i].pid, &ps) == 0 &&
			    ps.start == p->kin[i].start && ps.state != 'Z')
				p->kin[k++] = p->kin[i];
		changed = k != p->nkin;
		p->nkin = k;
	} else if (hp_pstat(pid, &ps) == 0)
		changed = remember(p, pid, &ps);
	if (changed)
		hp_sproc_status(s, p);
}

int
hp_kin_list(const struct hp_proc *p, struct hp_kin *out, int max)
{
	int i;

	for (i = 0; i < p->nkin && i < max; i++)
		out[i] = p->kin[i];
	return i;
}

/*
 * p's tree, in t. Where we are a subreaper, p has no cgroup and we
 * started its last run (a child of ours, not one an earlier supervisor
 * left, nor a main process we did not start), all of that run's tree is
 * below us, reaped or not: t looks there, past the trees our other
 * children lead, rather than at every process there is. The list of
 * those is returned, for the caller to free.
 */
static pid_t *
tree(struct hp_super *s, const struct hp_proc *p, struct hp_tree *t)
{
	pid_t *others;
	int i, n = 0;

	memset(t, 0, sizeof *t);
	/* Its group: that of its main process (MAINPID=) once told. */
	t->leader = p->group > 0 ? p->group : p->id.pid;
	t->cg = p->cg;
	t->known = p->kin;
	t->nknown = p->nkin;
	if (p->cg != NULL || !s->reaper || p->orphan || p->foster ||
	    !p->mine)
		return NULL;
	others = hp_xmalloc(((size_t)s->nproc + 1) * sizeof *others);
	for (i = 0; i < s->nproc; i++)
		if (s->procs[i] != p && s->procs[i]->id.pid > 0 &&
		    !s->procs[i]->orphan)
			others[n++] = s->procs[i]->id.pid;
	qsort(others, (size_t)n, sizeof *others, hp_pid_order);
	t->below = 1;
	t->others = others;
	t->nothers = n;
	return others;
}

/*
 * sig to every member of p's tree. By ancestry, what is found now is
 * remembered too: once the leader is gone, its children in other
 * sessions are no one's that we could tell.
 */
static void
seen(void *arg, pid_t pid, const struct hp_pstat *ps)
{
	struct hp_proc *p = arg;

	if (p->cg == NULL)
		(void)remember(p, pid, ps);
}

int
hp_kin_signal(struct hp_super *s, struct hp_proc *p, int sig)
{
	struct hp_tree t;
	pid_t *others = tree(s, p, &t);
	int n = hp_tree_signal_each(&t, sig, seen, p);

	free(others);
	if (n > 0)
		return 0;
	/* Nothing listed, but its group took it: not gone yet. */
	return t.leader > 1 && kill(-t.leader, 0) == 0 ? 0 : -1;
}

void
hp_kin_kill(struct hp_super *s, struct hp_proc *p)
{
	struct hp_tree t;
	pid_t *others = tree(s, p, &t);

	/* An empty group is not killed: it stays one to make a child in. */
	if (t.cg != NULL && hp_cgroup_populated(t.cg) == 0) {
		if (t.leader > 1)
			(void)kill(-t.leader, SIGKILL);
	} else {
		p->cgnew = 0;
		(void)hp_tree_kill(&t);
	}
	free(others);
}

/* What is still there of p's tree, as "sleep (4321), ...": how many. */
int
hp_kin_left(struct hp_super *s, struct hp_proc *p, char *names,
    size_t size)
{
	struct hp_kin *m;
	struct hp_tree t;
	pid_t *others = tree(s, p, &t);
	int n;

	if (names != NULL)
		names[0] = '\0';
	m = hp_xmalloc(MEMBERS * sizeof *m);
	if ((n = hp_tree_list(&t, m, MEMBERS, 1)) > 0 && names != NULL)
		hp_tree_names(m, n, names, size);
	free(m);
	free(others);
	return n > 0 ? n : 0;
}

/* Removed: its group goes with it. */
void
hp_kin_forget(struct hp_super *s, struct hp_proc *p)
{
	if (p->cg != NULL)
		drop(s, p->cg);
	p->cg = NULL;
	p->cgnew = 0;
	hp_kin_over(s, p);
}

void
hp_kin_status(const struct hp_proc *p, struct hp_buf *b)
{
	int i;

	if (p->cg != NULL)
		hp_kv_add(b, "cgroup", p->cg);
	if (p->nkin == 0)
		return;
	hp_buf_adds(b, "descendants =");
	for (i = 0; i < p->nkin; i++)
		hp_buf_printf(b, " %ld:%llu", (long)p->kin[i].pid,
		    p->kin[i].start);
	hp_buf_addc(b, '\n');
}

/* What an earlier supervisor recorded of p's tree. */
void
hp_kin_load(struct hp_proc *p, const struct hp_kv *kv)
{
	char cg[HP_PATH_MAX];
	struct hp_kin k[KIN_MAX];
	int n, i;

	n = hp_status_tree(kv, p->spec.name, cg, sizeof cg, k, KIN_MAX);
	if (cg[0] != '\0') {
		free(p->cg);
		p->cg = hp_xstrdup(cg);
	}
	hp_kin_over(NULL, p);
	for (i = 0; i < n; i++) {
		p->kin = hp_xrealloc(p->kin, (size_t)(p->nkin + 1) *
		    sizeof *p->kin);
		p->kin[p->nkin++] = k[i];
	}
}
