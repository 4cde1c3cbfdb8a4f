/* hp: see LICENSE. */
/*
 * json.c: fuzz the JSON writer. The input is a program: each byte an
 * operation (open, close, a string, bytes, a raw value, a number, ...)
 * with its data after it. Keys go before values in objects, as callers
 * do; whatever the data, the output must be one valid JSON value.
 */

#include <stdlib.h>
#include <string.h>

#include "hp.h"
#include "fuzz.h"

#define DEPTH	40	/* past the writer's 31 levels */
#define RAWMAX	64	/* the nesting hp_json_valid takes */

struct in {
	const uint8_t	*p;
	size_t		 n;
};

/* The next k bytes (fewer at the end), as a string of its own. */
static char *
take(struct in *in, size_t *len)
{
	size_t k = in->n > 0 ? *in->p % 32 : 0;
	char *s;

	if (in->n > 0) {
		in->p++;
		in->n--;
	}
	if (k > in->n)
		k = in->n;
	s = fuzz_str(in->p, k);
	in->p += k;
	in->n -= k;
	*len = k;
	return s;
}

/* How deep a raw value could nest: its brackets, counted. */
static int
brackets(const char *s, size_t n)
{
	size_t i;
	int k = 0;

	for (i = 0; i < n; i++)
		k += s[i] == '[' || s[i] == '{';
	return k;
}

static void
value(struct hp_json *j, struct in *in, int op, int depth)
{
	double d;
	size_t n;
	char *s = take(in, &n);

	switch (op) {
	case 3:
		hp_json_str(j, s);
		break;
	case 4:
		hp_json_strn(j, s, n);
		break;
	case 5:
		if (depth + brackets(s, n) < RAWMAX)
			hp_json_raw(j, s, n);
		else
			hp_json_strn(j, s, n);
		break;
	case 6:
		memset(&d, 0, sizeof d);
		memcpy(&d, s, n < sizeof d ? n : sizeof d);
		hp_json_num(j, d);
		break;
	case 7:
		hp_json_int(j, n > 0 ? ((long long)(unsigned char)s[0] <<
		    (n % 56)) * (s[n - 1] % 2 ? -1 : 1) : 0);
		break;
	case 8:
		hp_json_bool(j, n % 2);
		break;
	default:
		hp_json_null(j);
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hp_buf b = { 0 };
	struct hp_json j;
	struct in in = { data, size };
	char stack[DEPTH], *k;
	int depth = 0, op;
	size_t n;

	hp_json_init(&j, &b);
	while (in.n > 0) {
		op = *in.p++ % 10;
		in.n--;
		if (op == 2) {
			if (depth == 0)
				continue;
			hp_json_close(&j, stack[--depth]);
			if (depth == 0)
				break;
			continue;
		}
		if (depth > 0 && stack[depth - 1] == '}') {
			k = take(&in, &n);
			hp_json_key(&j, k);
			free(k);
		}
		if (op == 0 || op == 1) {
			if (depth == DEPTH)
				op = 9;
			else {
				stack[depth++] = op == 0 ? '}' : ']';
				hp_json_open(&j, op == 0 ? '{' : '[');
				continue;
			}
		}
		value(&j, &in, op, depth);
		if (depth == 0)
			break;
	}
	while (depth > 0)
		hp_json_close(&j, stack[--depth]);
	if (b.len > 0 && !hp_json_valid(b.p, b.len))
		fuzz_fail("not JSON: %s", hp_buf_str(&b));
	hp_buf_free(&b);
	return 0;
}
