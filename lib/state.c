/* hp: see LICENSE. */
/* state.c: finding, creating and vetting the state directory. */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
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

int
hp_state_open(struct hp_state *st, int create)
{
	char sub[HP_PATH_MAX];
	mode_t old;
	int r;

	old = umask(077);
	r = vet(st->dir, create);
	if (r == 0 && hp_state_path(st, sub, sizeof sub, HP_PROCS) == 0)
		r = vet(sub, create);
	if (r == 0 && hp_state_path(st, sub, sizeof sub, HP_EVENTS) == 0)
		r = vet(sub, create);
	umask(old);
	return r;
}

int
hp_state_path(const struct hp_state *st, char *buf, size_t n,
    const char *fmt, ...)
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
	char path[HP_PATH_MAX];
	struct stat sb;

	if (hp_state_path(st, path, sizeof path, "%s/%s", HP_PROCS, name) ==
	    -1 || lstat(path, &sb) == -1)
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

int
hp_state_names(const struct hp_state *st, char ***names, int *n)
{
	char path[HP_PATH_MAX];
	struct dirent *d;
	char **v = NULL;
	int len = 0, cap = 0;
	DIR *dir;

	*names = NULL;
	*n = 0;
	if (hp_state_path(st, path, sizeof path, HP_PROCS) == -1)
		return -1;
	if ((dir = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dir)) != NULL) {
		if (!hp_name_ok(d->d_name) ||
		    hp_state_proc(st, d->d_name) == -1)
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

void
hp_state_need(struct hp_state *st, const char *opt, int create)
{
	if (hp_state_resolve(st, opt) == -1)
		hp_fail(HP_EXIT_FAIL, "state-dir", "state directory: %s",
		    strerror(errno));
	if (hp_state_open(st, create) == -1)
		hp_fail(HP_EXIT_FAIL, "state-dir", "%s", why);
}
