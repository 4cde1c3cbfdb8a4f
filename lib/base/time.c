/* hp: see LICENSE. */
/* time.c: the monotonic and the wall clock, and RFC 3339 timestamps. */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hp.h"

long long
hp_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long
hp_mono_ms(void)
{
	return hp_mono_us() / 1000;
}

long long
hp_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* n as w digits, zeros before it; the end of them. */
static char *
digits(char *p, int n, int w)
{
	int i;

	for (i = w - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + w;
}

void
hp_time_fmt(char out[32], long long ms)
{
	char tmp[96], *p = out;
	struct tm tm;
	time_t t = (time_t)(ms / 1000);
	int year;

	if (ms < 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, 32, "1970-01-01T00:00:00.000Z");
		return;
	}
	if ((year = tm.tm_year + 1900) > 9999) {
		/* Past 9999 it would not fit: no such clock is expected. */
		snprintf(tmp, sizeof tmp, "%d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, (int)(ms % 1000));
		memcpy(out, tmp, 31);
		out[31] = '\0';
		return;
	}
	/* Digits by hand: a list writes two of these for each process. */
	p = digits(p, year, 4);
	*p++ = '-';
	p = digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = digits(p, tm.tm_sec, 2);
	*p++ = '.';
	p = digits(p, (int)(ms % 1000), 3);
	*p++ = 'Z';
	*p = '\0';
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static long long
days(long long y, int m, int d)
{
	long long era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* What hp_time_fmt wrote, back to ms since the epoch; -1 not that. */
long long
hp_time_parse(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	long long v[7];
	int i, k, f[] = { 0, 5, 8, 11, 14, 17, 20 }, w[] = { 4, 2, 2, 2, 2,
	    2, 3 };

	for (i = 0; form[i] != '\0'; i++)
		if (form[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != form[i])
			return -1;
	if (s[i] != '\0')
		return -1;
	for (i = 0; i < 7; i++)
		for (v[i] = 0, k = 0; k < w[i]; k++)
			v[i] = v[i] * 10 + (s[f[i] + k] - '0');
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return -1;
	return ((days(v[0], (int)v[1], (int)v[2]) * 24 + v[3]) * 60 + v[4]) *
	    60000 + v[5] * 1000 + v[6];
}
