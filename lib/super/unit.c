/* hp: see LICENSE. */
/* unit.c: a name beyond one process: held sockets and instances. */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/handover.h"

/*
 * A unit is what a name stands for beyond one process: the sockets the
 * supervisor holds for it (listen =), open while any of its runs needs
 * them and passed to each from descriptor 3 up, and its instances
 * NAME:1 ... NAME:N (instances =), each a record of its own with its own
 * life, under procs/NAME/I/. Every record points at its unit; a run
 * that a reload replaces (outgoing) does too, so that the sockets stay
 * open until it has gone.
 *
 * A verb on NAME goes to each instance, and their answers are gathered
 * into one (a join, whose client id "*N" no FIFO can have). A reload
 * of NAME goes through its instances one at a time (roll.c).
 */

struct hp_join {
	char		 id[16];
	char		 client[HP_NAME_MAX + 1];
	char		 name[HP_NAME_MAX + 1];
	int		 want, got, ok, same;
	int		 count;		/* instances to tell, else want */
	char		 state[16];
	char		 code[24];
	char		 msg[160];
	struct hp_join	*next;
};

struct hp_unit *
hp_unit_find(struct hp_super *s, const char *name)
{
	int i;

	for (i = 0; i < s->nunit; i++)
		if (strcmp(s->units[i]->name, name) == 0)
			return s->units[i];
	return NULL;
}

/* A new record: the unit of its name, made at need. */
void
hp_unit_attach(struct hp_super *s, struct hp_proc *p)
{
	char name[HP_NAME_MAX + 1];
	struct hp_unit *u;
	int inst;

	if (hp_ref_split(p->spec.name, name, &inst) == -1) {
		hp_copy(name, sizeof name, p->spec.name);
		inst = 0;
	}
	p->instance = inst;
	if ((u = hp_unit_find(s, name)) == NULL) {
		u = hp_xcalloc(1, sizeof *u);
		hp_copy(u->name, sizeof u->name, name);
		s->units = hp_xrealloc(s->units, (size_t)(s->nunit + 1) *
		    sizeof *s->units);
		s->units[s->nunit++] = u;
	}
	if (!p->outgoing)
		u->instances = p->spec.instances;
	u->refs++;
	p->unit = u;
}

static void
unheld(struct hp_unit *u)
{
	int i;

	for (i = 0; i < u->nheld; i++)
		hp_listen_close(u->fd[i], u->bound[i]);
	u->nheld = 0;
	free(u->bound);
	u->bound = NULL;
	hp_argv_free(u->addr);
	u->addr = NULL;
}

/* A record goes: the last of a unit takes it, and its sockets, along. */
void
hp_unit_detach(struct hp_super *s, struct hp_proc *p)
{
	struct hp_unit *u = p->unit;
	int i;

	if (u == NULL || --u->refs > 0)
		return;
	unheld(u);
	hp_fwatch_free(s, u);
	for (i = 0; i < s->nunit && s->units[i] != u; i++)
		;
	if (i < s->nunit)
		s->units[i] = s->units[--s->nunit];
	free(u);
	p->unit = NULL;
}

int
hp_unit_members(struct hp_super *s, struct hp_unit *u, struct hp_proc **v,
    int max)
{
	struct hp_proc *t;
	int i, k, n = 0;

	for (i = 0; i < s->nproc && n < max; i++)
		if (s->procs[i]->unit == u && !s->procs[i]->outgoing)
			v[n++] = s->procs[i];
	for (i = 1; i < n; i++)		/* by instance: a few, mostly sorted */
		for (k = i; k > 0 && v[k - 1]->instance > v[k]->instance; k--) {
			t = v[k];
			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	return n;
}

/* procs/NAME/I, made for a new instance. */
static void
instdir(struct hp_super *s, const char *ref)
{
	char dir[HP_PATH_MAX];

	if (hp_proc_file(s->st, dir, sizeof dir, ref, HP_P_DIR) == 0 &&
	    mkdir(dir, 0700) == -1 && errno != EEXIST)
		hp_warn("%s", dir);
}

/* Instance i of the spec sp, as a record of its own. */
static struct hp_proc *
instance(struct hp_super *s, const struct hp_spec *sp, int i)
{
	char ref[HP_REF_MAX + 16];
	struct hp_spec one;

	snprintf(ref, sizeof ref, "%s:%d", sp->name, i);
	hp_spec_copy(&one, sp, ref);
	instdir(s, ref);
	return hp_super_add(s, &one);
}

int
hp_unit_add(struct hp_super *s, struct hp_spec *sp, struct hp_proc **v,
    int max)
{
	int i, n = 0;

	if (sp->instances == 0) {
		v[0] = hp_super_add(s, sp);
		return 1;
	}
	for (i = 1; i <= sp->instances && n < max; i++)
		v[n++] = instance(s, sp, i);
	hp_spec_free(sp);
	return n;
}

/* Are these the addresses the unit's sockets were opened for? */
static int
sameaddr(char **a, char **b)
{
	int i;

	for (i = 0; a != NULL && b != NULL && a[i] != NULL && b[i] != NULL;
	    i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return (a == NULL || a[i] == NULL) && (b == NULL || b[i] == NULL);
}

/* Who owns its unix: sockets: listen-owner, else the user it runs as. */
static int
owner(const struct hp_spec *sp, uid_t *uid, gid_t *gid, char *msg,
    size_t n)
{
	char user[HP_NAME_MAX + 1];
	const char *colon, *o = sp->listen_owner;
	struct hp_user u;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (o == NULL && sp->user == NULL)
		return 0;
	if (o == NULL) {
		if (hp_user_find(&u, sp->user, sp->group, msg, n) == -1)
			return -1;
	} else {
		colon = strchr(o, ':');
		snprintf(user, sizeof user, "%.*s", colon ? (int)(colon - o) :
		    (int)strlen(o), o);
		if (hp_user_find(&u, user, colon ? colon + 1 : NULL, msg,
		    n) == -1)
			return -1;
	}
	*uid = u.uid;
	*gid = u.gid;
	return 0;
}

/*
 * Before a run: the sockets of its listen =, opened unless they are held
 * already for the same addresses. They stay open across its restarts.
 */
int
hp_unit_sockets(struct hp_super *s, struct hp_proc *p)
{
	struct hp_unit *u = p->unit;
	const struct hp_spec *sp = &p->spec;
	char why[HP_PATH_MAX + 200];
	uid_t uid;
	gid_t gid;
	int i, n = hp_spec_nlisten(sp), fd;

	(void)s;
	if (u->nheld > 0 && sameaddr(u->addr, sp->listen))
		return 0;
	unheld(u);
	if (n == 0)
		return 0;
	if (owner(sp, &uid, &gid, why, sizeof why) == -1) {
		hp_copy(p->code, sizeof p->code, "listen");
		snprintf(p->error, sizeof p->error, "listen-owner: %.120s", why);
		return -1;
	}
	u->bound = hp_xcalloc((size_t)n, sizeof *u->bound);
	for (i = 0; i < n; i++) {
		fd = hp_listen_open(sp->listen[i], sp->listen_mode, uid, gid,
		    u->bound[i], sizeof u->bound[i], why, sizeof why);
		if (fd == -1) {
			hp_copy(p->code, sizeof p->code, "listen");
			snprintf(p->error, sizeof p->error, "listen %.140s",
			    why);
			unheld(u);
			return -1;
		}
		u->fd[u->nheld++] = fd;
	}
	u->addr = hp_xcalloc((size_t)n + 1, sizeof *u->addr);
	for (i = 0; i < n; i++)
		u->addr[i] = hp_xstrdup(sp->listen[i]);
	return 0;
}

void
hp_unit_status(const struct hp_proc *p, struct hp_buf *b)
{
	int i;

	for (i = 0; p->unit != NULL && i < p->unit->nheld; i++)
		hp_kv_add(b, "listen", p->unit->bound[i]);
}

void
hp_unit_info(const struct hp_proc *p, struct hp_info *in)
{
	int i;

	for (i = 0; p->unit != NULL && i < p->unit->nheld &&
	    in->nlisten < HP_SPAWN_PASS; i++)
		hp_copy(in->listen[in->nlisten++], sizeof in->listen[0],
		    p->unit->bound[i]);
}

/*
 * The end of a turn: sockets that no run of their unit needs any more
 * (stopped, exited, failed: nothing to come by itself) are closed, for
 * a refused connection is then the truth; the status says so.
 */
void
hp_unit_settle(struct hp_super *s)
{
	struct hp_unit *u;
	int i, k, live;

	for (i = 0; i < s->nunit; i++) {
		u = s->units[i];
		if (u->nheld == 0)
			continue;
		for (k = live = 0; k < s->nproc && !live; k++)
			live = s->procs[k]->unit == u &&
			    hp_life_live(s->procs[k]);
		if (live)
			continue;
		unheld(u);
		for (k = 0; k < s->nproc; k++)
			if (s->procs[k]->unit == u && !s->procs[k]->outgoing &&
			    s->procs[k]->state != HP_ST_REMOVED)
				hp_sproc_status(s, s->procs[k]);
	}
}

/* after = NAME: NAME:I running, or every instance of NAME. */
int
hp_unit_ready(struct hp_super *s, const char *ref)
{
	struct hp_proc *p, *v[HP_INSTANCES_MAX];
	struct hp_unit *u;
	int i, n;

	if ((p = hp_super_find(s, ref)) != NULL)
		return p->state == HP_ST_RUNNING;
	if (strchr(ref, ':') != NULL || (u = hp_unit_find(s, ref)) == NULL ||
	    (n = hp_unit_members(s, u, v, HP_INSTANCES_MAX)) == 0)
		return -1;
	for (i = 0; i < n; i++)
		if (v[i]->state != HP_ST_RUNNING)
			return 0;
	return 1;
}

/*
 * NAME to want instances, as sp says them: added (started) or taken
 * away (stopped and removed, the highest first); those that stay are
 * not touched. Their answers go to the join id. How many answers.
 */
static int
resize(struct hp_super *s, struct hp_unit *u, const struct hp_spec *sp,
    int want, const char *id)
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1], *p;
	int i, n, todo = 0;

	n = hp_unit_members(s, u, v, HP_INSTANCES_MAX + 1);
	u->instances = want;
	for (i = 0; i < n; i++) {
		v[i]->spec.instances = want;
		if (v[i]->instance > want) {
			todo++;
			if (id != NULL)
				hp_sproc_wait(v[i], id, HP_W_REMOVE);
			hp_life(s, v[i], HP_EV_REMOVE);
		}
	}
	for (i = n + 1; i <= want; i++, todo++) {
		p = instance(s, sp, i);
		if (id != NULL)
			hp_sproc_wait(p, id, HP_W_START);
		if (!s->shutdown)
			hp_life(s, p, HP_EV_START);
	}
	return todo;
}

/* How many answers resize() will give: for the join, before it acts. */
static int
resizing(struct hp_super *s, struct hp_unit *u, int want)
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1];
	int i, n, todo;

	n = hp_unit_members(s, u, v, HP_INSTANCES_MAX + 1);
	todo = want > n ? want - n : 0;
	for (i = 0; i < n; i++)
		todo += v[i]->instance > want;
	return todo;
}

/* "scale NAME N"; the spec on disk says N, for a supervisor to come. */
void
hp_unit_scale(struct hp_super *s, const struct hp_request *r)
{
	const char *name = r->arg[0];
	struct hp_unit *u = hp_unit_find(s, name);
	struct hp_proc *v[1];
	struct hp_spec sp;
	char msg[512], *end;
	const char *id;
	long want;

	want = strtol(r->arg[1], &end, 10);
	if (*r->arg[1] == '\0' || *end != '\0' || want < 1 ||
	    want > HP_INSTANCES_MAX) {
		snprintf(msg, sizeof msg, "instances: 1 to %d",
		    HP_INSTANCES_MAX);
		hp_super_reply(s, r->client, 0, name, "usage", msg);
		return;
	}
	if (u == NULL || hp_unit_members(s, u, v, 1) == 0) {
		hp_super_reply(s, r->client, 0, name, "not-found",
		    "no such process");
		return;
	}
	if (u->instances == 0) {
		hp_super_reply(s, r->client, 0, name, "usage", "it has no "
		    "instances: give it instances = N");
		return;
	}
	if (hp_super_loadspec(s, name, &sp, msg, sizeof msg) == -1) {
		hp_super_reply(s, r->client, 0, name, "system", msg);
		return;
	}
	sp.instances = (int)want;
	if (hp_super_writespec(s, &sp) == -1)
		hp_warn("%s: write spec", name);
	id = hp_join_open(s, r->client, name, resizing(s, u, (int)want));
	if (s->joins != NULL && strcmp(s->joins->id, id) == 0)
		s->joins->count = (int)want;	/* told, not the answers */
	if (resize(s, u, &sp, (int)want, id) == 0)
		hp_super_reply(s, r->client, 1, name, NULL, NULL);
	hp_spec_free(&sp);
}

/* A spec's text but for its instances: what a change of N leaves alone. */
static char *
spectext(const struct hp_spec *sp)
{
	struct hp_spec t = *sp;
	struct hp_buf b = { 0 };

	t.instances = 0;
	hp_spec_write(&t, &b);
	return hp_buf_str(&b);
}

/*
 * A section of the configuration, against what runs under its name:
 * new, started; changed, restarted (reloaded, each instance in its turn,
 * where sockets are held, so that no request is lost); the same, left
 * alone, but for a change of instances, which adds or takes away only
 * those. 0 added, 1 changed, 2 the same. sp is taken.
 */
int
hp_unit_apply(struct hp_super *s, struct hp_spec *sp, int first)
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1];
	struct hp_unit *u = hp_unit_find(s, sp->name);
	struct hp_spec *one;
	char *old, *new, ref[HP_REF_MAX + 16];
	int i, n = 0, same, shape, roll, scaled = 0;

	if (u != NULL)
		n = hp_unit_members(s, u, v, HP_INSTANCES_MAX + 1);
	if (n == 0) {
		n = hp_unit_add(s, sp, v, HP_INSTANCES_MAX + 1);
		for (i = 0; i < n && !s->shutdown; i++)
			if (first)
				hp_watch_boot(s, v[i]);
			else
				hp_life(s, v[i], HP_EV_RESUME);
		return 0;
	}
	old = spectext(&v[0]->spec);
	new = spectext(sp);
	same = strcmp(old, new) == 0;
	free(old);
	free(new);
	/* One process and instances are not the same shape: all anew. */
	shape = (u->instances > 0) == (sp->instances > 0);
	if (!shape) {
		for (i = 0; i < n; i++)
			hp_life(s, v[i], HP_EV_REMOVE);
		n = hp_unit_add(s, sp, v, HP_INSTANCES_MAX + 1);
		for (i = 0; i < n && !s->shutdown; i++)
			hp_life(s, v[i], HP_EV_RESUME);
		return 1;
	}
	if (sp->instances != u->instances) {
		resize(s, u, sp, sp->instances, NULL);
		n = hp_unit_members(s, u, v, HP_INSTANCES_MAX + 1);
		scaled = 1;
	}
	roll = sp->listen != NULL || v[0]->spec.listen != NULL;
	for (i = 0; i < n; i++) {
		if (same) {
			if (first && !hp_life_live(v[i]) && !s->shutdown)
				hp_watch_boot(s, v[i]);
			continue;
		}
		one = hp_xcalloc(1, sizeof *one);
		snprintf(ref, sizeof ref, "%s", v[i]->spec.name);
		hp_spec_copy(one, sp, ref);
		if (roll && v[i]->state == HP_ST_RUNNING) {
			hp_unit_roll(s, v[i], NULL, one);
			continue;
		}
		hp_super_respec(s, v[i], one);
		free(one);
		/* A changed configuration: a restart asked for. */
		v[i]->asked += hp_life_live(v[i]) && v[i]->id.pid > 0;
		if (hp_life_live(v[i]))
			hp_life(s, v[i], HP_EV_RESTART);
		else if (!s->shutdown)
			hp_life(s, v[i], HP_EV_RESUME);
	}
	hp_spec_free(sp);
	return same && !scaled ? 2 : 1;
}

/*
 * A verb on NAME, a name with instances: the verb for each of them, the
 * answers joined. 0: NAME is no such name, the verb goes on as it is.
 */
int
hp_unit_fan(struct hp_super *s, const struct hp_request *r, int at,
    void (*fn)(struct hp_super *, const struct hp_request *))
{
	struct hp_proc *v[HP_INSTANCES_MAX + 1];
	struct hp_request one;
	struct hp_unit *u;
	char *arg[8];
	int i, k, n;

	if (at >= r->narg || strchr(r->arg[at], ':') != NULL ||
	    (u = hp_unit_find(s, r->arg[at])) == NULL || u->instances == 0 ||
	    (n = hp_unit_members(s, u, v, HP_INSTANCES_MAX + 1)) == 0)
		return 0;
	one = *r;
	for (k = 0; k < r->narg && k < 8; k++)
		arg[k] = r->arg[k];
	one.arg = arg;
	one.client = hp_join_open(s, r->client, r->arg[at], n);
	one.fanned = 1;
	for (i = 0; i < n; i++) {
		arg[at] = v[i]->spec.name;
		fn(s, &one);
	}
	return 1;
}

/* Joins: the answers of a verb's instances, one answer for the client. */
const char *
hp_join_open(struct hp_super *s, const char *client, const char *name,
    int want)
{
	struct hp_join *j;

	if (strcmp(client, "-") == 0 || want <= 0)
		return client;
	j = hp_xcalloc(1, sizeof *j);
	snprintf(j->id, sizeof j->id, "*%u", ++s->joinseq);
	hp_copy(j->client, sizeof j->client, client);
	hp_copy(j->name, sizeof j->name, name);
	j->want = want;
	j->ok = j->same = 1;
	j->next = s->joins;
	s->joins = j;
	return j->id;
}

static void
joined(struct hp_super *s, struct hp_join *j)
{
	struct hp_buf b = { 0 };
	struct hp_json js;

	hp_json_init(&js, &b);
	hp_json_open(&js, '{');
	hp_json_kbool(&js, "ok", j->ok);
	hp_json_kstr(&js, "name", j->name);
	if (j->same && j->state[0] != '\0' && j->count == 0)
		hp_json_kstr(&js, "state", j->state);
	hp_json_kint(&js, "pid", 0);
	hp_json_kint(&js, "instances", j->count ? j->count : j->want);
	if (!j->ok) {
		hp_json_kstr(&js, "code", j->code[0] ? j->code : "failed");
		hp_json_kstr(&js, "message", j->msg);
	}
	hp_json_close(&js, '}');
	hp_event_reply(&s->ev, j->client, &js);
	hp_buf_free(&b);
}

int
hp_join_take(struct hp_super *s, const char *id, int ok, const char *state,
    const char *code, const char *msg)
{
	struct hp_join **jp, *j;

	if (id[0] != '*')
		return 0;
	for (jp = &s->joins; (j = *jp) != NULL; jp = &j->next)
		if (strcmp(j->id, id) == 0)
			break;
	if (j == NULL)
		return 1;
	if (!ok && j->ok) {
		j->ok = 0;
		hp_copy(j->code, sizeof j->code, code ? code : "failed");
		hp_copy(j->msg, sizeof j->msg, msg ? msg : "");
	}
	if (state != NULL) {
		if (j->got > 0 && strcmp(j->state, state) != 0)
			j->same = 0;
		hp_copy(j->state, sizeof j->state, state);
	}
	if (++j->got < j->want)
		return 1;
	*jp = j->next;
	joined(s, j);
	free(j);
	return 1;
}

void
hp_join_free(struct hp_super *s)
{
	struct hp_join *j;

	while ((j = s->joins) != NULL) {
		s->joins = j->next;
		free(j);
	}
}

/* Its held sockets, for an upgrade: the descriptors stay open. */
void
hp_unit_held_handover(struct hp_howr *w, const struct hp_unit *u)
{
	char key[32];
	int i;

	if (u->nheld == 0)
		return;
	hp_ho_section(w, "unit", u->name);
	hp_ho_putint(w, "held", u->nheld);
	for (i = 0; i < u->nheld; i++) {
		snprintf(key, sizeof key, "fd-%d", i);
		hp_ho_putfd(w, key, u->fd[i]);
		snprintf(key, sizeof key, "bound-%d", i);
		hp_ho_putstr(w, key, u->bound[i]);
		snprintf(key, sizeof key, "addr-%d", i);
		hp_ho_putstr(w, key, u->addr != NULL ? u->addr[i] : NULL);
	}
}

void
hp_unit_held_takeover(struct hp_super *s, const struct hp_hosec *sec)
{
	struct hp_unit *u = hp_unit_find(s, sec->name);
	char key[32];
	int i, n = (int)hp_ho_int(sec, "held", 0);

	if (u == NULL || n <= 0 || n > HP_SPAWN_PASS)
		return;
	unheld(u);
	u->bound = hp_xcalloc((size_t)n, sizeof *u->bound);
	u->addr = hp_xcalloc((size_t)n + 1, sizeof *u->addr);
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof key, "fd-%d", i);
		u->fd[i] = hp_ho_fd(sec, key);
		snprintf(key, sizeof key, "bound-%d", i);
		hp_copy(u->bound[i], sizeof u->bound[i], hp_ho_str(sec, key,
		    ""));
		snprintf(key, sizeof key, "addr-%d", i);
		u->addr[i] = hp_xstrdup(hp_ho_str(sec, key, ""));
	}
	u->nheld = n;
}
