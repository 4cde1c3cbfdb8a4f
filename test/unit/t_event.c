/* hp: see LICENSE. */
/* t_event.c: events to the log and to subscribers, none ever blocking. */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

static void
emit(struct hp_events *ev, const char *name)
{
	struct hp_buf b = { 0 };
	struct hp_json j;

	hp_json_init(&j, &b);
	hp_event_begin(ev, &j, name);
	hp_json_kstr(&j, "name", "web");
	hp_event_publish(ev, &j);
	hp_buf_free(&b);
}

void
test_event(void)
{
	char base[] = "/tmp/hp-unit-XXXXXX", path[HP_PATH_MAX];
	char buf[1 << 16], val[64], stale[HP_PATH_MAX];
	struct hp_events ev;
	struct hp_state st;
	struct hp_buf b = { 0 };
	struct hp_json j;
	ssize_t n;
	int fd, i, dropped = 0;

	CHECK(mkdtemp(base) != NULL);
	snprintf(st.dir, sizeof st.dir, "%s/s", base);
	CHECK(hp_state_open(&st, 1) == 0);
	CHECK(hp_events_open(&ev, &st) == 0);
	/* A FIFO with no reader, left by a dead process, is not waited on. */
	hp_state_subscriber(&st, stale, sizeof stale, "999999.1");
	CHECK(mkfifo(stale, 0600) == 0);
	fd = hp_events_subscribe(&st, path, sizeof path);
	CHECK(fd >= 0);
	emit(&ev, "process:started");
	n = hp_read(fd, buf, sizeof buf - 1);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(hp_json_get(buf, "seq", val, sizeof val) == 0);
	CHECK_STR(val, "1");
	CHECK(hp_json_get(buf, "event", val, sizeof val) == 0);
	CHECK_STR(val, "process:started");
	CHECK(access(stale, F_OK) == -1);
	/* A reader that does not read loses events, and is told how many. */
	for (i = 0; i < 2000; i++)
		emit(&ev, "process:output");
	while ((n = hp_read(fd, buf, sizeof buf)) > 0)
		;
	emit(&ev, "process:stopped");
	n = hp_read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(buf, "{\"event\":\"events:dropped\",\"count\":",
	    34) == 0);
	dropped = atoi(buf + 34);
	CHECK(dropped > 0 && dropped < 2000);
	CHECK(strstr(buf, "process:stopped") != NULL);
	/* A reply goes to its client alone. */
	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_kbool(&j, "ok", 1);
	hp_json_close(&j, '}');
	hp_event_reply(&ev, strrchr(path, '/') + 1, &j);
	n = hp_read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "{\"ok\":true}\n");
	hp_buf_free(&b);
	/* seq goes on from events.log when the log is opened again. */
	hp_events_close(&ev);
	CHECK(hp_events_open(&ev, &st) == 0);
	CHECK(ev.seq == 2002);
	emit(&ev, "supervisor:started");
	n = hp_read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(hp_json_get(buf, "seq", val, sizeof val) == 0);
	CHECK_STR(val, "2003");
	/* A subscriber that has gone away is dropped, not an error. */
	close(fd);
	unlink(path);
	emit(&ev, "process:exited");
	CHECK(ev.nsub == 0);
	hp_events_close(&ev);
	hp_rmtree(base);
}
