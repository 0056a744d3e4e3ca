/* SPDX-License-Identifier: MIT */
/*
 * Pair database: windows 2..32, alphabet edges, out-of-range calls, fixed
 * capacity, union, difference, iteration, reset; checked against the
 * naive model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

#include <selfseq/selfseq.h>
#include "naive.h"

static struct selfseq_db *new_db(uint32_t window, uint32_t alphabet)
{
	struct selfseq_db_opts opts = { .sz = sizeof(opts), .window = window, .alphabet = alphabet };
	struct selfseq_db *db = NULL;

	assert_int_equal(selfseq_db_new(&opts, &db), 0);
	return db;
}

/* Every cell of db equals the naive model, and the pair counts agree. */
static void assert_same(struct selfseq_db *db, struct naive *n)
{
	uint32_t a = n->alphabet;

	assert_int_equal(selfseq_db_get_pairs(db), naive_pairs(n));
	for (uint32_t c = 0; c < a; c++)
		for (uint32_t p = 0; p < a; p++) {
			uint32_t want = 0;

			for (uint32_t d = 1; d <= n->k; d++)
				want |= (uint32_t)*naive_at(n, c, p, d) << (d - 1);
			assert_int_equal(selfseq_db_get_distances(db, c, p), want);
		}
}

static void windows_match_naive(void **state)
{
	static const uint32_t windows[] = { 2, 5, 6, 9, 11, 16, 17, 32 };
	uint32_t t[3000];
	uint64_t seed = 1;
	(void)state;

	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct selfseq_db *db = new_db(windows[w], 64);
		struct naive *n = naive_new(windows[w], 64);

		naive_trace(&seed, t, 3000, 64, 40);
		assert_int_equal(selfseq_db_add(db, t, 3000), 0);
		naive_add(n, t, 3000);
		assert_same(db, n);
		assert_int_equal(selfseq_db_get_window(db), windows[w]);
		selfseq_db_free(db);
		naive_free(n);
	}
}

static void alphabet_edges(void **state)
{
	struct selfseq_db *db = new_db(6, 1024);
	uint32_t ok[] = { 0, 1023, 0, 1023, 512 };
	uint32_t bad[] = { 1, 2, 1024 };
	uint32_t huge[] = { 0xffffffffu };
	(void)state;

	assert_int_equal(selfseq_db_add(db, ok, 5), 0);
	assert_int_equal(selfseq_db_get_calls(db), 3);
	assert_int_equal(selfseq_db_get_distances(db, 1023, 0), 0x1 | 0x4);
	/* Rejected whole: nothing of the bad array is learned. */
	assert_int_equal(selfseq_db_add(db, bad, 3), -ERANGE);
	assert_int_equal(selfseq_db_get_calls(db), 3);
	assert_int_equal(selfseq_db_add(db, huge, 1), -ERANGE);
	assert_int_equal(selfseq_db_add_window(db, bad, 3), -ERANGE);
	assert_int_equal(selfseq_db_test_window(db, bad, 3), -ERANGE);
	assert_int_equal(selfseq_db_get_distances(db, 1024, 0), -ERANGE);
	assert_int_equal(selfseq_db_get_distances(db, 0, 0xffffffffu), -ERANGE);
	{
		struct selfseq_score s = { .sz = sizeof(s) };

		assert_int_equal(selfseq_db_score(db, bad, 3, NULL, &s), -ERANGE);
	}
	selfseq_db_free(db);
}

static void bad_options(void **state)
{
	struct selfseq_db_opts opts = { .sz = sizeof(opts) };
	struct selfseq_db *db;
	struct {
		struct selfseq_db_opts o;
		uint64_t future;
	} big = { .o = { .sz = sizeof(big) }, .future = 1 };
	(void)state;

	opts.window = 1;
	assert_int_equal(selfseq_db_new(&opts, &db), -EINVAL);
	opts.window = 33;
	assert_int_equal(selfseq_db_new(&opts, &db), -EINVAL);
	opts.window = 9;
	opts.alphabet = 1025;
	assert_int_equal(selfseq_db_new(&opts, &db), -EINVAL);
	opts.alphabet = 10;
	opts.capacity = 11;
	assert_int_equal(selfseq_db_new(&opts, &db), -EINVAL);
	opts.sz = 3;
	assert_int_equal(selfseq_db_new(&opts, &db), -EINVAL);
	/* A newer caller's struct: accepted only when its unknown tail is zero. */
	assert_int_equal(selfseq_db_new(&big.o, &db), -E2BIG);
	big.future = 0;
	assert_int_equal(selfseq_db_new(&big.o, &db), 0);
	assert_int_equal(selfseq_db_get_window(db), SELFSEQ_DEFAULT_WINDOW);
	selfseq_db_free(db);
	/* An older caller's struct, without capacity or allocator: defaults. */
	opts.sz = offsetof(struct selfseq_db_opts, capacity);
	opts.window = 5;
	opts.alphabet = 100;
	assert_int_equal(selfseq_db_new(&opts, &db), 0);
	assert_int_equal(selfseq_db_get_alphabet(db), 100);
	selfseq_db_free(db);
	selfseq_db_free(NULL);
}

static void window_add_and_test(void **state)
{
	struct selfseq_db *db = new_db(4, 16);
	uint32_t w[] = { 1, 2, 3, 4 };
	(void)state;

	assert_int_equal(selfseq_db_test_window(db, w, 4), 3);
	assert_int_equal(selfseq_db_add_window(db, w, 4), 0);
	assert_int_equal(selfseq_db_get_pairs(db), 3);
	assert_int_equal(selfseq_db_test_window(db, w, 4), 0);
	/* A shorter window only has the pairs it has. */
	assert_int_equal(selfseq_db_test_window(db, w + 2, 2), 0);
	assert_int_equal(selfseq_db_test_window(db, w + 3, 1), 0);
	assert_int_equal(selfseq_db_test_window(db, w, 5), -EINVAL);
	assert_int_equal(selfseq_db_test_window(db, w, 0), -EINVAL);
	/* (4, 1) at distance 3 known, at distance 2 not. */
	{
		uint32_t v[] = { 1, 9, 4 };

		assert_int_equal(selfseq_db_test_window(db, v, 3), 2);
	}
	selfseq_db_free(db);
}

static void fixed_capacity(void **state)
{
	struct selfseq_db_opts opts = { .sz = sizeof(opts), .window = 6, .alphabet = 100,
					.capacity = 3 };
	struct selfseq_db *db;
	uint32_t t[] = { 10, 20, 30, 10, 20, 40, 50 };
	size_t size;
	void *mem;
	(void)state;

	assert_int_equal(selfseq_db_size(&opts, &size), 0);
	mem = aligned_alloc(8, (size + 7) & ~(size_t)7);
	assert_int_equal(selfseq_db_init(mem, size - 1, &opts, &db), -ENOSPC);
	assert_int_equal(selfseq_db_init((char *)mem + 1, size, &opts, &db), -EINVAL);
	assert_int_equal(selfseq_db_init(mem, size, &opts, &db), 0);
	/* The first five fit; the fourth distinct call does not. */
	assert_int_equal(selfseq_db_add(db, t, 7), -ENOSPC);
	assert_int_equal(selfseq_db_get_calls(db), 3);
	assert_int_equal(selfseq_db_test_window(db, t, 5), 0);
	assert_int_equal(selfseq_db_get_memory(db), size);
	selfseq_db_free(db);	/* releases nothing */
	selfseq_db_reset(db);
	assert_int_equal(selfseq_db_get_pairs(db), 0);
	assert_int_equal(selfseq_db_get_calls(db), 0);
	free(mem);
}

static void merge_and_diff(void **state)
{
	uint32_t a_tr[500], b_tr[500];
	uint64_t seed = 7;
	struct selfseq_db *a = new_db(6, 200), *b = new_db(6, 200), *u = new_db(6, 200);
	struct selfseq_db *d = new_db(6, 200), *other = new_db(5, 200);
	struct naive *na = naive_new(6, 200), *nb = naive_new(6, 200), *nu = naive_new(6, 200);
	struct naive *nd = naive_new(6, 200);
	(void)state;

	naive_trace(&seed, a_tr, 500, 200, 30);
	naive_trace(&seed, b_tr, 500, 200, 50);
	selfseq_db_add(a, a_tr, 500);
	selfseq_db_add(b, b_tr, 500);
	naive_add(na, a_tr, 500);
	naive_add(nb, b_tr, 500);
	naive_add(nu, a_tr, 500);
	naive_add(nu, b_tr, 500);
	for (size_t i = 0; i < (size_t)200 * 200 * 5; i++)
		nd->bits[i] = na->bits[i] && !nb->bits[i];

	assert_int_equal(selfseq_db_merge(u, a), 0);
	assert_int_equal(selfseq_db_merge(u, b), 0);
	assert_same(u, nu);
	assert_int_equal(selfseq_db_merge(u, u), 0);	/* union with itself changes nothing */
	assert_same(u, nu);
	assert_int_equal(selfseq_db_diff(d, a, b), 0);
	assert_same(d, nd);
	/* Nothing of a is missing from the union. */
	assert_int_equal(selfseq_db_diff(d, a, u), 0);
	assert_int_equal(selfseq_db_get_pairs(d), 0);
	assert_int_equal(selfseq_db_merge(other, a), -EINVAL);
	assert_int_equal(selfseq_db_diff(other, a, b), -EINVAL);
	assert_int_equal(selfseq_db_diff(a, a, b), -EINVAL);

	selfseq_db_free(a);
	selfseq_db_free(b);
	selfseq_db_free(u);
	selfseq_db_free(d);
	selfseq_db_free(other);
	naive_free(na);
	naive_free(nb);
	naive_free(nu);
	naive_free(nd);
}

static void merge_into_full_fixed_db_changes_nothing(void **state)
{
	struct selfseq_db_opts opts = { .sz = sizeof(opts), .window = 4, .alphabet = 50,
					.capacity = 2 };
	uint32_t t1[] = { 1, 2, 1, 2 }, t2[] = { 3, 4, 3 };
	struct selfseq_db *fixed, *src = new_db(4, 50);
	size_t size;
	void *mem;
	(void)state;

	selfseq_db_size(&opts, &size);
	mem = aligned_alloc(8, (size + 7) & ~(size_t)7);
	assert_int_equal(selfseq_db_init(mem, size, &opts, &fixed), 0);
	assert_int_equal(selfseq_db_add(fixed, t1, 4), 0);
	assert_int_equal(selfseq_db_add(src, t2, 3), 0);
	assert_int_equal(selfseq_db_merge(fixed, src), -ENOSPC);
	assert_int_equal(selfseq_db_get_pairs(fixed), 5);
	assert_int_equal(selfseq_db_get_calls(fixed), 2);
	selfseq_db_free(src);
	free(mem);
}

static void iterate_pairs(void **state)
{
	struct selfseq_db *db = new_db(3, 40);
	uint32_t t[] = { 30, 5, 30, 7 };
	struct selfseq_pair p;
	uint64_t cur = 0;
	uint32_t seen = 0, last = 0;
	(void)state;

	selfseq_db_add(db, t, 4);
	/* Cells: (5,30):1 (30,5):1 (30,30):2 (7,30):1 (7,5):2 */
	while (selfseq_db_next_pair(db, &cur, &p) == 0) {
		uint32_t order = p.call * 40 + p.prev;

		assert_true(seen == 0 || order > last);
		last = order;
		seen += __builtin_popcount(p.distances);
		assert_int_equal(selfseq_db_get_distances(db, p.call, p.prev), p.distances);
	}
	assert_int_equal(seen, selfseq_db_get_pairs(db));
	assert_int_equal(seen, 5);
	assert_int_equal(selfseq_db_next_pair(db, &cur, &p), -ENOENT);
	cur = 0;
	assert_int_equal(selfseq_db_next_pair(db, &cur, &p), 0);
	assert_int_equal(p.call, 5);
	assert_int_equal(p.prev, 30);
	assert_int_equal(p.distances, 1);
	selfseq_db_free(db);
}

static void growth_keeps_pairs(void **state)
{
	/* Many distinct calls force the matrix to grow many times while training. */
	struct selfseq_db *db = new_db(9, 1024);
	struct naive *n = naive_new(9, 1024);
	static uint32_t t[20000];
	uint64_t seed = 3;
	(void)state;

	naive_trace(&seed, t, 20000, 1024, 1024);
	for (size_t off = 0; off < 20000; off += 5000)
		assert_int_equal(selfseq_db_add(db, t, off + 5000), 0);
	naive_add(n, t, 20000);
	assert_int_equal(selfseq_db_get_pairs(db), naive_pairs(n));
	selfseq_db_free(db);
	naive_free(n);
}

static void memory_is_compact(void **state)
{
	/* A program using 100 distinct calls at window 9: the 16 KiB budget. */
	struct selfseq_db *db = new_db(9, 1024);
	static uint32_t t[10000];
	(void)state;

	for (size_t i = 0; i < 10000; i++)
		t[i] = (uint32_t)((i * 37 + i / 100) % 100) * 4;
	assert_int_equal(selfseq_db_add(db, t, 10000), 0);
	assert_int_equal(selfseq_db_get_calls(db), 100);
	assert_true(selfseq_db_get_memory(db) <= 16 * 1024);
	selfseq_db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(windows_match_naive),
		cmocka_unit_test(alphabet_edges),
		cmocka_unit_test(bad_options),
		cmocka_unit_test(window_add_and_test),
		cmocka_unit_test(fixed_capacity),
		cmocka_unit_test(merge_and_diff),
		cmocka_unit_test(merge_into_full_fixed_db_changes_nothing),
		cmocka_unit_test(iterate_pairs),
		cmocka_unit_test(growth_keeps_pairs),
		cmocka_unit_test(memory_is_compact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
