/* SPDX-License-Identifier: MIT */
/*
 * Layouts and helpers shared by the core's source files; never installed.
 */
#ifndef SELFSEQ_CORE_INTERNAL_H
#define SELFSEQ_CORE_INTERNAL_H

#include "deps.h"

/*
 * Options/result structs: the caller's `sz` says how much of the struct it
 * knows. A field beyond it reads as 0; a larger struct is accepted only if
 * everything past what we know is zero (copy_struct_from_user's rule).
 */
int ss_opts_check(const void *opts, size_t known_sz);
#define SS_OPTS_HAS(opts, field) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))
#define SS_OPTS_GET(opts, field, fallback) \
	(SS_OPTS_HAS(opts, field) ? (opts)->field : (fallback))
/* Copy a result struct out, only as far as the caller's sz (common.c). */
int ss_out_copy_any(void *out, const void *full, size_t full_sz);
/*
 * The same; a caller built against this header (the usual case, and on
 * every call of the feed paths) gets an inlined fixed-size copy.
 */
static SS_ALWAYS_INLINE int ss_out_copy(void *out, const void *full, size_t full_sz)
{
	if (out && *(const size_t *)out == full_sz) {
		ss_memcpy((uint8_t *)out + sizeof(size_t), (const uint8_t *)full + sizeof(size_t),
			  full_sz - sizeof(size_t));
		return 0;
	}
	return ss_out_copy_any(out, full, full_sz);
}

void *ss_alloc(const struct selfseq_allocator *a, size_t size);
void ss_free(const struct selfseq_allocator *a, void *ptr, size_t size);

#define SS_ALIGN8(x) (((x) + 7) & ~(size_t)7)

/*
 * Pair database. Calls are mapped to dense ids; the cells form an
 * id x id matrix (`cap` columns) with one word of k bits per cell,
 * 1, 2 or 4 bytes wide depending on k. Two ids are reserved:
 *  - SS_ID_UNSEEN: every call the database has never seen maps here; its
 *    row and column stay empty, so its pairs always miss, without a branch;
 *  - SS_ID_START: stands for "before the trace began"; its column is all
 *    ones in every row, so a short history never counts as a miss.
 */
#define SS_ID_UNSEEN 0u
#define SS_ID_START 1u
#define SS_ID_FIRST 2u
/* Raw value a window uses for "before the start"; no alphabet reaches it. */
#define SS_CALL_START 0xffffu

struct selfseq_db {
	uint32_t window;
	uint32_t k;		/* window - 1 */
	uint32_t cw;		/* bytes per cell: 1, 2 or 4 */
	uint32_t alphabet;
	uint32_t n;		/* ids in use, including the two reserved */
	uint32_t cap;		/* ids the matrix has room for */
	uint32_t pairs;		/* triples held */
	uint32_t fixed;		/* placed in caller memory: never grows or frees */
	uint16_t *ids;		/* alphabet entries: call -> id (0 = unseen) */
	uint16_t *calls;	/* cap entries: id -> call */
	uint8_t *cells;		/* cap * cap * cw bytes, then SS_GATHER_PAD */
	size_t held;		/* bytes allocated for ids, calls and cells */
	struct selfseq_allocator alloc;
};

/*
 * The vector scorer (userland, x86-64) loads a 32-bit word at any entry of
 * the id map and at any cell: both arrays have that many bytes after them.
 */
#define SS_GATHER_PAD 4u

static SS_ALWAYS_INLINE size_t ss_ids_bytes(uint32_t alphabet)
{
	return (size_t)alphabet * 2 + SS_GATHER_PAD;
}

static SS_ALWAYS_INLINE size_t ss_cells_bytes(uint32_t cap, uint32_t cw)
{
	return (size_t)cap * cap * cw + SS_GATHER_PAD;
}

static SS_ALWAYS_INLINE uint32_t ss_cell_get(const uint8_t *p, uint32_t cw)
{
	switch (cw) {
	case 1:
		return *p;
	case 2:
		return *(const uint16_t *)(const void *)p;
	default:
		return *(const uint32_t *)(const void *)p;
	}
}

static SS_ALWAYS_INLINE void ss_cell_set(uint8_t *p, uint32_t cw, uint32_t v)
{
	switch (cw) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)(void *)p = (uint16_t)v;
		break;
	default:
		*(uint32_t *)(void *)p = v;
	}
}

static inline uint32_t ss_kmask(uint32_t k)
{
	return k >= 32 ? 0xffffffffu : ((1u << k) - 1u);
}

/* Id of a raw window entry (a call number or SS_CALL_START) in a database's id map. */
static SS_ALWAYS_INLINE uint32_t ss_id_of(const uint16_t *ids, uint32_t call)
{
	return call == SS_CALL_START ? SS_ID_START : ids[call];
}

/*
 * The batch scorer's locality frame (frames up to SS_LFC_RING; pH's is
 * 128): the positions of the anomalous calls still in the frame. Larger
 * frames are rescored separately (score.c).
 */
#define SS_LFC_RING 128u

struct ss_lfc_track {
	uint32_t pos[SS_LFC_RING];
	uint32_t head, cnt, max, frame;
};

static SS_ALWAYS_INLINE void ss_lfc_track_init(struct ss_lfc_track *t, uint32_t frame)
{
	t->head = t->cnt = t->max = 0;
	t->frame = frame;
}

/* The highest count reached; 0 without a frame. */
static SS_ALWAYS_INLINE uint32_t ss_lfc_track_max(const struct ss_lfc_track *t)
{
	return t->frame ? t->max : 0;
}

/* An anomalous call at @pos: drop those that left the frame, count this one. */
static SS_ALWAYS_INLINE void ss_lfc_track_hit(struct ss_lfc_track *t, uint32_t pos)
{
	/* Truncated positions compare correctly: the frame is far below 2^32. */
	while (t->cnt && pos - t->pos[t->head] >= t->frame) {
		t->head = (t->head + 1) & (SS_LFC_RING - 1);
		t->cnt--;
	}
	t->pos[(t->head + t->cnt++) & (SS_LFC_RING - 1)] = pos;
	if (t->cnt > t->max)
		t->max = t->cnt;
}

#ifdef SS_VECTOR_SCORE
/*
 * The batch scorer with vector instructions (libselfseq/score-vector.c,
 * userland x86-64 only): scores like ss_score_ids() and returns 1, or
 * returns 0 when the CPU or the window does not allow it. Unless @checked,
 * it checks the calls against the alphabet as it goes: -ERANGE then, with
 * nothing written to @misses (it is only given checked calls). @s->max_lfc
 * holds the frame on entry, as for ss_score_ids().
 */
int selfseq__score_vector(const struct selfseq_db *db, const uint32_t *calls, size_t n,
			  uint8_t *misses, struct selfseq_score *s, int checked);
/* For tests: 1 selects the vector scorer if the CPU has it (returns whether it does), 0 the scalar one. */
int selfseq__score_vector_set(int on);
#endif

/* Id for @call, assigning (and growing) when new; negative errno when full. */
int ss_db_intern(struct selfseq_db *db, uint32_t call);
/* Make room for @need ids in total; negative errno. */
int ss_db_reserve(struct selfseq_db *db, uint32_t need);
/* Recount db->pairs from the cells. */
void ss_db_recount(struct selfseq_db *db);
/* Whether every pair of @a is in @b (same window and alphabet). */
int ss_db_within(const struct selfseq_db *a, const struct selfseq_db *b);
int ss_db_check_opts(const struct selfseq_db_opts *opts, uint32_t *window,
		     uint32_t *alphabet, uint32_t *capacity);
/* Init a database whose arrays are allocated (not fixed). */
int ss_db_setup(struct selfseq_db *db, uint32_t window, uint32_t alphabet,
		const struct selfseq_allocator *alloc);
void ss_db_release(struct selfseq_db *db);

/*
 * A window of recent raw calls: a 32-entry ring (the largest window), so
 * positions wrap with a mask instead of a division. Empty slots hold
 * SS_CALL_START. Each call is written twice, at its slot and 32 entries
 * later, so the newest 32 calls always end contiguously at
 * call[pos + SS_RING]: the window test reads them at constant offsets.
 */
#define SS_RING 32u
struct ss_window {
	uint16_t call[2 * SS_RING];
	uint32_t pos;		/* slot of the newest call */
};

void ss_window_reset(struct ss_window *w);
static SS_ALWAYS_INLINE void ss_window_push(struct ss_window *w, uint32_t call)
{
	w->pos = (w->pos + 1) & (SS_RING - 1);
	w->call[w->pos] = (uint16_t)call;
	w->call[w->pos + SS_RING] = (uint16_t)call;
}
/* Missing pairs of the newest call of @w in @db. */
uint32_t ss_window_test(const struct selfseq_db *db, const struct ss_window *w);
/* Add the newest call's pairs to @db; 1 if any was new, 0, or negative errno. */
int ss_window_add(struct selfseq_db *db, const struct ss_window *w);

/* Locality frame counter: a bit per call of the frame. */
struct selfseq_lfc {
	uint32_t frame;
	uint32_t pos;		/* slot of the newest call */
	uint32_t count;
	uint32_t max;
	uint32_t owned;		/* allocated by selfseq_lfc_new */
	struct selfseq_allocator alloc;
	uint64_t bits[];
};
size_t ss_lfc_bytes(uint32_t frame);
void ss_lfc_setup(struct selfseq_lfc *lfc, uint32_t frame);

/* pH's profile: training and testing sets plus counters (profile.c). */
struct selfseq_profile {
	struct selfseq_db train;
	struct selfseq_db test;
	uint32_t flags;		/* SELFSEQ_STATE_* */
	uint32_t lfc_frame;
	uint32_t arch;
	uint32_t tasks;
	/* Bumped by operator actions: attached processes restart their LFC. */
	uint32_t epoch;
	/*
	 * Every pair of the testing set is in the training set (true from
	 * normalization, which copies one into the other, until the training
	 * set is reset): a window complete in the testing set is complete in
	 * the training set too, and a normal process tests it only once.
	 */
	uint32_t test_in_train;
	uint64_t count;
	uint64_t train_count;
	uint64_t last_mod_count;
	uint64_t sequences;
	uint64_t anomalies;
	uint64_t normal_time;
	struct selfseq_params params;
	struct selfseq_allocator alloc;
	/* Executable path or other key; NUL-terminated, key_len bytes before it. */
	char *key;
	uint32_t key_len;
};

int ss_profile_check_params(const struct selfseq_params *p);
/* Longest key (bytes, without the NUL): PATH_MAX - 1. */
#define SS_KEY_MAX 4095u
/* Replace the key with @len bytes (no NUL among them); negative errno (profile-key.c). */
int ss_profile_set_key_bytes(struct selfseq_profile *p, const char *key, uint32_t len);
void ss_profile_key_release(struct selfseq_profile *p);
void ss_profile_default_params(struct selfseq_params *p);

#endif /* SELFSEQ_CORE_INTERNAL_H */
