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

void
hp_time_fmt(char out[32], long long ms)
{
	char tmp[96];
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	if (ms < 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, 32, "1970-01-01T00:00:00.000Z");
		return;
	}
	/* A year past 9999 would not fit: no such clock is expected. */
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	memcpy(out, tmp, 31);
	out[31] = '\0';
}
