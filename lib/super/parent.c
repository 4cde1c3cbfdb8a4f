/* hp: see LICENSE. */
/* parent.c: whom the supervisor lives for: the grace, and a new parent. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"

/*
 * An application that quits to install its update takes its --parent
 * with it, and the end of our standard input (--exit-with-stdin). With
 * --parent-grace the supervisor then waits so long, keeping everything,
 * for the next instance to say "parent PID"; only when none does, it
 * shuts down. One timer, s->orphaned (mono ms of its end, 0: none).
 */

static void
begin(struct hp_super *s, const char *name)
{
	s->jb.len = 0;
	hp_json_init(&s->j, &s->jb);
	hp_event_begin(&s->ev, &s->j, name);
	hp_json_kint(&s->j, "pid", (long long)s->pid);
}

/* The parent is gone (why: "parent"), or stdin ended ("stdin"). */
void
hp_parent_gone(struct hp_super *s, const char *why)
{
	if (s->parent.pid > 0)
		s->was = s->parent.pid;
	s->parent.pid = 0;
	s->watch_stdin = 0;
	if (s->grace <= 0) {
		hp_super_shutdown(s);
		return;
	}
	if (s->orphaned > 0 || s->shutdown)
		return;
	s->orphaned = hp_mono_ms() + s->grace;
	begin(s, "supervisor:orphaned");
	hp_json_kint(&s->j, "parent", (long long)s->was);
	hp_json_kstr(&s->j, "reason", why);
	hp_json_kint(&s->j, "grace_ms", s->grace);
	hp_event_publish(&s->ev, &s->j);
}

/* When the grace ends (mono ms), or -1. */
long long
hp_parent_next(const struct hp_super *s)
{
	return s->orphaned > 0 ? s->orphaned : -1;
}

/* The grace over and nobody came: shut down. */
void
hp_parent_timer(struct hp_super *s, long long now)
{
	if (s->orphaned == 0 || now < s->orphaned)
		return;
	s->orphaned = 0;
	if (s->shutdown)
		return;		/* asked to already */
	s->alone = 1;
	hp_super_shutdown(s);
}

/* "parent PID": PID is the parent from now on; the grace, if any, ends. */
void
hp_parent_verb(struct hp_super *s, const struct hp_request *r)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	struct hp_ident id;
	char msg[128], *end;
	long long n;
	pid_t was = s->parent.pid > 0 ? s->parent.pid : s->was;

	errno = 0;
	n = strtoll(r->arg[0], &end, 10);
	if (end == r->arg[0] || *end != '\0' || errno != 0 || n <= 1 ||
	    n > (1LL << 31) - 1 || (pid_t)n == s->pid) {
		hp_super_reply(s, r->client, 0, NULL, "usage", "bad pid");
		return;
	}
	/* As --parent: its identity, start time and all, is what we follow. */
	if (hp_ident_get((pid_t)n, &id) == -1) {
		snprintf(msg, sizeof msg, "parent %lld: not running", n);
		hp_super_reply(s, r->client, 0, NULL, "not-found", msg);
		return;
	}
	s->parent = id;
	s->orphaned = 0;
	/* Its pipe is not the new parent's; nor is the kernel's word. */
	s->watch_stdin = 0;
	(void)hp_parent_death(0);
	begin(s, "supervisor:adopted");
	hp_json_kint(&s->j, "parent", (long long)id.pid);
	hp_json_kint(&s->j, "was", (long long)was);
	hp_event_publish(&s->ev, &s->j);
	if (strcmp(r->client, "-") == 0)
		return;
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", 1);
	hp_json_kint(&j, "pid", (long long)s->pid);
	hp_json_kint(&j, "parent", (long long)id.pid);
	hp_json_kint(&j, "was", (long long)was);
	hp_json_kint(&j, "processes", s->nproc);
	hp_json_close(&j, '}');
	hp_event_reply(&s->ev, r->client, &j);
	hp_buf_free(&b);
}
