/* hp: see LICENSE. */
/* parse.c: names, durations, sizes, signals, exec-line words, backoff. */

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

static const char *split_err = "";

static const struct {
	const char *name;
	int	    num;
} sigs[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL },
#ifdef SIGTRAP
	{ "TRAP", SIGTRAP },
#endif
	{ "ABRT", SIGABRT }, { "BUS", SIGBUS }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU },
#ifdef SIGURG
	{ "URG", SIGURG },
#endif
#ifdef SIGXCPU
	{ "XCPU", SIGXCPU },
#endif
#ifdef SIGXFSZ
	{ "XFSZ", SIGXFSZ },
#endif
#ifdef SIGVTALRM
	{ "VTALRM", SIGVTALRM },
#endif
#ifdef SIGPROF
	{ "PROF", SIGPROF },
#endif
#ifdef SIGSYS
	{ "SYS", SIGSYS },
#endif
#ifdef SIGWINCH
	{ "WINCH", SIGWINCH },
#endif
};

/* Locale-free character classes: the files we read are bytes. */
static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isalnum_c(int c)
{
	return isdig(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int
isspace_c(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

int
hp_hexval(int c)
{
	if (isdig(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Case-insensitive ASCII comparison. */
static int
eqi(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (upper((unsigned char)*a) != upper((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* Leading decimal digits into *v; the end, or NULL if none or overflow. */
static const char *
digits(const char *s, long long *v)
{
	long long n = 0;
	const char *p;

	for (p = s; isdig((unsigned char)*p); p++) {
		if (n > (LLONG_MAX - (*p - '0')) / 10)
			return NULL;
		n = n * 10 + (*p - '0');
	}
	if (p == s)
		return NULL;
	*v = n;
	return p;
}

int
hp_name_ok(const char *s)
{
	size_t i;

	if (s == NULL || !isalnum_c((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= HP_NAME_MAX)
			return 0;
		if (!isalnum_c((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	}
	return 1;
}

/*
 * A name, or an instance of one: NAME:I, I from 1 to HP_INSTANCES_MAX
 * with no leading zero. The name is copied to name (HP_NAME_MAX + 1),
 * the instance to *inst (0 for a plain name). -1: neither.
 */
int
hp_ref_split(const char *s, char *name, int *inst)
{
	const char *colon;
	size_t len;
	int i = 0;

	if (s == NULL || (colon = strchr(s, ':')) == NULL) {
		if (!hp_name_ok(s))
			return -1;
		*inst = 0;
		return hp_copy(name, HP_NAME_MAX + 1, s);
	}
	len = (size_t)(colon - s);
	if (len == 0 || len > HP_NAME_MAX || colon[1] < '1' ||
	    colon[1] > '9' || strlen(colon + 1) > 3)
		return -1;
	memcpy(name, s, len);
	name[len] = '\0';
	for (colon++; isdig((unsigned char)*colon); colon++)
		i = i * 10 + (*colon - '0');
	if (*colon != '\0' || i > HP_INSTANCES_MAX || !hp_name_ok(name))
		return -1;
	*inst = i;
	return 0;
}

int
hp_ref_ok(const char *s)
{
	char name[HP_NAME_MAX + 1];
	int i;

	return hp_ref_split(s, name, &i) == 0;
}

/* "all": what the verbs of hp-supervise take for every process. */
int
hp_name_reserved(const char *s)
{
	return s != NULL && strcmp(s, "all") == 0;
}

/*
 * A name from a command: its base name, cut to what names allow; the
 * reserved "all" is made "all-2", as a name in use would be.
 */
void
hp_name_derive(char *out, size_t n, const char *cmd)
{
	const char *base = strrchr(cmd, '/');
	size_t k = 0;

	for (base = base ? base + 1 : cmd; *base != '\0' && k + 1 < n &&
	    k < HP_NAME_MAX - 8; base++)
		if (isalnum_c((unsigned char)*base) ||
		    (k > 0 && strchr("._-", *base) != NULL))
			out[k++] = *base;
	out[k] = '\0';
	if (k == 0)
		hp_copy(out, n, "proc");
	else if (hp_name_reserved(out))
		hp_copy(out, n, "all-2");
}

/*
 * "250ms", "10s", "5m", "1h", "1.5s"; a bare number is seconds. Digits
 * past the millisecond are dropped, not rounded.
 */
int
hp_duration(const char *s, long long *ms)
{
	long long ip, frac = 0, scale = 1, mul;
	const char *p;

	if (s == NULL || (p = digits(s, &ip)) == NULL)
		return -1;
	if (*p == '.') {
		if (!isdig((unsigned char)*++p))
			return -1;
		for (; isdig((unsigned char)*p); p++)
			if (scale < 1000000000) {
				frac = frac * 10 + (*p - '0');
				scale *= 10;
			}
	}
	if (strcmp(p, "ms") == 0)
		mul = 1;
	else if (*p == '\0' || strcmp(p, "s") == 0)
		mul = 1000;
	else if (strcmp(p, "m") == 0)
		mul = 60 * 1000;
	else if (strcmp(p, "h") == 0)
		mul = 60 * 60 * 1000;
	else
		return -1;
	frac = frac * mul / scale;
	if (ip > LLONG_MAX / mul || frac > LLONG_MAX - ip * mul)
		return -1;
	*ms = ip * mul + frac;
	return 0;
}

/* "512", "64M", "64MB", "64MiB", "1g": powers of 1024. */
int
hp_size(const char *s, long long *bytes)
{
	long long n, mul = 1;
	const char *p;

	if (s == NULL || (p = digits(s, &n)) == NULL)
		return -1;
	switch (upper((unsigned char)*p)) {
	case 'T':
		mul <<= 10;
		/* FALLTHROUGH */
	case 'G':
		mul <<= 10;
		/* FALLTHROUGH */
	case 'M':
		mul <<= 10;
		/* FALLTHROUGH */
	case 'K':
		mul <<= 10;
		p++;
		if (*p == 'i' || *p == 'I') {
			if (upper((unsigned char)p[1]) != 'B')
				return -1;
			p++;
		}
		break;
	}
	if (upper((unsigned char)*p) == 'B')
		p++;
	if (*p != '\0' || n > LLONG_MAX / mul)
		return -1;
	*bytes = n * mul;
	return 0;
}

static int rtsignal(const char *);

int
hp_signal(const char *s)
{
	long long n;
	const char *p;
	size_t i;

	if (s == NULL)
		return -1;
	if ((p = digits(s, &n)) != NULL) {
		if (*p != '\0' || n > INT_MAX)
			return -1;
		for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			if (sigs[i].num == n)
				return (int)n;
#ifdef SIGRTMIN
		if (n >= SIGRTMIN && n <= SIGRTMAX)
			return (int)n;
#endif
		return -1;
	}
	if (upper((unsigned char)s[0]) == 'S' &&
	    upper((unsigned char)s[1]) == 'I' &&
	    upper((unsigned char)s[2]) == 'G')
		s += 3;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (eqi(s, sigs[i].name))
			return sigs[i].num;
	return rtsignal(s);
}

/* RTMIN, RTMIN+N, RTMAX-N: the real-time signals, where there are. */
static int
rtsignal(const char *s)
{
#ifdef SIGRTMIN
	long long n = 0;
	const char *p = s + 5;
	int base;

	if (strncmp(s, "RTMIN", 5) == 0 || strncmp(s, "rtmin", 5) == 0)
		base = SIGRTMIN;
	else if (strncmp(s, "RTMAX", 5) == 0 || strncmp(s, "rtmax", 5) == 0)
		base = SIGRTMAX;
	else
		return -1;
	if (*p != '\0' && (*p != (base == SIGRTMIN ? '+' : '-') ||
	    (p = digits(p + 1, &n)) == NULL || *p != '\0' || n > 64))
		return -1;
	n = base == SIGRTMIN ? base + n : base - n;
	return n >= SIGRTMIN && n <= SIGRTMAX ? (int)n : -1;
#else
	(void)s;
	return -1;
#endif
}

const char *
hp_signame(int sig)
{
	static char rt[65][12];
	size_t i;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigs[i].num == sig)
			return sigs[i].name;
#ifdef SIGRTMIN
	/* Each its own buffer: two names may be used at once. */
	if (sig >= SIGRTMIN && sig <= SIGRTMAX && sig - SIGRTMIN < 65) {
		i = (size_t)(sig - SIGRTMIN);
		if (rt[i][0] == '\0') {
			if (i == 0)
				snprintf(rt[i], sizeof rt[i], "RTMIN");
			else
				snprintf(rt[i], sizeof rt[i], "RTMIN+%d",
				    (int)i);
		}
		return rt[i];
	}
#endif
	return "?";
}

/*
 * Exec-line words. Whitespace separates words; '...' is literal; "..."
 * takes \n \t \r \\ \" \$ \` and \xHH, and keeps any other backslash
 * pair as it is; outside quotes a backslash takes the next byte as it
 * is. Adjacent parts join into one word, and "" is an empty word.
 * Nothing is expanded: $, *, ~ and ( are plain bytes.
 */

/* One double-quoted escape at p (after the backslash); bytes consumed. */
static int
dq_escape(struct hp_buf *w, const char *p)
{
	int hi, lo;

	switch (*p) {
	case 'n':	hp_buf_addc(w, '\n'); return 1;
	case 't':	hp_buf_addc(w, '\t'); return 1;
	case 'r':	hp_buf_addc(w, '\r'); return 1;
	case '\\':
	case '"':
	case '$':
	case '`':	hp_buf_addc(w, *p); return 1;
	case 'x':
		if ((hi = hp_hexval((unsigned char)p[1])) >= 0 &&
		    (lo = hp_hexval((unsigned char)p[2])) >= 0) {
			if (hi == 0 && lo == 0) {
				split_err = "\\x00 in double quotes";
				return -1;
			}
			hp_buf_addc(w, hi << 4 | lo);
			return 3;
		}
		break;
	}
	hp_buf_addc(w, '\\');
	return 0;
}

/* One word starting at *pp, which is not whitespace; -1 on error. */
static int
split_word(const char **pp, struct hp_buf *w)
{
	const char *p = *pp;
	int n;

	while (*p != '\0' && !isspace_c((unsigned char)*p)) {
		if (*p == '\'') {
			for (p++; *p != '\'' && *p != '\0'; p++)
				hp_buf_addc(w, *p);
			if (*p == '\0') {
				split_err = "unterminated single quote";
				return -1;
			}
			p++;
		} else if (*p == '"') {
			for (p++; *p != '"' && *p != '\0'; p++) {
				if (*p != '\\' || p[1] == '\0') {
					hp_buf_addc(w, *p);
					continue;
				}
				if ((n = dq_escape(w, ++p)) == -1)
					return -1;
				p += n - 1;
			}
			if (*p == '\0') {
				split_err = "unterminated double quote";
				return -1;
			}
			p++;
		} else if (*p == '\\') {
			if (p[1] == '\0') {
				split_err = "trailing backslash";
				return -1;
			}
			hp_buf_addc(w, p[1]);
			p += 2;
		} else
			hp_buf_addc(w, *p++);
	}
	*pp = p;
	return 0;
}

int
hp_split(const char *line, char ***argvp, int *argcp)
{
	struct hp_buf w = { 0 };
	char **av = NULL;
	int ac = 0, cap = 0;

	split_err = "";
	for (;;) {
		while (isspace_c((unsigned char)*line))
			line++;
		if (*line == '\0')
			break;
		w.len = 0;
		if (split_word(&line, &w) == -1) {
			hp_buf_free(&w);
			if (av != NULL)
				av[ac] = NULL;
			hp_argv_free(av);
			return -1;
		}
		if (ac + 2 > cap) {
			cap = cap ? cap * 2 : 8;
			av = hp_xrealloc(av, (size_t)cap * sizeof *av);
		}
		av[ac++] = hp_xstrdup(hp_buf_str(&w));
	}
	hp_buf_free(&w);
	if (av == NULL)
		av = hp_xmalloc(sizeof *av);
	av[ac] = NULL;
	*argvp = av;
	*argcp = ac;
	return 0;
}

const char *
hp_split_error(void)
{
	return split_err;
}

static int
plain(int c)
{
	return isalnum_c(c) || (c != '\0' && strchr("@%+=:,./_-", c) != NULL);
}

/*
 * Append one word such that hp_split gives it back byte for byte. No
 * separator is added: the caller puts spaces between words.
 */
void
hp_quote(struct hp_buf *b, const char *word)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	unsigned char c;

	for (p = (const unsigned char *)word; *p != '\0' && plain(*p); p++)
		;
	if (*p == '\0' && p != (const unsigned char *)word) {
		hp_buf_adds(b, word);
		return;
	}
	hp_buf_addc(b, '"');
	for (p = (const unsigned char *)word; (c = *p) != '\0'; p++) {
		if (c == '"' || c == '\\' || c == '$' || c == '`') {
			hp_buf_addc(b, '\\');
			hp_buf_addc(b, c);
		} else if (c == '\n')
			hp_buf_adds(b, "\\n");
		else if (c == '\t')
			hp_buf_adds(b, "\\t");
		else if (c == '\r')
			hp_buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7f) {
			hp_buf_adds(b, "\\x");
			hp_buf_addc(b, hex[c >> 4]);
			hp_buf_addc(b, hex[c & 0xf]);
		} else
			hp_buf_addc(b, c);
	}
	hp_buf_addc(b, '"');
}

/* A copy of av, NULL-terminated; NULL for NULL. */
char **
hp_argv_dup(char *const *av)
{
	char **c;
	size_t i, n = 0;

	if (av == NULL)
		return NULL;
	while (av[n] != NULL)
		n++;
	c = hp_xcalloc(n + 1, sizeof *c);
	for (i = 0; i < n; i++)
		c[i] = hp_xstrdup(av[i]);
	return c;
}

void
hp_argv_free(char **av)
{
	char **p;

	if (av == NULL)
		return;
	for (p = av; *p != NULL; p++)
		free(*p);
	free(av);
}

/*
 * Exponential backoff with equal jitter: base = min * 2^(attempt-1),
 * capped at max (or at min when max is smaller), then a value in
 * [base/2, base] picked by rnd. Pure, so tests can pin rnd.
 */
long long
hp_backoff(int attempt, long long min, long long max, unsigned rnd)
{
	long long base = min, half;
	int i;

	if (min <= 0)
		return 0;
	if (max < min)
		max = min;
	for (i = 1; i < attempt && base < max; i++)
		base = base > max / 2 ? max : base * 2;
	if (base > max)
		base = max;
	half = base / 2;
	return half + (long long)(rnd % ((unsigned long long)half + 1));
}
