/* hp: see LICENSE. */
/* cgroup.c: cgroup v2 on Linux, a group per process; elsewhere ENOSYS. */

#if defined(__linux__)
#define _GNU_SOURCE		/* syscall() */
#endif

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#if defined(__linux__)
#include <sys/syscall.h>
#include <ftw.h>
#include <stdint.h>

/*
 * cgroup v2, where the kernel has it and a tree of it is ours to write:
 * a group per process, so that everything it starts stays in it wherever
 * its process group or session goes, and ends with it. The hierarchy is
 * found in /proc/self/mountinfo (fstype cgroup2: /sys/fs/cgroup, or
 * /sys/fs/cgroup/unified beside the v1 controllers), a process's group
 * in /proc/PID/cgroup ("0::/path").
 */
#define MOUNTINFO_MAX	65536

static int
mountinfo(char *mnt, size_t n, char *root, size_t rn)
{
	char *buf, *line, *next, *f[6], *sep, *p;
	int i, e, r = -1;

	/* Read once, at the start: not 64 KiB of stack kept for good. */
	buf = hp_xmalloc(MOUNTINFO_MAX);
	if (hp_file_read("/proc/self/mountinfo", buf, MOUNTINFO_MAX) <= 0)
		*buf = '\0';
	else
		errno = ENOENT;
	for (line = buf; *line != '\0'; line = next) {
		next = line + strcspn(line, "\n");
		if (*next == '\n')
			*next++ = '\0';
		if ((sep = strstr(line, " - cgroup2 ")) == NULL)
			continue;
		*sep = '\0';
		for (i = 0, p = line; i < 6 && p != NULL; i++) {
			f[i] = p;
			if ((p = strchr(p, ' ')) != NULL)
				*p++ = '\0';
		}
		/* Spaces and the like come as \040: such a mount is not for us. */
		if (i < 5 || strchr(f[4], '\\') != NULL ||
		    strchr(f[3], '\\') != NULL)
			continue;
		r = hp_copy(mnt, n, f[4]) == -1 ||
		    hp_copy(root, rn, f[3]) == -1 ? -1 : 0;
		break;
	}
	e = errno;
	free(buf);
	errno = e;
	return r;
}

/*
 * Looked for once: the supervisor asks at every start, and the hierarchy
 * does not move under a running process.
 */
static int
cgroup_mount(char *mnt, size_t n, char *root, size_t rn)
{
	static char m[HP_PATH_MAX], r[HP_PATH_MAX];
	static int found;

	if (!found && mountinfo(m, sizeof m, r, sizeof r) == 0)
		found = 1;
	if (!found)
		return -1;
	if (hp_copy(mnt, n, m) == -1 || hp_copy(root, rn, r) == -1)
		return -1;
	return 0;
}

/* The directory of pid's cgroup (0: ours) in the v2 hierarchy. */
int
hp_cgroup_of(pid_t pid, char *out, size_t n)
{
	char mnt[HP_PATH_MAX], root[HP_PATH_MAX], path[64], buf[4096];
	char *p, *e;
	size_t k;

	if (cgroup_mount(mnt, sizeof mnt, root, sizeof root) == -1)
		return errno = ENOSYS, -1;
	if (pid > 0)
		snprintf(path, sizeof path, "/proc/%ld/cgroup", (long)pid);
	else
		snprintf(path, sizeof path, "/proc/self/cgroup");
	if (hp_file_read(path, buf, sizeof buf) <= 0)
		return -1;
	for (p = buf; strncmp(p, "0::", 3) != 0; p = e + 1)
		if ((e = strchr(p, '\n')) == NULL)
			return errno = ENOSYS, -1;
	p += 3;
	p[strcspn(p, "\n")] = '\0';
	/* The mount may show a part of the tree only: its root is cut off. */
	k = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (*p != '/' || strstr(p, "/..") != NULL || strncmp(p, root, k) != 0 ||
	    (p[k] != '/' && p[k] != '\0'))
		return errno = ENOENT, -1;
	p += k;
	return hp_path(out, n, "%s%s", mnt, strcmp(p, "/") == 0 ? "" : p);
}

/* Our own cgroup, if we may make groups in it and move processes there. */
int
hp_cgroup_base(char *out, size_t n)
{
	char file[HP_PATH_MAX];

	if (hp_cgroup_of(0, out, n) == -1)
		return -1;
	if (hp_path(file, sizeof file, "%s/cgroup.procs", out) == -1)
		return -1;
	if (access(out, W_OK) == -1 || access(file, W_OK) == -1)
		return -1;
	return 0;
}

/* 0: made now; 1: there already; -1 errno. */
int
hp_cgroup_make(const char *dir)
{
	if (mkdir(dir, 0755) == 0)
		return 0;
	return errno == EEXIST ? 1 : -1;
}

/*
 * The groups a process may have made below its own (it owns them: it
 * runs as the user who made its group) are its members' too, however
 * deep: walked by nftw(3), whose callback takes no argument of ours, so
 * the walk's state is here (one walk at a time). A directory's link
 * count tells whether it has any (kernfs: 2 and one a subdirectory),
 * so that a group with none, the common case, costs one stat(2) more.
 * (nftw() is XSI: _GNU_SOURCE above brings it.)
 */
static struct {
	size_t	 top;		/* the length of the top group's path */
	pid_t	*out;		/* members read, n of at most max */
	int	 n, max;
} walk;

static int
subgroups(const char *dir)
{
	struct stat sb;

	return stat(dir, &sb) == -1 || sb.st_nlink != 2;
}

/* The pids of dir's cgroup.procs, which may be longer than one read. */
static int
procs(const char *dir, pid_t *out, int max)
{
	char file[HP_PATH_MAX], buf[4096];
	ssize_t r;
	long v = 0;
	int fd, n = 0, in = 0, e;
	size_t i;

	if (hp_path(file, sizeof file, "%s/cgroup.procs", dir) == -1 ||
	    (fd = hp_open(file, O_RDONLY, 0)) == -1)
		return -1;
	while ((r = hp_read(fd, buf, sizeof buf)) > 0)
		for (i = 0; i < (size_t)r; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				v = v * 10 + (buf[i] - '0');
				in = 1;
				continue;
			}
			if (in && n < max)
				out[n++] = (pid_t)v;
			v = in = 0;
		}
	e = errno;
	close(fd);
	if (in && n < max)
		out[n++] = (pid_t)v;
	if (r == -1) {
		errno = e;
		return -1;
	}
	return n;
}

/* A group below the top: its members, to walk.out. */
static int
gather(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	int k;

	(void)sb;
	(void)ftw;
	if (flag == FTW_D && strlen(path) > walk.top && walk.n < walk.max &&
	    (k = procs(path, walk.out + walk.n, walk.max - walk.n)) > 0)
		walk.n += k;
	return 0;
}

static int
bypid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Its members, those of the groups below it with them, each once (a
 * process moved from one to another while they are read is in both,
 * and a signal must come once); -1 errno.
 */
int
hp_cgroup_procs(const char *dir, pid_t *out, int max)
{
	int i, k, n;

	if ((n = procs(dir, out, max)) == -1)
		return -1;
	if (subgroups(dir)) {
		walk.top = strlen(dir);
		walk.out = out;
		walk.n = n;
		walk.max = max;
		(void)nftw(dir, gather, 8, FTW_PHYS);
		n = walk.n;
	}
	if (n < 2)
		return n;
	qsort(out, (size_t)n, sizeof *out, bypid);
	for (i = k = 1; i < n; i++)
		if (out[i] != out[k - 1])
			out[k++] = out[i];
	return k;
}

/* 1: something still lives in it (cgroup.events), 0: empty, -1 errno. */
int
hp_cgroup_populated(const char *dir)
{
	char file[HP_PATH_MAX], buf[256], *p;

	if (hp_path(file, sizeof file, "%s/cgroup.events", dir) == -1 ||
	    hp_file_read(file, buf, sizeof buf) <= 0)
		return -1;
	if ((p = strstr(buf, "populated ")) == NULL)
		return errno = EINVAL, -1;
	return p[10] == '1';
}

/* A group below the top, after those below it: removed. */
static int
drop(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP && strlen(path) > walk.top)
		(void)rmdir(path);
	return 0;
}

/* The groups below dir, once nothing lives in any of them. */
void
hp_cgroup_prune(const char *dir)
{
	if (subgroups(dir) && hp_cgroup_populated(dir) == 0) {
		walk.top = strlen(dir);
		(void)nftw(dir, drop, 8, FTW_DEPTH | FTW_PHYS);
	}
}

/* dir, and first the empty groups below it; -1 EBUSY: one is in use. */
int
hp_cgroup_remove(const char *dir)
{
	hp_cgroup_prune(dir);
	return rmdir(dir);
}

static int
cgroup_put(const char *dir, const char *name, const char *v)
{
	char file[HP_PATH_MAX];
	int fd, r;

	if (hp_path(file, sizeof file, "%s/%s", dir, name) == -1 ||
	    (fd = hp_open(file, O_WRONLY, 0)) == -1)
		return -1;
	r = hp_write_all(fd, v, strlen(v));
	close(fd);
	return r;
}

/*
 * Without cgroup.kill (before Linux 5.14): freeze the group, so that
 * nothing in it can fork while it is read, SIGKILL each member, thaw it
 * for the signals to take; again until it is empty.
 */
int
hp_cgroup_freezekill(const char *dir)
{
	char file[HP_PATH_MAX], buf[256];
	pid_t pids[1024];
	int round, i, n, k, total = 0;

	if (hp_path(file, sizeof file, "%s/cgroup.events", dir) == -1)
		return -1;
	for (round = 0; round < 50; round++) {
		if ((n = hp_cgroup_procs(dir, pids, 1024)) <= 0)
			return n == -1 && total == 0 ? -1 : total;
		if (cgroup_put(dir, "cgroup.freeze", "1") == -1)
			return -1;
		for (k = 0; k < 100; k++) {
			if (hp_file_read(file, buf, sizeof buf) > 0 &&
			    strstr(buf, "frozen 1") != NULL)
				break;
			poll(NULL, 0, 1);
		}
		if ((n = hp_cgroup_procs(dir, pids, 1024)) > 0)
			for (i = 0; i < n; i++)
				total += kill(pids[i], SIGKILL) == 0;
		(void)cgroup_put(dir, "cgroup.freeze", "0");
		for (k = 0; k < 100 && hp_cgroup_populated(dir) == 1; k++)
			poll(NULL, 0, 1);
	}
	return total;
}

/* SIGKILL to every member at once; -1 ENOSYS: no such group here. */
int
hp_cgroup_kill(const char *dir)
{
	if (cgroup_put(dir, "cgroup.kill", "1") == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	return hp_cgroup_freezekill(dir) == -1 ? -1 : 0;
}

/*
 * A child born in the cgroup whose directory is open as dir: clone3()
 * with CLONE_INTO_CGROUP (Linux 5.7), as fork() would, 0 in the child.
 * Moving a process in by cgroup.procs waits for the kernel's RCU grace
 * period whenever no other move came just before (5-10 ms on a quiet
 * machine, against 0.6 for a whole fork+exec); a child made there waits
 * for nothing. -1: not made (ENOSYS: this kernel or a filter refuses
 * the call, and is not asked again), and the caller moves the child.
 *
 * The child is the raw system call's, not libc's fork(): its libc still
 * holds the thread id of its parent, so it must neither be threaded nor
 * signal itself (raise, abort). Our callers are single-threaded, and
 * their children make system calls and exec.
 */
static int unable;		/* clone3 into a group is not to be used */

#if defined(SYS_clone3)
struct clone_args3 {		/* struct clone_args, as the kernel reads it */
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};
#define INTO_CGROUP	0x200000000ULL	/* CLONE_INTO_CGROUP */

/* A refusal of clone3 (errno) is for good: not asked again. */
static pid_t
refused(void)
{
	if (errno == ENOSYS || errno == E2BIG || errno == EINVAL ||
	    errno == EPERM) {
		unable = 1;
		errno = ENOSYS;
	}
	return -1;
}

pid_t
hp_cgroup_fork(int dir)
{
	struct clone_args3 a;
	long r;

	if (unable)
		return errno = ENOSYS, -1;
	memset(&a, 0, sizeof a);
	a.flags = INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t)dir;
	if ((r = syscall(SYS_clone3, &a, sizeof a)) == -1)
		return refused();
	return (pid_t)r;
}

/*
 * The same child, sharing our memory and stack until it execs, as
 * vfork(2) makes it: no page table is copied, and none torn down at its
 * exec. Only a few lines of assembly can make it, for the child must
 * not return from the system call into a frame its parent still needs:
 * it runs fn(arg) below our stack pointer and its red zone, and fn must
 * end in exec or _exit. Here on x86_64, and not under a sanitizer, whose
 * bookkeeping of the stack would see the child's frames as ours.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define SANITIZED
#endif
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(SANITIZED)
#define VFORK_ASM
#define SHARED_VM	0x100ULL	/* CLONE_VM */
#define VFORK		0x4000ULL	/* CLONE_VFORK */

pid_t
hp_cgroup_vfork(int dir, void (*fn)(void *), void *arg)
{
	struct clone_args3 a;
	long r = SYS_clone3;

	if (unable)
		return errno = ENOSYS, -1;
	memset(&a, 0, sizeof a);
	a.flags = SHARED_VM | VFORK | INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t)dir;
	__asm__ __volatile__(
	    "syscall\n\t"
	    "testq %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    "subq $256, %%rsp\n\t"
	    "andq $-16, %%rsp\n\t"
	    "xorl %%ebp, %%ebp\n\t"
	    "movq %%rbx, %%rdi\n\t"
	    "callq *%%rdx\n\t"
	    "ud2\n"
	    "1:"
	    : "+a" (r)
	    : "D" (&a), "S" (sizeof a), "d" (fn), "b" (arg)
	    : "rcx", "r11", "memory", "cc");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return refused();
	}
	return (pid_t)r;
}
#endif
#else
pid_t
hp_cgroup_fork(int dir)
{
	(void)dir;
	errno = ENOSYS;
	return -1;
}
#endif

/*
 * Once, in our new base: is a child made in a new group of it alive?
 * Some kernels (6.18 among them) kill at birth a child made in a group
 * whose count of cgroup.kill differs from its parent's group's: one
 * that cgroup.kill once killed (the caller makes those anew), or any,
 * where we ourselves run in a group once killed (then never again).
 */
void
hp_cgroup_forktest(const char *base)
{
	char dir[HP_PATH_MAX];
	pid_t pid;
	int fd, st;

	if (unable || hp_path(dir, sizeof dir, "%s/fork-test", base) == -1 ||
	    mkdir(dir, 0755) == -1)
		return;
	if ((fd = hp_open(dir, O_RDONLY | O_DIRECTORY, 0)) != -1) {
		if ((pid = hp_cgroup_fork(fd)) == 0)
			_exit(0);
		if (pid > 0 && hp_waitpid(pid, &st, 0) == pid &&
		    !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			unable = 1;
		close(fd);
	}
	(void)rmdir(dir);
}

#else /* the portable fallback: no group, the tree by ancestry */

pid_t
hp_cgroup_fork(int dir)
{
	(void)dir;
	errno = ENOSYS;
	return -1;
}

void
hp_cgroup_forktest(const char *base)
{
	(void)base;
}

int
hp_cgroup_of(pid_t pid, char *out, size_t n)
{
	(void)pid;
	(void)out;
	(void)n;
	errno = ENOSYS;
	return -1;
}

int
hp_cgroup_base(char *out, size_t n)
{
	(void)out;
	(void)n;
	errno = ENOSYS;
	return -1;
}

int
hp_cgroup_make(const char *dir)
{
	(void)dir;
	errno = ENOSYS;
	return -1;
}

int
hp_cgroup_remove(const char *dir)
{
	(void)dir;
	errno = ENOSYS;
	return -1;
}

void
hp_cgroup_prune(const char *dir)
{
	(void)dir;
}

int
hp_cgroup_procs(const char *dir, pid_t *out, int max)
{
	(void)dir;
	(void)out;
	(void)max;
	errno = ENOSYS;
	return -1;
}

int
hp_cgroup_populated(const char *dir)
{
	(void)dir;
	errno = ENOSYS;
	return -1;
}

int
hp_cgroup_freezekill(const char *dir)
{
	(void)dir;
	errno = ENOSYS;
	return -1;
}

int
hp_cgroup_kill(const char *dir)
{
	(void)dir;
	errno = ENOSYS;
	return -1;
}

#endif

#if !defined(VFORK_ASM)
/* Where the child cannot borrow our memory: the caller forks. */
pid_t
hp_cgroup_vfork(int dir, void (*fn)(void *), void *arg)
{
	(void)dir;
	(void)fn;
	(void)arg;
	errno = ENOSYS;
	return -1;
}
#endif
