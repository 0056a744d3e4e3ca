/* SPDX-License-Identifier: MIT */
/*
 * pH's state machine: every transition (freeze, thaw, normal after
 * normal_wait, anomaly_limit, tolerize_limit), the operator actions, the
 * delay, and the process object (fork window, exec, placement). A random
 * differential test checks the normal path's shortcut (one window test
 * when the testing set is within the training set) against the same
 * profile made to test both sets every time.
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

#define SEC 1000000000ull

struct fixture {
	struct selfseq_profile *prof;
	struct selfseq_process *proc;
	uint64_t now;
};

static struct selfseq_profile_state get_state(struct selfseq_profile *p)
{
	struct selfseq_profile_state s = { .sz = sizeof(s) };

	assert_int_equal(selfseq_profile_get_state(p, &s), 0);
	return s;
}

static struct selfseq_event feed(struct fixture *f, uint32_t call)
{
	struct selfseq_event ev = { .sz = sizeof(ev) };

	assert_int_equal(selfseq_process_feed(f->proc, call, f->now, &ev), 0);
	assert_int_equal(ev.call, call);
	return ev;
}

static void set_params(struct selfseq_profile *p, uint64_t wait, uint32_t alimit,
		       uint32_t tlimit, uint32_t delay)
{
	struct selfseq_params pp = { .sz = sizeof(pp) };

	assert_int_equal(selfseq_profile_get_params(p, &pp), 0);
	pp.normal_wait_ns = wait;
	pp.anomaly_limit = alimit;
	pp.tolerize_limit = tlimit;
	pp.delay_factor = delay;
	assert_int_equal(selfseq_profile_set_params(p, &pp), 0);
}

static int setup(void **state)
{
	struct selfseq_profile_opts o = { .sz = sizeof(o), .window = 4, .alphabet = 64 };
	struct fixture *f = calloc(1, sizeof(*f));

	assert_int_equal(selfseq_profile_new(&o, &f->prof), 0);
	assert_int_equal(selfseq_process_new(f->prof, &f->proc), 0);
	f->now = 1000 * SEC;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	selfseq_process_free(f->proc);
	assert_int_equal(get_state(f->prof).tasks, 0);
	selfseq_profile_free(f->prof);
	free(f);
	return 0;
}

static const uint32_t loop[] = { 1, 2, 3 };

/* Feed the 1,2,3 loop until the profile freezes; returns the call count at the freeze. */
static uint64_t train_until_frozen(struct fixture *f)
{
	uint64_t i, last_new = 0;

	for (i = 1; i < 1000; i++) {
		struct selfseq_event ev = feed(f, loop[(i - 1) % 3]);

		if (ev.flags & SELFSEQ_EVENT_NEW_SEQUENCE)
			last_new = i;
		if (ev.flags & SELFSEQ_EVENT_FROZEN) {
			/* pH's rule: train_count*32 > (train_count - last_mod_count)*128 first holds
			 * at 4 * last_new + 1 calls. */
			assert_int_equal(i, 4 * last_new + 1);
			assert_int_equal(ev.state, SELFSEQ_STATE_FROZEN);
			return i;
		}
	}
	fail_msg("never froze");
	return 0;
}

static void defaults_are_phs(void **state)
{
	struct fixture *f = *state;
	struct selfseq_params p = { .sz = sizeof(p) };
	struct selfseq_profile_state s = get_state(f->prof);

	assert_int_equal(selfseq_profile_get_params(f->prof, &p), 0);
	assert_int_equal(p.normal_factor, 128);
	assert_int_equal(p.normal_factor_den, 32);
	assert_int_equal(p.normal_wait_ns, 7ull * 24 * 3600 * SEC);
	assert_int_equal(p.anomaly_limit, 30);
	assert_int_equal(p.tolerize_limit, 12);
	assert_int_equal(p.delay_factor, 0);
	assert_int_equal(s.flags, 0);
	assert_int_equal(s.window, 4);
	assert_int_equal(s.lfc_frame, 128);
	assert_int_equal(s.tasks, 1);
	p.normal_factor_den = 0;
	assert_int_equal(selfseq_profile_set_params(f->prof, &p), -EINVAL);
}

static void freeze_thaw_and_normal(void **state)
{
	struct fixture *f = *state;
	struct selfseq_profile_state s;
	struct selfseq_event ev;
	uint64_t frozen_at;

	set_params(f->prof, 10 * SEC, 30, 12, 0);
	train_until_frozen(f);
	s = get_state(f->prof);
	assert_int_equal(s.normal_time_ns, f->now + 10 * SEC);

	/* A new pair cancels the freeze. */
	ev = feed(f, 9);
	assert_true(ev.flags & SELFSEQ_EVENT_THAWED);
	assert_true(ev.flags & SELFSEQ_EVENT_NEW_SEQUENCE);
	s = get_state(f->prof);
	assert_int_equal(s.flags, 0);
	assert_int_equal(s.last_mod_count, 0);

	/* Freeze again, then wait: not normal at normal_time, normal just after. */
	do {
		ev = feed(f, 1);
		ev = feed(f, 2);
		if (!(ev.flags & SELFSEQ_EVENT_FROZEN))
			ev = feed(f, 3);
	} while (!(get_state(f->prof).flags & SELFSEQ_STATE_FROZEN));
	frozen_at = f->now;
	s = get_state(f->prof);
	f->now = frozen_at + 10 * SEC;
	ev = feed(f, loop[0]);
	assert_int_equal(ev.state & SELFSEQ_STATE_NORMAL, 0);
	f->now++;
	ev = feed(f, loop[1]);
	assert_true(ev.flags & SELFSEQ_EVENT_NORMAL);
	assert_int_equal(ev.state, SELFSEQ_STATE_NORMAL);
	s = get_state(f->prof);
	assert_int_equal(s.test_pairs, s.train_pairs);
	assert_int_equal(s.anomalies, 0);
	assert_int_equal(s.train_count, 0);
	assert_int_equal(s.last_mod_count, 0);
	/* Normal behaviour stays quiet; training continues underneath. */
	for (int i = 0; i < 30; i++) {
		ev = feed(f, loop[(i + 2) % 3]);
		assert_int_equal(ev.misses, 0);
		assert_int_equal(ev.flags & SELFSEQ_EVENT_ANOMALOUS, 0);
	}
	assert_int_equal(get_state(f->prof).train_count, 30);
}

/* Bring the profile to normal on the loop; returns the loop position of the next call. */
static uint64_t make_normal(struct fixture *f, uint32_t alimit, uint32_t tlimit, uint32_t delay)
{
	uint64_t i;

	set_params(f->prof, 0, alimit, tlimit, delay);
	i = train_until_frozen(f);
	f->now++;
	assert_true(feed(f, loop[i % 3]).flags & SELFSEQ_EVENT_NORMAL);
	assert_int_equal(get_state(f->prof).flags, SELFSEQ_STATE_NORMAL);
	return (i + 1) % 3;
}

static void anomaly_limit_stops_normal(void **state)
{
	struct fixture *f = *state;
	struct selfseq_event ev;
	int anomalous = 0;

	make_normal(f, 3, 100, 0);
	/* Unknown calls: each is anomalous. The limit is checked before counting. */
	for (uint32_t c = 40; c < 60; c++) {
		ev = feed(f, c);
		assert_true(ev.flags & SELFSEQ_EVENT_ANOMALOUS);
		assert_int_equal(ev.misses, 3);
		anomalous++;
		if (ev.flags & SELFSEQ_EVENT_ANOMALY_LIMIT)
			break;
		assert_int_equal(get_state(f->prof).anomalies, (uint64_t)anomalous);
	}
	/* anomalies was 4 > 3 when the fifth came. */
	assert_int_equal(anomalous, 5);
	assert_int_equal(ev.state & SELFSEQ_STATE_NORMAL, 0);
	/* Stopping normal restarts this process's frame. */
	assert_int_equal(ev.lfc, 1);
	/* Not normal any more: nothing is tested. */
	ev = feed(f, 63);
	assert_int_equal(ev.misses, 0);
	assert_int_equal(ev.flags & SELFSEQ_EVENT_ANOMALOUS, 0);
}

static void tolerize_limit_discards_training(void **state)
{
	struct fixture *f = *state;
	struct selfseq_profile_state s;
	struct selfseq_event ev;
	uint32_t c;

	make_normal(f, 100, 2, 0);
	for (c = 40; c < 43; c++) {
		ev = feed(f, c);
		assert_int_equal(ev.lfc, c - 39);
	}
	/* The third anomaly in the frame: LFC 3 > 2. */
	assert_true(ev.flags & SELFSEQ_EVENT_TOLERIZE_LIMIT);
	s = get_state(f->prof);
	assert_int_equal(s.train_pairs, 0);
	assert_int_equal(s.train_count, 0);
	assert_int_equal(s.sequences, 0);
	assert_int_equal(s.anomalies, 0);
	/* The testing set is untouched and normal monitoring goes on. */
	assert_true(s.test_pairs > 0);
	assert_int_equal(s.flags & SELFSEQ_STATE_NORMAL, SELFSEQ_STATE_NORMAL);
	/* While the LFC stays above the limit, training keeps being discarded. */
	ev = feed(f, 1);
	assert_true(ev.flags & SELFSEQ_EVENT_TOLERIZE_LIMIT);
	assert_int_equal(get_state(f->prof).train_pairs, 0);
}

static void delay_grows_with_lfc(void **state)
{
	struct fixture *f = *state;
	struct selfseq_event ev;

	uint64_t next = make_normal(f, 1000, 1000, 5);

	ev = feed(f, loop[next]);
	assert_int_equal(ev.misses, 0);
	assert_int_equal(ev.delay, 0);
	ev = feed(f, 40);
	assert_int_equal(ev.lfc, 1);
	assert_int_equal(ev.delay, 5u << 1);
	ev = feed(f, 41);
	ev = feed(f, 42);
	assert_int_equal(ev.lfc, 3);
	assert_int_equal(ev.delay, 5u << 3);
	assert_int_equal(ev.max_lfc, 3);
	/* 2^LFC overflows quickly: the delay saturates instead of wrapping. */
	for (uint32_t i = 0; i < 80; i++)
		ev = feed(f, 43 + i % 20);
	assert_true(ev.lfc >= 64);
	assert_int_equal(ev.delay, UINT64_MAX);
}

static void operator_actions(void **state)
{
	struct fixture *f = *state;
	struct selfseq_profile_state s;
	struct selfseq_event ev;

	set_params(f->prof, 3600 * SEC, 30, 12, 0);
	for (int i = 0; i < 6; i++)
		feed(f, loop[i % 3]);
	/* normalize: normal now, testing := training. */
	assert_int_equal(selfseq_profile_normalize(f->prof, f->now), 0);
	s = get_state(f->prof);
	assert_int_equal(s.flags, SELFSEQ_STATE_NORMAL);
	assert_int_equal(s.test_pairs, s.train_pairs);
	ev = feed(f, 50);
	assert_true(ev.flags & SELFSEQ_EVENT_ANOMALOUS);
	assert_int_equal(ev.lfc, 1);
	/* tolerize: accept it: not normal, not frozen; processes' frames restart. */
	selfseq_profile_tolerize(f->prof);
	s = get_state(f->prof);
	assert_int_equal(s.flags, 0);
	ev = feed(f, 51);
	assert_int_equal(ev.lfc, 0);
	assert_int_equal(ev.max_lfc, 0);
	/* sensitize: forget training. */
	assert_true(get_state(f->prof).train_pairs > 0);
	selfseq_profile_sensitize(f->prof);
	s = get_state(f->prof);
	assert_int_equal(s.train_pairs, 0);
	assert_int_equal(s.train_count, 0);
	assert_int_equal(s.sequences, 0);
	assert_int_equal(s.flags & SELFSEQ_STATE_FROZEN, 0);
	/* The testing set survives sensitize. */
	assert_true(s.test_pairs > 0);
}

static void process_window_exec_and_placement(void **state)
{
	struct fixture *f = *state;
	struct selfseq_profile_opts o = { .sz = sizeof(o), .window = 6, .alphabet = 64 };
	struct selfseq_profile *other;
	struct selfseq_process *child;
	uint32_t win[8], seven[] = { 1, 2, 3, 4, 5, 6, 7 };
	uint64_t mem[64];
	size_t size;
	int n;

	for (int i = 0; i < 5; i++)
		feed(f, (uint32_t)(10 + i));
	/* window 4: the last 3 calls are what a window can still pair with. */
	n = selfseq_process_get_window(f->proc, win, 8);
	assert_int_equal(n, 3);
	assert_int_equal(win[0], 12);
	assert_int_equal(win[2], 14);
	assert_int_equal(selfseq_process_get_window(f->proc, win, 2), 2);

	/* fork: the child carries on with the parent's window. */
	assert_int_equal(selfseq_process_size(f->prof, &size), 0);
	assert_true(size <= sizeof(mem));
	assert_int_equal(selfseq_process_init(mem, size - 1, f->prof, &child), -ENOSPC);
	assert_int_equal(selfseq_process_init(mem, sizeof(mem), f->prof, &child), 0);
	assert_int_equal(get_state(f->prof).tasks, 2);
	n = selfseq_process_get_window(f->proc, win, 8);
	assert_int_equal(selfseq_process_set_window(child, win, (size_t)n), 0);
	{
		struct selfseq_event a = { .sz = sizeof(a) }, b = { .sz = sizeof(b) };
		uint32_t cw[8];

		assert_int_equal(selfseq_process_get_window(child, cw, 8), 3);
		assert_memory_equal(cw, win, 3 * sizeof(uint32_t));
		assert_int_equal(selfseq_process_feed(child, 15, f->now, &a), 0);
		assert_int_equal(selfseq_process_feed(f->proc, 15, f->now, &b), 0);
		/* The parent's call learnt the pairs; the child saw them first. */
		assert_true(a.flags & SELFSEQ_EVENT_NEW_SEQUENCE);
		assert_false(b.flags & SELFSEQ_EVENT_NEW_SEQUENCE);
	}
	assert_int_equal(selfseq_process_set_window(child, seven, 7), 0);
	assert_int_equal(selfseq_process_get_window(child, win, 8), 3);
	assert_int_equal(win[0], 5);
	seven[6] = 64;
	assert_int_equal(selfseq_process_set_window(child, seven, 7), -ERANGE);

	/* exec: another profile, a fresh window. */
	assert_int_equal(selfseq_profile_new(&o, &other), 0);
	assert_int_equal(selfseq_process_set_profile(child, other), 0);
	assert_ptr_equal(selfseq_process_get_profile(child), other);
	assert_int_equal(get_state(f->prof).tasks, 1);
	assert_int_equal(get_state(other).tasks, 1);
	assert_int_equal(selfseq_process_get_window(child, win, 8), 0);
	assert_int_equal(selfseq_process_feed(child, 64, f->now, NULL), -ERANGE);
	assert_int_equal(selfseq_process_feed(child, 63, f->now, NULL), 0);
	selfseq_process_free(child);
	assert_int_equal(get_state(other).tasks, 0);
	selfseq_profile_free(other);
}

static void older_event_struct(void **state)
{
	struct fixture *f = *state;
	struct selfseq_event ev;

	memset(&ev, 0xcd, sizeof(ev));
	ev.sz = offsetof(struct selfseq_event, misses);
	assert_int_equal(selfseq_process_feed(f->proc, 1, f->now, &ev), 0);
	assert_int_equal(ev.call, 1);
	assert_int_equal(ev.lfc, 0xcdcdcdcd);
	ev.sz = 1;
	assert_int_equal(selfseq_process_feed(f->proc, 1, f->now, &ev), -EINVAL);
}

static void train_and_score_modes(void **state)
{
	struct fixture *f = *state;
	struct selfseq_profile_state before, after;
	struct selfseq_event ev;
	uint64_t i;

	/* Train mode learns and freezes but never turns normal, never tests. */
	set_params(f->prof, 0, 30, 12, 0);
	assert_int_equal(selfseq_process_set_mode(f->proc, SELFSEQ_MODE_TRAIN), 0);
	i = train_until_frozen(f);
	for (int j = 0; j < 10; j++) {
		f->now += SEC;
		ev = feed(f, loop[(i + (uint64_t)j) % 3]);
		assert_int_equal(ev.state, SELFSEQ_STATE_FROZEN);
	}
	ev = feed(f, 50);
	assert_int_equal(ev.misses, 0);
	assert_true(ev.flags & SELFSEQ_EVENT_NEW_SEQUENCE);

	/* Score mode: tested against the training set (not normal), nothing learnt. */
	assert_int_equal(selfseq_process_set_mode(f->proc, SELFSEQ_MODE_SCORE), 0);
	before = get_state(f->prof);
	ev = feed(f, 51);
	assert_true(ev.flags & SELFSEQ_EVENT_ANOMALOUS);
	assert_int_equal(ev.misses, 3);
	assert_int_equal(ev.lfc, 1);
	assert_false(ev.flags & SELFSEQ_EVENT_NEW_SEQUENCE);
	after = get_state(f->prof);
	assert_int_equal(after.train_pairs, before.train_pairs);
	assert_int_equal(after.train_count, before.train_count);
	assert_int_equal(after.anomalies, before.anomalies);
	assert_int_equal(after.flags, before.flags);
	assert_int_equal(selfseq_process_set_mode(f->proc, 3), -EINVAL);
}

/*
 * A frozen normal profile becoming normal again copies the training set,
 * with the pairs learnt since, into the testing set: the call that does it
 * is tested against the new testing set, as pH does (a test made earlier
 * in the same call, against the old one, must not be reused).
 */
static void renormalize_tests_new_set(void **state)
{
	struct fixture *f = *state;
	struct selfseq_event ev;
	uint64_t i;

	set_params(f->prof, 10 * SEC, 1000, 1000, 0);
	i = train_until_frozen(f);
	f->now += 10 * SEC + 1;
	assert_true(feed(f, loop[i++ % 3]).flags & SELFSEQ_EVENT_NORMAL);
	/* Align on the loop, then learn one detour while normal: anomalous, but trained. */
	while (i % 3)
		feed(f, loop[i++ % 3]);
	for (int k = 0; k < 3; k++)
		feed(f, loop[k]);
	ev = feed(f, 9);
	assert_true(ev.flags & SELFSEQ_EVENT_ANOMALOUS);
	assert_true(ev.flags & SELFSEQ_EVENT_NEW_SEQUENCE);
	/* Stable again: frozen while normal. */
	for (i = 0; !(get_state(f->prof).flags & SELFSEQ_STATE_FROZEN); i++) {
		assert_true(i < 1000);
		feed(f, loop[i % 3]);
	}
	while (i % 3)
		feed(f, loop[i++ % 3]);
	for (int k = 0; k < 3; k++)
		feed(f, loop[k]);
	/* The detour again, as the wait ends: known to training, so the profile renormalizes. */
	f->now += 10 * SEC + 1;
	ev = feed(f, 9);
	assert_true(ev.flags & SELFSEQ_EVENT_NORMAL);
	assert_int_equal(ev.misses, 0);
	assert_int_equal(ev.flags & SELFSEQ_EVENT_ANOMALOUS, 0);
}

static uint32_t rnd32(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*x >> 33);
}

/* The events and states of @a (shortcut allowed) and @b (never) must not differ. */
static void shortcut_matches_full_tests(void **state)
{
	static const uint32_t windows[] = { 3, 6, 9, 17 };
	uint64_t x = 7;
	(void)state;

	for (size_t wi = 0; wi < sizeof(windows) / sizeof(windows[0]); wi++) {
		struct selfseq_profile_opts o = { .sz = sizeof(o), .window = windows[wi],
						  .alphabet = 64 };
		struct selfseq_profile *a, *b;
		struct selfseq_process *pa[3], *pb[3];
		struct selfseq_profile_state sa, sb;
		uint32_t pos[3] = { 0, 0, 0 }, seen = 0, shortcuts = 0;
		uint64_t now = 0;

		assert_int_equal(selfseq_profile_new(&o, &a), 0);
		assert_int_equal(selfseq_profile_new(&o, &b), 0);
		set_params(a, 2000, 15, 6, 1);
		set_params(b, 2000, 15, 6, 1);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(selfseq_process_new(a, &pa[i]), 0);
			assert_int_equal(selfseq_process_new(b, &pb[i]), 0);
		}
		for (int step = 0; step < 60000; step++) {
			struct selfseq_event ea, eb;
			uint32_t r = rnd32(&x), i = r % 3, call;
			int ra, rb;

			/* Each process loops over its own 12-call pattern, with rare detours. */
			call = (r >> 8) % 500 == 0 ? rnd32(&x) % 64 : (i * 7 + pos[i]++ % 12) % 64;
			now += rnd32(&x) % 100;
			if ((r >> 4) % 4000 == 0) {
				uint32_t mode = rnd32(&x) % 3 ? SELFSEQ_MODE_MONITOR : SELFSEQ_MODE_TRAIN;

				assert_int_equal(selfseq_process_set_mode(pa[i], mode), 0);
				assert_int_equal(selfseq_process_set_mode(pb[i], mode), 0);
			}
			switch ((r >> 16) % 6000) {
			case 0:
				assert_int_equal(selfseq_profile_normalize(a, now), 0);
				assert_int_equal(selfseq_profile_normalize(b, now), 0);
				break;
			case 1:
				selfseq_profile_sensitize(a);
				selfseq_profile_sensitize(b);
				break;
			case 2:
				selfseq_profile_tolerize(a);
				selfseq_profile_tolerize(b);
				break;
			default:
				break;
			}
			shortcuts += a->test_in_train && (a->flags & SELFSEQ_STATE_NORMAL);
			b->test_in_train = 0;
			memset(&ea, 0, sizeof(ea));
			memset(&eb, 0, sizeof(eb));
			ea.sz = eb.sz = sizeof(ea);
			ra = selfseq_process_feed(pa[i], call, now, &ea);
			rb = selfseq_process_feed(pb[i], call, now, &eb);
			assert_int_equal(ra, rb);
			assert_memory_equal(&ea, &eb, sizeof(ea));
			seen |= ea.flags;
			/* The flag is the truth whenever it is set. */
			if (a->test_in_train)
				assert_true(ss_db_within(&a->test, &a->train));
		}
		sa = get_state(a);
		sb = get_state(b);
		assert_memory_equal(&sa, &sb, sizeof(sa));
		/* The run went through every transition the shortcut meets. */
		assert_true(seen & SELFSEQ_EVENT_NORMAL);
		assert_true(seen & SELFSEQ_EVENT_ANOMALOUS);
		assert_true(seen & SELFSEQ_EVENT_TOLERIZE_LIMIT);
		assert_true(seen & SELFSEQ_EVENT_FROZEN);
		assert_true(shortcuts > 1000);
		/* A decoded profile knows whether its sets nest. */
		{
			struct selfseq_profile *d;
			uint8_t buf[1 << 16];
			size_t n;

			assert_int_equal(selfseq_profile_encode(a, buf, sizeof(buf), &n), 0);
			assert_int_equal(selfseq_profile_decode(buf, n, NULL, &d), 0);
			assert_int_equal(d->test_in_train, ss_db_within(&a->test, &a->train));
			selfseq_profile_free(d);
		}
		for (int i = 0; i < 3; i++) {
			selfseq_process_free(pa[i]);
			selfseq_process_free(pb[i]);
		}
		selfseq_profile_free(a);
		selfseq_profile_free(b);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(defaults_are_phs),
		T(freeze_thaw_and_normal),
		T(anomaly_limit_stops_normal),
		T(tolerize_limit_discards_training),
		T(delay_grows_with_lfc),
		T(operator_actions),
		T(process_window_exec_and_placement),
		T(older_event_struct),
		T(train_and_score_modes),
		T(renormalize_tests_new_set),
		cmocka_unit_test(shortcut_matches_full_tests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
