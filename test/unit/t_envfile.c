/* hp: see LICENSE. */
/* t_envfile.c: env-file's dotenv lines, profiles of hp.conf(5). */

#include <sys/stat.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

/* The value of NAME in env, or NULL. */
static const char *
get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; env != NULL && *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static int
count(char **env)
{
	int n = 0;

	while (env != NULL && env[n] != NULL)
		n++;
	return n;
}

/* Quotes as dotenv writes them, export, comments, blanks. */
static void
quoting(void)
{
	char **env = NULL, msg[128];
	const char *text =
	    "# a comment\n"
	    "\n"
	    "   \t\n"
	    "export A=1\n"
	    "B = 'as it is: \\n $HOME \"q\"'\n"
	    "C=\"nl\\nend \\\"q\\\" back\\\\slash \\x tab\\t\"\n"
	    "D=unquoted value   # a comment\n"
	    "E=abc#def\n"
	    "F=\n"
	    "G='two\nlines'\n"
	    "H=\"also\ntwo\"  # after\n"
	    "I=$HOME/${USER}\n"
	    "J=first\r\n"
	    "export\tK=tab\n"
	    "export=word\n"
	    "A=again\n"
	    "L=`back`\n"
	    "M=#x\n";

	CHECK(hp_envfile_parse(text, &env, msg, sizeof msg) == 0);
	CHECK_STR(get(env, "A"), "again");
	CHECK_STR(get(env, "B"), "as it is: \\n $HOME \"q\"");
	CHECK_STR(get(env, "C"), "nl\nend \"q\" back\\slash \\x tab\t");
	CHECK_STR(get(env, "D"), "unquoted value");
	CHECK_STR(get(env, "E"), "abc#def");
	CHECK_STR(get(env, "F"), "");
	CHECK_STR(get(env, "G"), "two\nlines");
	CHECK_STR(get(env, "H"), "also\ntwo");
	CHECK_STR(get(env, "I"), "$HOME/${USER}");
	CHECK_STR(get(env, "J"), "first");
	CHECK_STR(get(env, "K"), "tab");
	CHECK_STR(get(env, "export"), "word");
	CHECK_STR(get(env, "L"), "back");
	CHECK_STR(get(env, "M"), "");
	CHECK(count(env) == 14);
	/* A later file's names take the place of the earlier's. */
	CHECK(hp_envfile_parse("B=2\nN=3\n", &env, msg, sizeof msg) == 0);
	CHECK_STR(get(env, "B"), "2");
	CHECK(count(env) == 15);
	hp_argv_free(env);
}

/* A bad line is an error with its number; nothing is added. */
static void
bad(void)
{
	static const char *cases[] = {
	    "A=1\nnot a line\n", "2: not NAME=VALUE",
	    "A=1\n\nB='open\n", "3: no closing quote",
	    "A=\"open\\\"\n", "1: no closing quote",
	    "A='x' y\n", "1: text after the value",
	    "1A=x\n", "1: not NAME=VALUE",
	    "A='a\nb'\nB\n", "3: not NAME=VALUE",
	    "export A\n", "1: not NAME=VALUE",
	    "=x\n", "1: not NAME=VALUE",
	    NULL };
	char **env = NULL, msg[128];
	int i;

	for (i = 0; cases[i] != NULL; i += 2) {
		msg[0] = '\0';
		CHECK(hp_envfile_parse(cases[i], &env, msg, sizeof msg) == -1);
		CHECK_STR(msg, cases[i + 1]);
		CHECK(env == NULL);
	}
}

/*
 * The layers of a start: ours, the recorded, the files (filtered by
 * env-allow), env on top.
 */
static void
layers(void)
{
	char path[] = "/tmp/hp-unit-env.XXXXXX", msg[256], **e;
	struct hp_spec sp;
	int fd;

	if ((fd = mkstemp(path)) == -1)
		return;
	close(fd);
	CHECK(hp_file_write(path, "REC=file\nGIVEN=file\nNEW=file\n"
	    "SECRET=file\n", 40, 0600) == 0);
	hp_spec_init(&sp, "x", HP_SERVICE);
	sp.clear_env = 1;
	CHECK(hp_spec_set(&sp, "env-file", path, msg, sizeof msg) == 0);
	CHECK(hp_spec_set(&sp, "env", "REC=rec GIVEN=given ONLY=rec", msg,
	    sizeof msg) == 0);
	CHECK(hp_spec_set(&sp, "env-recorded", "REC ONLY", msg,
	    sizeof msg) == 0);
	CHECK(hp_spec_set(&sp, "env-allow", "REC GIVEN NEW ONLY", msg,
	    sizeof msg) == 0);
	CHECK(hp_spec_envload(&sp, msg, sizeof msg) == 0);
	e = hp_spec_envp(&sp);
	CHECK_STR(get(e, "REC"), "file");
	CHECK_STR(get(e, "GIVEN"), "given");
	CHECK_STR(get(e, "NEW"), "file");
	CHECK_STR(get(e, "ONLY"), "rec");
	CHECK(get(e, "SECRET") == NULL);
	free(e);
	/* Read again at the next start: what it holds now. */
	CHECK(hp_file_write(path, "NEW=changed\n", 12, 0600) == 0);
	CHECK(hp_spec_envload(&sp, msg, sizeof msg) == 0);
	e = hp_spec_envp(&sp);
	CHECK_STR(get(e, "NEW"), "changed");
	CHECK_STR(get(e, "REC"), "rec");
	free(e);
	CHECK(hp_file_write(path, "A=1\nB C\n", 8, 0600) == 0);
	CHECK(hp_spec_envload(&sp, msg, sizeof msg) == -1);
	CHECK(strstr(msg, ":2: not NAME=VALUE") != NULL);
	CHECK(sp.env_read == NULL);
	unlink(path);
	CHECK(hp_spec_envload(&sp, msg, sizeof msg) == -1);
	CHECK(strstr(msg, "No such file or directory") != NULL &&
	    strncmp(msg, "env-file /tmp/", 14) == 0);
	hp_spec_free(&sp);
	/* Not a regular file: a FIFO would stall the supervisor. */
	hp_spec_init(&sp, "x", HP_SERVICE);
	CHECK(hp_spec_set(&sp, "env-file", "/dev/null", msg, sizeof msg) == 0);
	CHECK(hp_spec_envload(&sp, msg, sizeof msg) == -1);
	CHECK_STR(msg, "env-file /dev/null: not a regular file");
	hp_spec_free(&sp);
}

/* [TYPE NAME @PROFILE]: taken over the base with the profile, else not. */
static void
profiles(void)
{
	static const char conf[] =
	    "[service web @prod]\nenv = MODE=prod\nrestart = always\n"
	    "[service web]\nexec = sleep 1\nenv = MODE=dev A=1\n"
	    "[service extra @prod]\nexec = sleep 2\n"
	    "[service web @test]\nenv = MODE=test\n";
	struct hp_conf c;
	char text[sizeof conf], msg[256];

	memcpy(text, conf, sizeof conf);
	CHECK(hp_conf_parse(&c, text, "/etc/hp.conf", msg, sizeof msg) == 0);
	CHECK(c.n == 1 && strcmp(c.spec[0].name, "web") == 0);
	CHECK_STR(get(c.spec[0].env, "MODE"), "dev");
	CHECK(c.spec[0].restart == HP_RESTART_ON_FAILURE);
	hp_conf_free(&c);
	memcpy(text, conf, sizeof conf);
	CHECK(hp_conf_profile(&c, text, "/etc/hp.conf", "prod", msg,
	    sizeof msg) == 0);
	CHECK(c.n == 2 && strcmp(c.spec[1].name, "extra") == 0);
	CHECK_STR(get(c.spec[0].env, "MODE"), "prod");
	CHECK_STR(get(c.spec[0].env, "A"), "1");
	CHECK(c.spec[0].restart == HP_RESTART_ALWAYS);
	hp_conf_free(&c);
	memcpy(text, conf, sizeof conf);
	CHECK(hp_conf_profile(&c, text, "/etc/hp.conf", "nope", msg,
	    sizeof msg) == -1);
	CHECK_STR(msg, "/etc/hp.conf: no section of profile nope");
	/* A section of a profile not chosen is checked all the same. */
	snprintf(text, sizeof text, "%s", "[service a]\nexec = x\n[service a @p]\nnosuch = 1\n");
	CHECK(hp_conf_parse(&c, text, "f", msg, sizeof msg) == -1);
	CHECK_STR(msg, "f:4: unknown key: nosuch");
	snprintf(text, sizeof text, "%s", "[service a]\nexec = x\n[node a @p]\n");
	CHECK(hp_conf_profile(&c, text, "f", "p", msg, sizeof msg) == -1);
	CHECK_STR(msg, "f:3: a is a service");
	snprintf(text, sizeof text, "%s", "[service a:p]\nexec = x\n");
	CHECK(hp_conf_parse(&c, text, "f", msg, sizeof msg) == -1);
	CHECK_STR(msg, "f:1: invalid name: a:p (a profile's section is "
	    "[TYPE NAME @PROFILE])");
	/* env-file: from the file's directory. */
	snprintf(text, sizeof text, "%s", "[service a]\nexec = x\nenv-file = a.env\n");
	CHECK(hp_conf_parse(&c, text, "/etc/hp/f", msg, sizeof msg) == 0);
	CHECK(c.n == 1 && c.spec[0].env_file != NULL);
	CHECK_STR(c.spec[0].env_file[0], "/etc/hp/a.env");
	hp_conf_free(&c);
}

/* Does a start's PATH (of a plain spec) hold dir? */
static int
path_has(const char *dir)
{
	struct hp_spec sp;
	char **e;
	const char *p;
	int r;

	hp_spec_init(&sp, "x", HP_SERVICE);
	e = hp_spec_envp(&sp);
	p = get(e, "PATH");
	r = p != NULL && strstr(p, dir) != NULL;
	free(e);
	hp_spec_free(&sp);
	return r;
}

/*
 * The enhanced PATH is made again for the same PATH once a start has
 * used it a second or more after it was made, after that start (at the
 * end of a supervisor's turn): a directory made in between shows from
 * the next start. PATH is one of ours, which nothing before made one for.
 */
static void
enhanced(void)
{
	char home[] = "/tmp/hp-unit-home.XXXXXX", local[64], bun[64];
	char *saved[2];
	const char *names[2] = { "HOME", "PATH" }, *v;
	long long made;
	int i;

	made = mkdtemp(home) != NULL;
	CHECK(made);
	if (!made)
		return;
	for (i = 0; i < 2; i++)
		saved[i] = (v = getenv(names[i])) != NULL ? hp_xstrdup(v) :
		    NULL;
	snprintf(local, sizeof local, "%s/.local", home);
	CHECK(mkdir(local, 0700) == 0);
	snprintf(local, sizeof local, "%s/.local/bin", home);
	snprintf(bun, sizeof bun, "%s/.bun", home);
	CHECK(mkdir(local, 0700) == 0 && mkdir(bun, 0700) == 0);
	snprintf(bun, sizeof bun, "%s/.bun/bin", home);
	setenv("HOME", home, 1);
	setenv("PATH", "/usr/bin:/bin:/hp-unit-enhanced", 1);
	/* Made at the first call, from this HOME. */
	CHECK(path_has(local));
	made = hp_mono_ms();
	CHECK(mkdir(bun, 0700) == 0);
	hp_spec_envfresh();		/* not due: nothing is made */
	/* Within the second (a machine stalled longer cannot tell). */
	if (hp_mono_ms() - made < 500)
		CHECK(!path_has(bun));
	while (hp_mono_ms() - made < 1000 && poll(NULL, 0, 10) != -1)
		;
	/* A second on, the start still takes the one made, not waiting. */
	CHECK(!path_has(bun));
	hp_spec_envfresh();
	CHECK(path_has(bun));
	for (i = 0; i < 2; i++) {
		if (saved[i] != NULL)
			setenv(names[i], saved[i], 1);
		else
			unsetenv(names[i]);
		free(saved[i]);
	}
	rmdir(bun);
	rmdir(local);
	snprintf(bun, sizeof bun, "%s/.bun", home);
	rmdir(bun);
	snprintf(local, sizeof local, "%s/.local", home);
	rmdir(local);
	rmdir(home);
}

void
test_envfile(void)
{
	quoting();
	bad();
	layers();
	profiles();
	enhanced();
}
