/* hp: see LICENSE. */
/* sig.c: signals become bytes in a pipe that the poll() loop reads. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

static int selfpipe[2] = { -1, -1 };

/*
 * The signals whose disposition is not the default: those we catch or
 * ignore, and, once hp_sig_known() has looked, those we were started
 * with. A child puts back only those before its exec, where it would
 * otherwise set all 64 (a twentieth of a child's way to its exec).
 */
#define SIG_TOP	65		/* signals 1 to 64 */
#define BIT(sig)	(1ULL << ((sig) - 1))

static unsigned long long changed;	/* not a sigset_t: libc's own too */
static int known;

static void
remember(int sig)
{
	if (sig > 0 && sig < SIG_TOP)
		changed |= BIT(sig);
}

static void
catcher(int sig)
{
	unsigned char c = (unsigned char)sig;
	int e = errno;

	(void)!write(selfpipe[1], &c, 1);
	errno = e;
}

int
hp_sig_catch(const int *sigs)
{
	struct sigaction sa;

	if (selfpipe[0] == -1 && hp_pipe(selfpipe, 1) == -1)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = catcher;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigfillset(&sa.sa_mask);
	for (; *sigs != 0; sigs++) {
		if (sigaction(*sigs, &sa, NULL) == -1)
			return -1;
		remember(*sigs);
	}
	return selfpipe[0];
}

static volatile sig_atomic_t flagged;

static void
flag(int sig)
{
	flagged = sig;
}

/*
 * Each of sigs (a list ending 0) is only noted, for hp_sig_flagged(),
 * and cuts short the call it comes in (EINTR): for a loop that a signal
 * ends, between two of its turns.
 */
void
hp_sig_flag(const int *sigs)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = flag;
	sigemptyset(&sa.sa_mask);
	for (; *sigs != 0; sigs++)
		if (sigaction(*sigs, &sa, NULL) == 0)
			remember(*sigs);
}

/* The last signal hp_sig_flag() noted, 0 none. */
int
hp_sig_flagged(void)
{
	return flagged;
}

void
hp_sig_ignore(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
	remember(sig);
}

/* What we were started with, looked at once: from now on, all is known. */
void
hp_sig_known(void)
{
	struct sigaction sa;
	int sig;

	for (sig = 1; sig < SIG_TOP; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* One that libc keeps cannot be looked at: put back anyway. */
		if (sigaction(sig, NULL, &sa) == -1 ? errno == EINVAL :
		    sa.sa_handler != SIG_DFL)
			remember(sig);
	}
	known = 1;
}

/* The next signal caught, 0 none: the pipe is read 64 bytes at a time. */
int
hp_sig_next(int fd)
{
	static unsigned char buf[64];
	static ssize_t len, off;

	if (off == len) {
		off = 0;
		if ((len = hp_read(fd, buf, sizeof buf)) <= 0) {
			len = 0;
			return 0;
		}
	}
	return buf[off++];
}

void
hp_sig_default(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < SIG_TOP; sig++)
		if (sig != SIGKILL && sig != SIGSTOP &&
		    (!known || (changed & BIT(sig))) &&
		    sigaction(sig, &sa, NULL) == -1 && errno == EINVAL)
			(void)hp_sig_reserved_default(sig);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void
hp_sig_block(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, old);
}

void
hp_sig_restore(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}
