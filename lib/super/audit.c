/* hp: see LICENSE. */
/* audit.c: who and what a start is (process:started), and each refusal. */

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"

/*
 * A start is for someone: a request, whose line may name its requester
 * (control.c: "@3 DEADLINE ID UID PID ..."), or the supervisor itself,
 * which restarts, takes back, releases what waited on its after=, applies
 * its configuration, runs --init's command. Whoever makes a start sets
 * s->by while it acts; a start asked then is for that (hp_audit_by), and
 * process:started says so, with what was run, where and as whom.
 */
static const char *causes[] = {
	[HP_BY_NONE] = NULL, [HP_BY_REQUEST] = "request",
	[HP_BY_RESTART] = "restart", [HP_BY_RECOVERY] = "recovery",
	[HP_BY_AFTER] = "after", [HP_BY_CONFIG] = "config",
	[HP_BY_COMMAND] = "command",
};

#define CWD_MAX		1024	/* of a working directory, shown */
#define TAIL		64	/* room kept after argv: "],argv_cut":N}\n */

/* The events that ask for a start: whom it is for, from now on. */
void
hp_audit_by(struct hp_super *s, struct hp_proc *p, int ev)
{
	if (ev != HP_EV_START && ev != HP_EV_RESTART && ev != HP_EV_RESUME &&
	    ev != HP_EV_RELOAD)
		return;
	if (s->by.cause != HP_BY_NONE)
		p->by = s->by;
	else if (ev == HP_EV_RESTART)
		hp_audit_ours(p, HP_BY_RESTART);
}

/* A start of the supervisor's own: cause, no requester. */
void
hp_audit_ours(struct hp_proc *p, int cause)
{
	p->by.cause = cause;
	p->by.uid = p->by.pid = -1;
}

/* Set whom starts are for while the caller acts; the old, to put back. */
struct hp_by
hp_audit_for(struct hp_super *s, int cause)
{
	struct hp_by was = s->by;

	s->by.cause = cause;
	s->by.uid = s->by.pid = -1;
	return was;
}

/*
 * str (len bytes) into j, as much as keeps the line within limit bytes:
 * a cut string ends with U+2026 at the cut, on a character's boundary.
 * The bytes left out; -1 when not even the mark fits (nothing written).
 */
static long long
cutstr(struct hp_json *j, const char *str, size_t len, size_t limit)
{
	struct hp_buf *b = j->b;
	size_t mark = b->len, k = len;
	unsigned char c = j->comma[j->depth];
	char *t;

	hp_json_strn(j, str, len);
	while (b->len > limit) {
		/* Each byte left out takes at least one from the line. */
		k = k > b->len - limit + 3 ? k - (b->len - limit + 3) : 0;
		while (k > 0 && ((unsigned char)str[k] & 0xc0) == 0x80)
			k--;
		b->len = mark;
		j->comma[j->depth] = c;
		if (k == 0 && mark + 6 > limit)
			return -1;
		t = hp_xmalloc(k + 4);
		memcpy(t, str, k);
		memcpy(t + k, "\xe2\x80\xa6", 4);
		hp_json_strn(j, t, k + 3);
		free(t);
		if (k == 0)
			break;
	}
	return (long long)(len - k);
}

/* argv, as much as the event line has room for; argc, argv_cut. */
static void
putargv(struct hp_json *j, char **argv)
{
	size_t limit = HP_LINE_MAX - TAIL;
	long long cut = 0, r;
	int i, n;

	for (n = 0; argv != NULL && argv[n] != NULL; n++)
		;
	hp_json_kint(j, "argc", n);
	hp_json_key(j, "argv");
	hp_json_open(j, '[');
	for (i = 0; i < n; i++) {
		if (cut > 0) {
			cut += (long long)strlen(argv[i]);
			continue;
		}
		r = cutstr(j, argv[i], strlen(argv[i]), limit);
		cut = r == -1 ? (long long)strlen(argv[i]) : r;
	}
	hp_json_close(j, ']');
	if (cut > 0)
		hp_json_kint(j, "argv_cut", cut);
}

/* The name of our own user, looked up once. */
static const char *
self(void)
{
	static char name[HP_NAME_MAX + 1];
	static int looked;
	struct passwd *pw;

	if (!looked) {
		looked = 1;
		if ((pw = getpwuid(geteuid())) != NULL)
			hp_copy(name, sizeof name, pw->pw_name);
	}
	return name[0] != '\0' ? name : NULL;
}

/* requester: who asked, as its line said. */
static void
requester(struct hp_json *j, const struct hp_by *by)
{
	if (by->cause != HP_BY_REQUEST || by->pid <= 0)
		return;
	hp_json_key(j, "requester");
	hp_json_open(j, '{');
	hp_json_kint(j, "uid", by->uid);
	hp_json_kint(j, "pid", by->pid);
	hp_json_close(j, '}');
}

/* What p's spawn ran and as whom: kept till process:started says it. */
void
hp_audit_spawned(struct hp_proc *p, char **argv, const struct hp_user *u)
{
	p->execd = argv;
	p->runuid = u != NULL ? (long long)u->uid : (long long)geteuid();
	hp_copy(p->runuser, sizeof p->runuser, u != NULL ? u->name :
	    self() != NULL ? self() : "");
}

/*
 * process:started: pid; the user it runs as (uid, user); its working
 * directory (cwd); whom the start is for (by, and requester when its
 * line named one); what was run (argc, argv, argv_cut), last, cut where
 * the line would pass HP_LINE_MAX.
 */
void
hp_record_started(struct hp_super *s, struct hp_proc *p)
{
	struct hp_json *j = hp_sproc_event(s, p, "process:started");
	char cwd[HP_PATH_MAX];
	const char *dir = p->spec.dir;

	hp_json_kint(j, "pid", (long long)p->id.pid);
	hp_json_kint(j, "uid", p->runuid);
	if (p->runuser[0] != '\0')
		hp_json_kstr(j, "user", p->runuser);
	if (dir == NULL)
		dir = getcwd(cwd, sizeof cwd);
	if (dir != NULL) {
		hp_json_key(j, "cwd");
		(void)cutstr(j, dir, strlen(dir), j->b->len + CWD_MAX);
	}
	hp_json_kstr(j, "by", causes[p->by.cause] != NULL ?
	    causes[p->by.cause] : "supervisor");
	requester(j, &p->by);
	putargv(j, p->execd != NULL ? p->execd : p->spec.argv);
	p->execd = NULL;
	hp_event_publish(&s->ev, j);
}

/*
 * request:refused: a request answered no (or not at all: a line with no
 * client to answer), its verb, the name it was for, the code and why,
 * and its requester when its line named one: in events.log and the
 * audit file, to no subscriber. Its own buffer: it may come while
 * another event is being made.
 */
void
hp_super_refused(struct hp_super *s, const char *name, const char *code,
    const char *msg)
{
	struct hp_buf b = { 0 };
	struct hp_json j;

	hp_json_init(&j, &b);
	hp_event_begin(&s->ev, &j, "request:refused");
	if (s->verb != NULL) {
		hp_json_key(&j, "verb");
		(void)cutstr(&j, s->verb, strlen(s->verb), b.len + HP_NAME_MAX);
	}
	if (name != NULL)
		hp_json_kstr(&j, "name", name);
	hp_json_kstr(&j, "code", code != NULL ? code : "failed");
	if (msg != NULL) {
		hp_json_key(&j, "message");
		(void)cutstr(&j, msg, strlen(msg), b.len + CWD_MAX);
	}
	requester(&j, &s->by);
	hp_event_record(&s->ev, &j);
	hp_buf_free(&b);
}
