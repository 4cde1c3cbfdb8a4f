/* hp: see LICENSE. */
/*
 * cron.c: fuzz schedules (hp_cron_parse, hp_cron_next): one that is read
 * is due after the time asked, on a minute its fields name, and nothing
 * is due between (UTC); in a zone with daylight saving time it is due
 * later than asked, or never.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hp.h"
#include "fuzz.h"

static int
matches(const struct hp_cron *c, const struct tm *tm)
{
	int dom = (int)(c->dom >> tm->tm_mday & 1);
	int dow = (int)(c->dow >> tm->tm_wday & 1);

	return tm->tm_sec == 0 && (c->min >> tm->tm_min & 1) &&
	    (c->hour >> tm->tm_hour & 1) && (c->mon >> (tm->tm_mon + 1) & 1) &&
	    (!c->domstar && !c->dowstar ? dom || dow : dom && dow);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long long from[] = { 1798761599LL, 1774746000LL,
	    1792890000LL, 4102444799LL };
	struct hp_cron c;
	struct tm tm;
	char *s = fuzz_str(data, size), msg[160];
	long long r, t;
	time_t e;
	size_t i;

	setenv("TZ", "UTC0", 1);
	tzset();
	if (hp_cron_parse(&c, s, msg, sizeof msg) == -1) {
		if (msg[0] == '\0')
			fuzz_fail("refused, unsaid: %s", s);
		free(s);
		return 0;
	}
	for (i = 0; i < sizeof from / sizeof from[0]; i++) {
		if ((r = hp_cron_next(&c, from[i])) == -1)
			continue;
		e = (time_t)r;
		if (r <= from[i] || gmtime_r(&e, &tm) == NULL ||
		    !matches(&c, &tm))
			fuzz_fail("%s: due at %lld after %lld", s, r, from[i]);
		/* Nothing between: a minute before, the same is next. */
		for (t = from[i]; t < r && t < from[i] + 3 * 3600; t += 60)
			if (hp_cron_next(&c, t) != r)
				fuzz_fail("%s: due before %lld", s, r);
	}
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	for (i = 0; i < sizeof from / sizeof from[0]; i++)
		if ((r = hp_cron_next(&c, from[i])) != -1 && r <= from[i])
			fuzz_fail("%s: due at %lld, not after %lld", s, r,
			    from[i]);
	free(s);
	return 0;
}
