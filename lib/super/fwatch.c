/* hp: see LICENSE. */
/* fwatch.c: watch = PATH: a change under it restarts the process. */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

/*
 * One watch a name (its unit: every instance goes together). Told by
 * the system where it can (one inotify or kqueue descriptor for all, in
 * the poll() loop), else by a look every POLL_MS at what it watches,
 * made into one sum (names, sizes, times, inodes). kqueue names nothing
 * (hp_dirwatch_names() is 0): each file is watched too, and a directory
 * that changed is looked into for what came. A change starts the quiet
 * of watch-delay over; at its end, the process restarts, or reloads when
 * it has held sockets (no connection is refused). .git and node_modules
 * are not watched unless named; watch-ignore names more (fnmatch(3), on
 * a name or on its path below the watched one).
 */

#define POLL_MS		1000
#define DEPTH_MAX	32
#define DIRS_MAX	8192

struct hp_fwatch {
	char		**roots;	/* absolute */
	char		**ign;		/* watch-ignore */
	long long	 delay;
	int		*id;		/* the system's watches ... */
	char		**dir;		/* ... on these */
	int		 nid, capid;
	int		 polled;	/* looked at: no word comes */
	unsigned long long sum;		/* what the last look saw */
	long long	 look;		/* mono ms of the next look */
	long long	 due;		/* mono ms of the restart; 0 none */
	char		 what[HP_PATH_MAX];	/* the first change seen */
	char		*key;		/* whatof() its spec */
	size_t		 keylen;
};

static int
ignored(const struct hp_fwatch *w, const char *name, const char *rel)
{
	int i;

	if (strcmp(name, ".git") == 0 || strcmp(name, "node_modules") == 0)
		return 1;
	for (i = 0; w->ign != NULL && w->ign[i] != NULL; i++)
		if (fnmatch(w->ign[i], name, 0) == 0 ||
		    fnmatch(w->ign[i], rel, FNM_PATHNAME) == 0)
			return 1;
	return 0;
}

/* The part of path below the root it is under, for watch-ignore. */
static const char *
below(const struct hp_fwatch *w, const char *path)
{
	size_t n;
	int i;

	for (i = 0; w->roots[i] != NULL; i++) {
		n = strlen(w->roots[i]);
		if (strncmp(path, w->roots[i], n) == 0 && path[n] == '/')
			return path + n + 1;
	}
	return path;
}

/*
 * The system's id of a watch on dir; one it gave already (inotify: one an
 * inode, as for a directory renamed) now names dir.
 */
static void
addid(struct hp_fwatch *w, int id, const char *dir)
{
	int k;

	for (k = 0; hp_dirwatch_names() && k < w->nid; k++)
		if (w->id[k] == id) {
			free(w->dir[k]);
			w->dir[k] = hp_xstrdup(dir);
			return;
		}
	if (w->nid == w->capid) {
		w->capid = w->capid ? 2 * w->capid : 16;
		w->id = hp_xrealloc(w->id, (size_t)w->capid * sizeof *w->id);
		w->dir = hp_xrealloc(w->dir, (size_t)w->capid *
		    sizeof *w->dir);
	}
	w->id[w->nid] = id;
	w->dir[w->nid++] = hp_xstrdup(dir);
}

/*
 * Each directory under path (path too; each file too where the system
 * names nothing) told to s->fwfd, or, looked at, each entry folded into
 * *sum. 0; -1 when the system's limit of watches was reached (the caller
 * looks instead).
 */
static int
walk(struct hp_super *s, struct hp_fwatch *w, const char *path, int depth,
    unsigned long long *sum)
{
	char sub[HP_PATH_MAX];
	struct dirent *e;
	struct stat sb;
	DIR *d;
	int id, r = 0;
	const char *c;

	/* A named path is followed; below it, links are not. */
	if ((depth == 0 ? stat(path, &sb) : lstat(path, &sb)) == -1)
		return 0;
	if (sum != NULL) {
		for (c = path; *c != '\0'; c++)
			*sum = (*sum ^ (unsigned char)*c) * 1099511628211ULL;
		*sum = (*sum ^ (unsigned long long)sb.st_ino ^
		    (unsigned long long)sb.st_size * 31 ^
		    (unsigned long long)sb.st_mtime * 1000003 ^
		    (unsigned long long)sb.st_ctime * 7) * 1099511628211ULL;
	} else if (depth == 0 || S_ISDIR(sb.st_mode) ||
	    (S_ISREG(sb.st_mode) && !hp_dirwatch_names())) {
		if ((id = hp_dirwatch_add(s->fwfd, path)) == -1)
			return errno == ENOSPC ? -1 : 0;
		addid(w, id, path);
	}
	if (!S_ISDIR(sb.st_mode) || depth >= DEPTH_MAX || w->nid >= DIRS_MAX ||
	    (d = opendir(path)) == NULL)
		return 0;
	while (r == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >=
		    (int)sizeof sub || ignored(w, e->d_name, below(w, sub)))
			continue;
		r = walk(s, w, sub, depth + 1, sum);
	}
	closedir(d);
	return r;
}

static unsigned long long
look(struct hp_super *s, struct hp_fwatch *w)
{
	unsigned long long sum = 14695981039346656037ULL;
	int i;

	for (i = 0; w->roots[i] != NULL; i++)
		(void)walk(s, w, w->roots[i], 0, &sum);
	return sum;
}

/* Is id also another watch's? The system gives one id a directory. */
static int
shared(struct hp_super *s, const struct hp_fwatch *w, int id)
{
	const struct hp_fwatch *o;
	int i, k;

	for (i = 0; i < s->nunit; i++)
		if ((o = s->units[i]->fw) != NULL && o != w)
			for (k = 0; k < o->nid; k++)
				if (o->id[k] == id)
					return 1;
	return 0;
}

static void
unwatch(struct hp_super *s, struct hp_fwatch *w)
{
	int i;

	for (i = 0; i < w->nid; i++) {
		if (!shared(s, w, w->id[i]))
			hp_dirwatch_rm(s->fwfd, w->id[i]);
		free(w->dir[i]);
	}
	w->nid = 0;
}

/* Looked at from now on: no word comes (its watches end). */
static void
bylook(struct hp_super *s, struct hp_fwatch *w)
{
	unwatch(s, w);
	w->polled = 1;
	w->sum = look(s, w);
	w->look = hp_mono_ms() + POLL_MS;
}

static void
limit(struct hp_super *s, struct hp_fwatch *w, const char *name)
{
	hp_warnx("%s: watch: the system's limit of watches is reached "
	    "(on Linux, fs.inotify.max_user_watches; with kqueue, open files: "
	    "ulimit -n): looked at every %d ms instead", name, POLL_MS);
	bylook(s, w);
}

/* The watch of a spec: told where the system tells, else looked at. */
static struct hp_fwatch *
arm(struct hp_super *s, const struct hp_spec *sp)
{
	char path[HP_PATH_MAX];
	struct hp_fwatch *w = hp_xcalloc(1, sizeof *w);
	int i, n = 0;

	while (sp->watch[n] != NULL)
		n++;
	w->roots = hp_xcalloc((size_t)n + 1, sizeof *w->roots);
	for (i = 0; i < n; i++) {
		if (sp->watch[i][0] == '/' || sp->dir == NULL)
			hp_copy(path, sizeof path, sp->watch[i]);
		else
			snprintf(path, sizeof path, "%s/%s", sp->dir,
			    sp->watch[i]);
		w->roots[i] = hp_xstrdup(path);
	}
	w->ign = hp_argv_dup(sp->watch_ignore);
	w->delay = sp->watch_delay;
	if (s->fwfd == -1 && !s->fwpolled &&
	    (s->fwfd = hp_dirwatch_open()) == -1)
		s->fwpolled = 1;	/* no word comes here: look */
	for (i = 0; s->fwfd != -1 && !w->polled && i < n; i++)
		if (walk(s, w, w->roots[i], 0, NULL) == -1)
			limit(s, w, sp->name);
	if (s->fwfd == -1)
		bylook(s, w);
	return w;
}

static void
disarm(struct hp_super *s, struct hp_fwatch *w)
{
	if (w == NULL)
		return;
	unwatch(s, w);
	free(w->id);
	free(w->dir);
	hp_argv_free(w->roots);
	hp_argv_free(w->ign);
	free(w->key);
	free(w);
}

/* What a watch is made of, to tell a spec that changed it (a reload). */
static void
whatof(const struct hp_spec *sp, struct hp_buf *b)
{
	int i;

	b->len = 0;
	for (i = 0; sp->watch[i] != NULL; i++)
		hp_buf_printf(b, "%s\37", sp->watch[i]);
	for (i = 0; sp->watch_ignore != NULL && sp->watch_ignore[i]; i++)
		hp_buf_printf(b, "\36%s", sp->watch_ignore[i]);
	hp_buf_printf(b, "\35%s\35%lld", sp->dir != NULL ? sp->dir : "",
	    sp->watch_delay);
}

/*
 * Each unit's watch made, ended or made again as its processes want it:
 * one that runs or is to run again (not stopped by a verb). The loop's;
 * nothing is done for a spec without watch = but a test.
 */
void
hp_fwatch_settle(struct hp_super *s)
{
	struct hp_buf b = { 0 };
	struct hp_proc *p;
	struct hp_unit *u;
	int i;

	for (i = 0; i < s->nunit; i++)
		s->units[i]->fwant = NULL;
	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (p->spec.watch != NULL && p->spec.watch[0] != NULL &&
		    p->unit != NULL && p->state != HP_ST_STOPPED &&
		    p->state != HP_ST_REMOVED && !p->outgoing && !s->shutdown)
			p->unit->fwant = &p->spec;
	}
	for (i = 0; i < s->nunit; i++) {
		u = s->units[i];
		if (u->fwant == NULL && u->fw == NULL)
			continue;
		if (u->fwant != NULL)
			whatof(u->fwant, &b);
		if (u->fw != NULL && (u->fwant == NULL || b.len !=
		    u->fw->keylen || memcmp(b.p, u->fw->key, b.len) != 0))
			hp_fwatch_free(s, u);
		if (u->fwant != NULL && u->fw == NULL) {
			u->fw = arm(s, u->fwant);
			u->fw->key = hp_xmalloc(b.len);
			memcpy(u->fw->key, b.p, b.len);
			u->fw->keylen = b.len;
		}
	}
	hp_buf_free(&b);
}

void
hp_fwatch_free(struct hp_super *s, struct hp_unit *u)
{
	disarm(s, u->fw);
	u->fw = NULL;
}

static void
changed(struct hp_fwatch *w, const char *path)
{
	if (w->due == 0)
		hp_copy(w->what, sizeof w->what, path);
	w->due = hp_mono_ms() + w->delay;
}

/* Watch k is no more of w (the system has ended it). */
static void
forget(struct hp_fwatch *w, int k)
{
	free(w->dir[k]);
	w->id[k] = w->id[--w->nid];
	w->dir[k] = w->dir[w->nid];
}

static int
watching(const struct hp_fwatch *w, const char *path)
{
	int k;

	for (k = 0; k < w->nid; k++)
		if (strcmp(w->dir[k], path) == 0)
			return 1;
	return 0;
}

static int
isroot(const struct hp_fwatch *w, const char *path)
{
	int i;

	for (i = 0; w->roots[i] != NULL; i++)
		if (strcmp(w->roots[i], path) == 0)
			return 1;
	return 0;
}

/*
 * A root whose watch has ended (removed, or replaced by a rename): watched
 * again if it is there, else looked at. 0; -1 at the limit of watches.
 */
static int
rewatch(struct hp_super *s, struct hp_fwatch *w, const char *path)
{
	if (walk(s, w, path, 0, NULL) == -1)
		return -1;
	if (!watching(w, path))
		bylook(s, w);
	return 0;
}

/*
 * What changed at dir (kqueue's word names nothing): a file, itself; in
 * a directory, each entry not yet watched is watched and is a change.
 * 0; -1 at the limit of watches.
 */
static int
lookinto(struct hp_super *s, struct hp_fwatch *w, const char *dir)
{
	char sub[HP_PATH_MAX];
	struct dirent *e;
	struct stat sb;
	DIR *d;
	int r = 0;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOTDIR)
			changed(w, dir);
		return 0;
	}
	while (r == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >=
		    (int)sizeof sub || ignored(w, e->d_name, below(w, sub)) ||
		    watching(w, sub) || lstat(sub, &sb) == -1 ||
		    (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)))
			continue;
		r = walk(s, w, sub, 1, NULL);
		changed(w, sub);
	}
	closedir(d);
	return r;
}

/*
 * kqueue's word on watch k: a file of ours changed, or a directory's
 * entries did. A watch whose path went has ended, and so do those below
 * it; what stands there now is watched (a root not there: looked at).
 * 0; -1 at the limit of watches.
 */
static int
noname(struct hp_super *s, struct hp_fwatch *w, int k, int gone)
{
	char path[HP_PATH_MAX], *slash;
	size_t n;
	int i;

	hp_copy(path, sizeof path, w->dir[k]);
	if (!gone)
		return lookinto(s, w, path);
	forget(w, k);
	n = strlen(path);
	for (i = 0; i < w->nid; i++)
		if (strncmp(w->dir[i], path, n) == 0 && w->dir[i][n] == '/') {
			hp_dirwatch_rm(s->fwfd, w->id[i]);
			forget(w, i--);
		}
	changed(w, path);
	if (!isroot(w, path) && (slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		return lookinto(s, w, path);
	}
	return rewatch(s, w, path);
}

/* One word of the system: to each watch of that id (two may share it). */
static void
told(void *arg, int id, const char *name, int isdir, int gone)
{
	struct hp_super *s = arg;
	char path[HP_PATH_MAX];
	struct hp_fwatch *w;
	int i, k;

	for (i = 0; i < s->nunit; i++) {
		if ((w = s->units[i]->fw) == NULL || w->polled)
			continue;
		for (k = 0; k < w->nid && id != -1 && w->id[k] != id; k++)
			;
		if (id != -1 && k == w->nid)
			continue;
		if (id == -1) {		/* words were lost: it may have changed */
			changed(w, w->roots[0]);
			continue;
		}
		if (!hp_dirwatch_names()) {
			if (noname(s, w, k, gone) == -1)
				limit(s, w, s->units[i]->name);
			break;	/* a descriptor is one watch's */
		}
		if (gone) {
			hp_copy(path, sizeof path, w->dir[k]);
			forget(w, k);
			if (isroot(w, path) && rewatch(s, w, path) == -1)
				limit(s, w, s->units[i]->name);
			continue;
		}
		if (name[0] == '\0')
			hp_copy(path, sizeof path, w->dir[k]);
		else if (snprintf(path, sizeof path, "%s/%s", w->dir[k],
		    name) >= (int)sizeof path)
			continue;
		if (name[0] != '\0' && ignored(w, name, below(w, path)))
			continue;
		if (isdir && walk(s, w, path, 1, NULL) == -1)
			limit(s, w, s->units[i]->name);
		changed(w, path);
	}
}

/* The loop's: what the system said. */
void
hp_fwatch_io(struct hp_super *s, short revents)
{
	if (revents == 0 || s->fwfd == -1)
		return;
	if (hp_dirwatch_read(s->fwfd, told, s) == -1)
		hp_warn("watch");
}

/* A restart for a change: a reload where sockets are held. */
static void
act(struct hp_super *s, struct hp_unit *u, const char *what)
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1], *p;
	int i, n = hp_unit_members(s, u, v, HP_INSTANCES_MAX + 1);

	for (i = 0; i < n; i++) {
		p = v[i];
		if (p->state == HP_ST_STOPPED || p->state == HP_ST_REMOVED ||
		    p->state == HP_ST_STOPPING || p->state == HP_ST_RELOADING)
			continue;
		hp_sproc_event(s, p, "process:restarting");
		hp_json_kint(&s->j, "delay_ms", 0);
		hp_json_kstr(&s->j, "reason", "watch");
		hp_json_kstr(&s->j, "path", what);
		hp_event_publish(&s->ev, &s->j);
		if (p->id.pid > 0)
			p->asked++;
		if (u->nheld > 0 && p->state == HP_ST_RUNNING &&
		    p->term == NULL)
			hp_unit_roll(s, p, NULL, NULL);
		else
			hp_life(s, p, HP_EV_RESTART);
	}
}

/* The loop's: looks due, and quiets over. */
void
hp_fwatch_timer(struct hp_super *s, long long now)
{
	char what[HP_PATH_MAX];
	unsigned long long sum;
	struct hp_fwatch *w;
	int i;

	for (i = 0; i < s->nunit; i++) {
		if ((w = s->units[i]->fw) == NULL)
			continue;
		if (w->polled && now >= w->look) {
			w->look = now + POLL_MS;
			if ((sum = look(s, w)) != w->sum) {
				w->sum = sum;
				changed(w, w->roots[0]);
			}
		}
		if (w->due > 0 && now >= w->due) {
			w->due = 0;
			hp_copy(what, sizeof what, w->what);
			act(s, s->units[i], what);
		}
	}
}

/* The loop's: when a look or a quiet is next due; -1 none. */
long long
hp_fwatch_next(struct hp_super *s)
{
	long long next = -1, t;
	struct hp_fwatch *w;
	int i;

	for (i = 0; i < s->nunit; i++) {
		if ((w = s->units[i]->fw) == NULL)
			continue;
		t = w->due;
		if (w->polled && (t == 0 || w->look < t))
			t = w->look;
		if (t > 0 && (next == -1 || t < next))
			next = t;
	}
	return next;
}

/*
 * For an upgrade: each watch's restart still to come, and what its tree
 * looks like now; the new image watches anew, and a tree that looks
 * otherwise by then changed during the handover.
 */
void
hp_fwatch_handover(struct hp_super *s, struct hp_howr *w)
{
	struct hp_fwatch *f;
	int i;

	/* What the system has told and we have not read yet: read now. */
	hp_fwatch_io(s, POLLIN);
	for (i = 0; i < s->nunit; i++) {
		if ((f = s->units[i]->fw) == NULL)
			continue;
		hp_ho_section(w, "fwatch", s->units[i]->name);
		hp_ho_putint(w, "due", f->due);
		hp_ho_putstr(w, "what", f->what);
		hp_ho_putint(w, "sum", (long long)look(s, f));
	}
}

void
hp_fwatch_takeover(struct hp_super *s, const struct hp_hord *h)
{
	const struct hp_hosec *sec;
	struct hp_fwatch *f;
	struct hp_unit *u;
	int i = 0;

	hp_fwatch_settle(s);
	while ((sec = hp_ho_next(h, "fwatch", &i)) != NULL) {
		if ((u = hp_unit_find(s, sec->name)) == NULL ||
		    (f = u->fw) == NULL)
			continue;
		f->due = hp_ho_int(sec, "due", 0);
		hp_copy(f->what, sizeof f->what, hp_ho_str(sec, "what", ""));
		if ((long long)look(s, f) != hp_ho_int(sec, "sum", 0))
			changed(f, f->roots[0]);
	}
}
