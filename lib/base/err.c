/* hp: see LICENSE. */
/* err.c: messages on stderr, errors handed up, the JSON error object. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

const char *hp_progname = "hp";
const char *hp_argv0;
int hp_json_mode;

/*
 * Nothing here allocates: a message is made in a buffer on the stack, so
 * that running out of memory can still be said (hp_oom), and said once.
 */

/* "pre" fmt [": strerror(err)"] into out. */
static void
vformat(char *out, size_t n, const char *pre, const char *fmt, va_list ap,
    int err)
{
	size_t len;

	snprintf(out, n, "%s", pre);
	len = strlen(out);
	if (fmt != NULL)
		vsnprintf(out + len, n - len, fmt, ap);
	if (err) {
		len = strlen(out);
		snprintf(out + len, n - len, ": %s", strerror(err));
	}
}

static void
put(const char *msg)
{
	fprintf(stderr, "%s: %s\n", hp_progname, msg);
}

int
hp_errno_code(int err, char *code, size_t n)
{
	const char *c;

	switch (err) {
	case ENOENT:	c = "not-found"; break;
	case EEXIST:	c = "exists"; break;
	case EACCES:
	case EPERM:	c = "permission"; break;
	case ETIMEDOUT:	c = "timeout"; break;
	case ESRCH:	c = "not-running"; break;
	default:	c = "system"; break;
	}
	return hp_copy(code, n, c);
}

int
hp_error_set(struct hp_error *e, int status, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	hp_copy(e->code, sizeof e->code, code);
	va_start(ap, fmt);
	vformat(e->msg, sizeof e->msg, "", fmt, ap, 0);
	va_end(ap);
	return -1;
}

int
hp_error_sys(struct hp_error *e, const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	e->status = HP_EXIT_FAIL;
	hp_errno_code(err, e->code, sizeof e->code);
	va_start(ap, fmt);
	vformat(e->msg, sizeof e->msg, "", fmt, ap, err);
	va_end(ap);
	errno = err;
	return -1;
}

void
hp_say(const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vformat(msg, sizeof msg, "", fmt, ap, 0);
	va_end(ap);
	put(msg);
	if (hp_json_mode)
		hp_error_json(code, msg);
}

void
hp_say_errno(const char *fmt, ...)
{
	char msg[1024], code[32];
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vformat(msg, sizeof msg, "", fmt, ap, err);
	va_end(ap);
	put(msg);
	hp_errno_code(err, code, sizeof code);
	if (hp_json_mode)
		hp_error_json(code, msg);
	errno = err;
}

/*
 * A usage error is two lines: what was wrong, and where help is. The
 * synopsis is for -h alone (hp_opt_help), so a script's log stays short.
 */
void
hp_say_usage(const char *synopsis, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	(void)synopsis;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vformat(msg, sizeof msg, "", fmt, ap, 0);
		va_end(ap);
	} else
		hp_copy(msg, sizeof msg, "options or operands that do not go "
		    "together");
	put(msg);
	fprintf(stderr, "try '%s --help'\n", hp_progname);
	if (hp_json_mode)
		hp_error_json("usage", msg);
}

/*
 * A daemon whose disk is full would warn of every write it could not
 * make: with a limit (hp_warn_limit), at most that many warnings a
 * second are said, and how many were not is said once the next second
 * has come (at the next warning, or hp_warn_flush).
 */
static int warn_max;		/* a second; 0: no limit */
static int warn_n;		/* said in this second */
static long long warn_sec;
static unsigned long warn_held;	/* not said */

void
hp_warn_limit(int n)
{
	warn_max = n;
}

void
hp_warn_flush(void)
{
	char msg[128];
	long long sec = hp_mono_ms() / 1000;

	if (warn_max <= 0 || sec == warn_sec)
		return;
	warn_sec = sec;
	warn_n = 0;
	if (warn_held == 0)
		return;
	snprintf(msg, sizeof msg, "warning: %lu more warnings not shown (at "
	    "most %d a second)", warn_held, warn_max);
	warn_held = 0;
	warn_n++;
	put(msg);
}

static int
warnable(void)
{
	if (warn_max <= 0)
		return 1;
	hp_warn_flush();
	if (warn_n >= warn_max) {
		warn_held++;
		return 0;
	}
	warn_n++;
	return 1;
}

void
hp_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int err = errno;

	if (!warnable())
		return;
	va_start(ap, fmt);
	vformat(msg, sizeof msg, "warning: ", fmt, ap, err);
	va_end(ap);
	put(msg);
	errno = err;
}

void
hp_warnx(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int err = errno;

	if (!warnable())
		return;
	va_start(ap, fmt);
	vformat(msg, sizeof msg, "warning: ", fmt, ap, 0);
	va_end(ap);
	put(msg);
	errno = err;
}

/* Bytes of a valid UTF-8 sequence at s (n left), or 0 if it is not. */
size_t
hp_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else
		return 0;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* s as a JSON string into out (n > 8), cut short rather than overflow. */
static size_t
quote(char *out, size_t n, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0, len, k = strlen(str), i = 0;
	unsigned char c;

	out[o++] = '"';
	while (i < k && o + 8 < n) {
		c = s[i];
		if (c >= 0x80) {
			if ((len = hp_utf8_len(s + i, k - i)) == 0 ||
			    o + len + 8 >= n) {
				memcpy(out + o, "\xef\xbf\xbd", 3);
				o += 3;
				len = 1;
			} else {
				memcpy(out + o, s + i, len);
				o += len;
			}
			i += len;
			continue;
		}
		if (c == '"' || c == '\\' || c == '\n' || c == '\t' ||
		    c == '\r' || c == '\b' || c == '\f') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\t' ? 't' :
			    c == '\r' ? 'r' : c == '\b' ? 'b' : c == '\f' ?
			    'f' : (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else
			out[o++] = (char)c;
		i++;
	}
	out[o++] = '"';
	return o;
}

/* {"error":{"code":...,"message":...}} on stdout, after what it has. */
void
hp_error_json(const char *code, const char *message)
{
	char line[3 * 1024 + 128];
	size_t n;

	n = (size_t)snprintf(line, sizeof line, "{\"error\":{\"code\":");
	n += quote(line + n, 64, code);
	n += (size_t)snprintf(line + n, sizeof line - n, ",\"message\":");
	n += quote(line + n, sizeof line - n - 4, message);
	memcpy(line + n, "}}\n", 3);
	n += 3;
	fflush(stdout);
	(void)hp_write_all(STDOUT_FILENO, line, n);
}

/* Flush stdout: -1 when it failed, said unless nobody reads it (EPIPE). */
int
hp_stdout_flush(void)
{
	if (fflush(stdout) != EOF && !ferror(stdout))
		return 0;
	if (errno != EPIPE) {
		hp_json_mode = 0;
		hp_say_errno("write stdout");
	}
	return -1;
}

/*
 * Out of memory: a fixed message, with --json the error object, and exit
 * 1. Nothing here allocates, so it cannot come back here.
 */
void
hp_oom(void)
{
	static const char json[] =
	    "{\"error\":{\"code\":\"system\",\"message\":\"out of memory\"}}\n";
	static const char msg[] = ": out of memory\n";

	(void)hp_write_all(STDERR_FILENO, hp_progname, strlen(hp_progname));
	(void)hp_write_all(STDERR_FILENO, msg, sizeof msg - 1);
	if (hp_json_mode) {
		fflush(stdout);
		(void)hp_write_all(STDOUT_FILENO, json, sizeof json - 1);
	}
	exit(HP_EXIT_FAIL);
}
