/* hp: see LICENSE. */
/*
 * control.c: fuzz the control FIFO's reader and its commands
 * (hp_super_control) on a supervisor with no process, in a state
 * directory of its own: the input comes through a pipe, every verb is
 * answered or refused, and none may leave a process or an entry behind.
 */

#include <stdlib.h>
#include <unistd.h>

#include "hp.h"
#include "super/super.h"
#include "fuzz.h"

static struct hp_state st;
static struct hp_super s;

static void
cleanup(void)
{
	hp_events_close(&s.ev);
	hp_rmtree(st.dir);
}

static void
setup(void)
{
	fuzz_tmpdir(st.dir, sizeof st.dir, "control");
	if (hp_state_open(&st, 1) == -1)
		fuzz_fail("state directory %s", st.dir);
	s.st = &st;
	s.lockfd = s.ctlfd = s.ctlw = s.sigfd = -1;
	hp_admit_default(&s.admit);
	if (hp_events_open(&s.ev, &st) == -1)
		fuzz_fail("events of %s", st.dir);
	hp_progname = "fuzz";
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char **names;
	int p[2], n, i;

	if (s.st == NULL)
		setup();
	if (size > 32768)
		return 0;	/* what a pipe holds, written at once */
	if (hp_pipe(p, 1) == -1 || hp_write_all(p[1], data, size) == -1)
		fuzz_fail("pipe");
	close(p[1]);
	s.ctlfd = p[0];
	hp_super_control(&s);
	close(p[0]);
	if (s.nproc != 0)
		fuzz_fail("a process with no spec: %s", s.procs[0]->spec.name);
	if (hp_state_names(&st, &names, &n) == -1)
		fuzz_fail("procs of %s", st.dir);
	if (n != 0)
		fuzz_fail("left behind: procs/%s", names[0]);
	hp_argv_free(names);
	for (i = 0; i < s.nwaiting; i++)
		free(s.waiting[i]);
	free(s.waiting);
	s.waiting = NULL;
	s.nwaiting = s.shutdown = 0;
	return 0;
}
