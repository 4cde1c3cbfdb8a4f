/* hp: see LICENSE. */
/* control.c: the supervisor's control FIFO: one command a line, answered. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"

#define WARN_MAX	10	/* control warnings a second, at most */

void
hp_super_reply(struct hp_super *s, const char *client, int ok,
    const char *name, const char *code, const char *msg)
{
	hp_super_answer(s, client, ok, name, code, msg, -1);
}

/* The same, with the pid it concerns (-1: none). */
void
hp_super_answer(struct hp_super *s, const char *client, int ok,
    const char *name, const char *code, const char *msg, pid_t pid)
{
	struct hp_buf b = { 0 };
	struct hp_json j;

	if (!ok)
		hp_super_refused(s, name, code, msg);
	if (strcmp(client, "-") == 0 || hp_join_take(s, client, ok, NULL, code,
	    msg))
		return;
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", ok);
	if (name != NULL)
		hp_json_kstr(&j, "name", name);
	if (code != NULL)
		hp_json_kstr(&j, "code", code);
	if (msg != NULL)
		hp_json_kstr(&j, "message", msg);
	if (pid >= 0)
		hp_json_kint(&j, "pid", (long long)pid);
	hp_json_close(&j, '}');
	hp_event_reply(&s->ev, client, &j);
	hp_buf_free(&b);
}

int
hp_super_loadspec(struct hp_super *s, const char *name,
    struct hp_spec *spec, char *msg, size_t n)
{
	char file[HP_PATH_MAX];

	if (hp_proc_file(s->st, file, sizeof file, name, HP_P_SPEC) == -1) {
		snprintf(msg, n, "%s: name too long", name);
		return -1;
	}
	if (hp_state_proc(s->st, name) == -1 && errno != ENOENT) {
		hp_proc_file(s->st, file, sizeof file, name, HP_P_DIR);
		snprintf(msg, n, "%s: %s", file, errno == ELOOP ? "a symbolic link: refused" :
		    strerror(errno));
		return -1;
	}
	return hp_spec_load(spec, name, file, msg, n);
}

/* The process NAME, from the table or, failing that, from its spec. */
static struct hp_proc *
lookup(struct hp_super *s, const char *id, const char *name)
{
	struct hp_proc *p;
	struct hp_spec spec;
	char msg[512];

	if ((p = hp_super_find(s, name)) != NULL)
		return p;
	if (hp_super_loadspec(s, name, &spec, msg, sizeof msg) == 0)
		return hp_super_add(s, &spec);
	hp_super_reply(s, id, 0, name, "not-found", errno == ENOENT ?
	    "no such process" : msg);
	return NULL;
}

/* Does spec start after a process nobody knows? Then it would wait ever. */
static int
unknown(struct hp_super *s, struct hp_spec *spec, char *msg, size_t n)
{
	char **a;

	for (a = spec->after; a != NULL && *a != NULL; a++)
		if (hp_super_find(s, *a) == NULL &&
		    hp_unit_find(s, *a) == NULL) {
			snprintf(msg, n, "after: no such process: %s", *a);
			hp_spec_free(spec);
			return 1;
		}
	return 0;
}

/*
 * Before the spec is in place, a status that says which spawn it is:
 * an add cut short here is undone by the next supervisor (recover), and
 * its client, who still has the spec file, asks again.
 */
static int
taken(int dfd, const char *name, const char *tmp)
{
	struct hp_buf b = { 0 };
	int r;

	hp_kv_add(&b, "name", name);
	hp_kv_add(&b, "state", "starting");
	hp_kv_add(&b, "spawn", tmp);
	r = hp_file_writeat(dfd, hp_proc_filename(HP_P_STATUS), b.p, b.len,
	    0600);
	hp_buf_free(&b);
	return r;
}

/*
 * An add asked again for a spec file that is gone: the supervisor before
 * us took it and went away before it answered. The process it was added
 * as (its status said which spawn) is answered for as a start: 1; 0,
 * none is known.
 */
static int
again(struct hp_super *s, const char *id, const char *tmp)
{
	struct hp_proc *p;
	int i;

	for (i = 0; i < s->nproc; i++) {
		p = s->procs[i];
		if (strcmp(p->from, tmp) != 0 || p->state == HP_ST_REMOVED)
			continue;
		hp_sproc_wait(p, id, HP_W_START | HP_W_ADD);
		/* Ended already (or failed): what is, is the answer. */
		if (hp_life_live(p))
			hp_life(s, p, HP_EV_START);
		else
			hp_sproc_reply(s, p, p->error[0] == '\0', HP_W_START);
		return 1;
	}
	return 0;
}

/* "add NAME TMP [unique]": a spec written by hp-spawn, to start now. */
static void
add(struct hp_super *s, const char *id, const char *name, const char *tmp,
    int unique)
{
	char want[HP_NAME_MAX + 1], dir[HP_PATH_MAX], from[HP_PATH_MAX];
	char msg[HP_PATH_MAX + 256];
	struct hp_proc *v[HP_INSTANCES_MAX];
	struct hp_spec spec;
	struct hp_unit *u;
	struct hp_proc *p;
	struct stat sb;
	const char *join;
	int n, i, dfd = -1;

	if (!hp_proc_spawnname(tmp) || hp_proc_file(s->st, from, sizeof from,
	    tmp, HP_P_DIR) == -1) {
		hp_super_reply(s, id, 0, name, "usage", "bad spec file");
		return;
	}
	if (hp_name_reserved(name)) {
		hp_super_reply(s, id, 0, name, "usage", "a reserved name");
		return;
	}
	/* Asked again: an earlier supervisor took it and went away. */
	if (lstat(from, &sb) == -1) {
		n = errno;
		if (n != ENOENT || !again(s, id, tmp))
			hp_super_reply(s, id, 0, name, "system", n == ENOENT ?
			    "the spec file is gone, and what came of it is not "
			    "known" : strerror(n));
		return;
	}
	hp_copy(want, sizeof want, name);
	for (n = 2; unique; n++) {
		hp_proc_file(s->st, dir, sizeof dir, want, HP_P_DIR);
		if (hp_super_find(s, want) == NULL && lstat(dir, &sb) == -1)
			break;
		if (snprintf(want, sizeof want, "%.*s-%d", HP_NAME_MAX - 8,
		    name, n) >= (int)sizeof want)
			break;
	}
	if ((p = hp_super_find(s, want)) != NULL && hp_life_live(p)) {
		unlink(from);
		snprintf(msg, sizeof msg, "name in use (pid %ld)",
		    (long)p->id.pid);
		hp_super_reply(s, id, 0, want, "exists", msg);
		return;
	}
	/* Instances of the name are in use till it is removed. */
	if ((u = hp_unit_find(s, want)) != NULL && u->instances > 0) {
		unlink(from);
		hp_super_reply(s, id, 0, want, "exists", "name in use by its "
		    "instances (remove it first)");
		return;
	}
	/* A terminal of hp-pty(1) has it: its keeper holds procs/NAME/lock. */
	if (hp_proc_file(s->st, dir, sizeof dir, want, HP_P_LOCK) == 0 &&
	    (n = (int)hp_lock_holder(dir)) > 0) {
		unlink(from);
		snprintf(msg, sizeof msg, "name in use (kept by pid %d)", n);
		hp_super_reply(s, id, 0, want, "exists", msg);
		return;
	}
	hp_proc_file(s->st, dir, sizeof dir, want, HP_P_DIR);
	if ((mkdir(dir, 0700) == -1 && errno != EEXIST) ||
	    (dfd = hp_proc_open(s->st, want)) == -1 ||
	    taken(dfd, want, tmp) == -1 || renameat(AT_FDCWD, from, dfd,
	    hp_proc_filename(HP_P_SPEC)) == -1) {
		snprintf(msg, sizeof msg, "%s: %s", dir, errno == ELOOP ?
		    "a symbolic link: refused" : strerror(errno));
		if (dfd != -1)
			close(dfd);
		unlink(from);
		rmdir(dir);	/* made for nothing; one in use is not empty */
		hp_super_reply(s, id, 0, want, errno == ENOSPC ||
		    errno == ELOOP || errno == EPERM ? "state-dir" : "system",
		    msg);
		return;
	}
	close(dfd);
	if (hp_super_loadspec(s, want, &spec, msg, sizeof msg) == -1 ||
	    unknown(s, &spec, msg, sizeof msg)) {
		hp_rmtree(dir);
		hp_super_reply(s, id, 0, want, "usage", msg);
		return;
	}
	if (p != NULL && spec.instances > 0) {
		hp_spec_free(&spec);
		hp_super_reply(s, id, 0, want, "exists", "name in use (remove "
		    "it first)");
		return;
	}
	/* Instances: each started as a spawn's first start, answers joined. */
	if (spec.instances > 0) {
		n = hp_unit_add(s, &spec, v, HP_INSTANCES_MAX);
		join = hp_join_open(s, id, want, n);
		for (i = 0; i < n; i++) {
			hp_sproc_wait(v[i], join, HP_W_START);
			v[i]->first = 1;
			hp_life(s, v[i], HP_EV_START);
		}
		return;
	}
	if (p != NULL)
		hp_super_respec(s, p, &spec);
	else
		p = hp_super_add(s, &spec);
	/*
	 * A spawn's first start: answered once it has exec'd, or is held
	 * by its after=, or waited for its place; one that cannot exec
	 * leaves no record (life.c, spawn).
	 */
	for (n = 0; n < s->nproc; n++)		/* a stale one's */
		if (strcmp(s->procs[n]->from, tmp) == 0)
			s->procs[n]->from[0] = '\0';
	hp_copy(p->from, sizeof p->from, tmp);
	hp_sproc_wait(p, id, HP_W_START | HP_W_ADD);
	p->first = 1;
	hp_life(s, p, HP_EV_START);
}

int
hp_super_writespec(struct hp_super *s, const struct hp_spec *sp)
{
	char dir[HP_PATH_MAX];
	struct hp_buf b = { 0 };
	int dfd, r, e;

	if (hp_proc_file(s->st, dir, sizeof dir, sp->name, HP_P_DIR) == -1)
		return -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return -1;
	if ((dfd = hp_proc_open(s->st, sp->name)) == -1)
		return -1;
	hp_spec_write(sp, &b);
	r = hp_file_writeat(dfd, hp_proc_filename(HP_P_SPEC), b.p, b.len,
	    0600);
	e = errno;
	close(dfd);
	hp_buf_free(&b);
	errno = e;
	return r;
}

/*
 * Bring the processes in line with the configuration file: new sections
 * start, removed ones stop and go, changed ones restart, and the same
 * ones are not touched. The first time, every process of the file that
 * is not running is started. A file with any error changes nothing.
 */
int
hp_super_apply(struct hp_super *s, int first, char *msg, size_t n)
{
	struct hp_conf c;
	struct hp_proc *p;
	char (*names)[HP_NAME_MAX + 1];
	int i, k, r, add = 0, change = 0, same = 0, gone = 0;

	if (s->conf == NULL)
		return snprintf(msg, n, "no configuration file"), -1;
	if (hp_conf_load(&c, s->conf, s->profile, msg, n) == -1)
		return -1;
	/* Its [supervisor] first: an address taken changes nothing else. */
	if (hp_shttp_listen(s, c.sup.metrics_listen, msg, n) == -1) {
		hp_conf_free(&c);
		return -2;
	}
	hp_metrics_interval(s, c.sup.metrics_interval);
	if (hp_super_audit(s, c.sup.audit, msg, n) == -1)
		hp_warnx("%s", msg);
	names = hp_xcalloc((size_t)c.n, sizeof *names);
	for (i = 0; i < c.n; i++) {
		hp_copy(names[i], sizeof names[i], c.spec[i].name);
		c.spec[i].config = hp_xstrdup(s->conf);
		if (hp_super_writespec(s, &c.spec[i]) == -1) {
			hp_warn("%s: write spec", c.spec[i].name);
			continue;
		}
		r = hp_unit_apply(s, &c.spec[i], first);
		add += r == 0;
		change += r == 1;
		same += r == 2;
		memset(&c.spec[i], 0, sizeof c.spec[i]);
	}
	/* What the file kept before and no longer names goes. */
	for (k = 0; k < s->nproc; k++) {
		p = s->procs[k];
		if (p->outgoing || p->spec.config == NULL ||
		    strcmp(p->spec.config, s->conf))
			continue;
		for (i = 0; i < c.n; i++)
			if (strcmp(names[i], p->unit->name) == 0)
				break;
		if (i == c.n) {
			gone += p->instance <= 1;
			hp_life(s, p, HP_EV_REMOVE);
		}
	}
	free(names);
	hp_conf_free(&c);
	snprintf(msg, n, "%d added, %d changed, %d removed, %d unchanged",
	    add, change, gone, same);
	return 0;
}

/* "signal SIG NAME": to its process group, if it is still the one. */
static void
verb_signal(struct hp_super *s, const struct hp_request *r)
{
	const char *id = r->client, *name = r->arg[1];
	struct hp_proc *p;
	int n = hp_signal(r->arg[0]), k;

	if (n < 0) {
		hp_super_reply(s, id, 0, name, "usage", "unknown signal");
		return;
	}
	if ((p = lookup(s, id, name)) == NULL)
		return;
	if (p->id.pid <= 0 || p->state == HP_ST_BACKOFF) {
		hp_super_reply(s, id, 0, name, "not-running", "not running");
		return;
	}
	k = hp_ident_alive(&p->id);
	if (k == 1 || (k == -1 && !p->orphan))
		k = kill(-(p->group > 0 ? p->group : p->id.pid), n);
	else {
		k = -1;
		errno = ESRCH;
	}
	hp_super_reply(s, id, k == 0, name, k == 0 ? NULL : "not-running",
	    k == 0 ? NULL : strerror(errno));
}

static void
verb_shutdown(struct hp_super *s, const struct hp_request *r)
{
	if (strcmp(r->client, "-") != 0) {
		s->waiting = hp_xrealloc(s->waiting,
		    (size_t)(s->nwaiting + 1) * sizeof *s->waiting);
		s->waiting[s->nwaiting++] = hp_xstrdup(r->client);
	}
	hp_super_shutdown(s);
}

/* "reload": the configuration; "reload NAME": NAME, a rolling reload. */
static void
verb_reload(struct hp_super *s, const struct hp_request *r)
{
	char msg[HP_PATH_MAX + 256];
	int k;

	if (r->narg == 1) {
		if (s->shutdown)
			hp_super_reply(s, r->client, 0, r->arg[0],
			    "shutting-down", "the supervisor is shutting down");
		else
			hp_unit_reload(s, r->client, r->arg[0]);
		return;
	}
	k = s->shutdown ? -1 : hp_super_apply(s, 0, msg, sizeof msg);

	if (s->shutdown)
		snprintf(msg, sizeof msg, "shutting down");
	hp_super_reply(s, r->client, k == 0, NULL, k == 0 ? NULL :
	    s->shutdown ? "shutting-down" : s->conf == NULL ?
	    "not-configured" : k == -2 ? "system" : "config", msg);
}

static void
verb_ping(struct hp_super *s, const struct hp_request *r)
{
	hp_super_reply(s, r->client, 1, NULL, NULL, NULL);
}

static void
verb_add(struct hp_super *s, const struct hp_request *r)
{
	add(s, r->client, r->arg[0], r->arg[1], r->narg == 3 &&
	    strcmp(r->arg[2], "unique") == 0);
}

static void
verb_start(struct hp_super *s, const struct hp_request *r)
{
	struct hp_proc *p;

	if ((p = lookup(s, r->client, r->arg[0])) == NULL)
		return;
	hp_sproc_wait(p, r->client, HP_W_START);
	hp_life(s, p, HP_EV_START);
}

static void
verb_stop(struct hp_super *s, const struct hp_request *r)
{
	struct hp_proc *p;

	if ((p = lookup(s, r->client, r->arg[0])) == NULL)
		return;
	hp_sproc_wait(p, r->client, HP_W_STOP);
	/* Asked for, it wins over a restart of ours under way. */
	if (p->then == HP_THEN_START)
		p->error[0] = p->code[0] = '\0';
	if (p->then == HP_THEN_START || p->then == HP_THEN_FAIL)
		p->then = HP_THEN_STAY;
	hp_life(s, p, HP_EV_STOP);
}

static void
verb_restart(struct hp_super *s, const struct hp_request *r)
{
	struct hp_proc *p;

	if ((p = lookup(s, r->client, r->arg[0])) == NULL)
		return;
	hp_sproc_wait(p, r->client, HP_W_START);
	/* Asked for, counted apart from the supervisor's own restarts. */
	if (p->id.pid > 0)
		p->asked++;
	hp_life(s, p, HP_EV_RESTART);
}

static void
verb_remove(struct hp_super *s, const struct hp_request *r)
{
	struct hp_proc *p;

	if ((p = lookup(s, r->client, r->arg[0])) == NULL)
		return;
	if (p->instance > 0 && !r->fanned) {
		hp_super_reply(s, r->client, 0, r->arg[0], "usage",
		    "an instance goes with scale");
		return;
	}
	hp_sproc_wait(p, r->client, HP_W_REMOVE);
	hp_life(s, p, HP_EV_REMOVE);
}

/*
 * The verbs of the control FIFO, one line each: "ID VERB ARG...", ID a
 * FIFO in events/ that gets the answer, or "-" for none (hp(7),
 * control). min and max count the words after the verb; a NAME is a
 * process name at arg[name], or an instance NAME:I; REST takes the rest
 * of the line, as it came, from its last word on; FAN goes to each
 * instance of a NAME that has them. While shutting down, every request
 * is refused but a shutdown (LATE). FIFO: answered in many lines, or to
 * the client's FIFO itself, never to "=TAG".
 */
enum { V_NAME0 = 1, V_NAME1 = 2, V_REST = 4, V_FAN = 16, V_LATE = 32,
	V_FIFO = 64 };
static const struct verb {
	const char	*name;
	const char	*args;		/* as hp(7) shows them */
	int		 min, max;
	int		 flags;
	void		(*run)(struct hp_super *, const struct hp_request *);
	const char	*help;
} verbs[] = {
	{ "add", "NAME SPECFILE [unique]", 2, 3, V_NAME0, verb_add,
	    "start the spec hp-spawn wrote in procs/" },
	{ "start", "NAME", 1, 1, V_NAME0 | V_FAN, verb_start,
	    "start it, unless it runs" },
	{ "stop", "NAME", 1, 1, V_NAME0 | V_FAN, verb_stop,
	    "stop it for good" },
	{ "restart", "NAME", 1, 1, V_NAME0 | V_FAN, verb_restart,
	    "stop it, then start it" },
	{ "remove", "NAME", 1, 1, V_NAME0 | V_FAN, verb_remove,
	    "stop it and forget it" },
	{ "signal", "SIG NAME", 2, 2, V_NAME1 | V_FAN, verb_signal,
	    "a signal to its process group" },
	{ "send", "NAME JSON", 2, 2, V_NAME0 | V_REST | V_FAN, hp_node_send,
	    "a message to a node process" },
	{ "attach", "NAME CLIENT COLS ROWS REPLAY [DRAW]", 5, 6, V_NAME0,
	    hp_term_attach, "a client of a terminal" },
	{ "resize", "NAME COLS ROWS", 3, 3, V_NAME0, hp_term_resize,
	    "a terminal's new size" },
	{ "write", "NAME HEX", 2, 2, V_NAME0, hp_term_write,
	    "bytes for a terminal, as typed" },
	{ "launched", "JSON", 1, 1, V_REST, hp_term_launched,
	    "a client launched a CLI tool: the event" },
	{ "reload", "[NAME]", 0, 1, 0, verb_reload,
	    "the configuration file again; NAME: a new run, then the old goes" },
	{ "scale", "NAME N", 2, 2, V_NAME0, hp_unit_scale,
	    "instances added or taken away" },
	{ "shutdown", "", 0, 0, V_LATE, verb_shutdown,
	    "stop everything, then exit" },
	{ "ping", "", 0, 0, 0, verb_ping, "answer, and do nothing" },
	{ "upgrade", "PATH", 1, 1, V_REST, hp_upgrade_verb,
	    "hand the supervisor over to another binary, in place" },
	{ "list", "WHICH [history]", 1, 2, V_FIFO, hp_show_list,
	    "each process as hp-ls --json shows it, then ours" },
	{ "subscribe", "WHAT", 1, 1, V_FIFO, hp_show_subscribe,
	    "output, metrics or none: events asked for" },
	{ "parent", "PID", 1, 1, 0, hp_parent_verb,
	    "follow PID as the parent from now on" },
};
#define NVERBS	(int)(sizeof verbs / sizeof verbs[0])

int
hp_verb_count(void)
{
	return NVERBS;
}

const char *
hp_verb_name(int i, const char **args, const char **help)
{
	if (i < 0 || i >= NVERBS)
		return NULL;
	*args = verbs[i].args;
	*help = verbs[i].help;
	return verbs[i].name;
}
#define WORDS	12	/* the words of a line taken apart, at most */

static void
warnline(const char *why, const char *line)
{
	static long long second;
	static int count;
	long long now = hp_mono_ms() / 1000;

	if (now != second) {
		second = now;
		count = 0;
	}
	if (count++ < WARN_MAX)
		hp_warnx("control: %s: %.60s", why, line);
}

/* A number of the preamble: 0 <= v <= max, or -1. */
static long long
number(const char *w, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(w, &end, 10);
	return end == w || *end != '\0' || errno != 0 || v < 0 || v > max ?
	    -1 : v;
}

/*
 * Who a request's answer goes to: "-", nobody; NAME, the FIFO of that
 * name in events/; "=TAG", our standard output, with --json, as a line
 * that says "answer": TAG (hp(7), control), for the program that reads
 * it and has no FIFO of its own.
 */
static int
id_ok(const char *id)
{
	return strcmp(id, "-") == 0 || (strlen(id) <= HP_NAME_MAX &&
	    hp_name_ok(id[0] == '=' ? id + 1 : id));
}

/*
 * "@V DEADLINE" before a request (hp(7), control): the protocol version
 * of its client and the wall time, in ms since the epoch, after which it
 * waits no more; from version 3, after the ID, "UID PID": who asks, as
 * the client says (a FIFO carries no credentials). Without them: version
 * 1, no deadline, nobody named. Past its deadline a request is not
 * carried out: its client has given up on it, and may have told its user
 * so. The words it takes: 2 or 4, the ID moved to w[that]; -1 answered,
 * dropped.
 */
static int
preamble(struct hp_super *s, char **w, int n, const char *copy)
{
	const char *id = n >= 3 && id_ok(w[2]) ? w[2] : "-";
	char *end;
	long long v, dl, uid = -1, pid = -1;
	int k;

	errno = 0;
	v = strtoll(w[0] + 1, &end, 10);
	if (end == w[0] + 1 || *end != '\0' || errno != 0 || v < 1 ||
	    v > HP_PROTO) {
		warnline("unknown protocol version", copy);
		hp_super_reply(s, id, 0, NULL, "version",
		    "protocol version not spoken here");
		return -1;
	}
	dl = n >= 2 ? strtoll(w[1], &end, 10) : 0;
	if (n < 4 || end == w[1] || *end != '\0' || errno != 0 || dl < 0) {
		warnline("bad line", copy);
		hp_super_reply(s, id, 0, NULL, "usage", "bad command");
		return -1;
	}
	if (v >= 3 && (n < 6 || (uid = number(w[3], 1LL << 32)) == -1 ||
	    (pid = number(w[4], 1LL << 32)) == -1)) {
		warnline("bad line", copy);
		hp_super_reply(s, id, 0, NULL, "usage", "bad command");
		return -1;
	}
	s->by.uid = uid;
	s->by.pid = pid;
	if (dl > 0 && hp_wall_ms() > dl) {
		warnline("past its deadline", copy);
		k = v >= 3 ? 6 : 4;
		hp_super_reply(s, id, 0, n > k && hp_name_ok(w[k]) ? w[k] :
		    NULL, "timeout", "the request came after its deadline");
		return -1;
	}
	if (v < 3)
		return 2;
	w[4] = w[2];
	return 4;
}

/* One control line, taken apart and checked against its verb's row. */
static void
take(struct hp_super *s, char *line)
{
	char *all[WORDS], **w = all, *save = NULL, *t, copy[HP_LINE_MAX + 2];
	const char *name;
	const struct verb *v;
	struct hp_request r;
	int n = 0, i, k;

	hp_copy(copy, sizeof copy, line);
	for (t = strtok_r(line, " \t", &save); t != NULL && n < WORDS;
	    t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (n > 0 && w[0][0] == '@') {
		if ((k = preamble(s, w, n, copy)) == -1)
			return;
		w += k;
		n -= k;
	}
	if (n >= 2)
		s->verb = w[1];
	if (n < 2 || !id_ok(w[0])) {
		warnline("bad line", copy);
		hp_super_refused(s, NULL, "usage", "bad line");
		return;
	}
	for (i = 0; i < NVERBS && strcmp(verbs[i].name, w[1]) != 0; i++)
		;
	/* The name the answer is for: where the verb has it. */
	k = i < NVERBS && (verbs[i].flags & V_NAME1) ? 3 : 2;
	name = n > k && hp_ref_ok(w[k]) ? w[k] : NULL;
	if (i == NVERBS) {
		warnline("unknown verb", copy);
		hp_super_reply(s, w[0], 0, name, "usage", "unknown verb");
		return;
	}
	v = &verbs[i];
	if (n - 2 < v->min || (n - 2 > v->max && !(v->flags & V_REST))) {
		warnline("bad line", copy);
		hp_super_reply(s, w[0], 0, name, "usage", "bad command");
		return;
	}
	if (w[0][0] == '=' && (v->flags & V_FIFO)) {
		hp_super_reply(s, w[0], 0, NULL, "usage", "answered only "
		    "through a FIFO of events/");
		return;
	}
	if (((v->flags & V_NAME0) && !hp_ref_ok(w[2])) ||
	    ((v->flags & V_NAME1) && !hp_ref_ok(w[3]))) {
		hp_super_reply(s, w[0], 0, NULL, "usage", "bad name");
		return;
	}
	/*
	 * Shutting down, nothing new is taken. A supervisor that ends for
	 * want of work says "exiting": ask again, and a new one comes.
	 */
	if (s->shutdown && !(v->flags & V_LATE)) {
		hp_super_reply(s, w[0], 0, name, s->exiting ? "exiting" :
		    "shutting-down", s->exiting ? "the supervisor is exiting: "
		    "it has nothing left to keep" :
		    "the supervisor is shutting down");
		return;
	}
	r.client = w[0];
	r.verb = w[1];
	r.arg = w + 2;
	r.narg = n - 2;
	/* From its last word on, as it came: a message may hold spaces. */
	r.rest = v->flags & V_REST ? copy + (w[1 + v->max] - line) : NULL;
	r.fanned = 0;
	if ((v->flags & V_FAN) && hp_unit_fan(s, &r, v->flags & V_NAME1 ? 1 :
	    0, v->run))
		return;
	v->run(s, &r);
}

/* A request: what it starts is for its requester, if it names one. */
static void
command(struct hp_super *s, char *line)
{
	struct hp_by was = s->by;

	s->by.cause = HP_BY_REQUEST;
	s->by.uid = s->by.pid = -1;
	take(s, line);
	s->by = was;
	s->verb = NULL;
}

/* Read the control FIFO; act on each whole line, drop overlong ones. */
void
hp_super_control(struct hp_super *s)
{
	char buf[4096];
	size_t i;
	ssize_t n;

	while ((n = hp_read(s->ctlfd, buf, sizeof buf)) > 0) {
		for (i = 0; i < (size_t)n; i++) {
			if (buf[i] != '\n') {
				if (s->linelen < HP_LINE_MAX)
					s->line[s->linelen++] = buf[i];
				else if (!s->skipping) {
					s->skipping = 1;
					s->line[s->linelen] = '\0';
					warnline("line too long", s->line);
					hp_super_refused(s, NULL, "usage",
					    "line too long");
				}
				continue;
			}
			s->line[s->linelen] = '\0';
			if (!s->skipping && s->linelen > 0)
				command(s, s->line);
			s->linelen = 0;
			s->skipping = 0;
		}
	}
	/*
	 * A client's line comes in one write below PIPE_BUF, so it is never
	 * left half read once the FIFO is empty: a partial line here is
	 * junk from some other writer. Drop it, or it would eat the front
	 * of the next client's command.
	 */
	if (s->linelen > 0 && !s->skipping) {
		s->line[s->linelen] = '\0';
		warnline("partial line", s->line);
	}
	s->linelen = 0;
	s->skipping = 0;
}
