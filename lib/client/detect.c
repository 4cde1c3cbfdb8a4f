/* hp: see LICENSE. */
/* detect.c: find tools on the enhanced PATH, probe versions in a pool. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/detect.h"

static void
cand(struct hp_result *r, const char *path, const char *source,
    const char *why)
{
	r->cand = hp_xrealloc(r->cand, (size_t)(r->ncand + 1) *
	    sizeof *r->cand);
	hp_copy(r->cand[r->ncand].path, sizeof r->cand[0].path, path);
	r->cand[r->ncand].source = source;
	r->cand[r->ncand].why = why;
	r->ncand++;
}

/* Drop "." and "name/.." from an absolute path, in place. */
static void
tidy(char *p)
{
	char *r = p, *w = p;

	while (*r != '\0') {
		if (r[0] == '/' && r[1] == '.' && (r[2] == '/' || r[2] == '\0'))
			r += 2;
		else if (r[0] == '/' && r[1] == '.' && r[2] == '.' &&
		    (r[3] == '/' || r[3] == '\0')) {
			while (w > p && *--w != '/')
				;
			r += 3;
		} else if (r[0] == '/' && r[1] == '/')
			r++;
		else
			*w++ = *r++;
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
}

/*
 * path with its symbolic links followed, in real; realpath(3) is XSI.
 * The directories on the way are taken as they are.
 */
static void
resolve(const char *path, char *real, size_t n)
{
	char link[HP_PATH_MAX], cur[HP_PATH_MAX], tmp[HP_PATH_MAX], *slash;
	ssize_t k;
	int i;

	hp_copy(cur, sizeof cur, path);
	for (i = 0; i < 40; i++) {
		if ((k = readlink(cur, link, sizeof link - 1)) <= 0)
			break;
		link[k] = '\0';
		if (link[0] == '/')
			hp_copy(cur, sizeof cur, link);
		else if ((slash = strrchr(cur, '/')) != NULL) {
			slash[1] = '\0';
			if (hp_path(tmp, sizeof tmp, "%s%s", cur, link) == -1)
				break;
			hp_copy(cur, sizeof cur, tmp);
		}
		tidy(cur);
	}
	hp_copy(real, n, cur);
}

static void
look(struct hp_result *r, const char *dir, const char *name,
    const char *source, int all)
{
	char path[HP_PATH_MAX];
	struct stat sb, sel;

	if (hp_path(path, sizeof path, "%s/%s", dir, name) == -1 ||
	    stat(path, &sb) == -1)
		return;
	if (!S_ISREG(sb.st_mode)) {
		if (all)
			cand(r, path, source, "not a regular file");
		return;
	}
	if (access(path, X_OK) == -1) {
		if (all)
			cand(r, path, source, "not executable");
		return;
	}
	if (r->installed) {
		if (all)
			cand(r, path, source, stat(r->path, &sel) == 0 &&
			    sel.st_dev == sb.st_dev && sel.st_ino == sb.st_ino ?
			    "same file as the selected one" :
			    "shadowed by the selected one");
		return;
	}
	r->installed = 1;
	hp_copy(r->path, sizeof r->path, path);
	resolve(path, r->real, sizeof r->real);
	r->source = source;
	r->size = (long long)sb.st_size;
	r->mtime_ns = (long long)sb.st_mtime * 1000000000LL +
	    sb.st_mtim.tv_nsec;
	if (all)
		cand(r, path, source, "selected");
}

/* A tool's own directory that is on the search path already. */
static int
searched(const struct hp_envpath *ep, const char *dir)
{
	int i;

	for (i = 0; i < ep->n; i++)
		if (strcmp(ep->d[i].dir, dir) == 0)
			return 1;
	return 0;
}

/*
 * Where t is: each command name in turn, in each directory of ep, then in
 * the tool's own directories; the first executable regular file wins, as
 * in the shell. all: keep every candidate, with the reason.
 */
void
hp_detect_find(struct hp_result *r, const struct hp_tool *t,
    const struct hp_envpath *ep, int all)
{
	struct hp_envpath own = { 0 };
	int c, i;

	memset(r, 0, sizeof *r);
	r->tool = t;
	r->fd = -1;
	for (i = 0; i < t->ndirs; i++)
		hp_envpath_add(&own, t->dirs[i], strstr(t->dirs[i], ".app/") ?
		    "app-bundle" : "static");
	for (c = 0; c < t->ncmd && (all || !r->installed); c++) {
		for (i = 0; i < ep->n && (all || !r->installed); i++)
			look(r, ep->d[i].dir, t->cmd[c], ep->d[i].source, all);
		for (i = 0; i < own.n && (all || !r->installed); i++)
			if (!searched(ep, own.d[i].dir))
				look(r, own.d[i].dir, t->cmd[c],
				    own.d[i].source, all);
	}
	hp_envpath_free(&own);
}

/*
 * The probe's cgroup, base/p-ID, open, or -1; *move: it was there
 * already, so the probe moves itself in (some kernels kill at birth a
 * process made in a group that cgroup.kill once killed).
 */
static int
cgroup(struct hp_detect *d, struct hp_result *r, int *move)
{
	char dir[HP_PATH_MAX];

	if (d->cgbase == NULL || hp_cgroup_name(dir, sizeof dir, d->cgbase,
	    r->tool->id) == -1 || (*move = hp_cgroup_make(dir)) == -1)
		return -1;
	r->cg = hp_xstrdup(dir);
	return hp_open(dir, O_RDONLY | O_DIRECTORY, 0);
}

static void
start(struct hp_detect *d, struct hp_result *r, char **envp)
{
	int cg, e, move = 1;

	r->start = hp_mono_ms();
	r->deadline = r->start + d->timeout;
	r->state = 1;
	cg = cgroup(d, r, &move);
	r->pid = hp_probe_start(r->tool, r->path, envp, cg, move, &r->fd);
	e = errno;
	if (cg != -1)
		close(cg);
	if (r->pid == -1) {
		snprintf(r->error, sizeof r->error, "probe: %s", strerror(e));
		r->fd = -1;
		r->state = 2;
	}
}

/* The worker's answer, if it is there; its end. */
static void
drain(struct hp_result *r)
{
	int k;

	if (r->fd == -1 || (k = hp_probe_read(r->fd, &r->ans)) == -1)
		return;
	r->answered = k;
	close(r->fd);
	r->fd = -1;
}

/*
 * What a probe left: its tree (tree.c: its cgroup, else its session and
 * group), and, without a cgroup but as a subreaper, children of ours
 * that no probe is: orphans of some probe's, put down to the first one
 * to end after they came. At most max, into m: how many.
 */
static int
leftovers(struct hp_detect *d, struct hp_result *r, struct hp_kin *m,
    int max)
{
	struct hp_tree t;
	struct hp_pstat ps;
	pid_t kids[64];
	int n, k, i, c;

	memset(&t, 0, sizeof t);
	t.leader = r->pid;
	t.cg = r->cg;
	/* Without a cgroup, every process is looked at only for a group. */
	n = 0;
	if (t.cg != NULL || kill(-r->pid, 0) == 0) {
		hp_tree_forget();
		if ((n = hp_tree_list(&t, m, max, 1)) < 0)
			n = 0;
	}
	/* A cgroup says exactly whose; orphans of ours say it roughly. */
	if (!d->reaper || t.cg != NULL ||
	    (c = hp_proc_children(getpid(), 1, kids, 64)) <= 0)
		return n;
	for (k = 0; k < c && n < max; k++) {
		for (i = 0; i < n; i++)
			if (m[i].pid == kids[k])
				break;
		if (i < n)
			continue;	/* in its cgroup too */
		if (kids[k] == r->pid || hp_pstat(kids[k], &ps) == -1 ||
		    ps.state == 'Z')
			continue;
		/* A probe, or in the group or session of another one. */
		for (i = 0; i < d->n; i++)
			if (&d->r[i] != r && d->r[i].pid > 0 &&
			    (d->r[i].pid == kids[k] || d->r[i].pid == ps.pgid ||
			    d->r[i].pid == ps.sid))
				break;
		if (i == d->n) {
			m[n].pid = kids[k];
			m[n++].start = ps.start;
		}
	}
	return n;
}

/* The probe is over: kill what is left of its tree, reap, parse. */
static void
finish(struct hp_detect *d, struct hp_result *r)
{
	struct hp_kin m[16];
	struct hp_tree t;
	char names[100];
	int st, n, i;

	if (r->pid > 0) {
		if (r->exited == 0) {
			kill(-r->pid, SIGKILL);
			hp_waitpid(r->pid, &st, 0);
			r->status = st;
		}
		if ((n = leftovers(d, r, m, 16)) > 0) {
			hp_tree_names(m, n, names, sizeof names);
			memset(&t, 0, sizeof t);
			t.leader = r->pid;
			t.cg = r->cg;
			(void)hp_tree_kill(&t);
			for (i = 0; i < n; i++)
				kill(m[i].pid, SIGKILL);
			/* Those that came to us as orphans are ours to reap. */
			for (i = 0; d->reaper && i < n; i++)
				for (st = 0; st < 200 && hp_waitpid(m[i].pid,
				    NULL, WNOHANG) == 0; st++)
					poll(NULL, 0, 1);
			/*
			 * Said unless the probe said why it ended first: a
			 * flood leaves the flooder's children to us.
			 */
			if (r->error[0] == '\0' && !(r->answered &&
			    r->ans.error[0] != '\0'))
				snprintf(r->error, sizeof r->error,
				    "left processes behind, killed: %s",
				    names);
		}
	}
	if (r->cg != NULL) {
		for (i = 0; i < 100 && hp_cgroup_populated(r->cg) == 1; i++)
			poll(NULL, 0, 1);
		(void)hp_cgroup_remove(r->cg);
		free(r->cg);
		r->cg = NULL;
	}
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
	r->probe_ms = hp_mono_ms() - r->start;
	r->checked = hp_wall_ms();
	if (r->answered) {
		hp_copy(r->version, sizeof r->version, r->ans.version);
		hp_copy(r->raw, sizeof r->raw, r->ans.raw);
		if (r->error[0] == '\0')
			hp_copy(r->error, sizeof r->error, r->ans.error);
	} else if (r->error[0] == '\0' && r->pid > 0) {
		/* The worker ended without a word: how. */
		if (WIFSIGNALED(r->status))
			snprintf(r->error, sizeof r->error, "probe killed by "
			    "SIG%s", hp_signame(WTERMSIG(r->status)));
		else
			snprintf(r->error, sizeof r->error, "probe: exit %d",
			    WEXITSTATUS(r->status));
	}
	r->state = 3;
	if (d->done != NULL)
		d->done(r, d->arg);
}

/* One turn of the loop over the running probes. */
static void
step(struct hp_detect *d, int *running)
{
	struct pollfd pfd[256];
	struct hp_result *on[256];
	long long now = hp_mono_ms(), wait = -1, left;
	int i, n = 0, st;
	pid_t w;

	for (i = 0; i < d->n && n < 256; i++) {
		struct hp_result *r = &d->r[i];

		if (r->state != 1)
			continue;
		on[n] = r;
		pfd[n].fd = r->fd;
		pfd[n].events = POLLIN;
		left = r->fd == -1 ? 1 : r->deadline - now;
		if (left < 0)
			left = 0;
		if (wait == -1 || left < wait)
			wait = left;
		n++;
	}
	/* Short of memory, say: tell, breathe; the deadlines still come. */
	if (poll(pfd, (nfds_t)n, (int)wait) == -1 && errno != EINTR) {
		hp_warn("poll");
		poll(NULL, 0, 10);
	}
	now = hp_mono_ms();
	for (i = 0; i < n; i++) {
		struct hp_result *r = on[i];

		if (r->fd != -1 && pfd[i].revents != 0)
			drain(r);
		if (r->state == 1 && !r->exited && (w = hp_waitpid(r->pid,
		    &st, WNOHANG)) == r->pid) {
			r->exited = 1;
			r->status = st;
			drain(r);
			r->state = 2;
		}
		if (r->state == 1 && now >= r->deadline) {
			snprintf(r->error, sizeof r->error,
			    "timed out after %lld ms", d->timeout);
			drain(r);
			r->state = 2;
		}
		if (r->state == 2) {
			finish(d, r);
			(*running)--;
		}
	}
}

/*
 * Find every result's tool (r[i].tool set by the caller), answer from
 * the cache what it can, probe the rest, d->jobs at a time, each in its
 * own session with stdin /dev/null. d->done hears of each as it ends.
 */
void
hp_detect_run(struct hp_detect *d, const struct hp_envpath *ep)
{
	struct hp_buf pathvar = { 0 };
	char **envp, base[HP_PATH_MAX];
	int i, next = 0, running = 0, jobs = d->jobs > 0 ? d->jobs : 1;

	if (jobs > 256)
		jobs = 256;
	for (i = 0; i < d->n; i++)
		hp_detect_find(&d->r[i], d->r[i].tool, ep, d->all);
	if (d->usecache && d->cachedir[0] != '\0')
		hp_dcache_fill(d);
	for (i = 0; i < d->n; i++)
		if (!d->r[i].installed || d->r[i].state == 3) {
			d->r[i].state = 3;
			if (d->done != NULL)
				d->done(&d->r[i], d->arg);
		}
	envp = hp_envpath_environ(ep, &pathvar);
	/* Each probe in a cgroup of its own, where we may: all it leaves. */
	for (i = 0; i < d->n && d->r[i].state != 0; i++)
		;
	if (d->cgbase == NULL && i < d->n && hp_cgroup_mine(base,
	    sizeof base) == 0)
		d->cgbase = hp_xstrdup(base);
	for (;;) {
		for (; next < d->n && running < jobs; next++) {
			if (d->r[next].state != 0)
				continue;
			start(d, &d->r[next], envp);
			if (d->r[next].state == 2)
				finish(d, &d->r[next]);
			else
				running++;
		}
		if (running == 0 && next >= d->n)
			break;
		step(d, &running);
	}
	free(envp);
	hp_buf_free(&pathvar);
	if (d->cgbase != NULL) {
		hp_cgroup_unmine(d->cgbase);
		free(d->cgbase);
		d->cgbase = NULL;
	}
	if (d->cachedir[0] != '\0')
		hp_dcache_save(d);
}

void
hp_detect_free(struct hp_detect *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		free(d->r[i].cand);
	free(d->r);
	d->r = NULL;
	d->n = 0;
}
