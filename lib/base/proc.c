/* hp: see LICENSE. */
/* proc.c: who a process is, and starting one that reports its exec error. */

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

extern char **environ;

/*
 * Every system we build for has vfork(), though POSIX no longer names it
 * (hence declared here): see hp_spawn().
 */
#ifdef __GNUC__
pid_t	vfork(void) __attribute__((returns_twice));
#else
pid_t	vfork(void);
#endif

int
hp_ident_get(pid_t pid, struct hp_ident *id)
{
	struct hp_pstat ps;

	memset(id, 0, sizeof *id);
	id->pid = pid;
	if (hp_pstat(pid, &ps) == -1)
		return errno == ENOSYS ? 0 : -1;
	id->start = ps.start;
	if (hp_boot_id(id->boot, sizeof id->boot) == -1)
		id->boot[0] = '\0';
	return 0;
}

/*
 * Is the process still the one we recorded? A PID alone proves nothing:
 * it is reused. The start time (and the boot, where the system has an id
 * for it) tells a reused PID apart. -1 with ENOSYS: this system cannot tell.
 */
int
hp_ident_alive(const struct hp_ident *id)
{
	struct hp_pstat ps;
	char boot[40];

	if (id->pid <= 1)
		return 0;
	if (hp_pstat(id->pid, &ps) == -1)
		return errno == ENOSYS ? -1 : 0;
	if (id->start == 0 || ps.start != id->start)
		return 0;
	if (id->boot[0] != '\0' && hp_boot_id(boot, sizeof boot) == 0 &&
	    strcmp(boot, id->boot) != 0)
		return 0;
	return 1;
}

int
hp_ident_kill(const struct hp_ident *id, int sig, int group)
{
	if (hp_ident_alive(id) != 1) {
		errno = ESRCH;
		return -1;
	}
	return kill(group ? -id->pid : id->pid, sig);
}

/*
 * A pid record: "PID START BOOT", one line; BOOT may be missing (a system
 * with no boot id, or a record of an older version).
 */
static int
pidparse(const char *buf, struct hp_ident *id)
{
	char *end;
	size_t n;
	long pid;

	memset(id, 0, sizeof *id);
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 1 || *end != ' ') {
		errno = EINVAL;
		return -1;
	}
	id->pid = (pid_t)pid;
	id->start = strtoull(end + 1, &end, 10);
	if (*end == ' ') {
		n = strcspn(++end, " \n");
		if (n < sizeof id->boot)
			memcpy(id->boot, end, n);
	}
	return 0;
}

static int
pidline(char *buf, size_t n, const struct hp_ident *id)
{
	return snprintf(buf, n, "%ld %llu%s%s\n", (long)id->pid, id->start,
	    id->boot[0] != '\0' ? " " : "", id->boot);
}

int
hp_pidfile_read(const char *path, struct hp_ident *id)
{
	char buf[128];

	memset(id, 0, sizeof *id);
	if (hp_file_read(path, buf, sizeof buf) == -1)
		return -1;
	return pidparse(buf, id);
}

int
hp_pidfile_write(const char *path, const struct hp_ident *id)
{
	char buf[128];

	return hp_file_write(path, buf, (size_t)pidline(buf, sizeof buf, id),
	    0600);
}

/* The same, in the directory open as dfd (hp_file_writeat). */
int
hp_pidfile_readat(int dfd, const char *name, struct hp_ident *id)
{
	char buf[128];

	memset(id, 0, sizeof *id);
	if (hp_file_readat(dfd, name, buf, sizeof buf) == -1)
		return -1;
	return pidparse(buf, id);
}

int
hp_pidfile_writeat(int dfd, const char *name, const struct hp_ident *id)
{
	char buf[128];

	return hp_file_writeat(dfd, name, buf, (size_t)pidline(buf,
	    sizeof buf, id), 0600);
}

int
hp_exec_status(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG ?
	    HP_EXIT_NOTFOUND : HP_EXIT_NOEXEC;
}

/*
 * What the child writes into the error pipe when it cannot go on (struct
 * hp_spawnerr); its exit status is the one a program run in place
 * reports: 127, 126, or 1 when it never came to the exec.
 */
static void report(int, int) HP_DEAD;

static void
report(int fd, int stage)
{
	struct hp_spawnerr r;

	r.stage = stage;
	r.err = errno;
	(void)!write(fd, &r, sizeof r);
	_exit(stage == 0 ? hp_exec_status(r.err) : HP_EXIT_FAIL);
}

static const char *
getpath(char **envp)
{
	size_t i;

	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			return envp[i] + 5;
	return "/usr/local/bin:/usr/bin:/bin";
}

/* execvp with the child's own PATH; no shell for ENOEXEC. */
static void
execpath(char **argv, char **envp)
{
	char path[HP_PATH_MAX];
	const char *p, *end;
	int seen_eacces = 0;
	size_t len;

	if (strchr(argv[0], '/') != NULL) {
		execve(argv[0], argv, envp);
		return;
	}
	for (p = getpath(envp); ; p = end + 1) {
		end = strchr(p, ':');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0)
			snprintf(path, sizeof path, "%s", argv[0]);
		else
			snprintf(path, sizeof path, "%.*s/%s", (int)len, p,
			    argv[0]);
		execve(path, argv, envp);
		if (errno == EACCES)
			seen_eacces = 1;
		else if (errno != ENOENT && errno != ENOTDIR &&
		    errno != ENAMETOOLONG)
			return;
		if (end == NULL)
			break;
	}
	errno = seen_eacces ? EACCES : ENOENT;
}

static int
resource(int i)
{
	switch (i) {
	case HP_RLIM_AS:
		return RLIMIT_AS;
	case HP_RLIM_NOFILE:
		return RLIMIT_NOFILE;
	case HP_RLIM_CPU:
		return RLIMIT_CPU;
	case HP_RLIM_NPROC:
		return hp_rlimit_nproc();
	default:
		return RLIMIT_CORE;
	}
}

/*
 * In the child, between fork and exec: both the soft and the hard limit,
 * so that the program cannot raise them again. Only system calls here.
 */
int
hp_rlimit_apply(const long long *rlim)
{
	struct rlimit rl;
	int i, r;

	for (i = 0; i < HP_RLIM_N; i++) {
		if (rlim[i] == -1)
			continue;
		if ((r = resource(i)) == -1)
			return -1;
		rl.rlim_cur = rl.rlim_max = rlim[i] == HP_UNLIMITED ?
		    RLIM_INFINITY : (rlim_t)rlim[i];
		if (setrlimit(r, &rl) == -1)
			return -1;
	}
	return 0;
}

/* In the child: its own pid written after the '=' of sp->pidvar. */
static void
pidvar(char *v)
{
	char digits[24];
	long pid = (long)getpid();
	int n = 0;

	if (v == NULL || (v = strchr(v, '=')) == NULL)
		return;
	do
		digits[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0);
	while (n > 0)
		*++v = digits[--n];
	*++v = '\0';
}

/*
 * In the child, or in place (hp-pty's program is the process its caller
 * started): descriptors 0-2 from fd[], the extra ones where they are
 * wanted, the passed ones from 3 up, the report pipe just above the
 * highest, and no more. Every source is first moved above all the
 * targets, so that no dup2() lands on a source still to be moved. With
 * sp->mark, one byte goes into the pipe just before the exec: whoever
 * reads it can tell a process that died before it from a program that
 * has started.
 */
static void child(struct hp_spawn *, int, pid_t) HP_DEAD;

static void
child(struct hp_spawn *sp, int ep, pid_t parent)
{
	int src[3 + HP_SPAWN_EXTRA + HP_SPAWN_PASS];
	int dst[3 + HP_SPAWN_EXTRA + HP_SPAWN_PASS];
	int i, k, n = 0, devnull, top = 2, rp;

	hp_sig_default();
	if (sp->setsid && setsid() == -1)
		report(ep, 2);
	/*
	 * Its cgroup before anything else, where the kernel did not make
	 * it there: all it starts goes there too.
	 */
	if (sp->cgfd > 0 && !sp->joined && (i = openat(sp->cgfd,
	    "cgroup.procs", O_WRONLY | O_CLOEXEC)) != -1) {
		(void)!write(i, "0\n", 2);
		close(i);
	}
	/*
	 * Who we are, recorded first, before anything can make it fail
	 * (limits, the user): the program never runs unrecorded. A parent
	 * gone already may have an heir that does not know us: we go too.
	 */
	if (sp->record != NULL) {
		if (getppid() != parent)
			_exit(HP_EXIT_NOEXEC);
		if (sp->record(sp->arg) == -1)
			report(ep, 5);
	}
	if (sp->ctty != NULL && hp_pty_ctty(sp->ctty) == -1)
		report(ep, 2);
	pidvar(sp->pidvar);
	for (i = 0; i < 3; i++) {
		src[n] = sp->fd[i];
		dst[n++] = i;
	}
	for (k = 0; k < HP_SPAWN_EXTRA; k++)
		if (sp->extra[k][1] > 2) {
			src[n] = sp->extra[k][0];
			dst[n++] = sp->extra[k][1];
		}
	for (k = 0; k < sp->npass && k < HP_SPAWN_PASS; k++) {
		src[n] = sp->pass[k];
		dst[n++] = 3 + k;
	}
	for (k = 0; k < n; k++)
		if (dst[k] > top)
			top = dst[k];
	rp = top + 1;
	if ((i = fcntl(ep, F_DUPFD_CLOEXEC, rp < 10 ? 10 : rp)) == -1)
		report(ep, 2);
	ep = i;
	for (k = 0; k < n; k++) {
		if (src[k] >= 0)
			src[k] = fcntl(src[k], F_DUPFD, rp);
		else if ((devnull = open("/dev/null", O_RDWR)) == -1)
			report(ep, 2);
		else {
			src[k] = fcntl(devnull, F_DUPFD, rp);
			close(devnull);
		}
		if (src[k] == -1)
			report(ep, 2);
	}
	for (k = 0; k < n; k++)
		if (dup2(src[k], dst[k]) == -1)
			report(ep, 2);
	if (dup2(ep, rp) == -1 || hp_cloexec(rp) == -1)
		report(ep, 2);
	/* Between 2 and the report pipe, nothing of ours stays open. */
	for (i = 3; i < rp; i++) {
		for (k = 0; k < n && dst[k] != i; k++)
			;
		if (k == n)
			close(i);
	}
	hp_closefrom(rp + 1);
	/* Last: a low limit of open files must not stop the dup2 above. */
	if (sp->rlim != NULL && hp_rlimit_apply(sp->rlim) == -1)
		report(rp, 2);
	/* Then who it is: the directory is entered as that user. */
	if (sp->user != NULL && hp_user_become(sp->user) == -1)
		report(rp, 2);
	if (sp->setumask)
		umask(sp->umask);
	if (sp->dir != NULL && chdir(sp->dir) == -1)
		report(rp, 1);
	/* Orphaned since the record: it names one about to go. */
	if (sp->record != NULL && getppid() != parent)
		_exit(HP_EXIT_NOEXEC);
	if (sp->mark)
		(void)!write(rp, "g", 1);
	execpath(sp->argv, sp->envp != NULL ? sp->envp : environ);
	report(rp, 0);
}

/* A child of hp_spawn(), however it was made. */
struct birth {
	struct hp_spawn	*sp;
	int		*ep;
	pid_t		 parent;
};

static void born(void *) HP_DEAD;

static void
born(void *arg)
{
	struct birth *b = arg;

	close(b->ep[0]);
	child(b->sp, b->ep[1], b->parent);
}

/* In place: the program runs in this process, or it exits as child(). */
void
hp_spawn_exec(struct hp_spawn *sp, int ep)
{
	child(sp, ep, 0);
}

/*
 * Start argv and return its pid once it has exec'd. A failed exec (or
 * chdir) comes back as -1 with the child's errno, and sp->stage says
 * which: 0 exec, 1 chdir, 2 setting up; 3 and 4: our pipe or fork failed
 * (out of processes: EAGAIN); 5: sp->record failed (its errno), and the
 * child ended without running anything. The pipe is close-on-exec, so EOF
 * is success. sp->pid is the child's, whatever became of it (0: none).
 *
 * With sp->record, the child records itself before it may exec, and
 * runs nothing if it cannot: whoever comes after us knows every program
 * we started, even if we die in the middle of this. Nobody waits for
 * anybody: the record is on the child's way to its exec, not ours.
 */
pid_t
hp_spawn(struct hp_spawn *sp)
{
	struct hp_spawnerr r;
	struct birth go;
	sigset_t old;
	ssize_t n;
	pid_t pid, parent;
	int ep[2], e, st;

	sp->pid = 0;
	sp->joined = 0;
	if (sp->record != NULL) {
		/* What the record needs and keeps: read here, not in the child. */
		char boot[64];

		(void)hp_boot_id(boot, sizeof boot);
	}
	if (hp_pipe(ep, 0) == -1) {
		sp->stage = 3;
		return -1;
	}
	sp->mark = 0;
	parent = getpid();
	hp_sig_block(&old);
	/*
	 * The child borrows our memory until it execs: no page table is
	 * copied, and none torn down at the exec (most of a fork+exec on a
	 * small machine). It makes only system calls and writes only its own
	 * stack and sp's strings (pidvar), under a mask that holds every
	 * signal until its handlers are the defaults, and ends in exec or
	 * _exit: never a return. Becoming another user reads the user
	 * database, which may allocate: that child gets memory of its own.
	 * One that goes in a cgroup is made there by the kernel, spared the
	 * move into it, which can cost more than the fork and exec together:
	 * as a vfork where cgroup.c can (x86_64), else as a fork.
	 */
	go.sp = sp;
	go.ep = ep;
	go.parent = parent;
	sp->joined = sp->cgfd > 0 && !sp->cgmove;
	if (sp->joined && sp->user == NULL &&
	    (pid = hp_cgroup_vfork(sp->cgfd, born, &go)) != -1)
		;
	else if (sp->joined && (pid = hp_cgroup_fork(sp->cgfd)) != -1)
		;
	else {
		sp->joined = 0;
		pid = sp->user == NULL ? vfork() : fork();
	}
	if (pid == 0)
		born(&go);
	e = errno;
	hp_sig_restore(&old);
	close(ep[1]);
	if (pid == -1) {
		close(ep[0]);
		sp->stage = 4;
		errno = e;
		return -1;
	}
	sp->pid = pid;
	n = hp_read(ep[0], &r, sizeof r);
	close(ep[0]);
	if (n == 0) {
		sp->stage = 0;
		return pid;
	}
	hp_waitpid(pid, &st, 0);
	if (n != (ssize_t)sizeof r) {
		sp->stage = 2;
		errno = EIO;
		return -1;
	}
	sp->stage = r.stage;
	errno = r.err;
	return -1;
}
