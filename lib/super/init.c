/* hp: see LICENSE. */
/* init.c: what hp-supervise --init does as well, as PID 1 of a container. */

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"

/*
 * With --init, what the processes write goes to our own output too, as
 * a container's runtime expects of its PID 1. Our output is non-blocking:
 * what it will not take now is dropped and counted, never waited for.
 */
void
hp_super_relay(struct hp_super *s, int stream, const char *buf, size_t n)
{
	int fd = stream ? STDERR_FILENO : STDOUT_FILENO;
	ssize_t w;

	if (!(s->relay & (stream ? RELAY_ERR : RELAY_OUT)))
		return;		/* stdout carries the events */
	while (n > 0) {
		w = write(fd, buf, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->dropped += (long long)n;
			return;
		}
		buf += w;
		n -= (size_t)w;
	}
}

/* --init: a signal for us goes on to every process's group. */
void
hp_super_forward(struct hp_super *s, int sig)
{
	int i;

	for (i = 0; i < s->nproc; i++)
		if (s->procs[i]->id.pid > 0 && !s->procs[i]->orphan)
			(void)hp_sproc_kill(s, s->procs[i], sig);
}

/* The process of the command line (--init -- COMMAND): kept, started. */
void
hp_super_runcmd(struct hp_super *s, struct hp_spec *spec)
{
	char name[HP_NAME_MAX + 1];
	struct hp_proc *p;
	int n;

	/*
	 * A name the file keeps already, running or to start in its turn:
	 * the command gets one of its own.
	 */
	hp_copy(name, sizeof name, spec->name);
	for (n = 2; (p = hp_super_find(s, spec->name)) != NULL &&
	    (hp_life_live(p) || p->boot); n++)
		if (snprintf(spec->name, sizeof spec->name, "%.*s-%d",
		    HP_NAME_MAX - 8, name, n) >= (int)sizeof spec->name)
			break;
	if (hp_super_writespec(s, spec) == -1) {
		hp_warn("%s: write spec", spec->name);
		hp_spec_free(spec);
		s->last = HP_EXIT_FAIL;
		return;
	}
	if (p != NULL)
		hp_super_respec(s, p, spec);
	else
		p = hp_super_add(s, spec);
	hp_audit_ours(p, HP_BY_COMMAND);
	/* One that cannot start says why, and leaves with 126 or 127. */
	if (hp_life(s, p, HP_EV_SPAWN) == -1) {
		fprintf(stderr, "%s: %s\n", hp_progname, p->error);
		s->last = p->exit_code;
	}
}
