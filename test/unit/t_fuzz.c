/* hp: see LICENSE. */
/* t_fuzz.c: inputs that make fuzz found to break lib/, kept broken no more. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "client/detect.h"
#include "super/super.h"
#include "unit.h"

/*
 * A dir whose split failed freed a word list it never had: the last one
 * of an earlier call, such as the exec line (a double free).
 */
static void
dir_bad_split(void)
{
	struct hp_spec sp;
	struct hp_conf c;
	char msg[256], text[] = "[service web]\nexec = node server.js\n"
	    "dir = srv# the application's\n";

	hp_spec_init(&sp, "x", HP_SERVICE);
	CHECK(hp_spec_set(&sp, "exec", "node server.js", msg, sizeof msg) == 0);
	CHECK(hp_spec_set(&sp, "dir", "'srv", msg, sizeof msg) == -1);
	CHECK_STR(msg, "dir: one path expected");
	CHECK(sp.argv != NULL && sp.argv[1] != NULL);
	CHECK_STR(sp.argv[1], "server.js");
	hp_spec_free(&sp);
	CHECK(hp_conf_parse(&c, text, "hp.conf", msg, sizeof msg) == -1);
	CHECK_STR(msg, "hp.conf:3: dir: one path expected");
}

/* A real-time stop signal was written "?", which no one read back. */
static void
rt_stop_signal(void)
{
#ifdef SIGRTMIN
	struct hp_buf b = { 0 };
	struct hp_spec sp;
	struct hp_kv kv = { 0 };
	char msg[256], num[16];

	snprintf(num, sizeof num, "%d", (int)SIGRTMIN + 1);
	hp_spec_init(&sp, "x", HP_SERVICE);
	CHECK(hp_spec_set(&sp, "stop-signal", num, msg, sizeof msg) == 0);
	hp_spec_write(&sp, &b);
	hp_spec_free(&sp);
	CHECK(hp_kv_parse(&kv, hp_buf_str(&b)) == 0);
	CHECK_STR(hp_kv_get(&kv, "stop-signal"), "RTMIN+1");
	hp_spec_init(&sp, "x", HP_SERVICE);
	CHECK(hp_spec_set(&sp, "stop-signal", hp_kv_get(&kv, "stop-signal"),
	    msg, sizeof msg) == 0 && sp.stop_signal == SIGRTMIN + 1);
	hp_spec_free(&sp);
	hp_kv_free(&kv);
	hp_buf_free(&b);
#endif
}

/* Expressions glibc takes gigabytes to compile are refused first. */
static void
regex_blowup(void)
{
	char ver[64], raw[256], conf[] = "[tool x]\ncommand = x\n"
	    "version-regex = ((a{99}){99}){99}\n";
	struct hp_tools ts;

	CHECK(hp_version_re_ok("([0-9]+\\.[0-9]+\\.[0-9]+(-[0-9a-f]+)?)"));
	CHECK(hp_version_re_ok("go([0-9]+\\.[0-9]+(\\.[0-9]+)?)"));
	CHECK(hp_version_re_ok("v([[:digit:]]{1,4}[]a.]*)|^\\(x+\\)"));
	CHECK(!hp_version_re_ok("\v\n\n+++++++++++++++++++++++"));
	CHECK(!hp_version_re_ok("a*?"));
	CHECK(!hp_version_re_ok("((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+"));
	CHECK(!hp_version_re_ok("((a{99}){99}){99}"));
	CHECK(!hp_version_re_ok("[[:digit:]"));
	/* Back-references: undefined in an ERE, exponential to match. */
	CHECK(!hp_version_re_ok("(a*)*\\1"));
	CHECK(!hp_version_re_ok("(x)\\9"));
	CHECK(hp_version_re_ok("a\\.b\\\\0"));
	CHECK(hp_version_parse("\v\n\n+++++++++++++++++++++++", "1.2.3",
	    ver, sizeof ver, raw, sizeof raw) == -1);
	memset(&ts, 0, sizeof ts);
	CHECK(hp_tools_parse(&ts, conf, "t.conf") == -1 && ts.n == 0);
	CHECK(ts.nerr == 1 && strstr(ts.err[0], "bad version-regex") != NULL);
	hp_tools_free(&ts);
}

/* An add whose spec file is missing left an empty procs/NAME behind. */
static void
add_no_spec(void)
{
	static const char line[] = "- add web .spawn-1234 unique\n"
	    "- add web .spawn-x\n";
	struct hp_state st;
	struct hp_super s;
	char path[HP_PATH_MAX];
	int p[2];

	memset(&s, 0, sizeof s);
	snprintf(st.dir, sizeof st.dir, "/tmp/hp-unit-control.XXXXXX");
	CHECK(mkdtemp(st.dir) != NULL && hp_state_open(&st, 1) == 0);
	CHECK(hp_events_open(&s.ev, &st) == 0);
	s.st = &st;
	s.lockfd = s.ctlw = s.sigfd = -1;
	hp_admit_default(&s.admit);
	CHECK(hp_pipe(p, 1) == 0);
	CHECK(hp_write_all(p[1], line, sizeof line - 1) == 0);
	close(p[1]);
	s.ctlfd = p[0];
	hp_super_control(&s);
	close(p[0]);
	hp_proc_file(&st, path, sizeof path, "web", HP_P_DIR);
	CHECK(access(path, F_OK) == -1 && s.nproc == 0);
	hp_events_close(&s.ev);
	CHECK(hp_rmtree(st.dir) == 0);
}

void
test_fuzz(void)
{
	dir_bad_split();
	rt_stop_signal();
	regex_blowup();
	add_no_spec();
}
