/* hp: see LICENSE. */
/*
 * t_metrics.c: a process's JSON read back (hp_info_parse), the walk of
 * JSON members, times read back, the [supervisor] keys, the request
 * heads of the metrics responder and the Prometheus text.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/hp.h"
#include "../../lib/model/check.h"
#include "unit.h"

static void
times(void)
{
	char ts[32];
	long long ms[] = { 0, 1, 999, 86399999, 951782400000LL,
	    1796000000123LL, 253402300799999LL };
	size_t i;

	for (i = 0; i < sizeof ms / sizeof ms[0]; i++) {
		hp_time_fmt(ts, ms[i]);
		CHECK(hp_time_parse(ts) == ms[i]);
	}
	CHECK(hp_time_parse("2026-11-27T03:20:00.123Z") == 1795749600123LL);
	CHECK(hp_time_parse("2026-11-27T03:20:00.123") == -1);
	CHECK(hp_time_parse("2026-13-27T03:20:00.123Z") == -1);
	CHECK(hp_time_parse("2026-11-27 03:20:00.123Z") == -1);
	CHECK(hp_time_parse("2026-11-27T03:20:00.123Zx") == -1);
	CHECK(hp_time_parse("") == -1);
}

static void
iter(void)
{
	struct hp_jsonit it;
	const char *v;
	char key[16], s[16];
	size_t n;
	int k = 0;

	hp_json_iter(&it, " {\"a\": 1, \"b\" :[1,{\"c\":2}], \"d\":\"x\\ny\"} ");
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == 1);
	CHECK_STR(key, "a");
	CHECK(n == 1 && *v == '1');
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == 1);
	CHECK_STR(key, "b");
	CHECK(n == 11 && strncmp(v, "[1,{\"c\":2}]", 11) == 0);
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == 1);
	CHECK(hp_json_string(v, s, sizeof s) == 0);
	CHECK_STR(s, "x\ny");
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == 0);
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == -1);
	hp_json_iter(&it, "[]");
	CHECK(hp_json_item(&it, NULL, 0, &v, &n) == 0);
	hp_json_iter(&it, "[1, 2 ,3]");
	while (hp_json_item(&it, NULL, 0, &v, &n) == 1)
		k += atoi(v);
	CHECK(k == 6);
	hp_json_iter(&it, "{\"a\":1,}");
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == 1);
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == -1);
	hp_json_iter(&it, "{\"a\" 1}");
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == -1);
	hp_json_iter(&it, "nope");
	CHECK(hp_json_item(&it, key, sizeof key, &v, &n) == -1);
	CHECK(hp_json_string("12", s, sizeof s) == -1);
}

/* An hp_info written and read back is the same, field by field. */
static void
roundtrip(void)
{
	struct hp_info *a = calloc(2, sizeof *a), *b = a + 1;
	struct hp_buf buf = { 0 };
	struct hp_json j;
	int i;

	hp_copy(a->name, sizeof a->name, "web");
	hp_copy(a->type, sizeof a->type, "node");
	hp_copy(a->state, sizeof a->state, "running");
	hp_copy(a->health, sizeof a->health, "healthy");
	hp_copy(a->error, sizeof a->error, "a \"quoted\" error");
	a->pid = 4242;
	a->started_wall = 1795749600123LL;
	a->restarts = 3;
	a->exit_code = 1;
	a->exit_signal = 9;
	a->cpu = 12.5;
	a->cpu_avg = 1.25;
	a->cpu_time = 61.5;
	a->rss = 4096 * 1024;
	a->pss = 1024 * 1024;
	a->threads = 7;
	a->fds = 21;
	a->sampled = 1795749601000LL;
	a->ntree = 2;
	a->tree[0] = 4242;
	a->tree[1] = 4243;
	a->nhist = 3;
	for (i = 0; i < 3; i++) {
		a->hist[i].wall = 1795749600000LL + i * 1000;
		a->hist[i].cpu = (unsigned)(i * 150);
		a->hist[i].rss = 4096;
		a->hist[i].pss = i == 0 ? 0 : 1024;
		a->hist[i].threads = 7;
		a->hist[i].fds = i == 1 ? -1 : 21;
		a->hist[i].nproc = 2;
	}
	hp_json_init(&j, &buf);
	hp_info_json(&j, a);
	CHECK(hp_info_parse(hp_buf_str(&buf), b) == 0);
	CHECK_STR(b->name, "web");
	CHECK_STR(b->type, "node");
	CHECK_STR(b->state, "running");
	CHECK_STR(b->health, "healthy");
	CHECK_STR(b->error, "a \"quoted\" error");
	CHECK(b->pid == 4242 && b->running);
	CHECK(b->started_wall == a->started_wall);
	CHECK(b->restarts == 3 && b->exit_code == 1 && b->exit_signal == 9);
	CHECK(b->cpu == 12.5 && b->cpu_avg == 1.25 && b->cpu_time == 61.5);
	CHECK(b->rss == a->rss && b->pss == a->pss);
	CHECK(b->threads == 7 && b->fds == 21);
	CHECK(b->sampled == a->sampled);
	CHECK(b->ntree == 2 && b->tree[1] == 4243);
	CHECK(b->nhist == 3);
	for (i = 0; i < 3; i++)
		CHECK(memcmp(&a->hist[i], &b->hist[i], sizeof a->hist[i]) ==
		    0);
	/* Unknowns stay unknown; no history asked, none written. */
	a->pss = -1;
	a->fds = -1;
	a->nhist = -1;
	a->sampled = 0;
	buf.len = 0;
	hp_json_init(&j, &buf);
	hp_info_json(&j, a);
	CHECK(strstr(hp_buf_str(&buf), "\"pss_bytes\":null,") != NULL);
	CHECK(strstr(buf.p, "\"sampled\":null") != NULL);
	CHECK(strstr(buf.p, "history") == NULL);
	CHECK(hp_info_parse(buf.p, b) == 0);
	CHECK(b->pss == -1 && b->fds == -1 && b->nhist == -1 && !b->sampled);
	/* What is no object of a process. */
	CHECK(hp_info_parse("{\"ok\":true}", b) == -1);
	CHECK(hp_info_parse("{\"name\":\"web\"", b) == -1);
	CHECK(hp_info_parse("", b) == -1);
	hp_buf_free(&buf);
	free(a);
}

static void
superkeys(void)
{
	struct hp_superconf c;
	struct hp_conf conf;
	struct hp_buf b = { 0 };
	char msg[256], text[256];

	hp_superconf_init(&c);
	CHECK(c.metrics_interval == HP_METRICS_INTERVAL);
	CHECK(c.metrics_listen == NULL);
	hp_superconf_write(&c, &b);
	CHECK_STR(hp_buf_str(&b), "metrics-interval = 1000ms\n");
	CHECK(hp_superconf_set(&c, "metrics-interval", "0", msg,
	    sizeof msg) == 0 && c.metrics_interval == 0);
	CHECK(hp_superconf_set(&c, "metrics-interval", "99ms", msg,
	    sizeof msg) == -1);
	CHECK(hp_superconf_set(&c, "metrics-interval", "2h", msg,
	    sizeof msg) == -1);
	CHECK(hp_superconf_set(&c, "metrics-listen", "tcp://[::]:9464", msg,
	    sizeof msg) == 0);
	CHECK(hp_superconf_set(&c, "metrics-listen", "unix:/run/m.sock", msg,
	    sizeof msg) == 0);
	CHECK(hp_superconf_set(&c, "metrics-listen", "proc:web", msg,
	    sizeof msg) == -1);
	CHECK(hp_superconf_set(&c, "max-procs", "3", msg, sizeof msg) == -1);
	CHECK_STR(msg, "unknown key of [supervisor]: max-procs");
	b.len = 0;
	hp_superconf_write(&c, &b);
	CHECK_STR(hp_buf_str(&b), "metrics-interval = 0ms\n"
	    "metrics-listen = unix:/run/m.sock\n");
	hp_superconf_free(&c);
	hp_buf_free(&b);
	/* In a file: anywhere, once, beside the sections of processes. */
	snprintf(text, sizeof text, "[service a]\nexec = true\n[supervisor]\n"
	    "metrics-interval = 5s\n[service b]\nexec = true\n");
	CHECK(hp_conf_parse(&conf, text, "f", msg, sizeof msg) == 0);
	CHECK(conf.n == 2 && conf.sup.metrics_interval == 5000);
	hp_conf_free(&conf);
	snprintf(text, sizeof text, "[supervisor]\nexec = true\n");
	CHECK(hp_conf_parse(&conf, text, "f", msg, sizeof msg) == -1);
	CHECK_STR(msg, "f:2: unknown key of [supervisor]: exec");
	snprintf(text, sizeof text, "[supervisors]\n");
	CHECK(hp_conf_parse(&conf, text, "f", msg, sizeof msg) == -1);
}

/* The status hp_req_parse gives text: 1 and 0 fine, else -1's status. */
static int
req(const char *text, struct hp_req *r)
{
	int k = hp_req_parse(r, text, strlen(text));

	return k == 1 ? r->status : k == 0 ? -1 : r->status;
}

static void
requests(void)
{
	struct hp_req r;
	char big[HP_REQ_MAX + 64];

	CHECK(req("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &r) == 0);
	CHECK_STR(r.method, "GET");
	CHECK_STR(r.path, "/metrics");
	CHECK(r.minor == 1 && !r.openmetrics);
	CHECK(req("HEAD /metrics?x=1 HTTP/1.0\nAccept: text/plain, "
	    "Application/OpenMetrics-Text; version=1.0.0\n\n", &r) == 0);
	CHECK_STR(r.path, "/metrics");
	CHECK(r.minor == 0 && r.openmetrics);
	/* Not yet whole: more to come. */
	CHECK(req("GET /metrics HTTP/1.1\r\nHost: x\r\n", &r) == -1);
	CHECK(hp_req_parse(&r, "GET /me", 7) == 0);
	CHECK(hp_req_parse(&r, "", 0) == 0);
	/* Bad ones, each with the status to answer. */
	CHECK(req("GARBAGE\r\n\r\n", &r) == 400);
	CHECK(req("GET metrics HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /a b HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET /\x01 HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/2.0\r\n\r\n", &r) == 505);
	CHECK(req("GET / HTTP/1.1x\r\n\r\n", &r) == 400);
	CHECK(req("G(T / HTTP/1.1\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\nno colon\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\n: empty\r\n\r\n", &r) == 400);
	CHECK(req("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n", &r) == 400);
	CHECK(req("LONGMETHOD / HTTP/1.1\r\n\r\n", &r) == 405);
	/* Too long: the target, or the head. */
	memset(big, 'a', sizeof big);
	memcpy(big, "GET /", 5);
	big[sizeof big - 1] = '\0';
	CHECK(hp_req_parse(&r, big, sizeof big - 1) == -1 && r.status == 414);
	snprintf(big, sizeof big, "GET / HTTP/1.1\r\nX: ");
	memset(big + strlen(big), 'a', sizeof big - strlen(big) - 1);
	big[sizeof big - 1] = '\0';
	CHECK(hp_req_parse(&r, big, sizeof big - 1) == -1 && r.status == 431);
}

static void
prom(void)
{
	struct hp_promproc p[2];
	struct hp_promsup sup;
	struct hp_buf b = { 0 };
	struct hp_info in;

	memset(&in, 0, sizeof in);
	hp_copy(in.name, sizeof in.name, "a\"b");
	hp_copy(in.type, sizeof in.type, "service");
	hp_copy(in.state, sizeof in.state, "running");
	hp_copy(in.health, sizeof in.health, "healthy");
	in.pid = 10;
	in.restarts = 2;
	in.cpu_time = 1.5;
	in.rss = 100;
	in.pss = -1;
	hp_prom_proc(&in, &p[0]);
	in.pid = 0;
	in.pss = 50;
	hp_copy(in.name, sizeof in.name, "c");
	hp_copy(in.state, sizeof in.state, "failed");
	hp_prom_proc(&in, &p[1]);
	memset(&sup, 0, sizeof sup);
	sup.up = 1;
	sup.processes = 2;
	sup.events = 77;
	hp_prom_write(&b, 0, &sup, p, 2);
	hp_buf_str(&b);
	CHECK(strstr(b.p, "# TYPE hp_process_up gauge\n"
	    "hp_process_up{name=\"a\\\"b\",type=\"service\"} 1\n"
	    "hp_process_up{name=\"c\",type=\"service\"} 0\n") != NULL);
	CHECK(strstr(b.p, "hp_process_state{name=\"c\",state=\"failed\"} 1\n")
	    != NULL);
	CHECK(strstr(b.p, "# TYPE hp_process_restarts_total counter\n"
	    "hp_process_restarts_total{name=\"a\\\"b\"} 2\n") != NULL);
	CHECK(strstr(b.p, "hp_process_cpu_seconds_total{name=\"a\\\"b\"} "
	    "1.50\n") != NULL);
	/* PSS only where known. */
	CHECK(strstr(b.p, "hp_process_proportional_memory_bytes{name=\"a") ==
	    NULL);
	CHECK(strstr(b.p, "hp_process_proportional_memory_bytes{name=\"c\"} "
	    "50\n") != NULL);
	CHECK(strstr(b.p, "hp_supervisor_events_total 77\n") != NULL);
	CHECK(strstr(b.p, "# TYPE hp_build_info gauge\n") != NULL);
	CHECK(strstr(b.p, "# EOF") == NULL);
	/* OpenMetrics: families named without _total and _info; # EOF. */
	b.len = 0;
	hp_prom_write(&b, 1, &sup, p, 2);
	hp_buf_str(&b);
	CHECK(strstr(b.p, "# TYPE hp_process_restarts counter\n"
	    "hp_process_restarts_total{") != NULL);
	CHECK(strstr(b.p, "# TYPE hp_build info\n"
	    "hp_build_info{version=\"" HP_VERSION "\"} 1\n# EOF\n") != NULL);
	CHECK(b.len > 6 && strcmp(b.p + b.len - 6, "# EOF\n") == 0);
	CHECK(strcmp(hp_prom_type(1), "application/openmetrics-text; "
	    "version=1.0.0; charset=utf-8") == 0);
	hp_buf_free(&b);
}

void
test_metrics(void)
{
	times();
	iter();
	roundtrip();
	superkeys();
	requests();
	prom();
}
