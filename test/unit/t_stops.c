/* hp: see LICENSE. */
/* t_stops.c: STATE/stops, the record of a turn's stops (record.c). */

#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "../../lib/super/super.h"
#include "unit.h"

static struct hp_state st;
static struct hp_super s;

/* A process NAME being stopped: its run pid, start; its status due. */
static struct hp_proc *
stopping(const char *name, pid_t pid, unsigned long long start)
{
	char dir[HP_PATH_MAX];
	struct hp_spec sp;
	struct hp_proc *p;

	hp_spec_init(&sp, name, HP_SERVICE);
	p = hp_super_add(&s, &sp);
	CHECK(hp_proc_file(&st, dir, sizeof dir, name, HP_P_DIR) == 0 &&
	    mkdir(dir, 0700) == 0);
	p->state = HP_ST_STOPPING;
	p->id.pid = pid;
	p->id.start = start;
	p->stopby = SIGTERM;
	p->stop_wall = 1000;
	p->telling = 1;
	hp_sproc_status(&s, p);
	return p;
}

static const char *
path(void)
{
	static char p[HP_PATH_MAX];

	hp_state_file(&st, p, sizeof p, HP_F_STOPS);
	return p;
}

/* The lines of STATE/stops, or "" when there is none. */
static const char *
stops(void)
{
	static char text[4096];

	if (hp_file_read(path(), text, sizeof text) < 0)
		text[0] = '\0';
	return text;
}

void
test_stops(void)
{
	static const char was[] = "stop = c 4003 13 TERM 1000 start\n"
	    "stop = z 4009 19 TERM 1000 stay\n";
	struct hp_proc *a, *b, *c;
	struct hp_ident id;
	int i;

	memset(&s, 0, sizeof s);
	snprintf(st.dir, sizeof st.dir, "/tmp/hp-unit-stops.XXXXXX");
	CHECK(mkdtemp(st.dir) != NULL && hp_state_open(&st, 1) == 0);
	s.st = &st;
	s.ev.defer = 1;		/* as in the loop: statuses at the turn's end */
	a = stopping("a", 4001, 11);
	b = stopping("b", 4002, 12);
	CHECK(hp_record_stops(&s) == 0);
	CHECK_STR(stops(), "stop = a 4001 11 TERM 1000 stay\n"
	    "stop = b 4002 12 TERM 1000 stay\n");
	a->telling = b->telling = 0;
	/*
	 * a is reaped in the same turn: its line stays, with the run it was
	 * written for, while its status is still to be written; another
	 * stop of the turn is added to it.
	 */
	a->id.pid = 0;
	a->state = HP_ST_STOPPED;
	c = stopping("c", 4003, 13);
	c->then = HP_THEN_START;
	CHECK(hp_record_stops(&s) == 0);
	CHECK_STR(stops(), "stop = a 4001 11 TERM 1000 stay\n"
	    "stop = b 4002 12 TERM 1000 stay\n"
	    "stop = c 4003 13 TERM 1000 start\n");
	c->telling = 0;
	/* The turn's statuses written: the record goes. */
	hp_record_flush(&s);
	CHECK(s.ndirty == 0);
	CHECK_STR(stops(), "");
	/*
	 * An heir finds each run named, and only that run; a line no
	 * process takes is kept, and written again with the next stops.
	 */
	CHECK(hp_file_write(path(), was, strlen(was), 0600) == 0);
	hp_record_stops_load(&s);
	memset(&id, 0, sizeof id);
	id.pid = 4003;
	id.start = 14;		/* another run of the same pid */
	CHECK(hp_record_stops_of(&s, c, &id) == 0);
	id.start = 13;
	c->then = HP_THEN_STAY;
	c->stopby = 0;
	CHECK(hp_record_stops_of(&s, b, &id) == 0);	/* c's, not b's */
	CHECK(hp_record_stops_of(&s, c, &id) == 1);
	CHECK(c->then == HP_THEN_START && c->stopby == SIGTERM &&
	    c->stop_wall == 1000);
	hp_sproc_status(&s, c);
	hp_record_stops_done(&s);
	CHECK(s.ndirty == 0 && c->stopline == NULL);
	CHECK(s.stopsleft != NULL &&
	    strcmp(s.stopsleft, "stop = z 4009 19 TERM 1000 stay\n") == 0);
	CHECK(access(path(), F_OK) == 0);
	a = stopping("d", 4004, 14);
	CHECK(hp_record_stops(&s) == 0);
	CHECK_STR(stops(), "stop = z 4009 19 TERM 1000 stay\n"
	    "stop = d 4004 14 TERM 1000 stay\n");
	a->telling = 0;
	hp_record_flush(&s);
	CHECK(access(path(), F_OK) == 0);	/* z's is still there */
	free(s.stopsleft);
	for (i = 0; i < s.nproc; i++)
		hp_sproc_free(s.procs[i]);
	free(s.procs);
	hp_map_free(&s.names);
	CHECK(hp_rmtree(st.dir) == 0);
}
