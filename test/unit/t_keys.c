/* hp: see LICENSE. */
/* t_keys.c: the table of spec keys: defaults, every key read back. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

/* A spec's text, written and read back: the same text again. */
static int
roundtrip(const struct hp_spec *sp)
{
	char path[] = "/tmp/hp-unit-keys.XXXXXX", msg[256];
	struct hp_buf a = { 0 }, b = { 0 };
	struct hp_spec back;
	int fd, same;

	hp_spec_write(sp, &a);
	if ((fd = mkstemp(path)) == -1)
		return 0;
	close(fd);
	if (hp_file_write(path, a.p, a.len, 0600) == -1 ||
	    hp_spec_load(&back, sp->name, path, msg, sizeof msg) == -1) {
		fprintf(stderr, "roundtrip: %s\n%s", msg, hp_buf_str(&a));
		unlink(path);
		hp_buf_free(&a);
		return 0;
	}
	unlink(path);
	hp_spec_write(&back, &b);
	same = strcmp(hp_buf_str(&a), hp_buf_str(&b)) == 0;
	if (!same)
		fprintf(stderr, "roundtrip:\n%s---\n%s", a.p, b.p);
	hp_spec_free(&back);
	hp_buf_free(&a);
	hp_buf_free(&b);
	return same;
}

/* Each default, set again through its key, changes nothing. */
static void
defaults(void)
{
	const struct hp_key *k;
	struct hp_keyinfo ki;
	struct hp_spec sp, d;
	struct hp_buf a = { 0 }, b = { 0 };
	char msg[128];
	int i, t, bad = 0;

	for (t = 0; t <= HP_TERMINAL; t++) {
		hp_spec_init(&d, "d", t);
		d.argv = calloc(2, sizeof *d.argv);
		d.argv[0] = hp_xstrdup("true");
		hp_spec_write(&d, &a);
		for (i = 0; (k = hp_key_at(i)) != NULL; i++) {
			hp_key_about(k, &ki);
			if (ki.def == NULL || strcmp(ki.name, "restart") == 0)
				continue;
			sp = d;
			if (hp_key_set(&sp, k, ki.def, msg, sizeof msg) == -1)
				bad++;
			b.len = 0;
			hp_spec_write(&sp, &b);
			if (strcmp(hp_buf_str(&a), hp_buf_str(&b)) != 0) {
				fprintf(stderr, "default of %s\n", ki.name);
				bad++;
			}
		}
		CHECK(roundtrip(&d));
		hp_spec_free(&d);
		a.len = 0;
	}
	CHECK(bad == 0);
	hp_buf_free(&a);
	hp_buf_free(&b);
	hp_spec_init(&d, "d", HP_SYSTEM);
	CHECK(d.restart == HP_RESTART_NO && d.stop_timeout == 10000 &&
	    d.umask == -1 && d.rlim[HP_RLIM_CORE] == -1 && d.cols == 80 &&
	    d.limit_interval == 1000 && d.scrollback == 256 * 1024);
	hp_spec_free(&d);
}

/* Every key set, for each type it is for: written, read, the same. */
static void
every(void)
{
	static const char *values[] = {
	    "exec", "node app.js --port 'a b'", "dir", "'/srv/a b'",
	    "clear-env", "yes", "env-allow", "PATH LC_*", "user", "0",
	    "group", "0", "umask", "027", "env", "A=1 B='x y'",
	    "restart", "always", "stop-signal", "INT", "stop-timeout", "3s",
	    "backoff-min", "1s", "backoff-max", "9s", "backoff-reset", "1m",
	    "max-restarts", "7", "restart-window", "2m",
	    "circuit-reset", "5m", "log-size", "64K", "log-count", "9",
	    "ready-fd", "5", "config", "/etc/hp.conf", "limit-as", "1G",
	    "limit-nofile", "99", "limit-cpu", "1500ms", "limit-nproc",
	    "unlimited", "limit-core", "0", "memory-max", "64M",
	    "cpu-max", "150%", "limit-interval", "250ms", "cols", "100",
	    "rows", "40", "scrollback", "1M", "quiet", "5s",
	    "node", "/opt/node", "node-args", "--inspect",
	    "ready-check", "tcp://127.0.0.1:9", "ready-timeout", "4s",
	    "after", "db cache", "health", "http://127.0.0.1:9/h",
	    "health-interval", "2s", "health-timeout", "300ms",
	    "health-start", "1s", "health-retries", "4",
	    "health-restart", "yes", "listen", "tcp://127.0.0.1:0",
	    "listen-mode", "0660", "listen-owner", "0:0", "instances", "3",
	    "ready", "notify", "watchdog", "2s", "watch", "src \"my lib\"",
	    "watch-ignore", "*.log tmp", "watch-delay", "2s", NULL };
	const struct hp_key *k;
	struct hp_keyinfo ki;
	struct hp_spec sp;
	char msg[256];
	int i, t, n, bad = 0;

	for (t = 0; t <= HP_TERMINAL; t++) {
		hp_spec_init(&sp, "all", t);
		for (i = 0; values[i] != NULL; i += 2) {
			k = hp_key_find(values[i]);
			hp_key_about(k, &ki);
			if (!(ki.types & (1 << t)))
				continue;
			if (hp_key_set(&sp, k, values[i + 1], msg,
			    sizeof msg) == -1) {
				fprintf(stderr, "%s: %s\n", values[i], msg);
				bad++;
			}
		}
		CHECK(roundtrip(&sp));
		hp_spec_free(&sp);
	}
	/* Every key of the table has a value above. */
	for (i = 0, n = 0; (k = hp_key_at(i)) != NULL; i++) {
		hp_key_about(k, &ki);
		for (t = 0; values[t] != NULL && strcmp(values[t], ki.name);
		    t += 2)
			;
		n += values[t] != NULL || strcmp(ki.name, "type") == 0;
	}
	CHECK(n == i && bad == 0);
}

/* node keys only for type node; -o takes neither type, exec nor config. */
static void
refused(void)
{
	struct hp_spec sp;
	char msg[128];

	hp_spec_init(&sp, "x", HP_SERVICE);
	CHECK(hp_spec_set(&sp, "node", "/x", msg, sizeof msg) == -1);
	CHECK_STR(msg, "node: only for type node");
	CHECK(hp_spec_option(&sp, "exec=true", msg, sizeof msg) == -1);
	CHECK_STR(msg, "-o exec: not a key here");
	CHECK(hp_spec_option(&sp, "type=node", msg, sizeof msg) == -1);
	CHECK(hp_spec_option(&sp, "nope=1", msg, sizeof msg) == -1);
	CHECK_STR(msg, "unknown key: nope");
	CHECK(hp_spec_option(&sp, "=1", msg, sizeof msg) == -1);
	CHECK_STR(msg, "-o wants KEY=VALUE: =1");
	CHECK(hp_spec_option(&sp, "backoff-reset=2s", msg, sizeof msg) == 0 &&
	    sp.backoff_reset == 2000);
	hp_spec_free(&sp);
}

void
test_keys(void)
{
	defaults();
	every();
	refused();
}
