/* hp: see LICENSE. */
/* t_kv.c: "key = value" parsing, loading, lookups and writing. */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/hp.h"
#include "unit.h"

static void
parse(void)
{
	struct hp_kv kv = { 0 };
	const char *text =
	    "# a spec\n"
	    "name = web\n"
	    "  # indented comment\n"
	    "\n"
	    " \t \n"
	    "exec=/bin/sh -c 'echo a=b # c'\n"
	    "empty =\n"
	    "empty2 =   \t \n"
	    "spaced \t=\t  a  b \t\r\n"
	    "restart.max-count = 5\n"
	    "  indented = yes\n"
	    "name = api\n"
	    "crlf = 1\r\n"
	    "last = no newline";

	CHECK(hp_kv_parse(&kv, text) == 0);
	CHECK(kv.err == NULL);
	CHECK(kv.n == 10);
	if (kv.n != 10) {
		hp_kv_free(&kv);
		return;
	}
	CHECK_STR(kv.key[0], "name");
	CHECK_STR(kv.val[0], "web");
	CHECK(kv.line[0] == 2);
	CHECK_STR(kv.key[1], "exec");
	CHECK_STR(kv.val[1], "/bin/sh -c 'echo a=b # c'");
	CHECK(kv.line[1] == 6);
	CHECK_STR(kv.val[2], "");
	CHECK_STR(kv.val[3], "");
	CHECK_STR(kv.key[4], "spaced");
	CHECK_STR(kv.val[4], "a  b");
	CHECK_STR(kv.key[5], "restart.max-count");
	CHECK_STR(kv.key[6], "indented");
	CHECK_STR(kv.key[7], "name");
	CHECK(kv.line[7] == 12);
	CHECK_STR(kv.val[8], "1");
	CHECK_STR(kv.val[9], "no newline");
	CHECK(kv.line[9] == 14);

	CHECK_STR(hp_kv_get(&kv, "name"), "api");
	CHECK_STR(hp_kv_get(&kv, "empty"), "");
	CHECK_STR(hp_kv_get(&kv, "crlf"), "1");
	CHECK(hp_kv_get(&kv, "nope") == NULL);
	CHECK(hp_kv_get(&kv, "Name") == NULL);
	CHECK(hp_kv_get(&kv, "") == NULL);
	CHECK(hp_kv_int(&kv, "restart.max-count", -1) == 5);
	CHECK(hp_kv_int(&kv, "crlf", -1) == 1);
	CHECK(hp_kv_int(&kv, "name", -1) == -1);
	CHECK(hp_kv_int(&kv, "empty", 42) == 42);
	CHECK(hp_kv_int(&kv, "nope", 42) == 42);
	hp_kv_free(&kv);
	CHECK(kv.n == 0 && kv.key == NULL && kv.err == NULL);
	hp_kv_free(&kv);

	CHECK(hp_kv_parse(&kv, "") == 0);
	CHECK(kv.n == 0);
	CHECK(hp_kv_parse(&kv, "\n\n# x\n") == 0);
	CHECK(kv.n == 0);
	CHECK(hp_kv_get(&kv, "a") == NULL);
	hp_kv_free(&kv);
}

/* text fails to parse with message msg. */
static int
fails(const char *text, const char *msg)
{
	struct hp_kv kv = { 0 };
	int ok;

	errno = 0;
	ok = hp_kv_parse(&kv, text) == -1 && errno == EINVAL &&
	    kv.err != NULL && strcmp(kv.err, msg) == 0;
	if (!ok)
		fprintf(stderr, "kv \"%s\": got \"%s\"\n", text,
		    kv.err ? kv.err : "(null)");
	hp_kv_free(&kv);
	return ok;
}

#define BADKEY	"bad key: use a-z, 0-9, '-' and '.'"

static void
errors(void)
{
	struct hp_kv kv = { 0 };

	CHECK(fails("a = 1\nb = 2\nnonsense\n", "3: expected key = value"));
	CHECK(fails("nonsense", "1: expected key = value"));
	CHECK(fails("a\tb\n", "1: expected key = value"));
	CHECK(fails("a b = c\n", "1: expected key = value"));
	CHECK(fails("a = 1\n\n# c\nName = x\n", "4: " BADKEY));
	CHECK(fails("= x\n", "1: " BADKEY));
	CHECK(fails("  = x\n", "1: " BADKEY));
	CHECK(fails("a_b = c\n", "1: " BADKEY));
	CHECK(fails("a:b = c\n", "1: " BADKEY));
	CHECK(fails("caf\xc3\xa9 = c\n", "1: " BADKEY));
	CHECK(fails("ok = 1\r\nbad\r\nworse\r\n", "2: expected key = value"));

	/* What parsed before the bad line is kept, and freed by free. */
	CHECK(hp_kv_parse(&kv, "a = 1\nb = 2\n! = 1\nc = 3\n") == -1);
	CHECK(kv.n == 2);
	CHECK_STR(kv.err, "3: " BADKEY);
	CHECK_STR(hp_kv_get(&kv, "b"), "2");
	CHECK(hp_kv_get(&kv, "c") == NULL);
	hp_kv_free(&kv);
	CHECK(kv.err == NULL);
}

static void
ints(void)
{
	struct hp_kv kv = { 0 };

	CHECK(hp_kv_parse(&kv, "a = 5\nb = -7\nc = 5x\nd = +5\n"
	    "e = 9223372036854775807\nf = -9223372036854775808\n"
	    "g = 9223372036854775808\nh = 99999999999999999999\ni = -\n"
	    "j = 0x10\nk = 010\nl = 1 2\nm = -0\n") == 0);
	CHECK(hp_kv_int(&kv, "a", 1) == 5);
	CHECK(hp_kv_int(&kv, "b", 1) == -7);
	CHECK(hp_kv_int(&kv, "c", 1) == 1);
	CHECK(hp_kv_int(&kv, "d", 1) == 1);
	CHECK(hp_kv_int(&kv, "e", 1) == LLONG_MAX);
	CHECK(hp_kv_int(&kv, "f", 1) == LLONG_MIN);
	CHECK(hp_kv_int(&kv, "g", 1) == 1);
	CHECK(hp_kv_int(&kv, "h", 1) == 1);
	CHECK(hp_kv_int(&kv, "i", 1) == 1);
	CHECK(hp_kv_int(&kv, "j", 1) == 1);
	CHECK(hp_kv_int(&kv, "k", 1) == 10);
	CHECK(hp_kv_int(&kv, "l", 1) == 1);
	CHECK(hp_kv_int(&kv, "m", 1) == 0);
	hp_kv_free(&kv);
}

static void
writing(void)
{
	struct hp_buf b = { 0 };
	struct hp_kv kv = { 0 };
	char key[16];
	int i, ok = 1;

	hp_kv_add(&b, "name", "web");
	hp_kv_add(&b, "exec", "/bin/sh -c \"a = b\"");
	hp_kv_add(&b, "empty", "");
	hp_kv_add(&b, "evil", "x\ny = 2\rz");
	hp_kv_addi(&b, "pid", 1234);
	hp_kv_addi(&b, "neg", LLONG_MIN);
	CHECK_STR(hp_buf_str(&b), "name = web\n"
	    "exec = /bin/sh -c \"a = b\"\n"
	    "empty =\n"
	    "evil = x y = 2 z\n"
	    "pid = 1234\n"
	    "neg = -9223372036854775808\n");
	CHECK(hp_kv_parse(&kv, hp_buf_str(&b)) == 0);
	CHECK(kv.n == 6);
	CHECK_STR(hp_kv_get(&kv, "exec"), "/bin/sh -c \"a = b\"");
	CHECK_STR(hp_kv_get(&kv, "empty"), "");
	CHECK_STR(hp_kv_get(&kv, "evil"), "x y = 2 z");
	CHECK(hp_kv_get(&kv, "y") == NULL);
	CHECK(hp_kv_int(&kv, "pid", 0) == 1234);
	CHECK(hp_kv_int(&kv, "neg", 0) == LLONG_MIN);
	hp_kv_free(&kv);

	/* Many entries: the arrays grow. */
	b.len = 0;
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%d", i % 300);
		hp_kv_addi(&b, key, i);
	}
	CHECK(hp_kv_parse(&kv, hp_buf_str(&b)) == 0);
	CHECK(kv.n == 1000);
	for (i = 0; i < 300; i++) {
		snprintf(key, sizeof key, "k%d", i);
		ok &= hp_kv_int(&kv, key, -1) == (i < 100 ? 900 + i : 600 + i);
	}
	CHECK(ok);
	CHECK(kv.line[999] == 1000);
	hp_kv_free(&kv);
	hp_buf_free(&b);
}

/* A temporary file holding n bytes of p; its path in path. */
static int
tmpfile_with(char *path, size_t size, const char *p, size_t n)
{
	int fd;

	hp_copy(path, size, "/tmp/hp-t_kv-XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (hp_write_all(fd, p, n) == -1) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

static void
load(void)
{
	struct hp_kv kv = { 0 };
	char path[64], link[80], *big;
	size_t max = 1024 * 1024;

	CHECK(tmpfile_with(path, sizeof path, "a = 1\nb = two\n", 14) == 0);
	CHECK(hp_kv_load(&kv, path) == 0);
	CHECK(kv.n == 2);
	CHECK_STR(hp_kv_get(&kv, "b"), "two");
	hp_kv_free(&kv);

	/* A symlink is refused, not followed. */
	snprintf(link, sizeof link, "%s.link", path);
	CHECK(symlink(path, link) == 0);
	errno = 0;
	CHECK(hp_kv_load(&kv, link) == -1);
	CHECK(errno == ELOOP || errno == EMLINK);
	CHECK(kv.err == NULL);
	hp_kv_free(&kv);
	unlink(link);
	unlink(path);

	errno = 0;
	CHECK(hp_kv_load(&kv, path) == -1);
	CHECK(errno == ENOENT);
	CHECK(kv.err == NULL);
	hp_kv_free(&kv);

	errno = 0;
	CHECK(hp_kv_load(&kv, "/") == -1);
	CHECK(errno == EISDIR);
	hp_kv_free(&kv);

	CHECK(tmpfile_with(path, sizeof path, "", 0) == 0);
	CHECK(hp_kv_load(&kv, path) == 0);
	CHECK(kv.n == 0);
	hp_kv_free(&kv);
	unlink(path);

	CHECK(tmpfile_with(path, sizeof path, "a = 1\nb = x\0y\n", 14) == 0);
	CHECK(hp_kv_load(&kv, path) == -1);
	CHECK_STR(kv.err, "2: NUL byte");
	hp_kv_free(&kv);
	unlink(path);

	CHECK(tmpfile_with(path, sizeof path, "a = 1\nb c\n", 10) == 0);
	errno = 0;
	CHECK(hp_kv_load(&kv, path) == -1);
	CHECK(errno == EINVAL);
	CHECK_STR(kv.err, "2: expected key = value");
	hp_kv_free(&kv);
	unlink(path);

	/* Exactly the limit loads; one byte more is EFBIG. */
	big = malloc(max + 1);
	CHECK(big != NULL);
	if (big == NULL)
		return;
	memset(big, '\n', max + 1);
	memcpy(big, "a = 1", 5);
	memcpy(big + max - 5, "b = 2", 5);
	CHECK(tmpfile_with(path, sizeof path, big, max) == 0);
	CHECK(hp_kv_load(&kv, path) == 0);
	CHECK(kv.n == 2 && hp_kv_int(&kv, "b", 0) == 2);
	hp_kv_free(&kv);
	unlink(path);
	CHECK(tmpfile_with(path, sizeof path, big, max + 1) == 0);
	errno = 0;
	CHECK(hp_kv_load(&kv, path) == -1);
	CHECK(errno == EFBIG);
	CHECK(kv.n == 0 && kv.err == NULL);
	hp_kv_free(&kv);
	unlink(path);
	free(big);
}

void
test_kv(void)
{
	parse();
	errors();
	ints();
	writing();
	load();
}
