/* hp: see LICENSE. */
/* detect.c: hp-detect's figures: 20 fake tools, cold and warm, beside a
 * sequential shell loop and a Node.js Promise.all of execFile. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

#define NTOOL	20
#define DRUNS	10

void	bench_detect(const char *, const char *);

static int
lcmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static double
med(long long *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, lcmp);
	return (double)v[n / 2] / 1000.0;
}

/* Run argv with stdout to /dev/null; its wall time in microseconds. */
static long long
run(char **argv)
{
	struct hp_spawn sp;
	long long t0 = hp_mono_us();
	pid_t pid;
	int st;

	memset(&sp, 0, sizeof sp);
	sp.argv = argv;
	sp.fd[0] = sp.fd[1] = -1;
	sp.fd[2] = 2;
	if ((pid = hp_spawn(&sp)) == -1)
		hp_die("%s", argv[0]);
	hp_waitpid(pid, &st, 0);
	return hp_mono_us() - t0;
}

static void
line(const char *what, double v, double base, const char *bar)
{
	printf("%-34s %9.2f ms  %9.2f ms  %6.2fx   %s\n", what, v, base,
	    base > 0 ? v / base : 0.0, bar);
	fflush(stdout);
}

/*
 * Tool i sleeps (i % 5) * 10 ms before it prints its version, as real
 * tools take a while to start; the slowest takes 40 ms.
 */
void
bench_detect(const char *bindir, const char *dir)
{
	char bin[HP_PATH_MAX], path[HP_PATH_MAX], prog[HP_PATH_MAX];
	char jobs[8], loop[4096], node[2048], slow[HP_PATH_MAX];
	char *cold[] = { prog, "--no-cache", "-j", jobs, NULL };
	char *cpus[] = { prog, "--no-cache", NULL };
	char *warm[] = { prog, NULL };
	char *sh[] = { "/bin/sh", "-c", loop, NULL };
	char *js[] = { "node", "-e", node, NULL };
	char *one[] = { slow, "--version", NULL };
	struct hp_buf reg = { 0 }, tool = { 0 };
	long long c[DRUNS], w[DRUNS], s[DRUNS], n[DRUNS], o[DRUNS], k[DRUNS];
	const char *oldpath = getenv("PATH");
	char *saved = hp_xstrdup(oldpath ? oldpath : "/usr/bin:/bin");
	int i, have_node;

	hp_path(bin, sizeof bin, "%s/tools", dir);
	mkdir(bin, 0700);
	hp_path(loop, sizeof loop, "for t in");
	for (i = 0; i < NTOOL; i++) {
		tool.len = 0;
		hp_buf_printf(&tool, "#!/bin/sh\nsleep 0.0%d\necho \"tool%d "
		    "1.%d.0\"\n", i % 5, i, i);
		hp_path(path, sizeof path, "%s/tool%d", bin, i);
		if (hp_file_write(path, tool.p, tool.len, 0755) == -1)
			hp_die("%s", path);
		hp_buf_printf(&reg, "[tool tool%d]\ncommand = tool%d\n", i, i);
		hp_path(loop + strlen(loop), sizeof loop - strlen(loop),
		    " tool%d", i);
	}
	hp_path(loop + strlen(loop), sizeof loop - strlen(loop), "; do "
	    "p=$(command -v $t) && \"$p\" --version >/dev/null; done");
	hp_path(node, sizeof node, "const {execFile} = require('child_process'"
	    "); Promise.all(Array.from({length: %d}, (_, i) => new Promise("
	    "r => execFile('tool' + i, ['--version'], (e, o) => r(o)))))",
	    NTOOL);
	hp_path(slow, sizeof slow, "%s/tool4", bin);
	hp_path(path, sizeof path, "%s/tools.conf", dir);
	hp_file_write(path, reg.p, reg.len, 0600);
	setenv("HP_REGISTRY", path, 1);
	hp_path(path, sizeof path, "%s/cache", dir);
	setenv("XDG_CACHE_HOME", path, 1);
	hp_path(path, sizeof path, "%s:/usr/bin:/bin", bin);
	setenv("PATH", path, 1);
	hp_path(prog, sizeof prog, "%s/hp-detect", bindir);
	snprintf(jobs, sizeof jobs, "%d", NTOOL);
	have_node = access("/usr/bin/node", X_OK) == 0 ||
	    access("/usr/local/bin/node", X_OK) == 0;
	run(warm);
	for (i = 0; i < DRUNS; i++) {
		o[i] = run(one);
		c[i] = run(cold);
		k[i] = run(cpus);
		w[i] = run(warm);
		s[i] = run(sh);
		n[i] = have_node ? run(js) : 0;
	}
	line("hp-detect, 20 tools, warm cache", med(w, DRUNS), med(s, DRUNS),
	    "under 5 ms; base: command -v + --version loop");
	line("hp-detect, 20 tools, cold, -j 20", med(c, DRUNS), med(o, DRUNS),
	    "slowest probe + 10 ms; base: slowest probe");
	line("hp-detect, 20 tools, cold, -j CPUs", med(k, DRUNS), med(s, DRUNS),
	    "base: command -v + --version loop");
	if (have_node)
		line("node Promise.all execFile, 20", med(n, DRUNS),
		    med(o, DRUNS), "peer; base: slowest probe");
	setenv("PATH", saved, 1);
	unsetenv("HP_REGISTRY");
	unsetenv("XDG_CACHE_HOME");
	free(saved);
	hp_buf_free(&reg);
	hp_buf_free(&tool);
}
