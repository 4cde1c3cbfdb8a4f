/* hp: see LICENSE. */
/* t_handover.c: the format an upgrade hands over in, and the breaker's line. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "../../lib/super/handover.h"
#include "unit.h"

/* The bytes of b in an unlinked file, read back into h: hp_ho_read's. */
static int
reread(const void *p, size_t n, struct hp_hord *h, char *why, size_t wn)
{
	int fd = hp_anonfile("/tmp"), r;

	if (fd == -1 || hp_write_all(fd, p, n) == -1)
		return -2;
	r = hp_ho_read(h, fd, why, wn);
	close(fd);
	return r;
}

static void
test_roundtrip(void)
{
	struct hp_howr w = { { 0 }, NULL, 0 };
	struct hp_hord h;
	const struct hp_hosec *sec;
	const char *v;
	char why[128], odd[] = "a\nb\0c \n";
	size_t n;
	int pfd[2], i = 0;

	CHECK(pipe(pfd) == 0);
	(void)hp_cloexec(pfd[0]);
	hp_ho_section(&w, "super", "/state dir");
	hp_ho_putint(&w, "seq", 1234567890123LL);
	hp_ho_putstr(&w, "conf", NULL);		/* not put */
	hp_ho_putfd(&w, "lock", pfd[0]);
	hp_ho_putfd(&w, "none", -1);		/* not put either */
	hp_ho_section(&w, "proc", "web");
	hp_ho_put(&w, "odd", odd, sizeof odd);
	hp_ho_putint(&w, "neg", -7);
	hp_ho_section(&w, "proc", "db");
	hp_ho_putstr(&w, "state", "running");
	hp_ho_section(&w, "end", "");
	CHECK(w.nfd == 1 && w.fd[0] == pfd[0]);
	CHECK(reread(w.b.p, w.b.len, &h, why, sizeof why) == 0);
	CHECK(h.version == HP_HANDOVER && h.nsec == 4);
	CHECK_STR(h.sec[0].name, "/state dir");
	CHECK(hp_ho_int(&h.sec[0], "seq", 0) == 1234567890123LL);
	CHECK(hp_ho_get(&h.sec[0], "conf", NULL) == NULL);
	CHECK_STR(hp_ho_str(&h.sec[0], "conf", "def"), "def");
	CHECK(hp_ho_get(&h.sec[0], "none", NULL) == NULL);
	/* The descriptor is the same, open, and close-on-exec again. */
	CHECK(hp_ho_fd(&h.sec[0], "lock") == pfd[0]);
	CHECK((fcntl(pfd[0], F_GETFD) & FD_CLOEXEC) != 0);
	sec = hp_ho_next(&h, "proc", &i);
	CHECK(sec != NULL && strcmp(sec->name, "web") == 0);
	v = hp_ho_get(sec, "odd", &n);
	CHECK(v != NULL && n == sizeof odd && memcmp(v, odd, n) == 0);
	CHECK(hp_ho_int(sec, "neg", 0) == -7);
	CHECK(hp_ho_int(sec, "odd", 42) == 42);	/* not a number */
	sec = hp_ho_next(&h, "proc", &i);
	CHECK(sec != NULL && strcmp(sec->name, "db") == 0);
	CHECK_STR(hp_ho_str(sec, "state", ""), "running");
	CHECK(hp_ho_next(&h, "proc", &i) == NULL);
	CHECK(hp_ho_sub(&h, "proc", "db") == sec);
	CHECK(hp_ho_sub(&h, "proc", "nope") == NULL);
	hp_ho_free(&h);
	/* A descriptor no longer open is none. */
	close(pfd[1]);
	close(pfd[0]);
	CHECK(reread(w.b.p, w.b.len, &h, why, sizeof why) == 0);
	CHECK(hp_ho_fd(&h.sec[0], "lock") == -1);
	hp_ho_free(&h);
	hp_buf_free(&w.b);
	free(w.fd);
}

/* Each is refused, with why; none is read past its end. */
static void
test_bad(void)
{
	static const char *bad[] = {
		"",
		"not a handover\n",
		"hp-handover 99\n@super 0\n\n",
		"hp-handover 0\n@super 0\n\n",
		"hp-handover 1\nseq 1\n1\n",		/* outside a section */
		"hp-handover 1\n@super 0\n\nseq 5\n1\n",	/* cut short */
		"hp-handover 1\n@super 0\n\nseq 1\n12",	/* no newline */
		"hp-handover 1\n@super 0\n\nseq x\n1\n",	/* bad length */
		"hp-handover 1\n@super 0\n\nseq\n",		/* no length */
		"hp-handover 1\n@super 0\n\nseq 18446744073709551615\n",
	};
	struct hp_hord h;
	char why[128];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		CHECK(reread(bad[i], strlen(bad[i]), &h, why, sizeof why) ==
		    -1);
		CHECK(why[0] != '\0');
		CHECK(h.blob == NULL && h.sec == NULL);
	}
	/* A descriptor that is not a file. */
	CHECK(hp_ho_read(&h, -1, why, sizeof why) == -1);
}

static void
test_breaker_line(void)
{
	struct hp_breaker b, c;
	struct hp_buf out = { 0 };

	memset(&b, 0, sizeof b);
	b.state = HP_CIRCUIT_OPEN;
	b.since = 1700000000123LL;
	b.n = 3;
	b.fail[0] = 5;
	b.fail[1] = -6;
	b.fail[2] = 1LL << 40;
	hp_breaker_fmt(&b, &out);
	CHECK_STR(hp_buf_str(&out), "1 1700000000123 5 -6 1099511627776");
	CHECK(hp_breaker_parse(&c, hp_buf_str(&out)) == 0);
	CHECK(memcmp(&b, &c, sizeof b) == 0);
	out.len = 0;
	memset(&b, 0, sizeof b);
	hp_breaker_fmt(&b, &out);
	CHECK(hp_breaker_parse(&c, hp_buf_str(&out)) == 0 && c.n == 0 &&
	    c.state == HP_CIRCUIT_CLOSED);
	CHECK(hp_breaker_parse(&c, "") == -1);
	CHECK(hp_breaker_parse(&c, "7 1") == -1);
	CHECK(hp_breaker_parse(&c, "1") == -1);
	CHECK(hp_breaker_parse(&c, "1 2 x") == -1);
	hp_buf_free(&out);
}

void
test_handover(void)
{
	test_roundtrip();
	test_bad();
	test_breaker_line();
}
