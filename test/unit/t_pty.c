/* hp: see LICENSE. */
/* t_pty.c: a pty pair, its size, a controlling terminal, raw mode, environ. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "client/term.h"
#include "unit.h"

/* All the master gives until the terminal is closed on the other side. */
static size_t
drain(int fd, char *buf, size_t n)
{
	struct pollfd pfd;
	size_t len = 0;
	ssize_t r;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len + 1 < n && poll(&pfd, 1, 5000) > 0) {
		r = hp_read(fd, buf + len, n - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	return len;
}

static void
test_pair(void)
{
	struct hp_pty p;
	char buf[64];
	int s, c, r, fl;

	CHECK(hp_pty_open(&p, 100, 30) == 0);
	CHECK(strncmp(p.slave, "/dev/", 5) == 0);
	fl = fcntl(p.master, F_GETFD);
	CHECK(fl != -1 && (fl & FD_CLOEXEC));
	CHECK((fcntl(p.master, F_GETFL) & O_NONBLOCK) != 0);
	CHECK(hp_pty_size_get(p.master, &c, &r) == 0 && c == 100 && r == 30);
	CHECK((s = hp_pty_slave(&p)) != -1);
	CHECK(hp_pty_size_get(s, &c, &r) == 0 && c == 100 && r == 30);
	CHECK(hp_pty_resize(p.master, 132, 43) == 0);
	CHECK(hp_pty_size_get(s, &c, &r) == 0 && c == 132 && r == 43);
	CHECK(hp_pty_resize(p.master, 132, 43) == 0);	/* the same: fine */
	CHECK(hp_pty_size_set(p.master, 0, 10) == -1 && errno == EINVAL);
	CHECK(hp_pty_size_set(p.master, 10, 70000) == -1 && errno == EINVAL);
	/* Raw mode: no line editing, no echo; restored as it was. */
	CHECK(hp_tty_raw(s) == 0);
	{
		struct termios t;

		CHECK(tcgetattr(s, &t) == 0 && !(t.c_lflag & ICANON) &&
		    !(t.c_lflag & ECHO) && !(t.c_oflag & OPOST));
		hp_tty_restore();
		hp_tty_restore();	/* twice: harmless */
		CHECK(tcgetattr(s, &t) == 0 && (t.c_lflag & ICANON) &&
		    (t.c_lflag & ECHO));
	}
	CHECK(hp_write_all(s, "hi", 2) == 0);
	close(s);
	CHECK(drain(p.master, buf, sizeof buf) == 2 && strcmp(buf, "hi") == 0);
	close(p.master);
	CHECK(hp_tty_raw(0) == -1 || isatty(0));
	{
		int pp[2];

		CHECK(hp_pipe(pp, 0) == 0);
		CHECK(hp_tty_raw(pp[0]) == -1);
		close(pp[0]);
		close(pp[1]);
	}
}

/* A child in a session of its own has the slave as its terminal. */
static void
test_ctty(void)
{
	char *argv[] = { "/bin/sh", "-c",
	    "exec 3</dev/tty && stty size && echo ctty-ok", NULL };
	struct hp_spawn sp;
	struct hp_pty p;
	char buf[256];
	pid_t pid;
	int s, st;

	CHECK(hp_pty_open(&p, 77, 11) == 0);
	CHECK((s = hp_pty_slave(&p)) != -1);
	memset(&sp, 0, sizeof sp);
	sp.argv = argv;
	sp.fd[0] = sp.fd[1] = sp.fd[2] = s;
	sp.setsid = 1;
	sp.ctty = p.slave;
	pid = hp_spawn(&sp);
	CHECK(pid > 0);
	close(s);
	drain(p.master, buf, sizeof buf);
	CHECK(strstr(buf, "11 77\r\n") != NULL);
	CHECK(strstr(buf, "ctty-ok") != NULL);
	if (pid > 0)
		CHECK(hp_waitpid(pid, &st, 0) == pid && st == 0);
	close(p.master);
}

static int
has(char **v, const char *entry)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(v[i], entry) == 0)
			return 1;
	return 0;
}

static int
hasname(char **v, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; v[i] != NULL; i++)
		if (strncmp(v[i], name, n) == 0 && v[i][n] == '=')
			return 1;
	return 0;
}

static void
test_envp(void)
{
	char *env[] = { "LINES=5", "LANG=fr_FR.UTF-8", NULL };
	struct hp_spec sp;
	char **e;

	memset(&sp, 0, sizeof sp);
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	setenv("TERM", "dumb", 1);
	setenv("COLORTERM", "no", 1);
	setenv("LC_ALL", "C", 1);
	setenv("LC_CTYPE", "POSIX", 1);
	unsetenv("LANG");
	setenv("ELECTRON_RUN_AS_NODE", "1", 1);
	setenv("HP_UNIT_KEPT", "yes", 1);
	e = hp_pty_envp(&sp);
	CHECK(!hasname(e, "LINES") && !hasname(e, "COLUMNS"));
	CHECK(has(e, "TERM=xterm-256color") && !has(e, "TERM=dumb"));
	CHECK(has(e, "COLORTERM=truecolor") && !has(e, "COLORTERM=no"));
	CHECK(has(e, "LANG=" HP_PTY_UTF8));
	CHECK(!hasname(e, "LC_ALL") && !hasname(e, "LC_CTYPE"));
	CHECK(!hasname(e, "ELECTRON_RUN_AS_NODE"));
	CHECK(has(e, "HP_UNIT_KEPT=yes"));
	free(e);
	/* A locale of the user's stays as it is. */
	unsetenv("LC_ALL");
	unsetenv("LC_CTYPE");
	setenv("LANG", "de_DE.ISO-8859-1", 1);
	e = hp_pty_envp(&sp);
	CHECK(has(e, "LANG=de_DE.ISO-8859-1") && !has(e, "LANG=" HP_PTY_UTF8));
	free(e);
	setenv("LC_ALL", "C", 1);
	setenv("LC_CTYPE", "ja_JP.UTF-8", 1);
	e = hp_pty_envp(&sp);
	CHECK(has(e, "LC_CTYPE=ja_JP.UTF-8") && !hasname(e, "LC_ALL"));
	CHECK(!has(e, "LANG=" HP_PTY_UTF8));
	free(e);
	/* What the caller sets is chosen: it stays, even LINES. */
	sp.env = env;
	setenv("TERM", "vt100", 1);
	e = hp_pty_envp(&sp);
	CHECK(has(e, "LINES=5") && has(e, "LANG=fr_FR.UTF-8"));
	CHECK(has(e, "LC_ALL=C"));
	CHECK(has(e, "TERM=xterm-256color"));
	free(e);
	unsetenv("LINES");
	unsetenv("COLUMNS");
	unsetenv("COLORTERM");
	unsetenv("LC_CTYPE");
	unsetenv("ELECTRON_RUN_AS_NODE");
	unsetenv("HP_UNIT_KEPT");
	unsetenv("LANG");
}

/* procs/NAME of a keeper: taken once, NAME-2 when asked, gone at drop. */
static void
test_keep(void)
{
	char base[] = "/tmp/hp-unit-XXXXXX", path[HP_PATH_MAX], buf[256];
	struct hp_state st;
	struct hp_keep k, k2;
	struct hp_client c;
	struct hp_buf b = { 0 };
	struct hp_json j;
	int p[2], q[2], st_;
	pid_t pid;
	char x;

	CHECK(mkdtemp(base) != NULL);
	snprintf(st.dir, sizeof st.dir, "%s/s", base);
	CHECK(hp_state_open(&st, 1) == 0);
	CHECK(hp_pipe(p, 0) == 0 && hp_pipe(q, 0) == 0);
	if ((pid = fork()) == 0) {
		/* Another keeper holds "t" until told. */
		x = hp_keep_take(&k, &st, "t", 0) == 0 ? 'y' : 'n';
		(void)!write(p[1], &x, 1);
		(void)!read(q[0], &x, 1);
		_exit(0);
	}
	CHECK(hp_read(p[0], &x, 1) == 1 && x == 'y');
	hp_proc_file(&st, path, sizeof path, "t", HP_P_LOCK);
	CHECK(hp_lock_holder(path) == pid);
	CHECK(hp_keep_take(&k, &st, "t", 0) == -1 && errno == EEXIST);
	CHECK(hp_keep_take(&k, &st, "t", 1) == 0);
	CHECK_STR(k.name, "t-2");
	CHECK(hp_keep_write(&k, HP_P_STATUS, "type = terminal\n", 16) == 0);
	hp_proc_file(&st, path, sizeof path, "t-2", HP_P_STATUS);
	CHECK(hp_file_read(path, buf, sizeof buf) == 16);
	/* An answer goes to the client's FIFO in events/, as one line. */
	CHECK(hp_client_open(&c, &st) == 0);
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", 1);
	hp_json_close(&j, '}');
	hp_keep_reply(&k, c.id, &j);
	CHECK(hp_read(c.fd, buf, sizeof buf) == 12 &&
	    memcmp(buf, "{\"ok\":true}\n", 12) == 0);
	hp_keep_reply(&k, "../x", &j);	/* not a client name: nothing */
	hp_client_close(&c);
	hp_buf_free(&b);
	hp_keep_drop(&k);
	hp_proc_file(&st, path, sizeof path, "t-2", HP_P_DIR);
	CHECK(access(path, F_OK) == -1);
	hp_keep_drop(&k);		/* twice: nothing */
	(void)!write(q[1], &x, 1);
	CHECK(hp_waitpid(pid, &st_, 0) == pid);
	/* A name with a spec is the supervisor's. */
	hp_proc_file(&st, path, sizeof path, "svc", HP_P_DIR);
	CHECK(mkdir(path, 0700) == 0);
	hp_proc_file(&st, path, sizeof path, "svc", HP_P_SPEC);
	CHECK(hp_file_write(path, "exec = x\n", 9, 0600) == 0);
	CHECK(hp_keep_take(&k2, &st, "svc", 0) == -1 && errno == EEXIST);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	hp_rmtree(base);
}

void
test_pty(void)
{
	test_pair();
	test_ctty();
	test_envp();
	test_keep();
}
