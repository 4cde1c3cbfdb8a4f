/* hp: see LICENSE. */
/* t_parse.c: names, durations, sizes, signals, exec-line words, backoff. */

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/hp.h"
#include "unit.h"

static void
names(void)
{
	char s[HP_NAME_MAX + 2];

	CHECK(hp_name_ok("a"));
	CHECK(hp_name_ok("web-1"));
	CHECK(hp_name_ok("A.b_c-9"));
	CHECK(hp_name_ok("0"));
	CHECK(!hp_name_ok(""));
	CHECK(!hp_name_ok(NULL));
	CHECK(!hp_name_ok("-a"));
	CHECK(!hp_name_ok(".a"));
	CHECK(!hp_name_ok("_a"));
	CHECK(!hp_name_ok(".."));
	CHECK(!hp_name_ok("a b"));
	CHECK(!hp_name_ok("a/b"));
	CHECK(!hp_name_ok("a\n"));
	CHECK(!hp_name_ok("caf\xc3\xa9"));
	memset(s, 'x', HP_NAME_MAX);
	s[HP_NAME_MAX] = '\0';
	CHECK(hp_name_ok(s));
	s[HP_NAME_MAX] = 'x';
	s[HP_NAME_MAX + 1] = '\0';
	CHECK(!hp_name_ok(s));
}

/* NAME or NAME:I, I from 1 to 256 without a leading zero. */
static void
refs(void)
{
	char name[HP_NAME_MAX + 1], s[HP_NAME_MAX + 8];
	int i = -1;

	CHECK(hp_ref_split("web", name, &i) == 0 && i == 0);
	CHECK_STR(name, "web");
	CHECK(hp_ref_split("web:1", name, &i) == 0 && i == 1);
	CHECK_STR(name, "web");
	CHECK(hp_ref_split("a.b-c:256", name, &i) == 0 && i == 256);
	CHECK(!hp_ref_ok("web:0"));
	CHECK(!hp_ref_ok("web:01"));
	CHECK(!hp_ref_ok("web:257"));
	CHECK(!hp_ref_ok("web:1000"));
	CHECK(!hp_ref_ok("web:"));
	CHECK(!hp_ref_ok(":1"));
	CHECK(!hp_ref_ok("web:1:2"));
	CHECK(!hp_ref_ok("web:1a"));
	CHECK(!hp_ref_ok("-w:1"));
	CHECK(!hp_ref_ok(NULL));
	memset(s, 'x', HP_NAME_MAX);
	memcpy(s + HP_NAME_MAX, ":99", 4);
	CHECK(hp_ref_ok(s));
	CHECK(hp_ref_split(s, name, &i) == 0 && i == 99 &&
	    strlen(name) == HP_NAME_MAX);
	memset(s, 'x', HP_NAME_MAX + 1);
	memcpy(s + HP_NAME_MAX + 1, ":9", 3);
	CHECK(!hp_ref_ok(s));
}

static long long
dur(const char *s)
{
	long long v = -42;

	return hp_duration(s, &v) == 0 ? v : -1;
}

static void
durations(void)
{
	static const char *bad[] = {
		"", "-1s", "1x", "1.", ".5", "s", "ms", "1 s", " 1s", "1s ",
		"1S", "1MS", "+1", "1.5.5", "1e3", "1sm", "1d", "0x10",
		"9223372036854775807", "9223372036854775808ms",
		"99999999999999999999ms", "2562047788016h", "1,5s",
		"9223372036854775.808s", "2562047788015.3h",
	};
	size_t i;
	long long v = 7;

	CHECK(dur("250ms") == 250);
	CHECK(dur("10s") == 10000);
	CHECK(dur("5m") == 300000);
	CHECK(dur("1h") == 3600000);
	CHECK(dur("7") == 7000);
	CHECK(dur("0") == 0);
	CHECK(dur("0ms") == 0);
	CHECK(dur("1.5s") == 1500);
	CHECK(dur("0.25") == 250);
	CHECK(dur("1.5m") == 90000);
	CHECK(dur("0.5h") == 1800000);
	CHECK(dur("1.5ms") == 1);
	CHECK(dur("0.0015s") == 1);
	CHECK(dur("1.123456789999s") == 1123);
	CHECK(dur("007s") == 7000);
	CHECK(dur("9223372036854775806ms") == 9223372036854775806LL);
	CHECK(dur("2562047788015h") == 2562047788015LL * 3600000);
	CHECK(dur("9223372036854775807ms") == LLONG_MAX);
	CHECK(dur("9223372036854775.807s") == LLONG_MAX);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (hp_duration(bad[i], &v) != -1)
			fprintf(stderr, "duration accepted: \"%s\"\n", bad[i]);
		CHECK(hp_duration(bad[i], &v) == -1);
	}
	CHECK(v == 7);
	CHECK(hp_duration(NULL, &v) == -1);
}

static long long
size(const char *s)
{
	long long v = -42;

	return hp_size(s, &v) == 0 ? v : -1;
}

static void
sizes(void)
{
	static const char *bad[] = {
		"", "K", "B", "-1", "+1", "1X", "1KiX", "1Ki", "1iB", "1KBB",
		"1.5G", "1 K", " 1", "1K ", "1P", "1e3",
		"8589934592G", "8388608T", "9223372036854775808",
		"99999999999999999999",
	};
	size_t i;
	long long v = 7;

	CHECK(size("0") == 0);
	CHECK(size("512") == 512);
	CHECK(size("512B") == 512);
	CHECK(size("512K") == 512 * 1024);
	CHECK(size("512k") == 512 * 1024);
	CHECK(size("64M") == 64LL << 20);
	CHECK(size("64MB") == 64LL << 20);
	CHECK(size("64mb") == 64LL << 20);
	CHECK(size("64MiB") == 64LL << 20);
	CHECK(size("64mib") == 64LL << 20);
	CHECK(size("1G") == 1LL << 30);
	CHECK(size("1KiB") == 1024);
	CHECK(size("2T") == 2LL << 40);
	CHECK(size("8388607T") == 8388607LL << 40);
	CHECK(size("9223372036854775807") == LLONG_MAX);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (hp_size(bad[i], &v) != -1)
			fprintf(stderr, "size accepted: \"%s\"\n", bad[i]);
		CHECK(hp_size(bad[i], &v) == -1);
	}
	CHECK(v == 7);
	CHECK(hp_size(NULL, &v) == -1);
}

static void
signals(void)
{
	static const char *all[] = {
		"HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
		"KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "CHLD",
		"CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
		"VTALRM", "PROF", "SYS",
	};
	static const char *bad[] = {
		"", "SIG", "FOO", "0", "-15", "15x", "SIGSIGTERM", "TERM ",
		" TERM", "SIG TERM", "99999999999", "TER", "TERMX", "SIG15",
	};
	char num[32];
	size_t i;
	int n;

	CHECK(hp_signal("TERM") == SIGTERM);
	CHECK(hp_signal("SIGTERM") == SIGTERM);
	CHECK(hp_signal("term") == SIGTERM);
	CHECK(hp_signal("sigterm") == SIGTERM);
	CHECK(hp_signal("SigKill") == SIGKILL);
	CHECK(hp_signal("hup") == SIGHUP);
	CHECK(hp_signal("USR1") == SIGUSR1);
	CHECK(hp_signal("SIGCHLD") == SIGCHLD);
	CHECK(hp_signal("15") == 15);
	CHECK(hp_signal("9") == SIGKILL);
	snprintf(num, sizeof num, "%d", SIGUSR2);
	CHECK(hp_signal(num) == SIGUSR2);
#ifdef SIGWINCH
	CHECK(hp_signal("WINCH") == SIGWINCH);
	CHECK_STR(hp_signame(SIGWINCH), "WINCH");
#endif
#ifdef SIGRTMIN
	/* Real-time signals have names too, both ways. */
	CHECK(hp_signal("RTMIN") == SIGRTMIN);
	CHECK(hp_signal("SIGRTMIN+3") == SIGRTMIN + 3);
	CHECK(hp_signal("rtmax-1") == SIGRTMAX - 1);
	CHECK(hp_signal("RTMAX") == SIGRTMAX);
	CHECK_STR(hp_signame(SIGRTMIN), "RTMIN");
	CHECK_STR(hp_signame(SIGRTMIN + 2), "RTMIN+2");
	CHECK(hp_signal(hp_signame(SIGRTMAX)) == SIGRTMAX);
	CHECK(hp_signal("RTMIN+999") == -1);
	CHECK(hp_signal("RTMIN-1") == -1);
	CHECK(hp_signal("RTMAX+1") == -1);
	CHECK(hp_signal("RTMIN+") == -1);
	CHECK(hp_signal("RTMINX") == -1);
#endif
	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		n = hp_signal(all[i]);
		CHECK(n > 0);
		CHECK_STR(hp_signame(n), all[i]);
		snprintf(num, sizeof num, "%d", n);
		CHECK(hp_signal(num) == n);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (hp_signal(bad[i]) != -1)
			fprintf(stderr, "signal accepted: \"%s\"\n", bad[i]);
		CHECK(hp_signal(bad[i]) == -1);
	}
	CHECK(hp_signal(NULL) == -1);
	CHECK_STR(hp_signame(SIGTERM), "TERM");
	CHECK_STR(hp_signame(SIGKILL), "KILL");
	CHECK_STR(hp_signame(SIGHUP), "HUP");
	CHECK_STR(hp_signame(0), "?");
	CHECK_STR(hp_signame(-1), "?");
	CHECK_STR(hp_signame(12345), "?");
}

/* Split line and compare with the expected words, a NULL-ended list. */
static int
splits(const char *line, const char **want)
{
	char **av = NULL;
	int ac = -1, i, ok;

	if (hp_split(line, &av, &ac) == -1)
		return 0;
	ok = av != NULL && av[ac] == NULL;
	for (i = 0; ok && want[i] != NULL; i++)
		ok = i < ac && strcmp(av[i], want[i]) == 0;
	ok = ok && i == ac;
	if (!ok)
		fprintf(stderr, "split \"%s\": got %d words\n", line, ac);
	hp_argv_free(av);
	return ok;
}

static int
split_fails(const char *line, const char *msg)
{
	char **av = NULL;
	int ac = -1;

	if (hp_split(line, &av, &ac) != -1) {
		hp_argv_free(av);
		return 0;
	}
	return av == NULL && ac == -1 && strcmp(hp_split_error(), msg) == 0;
}

static void
split(void)
{
	const char *w0[] = { NULL };
	const char *w1[] = { "a", "b", "c", NULL };
	const char *w2[] = { "a b", "c", NULL };
	const char *w3[] = { "a\"b", NULL };
	const char *w4[] = { "\n\t\r\\$`", NULL };
	const char *w5[] = { "A\x7f\xff", NULL };
	const char *w6[] = { "\\q\\'\\x4g\\x", NULL };
	const char *w7[] = { "abcd", NULL };
	const char *w8[] = { "", "", "x", NULL };
	const char *w9[] = { "a b", "'", "\"", "\\", NULL };
	const char *w10[] = { "$(rm", "-rf", "/)", "*", "~", "$HOME", NULL };
	const char *w11[] = { "a\\b", "$x", NULL };
	const char *w12[] = { "caf\xc3\xa9", "\xff\xc0", NULL };
	const char *w13[] = { "echo", "it's", "a=\"b c\"", NULL };

	CHECK(splits("", w0));
	CHECK(splits(" \t\n\r ", w0));
	CHECK(splits("a b  c", w1));
	CHECK(splits("  a\tb\nc  ", w1));
	CHECK(splits("'a b' c", w2));
	CHECK(splits("a\\ b c", w2));
	CHECK(splits("\"a\\\"b\"", w3));
	CHECK(splits("\"\\n\\t\\r\\\\\\$\\`\"", w4));
	CHECK(splits("\"\\x41\\x7F\\xff\"", w5));
	CHECK(splits("\"\\q\\'\\x4g\\x\"", w6));
	CHECK(splits("a'b'\"c\"\\d", w7));
	CHECK(splits("\"\" '' x", w8));
	CHECK(splits("a\\ b \\' \\\" \\\\", w9));
	CHECK(splits("$(rm -rf /) * ~ $HOME", w10));
	CHECK(splits("'a\\b' '$x'", w11));
	CHECK(splits("caf\xc3\xa9 \xff\xc0", w12));
	CHECK(splits("echo it\\'s a='\"b c\"'", w13));
	CHECK(split_fails("\"abc", "unterminated double quote"));
	CHECK(split_fails("a \"b\\\"", "unterminated double quote"));
	CHECK(split_fails("\"abc\\", "unterminated double quote"));
	CHECK(split_fails("'abc", "unterminated single quote"));
	CHECK(split_fails("'it\\'s'", "unterminated single quote"));
	CHECK(split_fails("abc\\", "trailing backslash"));
	CHECK(split_fails("a b c \\", "trailing backslash"));
	CHECK(split_fails("\"\\x00\"", "\\x00 in double quotes"));
	CHECK(splits("ok", (const char *[]){ "ok", NULL }));
	CHECK_STR(hp_split_error(), "");
}

static const char *tricky[] = {
	"plain", "", " ", "a b", "\n", "a\nb", "it's", "say \"hi\"",
	"$(rm -rf /)", "`id`", "*", "?", "~", "#x", "x#", "back\\slash",
	"\xff", "\xc0", "\xc0\x80", "\xed\xa0\x80", "caf\xc3\xa9", "tab\there",
	"\r\n", "\x01\x1f\x7f", "ends\\", "\\x41", "\\", "'", "\"", "''",
	"\"\"", "a=b", "--flag=1,2", "/usr/bin/env", "@user%:+", "semi;colon",
	"a|b&c>d<e", "{x,y}", "[ab]", "!", "\x1b[31m", "$", "\\$", "\\n",
	"-", "--",
};

static void
quote(void)
{
	struct hp_buf b = { 0 };
	char **av;
	size_t i, n = sizeof tricky / sizeof tricky[0];
	int ac;

	for (i = 0; i < n; i++) {
		b.len = 0;
		hp_quote(&b, tricky[i]);
		CHECK(memchr(b.p, '\n', b.len) == NULL);
		CHECK(memchr(b.p, '\r', b.len) == NULL);
		CHECK(hp_split(hp_buf_str(&b), &av, &ac) == 0);
		CHECK(ac == 1);
		if (ac == 1)
			CHECK_STR(av[0], tricky[i]);
		hp_argv_free(av);
	}
	b.len = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			hp_buf_addc(&b, ' ');
		hp_quote(&b, tricky[i]);
	}
	CHECK(hp_split(hp_buf_str(&b), &av, &ac) == 0);
	CHECK(ac == (int)n);
	for (i = 0; ac == (int)n && i < n; i++)
		CHECK_STR(av[i], tricky[i]);
	hp_argv_free(av);

	b.len = 0;
	hp_quote(&b, "abc");
	CHECK_STR(hp_buf_str(&b), "abc");
	b.len = 0;
	hp_quote(&b, "/usr/bin/x-y_z.1@a%b+c=d:e,f");
	CHECK_STR(hp_buf_str(&b), "/usr/bin/x-y_z.1@a%b+c=d:e,f");
	b.len = 0;
	hp_quote(&b, "");
	CHECK_STR(hp_buf_str(&b), "\"\"");
	b.len = 0;
	hp_quote(&b, "a b");
	CHECK_STR(hp_buf_str(&b), "\"a b\"");
	b.len = 0;
	hp_quote(&b, "a\nb\t\r");
	CHECK_STR(hp_buf_str(&b), "\"a\\nb\\t\\r\"");
	b.len = 0;
	hp_quote(&b, "$x`\"\\");
	CHECK_STR(hp_buf_str(&b), "\"\\$x\\`\\\"\\\\\"");
	b.len = 0;
	hp_quote(&b, "\x01\x7f\xff");
	CHECK_STR(hp_buf_str(&b), "\"\\x01\\x7f\xff\"");
	b.len = 0;
	hp_quote(&b, "it's");
	CHECK_STR(hp_buf_str(&b), "\"it's\"");
	hp_buf_free(&b);
	hp_argv_free(NULL);
}

static void
backoff(void)
{
	long long base, r, lo;
	unsigned rnd;
	int a, out;

	CHECK(hp_backoff(1, 0, 60000, 12345) == 0);
	CHECK(hp_backoff(5, -10, 60000, 12345) == 0);
	CHECK(hp_backoff(1, 1000, 60000, 0) == 500);
	CHECK(hp_backoff(1, 1000, 60000, 500) == 1000);
	CHECK(hp_backoff(1, 1000, 60000, 501) == 500);
	CHECK(hp_backoff(2, 1000, 60000, 0) == 1000);
	CHECK(hp_backoff(2, 1000, 60000, 1000) == 2000);
	CHECK(hp_backoff(7, 1000, 60000, 0) == 30000);
	CHECK(hp_backoff(7, 1000, 60000, 30000) == 60000);
	CHECK(hp_backoff(0, 1000, 60000, 0) == 500);
	CHECK(hp_backoff(-3, 1000, 60000, 0) == 500);
	CHECK(hp_backoff(INT_MAX, 1000, 60000, 30000) == 60000);
	CHECK(hp_backoff(3, 1000, 10, 500) == 1000);	/* max < min */
	CHECK(hp_backoff(1, 1, 1, 99) == 0);
	CHECK(hp_backoff(INT_MAX, LLONG_MAX / 3, LLONG_MAX, 0) ==
	    LLONG_MAX / 2);
	CHECK(hp_backoff(64, 1, LLONG_MAX, UINT_MAX) <= LLONG_MAX);
	CHECK(hp_backoff(64, 1, LLONG_MAX, UINT_MAX) >= LLONG_MAX / 2);
	lo = 0;
	for (a = 1; a <= 40; a++) {
		base = 100LL << (a < 10 ? a - 1 : 9);
		if (base > 30000)
			base = 30000;
		CHECK(hp_backoff(a, 100, 30000, 0) >= lo);
		lo = hp_backoff(a, 100, 30000, 0);
		out = 0;
		for (rnd = 0; rnd < 100000; rnd += 7) {
			r = hp_backoff(a, 100, 30000, rnd);
			out += r < base / 2 || r > base;
		}
		CHECK(out == 0);
		r = hp_backoff(a, 100, 30000, UINT_MAX);
		CHECK(r >= base / 2 && r <= base);
		CHECK(hp_backoff(a, 100, 30000, (unsigned)(base / 2)) == base);
	}
}

void
test_parse(void)
{
	names();
	refs();
	durations();
	sizes();
	signals();
	split();
	quote();
	backoff();
}
