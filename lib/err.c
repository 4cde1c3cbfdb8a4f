/* hp: see LICENSE. */
/* err.c: messages on stderr, exit statuses, the JSON error object. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

const char *hp_progname = "hp";
int hp_json_mode;

/* Print "prog: msg[: strerror]" on stderr; return the message. */
static void
vmsg(char *out, size_t n, const char *pre, const char *fmt, va_list ap,
    int err)
{
	size_t len;

	snprintf(out, n, "%s", pre);
	len = strlen(out);
	vsnprintf(out + len, n - len, fmt, ap);
	if (err) {
		len = strlen(out);
		snprintf(out + len, n - len, ": %s", strerror(err));
	}
	fprintf(stderr, "%s: %s\n", hp_progname, out);
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

void
hp_die(const char *fmt, ...)
{
	char msg[1024], code[32];
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg(msg, sizeof msg, "", fmt, ap, err);
	va_end(ap);
	hp_errno_code(err, code, sizeof code);
	if (hp_json_mode)
		hp_error_json(code, msg);
	exit(HP_EXIT_FAIL);
}

void
hp_fail(int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vmsg(msg, sizeof msg, "", fmt, ap, 0);
	va_end(ap);
	if (hp_json_mode)
		hp_error_json(code, msg);
	exit(status);
}

void
hp_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg(msg, sizeof msg, "warning: ", fmt, ap, err);
	va_end(ap);
	errno = err;
}

void
hp_warnx(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg(msg, sizeof msg, "warning: ", fmt, ap, 0);
	va_end(ap);
	errno = err;
}

void
hp_usage(const char *synopsis, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vmsg(msg, sizeof msg, "", fmt, ap, 0);
		va_end(ap);
	} else
		snprintf(msg, sizeof msg, "usage: %s", synopsis);
	fprintf(stderr, "usage: %s\n", synopsis);
	if (hp_json_mode)
		hp_error_json("usage", msg);
	exit(HP_EXIT_USAGE);
}

void
hp_help(const char *synopsis)
{
	printf("usage: %s\n", synopsis);
	hp_stdout_close();
	exit(HP_EXIT_OK);
}

void
hp_error_json(const char *code, const char *message)
{
	struct hp_buf b = { 0 };
	struct hp_json j;

	hp_json_init(&j, &b);
	hp_json_open(&j, '{');
	hp_json_key(&j, "error");
	hp_json_open(&j, '{');
	hp_json_kstr(&j, "code", code);
	hp_json_kstr(&j, "message", message);
	hp_json_close(&j, '}');
	hp_json_close(&j, '}');
	hp_buf_addc(&b, '\n');
	fwrite(b.p, 1, b.len, stdout);
	fflush(stdout);
	hp_buf_free(&b);
}

void
hp_stdout_close(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			exit(HP_EXIT_FAIL);
		hp_json_mode = 0;
		hp_die("write stdout");
	}
}
