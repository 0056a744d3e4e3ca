/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: sequences of public API calls with parameters from the
 * input, against invariants that hold for every input:
 *  - the database agrees with the definition: after adding a trace, every
 *    (call, call d before it, d) triple is set; test_window and the batch
 *    scorer count exactly the missing triples;
 *  - streaming == batch: feeding a stream call by call gives the batch
 *    scorer's per-call misses, totals and highest LFC;
 *  - merge is a union and diff a difference, cell by cell; a failed merge
 *    leaves its destination unchanged;
 *  - encode + decode round-trips a profile (state, parameters, both sets);
 *  - the LFC equals a shadow count over the last frame calls;
 *  - a profile in score mode does not change; events stay in range;
 *  - extensible structs: a larger struct with a non-zero tail is refused,
 *    a larger output struct gets a zeroed tail;
 *  - with a failing allocator, errors are -ENOMEM/-ENOSPC, and everything
 *    allocated is given back with the size it was allocated with.
 *
 * Input: a header (window, alphabet, frame, allocation budget), then
 * operations, each an opcode byte followed by its parameters.
 */
#include <errno.h>
#include <string.h>

#include <selfseq/selfseq.h>

#include "alloc.h"
#include "fuzz.h"

#define NDB 3		/* dbs[0..1] grow; dbs[2] lives in caller memory, fixed capacity */
#define MAX_TRACE 256
#define MAX_OPS 24

struct ctx {
	struct fuzz_in in;
	struct fuzz_alloc fa;
	uint32_t window, k, alphabet, frame;
	struct selfseq_db *db[NDB];
	void *fixed_mem;
	struct selfseq_profile *prof;
	struct selfseq_process *proc;
	uint64_t now;
	uint32_t trace[MAX_TRACE];
	size_t n;
};

struct cell {
	uint32_t call, prev, distances;
};

struct cells {
	struct cell *c;
	size_t n, cap;
};

/* Every non-empty cell, in (call, prev) order, through the public iterator. */
FUZZ_NOCOV
static void snapshot(const struct selfseq_db *db, struct cells *s)
{
	struct selfseq_pair pr;
	uint64_t cursor = 0;
	uint32_t pairs = 0;

	s->n = 0;
	while (selfseq_db_next_pair(db, &cursor, &pr) == 0) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->c = realloc(s->c, s->cap * sizeof(*s->c));
			FUZZ_CHECK(s->c);
		}
		FUZZ_CHECK(pr.distances && !(pr.distances >> (selfseq_db_get_window(db) - 1)));
		FUZZ_CHECK(!s->n || s->c[s->n - 1].call < pr.call ||
			   (s->c[s->n - 1].call == pr.call && s->c[s->n - 1].prev < pr.prev));
		s->c[s->n].call = pr.call;
		s->c[s->n].prev = pr.prev;
		s->c[s->n].distances = pr.distances;
		s->n++;
		pairs += (uint32_t)__builtin_popcount(pr.distances);
	}
	FUZZ_CHECK(pairs == selfseq_db_get_pairs(db));
}

FUZZ_NOCOV
static int same_cells(const struct cells *a, const struct cells *b)
{
	return a->n == b->n && (!a->n || !memcmp(a->c, b->c, a->n * sizeof(*a->c)));
}

/* The cells of a | b (op 0) or a & ~b (op 1), in iteration order. */
FUZZ_NOCOV
static void combine(const struct cells *a, const struct cells *b, int op, struct cells *out)
{
	size_t i = 0, j = 0;

	out->n = 0;
	out->cap = a->n + b->n + 1;
	out->c = realloc(out->c, out->cap * sizeof(*out->c));
	FUZZ_CHECK(out->c);
	while (i < a->n || j < b->n) {
		struct cell x;
		int cmp;

		if (i == a->n)
			cmp = 1;
		else if (j == b->n)
			cmp = -1;
		else if (a->c[i].call != b->c[j].call)
			cmp = a->c[i].call < b->c[j].call ? -1 : 1;
		else
			cmp = a->c[i].prev < b->c[j].prev ? -1 : a->c[i].prev > b->c[j].prev;
		if (cmp < 0) {
			x = a->c[i++];
		} else if (cmp > 0) {
			x = b->c[j++];
			if (op)
				continue;
		} else {
			x = a->c[i++];
			if (op)
				x.distances &= ~b->c[j].distances;
			else
				x.distances |= b->c[j].distances;
			j++;
		}
		if (x.distances)
			out->c[out->n++] = x;
	}
}

/* A trace from the input: mostly small call numbers, sometimes any, rarely out of range. */
static void read_trace(struct ctx *c, size_t max)
{
	uint32_t kind = fuzz_u8(&c->in);
	size_t n = fuzz_u8(&c->in) + (kind & 1 ? 256 : 0), i;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		uint32_t b = fuzz_u8(&c->in);

		if ((kind & 6) == 6 && b == 0xff)
			c->trace[i] = c->alphabet + fuzz_u8(&c->in);	/* out of range */
		else if (kind & 2)
			c->trace[i] = (b | fuzz_u8(&c->in) << 8) % c->alphabet;
		else
			c->trace[i] = b % (kind & 4 ? 8 : 24) % c->alphabet;
	}
	c->n = n;
}

FUZZ_NOCOV
static int trace_in_range(const struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->trace[i] >= c->alphabet)
			return 0;
	return 1;
}

/* Missing triples of call i of the trace, from get_distances alone. */
FUZZ_NOCOV
static uint32_t misses_at(const struct selfseq_db *db, const uint32_t *t, size_t i, uint32_t k)
{
	uint32_t d, m = 0;

	for (d = 1; d <= k && d <= i; d++) {
		int v = selfseq_db_get_distances(db, t[i], t[i - d]);

		FUZZ_CHECK(v >= 0);
		m += !((uint32_t)v & (1u << (d - 1)));
	}
	return m;
}

static int alloc_error(int err)
{
	return err == -ENOMEM || err == -ENOSPC;
}

FUZZ_NOCOV
static int cell_cmp(const void *x, const void *y)
{
	const struct cell *a = x, *b = y;

	if (a->call != b->call)
		return a->call < b->call ? -1 : 1;
	return a->prev < b->prev ? -1 : a->prev > b->prev;
}

/* The cells a trace sets, straight from the definition, in iteration order. */
FUZZ_NOCOV
static void trace_cells(const struct ctx *c, struct cells *out)
{
	size_t i, j;
	uint32_t d;

	out->n = 0;
	out->cap = c->n * c->k + 1;
	out->c = realloc(out->c, out->cap * sizeof(*out->c));
	FUZZ_CHECK(out->c);
	for (i = 0; i < c->n; i++)
		for (d = 1; d <= c->k && d <= i; d++)
			out->c[out->n++] = (struct cell){ c->trace[i], c->trace[i - d], 1u << (d - 1) };
	qsort(out->c, out->n, sizeof(*out->c), cell_cmp);
	for (i = j = 0; i < out->n; i++) {
		if (j && !cell_cmp(&out->c[j - 1], &out->c[i]))
			out->c[j - 1].distances |= out->c[i].distances;
		else
			out->c[j++] = out->c[i];
	}
	out->n = j;
}

static void op_add(struct ctx *c, struct selfseq_db *db)
{
	struct cells before = { 0 }, after = { 0 }, added = { 0 }, want = { 0 };
	int err;

	read_trace(c, MAX_TRACE);
	snapshot(db, &before);
	err = selfseq_db_add(db, c->trace, c->n);
	if (!trace_in_range(c)) {
		FUZZ_CHECK(err == -ERANGE);
		snapshot(db, &after);
		FUZZ_CHECK(same_cells(&before, &after));
	} else if (err) {
		FUZZ_CHECK(alloc_error(err));
	} else {
		for (size_t i = 0; i < c->n; i++)
			FUZZ_CHECK(misses_at(db, c->trace, i, c->k) == 0);
		/* Exactly the trace's triples were added. */
		snapshot(db, &after);
		trace_cells(c, &added);
		combine(&before, &added, 0, &want);
		FUZZ_CHECK(same_cells(&want, &after));
	}
	free(before.c);
	free(after.c);
	free(added.c);
	free(want.c);
}

static void op_score(struct ctx *c, const struct selfseq_db *db)
{
	struct selfseq_score bs = { .sz = sizeof(bs) }, ss = { .sz = sizeof(ss) };
	struct selfseq_stream_opts so = { .sz = sizeof(so) };
	struct selfseq_score_opts opts = { .sz = sizeof(opts) };
	struct selfseq_stream *st;
	uint8_t misses[MAX_TRACE];
	uint32_t frame = fuzz_u8(&c->in) % 20;
	uint64_t mism = 0, anom = 0;
	int err;

	read_trace(c, MAX_TRACE);
	opts.misses = misses;
	opts.lfc_frame = frame;
	err = selfseq_db_score(db, c->trace, c->n, &opts, &bs);
	if (!trace_in_range(c)) {
		FUZZ_CHECK(err == -ERANGE);
		return;
	}
	FUZZ_CHECK(err == 0);
	so.window = c->window;
	so.lfc_frame = frame;
	FUZZ_CHECK(selfseq_stream_new(&so, &st) == 0);
	for (size_t i = 0; i < c->n; i++) {
		int m = selfseq_stream_feed(st, db, c->trace[i]);

		FUZZ_CHECK(m >= 0 && (uint32_t)m == misses[i]);
		FUZZ_CHECK(misses[i] == misses_at(db, c->trace, i, c->k));
		mism += misses[i];
		anom += misses[i] != 0;
	}
	FUZZ_CHECK(selfseq_stream_get_score(st, &ss) == 0);
	FUZZ_CHECK(bs.calls == c->n && ss.calls == c->n);
	FUZZ_CHECK(bs.mismatches == mism && ss.mismatches == mism);
	FUZZ_CHECK(bs.anomalous_calls == anom && ss.anomalous_calls == anom);
	FUZZ_CHECK(bs.max_mismatches == selfseq_max_mismatches(c->window, c->n));
	FUZZ_CHECK(ss.max_mismatches == bs.max_mismatches && ss.ppm == bs.ppm);
	FUZZ_CHECK(bs.mismatches <= bs.max_mismatches);
	FUZZ_CHECK(!frame || ss.max_lfc == bs.max_lfc);
	/* A stream is a trace: after a reset the same calls score the same. */
	selfseq_stream_reset(st);
	for (size_t i = 0; i < c->n; i++)
		FUZZ_CHECK(selfseq_stream_feed(st, db, c->trace[i]) == misses[i]);
	selfseq_stream_free(st);
}

static void op_window(struct ctx *c, struct selfseq_db *db)
{
	uint32_t len = fuzz_u8(&c->in) % (c->window + 1);
	int test = fuzz_u8(&c->in) & 1, err;

	read_trace(c, len);
	len = (uint32_t)c->n;
	if (test) {
		err = selfseq_db_test_window(db, c->trace, len);
		if (!len)
			FUZZ_CHECK(err == -EINVAL);
		else if (!trace_in_range(c))
			FUZZ_CHECK(err == -ERANGE);
		else
			FUZZ_CHECK(err >= 0 && (uint32_t)err == misses_at(db, c->trace, len - 1, c->k));
		return;
	}
	err = selfseq_db_add_window(db, c->trace, len);
	if (!len)
		FUZZ_CHECK(err == -EINVAL);
	else if (!trace_in_range(c))
		FUZZ_CHECK(err == -ERANGE);
	else if (!err)
		FUZZ_CHECK(misses_at(db, c->trace, len - 1, c->k) == 0);
	else
		FUZZ_CHECK(alloc_error(err));
}

static void op_merge(struct ctx *c, struct selfseq_db *dst, const struct selfseq_db *src)
{
	struct cells a = { 0 }, b = { 0 }, want = { 0 }, got = { 0 };
	int err;

	snapshot(dst, &a);
	snapshot(src, &b);
	err = selfseq_db_merge(dst, src);
	snapshot(dst, &got);
	if (err) {
		FUZZ_CHECK(alloc_error(err));
		FUZZ_CHECK(same_cells(&a, &got));
	} else {
		combine(&a, &b, 0, &want);
		FUZZ_CHECK(same_cells(&want, &got));
	}
	free(a.c);
	free(b.c);
	free(want.c);
	free(got.c);
}

static void op_diff(struct ctx *c, struct selfseq_db *out, const struct selfseq_db *x,
		    const struct selfseq_db *y)
{
	struct cells a = { 0 }, b = { 0 }, want = { 0 }, got = { 0 };
	int err;

	snapshot(x, &a);
	snapshot(y, &b);
	err = selfseq_db_diff(out, x, y);
	if (err) {
		FUZZ_CHECK(alloc_error(err));
	} else {
		snapshot(out, &got);
		combine(&a, &b, 1, &want);
		FUZZ_CHECK(same_cells(&want, &got));
	}
	free(a.c);
	free(b.c);
	free(want.c);
	free(got.c);
}

static void profile_sets(const struct selfseq_profile *p, struct cells *train, struct cells *test)
{
	snapshot(selfseq_profile_get_train(p), train);
	snapshot(selfseq_profile_get_test(p), test);
}

static void op_feed(struct ctx *c)
{
	struct selfseq_profile_state before = { .sz = sizeof(before) }, after = { .sz = sizeof(after) };
	uint32_t mode = fuzz_u8(&c->in) % 4, step = fuzz_u32(&c->in);
	struct cells tr0 = { 0 }, te0 = { 0 }, tr1 = { 0 }, te1 = { 0 };

	read_trace(c, MAX_TRACE);
	if (mode < 3)
		FUZZ_CHECK(selfseq_process_set_mode(c->proc, mode) == 0);
	else
		FUZZ_CHECK(selfseq_process_set_mode(c->proc, 3 + step % 100) == -EINVAL);
	FUZZ_CHECK(selfseq_profile_get_state(c->prof, &before) == 0);
	profile_sets(c->prof, &tr0, &te0);
	for (size_t i = 0; i < c->n; i++) {
		struct selfseq_event ev = { .sz = sizeof(ev) };
		int err = selfseq_process_feed(c->proc, c->trace[i], c->now, &ev);

		c->now += step;
		if (c->trace[i] >= c->alphabet) {
			FUZZ_CHECK(err == -ERANGE);
			continue;
		}
		FUZZ_CHECK(err == 0 || alloc_error(err));
		FUZZ_CHECK(ev.call == c->trace[i] && ev.misses <= c->k);
		FUZZ_CHECK(ev.lfc <= c->frame && ev.lfc <= ev.max_lfc);
		FUZZ_CHECK(!(ev.state & ~(SELFSEQ_STATE_FROZEN | SELFSEQ_STATE_NORMAL)));
		FUZZ_CHECK(!(ev.flags & SELFSEQ_EVENT_ANOMALOUS) == !ev.misses);
	}
	FUZZ_CHECK(selfseq_profile_get_state(c->prof, &after) == 0);
	if (mode == SELFSEQ_MODE_SCORE) {
		profile_sets(c->prof, &tr1, &te1);
		FUZZ_CHECK(same_cells(&tr0, &tr1) && same_cells(&te0, &te1));
		FUZZ_CHECK(after.flags == before.flags && after.train_count == before.train_count);
	}
	free(tr0.c);
	free(te0.c);
	free(tr1.c);
	free(te1.c);
}

static void op_profile_action(struct ctx *c)
{
	struct selfseq_profile_state st = { .sz = sizeof(st) };
	struct cells tr = { 0 }, te = { 0 }, te0 = { 0 };
	int err;

	switch (fuzz_u8(&c->in) % 3) {
	case 0:
		profile_sets(c->prof, &tr, &te0);
		err = selfseq_profile_normalize(c->prof, c->now);
		profile_sets(c->prof, &tr, &te);
		FUZZ_CHECK(selfseq_profile_get_state(c->prof, &st) == 0);
		if (err) {
			FUZZ_CHECK(alloc_error(err));
			FUZZ_CHECK(same_cells(&te0, &te));
		} else {
			FUZZ_CHECK(same_cells(&tr, &te) && st.flags == SELFSEQ_STATE_NORMAL);
		}
		break;
	case 1:
		selfseq_profile_sensitize(c->prof);
		FUZZ_CHECK(selfseq_profile_get_state(c->prof, &st) == 0);
		FUZZ_CHECK(st.train_pairs == 0 && !(st.flags & SELFSEQ_STATE_FROZEN));
		break;
	default:
		selfseq_profile_tolerize(c->prof);
		FUZZ_CHECK(selfseq_profile_get_state(c->prof, &st) == 0);
		FUZZ_CHECK(st.flags == 0);
	}
	free(tr.c);
	free(te.c);
	free(te0.c);
}

/* Parameters, and the sz rule on an input struct and an output struct. */
static void op_params(struct ctx *c)
{
	struct {
		struct selfseq_params p;
		uint8_t tail[16];
	} big;
	struct selfseq_params old = { .sz = sizeof(old) }, now = { .sz = sizeof(now) };
	uint32_t extra = fuzz_u8(&c->in) % 17;
	int err;

	memset(&big, 0, sizeof(big));
	big.p.sz = sizeof(big.p) + extra;
	big.p.normal_factor = fuzz_u8(&c->in) % 3 ? fuzz_u16(&c->in) : 0;
	big.p.normal_factor_den = fuzz_u8(&c->in) % 3 ? fuzz_u8(&c->in) : 0;
	big.p.normal_wait_ns = (uint64_t)fuzz_u32(&c->in) << (fuzz_u8(&c->in) % 33);
	big.p.anomaly_limit = fuzz_u8(&c->in);
	big.p.tolerize_limit = fuzz_u8(&c->in);
	big.p.delay_factor = fuzz_u32(&c->in);
	if (extra && (fuzz_u8(&c->in) & 1))
		big.tail[extra - 1] = 1;
	FUZZ_CHECK(selfseq_profile_get_params(c->prof, &old) == 0);
	err = selfseq_profile_set_params(c->prof, &big.p);
	FUZZ_CHECK(selfseq_profile_get_params(c->prof, &now) == 0);
	if (extra && big.tail[extra - 1]) {
		FUZZ_CHECK(err == -E2BIG);
	} else if (!big.p.normal_factor || !big.p.normal_factor_den) {
		FUZZ_CHECK(err == -EINVAL);
	} else {
		FUZZ_CHECK(err == 0);
		big.p.sz = sizeof(big.p);
		FUZZ_CHECK(memcmp(&now, &big.p, sizeof(now)) == 0);
		old = now;
	}
	FUZZ_CHECK(memcmp(&now, &old, sizeof(now)) == 0);

	/* A newer caller's output struct: the tail it knows of and we do not is zeroed. */
	memset(&big, 0xa5, sizeof(big));
	big.p.sz = sizeof(big.p) + extra;
	FUZZ_CHECK(selfseq_profile_get_params(c->prof, &big.p) == 0);
	for (uint32_t i = 0; i < extra; i++)
		FUZZ_CHECK(big.tail[i] == 0);
	for (uint32_t i = extra; i < sizeof(big.tail); i++)
		FUZZ_CHECK(big.tail[i] == 0xa5);
}

static void op_roundtrip(struct ctx *c)
{
	struct selfseq_profile_state a = { .sz = sizeof(a) }, b = { .sz = sizeof(b) };
	struct cells tr0 = { 0 }, te0 = { 0 }, tr1 = { 0 }, te1 = { 0 };
	struct selfseq_profile *q;
	size_t need = 0, n, n2;
	uint8_t *buf, *buf2;

	FUZZ_CHECK(selfseq_profile_encode(c->prof, NULL, 0, &need) == -ENOSPC);
	buf = malloc(need);
	buf2 = malloc(need);
	FUZZ_CHECK(buf && buf2);
	if (need > 1)
		FUZZ_CHECK(selfseq_profile_encode(c->prof, buf, need - 1, &n) == -ENOSPC);
	FUZZ_CHECK(selfseq_profile_encode(c->prof, buf, need, &n) == 0 && n == need);
	FUZZ_CHECK(selfseq_profile_decode(buf, n, NULL, &q) == 0);
	FUZZ_CHECK(selfseq_profile_encode(q, buf2, need, &n2) == 0 && n2 == n);
	FUZZ_CHECK(memcmp(buf, buf2, n) == 0);
	FUZZ_CHECK(selfseq_profile_get_state(c->prof, &a) == 0);
	FUZZ_CHECK(selfseq_profile_get_state(q, &b) == 0);
	a.tasks = b.tasks = 0;
	FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	profile_sets(c->prof, &tr0, &te0);
	profile_sets(q, &tr1, &te1);
	FUZZ_CHECK(same_cells(&tr0, &tr1) && same_cells(&te0, &te1));
	/* A cut file is never accepted. */
	if (n > 1) {
		struct selfseq_profile *r = NULL;

		FUZZ_CHECK(selfseq_profile_decode(buf, fuzz_u16(&c->in) % n, NULL, &r) < 0);
	}
	selfseq_profile_free(q);
	free(buf);
	free(buf2);
	free(tr0.c);
	free(te0.c);
	free(tr1.c);
	free(te1.c);
}

static void op_merge_train(struct ctx *c, const struct selfseq_db *db)
{
	struct cells a = { 0 }, b = { 0 }, want = { 0 }, got = { 0 };
	int err;

	snapshot(selfseq_profile_get_train(c->prof), &a);
	snapshot(db, &b);
	err = selfseq_profile_merge_train(c->prof, db);
	snapshot(selfseq_profile_get_train(c->prof), &got);
	if (err) {
		FUZZ_CHECK(alloc_error(err));
		FUZZ_CHECK(same_cells(&a, &got));
	} else {
		combine(&a, &b, 0, &want);
		FUZZ_CHECK(same_cells(&want, &got));
	}
	free(a.c);
	free(b.c);
	free(want.c);
	free(got.c);
}

static void op_process_window(struct ctx *c)
{
	uint32_t out[40];
	int n, err;

	read_trace(c, 40);
	err = selfseq_process_set_window(c->proc, c->trace, c->n);
	if (!trace_in_range(c)) {
		FUZZ_CHECK(err == -ERANGE);
		return;
	}
	FUZZ_CHECK(err == 0);
	n = selfseq_process_get_window(c->proc, out, 40);
	FUZZ_CHECK(n >= 0 && (size_t)n == (c->n < c->k ? c->n : c->k));
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(out[i] == c->trace[c->n - (size_t)n + (size_t)i]);
}

/* The LFC against a shadow ring of the last frame bits. */
static void op_lfc(struct ctx *c)
{
	uint32_t frame = fuzz_u16(&c->in) % 300 + 1, count = 0, max = 0, n = fuzz_u16(&c->in) % 1000;
	uint8_t *ring = calloc(frame, 1);
	struct selfseq_lfc *lfc;

	FUZZ_CHECK(ring);
	if (selfseq_lfc_new(frame, &c->fa.a, &lfc)) {
		FUZZ_CHECK(c->fa.budget >= 0);
		free(ring);
		return;
	}
	FUZZ_CHECK(selfseq_lfc_get_frame(lfc) == frame);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t bit = (uint8_t)(fuzz_u8(&c->in) & 1);

		count += bit;
		count -= ring[i % frame];
		ring[i % frame] = bit;
		if (count > max)
			max = count;
		FUZZ_CHECK(selfseq_lfc_add(lfc, bit) == count);
	}
	FUZZ_CHECK(selfseq_lfc_get(lfc) == count && selfseq_lfc_get_max(lfc) == max);
	selfseq_lfc_reset(lfc);
	FUZZ_CHECK(selfseq_lfc_get(lfc) == 0 && selfseq_lfc_get_max(lfc) == 0);
	selfseq_lfc_free(lfc);
	free(ring);
}

static void setup(struct ctx *c)
{
	struct selfseq_db_opts o = { .sz = sizeof(o) };
	struct selfseq_profile_opts po = { .sz = sizeof(po) };
	uint32_t b = fuzz_u8(&c->in), cap;
	size_t size;
	int budget = (int)fuzz_u8(&c->in);

	c->window = fuzz_u8(&c->in) % 31 + 2;
	c->k = c->window - 1;
	c->alphabet = b < 240 ? b % 40 + 1 : fuzz_u16(&c->in) % SELFSEQ_ALPHABET_MAX + 1;
	c->frame = fuzz_u8(&c->in) % 200 + 1;
	/* Mostly unlimited; sometimes a budget that runs out mid-sequence. */
	fuzz_alloc_init(&c->fa, budget < 200 ? -1 : budget - 200);

	o.window = c->window;
	o.alphabet = c->alphabet;
	o.allocator = &c->fa.a;
	FUZZ_CHECK(selfseq_db_new(&o, &c->db[0]) == 0 || c->fa.budget >= 0);
	FUZZ_CHECK(selfseq_db_new(&o, &c->db[1]) == 0 || c->fa.budget >= 0);
	cap = fuzz_u8(&c->in) % (c->alphabet + 1);
	o.capacity = cap;
	o.allocator = NULL;
	FUZZ_CHECK(selfseq_db_size(&o, &size) == 0);
	c->fixed_mem = aligned_alloc(8, (size + 7) & ~(size_t)7);
	FUZZ_CHECK(c->fixed_mem);
	FUZZ_CHECK(selfseq_db_init(c->fixed_mem, size - 1, &o, &c->db[2]) == -ENOSPC);
	FUZZ_CHECK(selfseq_db_init(c->fixed_mem, size, &o, &c->db[2]) == 0);

	po.window = c->window;
	po.alphabet = c->alphabet;
	po.lfc_frame = c->frame;
	po.allocator = &c->fa.a;
	if (selfseq_profile_new(&po, &c->prof) == 0 &&
	    selfseq_process_new(c->prof, &c->proc) != 0) {
		selfseq_profile_free(c->prof);
		c->prof = NULL;
	}
	FUZZ_CHECK(c->prof || c->fa.budget >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx *c = calloc(1, sizeof(*c));
	int ops = 0;

	FUZZ_CHECK(c);
	c->in.p = data;
	c->in.left = size;
	setup(c);
	while (c->in.left && ops++ < MAX_OPS) {
		uint32_t op = fuzz_u8(&c->in), a = fuzz_u8(&c->in) % NDB, b = (a + 1) % NDB;
		struct selfseq_db *x = c->db[a], *y = c->db[b], *z = c->db[(a + 2) % NDB];

		switch (op % 14) {
		case 0:
		case 1:
			if (x)
				op_add(c, x);
			break;
		case 2:
			if (x)
				op_score(c, x);
			break;
		case 3:
			if (x)
				op_window(c, x);
			break;
		case 4:
			if (x && y)
				op_merge(c, x, y);
			break;
		case 5:
			if (x && y && z)
				op_diff(c, z, x, y);
			break;
		case 6:
			if (x) {
				selfseq_db_reset(x);
				FUZZ_CHECK(selfseq_db_get_pairs(x) == 0 && selfseq_db_get_calls(x) == 0);
			}
			break;
		case 7:
		case 8:
			if (c->prof)
				op_feed(c);
			break;
		case 9:
			if (c->prof)
				op_profile_action(c);
			break;
		case 10:
			if (c->prof)
				op_params(c);
			break;
		case 11:
			if (c->prof)
				op_roundtrip(c);
			break;
		case 12:
			if (c->prof && x)
				op_merge_train(c, x);
			else if (c->prof)
				op_process_window(c);
			break;
		default:
			if (op & 0x80)
				op_lfc(c);
			else if (c->prof)
				op_process_window(c);
		}
	}
	for (int i = 0; i < NDB - 1; i++)
		selfseq_db_free(c->db[i]);
	selfseq_db_free(c->db[2]);	/* caller memory: releases nothing */
	free(c->fixed_mem);
	selfseq_process_free(c->proc);
	selfseq_profile_free(c->prof);
	FUZZ_CHECK(c->fa.live == 0 && c->fa.bytes == 0);
	free(c);
	return 0;
}
