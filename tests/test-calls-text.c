/* SPDX-License-Identifier: MIT */
/*
 * selfseq_calls_decode() (libselfseq/calls-text.c): the ADFA-LD text format.
 * Hand-written cases for each rule and error, then random texts that run
 * through the 64-byte block path, checked against a plain reference decoder:
 * same numbers, and the same stop offset and error after a bad token.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <selfseq/selfseq-text.h>

struct result {
	int err;
	size_t n, used;
	uint32_t calls[64];
};

static struct result decode(const char *text, uint32_t limit, size_t cap)
{
	struct result r;

	memset(&r, 0xa5, sizeof(r));
	assert_true(cap <= 64);
	r.err = selfseq_calls_decode(text, strlen(text), limit, r.calls, cap, &r.n, &r.used);
	return r;
}

static void numbers(void **state)
{
	struct result r = decode("1 22 333\n4444 55555 0\n", 0, 64);
	(void)state;

	assert_int_equal(r.err, 0);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.used, 22);
	assert_int_equal(r.calls[0], 1);
	assert_int_equal(r.calls[4], 55555);
	assert_int_equal(r.calls[5], 0);
	/* Every whitespace byte separates; runs of them, leading and trailing ones too. */
	r = decode(" \t\r\v\f\n7\t\t8\r\n9\v10\f11   \n", 0, 64);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.calls[0], 7);
	assert_int_equal(r.calls[4], 11);
	/* No final newline; leading zeros; the largest 32-bit number. */
	r = decode("0007 4294967295", 0, 64);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.calls[0], 7);
	assert_int_equal(r.calls[1], 4294967295u);
	/* Empty and blank texts hold no call. */
	r = decode("", 0, 64);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.n, 0);
	r = decode(" \n\n ", 0, 64);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.used, 4);
}

/* Decode @text and check the error, the numbers stored and where decoding stopped. */
static void expect(const char *text, uint32_t limit, size_t cap, int err, size_t n, size_t used)
{
	struct result r = decode(text, limit, cap);

	assert_int_equal(r.err, err);
	assert_int_equal(r.n, n);
	assert_int_equal(r.used, used);
}

static void errors(void **state)
{
	uint32_t calls[4];
	size_t n, used;
	(void)state;

	/* A bad token stops decoding at its first byte; the numbers before it are kept. */
	expect("1 2x 3", 0, 64, -EBADMSG, 1, 2);
	expect("5 -6", 0, 64, -EBADMSG, 1, 2);
	expect("+5", 0, 64, -EBADMSG, 0, 0);
	expect("1,2", 0, 64, -EBADMSG, 0, 0);
	/* A NUL byte is a bad token, not the end of the text. */
	assert_int_equal(selfseq_calls_decode("1 \0 2", 5, 0, calls, 4, &n, &used), -EBADMSG);
	assert_int_equal(n, 1);
	assert_int_equal(used, 2);
	/* Numbers must be below the limit, and fit 32 bits when there is none. */
	expect("5 400 7", 300, 64, -ERANGE, 1, 2);
	expect("299 300", 300, 64, -ERANGE, 1, 4);
	expect("1 4294967296", 0, 64, -ERANGE, 1, 2);
	expect("1 123456789012345678901234567890 2", 0, 64, -ERANGE, 1, 2);
	/* A full output stops at the first number without room. */
	expect("1 2 3", 0, 2, -ENOSPC, 2, 4);
	expect("1 2   ", 0, 2, 0, 2, 6);
	/* Pointers: an empty text may be NULL, anything else may not. */
	assert_int_equal(selfseq_calls_decode(NULL, 0, 0, NULL, 0, &n, &used), 0);
	assert_int_equal(n, 0);
	assert_int_equal(selfseq_calls_decode(NULL, 3, 0, calls, 4, &n, &used), -EINVAL);
	assert_int_equal(selfseq_calls_decode("1", 1, 0, NULL, 4, &n, &used), -EINVAL);
	assert_int_equal(selfseq_calls_decode("1", 1, 0, calls, 4, NULL, &used), -EINVAL);
	assert_int_equal(selfseq_calls_decode("1", 1, 0, calls, 4, &n, NULL), -EINVAL);
}

static int blank(char c)
{
	return c && strchr(" \t\r\v\f\n", c);
}

/* The plain reference: one token at a time. */
static int reference(const char *t, size_t len, uint64_t limit, uint32_t *out, size_t cap,
		     size_t *n, size_t *used)
{
	size_t i = 0;

	*n = 0;
	while (i < len) {
		size_t s;
		uint64_t v = 0;
		int digits = 1;

		if (blank(t[i])) {
			i++;
			continue;
		}
		for (s = i; i < len && !blank(t[i]); i++) {
			if (t[i] < '0' || t[i] > '9')
				digits = 0;
			else if (v < (1ull << 40))
				v = v * 10 + (uint64_t)(t[i] - '0');
		}
		*used = s;
		if (!digits)
			return -EBADMSG;
		if (v >= limit)
			return -ERANGE;
		if (*n == cap)
			return -ENOSPC;
		out[(*n)++] = (uint32_t)v;
	}
	*used = len;
	return 0;
}

static uint32_t rnd(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*x >> 33);
}

/* A random text of @count numbers: mostly ADFA-like, with the odd long number or odd blank. */
static size_t random_text(char *t, size_t room, int count, uint64_t *x)
{
	static const char *const blanks[] = { " ", " ", " ", " ", "\n", "  ", "\t", " \r\n", "\f" };
	size_t len = 0;

	for (int i = 0; i < count && len + 32 < room; i++) {
		uint32_t kind = rnd(x) % 100, v;

		if (kind < 90)
			v = rnd(x) % 400;
		else if (kind < 97)
			v = rnd(x) % 100000;
		else
			v = rnd(x);
		len += (size_t)snprintf(t + len, room - len, "%s%u%s", kind == 42 ? "00" : "", v,
					blanks[rnd(x) % 9]);
	}
	return len;
}

static void random_texts(void **state)
{
	enum { ROOM = 1 << 16, CALLS = ROOM / 2 + 1 };
	char *t = malloc(ROOM);
	uint32_t *got = malloc(CALLS * sizeof(*got)), *want = malloc(CALLS * sizeof(*want));
	uint64_t x = 42;
	(void)state;

	assert_non_null(t);
	for (int round = 0; round < 400; round++) {
		size_t len = random_text(t, ROOM, 1 + (int)(rnd(&x) % 8000), &x);
		uint32_t limit = round % 3 == 0 ? 0 : round % 3 == 1 ? 1024 : 100000;
		uint64_t lim = limit ? limit : 1ull << 32;
		size_t cap = round % 5 == 4 ? rnd(&x) % 2000 : CALLS, gn, gu, wn, wu;
		int ge, we;

		/* Every fourth text gets a bad byte somewhere. */
		if (round % 4 == 3 && len)
			t[rnd(&x) % len] = "x-\0,"[rnd(&x) % 4];
		we = reference(t, len, lim, want, cap, &wn, &wu);
		ge = selfseq_calls_decode(t, len, limit, got, cap, &gn, &gu);
		assert_int_equal(ge, we);
		assert_int_equal(gn, wn);
		assert_int_equal(gu, wu);
		assert_memory_equal(got, want, wn * sizeof(*got));
		/* Decoding on from after the stop gets the rest, as the CLI does with --on-error=skip. */
		if (ge == -EBADMSG || ge == -ERANGE) {
			size_t skip = gu;

			while (skip < len && !blank(t[skip]))
				skip++;
			we = reference(t + skip, len - skip, lim, want, CALLS, &wn, &wu);
			ge = selfseq_calls_decode(t + skip, len - skip, limit, got, CALLS, &gn, &gu);
			assert_int_equal(ge, we);
			assert_int_equal(gn, wn);
			assert_int_equal(gu, wu);
			assert_memory_equal(got, want, wn * sizeof(*got));
		}
	}
	free(t);
	free(got);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(errors),
		cmocka_unit_test(random_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
