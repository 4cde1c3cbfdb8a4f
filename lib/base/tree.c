/* hp: see LICENSE. */
/* tree.c: a process and everything it started, wherever it went since. */

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

/*
 * A process's tree is what it started and what those started, whatever
 * became of their process group or session: a worker that called setsid
 * or setpgid, a daemon that forked twice and whose middle process is
 * gone. Where the system has a sure way (a cgroup of its own: cgroup.c)
 * the tree is the cgroup's members. Elsewhere it is found by ancestry:
 * the leader's session and process group, what the caller saw of the tree
 * before (known: a sampler remembers descendants between its looks), and
 * every descendant of those by parent pid. What ancestry cannot find is
 * an orphan whose parent died before anyone looked: hp(7) says so.
 */

#define SCAN_AGE	5	/* ms a look at every process is good for */

/* Every process as it was at one moment: pid, parent, group, session. */
static struct {
	pid_t		*pid;
	struct hp_pstat	*ps;
	char		*mark;
	int		 n, cap;
	long long	 at;
} snap;

/* Two pids in order, for qsort() and bsearch(). */
int
hp_pid_order(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/* Room for n pids in the look, at least. */
static void
room(int n)
{
	if (n <= snap.cap)
		return;
	snap.cap = n > snap.cap * 2 ? n : snap.cap * 2;
	snap.pid = hp_xrealloc(snap.pid, (size_t)snap.cap * sizeof *snap.pid);
	snap.ps = hp_xrealloc(snap.ps, (size_t)snap.cap * sizeof *snap.ps);
	snap.mark = hp_xrealloc(snap.mark, (size_t)snap.cap);
}

/* Every process there is: how many pids in snap.pid, -1 none. */
static int
everyone(void)
{
	int n;

	room(1024);
	while ((n = hp_proc_all(snap.pid, snap.cap)) == snap.cap)
		room(snap.cap * 2);
	return n;
}

/*
 * The children of pid, after the n pids of snap.pid: how many now; -1
 * they cannot be read (pid gone: none).
 */
static int
children(pid_t pid, int threads, int n)
{
	int c;

	room(n + 256);
	while ((c = hp_proc_children(pid, threads, snap.pid + n,
	    snap.cap - n)) == snap.cap - n)
		room(snap.cap * 2);
	if (c == -1)
		return errno == ENOENT || errno == ESRCH ? n : -1;
	return n + c;
}

/*
 * What is below us but for the trees that t->others lead: our children,
 * then theirs, a generation at a time. -1: the children of one of them
 * cannot be told (then every process is looked at).
 */
static int
below(const struct hp_tree *t)
{
	struct hp_pstat ps;
	int i, k, n;

	room(1024);
	while ((n = hp_proc_children(getpid(), 1, snap.pid, snap.cap)) ==
	    snap.cap)
		room(snap.cap * 2);
	if (n == -1)
		return -1;
	for (i = k = 0; i < n; i++)
		if (bsearch(&snap.pid[i], t->others, (size_t)t->nothers,
		    sizeof *t->others, hp_pid_order) == NULL)
			snap.pid[k++] = snap.pid[i];
	for (i = 0, n = k; i < n; i++)
		if (hp_pstat(snap.pid[i], &ps) == 0 &&
		    (n = children(snap.pid[i], ps.threads, n)) == -1)
			return -1;
	return n;
}

/*
 * A look at every process, or, for a tree below us, at what is below
 * us; a look at every process is good for SCAN_AGE ms.
 */
static int
scan(const struct hp_tree *t)
{
	long long now = hp_mono_ms();
	int n = -1, i, k;

	if (!t->below && snap.at != 0 && now - snap.at < SCAN_AGE)
		return 0;
	if ((!t->below || (n = below(t)) == -1) && (n = everyone()) == -1)
		return -1;
	/* In order of pid, for parents to be looked up. */
	qsort(snap.pid, (size_t)n, sizeof *snap.pid, hp_pid_order);
	for (i = k = 0; i < n; i++)
		if (hp_pstat(snap.pid[i], &snap.ps[k]) == 0)
			snap.pid[k++] = snap.pid[i];
	snap.n = k;
	/* What is below us is no look at every process. */
	snap.at = t->below ? 0 : now;
	return 0;
}

/* The index of pid in the last look, or -1. */
static int
indexof(pid_t pid)
{
	int lo = 0, hi = snap.n - 1, mid;

	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if (snap.pid[mid] == pid)
			return mid;
		if (snap.pid[mid] < pid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Forget the last look: what comes next must see processes as they are. */
void
hp_tree_forget(void)
{
	snap.at = 0;
}

static void
add(struct hp_kin *out, int *n, int max, pid_t pid, unsigned long long start)
{
	int i;

	for (i = 0; i < *n; i++)
		if (out[i].pid == pid)
			return;
	if (*n < max) {
		out[*n].pid = pid;
		out[*n].start = start;
		(*n)++;
	}
}

/* By ancestry over one look at every process; zombies are no members. */
static int
byscan(const struct hp_tree *t, struct hp_kin *out, int max)
{
	pid_t self = getpid();
	int i, k, more, n = 0;

	if (t->leader <= 1 && t->nknown == 0)
		return 0;
	if (scan(t) == -1)
		return -1;
	for (i = 0; i < snap.n; i++) {
		const struct hp_pstat *ps = &snap.ps[i];

		snap.mark[i] = snap.pid[i] > 1 &&
		    t->leader > 1 && (snap.pid[i] == t->leader ||
		    ps->sid == t->leader || ps->pgid == t->leader);
		for (k = 0; !snap.mark[i] && k < t->nknown; k++)
			snap.mark[i] = t->known[k].pid == snap.pid[i] &&
			    t->known[k].start == ps->start;
	}
	/* Then their descendants, a generation a pass. */
	do {
		more = 0;
		for (i = 0; i < snap.n; i++) {
			if (snap.mark[i])
				continue;
			if ((k = indexof(snap.ps[i].ppid)) != -1 &&
			    snap.mark[k])
				snap.mark[i] = more = 1;
		}
	} while (more);
	/*
	 * We are never a member, but what we made is, when we are of the
	 * tree (a process that stops its own: its children too).
	 */
	if ((k = indexof(self)) != -1)
		snap.mark[k] = 0;
	for (i = 0; i < snap.n; i++)
		if (snap.mark[i] && snap.ps[i].state != 'Z')
			add(out, &n, max, snap.pid[i], snap.ps[i].start);
	return n;
}

/* Descendants of the leader and of the known by parent pid only: cheap. */
static int
bywalk(const struct hp_tree *t, struct hp_kin *out, int max)
{
	struct hp_pstat ps;
	pid_t kids[256];
	int i, k, c, n = 0;

	if (t->leader > 1 && hp_pstat(t->leader, &ps) == 0 && ps.state != 'Z')
		add(out, &n, max, t->leader, ps.start);
	for (k = 0; k < t->nknown; k++)
		if (hp_pstat(t->known[k].pid, &ps) == 0 &&
		    ps.start == t->known[k].start && ps.state != 'Z')
			add(out, &n, max, t->known[k].pid, ps.start);
	for (i = 0; i < n; i++) {
		if (hp_pstat(out[i].pid, &ps) == -1)
			continue;
		c = hp_proc_children(out[i].pid, ps.threads, kids, 256);
		for (k = 0; k < c; k++)
			if (hp_pstat(kids[k], &ps) == 0 && ps.state != 'Z')
				add(out, &n, max, kids[k], ps.start);
	}
	return n;
}

/*
 * The members of t now, its leader among them while it lives: how many
 * (at most max). With a cgroup, its members; else by ancestry, with
 * every process looked at (its session and group too) when all is 1.
 * -1 ENOSYS: this system cannot tell (only the group can be signalled).
 */
int
hp_tree_list(const struct hp_tree *t, struct hp_kin *out, int max, int all)
{
	pid_t pids[1024];
	struct hp_pstat ps;
	int i, n, k = 0;

	if (t->cg != NULL) {
		if ((n = hp_cgroup_procs(t->cg, pids, 1024)) == -1)
			return -1;
		for (i = 0; i < n; i++)
			if (hp_pstat(pids[i], &ps) == 0 && ps.state != 'Z')
				add(out, &k, max, pids[i], ps.start);
			else if (errno == ENOSYS)
				add(out, &k, max, pids[i], 0);
		return k;
	}
	return all ? byscan(t, out, max) : bywalk(t, out, max);
}

#define MEMBERS	4096

/* sig to pid (a group: -pgid), and SIGCONT after it when cont. */
static int
give(pid_t pid, int sig, int cont)
{
	if (kill(pid, sig) == -1)
		return -1;
	if (cont)
		(void)kill(pid, SIGCONT);
	return 0;
}

/*
 * sig to t's process group, then to every member of t outside it (a
 * signal comes once), each member read told to seen (when not NULL):
 * how many members have it. sig | HP_SIG_CONT: SIGCONT after it, to
 * each, in the same pass. A cgroup's members are read once each. By
 * ancestry the members are found before the group has the signal: a
 * member killed first would hand its children to us (or to init) while
 * the look runs, and a child in a session of its own, found only as its
 * descendant, would be lost. For SIGKILL, or a signal SIGCONT follows,
 * the group is stopped (SIGSTOP) while it is looked at afresh, so that
 * none of the group can fork such a child meanwhile (members outside it
 * can); not a group we are in ourselves, which would stop us too, and
 * SIGCONT follows even where the signal fails. A member is signalled
 * only as the process the look found (its start time).
 */
int
hp_tree_signal_each(const struct hp_tree *t, int sig, void (*seen)(void *,
    pid_t, const struct hp_pstat *), void *arg)
{
	struct hp_kin *m = NULL;
	struct hp_pstat ps;
	pid_t pids[1024];
	int i, n = 0, k = 0, g = 0, held = 0;
	int cont = (sig & HP_SIG_CONT) != 0;

	sig &= ~HP_SIG_CONT;
	if (t->cg == NULL) {
		if (t->leader > 1 && t->leader != getpgrp() &&
		    (sig == SIGKILL || cont) &&
		    kill(-t->leader, SIGSTOP) == 0) {
			held = 1;
			hp_tree_forget();	/* a look from before: not it */
		}
		m = hp_xmalloc(MEMBERS * sizeof *m);
		n = hp_tree_list(t, m, MEMBERS, 1);
	}
	if (t->leader > 1) {
		g = give(-t->leader, sig, cont) == 0;
		if (held && !g)
			(void)kill(-t->leader, SIGCONT);
	}
	if (t->cg != NULL) {
		if ((n = hp_cgroup_procs(t->cg, pids, 1024)) == -1)
			return -1;
		for (i = 0; i < n; i++) {
			if (hp_pstat(pids[i], &ps) == 0) {
				if (ps.state == 'Z')
					continue;
				if (seen != NULL)
					seen(arg, pids[i], &ps);
				if (g && ps.pgid == t->leader) {
					k++;
					continue;
				}
			} else if (errno != ENOSYS)
				continue;	/* gone */
			k += give(pids[i], sig, cont) == 0;
		}
		return k;
	}
	for (i = 0; i < n; i++) {
		if (hp_pstat(m[i].pid, &ps) == 0) {
			if (ps.start != m[i].start)
				continue;	/* another process now */
			if (seen != NULL)
				seen(arg, m[i].pid, &ps);
			if (g && ps.pgid == t->leader) {
				k++;
				continue;
			}
		} else if (errno != ENOSYS)
			continue;	/* gone */
		k += give(m[i].pid, sig, cont) == 0;
	}
	free(m);
	return n == -1 ? -1 : k;
}

/* sig to every member of t and to its process group: how many members. */
int
hp_tree_signal(const struct hp_tree *t, int sig)
{
	return hp_tree_signal_each(t, sig, NULL, NULL);
}

/*
 * SIGKILL to the whole of t. A cgroup is killed at once by the kernel,
 * so that nothing in it can fork away meanwhile; by ancestry, each
 * member found, again while new ones turn up (a fork at the moment of
 * the signal), a few times at most.
 */
int
hp_tree_kill(const struct hp_tree *t)
{
	int i, n;

	if (t->cg != NULL) {
		if (t->leader > 1)
			(void)kill(-t->leader, SIGKILL);
		if (hp_cgroup_kill(t->cg) == 0) {
			/* It passes over one whose first thread has ended. */
			(void)hp_tree_signal(t, SIGKILL);
			return 0;
		}
	}
	for (i = 0; i < 4; i++) {
		hp_tree_forget();
		if ((n = hp_tree_signal(t, SIGKILL)) <= 0)
			return n;
	}
	return 0;
}

/* "sleep (4321), node (4400)": the members in m, for a message. */
void
hp_tree_names(const struct hp_kin *m, int n, char *out, size_t size)
{
	char name[32];
	size_t len = 0;
	int i, r;

	out[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		if (hp_proc_comm(m[i].pid, name, sizeof name) == -1)
			hp_copy(name, sizeof name, "?");
		r = snprintf(out + len, size - len, "%s%s (%ld)", i ? ", " :
		    "", name, (long)m[i].pid);
		if (r < 0 || (size_t)r >= size - len) {
			/* Cut short: say so rather than half a name. */
			if (size > 4)
				memcpy(out + (len < size - 4 ? len : size - 4),
				    "...", 4);
			return;
		}
		len += (size_t)r;
	}
}

/*
 * A group of ours whose maker is gone (hp-PID.NS, NS its PID namespace):
 * its empty groups go. A maker in another namespace cannot be told by
 * its pid, and is left alone; hp-PID, of a build before the namespace,
 * by its pid alone.
 */
static void
stale(const char *base)
{
	unsigned long long ns = hp_pidns();
	char dir[HP_PATH_MAX];
	struct dirent *d;
	DIR *b;
	long pid;
	char *end;

	if ((b = opendir(base)) == NULL)
		return;
	while ((d = readdir(b)) != NULL) {
		if (strncmp(d->d_name, "hp-", 3) != 0)
			continue;
		pid = strtol(d->d_name + 3, &end, 10);
		if (*end == '.' && (!isdigit((unsigned char)end[1]) ||
		    strtoull(end + 1, &end, 10) != ns))
			continue;
		if (pid <= 1 || (*end != '\0' && *end != '-') ||
		    pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH || hp_path(dir, sizeof dir, "%s/%s", base,
		    d->d_name) == -1)
			continue;
		hp_cgroup_unmine(dir);
	}
	closedir(b);
}

/*
 * A cgroup of ours to make groups in, base/hp-PID.NS, its base our own
 * group where we may write it; HP_CGROUP=DIR names the base instead,
 * and HP_CGROUP=off says none. Empty ones of makers that are gone are
 * removed on the way. -1: none (EINVAL: HP_CGROUP names no such base).
 */
int
hp_cgroup_mine(char *out, size_t n)
{
	char base[HP_PATH_MAX], me[64];
	const char *e = getenv("HP_CGROUP");
	int i, r;

	if (e != NULL && strcmp(e, "off") == 0)
		return errno = ENOSYS, -1;
	if (e != NULL && *e != '\0') {
		if (*e != '/' || hp_copy(base, sizeof base, e) == -1 ||
		    access(base, W_OK) == -1)
			return errno = EINVAL, -1;
	} else if (hp_cgroup_base(base, sizeof base) == -1)
		return -1;
	stale(base);
	snprintf(me, sizeof me, "hp-%ld.%llu", (long)getpid(), hp_pidns());
	for (i = 1; i < 100; i++) {
		r = i == 1 ? hp_path(out, n, "%s/%s", base, me) :
		    hp_path(out, n, "%s/%s-%d", base, me, i);
		if (r == -1)
			return -1;
		if (mkdir(out, 0755) == 0) {
			hp_cgroup_forktest(out);
			return 0;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/* Our groups in dir (p-NAME), then dir itself, if they are empty. */
void
hp_cgroup_unmine(const char *dir)
{
	char sub[HP_PATH_MAX];
	struct dirent *e;
	DIR *g;

	if ((g = opendir(dir)) != NULL) {
		while ((e = readdir(g)) != NULL)
			if (strncmp(e->d_name, "p-", 2) == 0 &&
			    hp_path(sub, sizeof sub, "%s/%s", dir,
			    e->d_name) == 0)
				(void)hp_cgroup_remove(sub);
		closedir(g);
	}
	(void)hp_cgroup_remove(dir);
}
