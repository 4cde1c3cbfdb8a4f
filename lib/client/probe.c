/* hp: see LICENSE. */
/*
 * probe.c: a tool's version, found by a worker of its own: it runs the
 * version command, reads its output and matches the regex over it, so
 * that a probe's deadline ends the match as it ends the command.
 */

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/detect.h"

#define PROBE_MAX	(64 * 1024)	/* output beyond this is a flood */
#define VERSION_SCAN	4096	/* of a probe's output, the version is in */
#define DEFAULT_RE	"([0-9]+\\.[0-9]+(\\.[0-9]+)?)"
#define EXEC_MARK	"hp-detect: exec failed: "

/*
 * A regex glibc can compile in reasonable memory: it copies the tree of
 * an atom for each + and each count of an interval, so nested ones grow
 * as a product ("((a+)+)+", "((a{99}){99}){99}" take gigabytes). Count
 * those copies, at most RE_NODES, with RE_DEPTH groups at most; refuse
 * adjacent duplications ("a+*") and back-references (\\1), which POSIX
 * leaves undefined in an ERE and which match in exponential time.
 */
#define RE_NODES	4096
#define RE_DEPTH	16

/* At a duplication symbol: how many copies of the atom it makes; 0 bad. */
static long
copies(const char **pp)
{
	const char *p = *pp;
	long n = 0, m;

	*pp = p + 1;
	if (*p == '*' || *p == '?')
		return 1;
	if (*p == '+')
		return 2;
	for (p++; *p >= '0' && *p <= '9' && n <= RE_NODES; p++)
		n = n * 10 + (*p - '0');
	if (*p == ',') {
		for (m = 0, p++; *p >= '0' && *p <= '9' && m <= RE_NODES; p++)
			m = m * 10 + (*p - '0');
		if (p[-1] != ',')
			n = m;
		n++;		/* {n,} is n copies and a star */
	}
	if (*p != '}' || n > RE_NODES)
		return 0;
	*pp = p + 1;
	return n > 0 ? n : 1;
}

/* Past the bracket expression at p, or NULL if it does not end. */
static const char *
bracket(const char *p)
{
	const char *e;

	p += p[1] == '^' ? 2 : 1;
	if (*p == ']')
		p++;
	for (; *p != ']'; p++) {
		if (*p == '\0')
			return NULL;
		if (*p == '[' && strchr(":.=", p[1]) != NULL && p[1] != '\0') {
			e = p + 2;
			while (*e != '\0' && (e[0] != p[1] || e[1] != ']'))
				e++;
			if (*e == '\0')
				return NULL;
			p = e + 1;
		}
	}
	return p + 1;
}

int
hp_version_re_ok(const char *re)
{
	long size[RE_DEPTH + 1], last = 0, k;
	const char *p = re;
	int depth = 0, dup = 0;

	size[0] = 0;
	while (*p != '\0') {
		if (*p == '*' || *p == '+' || *p == '?' || (*p == '{' &&
		    p[1] >= '0' && p[1] <= '9')) {
			if (dup || (k = copies(&p)) == 0)
				return 0;
			size[depth] += last * (k - 1);
			last *= k;
			dup = 1;
		} else if (*p == '(') {
			if (++depth > RE_DEPTH)
				return 0;
			size[depth] = last = dup = 0;
			p++;
		} else {
			last = 1;
			if (*p == '[') {
				if ((p = bracket(p)) == NULL)
					return 0;
			} else {
				if (*p == ')' && depth > 0)
					last += size[depth--];
				else if (*p == '|')
					last = 0;
				else if (*p == '\\' && p[1] >= '1' &&
				    p[1] <= '9')
					return 0;	/* back-reference */
				else if (*p == '\\' && p[1] != '\0')
					p++;
				p++;
			}
			size[depth] += last;
			dup = 0;
		}
		if (size[depth] > RE_NODES || last > RE_NODES)
			return 0;
	}
	return 1;
}

/*
 * The version in text: subexpression 1 of re (NULL: the default) into
 * ver, the line it is on into raw. Without a match, raw is the first
 * line and ver empty: -1. Only the first VERSION_SCAN bytes are looked
 * at: a regex search may take time quadratic in its text, or worse.
 */
int
hp_version_parse(const char *re, const char *whole, char *ver, size_t vn,
    char *raw, size_t rn)
{
	char text[VERSION_SCAN + 1];
	const char *ls, *le;
	size_t n;
	regmatch_t m[2];
	regex_t rx;
	int ok;

	n = strnlen(whole, VERSION_SCAN);
	memcpy(text, whole, n);
	text[n] = '\0';
	ver[0] = raw[0] = '\0';
	if (re == NULL)
		re = DEFAULT_RE;
	if (!hp_version_re_ok(re) || regcomp(&rx, re, REG_EXTENDED) != 0)
		return -1;
	ok = regexec(&rx, text, 2, m, 0) == 0 && m[1].rm_so >= 0;
	regfree(&rx);
	if (ok) {
		snprintf(ver, vn, "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
		    text + m[1].rm_so);
		for (ls = text + m[1].rm_so; ls > text && ls[-1] != '\n'; ls--)
			;
	} else
		for (ls = text; *ls == '\n' || *ls == '\r'; ls++)
			;
	while (*ls == ' ' || *ls == '\t')
		ls++;
	le = ls + strcspn(ls, "\r\n");
	while (le > ls && (le[-1] == ' ' || le[-1] == '\t'))
		le--;
	snprintf(raw, rn, "%.*s", (int)(le - ls), ls);
	for (; *raw != '\0'; raw++)
		if ((unsigned char)*raw < ' ')
			*raw = ' ';
	return ok ? 0 : -1;
}

/*
 * The tool, in the worker's child: stdin /dev/null, stdout and stderr
 * to the pipe; an exec that fails says so on it.
 */
static void
tool(char **argv, char **envp, int out)
{
	int null;

	hp_sig_default();
	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, 0) == -1 || dup2(out, 1) == -1 || dup2(out, 2) == -1)
		_exit(126);
	hp_closefrom(3);
	execve(argv[0], argv, envp);
	dprintf(2, "%s%s\n", EXEC_MARK, strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int chld = -1;	/* the worker's own self-pipe, for SIGCHLD */

static void
onchld(int sig)
{
	int e = errno;

	(void)sig;
	(void)!write(chld, "c", 1);
	errno = e;
}

/* What the output and the wait status say, into a. */
static void
outcome(struct hp_probe *a, const char *re, struct hp_buf *out)
{
	const char *s = hp_buf_str(out);

	if (strncmp(s, EXEC_MARK, strlen(EXEC_MARK)) == 0) {
		snprintf(a->error, sizeof a->error, "exec: %.*s",
		    (int)strcspn(s + strlen(EXEC_MARK), "\n"),
		    s + strlen(EXEC_MARK));
		s = "";
	}
	if (hp_version_parse(re, s, a->version, sizeof a->version, a->raw,
	    sizeof a->raw) == 0 || a->error[0] != '\0')
		return;
	if (WIFSIGNALED(a->status))
		snprintf(a->error, sizeof a->error, "killed by SIG%s",
		    hp_signame(WTERMSIG(a->status)));
	else if (WEXITSTATUS(a->status) != 0)
		snprintf(a->error, sizeof a->error, "exit %d",
		    WEXITSTATUS(a->status));
	else
		snprintf(a->error, sizeof a->error,
		    "no version in its output");
}

/*
 * The worker: the tool's output is read until the tool has ended (its
 * output may stay open in what it left: SIGCHLD says when) or floods;
 * then matched; the answer is one write, less than PIPE_BUF.
 */
static void
worker(const struct hp_tool *t, char **argv, char **envp, int ans)
{
	static struct hp_probe a;
	struct sigaction sa;
	struct pollfd p[2];
	struct hp_buf out = { 0 };
	char buf[8192];
	int o[2], c[2], st, ended = 0;
	ssize_t n;
	pid_t pid;

	if (hp_pipe(o, 0) == -1 || hp_pipe(c, 1) == -1 ||
	    hp_nonblock(o[0]) == -1)
		_exit(126);
	chld = c[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onchld;
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	if ((pid = fork()) == -1)
		_exit(126);
	if (pid == 0)
		tool(argv, envp, o[1]);
	close(o[1]);
	p[0].fd = o[0];
	p[1].fd = c[0];
	p[0].events = p[1].events = POLLIN;
	for (;;) {
		n = -1;
		while (out.len <= PROBE_MAX && (n = hp_read(o[0], buf,
		    sizeof buf)) > 0)
			hp_buf_add(&out, buf, (size_t)n);
		if (out.len > PROBE_MAX) {
			snprintf(a.error, sizeof a.error,
			    "output flood: more than %d bytes", PROBE_MAX);
			kill(pid, SIGKILL);
			break;
		}
		if (n == 0 || ended || (errno != EAGAIN &&
		    errno != EWOULDBLOCK))
			break;	/* its end, or all it wrote before it */
		if (hp_waitpid(pid, &st, WNOHANG) == pid) {
			ended = 1;	/* one more read: what is left */
			continue;
		}
		if (poll(p, 2, -1) == -1 && errno != EINTR)
			_exit(126);
		while (hp_read(c[0], buf, sizeof buf) > 0)
			;
	}
	if (!ended)
		hp_waitpid(pid, &st, 0);
	a.status = st;
	outcome(&a, t->regex, &out);
	(void)!write(ans, &a, sizeof a);
	_exit(0);
}

/*
 * Start the probe of t at path: a worker in a session of its own (and
 * in the cgroup whose directory is open as cg, unless -1: made there
 * by the kernel where it can and move is 0, else moved in by itself),
 * whose answer *fd reads (non-blocking). The worker's pid; -1 errno.
 */
pid_t
hp_probe_start(const struct hp_tool *t, const char *path, char **envp,
    int cg, int move, int *fd)
{
	char *argv[64], *def[] = { "--version", NULL }, **va;
	sigset_t old;
	int p[2], i, n = 0, e;
	pid_t pid;

	argv[n++] = (char *)path;
	va = t->vargs != NULL ? t->vargs : def;
	for (i = 0; va[i] != NULL && n < 63; i++)
		argv[n++] = va[i];
	argv[n] = NULL;
	if (hp_pipe(p, 0) == -1)
		return -1;
	if (hp_nonblock(p[0]) == -1) {
		e = errno;
		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	hp_sig_block(&old);
	if (cg == -1 || move || (pid = hp_cgroup_fork(cg)) == -1)
		pid = fork();
	else
		cg = -1;			/* there already */
	if (pid == 0) {
		hp_sig_default();
		setsid();
		if (cg != -1 && (i = openat(cg, "cgroup.procs",
		    O_WRONLY | O_CLOEXEC)) != -1)
			(void)!write(i, "0\n", 2);	/* its cgroup, first */
		/* Nothing of ours stays open in it: a pipe's end waits. */
		if (dup2(p[1], 3) == -1 || (e = open("/dev/null",
		    O_RDWR)) == -1 || dup2(e, 0) == -1 || dup2(e, 1) == -1 ||
		    dup2(e, 2) == -1)
			_exit(126);
		hp_closefrom(4);
		worker(t, argv, envp, 3);
	}
	e = errno;
	hp_sig_restore(&old);
	close(p[1]);
	if (pid == -1) {
		close(p[0]);
		errno = e;
		return -1;
	}
	*fd = p[0];
	return pid;
}

/* The worker's answer: 1 into a, 0 none (it ended without), -1 EAGAIN. */
int
hp_probe_read(int fd, struct hp_probe *a)
{
	ssize_t n = hp_read(fd, a, sizeof *a);

	if (n == (ssize_t)sizeof *a) {
		a->version[sizeof a->version - 1] = '\0';
		a->raw[sizeof a->raw - 1] = '\0';
		a->error[sizeof a->error - 1] = '\0';
		return 1;
	}
	return n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) ? -1 : 0;
}
