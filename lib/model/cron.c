/* hp: see LICENSE. */
/* cron.c: restart-at and run-at: five-field cron schedules, in local time. */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hp.h"

/*
 * A schedule is five fields, minute hour day-of-month month day-of-week,
 * each a list of items: *, N, N-M, any of them /STEP; months and days
 * may be named (jan, mon: three letters, any case), Sunday is 0 or 7.
 * @hourly, @daily (@midnight), @weekly, @monthly, @yearly (@annually)
 * stand for their five fields. Each field is a set of bits.
 *
 * The days, as cron has always had them: when both day fields are
 * restricted (neither written beginning with *), a day that either
 * names is due; otherwise a day must be in both.
 *
 * Local time, walked on the clock, not on the calendar: a time the clock
 * skips when it goes forward (02:30 on the spring day in much of Europe)
 * does not come that day, so is not due; a time it shows twice when it
 * goes back is due once, at its first showing, when the hour field is
 * restricted (with * in the hours the repeated hour runs as any other).
 */

static const struct field {
	const char	*name;
	int		 lo, hi;
	const char	*names;		/* three letters each, from lo */
} fields[5] = {
	{ "minute", 0, 59, NULL },
	{ "hour", 0, 23, NULL },
	{ "day of month", 1, 31, NULL },
	{ "month", 1, 12, "janfebmaraprmayjunjulaugsepoctnovdec" },
	{ "day of week", 0, 7, "sunmontuewedthufrisat" },
};

static const struct {
	const char	*name, *is;
} macros[] = {
	{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" }, { "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

/* A number or a name of field f at *s; -1 if neither. */
static int
value(const struct field *f, const char **s)
{
	const char *p = *s;
	int n = 0, i, k;

	if (*p >= '0' && *p <= '9') {
		for (k = 0; *p >= '0' && *p <= '9' && k < 3; p++, k++)
			n = n * 10 + (*p - '0');
		if (*p >= '0' && *p <= '9')
			return -1;
		*s = p;
		return n;
	}
	for (i = 0; f->names != NULL && f->names[i * 3] != '\0'; i++) {
		for (k = 0; k < 3; k++)
			if ((p[k] | 0x20) != f->names[i * 3 + k])
				break;
		if (k == 3) {
			*s = p + 3;
			return f->lo + i;
		}
	}
	return -1;
}

/* One field, from s to end, into *bits; -1 and why in msg. */
static int
field(const struct field *f, const char *s, const char *end,
    unsigned long long *bits, char *msg, size_t n)
{
	int a, b, step, v;

	*bits = 0;
	for (;;) {
		step = 1;
		if (*s == '*') {
			a = f->lo;
			b = f->hi;
			s++;
		} else {
			if ((a = b = value(f, &s)) == -1)
				return snprintf(msg, n, "%s: not a number or "
				    "name", f->name), -1;
			if (*s == '-' && (s++, b = value(f, &s)) == -1)
				return snprintf(msg, n, "%s: a range wants an "
				    "end", f->name), -1;
			if (a < f->lo || b > f->hi || a > b)
				return snprintf(msg, n, "%s: %d to %d", f->name,
				    f->lo, f->hi), -1;
		}
		if (*s == '/') {
			s++;
			if ((step = value(&fields[0], &s)) < 1 ||
			    step > f->hi - f->lo + 1)
				return snprintf(msg, n, "%s: a step of 1 to %d",
				    f->name, f->hi - f->lo + 1), -1;
		}
		for (v = a; v <= b; v += step)
			*bits |= 1ULL << v;
		if (s == end)
			return 0;
		if (*s++ != ',' || s == end)
			return snprintf(msg, n, "%s: items are separated by "
			    "commas", f->name), -1;
	}
}

/* Is there a day of a month in the schedule (days of week aside)? */
static int
somedate(const struct hp_cron *c)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int m, d;

	for (m = 1; m <= 12; m++)
		for (d = 1; d <= mdays[m - 1]; d++)
			if ((c->mon >> m & 1) && (c->dom >> d & 1))
				return 1;
	return 0;
}

/* A schedule: -1 and why in msg (see above for what it reads). */
int
hp_cron_parse(struct hp_cron *c, const char *s, char *msg, size_t n)
{
	unsigned long long bits[5];
	const char *end;
	size_t i;
	int f;

	memset(c, 0, sizeof *c);
	for (i = 0; s[0] == '@' && i < sizeof macros / sizeof macros[0]; i++)
		if (strcmp(s, macros[i].name) == 0)
			s = macros[i].is;
	if (s[0] == '@')
		return snprintf(msg, n, "unknown schedule: %.40s", s), -1;
	for (f = 0; f < 5; f++) {
		s += strspn(s, " \t");
		if (*s == '\0')
			return snprintf(msg, n, "five fields wanted (minute "
			    "hour day month weekday)"), -1;
		end = s + strcspn(s, " \t");
		if (field(&fields[f], s, end, &bits[f], msg, n) == -1)
			return -1;
		if (f == 2)
			c->domstar = *s == '*';
		if (f == 4)
			c->dowstar = *s == '*';
		s = end;
	}
	if (s[strspn(s, " \t")] != '\0')
		return snprintf(msg, n, "five fields wanted, more given"), -1;
	c->min = bits[0];
	c->hour = (unsigned long)bits[1];
	c->dom = (unsigned long)bits[2];
	c->mon = (unsigned)bits[3];
	c->dow = (unsigned)((bits[4] | bits[4] >> 7) & 0x7f);
	if (c->dowstar && !somedate(c))
		return snprintf(msg, n, "no such date: never due"), -1;
	return 0;
}

static int
dayok(const struct hp_cron *c, const struct tm *tm)
{
	int dom = (int)(c->dom >> tm->tm_mday & 1);
	int dow = (int)(c->dow >> tm->tm_wday & 1);

	return !c->domstar && !c->dowstar ? dom || dow : dom && dow;
}

/* Midnight of a day d days after tm's (d 0: the first of next month). */
static time_t
midnight(struct tm *tm, int d)
{
	if (d == 0) {
		tm->tm_mon++;
		tm->tm_mday = 1;
	} else
		tm->tm_mday += d;
	tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
	tm->tm_isdst = -1;
	return mktime(tm);
}

/* Has the clock shown this minute already, an hour (or half) ago? */
static int
again(time_t t, const struct tm *tm)
{
	static const int back[] = { 3600, 1800 };
	struct tm o;
	time_t e;
	size_t i;

	for (i = 0; i < sizeof back / sizeof back[0]; i++) {
		e = t - back[i];
		if (localtime_r(&e, &o) != NULL && o.tm_mday == tm->tm_mday &&
		    o.tm_hour == tm->tm_hour && o.tm_min == tm->tm_min)
			return 1;
	}
	return 0;
}

/*
 * The first time the schedule is due after `after` (seconds since the
 * epoch), or -1: none within ten years (as 29 February on a Monday may
 * take). Each turn moves on a month, a day, an hour or to the next
 * minute of the set, so the loop is short and bounded.
 */
long long
hp_cron_next(const struct hp_cron *c, long long after)
{
	struct tm tm;
	time_t t = (time_t)after + 1, was;
	int i, m, year = -1;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	t += tm.tm_sec != 0 ? 60 - tm.tm_sec : 0;
	for (i = 0; i < 100000; i++) {
		was = t;
		if (localtime_r(&t, &tm) == NULL)
			return -1;
		if (year == -1)
			year = tm.tm_year;
		if (tm.tm_year > year + 10)
			return -1;
		if (!(c->mon >> (tm.tm_mon + 1) & 1))
			t = midnight(&tm, 0);
		else if (!dayok(c, &tm))
			t = midnight(&tm, 1);
		else if (!(c->hour >> tm.tm_hour & 1))
			t += (60 - tm.tm_min) * 60;
		else if (!(c->min >> tm.tm_min & 1)) {
			for (m = tm.tm_min; m < 60 && !(c->min >> m & 1); m++)
				;
			t += (m - tm.tm_min) * 60;
		} else if (c->hour != 0xffffff && again(t, &tm))
			t += 60;
		else
			return (long long)t;
		if (t == (time_t)-1 || t <= was)
			t = was + 60;
	}
	return -1;
}
