/* hp: see LICENSE. */
/* t_detect.c: the tool registry, version extraction, cache validity. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/hp.h"
#include "client/detect.h"
#include "unit.h"

static void
registry(void)
{
	struct hp_tools ts = { 0 };
	const struct hp_tool *t;
	char text[] =
	    "# comment\n"
	    "[tool claude-code]\n"
	    "name = Claude Code\n"
	    "command = claude\n"
	    "command = claude2 claude3\n"
	    "version-args = --version --json\n"
	    "version-regex = ([0-9]+)\\.x\n"
	    "dirs = ~/.claude/local \"/Applications/A b.app/Contents\"\n"
	    "install = npm install -g \"@anthropic-ai/claude-code\"\n"
	    "env = HIVE_INTEGRATION=true\n"
	    "env = MEMORY_SERVICE_URL=http://localhost:3457\n"
	    "\n"
	    "[tool bad]\n"
	    "command = bad\n"
	    "colour = red\n"
	    "[tool nocmd]\n"
	    "name = No command\n"
	    "[tool badre]\n"
	    "command = x\n"
	    "version-regex = ([0-9\n"
	    "[tool bad id!]\n"
	    "command = y\n"
	    "[tool plain]\n"
	    "command = plain\n"
	    "[tool claude-code]\n"
	    "command = claude\n"
	    "name = Replaced\n";

	CHECK(hp_tools_parse(&ts, text, "f.conf") == -1);
	CHECK(ts.n == 2);
	CHECK(ts.nerr == 4);
	if (ts.nerr == 4) {
		CHECK_STR(ts.err[0], "f.conf:15: unknown key: colour");
		CHECK_STR(ts.err[1], "f.conf:16: no command: nocmd");
		CHECK_STR(ts.err[2], "f.conf:18: bad version-regex: badre");
		CHECK_STR(ts.err[3], "f.conf:21: bad tool id: bad id!");
	}
	t = hp_tools_find(&ts, "claude-code");
	CHECK(t != NULL && strcmp(t->name, "Replaced") == 0 &&
	    t->ncmd == 1 && t->install == NULL);
	t = hp_tools_find(&ts, "plain");
	CHECK(t != NULL && strcmp(t->name, "plain") == 0 &&
	    t->vargs == NULL && t->regex == NULL);
	CHECK(hp_tools_find(&ts, "bad") == NULL);
	hp_tools_free(&ts);

	memset(&ts, 0, sizeof ts);
	{
		char one[] = "[tool c]\ncommand = a b\ncommand = c\n"
		    "version-args = -V\nversion-regex = v([0-9.]+)\n"
		    "dirs = ~/x \"/A b.app/C\"\n"
		    "install = npm i -g \"@x/y z\"\nenv = A=1\nenv = B=\n";

		CHECK(hp_tools_parse(&ts, one, "g") == 0);
		t = hp_tools_find(&ts, "c");
		CHECK(t != NULL && t->ncmd == 3 && t->ndirs == 2 &&
		    t->nenv == 2);
		if (t != NULL && t->ncmd == 3 && t->ndirs == 2) {
			CHECK_STR(t->cmd[2], "c");
			CHECK_STR(t->vargs[0], "-V");
			CHECK(t->vargs[1] == NULL);
			CHECK_STR(t->dirs[1], "/A b.app/C");
			CHECK_STR(t->install[3], "@x/y z");
			CHECK_STR(t->env[1], "B=");
		}
	}
	hp_tools_free(&ts);
	memset(&ts, 0, sizeof ts);
	{
		char outside[] = "command = x\n[tool ok]\ncommand = ok\n"
		    "env = NOEQUALS\n[tool]\n";

		CHECK(hp_tools_parse(&ts, outside, "h") == -1);
		CHECK(ts.n == 0 && ts.nerr == 3);
		if (ts.nerr == 3) {
			CHECK_STR(ts.err[0],
			    "h:1: outside a [tool ID] section");
			CHECK_STR(ts.err[1],
			    "h:4: env: expected NAME=VALUE: env");
			CHECK_STR(ts.err[2], "h:5: expected [tool ID]");
		}
	}
	hp_tools_free(&ts);
}

static void
version(void)
{
	char v[64], raw[256];

	CHECK(hp_version_parse(NULL, "2.0.55 (Claude Code)\n", v, sizeof v,
	    raw, sizeof raw) == 0);
	CHECK_STR(v, "2.0.55");
	CHECK_STR(raw, "2.0.55 (Claude Code)");
	CHECK(hp_version_parse(NULL, "Warning: no server\n  git version "
	    "2.39.5  \nmore", v, sizeof v, raw, sizeof raw) == 0);
	CHECK_STR(v, "2.39.5");
	CHECK_STR(raw, "git version 2.39.5");
	hp_version_parse(NULL, "v20.20.2", v, sizeof v, raw, sizeof raw);
	CHECK_STR(v, "20.20.2");
	hp_version_parse(NULL, "GNU Make 4.3\nBuilt for x86_64", v, sizeof v,
	    raw, sizeof raw);
	CHECK_STR(v, "4.3");
	CHECK(hp_version_parse("go([0-9]+\\.[0-9]+(\\.[0-9]+)?)",
	    "go version go1.22.1 linux/amd64", v, sizeof v, raw,
	    sizeof raw) == 0);
	CHECK_STR(v, "1.22.1");
	CHECK(hp_version_parse(NULL, "\n\nno digits here\nx 1", v, sizeof v,
	    raw, sizeof raw) == -1);
	CHECK_STR(v, "");
	CHECK_STR(raw, "no digits here");
	CHECK(hp_version_parse("([0-9", "1.2", v, sizeof v, raw,
	    sizeof raw) == -1);
	CHECK(hp_version_parse(NULL, "", v, sizeof v, raw, sizeof raw) == -1);
	CHECK_STR(raw, "");
}

static void
cache(void)
{
	struct hp_tool t;
	struct hp_result r;
	struct hp_dcache c;
	struct hp_buf b = { 0 };
	char bad[] = "x\ty";

	memset(&t, 0, sizeof t);
	snprintf(t.id, sizeof t.id, "git");
	memset(&r, 0, sizeof r);
	r.tool = &t;
	r.installed = 1;
	snprintf(r.path, sizeof r.path, "/usr/bin/git");
	snprintf(r.real, sizeof r.real, "/usr/bin/git");
	snprintf(r.version, sizeof r.version, "2.39.5");
	snprintf(r.raw, sizeof r.raw, "git\tversion 2.39.5");
	r.size = 1234;
	r.mtime_ns = 1700000000123456789LL;
	r.checked = 1000000;
	r.probe_ms = 4;
	hp_dcache_line(&b, &r);
	CHECK(b.len > 0 && b.p[b.len - 1] == '\n');
	b.p[b.len - 1] = '\0';
	CHECK(hp_dcache_parse(&c, b.p) == 0);
	CHECK_STR(c.id, "git");
	CHECK_STR(c.version, "2.39.5");
	CHECK_STR(c.raw, "git version 2.39.5");
	CHECK_STR(c.error, "");
	CHECK(c.size == 1234 && c.mtime_ns == r.mtime_ns && c.probe_ms == 4);
	CHECK(hp_dcache_valid(&c, &r, 1000000 + 10, 3600000) == 1);
	CHECK(hp_dcache_valid(&c, &r, 1000000 + 3600000, 3600000) == 0);
	CHECK(hp_dcache_valid(&c, &r, 999999, 3600000) == 0);
	r.mtime_ns++;
	CHECK(hp_dcache_valid(&c, &r, 1000010, 3600000) == 0);
	r.mtime_ns--;
	r.size++;
	CHECK(hp_dcache_valid(&c, &r, 1000010, 3600000) == 0);
	r.size--;
	snprintf(r.path, sizeof r.path, "/usr/local/bin/git");
	CHECK(hp_dcache_valid(&c, &r, 1000010, 3600000) == 0);
	snprintf(r.path, sizeof r.path, "/usr/bin/git");
	t.regex = "([0-9]+)";
	CHECK(hp_dcache_valid(&c, &r, 1000010, 3600000) == 0);
	t.regex = NULL;
	CHECK(hp_dcache_valid(&c, &r, 1000010, 3600000) == 1);
	CHECK(hp_dcache_valid(&c, &r, 1000010, 0) == 0);
	CHECK(hp_dcache_parse(&c, bad) == -1);
	hp_buf_free(&b);
}

void
test_detect(void)
{
	registry();
	version();
	cache();
}
