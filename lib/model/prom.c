/* hp: see LICENSE. */
/* prom.c: processes and a supervisor in the Prometheus text formats. */

#include <stdio.h>
#include <string.h>

#include "hp.h"

/*
 * The Prometheus text format 0.0.4, or OpenMetrics 1.0 (om): families of
 * samples, each with HELP and TYPE, labels quoted with \\, \" and \n
 * escaped; OpenMetrics names a counter's family without its _total and
 * an info family without its _info, and ends with "# EOF". hp-ls
 * --prometheus prints it; the supervisor serves it (super/shttp.c).
 */
static const char *states[] = { "starting", "running", "backoff",
    "stopping", "stopped", "exited", "failed" };
static const char *healths[] = { "healthy", "unhealthy", "unknown" };

void
hp_prom_proc(const struct hp_info *in, struct hp_promproc *pp)
{
	memset(pp, 0, sizeof *pp);
	hp_copy(pp->name, sizeof pp->name, in->name);
	hp_copy(pp->type, sizeof pp->type, in->type);
	hp_copy(pp->state, sizeof pp->state, in->state);
	hp_copy(pp->health, sizeof pp->health, in->health);
	pp->up = in->pid > 0;
	pp->restarts = in->restarts;
	pp->cpu_time = in->cpu_time;
	pp->rss = in->rss;
	pp->pss = in->pss;
}

static void
quoted(struct hp_buf *b, const char *s)
{
	hp_buf_addc(b, '"');
	for (; *s != '\0'; s++)
		if (*s == '\\' || *s == '"')
			hp_buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			hp_buf_adds(b, "\\n");
		else
			hp_buf_addc(b, *s);
	hp_buf_addc(b, '"');
}

/* HELP and TYPE of a family; a counter's samples end in _total. */
static void
family(struct hp_buf *b, int om, const char *name, const char *type,
    const char *help)
{
	const char *suffix = strcmp(type, "counter") == 0 ? "_total" :
	    strcmp(type, "info") == 0 ? "_info" : "";

	hp_buf_printf(b, "# HELP %s%s %s\n", name, om ? "" : suffix, help);
	hp_buf_printf(b, "# TYPE %s%s %s\n", name, om ? "" : suffix,
	    om || strcmp(type, "info") != 0 ? type : "gauge");
}

/* name{name="NAME"[,key="value"]} */
static void
sample(struct hp_buf *b, const char *metric, const char *proc,
    const char *key, const char *value)
{
	hp_buf_printf(b, "%s{name=", metric);
	quoted(b, proc);
	if (key != NULL) {
		hp_buf_printf(b, ",%s=", key);
		quoted(b, value);
	}
	hp_buf_adds(b, "} ");
}

static void
procs(struct hp_buf *b, int om, const struct hp_promproc *p, int n)
{
	size_t k;
	int i;

	family(b, om, "hp_process_up", "gauge",
	    "Whether the process runs (1) or not (0).");
	for (i = 0; i < n; i++) {
		sample(b, "hp_process_up", p[i].name, "type", p[i].type);
		hp_buf_printf(b, "%d\n", p[i].up);
	}
	family(b, om, "hp_process_state", "gauge",
	    "The state of the process: 1 for the one it is in.");
	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof states / sizeof states[0]; k++) {
			sample(b, "hp_process_state", p[i].name, "state",
			    states[k]);
			hp_buf_printf(b, "%d\n",
			    strcmp(p[i].state, states[k]) == 0);
		}
	family(b, om, "hp_process_restarts", "counter",
	    "How many times the process was restarted.");
	for (i = 0; i < n; i++) {
		sample(b, "hp_process_restarts_total", p[i].name, NULL, NULL);
		hp_buf_printf(b, "%d\n", p[i].restarts);
	}
	family(b, om, "hp_process_cpu_seconds", "counter",
	    "CPU time of the process tree, reaped children included.");
	for (i = 0; i < n; i++) {
		sample(b, "hp_process_cpu_seconds_total", p[i].name, NULL,
		    NULL);
		hp_buf_printf(b, "%.2f\n", p[i].cpu_time);
	}
	family(b, om, "hp_process_resident_memory_bytes", "gauge",
	    "Resident memory of the process tree.");
	for (i = 0; i < n; i++) {
		sample(b, "hp_process_resident_memory_bytes", p[i].name, NULL,
		    NULL);
		hp_buf_printf(b, "%lld\n", p[i].rss);
	}
	family(b, om, "hp_process_proportional_memory_bytes", "gauge",
	    "Proportional memory (PSS) of the process tree, where known.");
	for (i = 0; i < n; i++)
		if (p[i].pss >= 0) {
			sample(b, "hp_process_proportional_memory_bytes",
			    p[i].name, NULL, NULL);
			hp_buf_printf(b, "%lld\n", p[i].pss);
		}
	family(b, om, "hp_process_health", "gauge",
	    "The health of the process: 1 for the one it has.");
	for (i = 0; i < n; i++)
		for (k = 0; k < sizeof healths / sizeof healths[0]; k++) {
			sample(b, "hp_process_health", p[i].name, "health",
			    healths[k]);
			hp_buf_printf(b, "%d\n",
			    strcmp(p[i].health, healths[k]) == 0);
		}
}

void
hp_prom_write(struct hp_buf *b, int om, const struct hp_promsup *sup,
    const struct hp_promproc *p, int n)
{
	procs(b, om, p, n);
	family(b, om, "hp_supervisor_up", "gauge",
	    "Whether a supervisor keeps the state directory.");
	hp_buf_printf(b, "hp_supervisor_up %d\n", sup->up);
	family(b, om, "hp_supervisor_processes", "gauge",
	    "Processes the state directory holds.");
	hp_buf_printf(b, "hp_supervisor_processes %d\n", sup->processes);
	if (sup->up) {
		family(b, om, "hp_supervisor_events", "counter",
		    "Events the supervisor has published.");
		hp_buf_printf(b, "hp_supervisor_events_total %llu\n",
		    sup->events);
		family(b, om, "hp_supervisor_uptime_seconds", "gauge",
		    "Time since the supervisor started.");
		hp_buf_printf(b, "hp_supervisor_uptime_seconds %.3f\n",
		    (double)sup->uptime_ms / 1000.0);
		family(b, om, "hp_supervisor_start_time_seconds", "gauge",
		    "When the supervisor started, since the epoch.");
		hp_buf_printf(b, "hp_supervisor_start_time_seconds %.3f\n",
		    (double)sup->started_wall / 1000.0);
	}
	family(b, om, "hp_build", "info", "The version of hp.");
	hp_buf_printf(b, "hp_build_info{version=\"%s\"} 1\n", HP_VERSION);
	if (om)
		hp_buf_adds(b, "# EOF\n");
}

const char *
hp_prom_type(int om)
{
	return om ? "application/openmetrics-text; version=1.0.0; "
	    "charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8";
}
