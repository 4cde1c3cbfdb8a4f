/* hp: see LICENSE. */
/* state.c: the state directory: finding and vetting it, and its layout. */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

static char why[HP_PATH_MAX + 128];

const char *
hp_state_error(void)
{
	return why;
}

/* -S, else $HP_STATE_DIR, else $XDG_RUNTIME_DIR/hp, else $TMPDIR/hp-UID. */
int
hp_state_resolve(struct hp_state *st, const char *opt)
{
	char cwd[HP_PATH_MAX], dir[HP_PATH_MAX];
	const char *e;
	size_t n;
	int r;

	if (opt != NULL && *opt != '\0')
		r = hp_copy(dir, sizeof dir, opt);
	else if ((e = getenv("HP_STATE_DIR")) != NULL && *e != '\0')
		r = hp_copy(dir, sizeof dir, e);
	else if ((e = getenv("XDG_RUNTIME_DIR")) != NULL && *e == '/')
		r = hp_path(dir, sizeof dir, "%s/hp", e);
	else {
		e = getenv("TMPDIR");
		if (e == NULL || *e != '/')
			e = "/tmp";
		r = hp_path(dir, sizeof dir, "%s/hp-%ld", e, (long)geteuid());
	}
	if (r == -1)
		return -1;
	/* "link/" would make lstat() follow the link: no trailing slash. */
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	/* Children and a detached supervisor change directory: be absolute. */
	if (dir[0] != '/') {
		if (getcwd(cwd, sizeof cwd) == NULL)
			return -1;
		if (hp_path(st->dir, sizeof st->dir, "%s/%s", cwd, dir) == -1)
			return -1;
	} else if (hp_copy(st->dir, sizeof st->dir, dir) == -1)
		return -1;
	return 0;
}

/* A directory we own, not a link, closed to group and others. */
static int
vet(const char *path, int create)
{
	struct stat sb;

	if (lstat(path, &sb) == -1) {
		if (errno != ENOENT || !create) {
			snprintf(why, sizeof why, "%s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			snprintf(why, sizeof why, "%s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (lstat(path, &sb) == -1) {
			snprintf(why, sizeof why, "%s: %s", path,
			    strerror(errno));
			return -1;
		}
	}
	if (S_ISLNK(sb.st_mode)) {
		snprintf(why, sizeof why, "%s: is a symbolic link", path);
		errno = ELOOP;
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(why, sizeof why, "%s: not a directory", path);
		errno = ENOTDIR;
		return -1;
	}
	if (sb.st_uid != geteuid()) {
		snprintf(why, sizeof why, "%s: owned by uid %ld, not us", path,
		    (long)sb.st_uid);
		errno = EACCES;
		return -1;
	}
	if (sb.st_mode & 077) {
		snprintf(why, sizeof why, "%s: open to group or others "
		    "(mode %04o)", path, (unsigned)(sb.st_mode & 07777));
		errno = EACCES;
		return -1;
	}
	return 0;
}

/*
 * STATE/lock is a regular file of ours and STATE/control a FIFO of ours,
 * where they are: anything else would hang whoever opens it (a FIFO for
 * the lock) or swallow requests unanswered (a file for the FIFO).
 */
static int
kind(const struct hp_state *st, int f, mode_t type, const char *what)
{
	char path[HP_PATH_MAX];
	struct stat sb;

	if (hp_state_file(st, path, sizeof path, f) == -1)
		return -1;
	if (lstat(path, &sb) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, sizeof why, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((sb.st_mode & S_IFMT) != type || sb.st_uid != geteuid()) {
		snprintf(why, sizeof why, "%s: not %s of ours", path, what);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
hp_state_open(struct hp_state *st, int create)
{
	char sub[HP_PATH_MAX];
	mode_t old;
	int r;

	old = umask(077);
	r = vet(st->dir, create);
	if (r == 0)
		r = kind(st, HP_F_LOCK, S_IFREG, "a regular file");
	if (r == 0)
		r = kind(st, HP_F_CONTROL, S_IFIFO, "a FIFO");
	if (r == 0 && hp_state_file(st, sub, sizeof sub, HP_F_PROCS) == 0)
		r = vet(sub, create);
	if (r == 0 && hp_state_file(st, sub, sizeof sub, HP_F_EVENTS) == 0)
		r = vet(sub, create);
	umask(old);
	return r;
}

/*
 * The layout (hp(7), FILES). Every path inside the state directory is
 * made below, from these names; no other file spells one.
 *
 *	STATE/lock control events/ events.log limits supervise.log cache/
 *	STATE/stops				a turn's stops, until their statuses
 *	STATE/procs/NAME/spec lock pid status control log log.K clients/
 *	STATE/procs/NAME/clients/ID ID.in	a terminal's attached clients
 *	STATE/procs/.spawn-PID			a spec on its way to add
 *	STATE/events/PID.N			a subscriber's FIFO
 */
static const char *files[HP_F_N] = {
	"lock", "control", "events", "events.log", "procs", "limits",
	"supervise.log", "cache", "stops"
};
static const char *procfiles[HP_P_N] = {
	"", "spec", "lock", "pid", "status", "control", "log", "clients"
};
#define SPAWN_PREFIX	".spawn-"

const char *
hp_state_filename(int f)
{
	return f >= 0 && f < HP_F_N ? files[f] : NULL;
}

const char *
hp_proc_filename(int f)
{
	return f > HP_P_DIR && f < HP_P_N ? procfiles[f] : NULL;
}

/* STATE/fmt... */
static int
mkpath(const struct hp_state *st, char *buf, size_t n, const char *fmt, ...)
{
	char rel[HP_PATH_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(rel, sizeof rel, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof rel) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return hp_path(buf, n, "%s/%s", st->dir, rel);
}

int
hp_state_file(const struct hp_state *st, char *buf, size_t n, int f)
{
	return mkpath(st, buf, n, "%s", files[f]);
}

/*
 * The directory of a name within procs/: NAME, or for an instance NAME:I
 * its own NAME/I below the directory of NAME (which holds the one spec
 * of them all). A name that is not a reference stays as it is.
 */
static int
procdir(char *rel, size_t n, const char *name)
{
	char base[HP_NAME_MAX + 1];
	int inst, r;

	if (strchr(name, ':') == NULL || hp_ref_split(name, base, &inst) ==
	    -1)
		r = snprintf(rel, n, "%s/%s", files[HP_F_PROCS], name);
	else
		r = snprintf(rel, n, "%s/%s/%d", files[HP_F_PROCS], base, inst);
	if (r < 0 || (size_t)r >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
hp_proc_file(const struct hp_state *st, char *buf, size_t n,
    const char *name, int f)
{
	char dir[HP_PATH_MAX], base[HP_NAME_MAX + 1];
	int inst;

	if (f == HP_P_SPEC && hp_ref_split(name, base, &inst) == 0 &&
	    inst > 0)
		name = base;	/* one spec for every instance */
	if (procdir(dir, sizeof dir, name) == -1)
		return -1;
	if (f == HP_P_DIR)
		return mkpath(st, buf, n, "%s", dir);
	return mkpath(st, buf, n, "%s/%s", dir, procfiles[f]);
}

int
hp_proc_log(const struct hp_state *st, char *buf, size_t n,
    const char *name, int k)
{
	char dir[HP_PATH_MAX];

	if (k <= 0)
		return hp_proc_file(st, buf, n, name, HP_P_LOG);
	if (procdir(dir, sizeof dir, name) == -1)
		return -1;
	return mkpath(st, buf, n, "%s/%s.%d", dir, procfiles[HP_P_LOG], k);
}

int
hp_proc_client(const struct hp_state *st, char *buf, size_t n,
    const char *name, const char *id, int in)
{
	char dir[HP_PATH_MAX];

	if (procdir(dir, sizeof dir, name) == -1)
		return -1;
	return mkpath(st, buf, n, "%s/%s/%s%s", dir, procfiles[HP_P_CLIENTS],
	    id, in ? ".in" : "");
}

/* A spec written for the supervisor to take: its path and its name. */
int
hp_proc_spawnfile(const struct hp_state *st, char *buf, size_t n,
    char *name, size_t nn)
{
	if (snprintf(name, nn, "%s%ld", SPAWN_PREFIX, (long)getpid()) >=
	    (int)nn) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return mkpath(st, buf, n, "%s/%s", files[HP_F_PROCS], name);
}

int
hp_proc_spawnname(const char *name)
{
	return strncmp(name, SPAWN_PREFIX, strlen(SPAWN_PREFIX)) == 0 &&
	    strchr(name, '/') == NULL && strlen(name) <= HP_NAME_MAX;
}

/*
 * Specs on their way whose hp-spawn is gone (killed before it removed
 * its own): removed. One of a live client, even a reused pid, is kept.
 */
void
hp_proc_spawnsweep(const struct hp_state *st)
{
	char dir[HP_PATH_MAX];
	struct dirent *d;
	DIR *dp;
	long pid;
	int fd;

	if (hp_state_file(st, dir, sizeof dir, HP_F_PROCS) == -1 ||
	    (fd = hp_open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0)) == -1)
		return;
	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((d = readdir(dp)) != NULL) {
		if (!hp_proc_spawnname(d->d_name))
			continue;
		pid = strtol(d->d_name + strlen(SPAWN_PREFIX), NULL, 10);
		if (pid > 1 && kill((pid_t)pid, 0) == -1 && errno == ESRCH)
			(void)unlinkat(fd, d->d_name, 0);
	}
	closedir(dp);
}

int
hp_state_subscriber(const struct hp_state *st, char *buf, size_t n,
    const char *id)
{
	return mkpath(st, buf, n, "%s/%s", files[HP_F_EVENTS], id);
}

pid_t
hp_state_supervisor(const struct hp_state *st)
{
	char file[HP_PATH_MAX];

	if (hp_state_file(st, file, sizeof file, HP_F_LOCK) == -1)
		return -1;
	return hp_lock_holder(file);
}

/* The version of the supervisor that runs, as its lock file says. */
int
hp_state_version(const struct hp_state *st, char *v, size_t n)
{
	char file[HP_PATH_MAX], line[64], *sp;
	ssize_t k;
	int fd;

	if (hp_state_file(st, file, sizeof file, HP_F_LOCK) == -1 ||
	    (fd = hp_open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0)) == -1)
		return -1;
	k = hp_read(fd, line, sizeof line - 1);
	close(fd);
	if (k <= 0)
		return -1;
	line[k] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if ((sp = strchr(line, ' ')) == NULL || sp[1] == '\0')
		return -1;
	return hp_copy(v, n, sp + 1);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Is procs/NAME a directory of ours that nobody else can write? Files in
 * it are opened without following a link, but a directory that is a
 * link, or someone else's, would hand over all of them.
 */
int
hp_state_proc(const struct hp_state *st, const char *name)
{
	static uid_t me = (uid_t)-1;	/* asked once: hp-ls asks for each */
	char path[HP_PATH_MAX], base[HP_NAME_MAX + 1];
	struct stat sb;
	int inst;

	/* An instance's directory is in its name's: both are vetted. */
	if (strchr(name, ':') != NULL && hp_ref_split(name, base, &inst) ==
	    0 && hp_state_proc(st, base) == -1)
		return -1;
	if (hp_proc_file(st, path, sizeof path, name, HP_P_DIR) == -1 ||
	    lstat(path, &sb) == -1)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = S_ISLNK(sb.st_mode) ? ELOOP : ENOTDIR;
		return -1;
	}
	if (me == (uid_t)-1)
		me = geteuid();
	if (sb.st_uid != me || (sb.st_mode & 022) != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/*
 * procs/NAME opened as a directory, never through a link (ELOOP), ours
 * alone (EPERM): what is written in it then goes relative to the
 * descriptor, and a link swapped in later changes nothing.
 */
int
hp_proc_open(const struct hp_state *st, const char *name)
{
	char path[HP_PATH_MAX];
	struct stat sb;
	int fd;

	if (hp_proc_file(st, path, sizeof path, name, HP_P_DIR) == -1)
		return -1;
	if ((fd = hp_open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
	    0)) == -1) {
		/* Linux says ENOTDIR of a link with O_DIRECTORY: tell them. */
		if (errno == ENOTDIR && lstat(path, &sb) == 0 &&
		    S_ISLNK(sb.st_mode))
			errno = ELOOP;
		return -1;
	}
	if (fstat(fd, &sb) == -1 || sb.st_uid != geteuid() ||
	    (sb.st_mode & 022) != 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

static int
listed(const struct hp_state *st, int vet, char ***names, int *n)
{
	char path[HP_PATH_MAX];
	struct dirent *d;
	char **v = NULL;
	int len = 0, cap = 0;
	DIR *dir;

	*names = NULL;
	*n = 0;
	if (hp_state_file(st, path, sizeof path, HP_F_PROCS) == -1)
		return -1;
	if ((dir = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dir)) != NULL) {
		if (!hp_name_ok(d->d_name) ||
		    (vet && hp_state_proc(st, d->d_name) == -1))
			continue;
		if (len + 1 >= cap) {
			cap = cap ? cap * 2 : 16;
			v = hp_xrealloc(v, (size_t)cap * sizeof *v);
		}
		v[len++] = hp_xstrdup(d->d_name);
	}
	closedir(dir);
	if (len > 0)
		qsort(v, (size_t)len, sizeof *v, cmp);
	if (v != NULL)
		v[len] = NULL;
	*names = v;
	*n = len;
	return 0;
}

int
hp_state_names(const struct hp_state *st, char ***names, int *n)
{
	return listed(st, 1, names, n);
}

/* The names of procs/ as they are, for one who vets each later. */
int
hp_state_names_raw(const struct hp_state *st, char ***names, int *n)
{
	return listed(st, 0, names, n);
}

static int
numcmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * The instances of name: the numbers of the directories procs/NAME/I,
 * in order; *v is NULL and *n 0 for a name without instances.
 */
int
hp_state_instances(const struct hp_state *st, const char *name, int **v,
    int *n)
{
	char path[HP_PATH_MAX], ref[HP_REF_MAX + 1];
	struct dirent *d;
	int len = 0, cap = 0, i;
	DIR *dir;

	*v = NULL;
	*n = 0;
	if (!hp_name_ok(name) || hp_proc_file(st, path, sizeof path, name,
	    HP_P_DIR) == -1)
		return -1;
	if ((dir = opendir(path)) == NULL)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	while ((d = readdir(dir)) != NULL) {
		if (snprintf(ref, sizeof ref, "%s:%s", name, d->d_name) >=
		    (int)sizeof ref || hp_ref_split(ref, path, &i) == -1 ||
		    i == 0 || hp_state_proc(st, ref) == -1)
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			*v = hp_xrealloc(*v, (size_t)cap * sizeof **v);
		}
		(*v)[len++] = i;
	}
	closedir(dir);
	if (len > 0)
		qsort(*v, (size_t)len, sizeof **v, numcmp);
	*n = len;
	return 0;
}

int
hp_state_need(struct hp_state *st, const char *opt, int create,
    struct hp_error *e)
{
	if (hp_state_resolve(st, opt) == -1)
		return hp_error_set(e, HP_EXIT_FAIL, "state-dir",
		    "state directory: %s", strerror(errno));
	if (hp_state_open(st, create) == -1)
		return hp_error_set(e, HP_EXIT_FAIL, "state-dir", "%s", why);
	return 0;
}
