/* hp: see LICENSE. */
/* fg.c: hp-pty --control: the program runs in the process it was given. */

#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "client/term.h"

/*
 * The caller spawned us and wants the program's pid to be ours, as
 * node-pty gives it: we fork a relay and exec the program in place. The
 * relay is forked twice (R, which exits at once, and R2), so that it is
 * not the program's child: a program that waits for all its children
 * (a shell's wait, a build tool's job loop) must not wait for it.
 *
 * The record's lock passes to R2 without a gap: we keep byte 0 and free
 * the rest, R2 takes the rest and says so on the hold pipe, and our
 * byte 0 goes with our exec (its descriptor is close-on-exec). The
 * report pipe tells R2 how the exec went: a byte just before it, then
 * its end (the program runs) or what failed (hp_spawn_exec); its end
 * without the byte means we died before, of a signal.
 */

/* {"pid":X,"relay":R2,"name":"NAME","tty":"/dev/pts/N"} */
static void
hello(struct hp_fg *f)
{
	struct hp_buf b = { 0 };
	struct hp_json j;

	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kint(&j, "pid", (long long)f->r->id.pid);
	hp_json_kint(&j, "relay", (long long)getpid());
	hp_json_kstr(&j, "name", f->name);
	hp_json_kstr(&j, "tty", f->tty);
	hp_json_close(&j, '}');
	(void)hp_chan_send(f->r, 'H', b.p, b.len);
	hp_buf_free(&b);
}

/*
 * After E: the caller reaps the process it spawned and says x. We go
 * once it has (or its end, or XWAIT_MS), so that its x never meets a
 * closed channel: the write would fail, and a Node.js socket that fails
 * drops what it had not read yet, our E with it.
 */
#define XWAIT_MS	2000

static void
heard(struct hp_relay *r)
{
	struct pollfd p;
	long long end = hp_mono_ms() + XWAIT_MS, left;
	char buf[64];
	int n;

	p.fd = r->chan;
	p.events = POLLIN;
	while (r->chan != -1 && (left = end - hp_mono_ms()) > 0) {
		if ((n = poll(&p, 1, (int)left)) == -1 && errno == EINTR)
			continue;
		if (n == 1)
			(void)!read(r->chan, buf, sizeof buf);
		return;
	}
}

/* It could not be started: said here and as E; the caller sees 1. */
static int
failed(struct hp_fg *f, const struct hp_spawnerr *e)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	const char *why = strerror(e->err);
	int status = e->stage == 0 ? hp_exec_status(e->err) : HP_EXIT_FAIL;

	if (e->stage == 0 && e->err == ENOENT)
		why = "command not found";
	if (e->stage == 1)
		hp_say("exec-failed", "%s: %s: %s", f->sp.argv[0],
		    f->sp.dir, why);
	else
		hp_say("exec-failed", "%s: %s", f->sp.argv[0], why);
	/* Nothing runs: its record goes before anyone hears of it. */
	hp_keep_drop(f->keep);
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kstr(&j, "code", "exec-failed");
	hp_json_kint(&j, "exit_code", status);
	hp_json_kstr(&j, "message", why);
	hp_json_close(&j, '}');
	if (hp_chan_send(f->r, 'E', b.p, b.len) == 0)
		heard(f->r);
	hp_buf_free(&b);
	return HP_EXIT_FAIL;
}

/* R2: the relay. Its exit status. */
static int
relay(struct hp_fg *f, pid_t x, int ep, int hold)
{
	struct hp_spawnerr e;
	char buf[1 + sizeof e];
	size_t len = 0;
	ssize_t n;

	/* Ctrl-C where our caller runs is not for us. */
	(void)setsid();
	if (f->keep->lock != -1 && hp_lock_from(f->keep->lock, 1, 1) == -1)
		return HP_EXIT_FAIL;	/* the caller hears the hold end */
	(void)!write(hold, "r", 1);
	close(hold);
	/* "g" and its end, or what failed, after "g" or before it. */
	while (len < sizeof buf && (n = hp_read(ep, buf + len,
	    sizeof buf - len)) > 0)
		len += (size_t)n;
	close(ep);
	if (len >= sizeof e && len == sizeof e + (buf[0] == 'g')) {
		memcpy(&e, buf + len - sizeof e, sizeof e);
		return failed(f, &e);
	}
	if (len != 1 || buf[0] != 'g')
		return HP_EXIT_FAIL;	/* it died before its exec */
	if (hp_ident_get(x, &f->r->id) == -1)
		f->r->id.pid = x;
	f->r->pid = x;
	if (f->started != NULL)
		f->started(f);
	hello(f);
	if (f->told != NULL)
		f->told(f);
	hp_chan_look(f->r);
	return hp_relay_run(f->r) == -1 ? HP_EXIT_FAIL : HP_EXIT_OK;
}

/*
 * Start the program in this process and its relay beside it. Returns
 * only in the relay, with its exit status, or here when nothing could be
 * started (-1 + e); the program's exec failures are the relay's to say.
 */
int
hp_fg_run(struct hp_fg *f, struct hp_error *e)
{
	sigset_t old;
	pid_t x = getpid(), r, r2;
	int ep[2], hold[2], st;
	char c;

	if (hp_pipe(ep, 0) == -1 || hp_pipe(hold, 0) == -1)
		return hp_error_sys(e, "pipe");
	if (f->keep->lock != -1 && hp_lock_from(f->keep->lock, 1, 0) == -1)
		return hp_error_sys(e, "%s: lock", f->name);
	hp_sig_block(&old);
	if ((r = fork()) == 0) {
		if ((r2 = fork()) != 0)
			_exit(r2 == -1 ? HP_EXIT_FAIL : HP_EXIT_OK);
		hp_sig_restore(&old);
		close(ep[1]);
		close(hold[0]);
		close(f->sp.fd[0]);
		return relay(f, x, ep[0], hold[1]);
	}
	hp_sig_restore(&old);
	close(ep[0]);
	close(hold[1]);
	if (r == -1)
		return hp_error_sys(e, "fork");
	(void)hp_waitpid(r, &st, 0);
	if (hp_read(hold[0], &c, 1) != 1)
		return hp_error_set(e, HP_EXIT_FAIL, "system",
		    "%s: the relay could not start", f->name);
	close(hold[0]);
	f->sp.mark = 1;
	hp_spawn_exec(&f->sp, ep[1]);
}
