/* hp: see LICENSE. */
/* limit.c: hp-spawn --limit, and the supervisor's limits (STATE/limits). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

/* --limit NAME=VALUE of hp-spawn: the key limit-NAME. */
int
hp_limit_arg(struct hp_spec *sp, const char *arg, char *msg, size_t n)
{
	static const char *names[] = { "as", "nofile", "cpu", "nproc", "core",
	    NULL };
	char key[32];
	size_t len = strcspn(arg, "=");
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == len && strncmp(arg, names[i], len) == 0)
			break;
	if (names[i] == NULL || arg[len] != '=')
		return snprintf(msg, n, "--limit wants as, nofile, cpu, nproc "
		    "or core=VALUE: %s", arg), -1;
	snprintf(key, sizeof key, "limit-%s", names[i]);
	return hp_spec_set(sp, key, arg + len + 1, msg, n);
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
