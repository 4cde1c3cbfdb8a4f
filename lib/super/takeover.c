/* hp: see LICENSE. */
/*
 * takeover.c: the new image of an upgrade: the options, processes and
 * descriptors of the one it came from, taken over; or, failing that,
 * everything handed back to it (upgrade.c writes what is read here).
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/sterm.h"
#include "super/handover.h"

/* A state by its name in the table. */
static int
state_of(const char *name)
{
	int i;

	for (i = 0; i < HP_ST_N; i++)
		if (strcmp(hp_life_state_name(i), name) == 0)
			return i;
	return -1;
}

static void
take_subs(struct hp_events *ev, const struct hp_hord *h)
{
	const struct hp_hosec *sec;
	struct hp_subinfo si;
	int i = 0;

	while ((sec = hp_ho_next(h, "sub", &i)) != NULL) {
		si.name = sec->name;
		if ((si.fd = hp_ho_fd(sec, "fd")) == -1)
			continue;
		si.want = (int)hp_ho_int(sec, "want", 0);
		si.dropped = (unsigned long)hp_ho_int(sec, "dropped", 0);
		if ((si.out = hp_ho_get(sec, "answer", &si.outlen)) == NULL)
			si.outlen = 0;
		hp_events_adopt(ev, &si);
	}
}

/*
 * The new image: the options the old one ran with, from the handover in
 * fd, for hp-supervise to make its state directory and options of.
 * Strings point into h, kept until the end.
 */
int
hp_upgrade_options(struct hp_hord *h, int fd, struct hp_superopt *o,
    const char **dir, char *why, size_t n)
{
	const struct hp_hosec *sec;
	static struct hp_admit ad;
	const char *v = getenv("HP_TEST_TAKEOVER");

	/* For the tests: the new image stops as it begins, until continued. */
	if (o->handback == NULL && v != NULL && strcmp(v, "stop") == 0)
		(void)raise(SIGSTOP);
	if (hp_ho_read(h, fd, why, n) == -1)
		return -1;
	if (h->nsec == 0 || strcmp(h->sec[0].kind, "super") != 0)
		return snprintf(why, n, "no supervisor in the handover"), -1;
	sec = &h->sec[0];
	*dir = sec->name;
	v = o->handback;
	memset(o, 0, sizeof *o);
	o->handback = v;
	o->ready = -1;
	o->handover = h;
	o->implicit = (int)hp_ho_int(sec, "implicit", 0);
	o->json = (int)hp_ho_int(sec, "json", 0);
	o->events = (int)hp_ho_int(sec, "events", 0);
	o->conf = hp_ho_str(sec, "conf", NULL);
	o->profile = hp_ho_str(sec, "profile", NULL);
	o->watch_stdin = (int)hp_ho_int(sec, "watch-stdin", 0);
	o->init = (int)hp_ho_int(sec, "init", 0);
	o->allow = hp_ho_str(sec, "allow", NULL);
	o->audit = hp_ho_int(sec, "audit-fixed", 0) ? hp_ho_str(sec, "audit",
	    NULL) : NULL;
	o->metrics_interval = hp_ho_int(sec, "metrics-interval",
	    HP_METRICS_INTERVAL);
	ad.max_procs = (int)hp_ho_int(sec, "max-procs", 0);
	ad.max_memory = hp_ho_int(sec, "max-memory", 0);
	ad.max_load = (v = hp_ho_get(sec, "max-load", NULL)) ? atof(v) : -1;
	ad.queue_timeout = hp_ho_int(sec, "queue-timeout", 0);
	o->admit = &ad;
	return 0;
}

/* A process as the old image had it. */
static int
take_proc(struct hp_super *s, const struct hp_hord *h,
    const struct hp_hosec *sec, char *why, size_t n)
{
	char key[32], base[HP_NAME_MAX + 1], msg[HP_PATH_MAX + 256];
	struct hp_spec spec, one;
	struct hp_proc *p;
	int st, t, ev, i, inst;

	if ((st = state_of(hp_ho_str(sec, "state", ""))) == -1)
		return snprintf(why, n, "%s: state %s unknown here", sec->name,
		    hp_ho_str(sec, "state", "")), -1;
	if (hp_ref_split(sec->name, base, &inst) == -1) {
		hp_copy(base, sizeof base, sec->name);
		inst = 0;
	}
	if (hp_super_loadspec(s, base, &spec, msg, sizeof msg) == -1)
		return snprintf(why, n, "%s", msg), -1;
	if (inst > 0) {
		hp_spec_copy(&one, &spec, sec->name);
		hp_spec_free(&spec);
		spec = one;
	}
	p = hp_super_add(s, &spec);
	hp_life_takeover(s, p, st);
	p->orphan = (int)hp_ho_int(sec, "orphan", 0);
	p->id.pid = (pid_t)hp_ho_int(sec, "pid", 0);
	p->id.start = (unsigned long long)hp_ho_int(sec, "start", 0);
	hp_copy(p->id.boot, sizeof p->id.boot, hp_ho_str(sec, "boot", ""));
	p->group = (pid_t)hp_ho_int(sec, "group", 0);
	p->out = hp_ho_fd(sec, "out");
	p->err = hp_ho_fd(sec, "err");
	p->ready = hp_ho_fd(sec, "ready-fd");
	p->log.mid[0] = (int)hp_ho_int(sec, "log-mid-out", 0);
	p->log.mid[1] = (int)hp_ho_int(sec, "log-mid-err", 0);
	p->log.last = (int)hp_ho_int(sec, "log-last", 0);
	p->log.checked = (int)hp_ho_int(sec, "log-checked", 0);
	p->log.failing = (int)hp_ho_int(sec, "log-failing", 0);
	for (t = 0; t < HP_T_N; t++) {
		snprintf(key, sizeof key, "timer-%s", hp_life_timer_name(t,
		    &ev));
		p->timer[t] = hp_ho_int(sec, key, 0);
	}
	p->then = (int)hp_ho_int(sec, "then", HP_THEN_STAY);
	p->first = (int)hp_ho_int(sec, "first", 0);
	p->started = hp_ho_int(sec, "started", 0);
	p->started_wall = hp_ho_int(sec, "started-wall", 0);
	p->since_wall = hp_ho_int(sec, "since-wall", 0);
	p->killed = hp_ho_int(sec, "killed", 0);
	p->stop_at = hp_ho_int(sec, "stop-at", 0);
	p->stop_wall = hp_ho_int(sec, "stop-wall", 0);
	p->killed_wall = hp_ho_int(sec, "killed-wall", 0);
	hp_copy(p->from, sizeof p->from, hp_ho_str(sec, "from", ""));
	p->dirty = (int)hp_ho_int(sec, "dirty", 0);
	p->unpid = (int)hp_ho_int(sec, "unpid", 0);
	if (hp_ho_get(sec, "stop-line", NULL) != NULL)
		p->stopline = hp_xstrdup(hp_ho_str(sec, "stop-line", ""));
	p->attempt = (int)hp_ho_int(sec, "attempt", 0);
	if (hp_breaker_parse(&p->breaker, hp_ho_str(sec, "circuit", "")) ==
	    -1)
		memset(&p->breaker, 0, sizeof p->breaker);
	p->restarts = (int)hp_ho_int(sec, "restarts", 0);
	p->asked = (int)hp_ho_int(sec, "asked", 0);
	p->exit_code = (int)hp_ho_int(sec, "exit-code", -1);
	p->exit_signal = (int)hp_ho_int(sec, "exit-signal", 0);
	hp_copy(p->code, sizeof p->code, hp_ho_str(sec, "code", ""));
	hp_copy(p->error, sizeof p->error, hp_ho_str(sec, "error", ""));
	p->health = (int)hp_ho_int(sec, "health", HP_HEALTH_UNKNOWN);
	p->hfails = (int)hp_ho_int(sec, "health-fails", 0);
	p->hnext = hp_ho_int(sec, "health-next", 0);
	p->ready_by = hp_ho_int(sec, "ready-by", 0);
	p->rgap = hp_ho_int(sec, "ready-gap", 0);
	p->sample_at = hp_ho_int(sec, "sample-at", 0);
	p->sampled = (pid_t)hp_ho_int(sec, "sampled", 0);
	p->cpu_over = (int)hp_ho_int(sec, "cpu-over", 0);
	p->queued = (unsigned long)hp_ho_int(sec, "queued", 0);
	p->queue_end = hp_ho_int(sec, "queue-end", 0);
	p->stopby = (int)hp_ho_int(sec, "stop-by", 0);
	if (hp_ho_get(sec, "cgroup", NULL) != NULL) {
		p->cg = hp_xstrdup(hp_ho_str(sec, "cgroup", ""));
		p->cgnew = hp_ho_int(sec, "cgroup-new", 0) == 1;
	}
	p->nkin = (int)hp_ho_int(sec, "kin", 0);
	if (p->nkin < 0 || p->nkin > 1 << 16)
		p->nkin = 0;
	if (p->nkin > 0)
		p->kin = hp_xcalloc((size_t)p->nkin, sizeof *p->kin);
	for (i = 0; i < p->nkin; i++) {
		snprintf(key, sizeof key, "kin-%d", i);
		p->kin[i].pid = (pid_t)hp_ho_int(sec, key, 0);
		snprintf(key, sizeof key, "kin-start-%d", i);
		p->kin[i].start = (unsigned long long)hp_ho_int(sec, key, 0);
	}
	if (hp_ho_get(sec, "resisted", NULL) != NULL)
		p->resisted = hp_xstrdup(hp_ho_str(sec, "resisted", ""));
	p->foster = (int)hp_ho_int(sec, "foster", 0);
	p->by.cause = (int)hp_ho_int(sec, "by", HP_BY_NONE);
	p->by.uid = hp_ho_int(sec, "by-uid", -1);
	p->by.pid = hp_ho_int(sec, "by-pid", -1);
	p->runuid = hp_ho_int(sec, "run-uid", -1);
	hp_copy(p->runuser, sizeof p->runuser, hp_ho_str(sec, "run-user", ""));
	p->due = hp_ho_int(sec, "due", 0);
	p->skipped = (int)hp_ho_int(sec, "skipped", 0);
	hp_record_takeover(p, sec);
	if (hp_node_takeover(p, sec) == -1 || hp_notify_takeover(s, p, sec) ==
	    -1 || hp_metrics_takeover(p, sec) == -1 ||
	    hp_term_takeover(s, p, h) == -1)
		return snprintf(why, n, "%s: its channels could not be taken "
		    "over", p->spec.name), -1;
	return 0;
}

/*
 * The new image, after hp_super_run has made s of the options: every
 * process, unit and descriptor taken over. 0; -1 + why.
 */
int
hp_upgrade_takeover(struct hp_super *s, const struct hp_hord *h, int back,
    char *why, size_t n)
{
	const struct hp_hosec *sec = &h->sec[0];
	const char *t = getenv("HP_TEST_TAKEOVER");
	int i = 0;

	/* For the tests: a new image that cannot take over. */
	if (!back && t != NULL && strcmp(t, "fail") == 0)
		return snprintf(why, n, "HP_TEST_TAKEOVER=fail"), -1;

	s->lockfd = hp_ho_fd(sec, "lock");
	s->ctlfd = hp_ho_fd(sec, "control");
	s->ctlw = hp_ho_fd(sec, "control-w");
	if (s->lockfd == -1 || s->ctlfd == -1 || s->ctlw == -1)
		return snprintf(why, n, "the lock and the control FIFO were "
		    "not handed over"), -1;
	s->readyfd = hp_ho_fd(sec, "ready");
	s->booted = (int)hp_ho_int(sec, "booted", 1);
	s->stopsig = (int)hp_ho_int(sec, "stop-signal", 0);
	if (hp_ho_get(sec, "stops-left", NULL) != NULL)
		s->stopsleft = hp_xstrdup(hp_ho_str(sec, "stops-left", ""));
	s->last = (int)hp_ho_int(sec, "last", 0);
	s->dropped = hp_ho_int(sec, "dropped", 0);
	s->arrivals = (unsigned long)hp_ho_int(sec, "arrivals", 0);
	s->mtick = hp_ho_int(sec, "metrics-tick", 0);
	s->mseq = (unsigned)hp_ho_int(sec, "metrics-seq", 0);
	s->ev.seq = (unsigned long long)hp_ho_int(sec, "seq",
	    (long long)s->ev.seq);
	s->born = hp_ho_int(sec, "born", s->born);
	s->born_wall = hp_ho_int(sec, "born-wall", s->born_wall);
	s->rnd = (unsigned)hp_ho_int(sec, "rnd", s->rnd);
	s->parent.pid = (pid_t)hp_ho_int(sec, "parent", 0);
	s->parent.start = (unsigned long long)hp_ho_int(sec, "parent-start",
	    0);
	hp_copy(s->parent.boot, sizeof s->parent.boot, hp_ho_str(sec,
	    "parent-boot", ""));
	s->grace = hp_ho_int(sec, "parent-grace", 0);
	s->orphaned = hp_ho_int(sec, "orphaned", 0);
	s->was = (pid_t)hp_ho_int(sec, "parent-was", 0);
	s->alone = (int)hp_ho_int(sec, "alone", 0);
	if (hp_ho_get(sec, "cgroups", NULL) != NULL)
		s->cgbase = hp_xstrdup(hp_ho_str(sec, "cgroups", ""));
	hp_copy(s->notifydir, sizeof s->notifydir, hp_ho_str(sec,
	    "notify-dir", ""));
	s->notifyseq = (unsigned)hp_ho_int(sec, "notify-seq", 0);
	s->joinseq = (unsigned)hp_ho_int(sec, "join-seq", 0);
	hp_notify_keep(hp_ho_get(sec, "notify-self", NULL));
	take_subs(&s->ev, h);
	if (hp_shttp_takeover(s, sec) == -1)
		return snprintf(why, n, "the metrics listener was not handed "
		    "over"), -1;
	for (i = 0; (sec = hp_ho_next(h, "proc", &i)) != NULL; )
		if (take_proc(s, h, sec, why, n) == -1)
			return -1;
	/*
	 * Statuses that could not be written: tried again at once; with
	 * them, STATE/stops goes once its lines have (stops.c).
	 */
	for (i = 0; i < s->nproc; i++)
		s->ndirty += s->procs[i]->dirty != 0;
	s->retry_at = hp_mono_ms();
	s->stops = 1;
	for (i = 0; (sec = hp_ho_next(h, "unit", &i)) != NULL; )
		hp_unit_held_takeover(s, sec);
	hp_fwatch_takeover(s, h);
	return 0;
}

/*
 * A takeover that failed, in the new image: back to the image it came
 * from, by the descriptor that image kept of itself, with everything
 * open again as it was handed over; that one takes it all back and
 * tells the client why. Returns only if that cannot be done.
 */
void
hp_upgrade_back(const struct hp_hord *h, const char *why)
{
	const struct hp_hosec *sec = hp_ho_sub(h, "fds", "");
	char num[16], opt[] = "--handover", fail[] = "--handover-failed";
	char self[] = "hp-supervise", *argv[6];
	extern char **environ;
	int i, fd, image;

	if (sec == NULL || h->nsec == 0 || h->fd == -1 ||
	    (image = (int)hp_ho_int(&h->sec[0], "image", -1)) < 0)
		return;
	for (i = 0; i < sec->n; i++)
		if (strcmp(sec->r[i].key, "fd") == 0 &&
		    (fd = atoi(sec->r[i].val)) != image)
			(void)fcntl(fd, F_SETFD, 0);
	(void)fcntl(h->fd, F_SETFD, 0);
	(void)fcntl(image, F_SETFD, FD_CLOEXEC);
	snprintf(num, sizeof num, "%d", h->fd);
	argv[0] = self;
	argv[1] = opt;
	argv[2] = num;
	argv[3] = fail;
	argv[4] = (char *)why;
	argv[5] = NULL;
	fexecve(image, argv, environ);
}

/* The new image, running: the client told, and everyone. */
void
hp_upgrade_done(struct hp_super *s, struct hp_hord *h, const char *back)
{
	const struct hp_hosec *sec = &h->sec[0];
	int fd;
	const char *from = hp_ho_str(sec, "version", "?");
	const char *client = hp_ho_str(sec, "client", "-");
	struct hp_json j;
	struct hp_buf b = { 0 };

	if ((fd = hp_ho_fd(sec, "image")) != -1)
		close(fd);
	close(h->fd);
	h->fd = -1;
	if (back != NULL) {
		hp_warnx("upgrade failed: the new binary could not take over: "
		    "%s", back);
		if (strcmp(client, "-") != 0)
			hp_super_reply(s, client, 0, NULL, "upgrade-failed",
			    back);
		return;
	}
	s->jb.len = 0;
	hp_json_init(&s->j, &s->jb);
	hp_event_begin(&s->ev, &s->j, "supervisor:upgraded");
	hp_json_kstr(&s->j, "from", from);
	hp_json_kstr(&s->j, "to", HP_VERSION);
	hp_json_kint(&s->j, "pid", (long long)getpid());
	if (s->ev.echo)
		hp_json_kbool(&s->j, "tags", 1);
	hp_event_publish(&s->ev, &s->j);
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", 1);
	hp_json_kstr(&j, "from", from);
	hp_json_kstr(&j, "to", HP_VERSION);
	hp_json_kint(&j, "pid", (long long)getpid());
	hp_json_close(&j, '}');
	if (strcmp(client, "-") != 0)
		hp_event_reply(&s->ev, client, &j);
	hp_buf_free(&b);
}

/* The signals the old image had blocked, blocked again: the rest not. */
void
hp_upgrade_sigmask(const struct hp_hord *h)
{
	const char *v = hp_ho_str(&h->sec[0], "sigmask", ""), *p;
	sigset_t set;
	char *end;
	long sig;

	sigemptyset(&set);
	for (p = v; *p != '\0'; p = end) {
		sig = strtol(p, &end, 10);
		if (end == p)
			break;
		if (sig > 0 && sig < 65)
			sigaddset(&set, (int)sig);
	}
	sigprocmask(SIG_SETMASK, &set, NULL);
}
