/* hp: see LICENSE. */
/* unit.h: the smallest test harness: checks counted, failures named. */

#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_pass, unit_fail;

#define CHECK(c) do { \
	if (c) unit_pass++; \
	else { unit_fail++; fprintf(stderr, "%s:%d: failed: %s\n", \
	    __FILE__, __LINE__, #c); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (a_ != NULL && b_ != NULL && strcmp(a_, b_) == 0) unit_pass++; \
	else { unit_fail++; fprintf(stderr, "%s:%d: failed: %s == \"%s\"" \
	    " (got \"%s\")\n", __FILE__, __LINE__, #a, b_ ? b_ : "(null)", \
	    a_ ? a_ : "(null)"); } \
} while (0)

/* Each test file defines one entry point, listed in main.c. */
void	test_parse(void);
void	test_json(void);
void	test_kv(void);
void	test_io(void);
void	test_state(void);
void	test_proc(void);
void	test_log(void);
void	test_event(void);
void	test_breaker(void);
void	test_health(void);
void	test_detect(void);
void	test_limit(void);
void	test_pty(void);
void	test_fuzz(void);
void	test_handover(void);
void	test_envfile(void);
void	test_keys(void);
void	test_metrics(void);
void	test_after(void);
void	test_stops(void);
void	test_vt(void);
void	test_termho(void);
void	test_cron(void);
int	unit_vt(int, char **);		/* run vt COLS ROWS: a draw */
int	unit_tables(const char *);	/* print a table: 0, 2 unknown */

#endif
