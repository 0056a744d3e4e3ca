/* SPDX-License-Identifier: MIT */
/*
 * Scoring: the batch scorer over arrays, the per-call window used by
 * streams and processes, and the streaming scorer.
 */
#include "internal.h"

SELFSEQ_EXPORT uint64_t selfseq_max_mismatches(uint32_t window, uint64_t calls)
{
	uint64_t k = window - 1;

	if (window < SELFSEQ_WINDOW_MIN || window > SELFSEQ_WINDOW_MAX)
		return 0;
	/* Call i has min(i, k) predecessors within reach: sum them. */
	if (calls <= k)
		return calls ? calls * (calls - 1) / 2 : 0;
	return k * calls - k * (k + 1) / 2;
}

void ss_window_reset(struct ss_window *w)
{
	uint32_t i;

	for (i = 0; i < 2 * SS_RING; i++)
		w->call[i] = SS_CALL_START;
	w->pos = 0;
}

/*
 * The bits of the newest call's window present in @db. The cell width and,
 * for the common windows, k are constants in each instance, so the loop
 * unrolls into one call load, one id load and one cell load per distance.
 * Once a call is at distance k (nearly always) no START is in reach and
 * the ids need no check for it.
 */
static SS_ALWAYS_INLINE uint32_t ss_window_hits(const struct selfseq_db *db,
						const struct ss_window *w, const uint32_t k,
						const uint32_t cw)
{
	const uint16_t *ids = db->ids;
	const uint16_t *c = w->call + w->pos + SS_RING;	/* c[-d]: the call at distance d */
	const uint8_t *row = db->cells + (size_t)ss_id_of(ids, c[0]) * db->cap * cw;
	uint32_t d, hits = 0;

	/* Calls fill the ring in order after a reset: a call at distance k means no START in reach. */
	if (SS_LIKELY(c[-(int)k] != SS_CALL_START)) {
#pragma GCC unroll 32
		for (d = 1; d <= k; d++)
			hits |= ss_cell_get(row + (size_t)ids[c[-(int)d]] * cw, cw) & (1u << (d - 1));
		return hits;
	}
	for (d = 1; d <= k; d++)
		hits |= ss_cell_get(row + (size_t)ss_id_of(ids, c[-(int)d]) * cw, cw) &
			(1u << (d - 1));
	return hits;
}

uint32_t ss_window_test(const struct selfseq_db *db, const struct ss_window *w)
{
	uint32_t hits;

	/* The same constant-k instances as the batch scorer; others one per width. */
	switch (db->k) {
	case 4:
		hits = ss_window_hits(db, w, 4, 1);
		break;
	case 5:
		hits = ss_window_hits(db, w, 5, 1);
		break;
	case 8:
		hits = ss_window_hits(db, w, 8, 1);
		break;
	case 10:
		hits = ss_window_hits(db, w, 10, 2);
		break;
	default:
		if (db->cw == 1)
			hits = ss_window_hits(db, w, db->k, 1);
		else if (db->cw == 2)
			hits = ss_window_hits(db, w, db->k, 2);
		else
			hits = ss_window_hits(db, w, db->k, 4);
	}
	/* Nearly every window is complete: no popcount then. */
	return SS_LIKELY(hits == ss_kmask(db->k)) ? 0 : db->k - ss_popcount32(hits);
}

int ss_window_add(struct selfseq_db *db, const struct ss_window *w)
{
	const uint32_t cw = db->cw;
	uint32_t d, added = 0;
	uint8_t *row;
	int cur, prev;

	cur = ss_db_intern(db, w->call[w->pos]);
	if (cur < 0)
		return cur;
	for (d = 1; d <= db->k; d++) {
		uint32_t call = w->call[(w->pos - d) & (SS_RING - 1)];
		uint32_t v, bit = 1u << (d - 1);
		uint8_t *p;

		if (call == SS_CALL_START)
			break;
		prev = ss_db_intern(db, call);
		if (prev < 0) {
			/* The bits of the nearer distances are set: count them (found by fuzz/api). */
			db->pairs += added;
			return prev;
		}
		/* Interning may grow the matrix: take the row afterwards. */
		row = db->cells + (size_t)cur * db->cap * cw;
		p = row + (size_t)prev * cw;
		v = ss_cell_get(p, cw);
		if (!(v & bit)) {
			ss_cell_set(p, cw, v | bit);
			added++;
		}
	}
	db->pairs += added;
	return added ? 1 : 0;
}

/* Missing pairs of the call at @i, from the raw trace (for the LFC's leaving call). */
static uint32_t ss_misses_at(const struct selfseq_db *db, const uint32_t *calls, size_t i)
{
	const uint8_t *row = db->cells + (size_t)db->ids[calls[i]] * db->cap * db->cw;
	uint32_t d, hits = 0, reach = i < db->k ? (uint32_t)i : db->k;

	for (d = 1; d <= reach; d++)
		hits |= ss_cell_get(row + (size_t)db->ids[calls[i - d]] * db->cw, db->cw) &
			(1u << (d - 1));
	return reach - ss_popcount32(hits);
}

#define SS_CHUNK 256u

/*
 * The hot loop: each call is translated to its id into a buffer holding k
 * ids of history (START ids before the trace; the last k move to the front
 * after each chunk). Each call then costs k cell loads gathered into one
 * mask, with no branch on the data: unseen calls have an empty row and
 * column, START a full column. Only a call with a missing pair (rare in
 * normal traces) takes the branch that counts its misses, so the common
 * path has no popcount.
 *
 * k is a parameter so that the callers below can instantiate it with a
 * constant: the distance loop then unrolls, bits become immediates and the
 * ids of the window stay in registers. db's fields are read into locals
 * once: the cells are bytes, which may alias anything.
 */
static SS_ALWAYS_INLINE void ss_score_ids(const struct selfseq_db *db, const uint32_t *calls,
					  size_t n, uint8_t *misses, struct selfseq_score *s,
					  const uint32_t k, const uint32_t cw)
{
	uint32_t buf[SELFSEQ_WINDOW_MAX + SS_CHUNK];
	struct ss_lfc_track lfc;
	const uint16_t *ids = db->ids;
	const uint8_t *cells = db->cells;
	const size_t stride = (size_t)db->cap * cw;
	const uint32_t full = ss_kmask(k);
	uint64_t mism = 0, anom = 0;
	size_t done = 0;
	uint32_t i, m, d;

	ss_lfc_track_init(&lfc, s->max_lfc);
	for (i = 0; i < k; i++)
		buf[i] = SS_ID_START;
	while (done < n) {
		m = n - done > SS_CHUNK ? SS_CHUNK : (uint32_t)(n - done);
		for (i = 0; i < m; i++) {
			uint32_t *h = buf + k + i;
			const uint8_t *row = cells + (size_t)(h[0] = ids[calls[done + i]]) * stride;
			uint32_t hits = 0, miss = 0;

#pragma GCC unroll 32
			for (d = 1; d <= k; d++)
				hits |= ss_cell_get(row + (size_t)h[-(int)d] * cw, cw) & (1u << (d - 1));
			if (SS_UNLIKELY(hits != full)) {
				miss = k - ss_popcount32(hits);
				mism += miss;
				anom++;
				/* The LFC only grows at an anomalous call. */
				ss_lfc_track_hit(&lfc, (uint32_t)(done + i));
			}
			if (misses)
				misses[done + i] = (uint8_t)miss;
		}
		done += m;
		ss_memmove(buf, buf + m, k * sizeof(buf[0]));
	}
	s->mismatches = mism;
	s->anomalous_calls = anom;
	s->max_lfc = ss_lfc_track_max(&lfc);
}

/* Constant-k instances for the paper's windows 5, 6, 11 and pH's 9; others share one per width. */
static SS_ALWAYS_INLINE void ss_score_k(const struct selfseq_db *db, const uint32_t *calls,
					size_t n, uint8_t *misses, struct selfseq_score *s)
{
	switch (db->k) {
	case 4:
		ss_score_ids(db, calls, n, misses, s, 4, 1);
		break;
	case 5:
		ss_score_ids(db, calls, n, misses, s, 5, 1);
		break;
	case 8:
		ss_score_ids(db, calls, n, misses, s, 8, 1);
		break;
	case 10:
		ss_score_ids(db, calls, n, misses, s, 10, 2);
		break;
	default:
		if (db->cw == 1)
			ss_score_ids(db, calls, n, misses, s, db->k, 1);
		else if (db->cw == 2)
			ss_score_ids(db, calls, n, misses, s, db->k, 2);
		else
			ss_score_ids(db, calls, n, misses, s, db->k, 4);
	}
}

/* Whether every call is below @alphabet. No early exit, so the loop vectorizes. */
static int ss_calls_valid(const uint32_t *calls, size_t n, uint32_t alphabet)
{
	uint32_t bad = 0;
	size_t i;

	for (i = 0; i < n; i++)
		bad |= calls[i] >= alphabet;
	return !bad;
}

/*
 * Score with the vector scorer or the scalar loop. Unless @checked, the
 * calls are checked against the alphabet first (-ERANGE, nothing scored);
 * the vector scorer does it while it maps calls to ids, which saves a pass
 * over the trace. Without per-call output the scalar loop has one register
 * and one test less.
 */
static int ss_score_dispatch(const struct selfseq_db *db, const uint32_t *calls, size_t n,
			     uint8_t *misses, struct selfseq_score *s, int checked)
{
#ifdef SS_VECTOR_SCORE
	int r = selfseq__score_vector(db, calls, n, misses, s, checked);

	if (r)
		return r < 0 ? r : 0;
#endif
	if (!checked && !ss_calls_valid(calls, n, db->alphabet))
		return -ERANGE;
	if (misses)
		ss_score_k(db, calls, n, misses, s);
	else
		ss_score_k(db, calls, n, NULL, s);
	return 0;
}

static uint32_t ss_ppm(uint64_t mism, uint64_t max)
{
	/* mism <= max < 2^40 for any real trace, so mism * 10^6 does not overflow. */
	return max ? (uint32_t)ss_div_u64(mism * 1000000u, max) : 0;
}

/* Checks shared by the single and the many-trace scorers; reads the options. */
static int ss_score_args(const struct selfseq_db *db, const uint32_t *calls, size_t n,
			 const struct selfseq_score_opts *opts, uint8_t **misses, uint32_t *frame)
{
	int err = ss_opts_check(opts, sizeof(*opts));

	if (err)
		return err;
	if (!db || (n && !calls))
		return -EINVAL;
	*misses = SS_OPTS_GET(opts, misses, NULL);
	*frame = SS_OPTS_GET(opts, lfc_frame, 0);
	return *frame > SELFSEQ_LFC_FRAME_MAX ? -EINVAL : 0;
}

/* Score one trace (@checked: its calls are known to be valid); writes the caller's struct. */
static int ss_score_trace(const struct selfseq_db *db, const uint32_t *calls, size_t n,
			  uint8_t *misses, uint32_t frame, struct selfseq_score *score, int checked)
{
	struct selfseq_score s;
	size_t i;
	int err;

	ss_memset(&s, 0, sizeof(s));
	s.sz = sizeof(s);
	/* In: the frame for the hot loop's LFC (0: none or too large for it); out: max LFC. */
	s.max_lfc = frame <= SS_LFC_RING ? frame : 0;
	err = ss_score_dispatch(db, calls, n, misses, &s, checked);
	if (err)
		return err;
	if (frame > SS_LFC_RING) {
		/* A large frame slides over the trace: the call leaving it is rescored. */
		uint32_t lfc = 0;

		for (i = 0; i < n; i++) {
			lfc += ss_misses_at(db, calls, i) != 0;
			if (i >= frame)
				lfc -= ss_misses_at(db, calls, i - frame) != 0;
			if (lfc > s.max_lfc)
				s.max_lfc = lfc;
		}
	}
	s.calls = n;
	s.max_mismatches = selfseq_max_mismatches(db->window, n);
	s.ppm = ss_ppm(s.mismatches, s.max_mismatches);
	return ss_out_copy(score, &s, sizeof(s));
}

SELFSEQ_EXPORT int selfseq_db_score(const struct selfseq_db *db, const uint32_t *calls, size_t n,
				    const struct selfseq_score_opts *opts,
				    struct selfseq_score *score)
{
	uint8_t *misses;
	uint32_t frame;
	int err = ss_score_args(db, calls, n, opts, &misses, &frame);

	if (err)
		return err;
	if (!score)
		return -EINVAL;
	/* Per-call output is written as scoring goes: check first, so an error writes nothing. */
	if (misses && !ss_calls_valid(calls, n, db->alphabet))
		return -ERANGE;
	return ss_score_trace(db, calls, n, misses, frame, score, misses != NULL);
}

SELFSEQ_EXPORT int selfseq_db_score_many(const struct selfseq_db *db, const uint32_t *calls,
					 const uint64_t *ends, size_t ntraces,
					 const struct selfseq_score_opts *opts,
					 struct selfseq_score *scores)
{
	uint64_t start = 0, total;
	uint8_t *misses, *out = (uint8_t *)scores;
	uint32_t frame;
	size_t i, stride;
	int err;

	if (!ntraces)
		return 0;
	if (!ends || !scores || scores->sz < sizeof(size_t))
		return -EINVAL;
	for (i = 0; i < ntraces; i++) {
		if (ends[i] < start)
			return -EINVAL;
		start = ends[i];
	}
	total = ends[ntraces - 1];
	if (total != (size_t)total)
		return -EOVERFLOW;
	err = ss_score_args(db, calls, (size_t)total, opts, &misses, &frame);
	if (err)
		return err;
	/* All traces are checked before any result is written. */
	if (!ss_calls_valid(calls, (size_t)total, db->alphabet))
		return -ERANGE;
	/* The caller's struct size is the array's stride. */
	stride = scores->sz;
	for (i = 0, start = 0; i < ntraces; start = ends[i++]) {
		struct selfseq_score *score = (struct selfseq_score *)(void *)(out + i * stride);

		score->sz = stride;
		err = ss_score_trace(db, calls + start, (size_t)(ends[i] - start),
				     misses ? misses + start : NULL, frame, score, 1);
		if (err)
			return err;
	}
	return 0;
}

struct selfseq_stream {
	struct ss_window win;
	uint32_t window;
	uint32_t owned;
	struct selfseq_allocator alloc;
	uint64_t calls, mismatches, anomalous;
	struct selfseq_lfc *lfc;	/* in the same block, after the stream; NULL if none */
};

static int ss_stream_opts(const struct selfseq_stream_opts *opts, uint32_t *window,
			  uint32_t *frame)
{
	int err = ss_opts_check(opts, sizeof(*opts));

	if (err)
		return err;
	*window = SS_OPTS_GET(opts, window, 0);
	*frame = SS_OPTS_GET(opts, lfc_frame, 0);
	if (!*window)
		*window = SELFSEQ_DEFAULT_WINDOW;
	if (*window < SELFSEQ_WINDOW_MIN || *window > SELFSEQ_WINDOW_MAX ||
	    *frame > SELFSEQ_LFC_FRAME_MAX)
		return -EINVAL;
	return 0;
}

static size_t ss_stream_bytes(uint32_t frame)
{
	return SS_ALIGN8(sizeof(struct selfseq_stream)) + (frame ? ss_lfc_bytes(frame) : 0);
}

SELFSEQ_EXPORT int selfseq_stream_size(const struct selfseq_stream_opts *opts, size_t *size)
{
	uint32_t window, frame;
	int err = ss_stream_opts(opts, &window, &frame);

	if (err)
		return err;
	if (!size)
		return -EINVAL;
	*size = ss_stream_bytes(frame);
	return 0;
}

static void ss_stream_setup(struct selfseq_stream *s, uint32_t window, uint32_t frame)
{
	ss_memset(s, 0, sizeof(*s));
	s->window = window;
	if (frame) {
		s->lfc = (struct selfseq_lfc *)(void *)((uint8_t *)s +
							SS_ALIGN8(sizeof(struct selfseq_stream)));
		ss_lfc_setup(s->lfc, frame);
	}
	selfseq_stream_reset(s);
}

SELFSEQ_EXPORT int selfseq_stream_init(void *mem, size_t len,
				       const struct selfseq_stream_opts *opts,
				       struct selfseq_stream **out)
{
	uint32_t window, frame;
	int err = ss_stream_opts(opts, &window, &frame);

	if (err)
		return err;
	if (!mem || !out || ((uintptr_t)mem & 7))
		return -EINVAL;
	if (len < ss_stream_bytes(frame))
		return -ENOSPC;
	ss_stream_setup(mem, window, frame);
	*out = mem;
	return 0;
}

SELFSEQ_EXPORT int selfseq_stream_new(const struct selfseq_stream_opts *opts,
				      struct selfseq_stream **out)
{
	const struct selfseq_allocator *alloc;
	uint32_t window, frame;
	struct selfseq_stream *s;
	int err = ss_stream_opts(opts, &window, &frame);

	if (err)
		return err;
	if (!out)
		return -EINVAL;
	alloc = SS_OPTS_GET(opts, allocator, NULL);
	if (!alloc)
		alloc = &selfseq__default_allocator;
	s = ss_alloc(alloc, ss_stream_bytes(frame));
	if (!s)
		return -ENOMEM;
	ss_stream_setup(s, window, frame);
	s->owned = 1;
	s->alloc = *alloc;
	*out = s;
	return 0;
}

SELFSEQ_EXPORT void selfseq_stream_free(struct selfseq_stream *s)
{
	struct selfseq_allocator alloc;

	if (!s || !s->owned)
		return;
	alloc = s->alloc;
	ss_free(&alloc, s, ss_stream_bytes(s->lfc ? s->lfc->frame : 0));
}

SELFSEQ_EXPORT void selfseq_stream_reset(struct selfseq_stream *s)
{
	if (!s)
		return;
	ss_window_reset(&s->win);
	s->calls = s->mismatches = s->anomalous = 0;
	if (s->lfc)
		selfseq_lfc_reset(s->lfc);
}

SELFSEQ_EXPORT int selfseq_stream_feed(struct selfseq_stream *s, const struct selfseq_db *db,
				       uint32_t call)
{
	uint32_t miss;

	if (!s || !db || db->window != s->window)
		return -EINVAL;
	if (call >= db->alphabet)
		return -ERANGE;
	ss_window_push(&s->win, call);
	miss = ss_window_test(db, &s->win);
	s->calls++;
	s->mismatches += miss;
	s->anomalous += miss != 0;
	if (s->lfc)
		selfseq_lfc_add(s->lfc, miss != 0);
	return (int)miss;
}

SELFSEQ_EXPORT int selfseq_stream_get_score(const struct selfseq_stream *s,
					    struct selfseq_score *score)
{
	struct selfseq_score out;

	if (!s)
		return -EINVAL;
	ss_memset(&out, 0, sizeof(out));
	out.sz = sizeof(out);
	out.calls = s->calls;
	out.mismatches = s->mismatches;
	out.anomalous_calls = s->anomalous;
	out.max_mismatches = selfseq_max_mismatches(s->window, s->calls);
	out.ppm = ss_ppm(out.mismatches, out.max_mismatches);
	out.max_lfc = s->lfc ? selfseq_lfc_get_max(s->lfc) : 0;
	return ss_out_copy(score, &out, sizeof(out));
}
