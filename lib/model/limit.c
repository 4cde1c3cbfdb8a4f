/* hp: see LICENSE. */
/* limit.c: a process's limits (spec keys, rlimits) and its supervisor's. */

#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

/* The rlimit keys, in the order of HP_RLIM_*: a size, number or duration. */
static const struct {
	const char	*key;
	int		 kind;
	const char	*what;
} rkeys[HP_RLIM_N] = {
	{ "limit-as", 's', "size" }, { "limit-nofile", 'n', "number" },
	{ "limit-cpu", 'd', "duration" }, { "limit-nproc", 'n', "number" },
	{ "limit-core", 's', "size" }
};

#define INTERVAL	1000	/* ms between samples, by default */
#define INTERVAL_MIN	50

void
hp_limit_init(struct hp_spec *sp)
{
	int i;

	for (i = 0; i < HP_RLIM_N; i++)
		sp->rlim[i] = -1;
	sp->memory_max = 0;
	sp->cpu_max = 0;
	sp->limit_interval = INTERVAL;
}

/* A whole number from lo to hi, or -1. */
static long long
number(const char *v, long long lo, long long hi)
{
	long long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9' && n <= hi; p++)
		n = n * 10 + (*p - '0');
	return *v == '\0' || *p != '\0' || n < lo || n > hi ? -1 : n;
}

/* The value of an rlimit key: bytes, a count, or seconds rounded up. */
static int
rvalue(int kind, const char *v, long long *out)
{
	long long n;

	if (strcmp(v, "unlimited") == 0) {
		*out = HP_UNLIMITED;
		return 0;
	}
	if (kind == 's')
		return hp_size(v, out);
	if (kind == 'n')
		n = number(v, 1, 1LL << 40);
	else if (hp_duration(v, &n) == -1 || n <= 0 || n > (1LL << 40))
		n = -1;
	else
		n = (n + 999) / 1000;
	if (n == -1)
		return -1;
	*out = n;
	return 0;
}

/* --limit NAME=VALUE of hp-spawn: the key limit-NAME. */
int
hp_limit_arg(struct hp_spec *sp, const char *arg, char *msg, size_t n)
{
	char key[32];
	size_t len = strcspn(arg, "=");
	int i;

	for (i = 0; i < HP_RLIM_N; i++)
		if (strlen(rkeys[i].key) == len + 6 &&
		    strncmp(arg, rkeys[i].key + 6, len) == 0)
			break;
	if (i == HP_RLIM_N || arg[len] != '=')
		return snprintf(msg, n, "--limit wants as, nofile, cpu, nproc "
		    "or core=VALUE: %s", arg), -1;
	snprintf(key, sizeof key, "%s", rkeys[i].key);
	return hp_limit_set(sp, key, arg + len + 1, msg, n);
}

int
hp_limit_set(struct hp_spec *sp, const char *key, const char *v, char *msg,
    size_t n)
{
	long long x;
	int i;

	for (i = 0; i < HP_RLIM_N; i++)
		if (strcmp(key, rkeys[i].key) == 0)
			break;
	if (i < HP_RLIM_N) {
		if (rvalue(rkeys[i].kind, v, &sp->rlim[i]) == -1)
			return snprintf(msg, n, "%s: bad %s: %s", key,
			    rkeys[i].what, v), -1;
	} else if (strcmp(key, "memory-max") == 0) {
		if (hp_size(v, &x) == -1 || x <= 0)
			return snprintf(msg, n, "memory-max: bad size: %s", v),
			    -1;
		sp->memory_max = x;
	} else if (strcmp(key, "cpu-max") == 0) {
		char pc[16];

		/* "50" or "50%"; above 100 for a tree on several CPUs. */
		if (hp_copy(pc, sizeof pc, v) == -1)
			pc[0] = '\0';
		if (pc[0] != '\0' && pc[strlen(pc) - 1] == '%')
			pc[strlen(pc) - 1] = '\0';
		if ((x = number(pc, 1, 100000)) == -1)
			return snprintf(msg, n, "cpu-max: a percent from 1 to "
			    "100000: %s", v), -1;
		sp->cpu_max = (int)x;
	} else if (strcmp(key, "limit-interval") == 0) {
		if (hp_duration(v, &x) == -1 || x < INTERVAL_MIN ||
		    x > (1LL << 40))
			return snprintf(msg, n, "limit-interval: bad duration "
			    "(%dms or more): %s", INTERVAL_MIN, v), -1;
		sp->limit_interval = x;
	} else
		return 1;
	return 0;
}

/* Only the limits that are set: a spec without any reads as before. */
void
hp_limit_write(const struct hp_spec *sp, struct hp_buf *b)
{
	int i;

	for (i = 0; i < HP_RLIM_N; i++) {
		if (sp->rlim[i] == HP_UNLIMITED)
			hp_kv_add(b, rkeys[i].key, "unlimited");
		else if (sp->rlim[i] >= 0 && rkeys[i].kind == 'd')
			hp_buf_printf(b, "%s = %llds\n", rkeys[i].key,
			    sp->rlim[i]);
		else if (sp->rlim[i] >= 0)
			hp_kv_addi(b, rkeys[i].key, sp->rlim[i]);
	}
	if (sp->memory_max > 0)
		hp_kv_addi(b, "memory-max", sp->memory_max);
	if (sp->cpu_max > 0)
		hp_kv_addi(b, "cpu-max", sp->cpu_max);
	if (sp->limit_interval != INTERVAL)
		hp_buf_printf(b, "limit-interval = %lldms\n",
		    sp->limit_interval);
}

void
hp_admit_default(struct hp_admit *a)
{
	a->max_procs = HP_MAX_PROCS;
	a->max_memory = 0;
	a->max_load = -1;
	a->queue_timeout = HP_QUEUE_TIMEOUT;
}

/*
 * STATE/limits, written by the supervisor as it starts, for hp-health,
 * hp-ls and the clients that wait on a queued start:
 *
 *	max-procs = 50
 *	max-memory = 0			bytes; 0: no such rule
 *	max-load = 0.50			or "none"
 *	queue-timeout = 30000ms
 */
int
hp_admit_write(const struct hp_state *st, const struct hp_admit *a)
{
	struct hp_buf b = { 0 };
	char file[HP_PATH_MAX];
	int r;

	if (hp_state_file(st, file, sizeof file, HP_F_LIMITS) == -1)
		return -1;
	hp_kv_addi(&b, "max-procs", a->max_procs);
	hp_kv_addi(&b, "max-memory", a->max_memory);
	if (a->max_load >= 0)
		hp_buf_printf(&b, "max-load = %.2f\n", a->max_load);
	else
		hp_kv_add(&b, "max-load", "none");
	hp_buf_printf(&b, "queue-timeout = %lldms\n", a->queue_timeout);
	r = hp_file_write(file, b.p, b.len, 0600);
	hp_buf_free(&b);
	return r;
}

void
hp_admit_read(const struct hp_state *st, struct hp_admit *a)
{
	struct hp_kv kv = { 0 };
	char file[HP_PATH_MAX];
	const char *v;
	long long x;

	hp_admit_default(a);
	/* What a supervisor that is gone left says nothing now. */
	if (hp_state_supervisor(st) <= 0 || hp_state_file(st, file,
	    sizeof file, HP_F_LIMITS) == -1 || hp_kv_load(&kv, file) == -1) {
		hp_kv_free(&kv);
		return;
	}
	if ((x = hp_kv_int(&kv, "max-procs", 0)) > 0 && x <= 1000000)
		a->max_procs = (int)x;
	if ((v = hp_kv_get(&kv, "max-memory")) != NULL &&
	    hp_size(v, &x) == 0)
		a->max_memory = x;
	if ((v = hp_kv_get(&kv, "max-load")) != NULL &&
	    strcmp(v, "none") != 0)
		a->max_load = strtod(v, NULL);
	if ((v = hp_kv_get(&kv, "queue-timeout")) != NULL &&
	    hp_duration(v, &x) == 0)
		a->queue_timeout = x;
	hp_kv_free(&kv);
}
