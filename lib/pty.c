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
#include "term.h"

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

static int
named(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* NAME's value in v (NULL-terminated NAME=VALUE), or NULL. */
static const char *
lookup(char **v, const char *name)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (named(v[i], name))
			return v[i] + strlen(name) + 1;
	return NULL;
}

/* Unset, empty, C or POSIX: no locale chosen. */
static int
plain(const char *v)
{
	return v == NULL || *v == '\0' || strcmp(v, "C") == 0 ||
	    strcmp(v, "POSIX") == 0;
}

/*
 * The environment of a program in a terminal: the spec's (hp_spec_envp:
 * ours or none, the spec's on top, the enhanced PATH, no Electron
 * variables), then TERM (xterm-256color unless the spec sets it),
 * COLORTERM=truecolor, no LINES or COLUMNS inherited (they would freeze
 * the size for curses programs), and LANG=HP_PTY_UTF8 when the locale
 * that decides the character set is unset, C or POSIX (which are then
 * removed). What the spec's env sets is the caller's choice and stays.
 * Free the array with free(); the strings live until the next call.
 */
char **
hp_pty_envp(const struct hp_spec *sp)
{
	static const char *drop[] = { "LINES", "COLUMNS", "TERM", "COLORTERM",
	    NULL };
	static const char *lc[] = { "LC_ALL", "LC_CTYPE", "LANG", NULL };
	char **in, **out;
	const char *v = NULL;
	size_t n, i, k = 0, j;
	int fix;

	in = hp_spec_envp(sp);
	for (n = 0; in[n] != NULL; n++)
		;
	out = hp_xcalloc(n + 4, sizeof *out);
	fix = 1;
	for (j = 0; lc[j] != NULL; j++)
		if (lookup(sp->env, lc[j]) != NULL)
			fix = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; drop[j] != NULL; j++)
			if (named(in[i], drop[j]) &&
			    lookup(sp->env, drop[j]) == NULL)
				break;
		if (drop[j] != NULL)
			continue;
		/* A C locale would hide the UTF-8 one: it goes. */
		for (j = 0; fix && lc[j] != NULL; j++)
			if (named(in[i], lc[j]) &&
			    plain(strchr(in[i], '=') + 1))
				break;
		if (fix && lc[j] != NULL)
			continue;
		out[k++] = in[i];
	}
	out[k] = NULL;
	/* The locale of the character set: the first of lc[] still set. */
	for (j = 0; lc[j] != NULL && plain(v); j++)
		v = lookup(out, lc[j]);
	if (fix && plain(v))
		out[k++] = "LANG=" HP_PTY_UTF8;
	if (lookup(sp->env, "TERM") == NULL)
		out[k++] = "TERM=xterm-256color";
	if (lookup(sp->env, "COLORTERM") == NULL)
		out[k++] = "COLORTERM=truecolor";
	out[k] = NULL;
	free(in);
	return out;
}

/*
 * A terminal another process will start (the supervisor): its whole
 * environment goes into the spec now, worked out from ours as for one
 * we start (hp_pty_envp), and the spec clears the rest.
 */
void
hp_pty_specenv(struct hp_spec *sp)
{
	struct hp_spec copy;
	char **envp;
	size_t i;

	envp = hp_pty_envp(sp);		/* may point into sp->env */
	memset(&copy, 0, sizeof copy);
	for (i = 0; envp[i] != NULL; i++)
		hp_spec_addenv(&copy, envp[i]);
	free(envp);
	hp_argv_free(sp->env);
	sp->env = copy.env;
	sp->clear_env = 1;
}

#define SCROLLBACK	(256 * 1024)
#define QUIET		2000

/* The keys of a terminal, set for every spec: only a terminal uses them. */
void
hp_pty_init(struct hp_spec *sp)
{
	sp->cols = 80;
	sp->rows = 24;
	sp->scrollback = SCROLLBACK;
	sp->quiet = QUIET;
}

static int
side(const char *v, int *out)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || x < 1 ||
	    x > 65535)
		return -1;
	*out = (int)x;
	return 0;
}

int
hp_pty_set(struct hp_spec *sp, const char *key, const char *v, char *msg,
    size_t n)
{
	long long x;

	if (strcmp(key, "cols") == 0 || strcmp(key, "rows") == 0) {
		if (side(v, key[0] == 'c' ? &sp->cols : &sp->rows) == -1)
			return snprintf(msg, n, "%s: 1 to 65535: %s", key, v),
			    -1;
	} else if (strcmp(key, "scrollback") == 0) {
		/* 0 keeps nothing: an attach then shows only what comes. */
		if (hp_size(v, &x) == -1 || x < 0 || x > (1LL << 30))
			return snprintf(msg, n, "scrollback: bad size (at "
			    "most 1G): %s", v), -1;
		sp->scrollback = x;
	} else if (strcmp(key, "quiet") == 0) {
		if (hp_duration(v, &x) == -1 || x < 100 || x > (1LL << 40))
			return snprintf(msg, n, "quiet: bad duration (100ms "
			    "or more): %s", v), -1;
		sp->quiet = x;
	} else
		return 1;
	return 0;
}

/* Only for a terminal, and only what is not the default. */
void
hp_pty_write(const struct hp_spec *sp, struct hp_buf *b)
{
	if (sp->type != HP_TERMINAL)
		return;
	hp_kv_addi(b, "cols", sp->cols);
	hp_kv_addi(b, "rows", sp->rows);
	if (sp->scrollback != SCROLLBACK)
		hp_kv_addi(b, "scrollback", sp->scrollback);
	if (sp->quiet != QUIET)
		hp_buf_printf(b, "quiet = %lldms\n", sp->quiet);
}
