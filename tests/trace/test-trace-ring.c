/* SPDX-License-Identifier: MIT */
/*
 * The perf ring reader (examples/trace/ring.c) on a fake ring laid out as
 * the kernel lays it out: a metadata page, then a power-of-two data area.
 * The producer here plays the kernel: it writes records at data_head
 * (wrapping at the end) and publishes data_head with release ordering, and
 * it never overwrites bytes beyond data_tail.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

#define PAGE 4096u

struct fake {
	unsigned char *map;
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	uint64_t size;
	uint64_t head;		/* producer's private head */
};

static void fake_init(struct fake *f, uint64_t data_size)
{
	f->map = aligned_alloc(PAGE, PAGE + data_size);
	assert_non_null(f->map);
	memset(f->map, 0, PAGE + data_size);
	f->meta = (void *)f->map;
	f->meta->data_offset = PAGE;
	f->meta->data_size = data_size;
	f->data = f->map + PAGE;
	f->size = data_size;
	f->head = 0;
}

/* Room left before the producer would overwrite unread bytes. */
static uint64_t fake_room(struct fake *f)
{
	return f->size - (f->head - __atomic_load_n(&f->meta->data_tail, __ATOMIC_ACQUIRE));
}

/* Write one record of @size bytes (multiple of 8) whose payload is a counter; 0 if no room. */
static int fake_put(struct fake *f, uint16_t size, uint64_t seq)
{
	unsigned char rec[1024];
	struct perf_event_header h = { PERF_RECORD_SAMPLE, 0, size };
	uint64_t i, off;

	if (fake_room(f) < size)
		return 0;
	memcpy(rec, &h, sizeof(h));
	for (i = 8; i + 8 <= size; i += 8) {
		uint64_t v = seq * 1000 + i;

		memcpy(rec + i, &v, 8);
	}
	for (i = 0; i < size; i++) {
		off = (f->head + i) & (f->size - 1);
		f->data[off] = rec[i];
	}
	f->head += size;
	return 1;
}

static void fake_publish(struct fake *f)
{
	__atomic_store_n(&f->meta->data_head, f->head, __ATOMIC_RELEASE);
}

struct seen {
	uint64_t next;		/* expected sequence number */
	uint64_t count;
	int bad;
	int stop_after;		/* stop the drain after this many records (0: never) */
};

static int check_cb(void *ctx, const struct perf_event_header *rec, int id)
{
	struct seen *s = ctx;
	const unsigned char *p = (const void *)rec;
	uint64_t i, v, seq;

	(void)id;
	memcpy(&v, p + 8, 8);
	seq = (v - 8) / 1000;
	if (seq != s->next)
		s->bad = 1;
	for (i = 8; i + 8 <= rec->size; i += 8) {
		memcpy(&v, p + i, 8);
		if (v != seq * 1000 + i)
			s->bad = 1;
	}
	s->next++;
	s->count++;
	if (s->stop_after && s->count == (uint64_t)s->stop_after)
		return 42;
	return 0;
}

static void test_simple_and_wrap(void **state)
{
	struct fake f;
	struct ring r;
	struct seen s = { 0, 0, 0, 0 };
	uint64_t seq = 0;
	int round;

	(void)state;
	fake_init(&f, 4096);
	assert_int_equal(ring_init(&r, f.map, PAGE + 4096, PAGE, 3), 0);
	assert_int_equal(r.size, 4096);
	/* 104-byte records (the sys_enter sample size) do not divide 4096: they wrap. */
	for (round = 0; round < 50; round++) {
		int i;

		for (i = 0; i < 30; i++)
			if (!fake_put(&f, 104, seq))
				break;
			else
				seq++;
		fake_publish(&f);
		assert_int_equal(ring_drain(&r, check_cb, &s, NULL), 0);
		assert_int_equal(f.meta->data_tail, f.head);
	}
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.count, seq);
	assert_true(f.head > 10 * 4096);	/* wrapped many times */
	assert_int_equal(r.records, seq);
	ring_fini(&r, 0);
	free(f.map);
}

static void test_stop_and_resume(void **state)
{
	struct fake f;
	struct ring r;
	struct seen s = { 0, 0, 0, 3 };
	int i;

	(void)state;
	fake_init(&f, 4096);
	assert_int_equal(ring_init(&r, f.map, PAGE + 4096, PAGE, 0), 0);
	for (i = 0; i < 10; i++)
		assert_true(fake_put(&f, 64, (uint64_t)i));
	fake_publish(&f);
	assert_int_equal(ring_drain(&r, check_cb, &s, NULL), 42);
	/* Only the records consumed are handed back. */
	assert_int_equal(f.meta->data_tail, 3 * 64);
	s.stop_after = 0;
	assert_int_equal(ring_drain(&r, check_cb, &s, NULL), 0);
	assert_int_equal(s.count, 10);
	assert_int_equal(s.bad, 0);
	assert_int_equal(f.meta->data_tail, 10 * 64);
	ring_fini(&r, 0);
	free(f.map);
}

static void test_bad_header(void **state)
{
	struct fake f;
	struct ring r;
	struct seen s = { 0, 0, 0, 0 };
	uint64_t bad = 0;
	struct perf_event_header h = { PERF_RECORD_SAMPLE, 0, 0 };

	(void)state;
	fake_init(&f, 4096);
	assert_int_equal(ring_init(&r, f.map, PAGE + 4096, PAGE, 0), 0);
	assert_true(fake_put(&f, 64, 0));
	memcpy(f.data + 64, &h, sizeof(h));	/* size 0: impossible */
	f.head += 128;
	fake_publish(&f);
	assert_int_equal(ring_drain(&r, check_cb, &s, &bad), -EBADMSG);
	assert_int_equal(bad, 64);
	assert_int_equal(s.count, 1);
	/* Everything up to the head is dropped: the reader does not spin on it. */
	assert_int_equal(f.meta->data_tail, f.head);

	/* A size beyond what the kernel has written. */
	h.size = 4000;
	memcpy(f.data + (f.head & 4095), &h, sizeof(h));
	f.head += 16;
	fake_publish(&f);
	assert_int_equal(ring_drain(&r, check_cb, &s, &bad), -EBADMSG);
	assert_int_equal(bad, 192);
	ring_fini(&r, 0);
	free(f.map);
}

static void test_bad_geometry(void **state)
{
	unsigned char *map = aligned_alloc(PAGE, PAGE * 4);
	struct perf_event_mmap_page *meta = (void *)map;
	struct ring r;

	(void)state;
	memset(map, 0, PAGE * 4);
	meta->data_offset = PAGE;
	meta->data_size = 3 * PAGE;	/* not a power of two */
	assert_int_equal(ring_init(&r, map, PAGE * 4, PAGE, 0), -EINVAL);
	meta->data_size = 4 * PAGE;	/* beyond the mapping */
	assert_int_equal(ring_init(&r, map, PAGE * 4, PAGE, 0), -EINVAL);
	/* Old kernels leave data_offset/data_size 0: the area follows the first page. */
	meta->data_offset = 0;
	meta->data_size = 0;
	assert_int_equal(ring_init(&r, map, PAGE * 3, PAGE, 0), 0);
	assert_int_equal(r.size, 2 * PAGE);
	ring_fini(&r, 0);
	free(map);
}

/* A producer thread racing the reader, as the kernel does. */
struct race {
	struct fake *f;
	uint64_t total;
};

static void *producer(void *arg)
{
	struct race *rc = arg;
	uint64_t seq = 0;
	unsigned sizes[] = { 104, 48, 200, 8 + 16, 512 };

	while (seq < rc->total) {
		if (fake_put(rc->f, (uint16_t)sizes[seq % 5], seq)) {
			seq++;
			if (seq % 7 == 0)
				fake_publish(rc->f);
		} else {
			fake_publish(rc->f);
			sched_yield();	/* full: let the reader run */
		}
	}
	fake_publish(rc->f);
	return NULL;
}

static void test_race(void **state)
{
	struct fake f;
	struct ring r;
	struct seen s = { 0, 0, 0, 0 };
	struct race rc;
	pthread_t t;

	(void)state;
	fake_init(&f, 8192);
	assert_int_equal(ring_init(&r, f.map, PAGE + 8192, PAGE, 0), 0);
	rc.f = &f;
	rc.total = 50000;
	assert_int_equal(pthread_create(&t, NULL, producer, &rc), 0);
	while (s.count < rc.total && !s.bad) {
		uint64_t before = s.count;

		assert_int_equal(ring_drain(&r, check_cb, &s, NULL), 0);
		if (s.count == before)
			sched_yield();	/* empty: let the producer run */
	}
	pthread_join(t, NULL);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.count, rc.total);
	ring_fini(&r, 0);
	free(f.map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_and_wrap),
		cmocka_unit_test(test_stop_and_resume),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_geometry),
		cmocka_unit_test(test_race),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
