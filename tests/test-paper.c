/* SPDX-License-Identifier: MIT */
/*
 * The worked example of Forrest et al. 1996, verbatim: k = 3, database from
 * "open read mmap mmap open getrlimit mmap close", scoring "open read mmap
 * open open getrlimit mmap close" gives 4 mismatches of at most 18 (22%).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <selfseq/selfseq.h>

/* i386 numbers, as ADFA-LD uses; any distinct numbers would do. */
enum { OPEN = 5, READ = 3, MMAP = 90, GETRLIMIT = 76, CLOSE = 6 };

static const uint32_t normal[] = { OPEN, READ, MMAP, MMAP, OPEN, GETRLIMIT, MMAP, CLOSE };
static const uint32_t test[] = { OPEN, READ, MMAP, OPEN, OPEN, GETRLIMIT, MMAP, CLOSE };

static void paper_example(void **state)
{
	struct selfseq_db_opts opts = { .sz = sizeof(opts), .window = 4, .alphabet = 512 };
	struct selfseq_score score = { .sz = sizeof(score) };
	uint8_t misses[8];
	struct selfseq_score_opts sopts = { .sz = sizeof(sopts), .misses = misses };
	struct selfseq_db *db;
	(void)state;

	assert_int_equal(selfseq_db_new(&opts, &db), 0);
	assert_int_equal(selfseq_db_add(db, normal, 8), 0);
	assert_int_equal(selfseq_db_score(db, test, 8, &sopts, &score), 0);
	assert_int_equal(score.calls, 8);
	assert_int_equal(score.mismatches, 4);
	assert_int_equal(score.max_mismatches, 18);
	assert_int_equal(score.ppm / 10000, 22);	/* 22.2% */
	/* The misplaced "open" (position 3) misses 2 pairs, the next two calls 1 each. */
	assert_int_equal(misses[0] + misses[1] + misses[2], 0);
	assert_int_equal(misses[3], 2);
	assert_int_equal(misses[4], 1);
	assert_int_equal(misses[5], 1);
	assert_int_equal(misses[6] + misses[7], 0);
	assert_int_equal(score.anomalous_calls, 3);
	selfseq_db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paper_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
