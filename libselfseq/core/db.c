/* SPDX-License-Identifier: MIT */
/*
 * The lookahead-pair database: construction, growth, adding pairs, set
 * operations and iteration. Scoring lives in score.c.
 */
#include "internal.h"

/* Ids (reserved ones included) the matrix has room for when it starts growing. */
#define SS_INITIAL_CAP 16u

static uint32_t ss_cell_width(uint32_t k)
{
	return k <= 8 ? 1 : k <= 16 ? 2 : 4;
}

int ss_db_check_opts(const struct selfseq_db_opts *opts, uint32_t *window,
		     uint32_t *alphabet, uint32_t *capacity)
{
	int err = ss_opts_check(opts, sizeof(*opts));

	if (err)
		return err;
	*window = SS_OPTS_GET(opts, window, 0);
	*alphabet = SS_OPTS_GET(opts, alphabet, 0);
	*capacity = SS_OPTS_GET(opts, capacity, 0);
	if (!*window)
		*window = SELFSEQ_DEFAULT_WINDOW;
	if (!*alphabet)
		*alphabet = SELFSEQ_DEFAULT_ALPHABET;
	if (*window < SELFSEQ_WINDOW_MIN || *window > SELFSEQ_WINDOW_MAX ||
	    *alphabet > SELFSEQ_ALPHABET_MAX || *capacity > *alphabet)
		return -EINVAL;
	return 0;
}

/* Give every row in [from, cap) a full START column: a missing history never misses. */
static void ss_db_fill_start(struct selfseq_db *db, uint32_t from)
{
	uint32_t r, full = ss_kmask(db->k);

	for (r = from; r < db->cap; r++)
		ss_cell_set(db->cells + ((size_t)r * db->cap + SS_ID_START) * db->cw, db->cw, full);
}

static void ss_db_clear(struct selfseq_db *db)
{
	ss_memset(db->ids, 0, ss_ids_bytes(db->alphabet));
	ss_memset(db->cells, 0, ss_cells_bytes(db->cap, db->cw));
	db->calls[SS_ID_UNSEEN] = 0;
	db->calls[SS_ID_START] = SS_CALL_START;
	db->n = SS_ID_FIRST;
	db->pairs = 0;
	ss_db_fill_start(db, 0);
}

static void ss_db_params(struct selfseq_db *db, uint32_t window, uint32_t alphabet)
{
	db->window = window;
	db->k = window - 1;
	db->cw = ss_cell_width(db->k);
	db->alphabet = alphabet;
}

static size_t ss_fixed_bytes(uint32_t window, uint32_t alphabet, uint32_t cap)
{
	uint32_t cw = ss_cell_width(window - 1);

	return SS_ALIGN8(sizeof(struct selfseq_db)) + SS_ALIGN8(ss_ids_bytes(alphabet)) +
	       SS_ALIGN8((size_t)cap * 2) + SS_ALIGN8(ss_cells_bytes(cap, cw));
}

SELFSEQ_EXPORT int selfseq_db_size(const struct selfseq_db_opts *opts, size_t *size)
{
	uint32_t window, alphabet, capacity;
	int err = ss_db_check_opts(opts, &window, &alphabet, &capacity);

	if (err)
		return err;
	if (!size)
		return -EINVAL;
	if (!capacity)
		capacity = alphabet;
	*size = ss_fixed_bytes(window, alphabet, capacity + SS_ID_FIRST);
	return 0;
}

SELFSEQ_EXPORT int selfseq_db_init(void *mem, size_t len, const struct selfseq_db_opts *opts,
				   struct selfseq_db **out)
{
	uint32_t window, alphabet, capacity;
	struct selfseq_db *db = mem;
	uint8_t *p = mem;
	int err = ss_db_check_opts(opts, &window, &alphabet, &capacity);

	if (err)
		return err;
	if (!mem || !out || ((uintptr_t)mem & 7))
		return -EINVAL;
	if (!capacity)
		capacity = alphabet;
	if (len < ss_fixed_bytes(window, alphabet, capacity + SS_ID_FIRST))
		return -ENOSPC;
	ss_memset(db, 0, sizeof(*db));
	ss_db_params(db, window, alphabet);
	db->fixed = 1;
	db->cap = capacity + SS_ID_FIRST;
	p += SS_ALIGN8(sizeof(*db));
	db->ids = (uint16_t *)(void *)p;
	p += SS_ALIGN8(ss_ids_bytes(alphabet));
	db->calls = (uint16_t *)(void *)p;
	p += SS_ALIGN8((size_t)db->cap * 2);
	db->cells = p;
	db->held = ss_fixed_bytes(window, alphabet, db->cap) - SS_ALIGN8(sizeof(*db));
	ss_db_clear(db);
	*out = db;
	return 0;
}

int ss_db_setup(struct selfseq_db *db, uint32_t window, uint32_t alphabet,
		const struct selfseq_allocator *alloc)
{
	uint32_t cap = SS_INITIAL_CAP;
	size_t cw;

	ss_memset(db, 0, sizeof(*db));
	ss_db_params(db, window, alphabet);
	db->alloc = *alloc;
	cw = db->cw;
	if (cap > alphabet + SS_ID_FIRST)
		cap = alphabet + SS_ID_FIRST;
	db->cap = cap;
	db->ids = ss_alloc(alloc, ss_ids_bytes(alphabet));
	db->calls = ss_alloc(alloc, (size_t)cap * 2);
	db->cells = ss_alloc(alloc, ss_cells_bytes(cap, cw));
	if (!db->ids || !db->calls || !db->cells) {
		ss_db_release(db);
		return -ENOMEM;
	}
	db->held = ss_ids_bytes(alphabet) + (size_t)cap * 2 + ss_cells_bytes(cap, cw);
	ss_db_clear(db);
	return 0;
}

void ss_db_release(struct selfseq_db *db)
{
	if (db->fixed)
		return;
	ss_free(&db->alloc, db->ids, ss_ids_bytes(db->alphabet));
	ss_free(&db->alloc, db->calls, (size_t)db->cap * 2);
	ss_free(&db->alloc, db->cells, ss_cells_bytes(db->cap, db->cw));
	db->ids = NULL;
	db->calls = NULL;
	db->cells = NULL;
	db->held = 0;
}

SELFSEQ_EXPORT int selfseq_db_new(const struct selfseq_db_opts *opts, struct selfseq_db **out)
{
	uint32_t window, alphabet, capacity;
	const struct selfseq_allocator *alloc;
	struct selfseq_db *db;
	int err = ss_db_check_opts(opts, &window, &alphabet, &capacity);

	if (err)
		return err;
	if (!out)
		return -EINVAL;
	alloc = SS_OPTS_GET(opts, allocator, NULL);
	if (!alloc)
		alloc = &selfseq__default_allocator;
	db = ss_alloc(alloc, sizeof(*db));
	if (!db)
		return -ENOMEM;
	err = ss_db_setup(db, window, alphabet, alloc);
	if (!err && capacity)
		err = ss_db_reserve(db, capacity + SS_ID_FIRST);
	if (err) {
		ss_db_release(db);
		ss_free(alloc, db, sizeof(*db));
		return err;
	}
	*out = db;
	return 0;
}

SELFSEQ_EXPORT void selfseq_db_free(struct selfseq_db *db)
{
	struct selfseq_allocator alloc;

	if (!db || db->fixed)
		return;
	alloc = db->alloc;
	ss_db_release(db);
	ss_free(&alloc, db, sizeof(*db));
}

SELFSEQ_EXPORT void selfseq_db_reset(struct selfseq_db *db)
{
	if (db)
		ss_db_clear(db);
}

/*
 * Grow the matrix to hold @need ids. Grows in small steps (an eighth, at
 * least 8 ids) because the matrix is quadratic: a program's profile should
 * not carry half a matrix of slack. Growth is rare, the copy is cheap.
 */
int ss_db_reserve(struct selfseq_db *db, uint32_t need)
{
	uint32_t cap, r, limit = db->alphabet + SS_ID_FIRST;
	uint16_t *calls;
	uint8_t *cells;
	size_t cw = db->cw;

	if (need <= db->cap)
		return 0;
	if (db->fixed || need > limit)
		return -ENOSPC;
	cap = db->cap + (db->cap / 8 > 8 ? db->cap / 8 : 8);
	cap = (cap + 7) & ~7u;
	if (cap < need)
		cap = need;
	if (cap > limit)
		cap = limit;
	calls = ss_alloc(&db->alloc, (size_t)cap * 2);
	cells = ss_alloc(&db->alloc, ss_cells_bytes(cap, (uint32_t)cw));
	if (!calls || !cells) {
		ss_free(&db->alloc, calls, (size_t)cap * 2);
		ss_free(&db->alloc, cells, ss_cells_bytes(cap, (uint32_t)cw));
		return -ENOMEM;
	}
	ss_memcpy(calls, db->calls, (size_t)db->n * 2);
	for (r = 0; r < db->cap; r++)
		ss_memcpy(cells + (size_t)r * cap * cw, db->cells + (size_t)r * db->cap * cw,
			  (size_t)db->cap * cw);
	ss_free(&db->alloc, db->calls, (size_t)db->cap * 2);
	ss_free(&db->alloc, db->cells, ss_cells_bytes(db->cap, (uint32_t)cw));
	db->held += ((size_t)cap * 2 + ss_cells_bytes(cap, (uint32_t)cw)) -
		    ((size_t)db->cap * 2 + ss_cells_bytes(db->cap, (uint32_t)cw));
	db->calls = calls;
	db->cells = cells;
	r = db->cap;
	db->cap = cap;
	ss_db_fill_start(db, r);
	return 0;
}

int ss_db_intern(struct selfseq_db *db, uint32_t call)
{
	uint32_t id = db->ids[call];
	int err;

	if (SS_LIKELY(id))
		return (int)id;
	if (db->n == db->cap) {
		err = ss_db_reserve(db, db->n + 1);
		if (err)
			return err;
	}
	id = db->n++;
	db->ids[call] = (uint16_t)id;
	db->calls[id] = (uint16_t)call;
	return (int)id;
}

void ss_db_recount(struct selfseq_db *db)
{
	uint32_t r, c, pairs = 0;

	for (r = SS_ID_FIRST; r < db->n; r++)
		for (c = SS_ID_FIRST; c < db->n; c++)
			pairs += ss_popcount32(ss_cell_get(db->cells +
							   ((size_t)r * db->cap + c) * db->cw, db->cw));
	db->pairs = pairs;
}

SELFSEQ_EXPORT uint32_t selfseq_db_get_window(const struct selfseq_db *db)
{
	return db->window;
}

SELFSEQ_EXPORT uint32_t selfseq_db_get_alphabet(const struct selfseq_db *db)
{
	return db->alphabet;
}

SELFSEQ_EXPORT uint32_t selfseq_db_get_pairs(const struct selfseq_db *db)
{
	return db->pairs;
}

SELFSEQ_EXPORT uint32_t selfseq_db_get_calls(const struct selfseq_db *db)
{
	return db->n - SS_ID_FIRST;
}

SELFSEQ_EXPORT size_t selfseq_db_get_memory(const struct selfseq_db *db)
{
	return SS_ALIGN8(sizeof(*db)) + db->held;
}

static int ss_check_calls(const struct selfseq_db *db, const uint32_t *calls, size_t n)
{
	uint32_t bad = 0, alphabet = db->alphabet;
	size_t i;

	if (n && !calls)
		return -EINVAL;
	/* No early exit, so the loop vectorizes: valid input is read whole anyway. */
	for (i = 0; i < n; i++)
		bad |= calls[i] >= alphabet;
	return bad ? -ERANGE : 0;
}

#define SS_CHUNK 256u

/*
 * Set the bits of window @h (ids h[-k..0], row of h[0]) that @hits lacks;
 * returns how many. Out of line: it is the rare path of the training loop,
 * which stays shorter without it. Two distances may share a cell, so the
 * bits are set one at a time.
 */
static SS_NOINLINE uint32_t ss_add_missing(uint8_t *row, const uint32_t *h,
					    uint32_t hits, uint32_t k, uint32_t cw)
{
	uint32_t d;

	for (d = 1; d <= k; d++) {
		uint8_t *p = row + (size_t)h[-(int)d] * cw;

		if (!(hits & (1u << (d - 1))))
			ss_cell_set(p, cw, ss_cell_get(p, cw) | (1u << (d - 1)));
	}
	return k - ss_popcount32(hits);
}

/*
 * The training loop. Each window is first *tested* like the scorer does
 * (k cell loads gathered into one mask): in a trace that is mostly known,
 * the mask is full and nothing is written; only a window with a new pair
 * takes the branch that sets its missing bits, and only a call never seen
 * before takes the branch that interns it (which may grow the matrix).
 * The matrix pointer and stride live in locals, refreshed after interning:
 * the cells are bytes and may alias the struct, so the compiler would
 * otherwise reload them after every store. k is a constant in the
 * instances below, so the distance loop unrolls (see score.c).
 */
static SS_ALWAYS_INLINE int ss_db_add_ids(struct selfseq_db *db, const uint32_t *calls, size_t n,
					  const uint32_t k, const uint32_t cw)
{
	uint32_t buf[SELFSEQ_WINDOW_MAX + SS_CHUNK];
	const uint16_t *ids = db->ids;	/* alphabet-sized: never reallocated */
	const uint32_t full = ss_kmask(k);
	uint8_t *cells = db->cells;
	size_t stride = (size_t)db->cap * cw, done = 0;
	uint32_t i, m, d, added = 0;
	int err = 0;

	for (i = 0; i < k; i++)
		buf[i] = SS_ID_START;
	while (done < n && !err) {
		m = n - done > SS_CHUNK ? SS_CHUNK : (uint32_t)(n - done);
		for (i = 0; i < m; i++) {
			uint32_t *h = buf + k + i, hits = 0;
			uint8_t *row;

			h[0] = ids[calls[done + i]];
			if (SS_UNLIKELY(!h[0])) {
				int id = ss_db_intern(db, calls[done + i]);

				if (id < 0) {
					err = id;
					break;
				}
				h[0] = (uint32_t)id;
				cells = db->cells;
				stride = (size_t)db->cap * cw;
			}
			row = cells + (size_t)h[0] * stride;
#pragma GCC unroll 32
			for (d = 1; d <= k; d++)
				hits |= ss_cell_get(row + (size_t)h[-(int)d] * cw, cw) & (1u << (d - 1));
			if (SS_UNLIKELY(hits != full))
				added += ss_add_missing(row, h, hits, k, cw);
		}
		done += m;
		ss_memmove(buf, buf + m, k * sizeof(buf[0]));
	}
	db->pairs += added;
	return err;
}

/* Constant-k instances for the paper's windows 5, 6, 11 and pH's 9; others share one per width. */
static int ss_db_add_dispatch(struct selfseq_db *db, const uint32_t *calls, size_t n)
{
	switch (db->k) {
	case 4:
		return ss_db_add_ids(db, calls, n, 4, 1);
	case 5:
		return ss_db_add_ids(db, calls, n, 5, 1);
	case 8:
		return ss_db_add_ids(db, calls, n, 8, 1);
	case 10:
		return ss_db_add_ids(db, calls, n, 10, 2);
	default:
		if (db->cw == 1)
			return ss_db_add_ids(db, calls, n, db->k, 1);
		if (db->cw == 2)
			return ss_db_add_ids(db, calls, n, db->k, 2);
		return ss_db_add_ids(db, calls, n, db->k, 4);
	}
}

SELFSEQ_EXPORT int selfseq_db_add(struct selfseq_db *db, const uint32_t *calls, size_t n)
{
	int err;

	if (!db)
		return -EINVAL;
	err = ss_check_calls(db, calls, n);
	if (err)
		return err;
	return ss_db_add_dispatch(db, calls, n);
}

static int ss_check_window(const struct selfseq_db *db, const uint32_t *win, size_t len)
{
	if (!db || !win || len < 1 || len > db->window)
		return -EINVAL;
	return ss_check_calls(db, win, len);
}

SELFSEQ_EXPORT int selfseq_db_add_window(struct selfseq_db *db, const uint32_t *win, size_t len)
{
	struct ss_window w;
	size_t i;
	int err = ss_check_window(db, win, len);

	if (err)
		return err;
	ss_window_reset(&w);
	for (i = 0; i < len; i++)
		ss_window_push(&w, win[i]);
	err = ss_window_add(db, &w);
	return err < 0 ? err : 0;
}

SELFSEQ_EXPORT int selfseq_db_test_window(const struct selfseq_db *db, const uint32_t *win,
					  size_t len)
{
	struct ss_window w;
	size_t i;
	int err = ss_check_window(db, win, len);

	if (err)
		return err;
	ss_window_reset(&w);
	for (i = 0; i < len; i++)
		ss_window_push(&w, win[i]);
	return (int)ss_window_test(db, &w);
}

SELFSEQ_EXPORT int selfseq_db_get_distances(const struct selfseq_db *db, uint32_t call,
					    uint32_t prev)
{
	if (!db)
		return -EINVAL;
	if (call >= db->alphabet || prev >= db->alphabet)
		return -ERANGE;
	return (int)ss_cell_get(db->cells + ((size_t)db->ids[call] * db->cap + db->ids[prev]) *
					    db->cw, db->cw);
}

static int ss_db_compatible(const struct selfseq_db *a, const struct selfseq_db *b)
{
	return a && b && a->window == b->window && a->alphabet == b->alphabet;
}

/* OR @mask into cell (call, prev) of @db; both calls must be interned. */
static void ss_db_or(struct selfseq_db *db, uint32_t call, uint32_t prev, uint32_t mask)
{
	uint8_t *p = db->cells + ((size_t)db->ids[call] * db->cap + db->ids[prev]) * db->cw;

	ss_cell_set(p, db->cw, ss_cell_get(p, db->cw) | mask);
}

SELFSEQ_EXPORT int selfseq_db_merge(struct selfseq_db *dst, const struct selfseq_db *src)
{
	uint32_t r, c, fresh = 0;
	int err;

	if (!ss_db_compatible(dst, src) || dst == src)
		return dst && dst == src ? 0 : -EINVAL;
	for (r = SS_ID_FIRST; r < src->n; r++)
		fresh += !dst->ids[src->calls[r]];
	/* Room first, so a failure leaves dst as it was. */
	err = ss_db_reserve(dst, dst->n + fresh);
	if (err)
		return err;
	for (r = SS_ID_FIRST; r < src->n; r++)
		ss_db_intern(dst, src->calls[r]);
	for (r = SS_ID_FIRST; r < src->n; r++)
		for (c = SS_ID_FIRST; c < src->n; c++) {
			uint32_t v = ss_cell_get(src->cells + ((size_t)r * src->cap + c) * src->cw,
						 src->cw);
			if (v)
				ss_db_or(dst, src->calls[r], src->calls[c], v);
		}
	ss_db_recount(dst);
	return 0;
}

/* The distances of @a's cell (id @r, id @c) that @b lacks for the same two calls. */
static uint32_t ss_db_cell_minus(const struct selfseq_db *a, uint32_t r, uint32_t c,
				 const struct selfseq_db *b)
{
	uint32_t call = a->calls[r], prev = a->calls[c];
	uint32_t v = ss_cell_get(a->cells + ((size_t)r * a->cap + c) * a->cw, a->cw);

	return v & ~ss_cell_get(b->cells + ((size_t)b->ids[call] * b->cap + b->ids[prev]) * b->cw,
				b->cw);
}

int ss_db_within(const struct selfseq_db *a, const struct selfseq_db *b)
{
	uint32_t r, c;

	for (r = SS_ID_FIRST; r < a->n; r++)
		for (c = SS_ID_FIRST; c < a->n; c++)
			if (ss_db_cell_minus(a, r, c, b))
				return 0;
	return 1;
}

SELFSEQ_EXPORT int selfseq_db_diff(struct selfseq_db *out, const struct selfseq_db *a,
				   const struct selfseq_db *b)
{
	uint32_t r, c;
	int err;

	if (!ss_db_compatible(out, a) || !ss_db_compatible(a, b) || out == a || out == b)
		return -EINVAL;
	ss_db_clear(out);
	for (r = SS_ID_FIRST; r < a->n; r++)
		for (c = SS_ID_FIRST; c < a->n; c++) {
			uint32_t call = a->calls[r], prev = a->calls[c];
			uint32_t v = ss_db_cell_minus(a, r, c, b);

			if (!v)
				continue;
			err = ss_db_intern(out, call);
			if (err >= 0)
				err = ss_db_intern(out, prev);
			if (err < 0) {
				ss_db_recount(out);
				return err;
			}
			ss_db_or(out, call, prev, v);
		}
	ss_db_recount(out);
	return 0;
}

SELFSEQ_EXPORT int selfseq_db_next_pair(const struct selfseq_db *db, uint64_t *cursor,
					struct selfseq_pair *pair)
{
	uint32_t a, end, pos, call, prev, v;

	if (!db || !cursor || !pair)
		return -EINVAL;
	a = db->alphabet;
	end = a * a;
	for (pos = *cursor < end ? (uint32_t)*cursor : end; pos < end; pos++) {
		call = pos / a;
		prev = pos % a;
		if (db->ids[call] < SS_ID_FIRST) {
			pos = call * a + a - 1;	/* skip the whole row */
			continue;
		}
		if (db->ids[prev] < SS_ID_FIRST)
			continue;
		v = ss_cell_get(db->cells + ((size_t)db->ids[call] * db->cap + db->ids[prev]) *
						    db->cw, db->cw);
		if (v) {
			pair->call = call;
			pair->prev = prev;
			pair->distances = v;
			*cursor = (uint64_t)pos + 1;
			return 0;
		}
	}
	*cursor = end;
	return -ENOENT;
}
