/* SPDX-License-Identifier: MIT */
/*
 * Medium-term statistics: time-of-week slots across week boundaries in UTC,
 * geometric ageing weights, classification thresholds, counter series, and
 * a state file that survives round trips and reports every truncation, bit
 * flip and crafted field as an error instead of crashing.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>
#include <xxhash.h>

#include <selfseq/selfseq-stats.h>

/* 2024-01-01 00:00:00 UTC, a Monday. */
#define MON_2024 1704067200LL
#define DAY 86400LL
#define WEEK 604800LL
#define M SELFSEQ_STATS_MICRO

static struct selfseq_stats *new_stats(uint32_t slot, uint32_t ageing_ppm)
{
	struct selfseq_stats_opts o = { .sz = sizeof(o), .slot_seconds = slot,
					 .ageing_ppm = ageing_ppm };
	struct selfseq_stats *s;

	assert_int_equal(selfseq_stats_new(&o, &s), 0);
	return s;
}

static void slot_of(struct selfseq_stats *s, int64_t t, uint32_t want_slot, int64_t want_week)
{
	uint32_t slot = 99999;
	int64_t week = 99999;

	assert_int_equal(selfseq_stats_get_slot_index(s, t, &slot, &week), 0);
	assert_int_equal(slot, want_slot);
	assert_int_equal(week, want_week);
}

static void slots_across_week_boundaries(void **state)
{
	struct selfseq_stats *s = new_stats(0, 0);
	int64_t w2024 = (MON_2024 + 3 * DAY) / WEEK;
	(void)state;

	/* The epoch was a Thursday: week 0 began on Monday 1969-12-29. */
	slot_of(s, 0, 3 * 288, 0);
	slot_of(s, -1, 3 * 288 - 1, 0);
	slot_of(s, -3 * DAY, 0, 0);
	slot_of(s, -3 * DAY - 1, 2015, -1);
	slot_of(s, 4 * DAY - 1, 2015, 0);
	slot_of(s, 4 * DAY, 0, 1);
	/* Monday 00:00 UTC is slot 0; Sunday 23:59:59 the last slot of the same week. */
	slot_of(s, MON_2024, 0, w2024);
	slot_of(s, MON_2024 + 299, 0, w2024);
	slot_of(s, MON_2024 + 300, 1, w2024);
	slot_of(s, MON_2024 + WEEK - 1, 2015, w2024);
	slot_of(s, MON_2024 + WEEK, 0, w2024 + 1);
	slot_of(s, MON_2024 + 2 * DAY + 13 * 3600 + 7 * 60, 2 * 288 + 13 * 12 + 1, w2024);
	/*
	 * 2024-03-31 01:30 UTC is a European DST change; UTC has none:
	 * Sunday 01:30 is slot 6*288 + 18 whatever the local clock does.
	 */
	slot_of(s, 1711848600, 6 * 288 + 18, w2024 + 12);
	assert_int_equal(selfseq_stats_get_slot_index(s, (int64_t)1 << 62, NULL, NULL), -EINVAL);
	selfseq_stats_free(s);

	s = new_stats(3600, 0);
	slot_of(s, MON_2024 + WEEK - 1, 167, w2024);
	slot_of(s, MON_2024 + 3600, 1, w2024);
	selfseq_stats_free(s);
}

static void options_checked(void **state)
{
	static const uint32_t bad_slots[] = { 59, 301, 7 * 86400 + 1, 1209600 };
	struct selfseq_stats_opts o = { .sz = sizeof(o) }, got = { .sz = sizeof(got) };
	struct selfseq_stats *s;
	(void)state;

	for (size_t i = 0; i < sizeof(bad_slots) / sizeof(bad_slots[0]); i++) {
		o.slot_seconds = bad_slots[i];
		assert_int_equal(selfseq_stats_new(&o, &s), -EINVAL);
	}
	o.slot_seconds = 0;
	o.ageing_ppm = M + 1;
	assert_int_equal(selfseq_stats_new(&o, &s), -EINVAL);
	o.ageing_ppm = 0;
	o.max_series = SELFSEQ_STATS_MAX_SERIES + 1;
	assert_int_equal(selfseq_stats_new(&o, &s), -EINVAL);

	assert_int_equal(selfseq_stats_new(NULL, &s), 0);
	assert_int_equal(selfseq_stats_get_opts(s, &got), 0);
	assert_int_equal(got.slot_seconds, 300);
	assert_int_equal(got.ageing_ppm, SELFSEQ_STATS_DEFAULT_AGEING_PPM);
	assert_int_equal(got.sigma_floor_micro, M);
	assert_int_equal(got.min_weight_micro, M);
	assert_int_equal(got.max_series, 256);
	selfseq_stats_free(s);

	/* A larger struct from a newer caller: accepted only with a zero tail. */
	{
		struct { struct selfseq_stats_opts o; uint64_t extra; } big;

		memset(&big, 0, sizeof(big));
		big.o.sz = sizeof(big);
		assert_int_equal(selfseq_stats_new(&big.o, &s), 0);
		selfseq_stats_free(s);
		big.extra = 1;
		assert_int_equal(selfseq_stats_new(&big.o, &s), -EINVAL);
	}
	selfseq_stats_free(NULL);
}

static void slot_model(struct selfseq_stats *s, const char *series, int64_t t, double *mean,
		       double *sigma, double *weight)
{
	struct selfseq_stats_slot info = { .sz = sizeof(info) };
	uint32_t slot;

	assert_int_equal(selfseq_stats_get_slot_index(s, t, &slot, NULL), 0);
	assert_int_equal(selfseq_stats_get_slot(s, series, slot, &info), 0);
	*mean = (double)info.mean_micro / M;
	*sigma = (double)info.sigma_micro / M;
	*weight = (double)info.weight_micro / M;
}

static void ageing_weights(void **state)
{
	struct selfseq_stats *s = new_stats(0, 500000);
	double mean, sigma, weight;
	int64_t t = MON_2024 + 10 * 3600;
	(void)state;

	/* 10 last week and 20 this week: weights 0.5 and 1. */
	assert_int_equal(selfseq_stats_add(s, "x", t, 10, NULL), 0);
	assert_int_equal(selfseq_stats_add(s, "x", t + WEEK, 20, NULL), 0);
	slot_model(s, "x", t, &mean, &sigma, &weight);
	assert_true(fabs(weight - 1.5) < 1e-6);
	assert_true(fabs(mean - (0.5 * 10 + 20) / 1.5) < 1e-6);
	assert_true(fabs(sigma - sqrt((0.5 * pow(10 - mean, 2) + pow(20 - mean, 2)) / 1.5)) < 1e-5);

	/* Two weeks later: the 10 weighs 0.125, the 20 0.25. */
	assert_int_equal(selfseq_stats_add(s, "x", t + 3 * WEEK, 40, NULL), 0);
	slot_model(s, "x", t, &mean, &sigma, &weight);
	assert_true(fabs(weight - 1.375) < 1e-6);
	assert_true(fabs(mean - (0.125 * 10 + 0.25 * 20 + 40) / 1.375) < 1e-6);

	/* Values of the same week weigh the same; an older week counts as the latest. */
	assert_int_equal(selfseq_stats_add(s, "y", t, 4, NULL), 0);
	assert_int_equal(selfseq_stats_add(s, "y", t + 60, 8, NULL), 0);
	assert_int_equal(selfseq_stats_add(s, "y", t - WEEK, 12, NULL), 0);
	slot_model(s, "y", t, &mean, &sigma, &weight);
	assert_true(fabs(weight - 3) < 1e-6);
	assert_true(fabs(mean - 8) < 1e-6);
	assert_true(fabs(sigma - sqrt(32.0 / 3)) < 1e-5);
	/* Other slots are untouched. */
	slot_model(s, "y", t + 300, &mean, &sigma, &weight);
	assert_true(weight == 0);
	selfseq_stats_free(s);

	/* ageing 1.0: the plain mean of all weeks. */
	s = new_stats(0, M);
	for (int w = 0; w < 10; w++)
		assert_int_equal(selfseq_stats_add(s, "z", t + w * WEEK, w, NULL), 0);
	slot_model(s, "z", t, &mean, &sigma, &weight);
	assert_true(fabs(weight - 10) < 1e-6 && fabs(mean - 4.5) < 1e-6);
	assert_true(fabs(sigma - sqrt(8.25)) < 1e-5);
	selfseq_stats_free(s);

	/* The default 0.7 forgets a year-old week almost entirely. */
	s = new_stats(0, 0);
	assert_int_equal(selfseq_stats_add(s, "z", t, 1000, NULL), 0);
	assert_int_equal(selfseq_stats_add(s, "z", t + 52 * WEEK, 0, NULL), 0);
	slot_model(s, "z", t, &mean, &sigma, &weight);
	assert_true(mean < 1e-4 && fabs(weight - 1) < 1e-6);
	selfseq_stats_free(s);
}

static void classify(struct selfseq_stats *s, const char *series, int64_t t, int64_t v,
		     uint32_t level, int32_t direction)
{
	struct selfseq_stats_class c = { .sz = sizeof(c) };

	assert_int_equal(selfseq_stats_test(s, series, t, v, &c), 0);
	if (c.level != level || c.direction != direction)
		fail_msg("value %lld: level %u direction %d, expected %u %d (dev %lld)",
			 (long long)v, c.level, c.direction, level, direction,
			 (long long)c.dev_micro);
}

static void thresholds(void **state)
{
	struct selfseq_stats *s = new_stats(0, 0);
	struct selfseq_stats_class c = { .sz = sizeof(c) };
	int64_t t = MON_2024 + 5 * DAY + 42;
	(void)state;

	assert_int_equal(selfseq_stats_test(s, "none", t, 1, &c), -ENOENT);
	/* First value: no history yet, so nothing to judge. */
	assert_int_equal(selfseq_stats_add(s, "a", t, 10, &c), 0);
	assert_int_equal(c.level, SELFSEQ_STATS_UNKNOWN);
	assert_int_equal(c.weight_micro, 0);
	classify(s, "a", t + 300, 50, SELFSEQ_STATS_UNKNOWN, 0);

	/* Mean 10, variance 0, floor 1: dev = value - 10, boundaries inclusive below. */
	assert_int_equal(selfseq_stats_add(s, "a", t, 10, NULL), 0);
	classify(s, "a", t, 10, SELFSEQ_STATS_NORMAL, 0);
	classify(s, "a", t, 11, SELFSEQ_STATS_NORMAL, 1);
	classify(s, "a", t, 12, SELFSEQ_STATS_DEV1, 1);
	classify(s, "a", t, 13, SELFSEQ_STATS_DEV2, 1);
	classify(s, "a", t, 14, SELFSEQ_STATS_ANOMALOUS, 1);
	classify(s, "a", t, 9, SELFSEQ_STATS_NORMAL, -1);
	classify(s, "a", t, 8, SELFSEQ_STATS_DEV1, -1);
	classify(s, "a", t, 7, SELFSEQ_STATS_DEV2, -1);
	classify(s, "a", t, 6, SELFSEQ_STATS_ANOMALOUS, -1);
	assert_int_equal(selfseq_stats_test(s, "a", t, 14, &c), 0);
	assert_int_equal(c.mean_micro, 10 * M);
	assert_int_equal(c.sigma_micro, 0);
	assert_int_equal(c.dev_micro, 4 * M);
	assert_int_equal(c.weight_micro, 2 * M);
	assert_int_equal(c.value, 14);
	assert_int_equal(c.time_s, t - 42);

	/* Mean 10, variance 4 (8 and 12): sigma_eff = sqrt(5) = 2.236. */
	assert_int_equal(selfseq_stats_add(s, "b", t, 8, NULL), 0);
	assert_int_equal(selfseq_stats_add(s, "b", t, 12, &c), 0);
	assert_int_equal(c.level, SELFSEQ_STATS_ANOMALOUS);	/* 12 vs the single 8: dev 4/1 */
	classify(s, "b", t, 12, SELFSEQ_STATS_NORMAL, 1);	/* 0.89 */
	classify(s, "b", t, 15, SELFSEQ_STATS_DEV2, 1);	/* 2.24 */
	classify(s, "b", t, 16, SELFSEQ_STATS_DEV2, 1);	/* 2.68 */
	classify(s, "b", t, 17, SELFSEQ_STATS_ANOMALOUS, 1);	/* 3.13 */
	classify(s, "b", t, 3, SELFSEQ_STATS_ANOMALOUS, -1);
	assert_int_equal(selfseq_stats_test(s, "b", t, 17, &c), 0);
	assert_int_equal(c.sigma_micro, 2 * M);
	assert_true(llabs(c.dev_micro - (int64_t)llround(7 / sqrt(5.0) * M)) <= 1);
	assert_int_equal(selfseq_stats_get_last(s, "b", &c), 0);
	assert_int_equal(c.value, 12);
	selfseq_stats_free(s);

	/* A bigger floor and a minimum history weight. */
	{
		struct selfseq_stats_opts o = { .sz = sizeof(o), .sigma_floor_micro = 2 * M,
						 .min_weight_micro = 3 * M };

		assert_int_equal(selfseq_stats_new(&o, &s), 0);
		assert_int_equal(selfseq_stats_add(s, "a", t, 10, NULL), 0);
		assert_int_equal(selfseq_stats_add(s, "a", t, 10, NULL), 0);
		classify(s, "a", t, 100, SELFSEQ_STATS_UNKNOWN, 0);
		assert_int_equal(selfseq_stats_add(s, "a", t, 10, NULL), 0);
		classify(s, "a", t, 14, SELFSEQ_STATS_DEV1, 1);	/* 4 / 2 */
		classify(s, "a", t, 17, SELFSEQ_STATS_ANOMALOUS, 1);
		selfseq_stats_free(s);
	}

	/* A smaller result struct of an older caller gets only what fits. */
	s = new_stats(0, 0);
	assert_int_equal(selfseq_stats_add(s, "a", t, 1, NULL), 0);
	{
		struct selfseq_stats_class small;

		memset(&small, 0x55, sizeof(small));
		small.sz = offsetof(struct selfseq_stats_class, mean_micro);
		assert_int_equal(selfseq_stats_test(s, "a", t, 7, &small), 0);
		assert_int_equal(small.value, 7);
		assert_int_equal(small.mean_micro, 0x5555555555555555LL);
	}
	selfseq_stats_free(s);
}

static void names_and_limits(void **state)
{
	struct selfseq_stats_opts o = { .sz = sizeof(o), .max_series = 2 };
	struct selfseq_stats *s;
	const char *name;
	char longname[SELFSEQ_STATS_NAME_MAX + 2];
	uint64_t v;
	(void)state;

	assert_int_equal(selfseq_stats_new(&o, &s), 0);
	assert_int_equal(selfseq_stats_add(s, "", 0, 1, NULL), -EINVAL);
	assert_int_equal(selfseq_stats_add(s, "a b", 0, 1, NULL), -EINVAL);
	assert_int_equal(selfseq_stats_add(s, "a,b", 0, 1, NULL), -EINVAL);
	memset(longname, 'x', sizeof(longname));
	longname[SELFSEQ_STATS_NAME_MAX + 1] = 0;
	assert_int_equal(selfseq_stats_add(s, longname, 0, 1, NULL), -EINVAL);
	longname[SELFSEQ_STATS_NAME_MAX] = 0;
	assert_int_equal(selfseq_stats_add(s, longname, 0, 1, NULL), 0);
	assert_int_equal(selfseq_stats_add(s, "anomalies:/usr/bin/ls", 0, 1, NULL), 0);
	assert_int_equal(selfseq_stats_add(s, "third", 0, 1, NULL), -ENOSPC);
	assert_int_equal(selfseq_stats_get_series(s, 0, &name), 0);
	assert_string_equal(name, "anomalies:/usr/bin/ls");
	assert_int_equal(selfseq_stats_get_series(s, 1, &name), 0);
	assert_string_equal(name, longname);
	assert_int_equal(selfseq_stats_get_series(s, 2, &name), -ENOENT);

	assert_int_equal(selfseq_stats_get_cursor(s, "off", &v), -ENOENT);
	assert_int_equal(selfseq_stats_set_cursor(s, "off", 5), 0);
	assert_int_equal(selfseq_stats_set_cursor(s, "off", 7), 0);
	assert_int_equal(selfseq_stats_get_cursor(s, "off", &v), 0);
	assert_int_equal(v, 7);
	for (unsigned i = 1; i < SELFSEQ_STATS_MAX_CURSORS; i++) {
		char n[16];

		snprintf(n, sizeof(n), "c%u", i);
		assert_int_equal(selfseq_stats_set_cursor(s, n, i), 0);
	}
	assert_int_equal(selfseq_stats_set_cursor(s, "one-more", 1), -ENOSPC);
	selfseq_stats_free(s);
}

static void counters(void **state)
{
	struct selfseq_stats *s = new_stats(0, 0);
	struct selfseq_stats_class c = { .sz = sizeof(c) };
	struct selfseq_stats_slot info = { .sz = sizeof(info) };
	int64_t t = MON_2024 + 7 * 300;	/* slot 7 */
	(void)state;

	assert_int_equal(selfseq_stats_feed(s, "n", t + 10, 2), 0);
	assert_int_equal(selfseq_stats_feed(s, "n", t + 290, 3), 0);
	assert_int_equal(selfseq_stats_feed(s, "n", t, -1), -EINVAL);
	assert_int_equal(selfseq_stats_get_last(s, "n", &c), -ENOENT);
	assert_int_equal(selfseq_stats_get_current(s, "n", &c), 0);
	assert_int_equal(c.value, 5);
	assert_int_equal(c.slot, 7);
	assert_int_equal(c.level, SELFSEQ_STATS_UNKNOWN);
	/* An event three slots later finishes slot 7 (5) and the empty 8 and 9 (0). */
	assert_int_equal(selfseq_stats_feed(s, "n", t + 3 * 300 + 1, 1), 0);
	assert_int_equal(selfseq_stats_get_last(s, "n", &c), 0);
	assert_int_equal(c.slot, 9);
	assert_int_equal(c.value, 0);
	assert_int_equal(c.time_s, t + 2 * 300);
	for (uint32_t k = 6; k <= 10; k++) {
		assert_int_equal(selfseq_stats_get_slot(s, "n", k, &info), 0);
		assert_int_equal(info.weight_micro, (k >= 7 && k <= 9) ? M : 0);
		assert_int_equal(info.mean_micro, k == 7 ? 5 * M : 0);
	}
	/* A late event counts in the slot being summed. */
	assert_int_equal(selfseq_stats_feed(s, "n", t, 1), 0);
	assert_int_equal(selfseq_stats_get_current(s, "n", &c), 0);
	assert_int_equal(c.value, 2);
	assert_int_equal(c.slot, 10);
	/* The clock finishes slots without events; the end of a slot is exclusive. */
	assert_int_equal(selfseq_stats_set_time(s, t + 4 * 300 - 1), 0);
	assert_int_equal(selfseq_stats_get_slot(s, "n", 10, &info), 0);
	assert_int_equal(info.weight_micro, 0);
	assert_int_equal(selfseq_stats_set_time(s, t + 4 * 300), 0);
	assert_int_equal(selfseq_stats_get_slot(s, "n", 10, &info), 0);
	assert_int_equal(info.weight_micro, M);
	assert_int_equal(info.mean_micro, 2 * M);

	/* Next week, slot 7 again: 5 last week (0.7), the same now: normal; 30 would be anomalous. */
	assert_int_equal(selfseq_stats_set_time(s, t + WEEK), 0);
	assert_int_equal(selfseq_stats_feed(s, "n", t + WEEK + 5, 30), 0);
	assert_int_equal(selfseq_stats_get_current(s, "n", &c), 0);
	assert_int_equal(c.level, SELFSEQ_STATS_ANOMALOUS);
	assert_int_equal(c.direction, 1);
	assert_int_equal(c.mean_micro, 5 * M);
	assert_int_equal(selfseq_stats_set_time(s, t + WEEK + 300), 0);
	assert_int_equal(selfseq_stats_get_last(s, "n", &c), 0);
	assert_int_equal(c.slot, 7);
	assert_int_equal(c.value, 30);
	assert_int_equal(c.level, SELFSEQ_STATS_ANOMALOUS);
	assert_int_equal(selfseq_stats_get_slot(s, "n", 7, &info), 0);
	assert_int_equal(info.weight_micro, 1700000);

	/* Months without the clock: only the last week of empty slots is filled. */
	assert_int_equal(selfseq_stats_set_time(s, t + 20 * WEEK + 300), 0);
	assert_int_equal(selfseq_stats_get_slot(s, "n", 7, &info), 0);
	assert_int_equal(info.week, (t + 20 * WEEK + 3 * DAY) / WEEK);
	assert_true(info.mean_micro < M / 10);
	/* Gauges are not counters. */
	assert_int_equal(selfseq_stats_add(s, "g", t, 3, NULL), 0);
	assert_int_equal(selfseq_stats_get_current(s, "g", &c), -ENOENT);
	selfseq_stats_free(s);
}

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/selfseq-stats-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];
	(void)state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct selfseq_stats *sample(void)
{
	struct selfseq_stats *s = new_stats(0, 0);

	for (int w = 0; w < 3; w++)
		for (int k = 0; k < 5; k++)
			assert_int_equal(selfseq_stats_add(s, "gauge", MON_2024 + w * WEEK + k * 300,
							   w * 3 + k, NULL), 0);
	assert_int_equal(selfseq_stats_feed(s, "count", MON_2024 + 20, 4), 0);
	assert_int_equal(selfseq_stats_feed(s, "count", MON_2024 + 700, 1), 0);
	assert_int_equal(selfseq_stats_set_cursor(s, "offset", 123456789), 0);
	return s;
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void same_class(const struct selfseq_stats_class *a, const struct selfseq_stats_class *b)
{
	assert_int_equal(a->time_s, b->time_s);
	assert_int_equal(a->value, b->value);
	assert_int_equal(a->mean_micro, b->mean_micro);
	assert_int_equal(a->sigma_micro, b->sigma_micro);
	assert_int_equal(a->dev_micro, b->dev_micro);
	assert_int_equal(a->weight_micro, b->weight_micro);
	assert_int_equal(a->level, b->level);
	assert_int_equal(a->direction, b->direction);
	assert_int_equal(a->slot, b->slot);
}

static void same_stats(struct selfseq_stats *a, struct selfseq_stats *b)
{
	struct selfseq_stats_class ca = { .sz = sizeof(ca) }, cb = { .sz = sizeof(cb) };
	const char *na, *nb;
	uint32_t i;

	for (i = 0; selfseq_stats_get_series(a, i, &na) == 0; i++) {
		assert_int_equal(selfseq_stats_get_series(b, i, &nb), 0);
		assert_string_equal(na, nb);
		for (uint32_t k = 0; k < 2016; k++) {
			struct selfseq_stats_slot sa = { .sz = sizeof(sa) }, sb = { .sz = sizeof(sb) };

			assert_int_equal(selfseq_stats_get_slot(a, na, k, &sa), 0);
			assert_int_equal(selfseq_stats_get_slot(b, na, k, &sb), 0);
			assert_int_equal(sa.weight_micro, sb.weight_micro);
			assert_int_equal(sa.mean_micro, sb.mean_micro);
			assert_int_equal(sa.sigma_micro, sb.sigma_micro);
			assert_int_equal(sa.week, sb.week);
		}
		assert_int_equal(selfseq_stats_get_last(a, na, &ca), selfseq_stats_get_last(b, na, &cb));
		same_class(&ca, &cb);
		assert_int_equal(selfseq_stats_get_current(a, na, &ca),
				 selfseq_stats_get_current(b, na, &cb));
		same_class(&ca, &cb);
	}
	assert_int_equal(selfseq_stats_get_series(b, i, &nb), -ENOENT);
}

static void save_load_round_trip(void **state)
{
	struct selfseq_stats *s = sample(), *l;
	char path[128], msg[160];
	uint64_t v;
	int files = 0;
	DIR *d;
	struct dirent *e;
	(void)state;

	path_of(path, sizeof(path), "rt.stats");
	assert_int_equal(selfseq_stats_save(s, path), 0);
	assert_int_equal(selfseq_stats_load(path, &l, msg, sizeof(msg)), 0);
	same_stats(s, l);
	assert_int_equal(selfseq_stats_get_cursor(l, "offset", &v), 0);
	assert_int_equal(v, 123456789);
	/* The loaded state keeps working like the original. */
	assert_int_equal(selfseq_stats_set_time(s, MON_2024 + 3600), 0);
	assert_int_equal(selfseq_stats_set_time(l, MON_2024 + 3600), 0);
	same_stats(s, l);
	/* Saving over it replaces it and leaves no temporary file behind. */
	assert_int_equal(selfseq_stats_save(l, path), 0);
	d = opendir(tmpdir);
	assert_non_null(d);
	while ((e = readdir(d)))
		files += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(files, 1);
	selfseq_stats_free(l);
	assert_int_equal(selfseq_stats_load(path, &l, NULL, 0), 0);
	same_stats(s, l);
	selfseq_stats_free(l);
	selfseq_stats_free(s);

	path_of(path, sizeof(path), "missing");
	assert_int_equal(selfseq_stats_load(path, &l, msg, sizeof(msg)), -ENOENT);
	assert_null(l);
	path_of(path, sizeof(path), "nodir/x");
	s = sample();
	assert_int_equal(selfseq_stats_save(s, path), -ENOENT);
	selfseq_stats_free(s);
	assert_int_equal(selfseq_stats_load(tmpdir, &l, msg, sizeof(msg)), -EISDIR);
}

static void expect_error(const char *path, const char *what)
{
	struct selfseq_stats *l = (struct selfseq_stats *)1;
	char msg[160] = "";
	int err = selfseq_stats_load(path, &l, msg, sizeof(msg));

	if (err != -EBADMSG && err != -ENOMSG && err != -EPROTO)
		fail_msg("%s: load returned %d (%s)", what, err, msg);
	assert_null(l);
	if (!msg[0])
		fail_msg("%s: no message", what);
}

static void corruption_detected(void **state)
{
	struct selfseq_stats *s = sample();
	char path[128], bad[128];
	uint8_t *buf, *copy;
	size_t len;
	(void)state;

	path_of(path, sizeof(path), "good.stats");
	path_of(bad, sizeof(bad), "bad.stats");
	assert_int_equal(selfseq_stats_save(s, path), 0);
	selfseq_stats_free(s);
	buf = read_file(path, &len);
	copy = malloc(len + 16);
	assert_non_null(copy);

	/* Every truncation. */
	for (size_t n = 0; n < len; n++) {
		char what[64];

		write_file(bad, buf, n);
		snprintf(what, sizeof(what), "truncated to %zu", n);
		expect_error(bad, what);
	}
	/* Every single bit flip. */
	for (size_t i = 0; i < len; i++) {
		for (int b = 0; b < 8; b++) {
			char what[64];

			memcpy(copy, buf, len);
			copy[i] ^= (uint8_t)(1u << b);
			write_file(bad, copy, len);
			snprintf(what, sizeof(what), "bit %d of byte %zu", b, i);
			expect_error(bad, what);
		}
	}
	/* Appended bytes. */
	memcpy(copy, buf, len);
	memset(copy + len, 0, 16);
	write_file(bad, copy, len + 16);
	expect_error(bad, "appended");
	free(copy);
	free(buf);
}

/* Change one field and recompute the checksum: the structural checks must catch it. */
static void crafted(const uint8_t *buf, size_t len, size_t at, const void *val, size_t n,
		    int want, const char *needle)
{
	uint8_t *copy = malloc(len);
	struct selfseq_stats *l;
	char bad[128], msg[200] = "";
	uint64_t sum;
	int err;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	memcpy(copy + at, val, n);
	sum = XXH64(copy, len - 8, 0);
	for (int i = 0; i < 8; i++)
		copy[len - 8 + i] = (uint8_t)(sum >> (8 * i));
	path_of(bad, sizeof(bad), "crafted.stats");
	write_file(bad, copy, len);
	err = selfseq_stats_load(bad, &l, msg, sizeof(msg));
	if (err != want || !strstr(msg, needle))
		fail_msg("byte %zu: got %d \"%s\", expected %d with \"%s\"", at, err, msg, want,
			 needle);
	free(copy);
}

static void crafted_fields_rejected(void **state)
{
	struct selfseq_stats *s = sample();
	char path[128];
	uint8_t *buf;
	size_t len, series_at;
	uint32_t u32;
	uint16_t u16;
	double nan_ = NAN;
	(void)state;

	path_of(path, sizeof(path), "good.stats");
	assert_int_equal(selfseq_stats_save(s, path), 0);
	selfseq_stats_free(s);
	buf = read_file(path, &len);

	crafted(buf, len, 0, "NOTSTATS", 8, -ENOMSG, "not a selfseq statistics file");
	u16 = 2;
	crafted(buf, len, 8, &u16, 2, -EPROTO, "byte 8: format version 2.0");
	u32 = 7;
	crafted(buf, len, 16, &u32, 4, -EBADMSG, "byte 16: invalid options");
	u32 = 9999;
	crafted(buf, len, 44, &u32, 4, -EBADMSG, "byte 44: 9999 series");
	u32 = 3;
	crafted(buf, len, 44, &u32, 4, -EBADMSG, "truncated");
	u32 = 40;
	crafted(buf, len, 12, &u32, 4, -EBADMSG, "byte 12: header size 40");
	/* Layout after the 56-byte header: cursor "offset" (2 + 6 + 8), then series "count". */
	series_at = 56 + 16;
	u16 = 0;
	crafted(buf, len, series_at, &u16, 2, -EBADMSG, "series name length 0");
	crafted(buf, len, series_at + 2, "c\"", 2, -EBADMSG, "forbidden byte");
	crafted(buf, len, series_at + 2, "zzzzz", 5, -EBADMSG, "out of order");
	u32 = 0x10;
	crafted(buf, len, series_at + 7, &u32, 4, -EBADMSG, "unknown series flags");
	u32 = 5000;
	crafted(buf, len, series_at + 11, &u32, 4, -EBADMSG, "5000 slots");
	/* First slot entry of "count": after name, flags, entries, open (16), last (64). */
	u32 = 2016;
	crafted(buf, len, series_at + 15 + 16 + 64, &u32, 4, -EBADMSG, "slot 2016 past the week");
	crafted(buf, len, series_at + 15 + 16 + 64 + 12, &nan_, 8, -EBADMSG, "malformed slot 0");
	u32 = 9;
	crafted(buf, len, series_at + 15 + 16 + 48, &u32, 4, -EBADMSG,
		"malformed latest classification");
	free(buf);
}

static void csv_export(void **state)
{
	struct selfseq_stats *s = sample();
	char path[128];
	uint8_t *buf;
	size_t len;
	int fd;
	(void)state;

	path_of(path, sizeof(path), "x.csv");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(selfseq_stats_export_csv(s, "gauge", fd), 0);
	assert_int_equal(selfseq_stats_export_csv(s, "nope", fd), -ENOENT);
	close(fd);
	buf = read_file(path, &len);
	buf[len] = 0;
	/* Slot 1 saw 1, 4, 7 with weights 0.49, 0.7, 1. */
	assert_non_null(strstr((char *)buf, "slot,day,time,mean,sigma,weight\n0,Mon,00:00,"));
	assert_non_null(strstr((char *)buf, "\n1,Mon,00:05,4.698630,"));
	assert_non_null(strstr((char *)buf, ",2.190000\n5,Mon,00:25,,,\n"));
	assert_non_null(strstr((char *)buf, "\n2015,Sun,23:55,,,\n"));
	free(buf);
	selfseq_stats_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slots_across_week_boundaries),
		cmocka_unit_test(options_checked),
		cmocka_unit_test(ageing_weights),
		cmocka_unit_test(thresholds),
		cmocka_unit_test(names_and_limits),
		cmocka_unit_test(counters),
		cmocka_unit_test(save_load_round_trip),
		cmocka_unit_test(corruption_detected),
		cmocka_unit_test(crafted_fields_rejected),
		cmocka_unit_test(csv_export),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
