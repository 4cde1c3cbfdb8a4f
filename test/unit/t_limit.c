/* hp: see LICENSE. */
/* t_limit.c: the limit keys of a spec, and rlimits set in a child. */

#include <sys/resource.h>
#include <sys/wait.h>

#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

static int
set(struct hp_spec *sp, const char *k, const char *v)
{
	char msg[256];

	return hp_spec_set(sp, k, v, msg, sizeof msg);
}

static void
keys(void)
{
	struct hp_spec sp;
	struct hp_buf b = { 0 };
	char msg[256];

	hp_spec_init(&sp, "x", HP_SERVICE);
	CHECK(sp.rlim[HP_RLIM_NOFILE] == -1 && sp.limit_interval == 1000);
	CHECK(set(&sp, "limit-as", "1G") == 0);
	CHECK(sp.rlim[HP_RLIM_AS] == 1LL << 30);
	CHECK(set(&sp, "limit-cpu", "1500ms") == 0);
	CHECK(sp.rlim[HP_RLIM_CPU] == 2);	/* rounded up to seconds */
	CHECK(set(&sp, "limit-core", "unlimited") == 0);
	CHECK(sp.rlim[HP_RLIM_CORE] == HP_UNLIMITED);
	CHECK(set(&sp, "limit-nofile", "64") == 0);
	CHECK(set(&sp, "cpu-max", "150%") == 0 && sp.cpu_max == 150);
	CHECK(set(&sp, "memory-max", "64M") == 0);
	CHECK(set(&sp, "limit-interval", "250ms") == 0);
	/* Bad values say which key, and change nothing. */
	CHECK(hp_spec_set(&sp, "limit-nproc", "0", msg, sizeof msg) == -1);
	CHECK_STR(msg, "limit-nproc: bad number: 0");
	CHECK(sp.rlim[HP_RLIM_NPROC] == -1);
	CHECK(set(&sp, "limit-nofile", "64k") == -1);
	CHECK(set(&sp, "limit-cpu", "0") == -1);
	CHECK(set(&sp, "cpu-max", "%") == -1);
	CHECK(set(&sp, "cpu-max", "100001") == -1);
	CHECK(set(&sp, "memory-max", "0") == -1);
	CHECK(set(&sp, "limit-interval", "49ms") == -1);
	CHECK(hp_spec_set(&sp, "limit-fsize", "1", msg, sizeof msg) == -1);
	CHECK_STR(msg, "unknown key: limit-fsize");
	/* Written back, only what is set. */
	hp_spec_write(&sp, &b);
	CHECK(strstr(hp_buf_str(&b), "\nlimit-as = 1073741824\n"
	    "limit-nofile = 64\nlimit-cpu = 2s\nlimit-core = unlimited\n"
	    "memory-max = 67108864\ncpu-max = 150\n"
	    "limit-interval = 250ms\n") != NULL);
	hp_buf_free(&b);
	hp_spec_init(&sp, "x", HP_SERVICE);
	hp_spec_write(&sp, &b);
	CHECK(strstr(hp_buf_str(&b), "limit-") == NULL &&
	    strstr(b.p, "memory-max") == NULL && strstr(b.p, "cpu-max") ==
	    NULL);
	hp_buf_free(&b);
}

/* In a child: the limits set, soft and hard alike; unset ones untouched. */
static void
apply(void)
{
	long long rl[HP_RLIM_N];
	struct rlimit before, r;
	pid_t pid;
	int i, st = 0;

	for (i = 0; i < HP_RLIM_N; i++)
		rl[i] = -1;
	rl[HP_RLIM_NOFILE] = 17;
	rl[HP_RLIM_CORE] = 0;
	getrlimit(RLIMIT_CPU, &before);
	if ((pid = fork()) == 0) {
		if (hp_rlimit_apply(rl) == -1)
			_exit(1);
		getrlimit(RLIMIT_NOFILE, &r);
		if (r.rlim_cur != 17 || r.rlim_max != 17)
			_exit(2);
		getrlimit(RLIMIT_CORE, &r);
		if (r.rlim_cur != 0 || r.rlim_max != 0)
			_exit(3);
		getrlimit(RLIMIT_CPU, &r);
		_exit(r.rlim_cur == before.rlim_cur ? 0 : 4);
	}
	CHECK(pid > 0 && hp_waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

void
test_limit(void)
{
	keys();
	apply();
}
