/* hp: see LICENSE. */
/* tctl.c: the verbs of terminals: attach, resize, write; their status. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "client/term.h"
#include "super/sterm.h"
#include "super/vt.h"

#define CLIENTS_MAX	64

/* One of the FIFOs of client cid, opened as flags; -1 with a reason. */
static int
fifo(struct hp_proc *p, const char *cid,
    int in, int flags)
{
	char file[HP_PATH_MAX];
	struct stat sb;
	int fd;

	if (hp_proc_client(p->term->st, file, sizeof file, p->spec.name, cid,
	    in) == -1 || (fd = hp_open(file,
	    flags | O_NONBLOCK | O_NOFOLLOW, 0)) == -1)
		return -1;
	/* Only a FIFO of our own: what we write goes nowhere else. */
	if (fstat(fd, &sb) == -1 || !S_ISFIFO(sb.st_mode) ||
	    sb.st_uid != geteuid()) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

static void
answer(struct hp_super *s, const char *id, struct hp_proc *p,
    const char *code, const char *msg)
{
	struct hp_buf b = { 0 };
	struct hp_json j;

	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", code == NULL);
	hp_json_kstr(&j, "name", p->spec.name);
	if (code == NULL) {
		hp_json_kstr(&j, "state", hp_state_name(p->state));
		hp_json_kint(&j, "pid", (long long)p->id.pid);
		hp_json_kint(&j, "cols", p->term->cols);
		hp_json_kint(&j, "rows", p->term->rows);
	} else {
		hp_json_kstr(&j, "code", code);
		hp_json_kstr(&j, "message", msg);
	}
	hp_json_close(&j, '}');
	hp_event_reply(&s->ev, id, &j);
	hp_buf_free(&b);
}

static int
number(const char *v, long lo, long hi, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(v, &end, 10);
	return *v != '\0' && *end == '\0' && errno == 0 && *out >= lo &&
	    *out <= hi ? 0 : -1;
}

/* A new size, and SIGWINCH even when it is the same: it redraws. */
static const char *
resize(struct hp_super *s, struct hp_proc *p, const char *c, const char *r)
{
	long cols, rows;

	if (number(c, 0, 65535, &cols) == -1 ||
	    number(r, 0, 65535, &rows) == -1 || (cols == 0) != (rows == 0))
		return "cols and rows: 1 to 65535";
	if (cols == 0)
		return NULL;
	p->term->cols = (int)cols;
	p->term->rows = (int)rows;
	hp_vt_resize(p->term->vt, (int)cols, (int)rows);
	if (p->term->master != -1 && hp_pty_resize(p->term->master,
	    (int)cols, (int)rows) == -1)
		return strerror(errno);
	hp_sproc_status(s, p);
	return NULL;
}

/*
 * "attach NAME CID COLS ROWS REPLAY [DRAW]": REPLAY bytes of it, -1 all
 * kept, then its screen drawn, unless DRAW is 0.
 */
static const char *
attach(struct hp_super *s, struct hp_proc *p, char **w, int n,
    const char **code)
{
	struct hp_term *t = p->term;
	struct tclient *c;
	long replay, draw = 1;
	const char *why;
	int out, in;

	*code = "usage";
	if (!hp_name_ok(w[0]) || number(w[3], -1, LONG_MAX, &replay) == -1 ||
	    (n > 4 && number(w[4], 0, 1, &draw) == -1))
		return "attach wants CLIENT COLS ROWS REPLAY [DRAW]";
	*code = "too-many";
	if (t->nclients >= CLIENTS_MAX)
		return "too many clients";
	*code = "client";
	/* It reads before it asks, so its FIFO has a reader now. */
	if ((out = fifo(p, w[0], 0, O_WRONLY)) == -1)
		return strerror(errno);
	if ((in = fifo(p, w[0], 1, O_RDONLY)) == -1) {
		close(out);
		return strerror(errno);
	}
	*code = "usage";
	if (!t->ended && (why = resize(s, p, w[1], w[2])) != NULL) {
		close(out);
		close(in);
		return why;
	}
	c = hp_xcalloc(1, sizeof *c);
	hp_copy(c->id, sizeof c->id, w[0]);
	c->out = out;
	c->in = in;
	c->took = hp_mono_ms();
	if (replay < 0 || replay > p->spec.scrollback)
		replay = (long)p->spec.scrollback;
	c->pos = t->head - ((unsigned long long)replay < t->len ?
	    (unsigned long long)replay : t->len);
	c->nodraw = draw == 0;
	hp_term_redraw(t, c);
	c->next = t->clients;
	t->clients = c;
	t->nclients++;
	t->dirty = 1;
	if (t->ended)
		t->linger = hp_mono_ms() + LINGER;
	return NULL;
}

/* "write NAME HEX": bytes for the terminal, as if typed. */
static const char *
typehex(struct hp_proc *p, const char *hex, const char **code)
{
	char buf[HP_LINE_MAX / 2];
	size_t i, n = strlen(hex);
	int hi, lo;

	*code = "usage";
	if (n % 2 != 0 || n / 2 > sizeof buf)
		return "write wants hexadecimal bytes";
	for (i = 0; i < n; i += 2) {
		hi = hp_hexval(hex[i]);
		lo = hp_hexval(hex[i + 1]);
		if (hi < 0 || lo < 0)
			return "write wants hexadecimal bytes";
		buf[i / 2] = (char)(hi << 4 | lo);
	}
	*code = "full";
	if (hp_term_type(p->term, buf, n / 2) == -1)
		return "the terminal is not reading its input";
	return NULL;
}

/* The terminal a verb names, or NULL: the client has heard why. */
static struct hp_proc *
terminal(struct hp_super *s, const struct hp_request *r)
{
	struct hp_proc *p;

	if ((p = hp_super_find(s, r->arg[0])) == NULL) {
		hp_super_reply(s, r->client, 0, r->arg[0], "not-found",
		    "no such process");
		return NULL;
	}
	if (p->spec.type != HP_TERMINAL || p->term == NULL) {
		hp_super_reply(s, r->client, 0, r->arg[0], p->spec.type !=
		    HP_TERMINAL ? "not-terminal" : "not-running", p->spec.type !=
		    HP_TERMINAL ? "not a terminal" : "never started");
		return NULL;
	}
	return p;
}

/* What a verb did to terminal p, its status again, the answer. */
static void
done(struct hp_super *s, const struct hp_request *r, struct hp_proc *p,
    const char *code, const char *why)
{
	hp_term_restatus(s, p);
	answer(s, r->client, p, why == NULL ? NULL : code, why);
}

/* "attach NAME CID COLS ROWS REPLAY [DRAW]" */
void
hp_term_attach(struct hp_super *s, const struct hp_request *r)
{
	struct hp_proc *p;
	const char *why, *code = NULL;

	if ((p = terminal(s, r)) == NULL)
		return;
	if ((why = attach(s, p, r->arg + 1, r->narg - 1, &code)) == NULL)
		hp_term_flushall(p);
	done(s, r, p, code, why);
}

/* "resize NAME COLS ROWS" */
void
hp_term_resize(struct hp_super *s, const struct hp_request *r)
{
	struct hp_proc *p;

	if ((p = terminal(s, r)) == NULL)
		return;
	if (p->term->ended || p->term->master == -1)
		done(s, r, p, "not-running", "not running");
	else
		done(s, r, p, "usage", resize(s, p, r->arg[1], r->arg[2]));
}

/* "write NAME HEX" */
void
hp_term_write(struct hp_super *s, const struct hp_request *r)
{
	struct hp_proc *p;
	const char *code = NULL, *why;

	if ((p = terminal(s, r)) == NULL)
		return;
	if (p->term->ended || p->term->master == -1)
		done(s, r, p, "not-running", "not running");
	else {
		why = typehex(p, r->arg[1], &code);
		done(s, r, p, code, why);
	}
}

/* What a terminal's status adds: its terminal, size and clients. */
void
hp_term_status(const struct hp_proc *p, struct hp_buf *b)
{
	if (p->term == NULL)
		return;
	hp_kv_add(b, "tty", p->term->tty);
	hp_kv_addi(b, "cols", p->term->cols);
	hp_kv_addi(b, "rows", p->term->rows);
	hp_kv_addi(b, "clients", p->term->nclients);
}

/*
 * "launched JSON": a client launched a CLI tool (hp-pty -t) and tells
 * us, for our events: the cli-tool:launched object it printed, without
 * its time, or later its cli-tool:version. Only its own fields are taken, typed; anything else is
 * dropped with a warning, and nobody is answered.
 */
void
hp_term_launched(struct hp_super *s, const struct hp_request *r)
{
	static const char *const strs[] = { "id", "tool", "path", "version",
	    "terminal" };
	char ev[32], v[HP_PATH_MAX], *end;
	struct hp_json *j = &s->j;
	long long pid;
	size_t i;

	if (!hp_json_valid(r->rest, strlen(r->rest)) ||
	    hp_json_get(r->rest, "event", ev, sizeof ev) == -1 ||
	    (strcmp(ev, "cli-tool:launched") != 0 &&
	    strcmp(ev, "cli-tool:version") != 0) ||
	    hp_json_get(r->rest, "pid", v, sizeof v) == -1 ||
	    (pid = strtoll(v, &end, 10)) < 1 || *end != '\0' ||
	    hp_json_get(r->rest, "id", v, sizeof v) == -1 || !hp_name_ok(v)) {
		hp_warnx("control: launched: not a cli-tool:launched or "
		    "cli-tool:version object");
		return;
	}
	s->jb.len = 0;
	hp_json_init(j, &s->jb);
	hp_event_begin(&s->ev, j, ev);
	for (i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		/* version and terminal may be null. */
		if (hp_json_get(r->rest, strs[i], v, sizeof v) == -1 ||
		    (i >= 3 && strcmp(v, "null") == 0))
			hp_json_kstr(j, strs[i], NULL);
		else
			hp_json_kstr(j, strs[i], v);
		if (i == 2)
			hp_json_kint(j, "pid", pid);
	}
	hp_event_publish(&s->ev, j);
}
