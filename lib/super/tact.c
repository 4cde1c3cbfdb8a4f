/* hp: see LICENSE. */
/* tact.c: what a terminal is doing: output, quiet, who has it, its title. */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "super/sterm.h"
#include "super/vt.h"

#define TICK		1000	/* ms between output events */

struct hp_json *
hp_tact_event(struct hp_super *s, struct hp_proc *p, const char *what)
{
	struct hp_json *j = hp_sproc_event(s, p, "terminal:activity");

	hp_json_kstr(j, "activity", what);
	return j;
}

/*
 * Who has the terminal now: told when it changes. Its name is read only
 * when the group changes, and again when asked (again): a group seen
 * between its fork and its exec is looked at once more FG_DELAY later.
 */
void
hp_tact_foreground(struct hp_super *s, struct hp_proc *p, int again)
{
	struct hp_term *t = p->term;
	struct hp_json *j;
	char comm[sizeof t->fgcomm];
	pid_t fg;

	if (t->master == -1 || (fg = tcgetpgrp(t->master)) <= 0 ||
	    (fg == t->fg && !again))
		return;
	if (fg != t->fg)
		t->fg_at = hp_mono_ms() + FG_DELAY;
	if (hp_proc_comm(fg, comm, sizeof comm) == -1)
		comm[0] = '\0';
	if (fg == t->fg && strcmp(comm, t->fgcomm) == 0)
		return;
	t->fg = fg;
	hp_copy(t->fgcomm, sizeof t->fgcomm, comm);
	j = hp_tact_event(s, p, "foreground");
	hp_json_kint(j, "pid", (long long)fg);
	if (comm[0] != '\0')
		hp_json_kstr(j, "command", comm);
	hp_event_publish(&s->ev, j);
}

/* The window title the program set (OSC 0 or 2): its screen has it. */
static void
title(struct hp_super *s, struct hp_proc *p)
{
	struct hp_term *t = p->term;
	struct hp_json *j;

	if (t->vt->titled == t->titled)
		return;
	t->titled = t->vt->titled;
	j = hp_tact_event(s, p, "title");
	hp_json_kstr(j, "title", t->vt->title);
	hp_event_publish(&s->ev, j);
}

/* Output has come: told at once after a silence, then once a second. */
static void
busy(struct hp_super *s, struct hp_proc *p, size_t n)
{
	struct hp_term *t = p->term;
	long long now = hp_mono_ms();
	struct hp_json *j;

	t->burst += n;
	t->quiet_at = now + p->spec.quiet;
	if (t->busy && now < t->tick_at)
		return;
	j = hp_tact_event(s, p, "output");
	hp_json_kint(j, "bytes", (long long)(t->head - t->told));
	hp_event_publish(&s->ev, j);
	t->told = t->head;
	t->tick_at = now + TICK;
	t->busy = 1;
}

/* The program wrote n bytes: output told of, its title, who has it. */
void
hp_tact_output(struct hp_super *s, struct hp_proc *p, size_t n)
{
	busy(s, p, n);
	title(s, p);
	hp_tact_foreground(s, p, 0);
}

/* Quiet once nothing has come for a while. */
void
hp_tact_quiet(struct hp_super *s, struct hp_proc *p, long long now)
{
	struct hp_term *t = p->term;
	struct hp_json *j;

	if (!t->busy || now < t->quiet_at)
		return;
	t->busy = 0;
	if (t->head > t->told) {
		j = hp_tact_event(s, p, "output");
		hp_json_kint(j, "bytes", (long long)(t->head - t->told));
		hp_event_publish(&s->ev, j);
		t->told = t->head;
	}
	j = hp_tact_event(s, p, "quiet");
	hp_json_kint(j, "bytes", (long long)t->burst);
	hp_json_kint(j, "quiet_ms", p->spec.quiet);
	hp_event_publish(&s->ev, j);
	t->burst = 0;
	hp_tact_foreground(s, p, 1);
}
