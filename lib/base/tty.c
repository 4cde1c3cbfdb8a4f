/* hp: see LICENSE. */
/* pty.c: pseudo-terminals: a pair, its size, raw mode, a terminal's environ. */

/* posix_openpt, grantpt, unlockpt and ptsname are XSI. */
#define _XOPEN_SOURCE 700

#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hp.h"

/*
 * A new pair: our side close-on-exec and non-blocking in p->master, the
 * terminal's path in p->slave, its size set before anyone opens it.
 */
int
hp_pty_open(struct hp_pty *p, int cols, int rows)
{
	const char *name;
	int e;

	memset(p, 0, sizeof *p);
	if ((p->master = posix_openpt(O_RDWR | O_NOCTTY)) == -1)
		return -1;
	if (hp_cloexec(p->master) == -1 || hp_nonblock(p->master) == -1 ||
	    grantpt(p->master) == -1 || unlockpt(p->master) == -1 ||
	    (name = ptsname(p->master)) == NULL ||
	    hp_copy(p->slave, sizeof p->slave, name) == -1 ||
	    hp_pty_size_set(p->master, cols, rows) == -1) {
		e = errno;
		close(p->master);
		p->master = -1;
		errno = e;
		return -1;
	}
	return 0;
}

/* The terminal side, for a child's 0, 1 and 2; not our controlling one. */
int
hp_pty_slave(const struct hp_pty *p)
{
	return hp_open(p->slave, O_RDWR | O_NOCTTY, 0);
}

/*
 * In a child that has just called setsid(): make path its controlling
 * terminal. TIOCSCTTY where there is one; elsewhere (System V) the first
 * terminal a session leader opens becomes it. Only async-signal-safe
 * calls: this runs between fork and exec.
 */
int
hp_pty_ctty(const char *path)
{
	int fd, r = 0;

	if ((fd = open(path, O_RDWR)) == -1)
		return -1;
#ifdef TIOCSCTTY
	r = ioctl(fd, TIOCSCTTY, 0);
#endif
	close(fd);
	return r;
}

int
hp_pty_size_set(int fd, int cols, int rows)
{
	struct winsize ws;

	if (cols < 1 || rows < 1 || cols > 65535 || rows > 65535) {
		errno = EINVAL;
		return -1;
	}
	memset(&ws, 0, sizeof ws);
	ws.ws_col = (unsigned short)cols;
	ws.ws_row = (unsigned short)rows;
	return ioctl(fd, TIOCSWINSZ, &ws);
}

int
hp_pty_size_get(int fd, int *cols, int *rows)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == -1)
		return -1;
	*cols = ws.ws_col;
	*rows = ws.ws_row;
	return 0;
}

/*
 * Resize the terminal and make sure its foreground group hears of it:
 * the kernel sends SIGWINCH when the size changes, and only then, so an
 * unchanged size gets the signal from us.
 */
int
hp_pty_resize(int master, int cols, int rows)
{
	int oc = 0, or = 0;
	pid_t fg;

	if (hp_pty_size_get(master, &oc, &or) == -1 ||
	    hp_pty_size_set(master, cols, rows) == -1)
		return -1;
	if (oc == cols && or == rows && (fg = tcgetpgrp(master)) > 1)
		kill(-fg, SIGWINCH);
	return 0;
}

/* The terminal we put in raw mode, and how it was: one per process. */
static struct termios saved;
static int rawfd = -1;

int
hp_tty_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &saved) == -1)
		return -1;
	t = saved;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR |
	    IGNCR | ICRNL | IXON);
	t.c_oflag &= ~(tcflag_t)OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSAFLUSH, &t) == -1)
		return -1;
	rawfd = fd;
	return 0;
}

/* Put the terminal back as it was; safe to call twice, and from atexit. */
void
hp_tty_restore(void)
{
	if (rawfd == -1)
		return;
	(void)tcsetattr(rawfd, TCSAFLUSH, &saved);
	rawfd = -1;
}

/* Colour goes only to a terminal, and never when NO_COLOR is set. */
int
hp_tty_colour(int fd)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fd) && (nc == NULL || *nc == '\0');
}
