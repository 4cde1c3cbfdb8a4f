/* hp: see LICENSE. */
/* wait.c: until processes are in a state, told by the events. */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "hp.h"

/*
 * hp-supervise wait NAME STATE: we subscribe to the events of the state
 * directory, then look at the status of each process now and again at
 * each event that comes, for every change of state the supervisor makes
 * is written before its event is published. Some changes come with no
 * event (stopping, reloading; a process no supervisor keeps that ends),
 * so we also look every LOOK_MS. Status files are read, never polled in
 * a loop of their own.
 */

#define LOOK_MS	250

static const char *const states[] = {
	"starting", "running", "reloading", "backoff", "stopping", "stopped",
	"exited", "failed", "ready", NULL
};

const char *
hp_wait_state(int i)
{
	return i >= 0 && i < (int)(sizeof states / sizeof states[0]) ?
	    states[i] : NULL;
}

int
hp_wait_known(const char *state)
{
	int i;

	for (i = 0; states[i] != NULL; i++)
		if (strcmp(states[i], state) == 0)
			return 1;
	return 0;
}

/* Ready: running (past its readiness rule), and not reloading by its word. */
static int
there(const struct hp_info *in, const char *want)
{
	if (strcmp(want, "ready") == 0)
		return strcmp(in->state, "running") == 0 &&
		    strcmp(in->notify, "reloading") != 0;
	return strcmp(in->state, want) == 0;
}

/* Each process's answer line, as a supervisor's: ok once it is there. */
static int
look(const struct hp_state *st, char **refs, int n, const char *want,
    struct hp_buf *said, int final, const char *after)
{
	struct hp_info in;
	struct hp_json j;
	char msg[256];
	int i, left = 0, ok;

	for (i = 0; i < n; i++) {
		if (hp_info_load(st, refs[i], &in, 0) == -1) {
			memset(&in, 0, sizeof in);
			hp_copy(in.state, sizeof in.state, "removed");
		}
		ok = there(&in, want);
		left += !ok;
		if (!final)
			continue;
		said[i].len = 0;
		hp_json_init(&j, &said[i]);
		hp_json_open(&j, '{');
		hp_json_kbool(&j, "ok", ok);
		hp_json_kstr(&j, "name", refs[i]);
		hp_json_kstr(&j, "state", in.state);
		hp_json_kint(&j, "pid", in.running ? (long long)in.pid : 0);
		if (!ok) {
			snprintf(msg, sizeof msg, "%s, not %s, after %s",
			    in.state, want, after);
			hp_json_kstr(&j, "code", "timeout");
			hp_json_kstr(&j, "message", msg);
		}
		hp_json_close(&j, '}');
		hp_buf_str(&said[i]);
	}
	return left;
}

int
hp_wait(struct hp_state *st, char **refs, int n, const char *want,
    long long ms, const char *after, struct hp_buf *said)
{
	struct hp_client c;
	struct pollfd pfd;
	char buf[4096];
	long long end = ms < 0 ? -1 : hp_mono_ms() + ms, now;
	int heard, left;

	/* Listening first: what changes between our look and it is heard. */
	heard = hp_client_open(&c, st) == 0;
	while ((left = look(st, refs, n, want, said, 0, after)) > 0) {
		now = hp_mono_ms();
		if (end != -1 && now >= end)
			break;
		pfd.fd = heard ? c.fd : -1;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, end == -1 || end - now > LOOK_MS ? LOOK_MS :
		    (int)(end - now)) == -1 && errno != EINTR)
			break;
		/* What an event says is read again from the status files. */
		while (heard && hp_read(c.fd, buf, sizeof buf) > 0)
			;
	}
	if (heard)
		hp_client_close(&c);
	return look(st, refs, n, want, said, 1, after) == 0 ? 0 : -1;
}
