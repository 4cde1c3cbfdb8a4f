/* hp: see LICENSE. */
/* platform.c: what only some systems have; elsewhere ENOSYS or a loop. */

#if defined(__linux__)
#define _GNU_SOURCE
#elif defined(__APPLE__)
#define _DARWIN_C_SOURCE
#else
#undef _POSIX_C_SOURCE		/* initgroups(), setgroups() are BSD's */
#endif

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif
#if defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
#define HAVE_CLOSEFROM 1
#endif

#include "hp.h"

#if defined(__linux__)

static long
pagesize(void)
{
	static long ps;

	if (ps == 0)
		ps = sysconf(_SC_PAGESIZE);
	return ps;
}

/* /proc/PID/stat: the fields after "(comm)", which may hold anything. */
static int
statparse(char *buf, struct hp_pstat *ps)
{
	unsigned long long f[24];
	char *p, *end;
	int i;

	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ') {
		errno = ESRCH;
		return -1;
	}
	ps->state = p[2];
	p += 3;
	/* f[0] is field 4 (ppid), f[20] is field 24 (rss). */
	for (i = 0; i < 21; i++) {
		f[i] = strtoull(p, &end, 10);
		if (end == p && *p != '-') {
			errno = ESRCH;
			return -1;
		}
		p = end;
	}
	ps->ppid = (pid_t)f[0];
	ps->pgid = (pid_t)f[1];
	ps->sid = (pid_t)f[2];
	ps->faults = f[6] + f[8];
	ps->cpu = f[10] + f[11];
	ps->ccpu = f[12] + f[13];
	ps->threads = (int)f[16];
	ps->start = f[18];
	ps->rss = f[20] * (unsigned long long)pagesize();
	/*
	 * A process whose first thread has ended while others run is said
	 * to be a zombie: it is not, it runs on (and has its signals).
	 */
	if (ps->state == 'Z' && ps->threads > 1)
		ps->state = 'R';
	return 0;
}

/* No /proc mounted: this system cannot tell, not "gone". */
static int
noproc(void)
{
	errno = access("/proc/self/stat", F_OK) == 0 ? ESRCH : ENOSYS;
	return -1;
}

int
hp_pstat(pid_t pid, struct hp_pstat *ps)
{
	char path[64], buf[1024];

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (hp_file_read(path, buf, sizeof buf) <= 0)
		return noproc();
	return statparse(buf, ps);
}

/*
 * Read again what a descriptor kept open holds: a file of /proc is made
 * anew at each read from its start, and the descriptor stays the one
 * process's (a pid reused is another file). Opening costs more than
 * reading, and a sampler reads the same files every second.
 */
static ssize_t
reread(const char *path, int *fd, char *buf, size_t n)
{
	ssize_t r;

	if (*fd == -1 && (*fd = hp_open(path, O_RDONLY, 0)) == -1)
		return -1;
	do
		r = pread(*fd, buf, n - 1, 0);
	while (r == -1 && errno == EINTR);
	if (r >= 0)
		buf[r] = '\0';
	return r;
}

int
hp_pstat_kept(pid_t pid, int *fd, struct hp_pstat *ps)
{
	char path[64], buf[1024];

	if (fd == NULL)
		return hp_pstat(pid, ps);
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if (reread(path, fd, buf, sizeof buf) <= 0)
		return *fd == -1 && errno != ENOENT ? hp_pstat(pid, ps) :
		    noproc();
	return statparse(buf, ps);
}

/* Whole numbers separated by blanks, at most max of them. */
static int
pids(const char *buf, pid_t *out, int max)
{
	const char *p;
	char *end;
	int n = 0;
	long c;

	for (p = buf; n < max; p = end) {
		c = strtol(p, &end, 10);
		if (end == p)
			break;
		out[n++] = (pid_t)c;
	}
	return n;
}

int
hp_proc_kids(pid_t pid, int *fd, pid_t *out, int max)
{
	char path[96], buf[4096];
	int mine = -1, *f = fd != NULL ? fd : &mine, n = -1;

	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid,
	    (long)pid);
	if (reread(path, f, buf, sizeof buf) >= 0)
		n = pids(buf, out, max);
	if (mine != -1)
		close(mine);
	if (n == -1) {
		snprintf(path, sizeof path, "/proc/%ld/task/%ld/children",
		    (long)getpid(), (long)getpid());
		errno = access(path, F_OK) == 0 ? ESRCH : ENOSYS;
	}
	return n;
}

/* Proportional memory, from smaps_rollup (Linux 4.14 and later). */
long long
hp_proc_pss(pid_t pid)
{
	char path[64], buf[2048], *p;

	snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", (long)pid);
	if (hp_file_read(path, buf, sizeof buf) <= 0 ||
	    (p = strstr(buf, "\nPss:")) == NULL)
		return -1;
	return strtoll(p + 5, NULL, 10) * 1024;
}

int
hp_proc_nfds(pid_t pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

/*
 * Children of every thread of pid, from /proc/PID/task/TID/children,
 * read into room for max of them (a pid is 7 digits at most, and a
 * space): a list cut short never ends in half a pid.
 */
int
hp_proc_children(pid_t pid, int threads, pid_t *out, int max)
{
	char path[96], small[4096], *buf = small;
	size_t size = (size_t)(max > 0 ? max : 0) * 8 + 64;
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if (size > sizeof small)
		buf = hp_xmalloc(size);
	else
		size = sizeof small;
	/* One thread: its children file alone, without the directory. */
	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid,
	    (long)pid);
	if (threads == 1 && hp_file_readall(path, buf, size) >= 0) {
		n = pids(buf, out, max);
		goto done;
	}
	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((dir = opendir(path)) == NULL) {
		n = -1;
		goto done;
	}
	while ((d = readdir(dir)) != NULL && n < max) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%ld/task/%.20s/children",
		    (long)pid, d->d_name);
		if (hp_file_readall(path, buf, size) == -1) {
			if (errno != ENOENT) {
				n = -1;		/* no telling: not none */
				break;
			}
			/* No such file of a thread still there: no kernel's. */
			snprintf(path, sizeof path, "/proc/%ld/task/%.20s",
			    (long)pid, d->d_name);
			if (access(path, F_OK) == 0) {
				n = -1;
				errno = ENOSYS;
				break;
			}
			continue;	/* that thread is gone */
		}
		n += pids(buf, out + n, max - n);
	}
	closedir(dir);
done:
	if (buf != small) {
		int e = errno;

		free(buf);
		errno = e;
	}
	return n;
}

/* Every process of session sid (-1: of any), from /proc. */
static int
procs(pid_t sid, pid_t *out, int max)
{
	struct hp_pstat ps;
	struct dirent *d;
	DIR *dir;
	char *end;
	long pid;
	int n = 0;

	if ((dir = opendir("/proc")) == NULL)
		return errno = ENOSYS, -1;
	while ((d = readdir(dir)) != NULL && n < max) {
		pid = strtol(d->d_name, &end, 10);
		if (pid > 0 && *end == '\0' && (sid == -1 ||
		    (hp_pstat((pid_t)pid, &ps) == 0 && ps.sid == sid)))
			out[n++] = (pid_t)pid;
	}
	closedir(dir);
	return n;
}

int
hp_proc_session(pid_t sid, pid_t *out, int max)
{
	return procs(sid, out, max);
}

/*
 * The first word of pid's command line (argv[0] as the program was
 * started, what node-pty calls its process), else its name: a zombie
 * has no command line.
 */
int
hp_proc_argv0(pid_t pid, char *buf, size_t n)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	if (hp_file_read(path, buf, n) > 0 && buf[0] != '\0')
		return 0;
	return hp_proc_comm(pid, buf, n);
}

/* The name of pid's command, as the kernel keeps it (15 bytes). */
int
hp_proc_comm(pid_t pid, char *buf, size_t n)
{
	char path[64];
	ssize_t r;

	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	if ((r = hp_file_read(path, buf, n)) <= 0)
		return -1;
	buf[r - 1] = buf[r - 1] == '\n' ? '\0' : buf[r - 1];
	return 0;
}

/* The boot does not change under a running process: read it once. */
int
hp_boot_id(char *buf, size_t n)
{
	static char id[64];

	if (id[0] == '\0') {
		if (hp_file_read("/proc/sys/kernel/random/boot_id", id,
		    sizeof id) <= 0) {
			id[0] = '\0';
			return -1;
		}
		id[strcspn(id, "\n")] = '\0';
	}
	return hp_copy(buf, n, id);
}

/*
 * Every descriptor from low up closed. It runs in a child that borrows
 * its parent's memory (vfork): system calls only, into a buffer on the
 * stack, never malloc() (which opendir() would call).
 */
void
hp_closefrom(int low)
{
	char buf[4096], *name;
	unsigned short len;
	long fd, n, off;
	int dfd;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)low, ~0U, 0) == 0)
		return;
#endif
	if ((dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		/* struct linux_dirent64: ino 8, off 8, reclen 2, type 1. */
		while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0)
			for (off = 0; off + 19 < n; off += len) {
				memcpy(&len, buf + off + 16, sizeof len);
				if (len == 0)
					break;
				name = buf + off + 19;
				fd = strtol(name, NULL, 10);
				if (fd >= low && fd != dfd && name[0] != '.')
					close((int)fd);
			}
		close(dfd);
		return;
	}
	for (fd = low; fd < sysconf(_SC_OPEN_MAX) && fd < 65536; fd++)
		close((int)fd);
}

/*
 * A descriptor of our own on the pipe (or FIFO) that fd writes to, opened
 * anew through /proc: O_NONBLOCK on it is ours alone, not set under
 * whoever shares fd (a shell). Close-on-exec; -1: not a pipe, or it
 * cannot be opened again (no reader, another user's).
 */
int
hp_pipe_reopen(int fd)
{
	char path[64];
	struct stat a, b;
	int n;

	if (fstat(fd, &a) == -1 || !S_ISFIFO(a.st_mode))
		return -1;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if ((n = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(n, &b) == -1 || b.st_dev != a.st_dev ||
	    b.st_ino != a.st_ino) {
		close(n);
		return -1;
	}
	return n;
}

int
hp_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* Its inode: the same for every process that sees the same pids. */
unsigned long long
hp_pidns(void)
{
	struct stat sb;

	return stat("/proc/self/ns/pid", &sb) == 0 ?
	    (unsigned long long)sb.st_ino : 0;
}

/*
 * A signal that libc keeps for itself (glibc 32 and 33, musl 32 to 34:
 * sigaction() refuses them) back to its default, by the system call: a
 * child must not hand one on ignored. The kernel's struct of all zeros
 * is SIG_DFL, no flags, nothing masked, whatever its layout.
 */
int
hp_sig_reserved_default(int sig)
{
#if defined(SYS_rt_sigaction) && defined(NSIG)
	unsigned long zero[8];

	memset(zero, 0, sizeof zero);
	return (int)syscall(SYS_rt_sigaction, sig, zero, NULL,
	    (size_t)(NSIG - 1) / 8);
#else
	(void)sig;
	errno = ENOSYS;
	return -1;
#endif
}

int
hp_parent_death(int sig)
{
	return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0);
}

int
hp_loadavg(double *load)
{
	char buf[128];

	if (hp_file_read("/proc/loadavg", buf, sizeof buf) <= 0)
		return -1;
	return sscanf(buf, "%lf %lf %lf", &load[0], &load[1], &load[2]) == 3 ?
	    0 : -1;
}

/* The pid given out last, from /proc/loadavg's last field. */
long
hp_proc_lastpid(void)
{
	char buf[128], *p;

	if (hp_file_read("/proc/loadavg", buf, sizeof buf) <= 0 ||
	    (p = strrchr(buf, ' ')) == NULL)
		return -1;
	return strtol(p + 1, NULL, 10);
}

long long
hp_mem_available(void)
{
	char buf[4096], *p;

	if (hp_file_read("/proc/meminfo", buf, sizeof buf) <= 0)
		return -1;
	if ((p = strstr(buf, "MemAvailable:")) == NULL)
		return -1;
	return strtoll(p + 13, NULL, 10) * 1024;
}

int
hp_rlimit_nproc(void)
{
	return RLIMIT_NPROC;
}

/* Every process on the system: count, at most max. */
int
hp_proc_all(pid_t *out, int max)
{
	return procs(-1, out, max);
}

#else /* the portable fallback */

int
hp_proc_all(pid_t *out, int max)
{
	(void)out;
	(void)max;
	errno = ENOSYS;
	return -1;
}

int
hp_pstat(pid_t pid, struct hp_pstat *ps)
{
	(void)pid;
	(void)ps;
	errno = ENOSYS;
	return -1;
}

int
hp_proc_children(pid_t pid, int threads, pid_t *out, int max)
{
	(void)pid;
	(void)threads;
	(void)out;
	(void)max;
	errno = ENOSYS;
	return -1;
}

int
hp_pstat_kept(pid_t pid, int *fd, struct hp_pstat *ps)
{
	(void)fd;
	return hp_pstat(pid, ps);
}

int
hp_proc_kids(pid_t pid, int *fd, pid_t *out, int max)
{
	(void)pid;
	(void)fd;
	(void)out;
	(void)max;
	errno = ENOSYS;
	return -1;
}

long long
hp_proc_pss(pid_t pid)
{
	(void)pid;
	errno = ENOSYS;
	return -1;
}

int
hp_proc_nfds(pid_t pid)
{
	(void)pid;
	errno = ENOSYS;
	return -1;
}

int
hp_proc_comm(pid_t pid, char *buf, size_t n)
{
	(void)pid;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
}

int
hp_proc_argv0(pid_t pid, char *buf, size_t n)
{
	return hp_proc_comm(pid, buf, n);
}

int
hp_proc_session(pid_t sid, pid_t *out, int max)
{
	(void)sid;
	(void)out;
	(void)max;
	errno = ENOSYS;
	return -1;
}

int
hp_boot_id(char *buf, size_t n)
{
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
}

void
hp_closefrom(int low)
{
#ifdef HAVE_CLOSEFROM
	closefrom(low);
#else
	long fd, max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = low; fd < max; fd++)
		close((int)fd);
#endif
}

int
hp_pipe_reopen(int fd)
{
	(void)fd;
	errno = ENOSYS;
	return -1;
}

int
hp_subreaper(void)
{
	errno = ENOSYS;
	return -1;
}

unsigned long long
hp_pidns(void)
{
	return 0;
}

/* Elsewhere sigaction() takes every signal: none is kept. */
int
hp_sig_reserved_default(int sig)
{
	(void)sig;
	errno = ENOSYS;
	return -1;
}

int
hp_parent_death(int sig)
{
	(void)sig;
	errno = ENOSYS;
	return -1;
}

int
hp_loadavg(double *load)
{
	(void)load;
	errno = ENOSYS;
	return -1;
}

long
hp_proc_lastpid(void)
{
	return -1;
}

long long
hp_mem_available(void)
{
	return -1;
}

/* Not POSIX, but most systems have it. */
int
hp_rlimit_nproc(void)
{
#ifdef RLIMIT_NPROC
	return RLIMIT_NPROC;
#else
	errno = ENOSYS;
	return -1;
#endif
}

#endif

/*
 * A pipe, both ends close-on-exec (and non-blocking when asked): made so
 * in one call where the system has pipe2().
 */
int
hp_pipe(int p[2], int nonblock)
{
	int i, e;

#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__)
	if (pipe2(p, O_CLOEXEC | (nonblock ? O_NONBLOCK : 0)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
#endif
	if (pipe(p) == -1)
		return -1;
	for (i = 0; i < 2; i++)
		if (hp_cloexec(p[i]) == -1 ||
		    (nonblock && hp_nonblock(p[i]) == -1)) {
			e = errno;
			close(p[0]);
			close(p[1]);
			errno = e;
			return -1;
		}
	return 0;
}

/*
 * The supplementary groups of name (NULL: none but gid), in a child about
 * to become that user. Not POSIX, but every system has initgroups().
 */
int
hp_groups_set(const char *name, gid_t gid)
{
	if (name == NULL)
		return setgroups(1, &gid);
	return initgroups(name, gid);
}

/* Set-uid programs no longer raise privileges, where that can be said. */
int
hp_no_new_privs(void)
{
#if defined(__linux__) && defined(PR_SET_NO_NEW_PRIVS)
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Where our executable is, made absolute: /proc/self/exe on Linux; else
 * (and where /proc is not mounted) argv[0] if it has a slash, else the
 * first directory of PATH that holds it, as the shell found it.
 */
int
hp_self_path(char *buf, size_t n)
{
	char path[HP_PATH_MAX], *real;
	const char *a = hp_argv0, *p, *e;
	ssize_t r;

#if defined(__linux__)
	if ((r = readlink("/proc/self/exe", path, sizeof path - 1)) > 0 &&
	    path[0] == '/') {
		path[r] = '\0';
		return hp_copy(buf, n, path);
	}
#else
	(void)r;
#endif
	if (a == NULL || *a == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strchr(a, '/') != NULL) {
		if (hp_copy(path, sizeof path, a) == -1)
			return -1;
	} else {
		if ((p = getenv("PATH")) == NULL)
			p = "/usr/bin:/bin";
		for (;; p = e + 1) {
			e = strchr(p, ':');
			if (e == NULL)
				e = p + strlen(p);
			if (hp_path(path, sizeof path, "%.*s/%s", e > p ?
			    (int)(e - p) : 1, e > p ? p : ".", a) == 0 &&
			    access(path, X_OK) == 0)
				break;
			if (*e == '\0') {
				errno = ENOENT;
				return -1;
			}
		}
	}
	if ((real = realpath(path, NULL)) == NULL)
		return -1;
	r = hp_copy(buf, n, real);
	free(real);
	return (int)r;
}

/*
 * A file in memory alone (Linux: memfd), close-on-exec: what a full disk
 * cannot refuse. -1 ENOSYS elsewhere, or errno.
 */
int
hp_memfile(const char *name)
{
#if defined(__linux__) && defined(SYS_memfd_create)
	return (int)syscall(SYS_memfd_create, name, 1U /* MFD_CLOEXEC */);
#else
	(void)name;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Our own executable, open, to be run again by fexecve() even once an
 * update has replaced or removed its file: -1 errno.
 */
int
hp_self_image(void)
{
	char path[HP_PATH_MAX];
	int fd;

#if defined(__linux__)
	if ((fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) != -1)
		return fd;
#endif
	if (hp_self_path(path, sizeof path) == -1)
		return -1;
	fd = hp_open(path, O_RDONLY, 0);
	return fd;
}

/*
 * A datagram socket that tells who sent each message: on Linux the
 * kernel adds the sender's pid (SO_PASSCRED, SCM_CREDENTIALS), which it
 * checks, so that it cannot be forged. Elsewhere nothing is told (0).
 */
int
hp_dgram_creds(int fd)
{
#if defined(__linux__) && defined(SO_PASSCRED)
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
#else
	(void)fd;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * One datagram into buf (NUL-terminated, cut to n - 1 bytes), and its
 * sender's pid where the system tells it, else 0. Descriptors that come
 * with it are closed: we take none. -1 and errno (EAGAIN: none waits).
 */
ssize_t
hp_dgram_recv(int fd, char *buf, size_t n, pid_t *sender)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(16 * sizeof(int)) + 64];
	} ctl;
	struct cmsghdr *c;
	struct msghdr m;
	struct iovec iov;
	ssize_t r;
	size_t k, nfd;
	int *fds;

	*sender = 0;
	memset(&m, 0, sizeof m);
	iov.iov_base = buf;
	iov.iov_len = n - 1;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof ctl.buf;
	do
		r = recvmsg(fd, &m, MSG_DONTWAIT);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return -1;
	buf[r] = '\0';
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS) {
			fds = (int *)(void *)CMSG_DATA(c);
			nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (k = 0; k < nfd; k++)
				close(fds[k]);
		}
#if defined(__linux__) && defined(SCM_CREDENTIALS)
		if (c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred u;

			memcpy(&u, CMSG_DATA(c), sizeof u);
			*sender = u.pid;
		}
#endif
	}
	return r;
}
