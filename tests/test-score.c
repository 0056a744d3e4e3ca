/* SPDX-License-Identifier: MIT */
/*
 * Scorer: the maximum-mismatch formula, batch scores against the naive
 * model, the streaming scorer agreeing with the batch one, max LFC. Where
 * the CPU has AVX-512 every test runs twice, with the vector batch scorer
 * (libselfseq/score-vector.c) and with the scalar loop, and the two are
 * compared on random traces of every window and many lengths.
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
#include "core/internal.h"
#include "naive.h"

static struct selfseq_db *new_db(uint32_t window, uint32_t alphabet)
{
	struct selfseq_db_opts opts = { .sz = sizeof(opts), .window = window, .alphabet = alphabet };
	struct selfseq_db *db = NULL;

	assert_int_equal(selfseq_db_new(&opts, &db), 0);
	return db;
}

static void max_formula(void **state)
{
	(void)state;
	/* The paper: k(L - (k+1)/2); k = 3, L = 8 gives 18. */
	assert_int_equal(selfseq_max_mismatches(4, 8), 18);
	for (uint32_t w = 2; w <= 32; w++)
		for (uint64_t L = 0; L < 80; L++) {
			uint64_t k = w - 1, brute = 0;

			for (uint64_t i = 0; i < L; i++)
				brute += i < k ? i : k;
			assert_int_equal(selfseq_max_mismatches(w, L), brute);
			if (L >= k)	/* the closed form, times two to stay integral */
				assert_int_equal(2 * selfseq_max_mismatches(w, L), k * (2 * L - k - 1));
		}
	/* L < k: every pair of the short trace. */
	assert_int_equal(selfseq_max_mismatches(11, 4), 6);
	assert_int_equal(selfseq_max_mismatches(11, 1), 0);
	assert_int_equal(selfseq_max_mismatches(1, 100), 0);
	assert_int_equal(selfseq_max_mismatches(33, 100), 0);
}

/* Brute-force max LFC from per-call misses. */
static uint32_t brute_max_lfc(const uint8_t *misses, size_t n, uint32_t frame)
{
	uint32_t best = 0;

	for (size_t end = 0; end < n; end++) {
		uint32_t c = 0;

		for (size_t i = end + 1 > frame ? end + 1 - frame : 0; i <= end; i++)
			c += misses[i] != 0;
		if (c > best)
			best = c;
	}
	return best;
}

static void batch_matches_naive_and_stream(void **state)
{
	static const uint32_t windows[] = { 2, 3, 4, 5, 6, 8, 9, 10, 11, 13, 16, 17, 18, 32 };
	static uint32_t train[4000], test[3000];
	static uint8_t misses[3000];
	uint64_t seed = 11;
	(void)state;

	for (size_t wi = 0; wi < sizeof(windows) / sizeof(windows[0]); wi++) {
		uint32_t w = windows[wi];
		struct selfseq_db *db = new_db(w, 300);
		struct naive *n = naive_new(w, 300);
		struct selfseq_score_opts so = { .sz = sizeof(so), .misses = misses, .lfc_frame = 20 };
		struct selfseq_score bs = { .sz = sizeof(bs) }, ss = { .sz = sizeof(ss) };
		struct selfseq_stream_opts sto = { .sz = sizeof(sto), .window = w, .lfc_frame = 20 };
		struct selfseq_stream *st;
		uint64_t mism = 0, anom = 0;

		naive_trace(&seed, train, 4000, 300, 60);
		/* The test trace has calls the training never saw. */
		naive_trace(&seed, test, 3000, 300, 75);
		selfseq_db_add(db, train, 4000);
		naive_add(n, train, 4000);
		assert_int_equal(selfseq_db_score(db, test, 3000, &so, &bs), 0);
		for (size_t i = 0; i < 3000; i++) {
			uint32_t m = naive_misses_at(n, test, i);

			assert_int_equal(misses[i], m);
			mism += m;
			anom += m != 0;
		}
		assert_int_equal(bs.mismatches, mism);
		assert_true(mism > 0);
		assert_int_equal(bs.anomalous_calls, anom);
		assert_int_equal(bs.calls, 3000);
		assert_int_equal(bs.max_mismatches, selfseq_max_mismatches(w, 3000));
		assert_int_equal(bs.ppm, mism * 1000000 / bs.max_mismatches);
		assert_int_equal(bs.max_lfc, brute_max_lfc(misses, 3000, 20));
		/* Both LFC paths: frames the hot loop handles (<= 128) and larger ones. */
		for (uint32_t fi = 0; fi < 5; fi++) {
			static const uint32_t frames[] = { 1, 127, 128, 129, 700 };
			struct selfseq_score_opts fo = { .sz = sizeof(fo), .lfc_frame = frames[fi] };
			struct selfseq_score fs = { .sz = sizeof(fs) };

			assert_int_equal(selfseq_db_score(db, test, 3000, &fo, &fs), 0);
			assert_int_equal(fs.max_lfc, brute_max_lfc(misses, 3000, frames[fi]));
			assert_int_equal(fs.mismatches, mism);
		}

		assert_int_equal(selfseq_stream_new(&sto, &st), 0);
		for (size_t i = 0; i < 3000; i++)
			assert_int_equal(selfseq_stream_feed(st, db, test[i]), misses[i]);
		assert_int_equal(selfseq_stream_get_score(st, &ss), 0);
		assert_memory_equal(&ss, &bs, sizeof(ss));
		/* After a reset the stream starts a new trace. */
		selfseq_stream_reset(st);
		assert_int_equal(selfseq_stream_feed(st, db, test[0]), 0);
		selfseq_stream_free(st);
		selfseq_db_free(db);
		naive_free(n);
	}
}

static void stream_errors_and_placement(void **state)
{
	struct selfseq_stream_opts sto = { .sz = sizeof(sto), .window = 6 };
	struct selfseq_db *db6 = new_db(6, 10), *db5 = new_db(5, 10);
	struct selfseq_stream *st;
	uint64_t mem[64];
	size_t size;
	(void)state;

	assert_int_equal(selfseq_stream_size(&sto, &size), 0);
	assert_true(size <= sizeof(mem));
	assert_int_equal(selfseq_stream_init(mem, size - 1, &sto, &st), -ENOSPC);
	assert_int_equal(selfseq_stream_init(mem, sizeof(mem), &sto, &st), 0);
	assert_int_equal(selfseq_stream_feed(st, db5, 1), -EINVAL);
	assert_int_equal(selfseq_stream_feed(st, db6, 10), -ERANGE);
	assert_int_equal(selfseq_stream_feed(st, db6, 9), 0);
	assert_int_equal(selfseq_stream_feed(st, db6, 9), 1);
	selfseq_stream_free(st);	/* placed: nothing to release */
	sto.window = 40;
	assert_int_equal(selfseq_stream_new(&sto, &st), -EINVAL);
	sto.window = 6;
	sto.lfc_frame = SELFSEQ_LFC_FRAME_MAX + 1;
	assert_int_equal(selfseq_stream_new(&sto, &st), -EINVAL);
	selfseq_db_free(db5);
	selfseq_db_free(db6);
}

static void empty_and_short_traces(void **state)
{
	struct selfseq_db *db = new_db(11, 50);
	struct selfseq_score s = { .sz = sizeof(s) };
	uint32_t t[] = { 1, 2, 3 };
	(void)state;

	assert_int_equal(selfseq_db_score(db, NULL, 0, NULL, &s), 0);
	assert_int_equal(s.calls, 0);
	assert_int_equal(s.max_mismatches, 0);
	assert_int_equal(s.ppm, 0);
	/* Three calls against an empty database: all 3 pairs miss, 2 calls anomalous. */
	assert_int_equal(selfseq_db_score(db, t, 3, NULL, &s), 0);
	assert_int_equal(s.mismatches, 3);
	assert_int_equal(s.max_mismatches, 3);
	assert_int_equal(s.anomalous_calls, 2);
	assert_int_equal(s.ppm, 1000000);
	assert_int_equal(selfseq_db_score(db, NULL, 3, NULL, &s), -EINVAL);
	assert_int_equal(selfseq_db_score(db, t, 3, NULL, NULL), -EINVAL);
	selfseq_db_free(db);
}

static void older_score_struct(void **state)
{
	/* A caller built against a struct that ended after `calls` gets only that. */
	struct selfseq_db *db = new_db(4, 50);
	uint32_t t[] = { 1, 2, 3, 4, 5 };
	struct selfseq_score s;
	(void)state;

	memset(&s, 0xab, sizeof(s));
	s.sz = offsetof(struct selfseq_score, mismatches);
	assert_int_equal(selfseq_db_score(db, t, 5, NULL, &s), 0);
	assert_int_equal(s.calls, 5);
	assert_int_equal(s.mismatches, 0xababababababababull);
	selfseq_db_free(db);
}

static void many_traces_in_one_call(void **state)
{
	struct selfseq_db *db = new_db(6, 100);
	static uint32_t train[2000], all[3000];
	static uint8_t misses_many[3000], misses_one[3000];
	uint64_t ends[] = { 0, 1, 700, 700, 1500, 3000 };
	struct selfseq_score many[6], one = { .sz = sizeof(one) };
	struct selfseq_score_opts o = { .sz = sizeof(o), .lfc_frame = 128, .misses = misses_many };
	struct selfseq_score_opts o1 = { .sz = sizeof(o1), .lfc_frame = 128 };
	uint64_t seed = 21, start = 0;
	(void)state;

	naive_trace(&seed, train, 2000, 100, 20);
	naive_trace(&seed, all, 3000, 100, 25);
	selfseq_db_add(db, train, 2000);
	memset(many, 0, sizeof(many));
	many[0].sz = sizeof(many[0]);
	assert_int_equal(selfseq_db_score_many(db, all, ends, 6, &o, many), 0);
	for (int i = 0; i < 6; start = ends[i++]) {
		o1.misses = misses_one + start;
		assert_int_equal(selfseq_db_score(db, all + start, ends[i] - start, &o1, &one), 0);
		assert_int_equal(many[i].sz, sizeof(many[i]));
		assert_memory_equal(&many[i], &one, sizeof(one));
	}
	assert_memory_equal(misses_many, misses_one, 3000);
	assert_true(many[5].mismatches > 0);
	/* Empty traces score as empty; descending ends and bad calls are refused. */
	assert_int_equal(many[0].calls, 0);
	assert_int_equal(many[3].calls, 0);
	ends[2] = 1600;
	assert_int_equal(selfseq_db_score_many(db, all, ends, 6, &o, many), -EINVAL);
	ends[2] = 700;
	all[2999] = 100;
	assert_int_equal(selfseq_db_score_many(db, all, ends, 6, &o, many), -ERANGE);
	assert_int_equal(selfseq_db_score_many(db, all, ends, 0, &o, NULL), 0);
	selfseq_db_free(db);
}

#ifdef SS_VECTOR_SCORE
/* The scorer the group of tests running now uses (main() runs them with each). */
static int group_vector;

/* Score @calls with the vector scorer (@vector = 1) or the scalar loop. */
static int score_with(int vector, const struct selfseq_db *db, const uint32_t *calls, size_t n,
		      const struct selfseq_score_opts *o, struct selfseq_score *s)
{
	int err;

	selfseq__score_vector_set(vector);
	err = selfseq_db_score(db, calls, n, o, s);
	selfseq__score_vector_set(group_vector);
	return err;
}
#endif

static void vector_matches_scalar(void **state)
{
#ifdef SS_VECTOR_SCORE
	static const size_t lengths[] = { 0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 500, 511, 512, 513,
					  1024, 1025, 3000 };
	static const uint32_t frames[] = { 0, 1, 5, 128, 129 };
	static uint32_t train[5000], test[3000];
	static uint8_t mv[3000], ms[3000];
	uint64_t seed = 99;
	(void)state;

	if (!selfseq__score_vector_set(1))
		skip();
	selfseq__score_vector_set(group_vector);
	for (uint32_t w = 2; w <= 32; w++) {
		struct selfseq_db *db = new_db(w, 400);

		naive_trace(&seed, train, 5000, 300, 60);
		naive_trace(&seed, test, 3000, 400, 75);
		assert_true(selfseq_db_add(db, train, 5000) >= 0);
		for (size_t li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++) {
			size_t n = lengths[li];
			const uint32_t *t = test + (3000 - n) / 2;

			for (size_t fi = 0; fi < sizeof(frames) / sizeof(frames[0]); fi++) {
				struct selfseq_score_opts o = { .sz = sizeof(o), .lfc_frame = frames[fi] };
				struct selfseq_score sv = { .sz = sizeof(sv) }, ss = { .sz = sizeof(ss) };

				assert_int_equal(score_with(1, db, t, n, &o, &sv), 0);
				assert_int_equal(score_with(0, db, t, n, &o, &ss), 0);
				assert_memory_equal(&sv, &ss, sizeof(sv));
				memset(mv, 0xee, sizeof(mv));
				memset(ms, 0xee, sizeof(ms));
				o.misses = mv;
				assert_int_equal(score_with(1, db, t, n, &o, &sv), 0);
				o.misses = ms;
				assert_int_equal(score_with(0, db, t, n, &o, &ss), 0);
				assert_memory_equal(&sv, &ss, sizeof(sv));
				assert_memory_equal(mv, ms, sizeof(mv));
			}
		}
		selfseq_db_free(db);
	}
#else
	(void)state;
	skip();
#endif
}

/* A call outside the alphabet anywhere in a long trace: -ERANGE, and nothing written. */
static void bad_call_anywhere(void **state)
{
	static const size_t at[] = { 0, 15, 16, 100, 511, 512, 600, 2999 };
	static uint32_t train[2000], test[3000];
	static uint8_t misses[3000];
	struct selfseq_db *db = new_db(9, 200);
	uint64_t seed = 5;
	(void)state;

	naive_trace(&seed, train, 2000, 200, 40);
	naive_trace(&seed, test, 3000, 200, 40);
	assert_true(selfseq_db_add(db, train, 2000) >= 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		struct selfseq_score_opts o = { .sz = sizeof(o), .lfc_frame = 128 };
		struct selfseq_score s, before;
		uint32_t keep = test[at[i]];

		test[at[i]] = i % 2 ? 200 : 0xffffffffu;
		memset(&s, 0xab, sizeof(s));
		s.sz = sizeof(s);
		before = s;
		assert_int_equal(selfseq_db_score(db, test, 3000, &o, &s), -ERANGE);
		assert_memory_equal(&s, &before, sizeof(s));
		memset(misses, 0xcd, sizeof(misses));
		o.misses = misses;
		assert_int_equal(selfseq_db_score(db, test, 3000, &o, &s), -ERANGE);
		assert_memory_equal(&s, &before, sizeof(s));
		for (size_t j = 0; j < 3000; j++)
			assert_int_equal(misses[j], 0xcd);
		test[at[i]] = keep;
		assert_int_equal(selfseq_db_score(db, test, 3000, &o, &s), 0);
	}
	selfseq_db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(max_formula),
		cmocka_unit_test(batch_matches_naive_and_stream),
		cmocka_unit_test(stream_errors_and_placement),
		cmocka_unit_test(empty_and_short_traces),
		cmocka_unit_test(older_score_struct),
		cmocka_unit_test(many_traces_in_one_call),
		cmocka_unit_test(vector_matches_scalar),
		cmocka_unit_test(bad_call_anywhere),
	};
	int failed = 0;

#ifdef SS_VECTOR_SCORE
	if (selfseq__score_vector_set(1)) {
		print_message("batch scorer: AVX-512\n");
		group_vector = 1;
		failed += cmocka_run_group_tests_name("vector", tests, NULL, NULL);
	} else {
		print_message("no AVX-512 here: the scalar batch scorer only\n");
	}
	group_vector = selfseq__score_vector_set(0);
	failed += cmocka_run_group_tests_name("scalar", tests, NULL, NULL);
#else
	failed = cmocka_run_group_tests(tests, NULL, NULL);
#endif
	return failed;
}
