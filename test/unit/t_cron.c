/* hp: see LICENSE. */
/* t_cron.c: schedules: what they read, when they are next due, DST too. */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../lib/hp.h"
#include "unit.h"

/* Local "YYYY-MM-DD HH:MM" in TZ as it is, to seconds; mktime decides. */
static long long
at(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_isdst = -1;
	return (long long)mktime(&tm);
}

/* When sched is next due after the local time from, as local time. */
static const char *
next(const char *sched, long long from)
{
	static char out[64];
	struct hp_cron c;
	struct tm tm;
	char msg[128];
	time_t t;

	if (hp_cron_parse(&c, sched, msg, sizeof msg) == -1)
		return msg[0] != '\0' ? "bad" : "bad, unsaid";
	if ((t = (time_t)hp_cron_next(&c, from)) == (time_t)-1)
		return "never";
	localtime_r(&t, &tm);
	strftime(out, sizeof out, "%Y-%m-%d %H:%M %Z", &tm);
	return out;
}

static void
zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void
reads(void)
{
	static const char *bad[] = { "", "* * * *", "* * * * * *",
	    "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
	    "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *",
	    "1,,2 * * * *", "1, * * * *", "1- * * * *", "x * * * *",
	    "* * * foo *", "0 0 30 2 *", "0 0 31 4,6,9,11 *", "@never",
	    "*/61 * * * *", "1000 * * * *", "- * * * *", "*-2 * * * *" };
	struct hp_cron c;
	char msg[128];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		msg[0] = '\0';
		if (hp_cron_parse(&c, bad[i], msg, sizeof msg) == 0 ||
		    msg[0] == '\0') {
			unit_fail++;
			fprintf(stderr, "t_cron: taken: \"%s\"\n", bad[i]);
		} else
			unit_pass++;
	}
	CHECK(hp_cron_parse(&c, "0 0 30 2 *", msg, sizeof msg) == -1);
	CHECK(strstr(msg, "never") != NULL);
	CHECK(hp_cron_parse(&c, "61 * * * *", msg, sizeof msg) == -1);
	CHECK_STR(msg, "minute: 0 to 59");
	CHECK(hp_cron_parse(&c, "1,5-7,*/20 */6 1 JAN,jul sun-tue", msg,
	    sizeof msg) == 0);
	CHECK(c.min == (1ULL << 0 | 1ULL << 1 | 1ULL << 5 | 1ULL << 6 |
	    1ULL << 7 | 1ULL << 20 | 1ULL << 40));
	CHECK(c.hour == (1UL << 0 | 1UL << 6 | 1UL << 12 | 1UL << 18));
	CHECK(c.dom == 1UL << 1 && c.mon == (1U << 1 | 1U << 7));
	CHECK(c.dow == 7 && !c.domstar && !c.dowstar);
	/* Sunday is 0 and 7; 5-7 is Friday to Sunday. */
	CHECK(hp_cron_parse(&c, "* * * * 5-7", msg, sizeof msg) == 0);
	CHECK(c.dow == (1U << 0 | 1U << 5 | 1U << 6) && c.domstar);
	CHECK(hp_cron_parse(&c, "\t0  0\t* * *  ", msg, sizeof msg) == 0);
	/* Feb 30 with a weekday: the weekday makes it due. */
	CHECK(hp_cron_parse(&c, "0 0 30 2 mon", msg, sizeof msg) == 0);
}

static void
due(void)
{
	zone("UTC0");
	CHECK_STR(next("*/15 * * * *", at("2026-12-06 10:07")),
	    "2026-12-06 10:15 UTC");
	/* Strictly after: the minute it is due is not due again. */
	CHECK_STR(next("0 12 * * *", at("2026-12-06 12:00")),
	    "2026-12-07 12:00 UTC");
	CHECK_STR(next("0 12 * * *", at("2026-12-06 11:59") + 59),
	    "2026-12-06 12:00 UTC");
	CHECK_STR(next("@yearly", at("2030-06-01 00:00")),
	    "2031-01-01 00:00 UTC");
	CHECK_STR(next("@hourly", at("2026-12-06 10:07")),
	    "2026-12-06 11:00 UTC");
	/* Both day fields restricted: either will do (Fri 11 before 13). */
	CHECK_STR(next("0 0 13 * 5", at("2026-12-06 10:00")),
	    "2026-12-11 00:00 UTC");
	/* One begins with *: both must (Mondays on 1, 11, 21, 31). */
	CHECK_STR(next("0 0 */10 * mon", at("2026-12-06 10:00")),
	    "2026-12-21 00:00 UTC");
	CHECK_STR(next("30 8 * jan-mar mon-fri", at("2026-12-06 10:00")),
	    "2027-01-01 08:30 UTC");
	CHECK_STR(next("0 9 * * 7", at("2026-12-06 10:00")),
	    "2026-12-13 09:00 UTC");
	CHECK_STR(next("0 0 29 2 *", at("2026-03-01 00:00")),
	    "2028-02-29 00:00 UTC");
	CHECK_STR(next("59 23 31 12 *", at("2026-12-31 23:58")),
	    "2026-12-31 23:59 UTC");
	/* 29 February on a Monday, with only that: not far enough. */
	CHECK_STR(next("0 0 29 2 *", at("2096-03-01 00:00")),
	    "2104-02-29 00:00 UTC");
}

/* Central Europe: forward at 02:00 on 29 March 2026, back at 03:00 on
 * 25 October 2026. A POSIX TZ: no tzdata needed. */
static void
dst(void)
{
	long long t;

	zone("CET-1CEST,M3.5.0,M10.5.0/3");
	/* Spring: 02:30 is not shown that day, so not due that day. */
	CHECK_STR(next("30 2 * * *", at("2026-03-28 12:00")),
	    "2026-03-30 02:30 CEST");
	/* Every hour: from 01:00 the next is 03:00, an hour later. */
	t = at("2026-03-29 01:00");
	CHECK_STR(next("0 * * * *", t), "2026-03-29 03:00 CEST");
	CHECK_STR(next("*/20 * * * *", t + 40 * 60), "2026-03-29 03:00 CEST");
	/* Autumn: 02:30 is shown twice, due once, at the first. */
	t = at("2026-10-24 12:00");
	CHECK_STR(next("30 2 * * *", t), "2026-10-25 02:30 CEST");
	{
		struct hp_cron c;
		char msg[64];
		long long a, b;

		CHECK(hp_cron_parse(&c, "30 2 * * *", msg, sizeof msg) == 0);
		a = hp_cron_next(&c, t);
		b = hp_cron_next(&c, a);
		CHECK(b - a == 24 * 3600 + 3600);
		CHECK_STR(next("30 2 * * *", a), "2026-10-26 02:30 CET");
		/* The hour in * : the repeated hour runs as any other. */
		CHECK(hp_cron_parse(&c, "*/30 * * * *", msg, sizeof msg) == 0);
		b = hp_cron_next(&c, a);
		CHECK(b - a == 1800);
		CHECK_STR(next("*/30 * * * *", a), "2026-10-25 02:00 CET");
	}
	zone("America/New_York");
	CHECK_STR(next("0 0 1 * *", at("2026-12-06 10:00")),
	    "2027-01-01 00:00 EST");
}

void
test_cron(void)
{
	const char *tz = getenv("TZ");
	char *was = tz != NULL ? strdup(tz) : NULL;

	reads();
	due();
	dst();
	if (was != NULL)
		setenv("TZ", was, 1);
	else
		unsetenv("TZ");
	free(was);
	tzset();
}
