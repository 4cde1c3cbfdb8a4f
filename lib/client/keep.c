/* hp: see LICENSE. */
/* keep.c: a process kept outside the supervisor: procs/NAME and its lock. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/term.h"

/*
 * procs/NAME of a process kept outside the supervisor (a foreground
 * terminal): its keeper holds procs/NAME/lock for as long as it keeps
 * it and reads procs/NAME/control. It has no spec, so a supervisor
 * never adopts it. A name whose lock is held, or that has a spec (the
 * supervisor's), is taken: EEXIST.
 */
static int
take(struct hp_keep *k)
{
	char file[HP_PATH_MAX], pid[32];
	struct stat sb;
	int n;

	if (hp_proc_file(k->st, k->dir, sizeof k->dir, k->name,
	    HP_P_DIR) == -1)
		return -1;
	/* A link or another's directory would hand over what we write. */
	if ((mkdir(k->dir, 0700) == -1 && errno != EEXIST) ||
	    hp_state_proc(k->st, k->name) == -1)
		return -1;
	if (hp_proc_file(k->st, file, sizeof file, k->name, HP_P_SPEC) == -1)
		return -1;
	if (lstat(file, &sb) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (hp_proc_file(k->st, file, sizeof file, k->name, HP_P_LOCK) == -1)
		return -1;
	if ((k->lock = hp_lock_take(file)) == -1)
		return errno == EAGAIN ? (errno = EEXIST, -1) : -1;
	/* The pid in the file is for people; the lock is the proof. */
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(k->lock, 0) == -1 || hp_write_all(k->lock, pid,
	    (size_t)n) == -1 || hp_proc_file(k->st, file, sizeof file,
	    k->name, HP_P_CONTROL) == -1 || (k->ctl = hp_fifo_listen(file,
	    &k->ctlw)) == -1) {
		n = errno;
		close(k->lock);
		errno = n;
		return -1;
	}
	return 0;
}

int
hp_keep_take(struct hp_keep *k, const struct hp_state *st, const char *name,
    int unique)
{
	int n;

	memset(k, 0, sizeof *k);
	k->st = st;
	k->lock = k->ctl = k->ctlw = -1;
	hp_copy(k->name, sizeof k->name, name);
	for (n = 2; take(k) == -1; n++) {
		if (errno != EEXIST || !unique || n > 999)
			return -1;
		snprintf(k->name, sizeof k->name, "%.*s-%d", HP_NAME_MAX - 8,
		    name, n);
	}
	return 0;
}

/* Write procs/NAME/FILE (HP_P_*) at once (write + rename). */
int
hp_keep_write(const struct hp_keep *k, int file, const void *p, size_t n)
{
	char path[HP_PATH_MAX];

	if (hp_proc_file(k->st, path, sizeof path, k->name, file) == -1)
		return -1;
	return hp_file_write(path, p, n, 0600);
}

/*
 * Answer a client of the control FIFO: one JSON line into its FIFO in
 * events/ (hp_client_open made it), without blocking; a full or gone
 * client loses it.
 */
void
hp_keep_reply(const struct hp_keep *k, const char *client, struct hp_json *j)
{
	char path[HP_PATH_MAX];
	int fd;

	if (!hp_name_ok(client) || hp_state_subscriber(k->st, path,
	    sizeof path, client) == -1)
		return;
	if ((fd = hp_open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW, 0)) == -1)
		return;
	hp_buf_addc(j->b, '\n');
	(void)!write(fd, j->b->p, j->b->len);
	close(fd);
}

/* The record goes first, the lock last: nobody sees a free lock on it. */
void
hp_keep_drop(struct hp_keep *k)
{
	if (k->lock == -1)
		return;
	close(k->ctl);
	close(k->ctlw);
	if (hp_rmtree(k->dir) == -1)
		hp_warn("remove %s", k->dir);
	close(k->lock);
	k->lock = -1;
}

/*
 * Send "ID LINE" to procs/NAME/control and wait for the keeper's answer
 * (a line with "ok") within ms. ESRCH: nobody keeps NAME, or its keeper
 * went away; ETIMEDOUT: no answer.
 */
int
hp_keep_ask(struct hp_state *st, const char *name, char *out, size_t n,
    long long ms, const char *fmt, ...)
{
	char line[HP_LINE_MAX + 2], file[HP_PATH_MAX], lock[HP_PATH_MAX];
	long long end = hp_mono_ms() + ms;
	struct hp_client c;
	va_list ap;
	size_t len;
	int r, e;

	if (hp_proc_file(st, file, sizeof file, name, HP_P_CONTROL) == -1 ||
	    hp_proc_file(st, lock, sizeof lock, name, HP_P_LOCK) == -1)
		return -1;
	if (hp_lock_holder(lock) <= 0) {
		errno = ESRCH;
		return -1;
	}
	if (hp_client_open(&c, st) == -1)
		return -1;
	r = snprintf(line, sizeof line, "%s ", c.id);
	va_start(ap, fmt);
	r += vsnprintf(line + r, sizeof line - (size_t)r, fmt, ap);
	va_end(ap);
	len = (size_t)r;
	if (len + 1 >= sizeof line) {
		hp_client_close(&c);
		errno = E2BIG;
		return -1;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	if (hp_fifo_send(file, line) == -1) {
		e = errno == ENXIO || errno == ENOENT ? ESRCH : errno;
		hp_client_close(&c);
		errno = e;
		return -1;
	}
	c.keeper = lock;
	for (;;) {
		/* The supervisor's events come here too: ours has "ok". */
		r = hp_client_line(&c, out, n, end - hp_mono_ms());
		if (r == -1 || strstr(out, "\"ok\":") != NULL)
			break;
	}
	e = errno;
	hp_client_close(&c);
	errno = e;
	return r;
}
