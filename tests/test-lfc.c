/* SPDX-License-Identifier: MIT */
/*
 * Locality frame counter: pH's ring semantics, maximum, reset, frames
 * that are not a multiple of 64, placement in caller memory.
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

static void counts_last_frame_calls(void **state)
{
	static const uint32_t frames[] = { 1, 4, 63, 64, 65, 128, 1000 };
	(void)state;

	for (size_t f = 0; f < sizeof(frames) / sizeof(frames[0]); f++) {
		uint32_t frame = frames[f], max = 0;
		struct selfseq_lfc *lfc;
		uint8_t flags[5000];
		uint64_t seed = 5;

		assert_int_equal(selfseq_lfc_new(frame, NULL, &lfc), 0);
		assert_int_equal(selfseq_lfc_get_frame(lfc), frame);
		for (size_t i = 0; i < 5000; i++) {
			uint32_t want = 0;

			seed = seed * 6364136223846793005ull + 1;
			/* bursts: anomalies cluster, like attacks */
			flags[i] = ((seed >> 40) % 7 == 0) || (i % 700 < 30);
			for (size_t j = i + 1 > frame ? i + 1 - frame : 0; j <= i; j++)
				want += flags[j];
			if (want > max)
				max = want;
			assert_int_equal(selfseq_lfc_add(lfc, flags[i]), want);
			assert_int_equal(selfseq_lfc_get(lfc), want);
			assert_int_equal(selfseq_lfc_get_max(lfc), max);
		}
		selfseq_lfc_reset(lfc);
		assert_int_equal(selfseq_lfc_get(lfc), 0);
		assert_int_equal(selfseq_lfc_get_max(lfc), 0);
		assert_int_equal(selfseq_lfc_add(lfc, 1), 1);
		selfseq_lfc_free(lfc);
	}
}

static void default_frame_and_limits(void **state)
{
	struct selfseq_lfc *lfc;
	uint64_t mem[8];
	size_t size;
	(void)state;

	assert_int_equal(selfseq_lfc_size(0, &size), 0);
	assert_int_equal(selfseq_lfc_size(SELFSEQ_LFC_FRAME_MAX + 1, &size), -EINVAL);
	assert_int_equal(selfseq_lfc_new(SELFSEQ_LFC_FRAME_MAX + 1, NULL, &lfc), -EINVAL);
	assert_int_equal(selfseq_lfc_init(mem, sizeof(mem), 0, &lfc), -ENOSPC);
	{
		uint64_t big[64];

		assert_int_equal(selfseq_lfc_init(big, sizeof(big), 0, &lfc), 0);
		assert_int_equal(selfseq_lfc_get_frame(lfc), SELFSEQ_DEFAULT_LFC_FRAME);
		/* 130 anomalies: the count saturates at the frame. */
		for (int i = 0; i < 130; i++)
			selfseq_lfc_add(lfc, 1);
		assert_int_equal(selfseq_lfc_get(lfc), 128);
		selfseq_lfc_free(lfc);	/* placed: releases nothing */
	}
	selfseq_lfc_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_last_frame_calls),
		cmocka_unit_test(default_frame_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
