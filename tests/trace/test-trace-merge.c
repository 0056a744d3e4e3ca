/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU merge (examples/trace/merge.c): events released in timestamp
 * order up to a threshold, write order kept within a queue, late events
 * counted, queues that grow and slide.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "merge.h"

struct out {
	uint64_t t[20000];
	uint32_t tid[20000];
	size_t n;
};

static void collect(void *ctx, struct tev *ev)
{
	struct out *o = ctx;

	o->t[o->n] = ev->time;
	o->tid[o->n] = ev->tid;
	o->n++;
}

static void push(struct merge *m, unsigned q, uint64_t t, uint32_t tid)
{
	struct tev *ev = merge_push(m, q);

	assert_non_null(ev);
	memset(ev, 0, sizeof(*ev));
	ev->time = t;
	ev->tid = tid;
	ev->kind = TEV_SYSCALL;
}

static void test_order_and_threshold(void **state)
{
	static struct out o;
	struct merge m;

	(void)state;
	o.n = 0;
	assert_int_equal(merge_init(&m, 3), 0);
	push(&m, 0, 10, 1);
	push(&m, 0, 40, 1);
	push(&m, 1, 20, 2);
	push(&m, 1, 50, 2);
	push(&m, 2, 30, 3);
	assert_int_equal(merge_flush(&m, 35, collect, &o), 3);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.t[0], 10);
	assert_int_equal(o.t[1], 20);
	assert_int_equal(o.t[2], 30);
	assert_int_equal(m.queued, 2);
	/* A thread that moved: its earlier call arrives on another CPU in the next round. */
	push(&m, 2, 38, 1);
	assert_int_equal(merge_flush(&m, UINT64_MAX, collect, &o), 3);
	assert_int_equal(o.t[3], 38);
	assert_int_equal(o.t[4], 40);
	assert_int_equal(o.t[5], 50);
	assert_int_equal(m.late, 0);
	/* Older than what was released: released anyway, counted. */
	push(&m, 0, 5, 9);
	assert_int_equal(merge_flush(&m, UINT64_MAX, collect, &o), 1);
	assert_int_equal(m.late, 1);
	merge_fini(&m);
}

static void test_write_order_within_queue(void **state)
{
	static struct out o;
	struct merge m;

	(void)state;
	o.n = 0;
	assert_int_equal(merge_init(&m, 2), 0);
	/* Two stamps inverted within one ring: the ring's order is kept. */
	push(&m, 0, 100, 1);
	push(&m, 0, 90, 2);
	push(&m, 1, 95, 3);
	merge_flush(&m, UINT64_MAX, collect, &o);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.tid[0], 3);
	assert_int_equal(o.tid[1], 1);
	assert_int_equal(o.tid[2], 2);
	merge_fini(&m);
}

static void test_growth(void **state)
{
	static struct out o;
	struct merge m;
	uint64_t t = 0, i;

	(void)state;
	o.n = 0;
	assert_int_equal(merge_init(&m, 2), 0);
	for (i = 0; i < 6000; i++)
		push(&m, (unsigned)(i & 1), ++t, 1);
	assert_int_equal(merge_flush(&m, 4000, collect, &o), 4000);
	/* The consumed half slides down instead of growing the queue. */
	for (i = 0; i < 8000; i++)
		push(&m, (unsigned)(i & 1), ++t, 1);
	assert_int_equal(merge_flush(&m, UINT64_MAX, collect, &o), 10000);
	assert_int_equal(o.n, 14000);
	for (i = 1; i < o.n; i++)
		assert_true(o.t[i] > o.t[i - 1]);
	assert_int_equal(m.queued, 0);
	assert_true(m.peak >= 10000);
	merge_fini(&m);
}

static void test_many_queues(void **state)
{
	static struct out o;
	struct merge m;
	unsigned q;
	uint64_t i;

	(void)state;
	o.n = 0;
	assert_int_equal(merge_init(&m, 64), 0);
	/* Queue q holds times q, q+64, q+128...: a perfect interleave. */
	for (q = 0; q < 64; q++)
		for (i = 0; i < 100; i++)
			push(&m, q, q + 64 * i, q);
	assert_int_equal(merge_flush(&m, UINT64_MAX, collect, &o), 6400);
	for (i = 0; i < o.n; i++)
		assert_int_equal(o.t[i], i);
	merge_fini(&m);
	assert_int_not_equal(merge_init(&m, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_threshold),
		cmocka_unit_test(test_write_order_within_queue),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_many_queues),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
