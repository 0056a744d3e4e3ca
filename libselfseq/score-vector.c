/* SPDX-License-Identifier: MIT */
/*
 * The batch scorer with AVX-512 (userland x86-64; the kernel module keeps
 * the scalar loop of core/score.c, which also serves every other CPU).
 *
 * The scalar loop spends most of its loads re-reading the ids of the
 * previous k calls. Here 16 consecutive calls are scored at once: their
 * ids sit in one vector, the ids at distance d come from that vector and
 * the previous one by a lane shift (valignd), and one gather per distance
 * fetches the 16 cells. Only a block holding an anomalous call leaves the
 * vector registers, to count its misses and advance the locality frame in
 * call order, exactly as the scalar loop does. Windows up to 17 (k <= 16:
 * one previous vector reaches back far enough); larger ones stay scalar.
 *
 * The gathers read a 32-bit word at each id-map entry and each cell,
 * whatever the cell width: both arrays are padded for it (SS_GATHER_PAD),
 * and bits above the cell are never tested.
 *
 * Selected at run time (the CPU must have AVX-512F); SELFSEQ_NO_SIMD=1 in
 * the environment keeps the scalar loop, e.g. to compare the two.
 */
#include <stdlib.h>

#include "core/internal.h"

#ifdef SS_VECTOR_SCORE
#include <immintrin.h>

#define SS_VCHUNK 512u	/* calls whose ids are looked up in one pass */
#define SS_VTARGET __attribute__((target("avx512f")))

/* -1: not probed yet; 0: scalar; 1: vector. Racing first callers store the same value. */
static int ss_vector_state = -1;

int selfseq__score_vector_set(int on)
{
	__builtin_cpu_init();
	on = on && __builtin_cpu_supports("avx512f");
	__atomic_store_n(&ss_vector_state, on, __ATOMIC_RELAXED);
	return on;
}

/* The first score: the CPU decides, unless SELFSEQ_NO_SIMD says no. */
static int ss_vector_probe(void)
{
	const char *off = getenv("SELFSEQ_NO_SIMD");

	return selfseq__score_vector_set(!(off && *off && *off != '0'));
}

/* A block with anomalous calls: count them in call order (rare in normal traces). */
static SS_VTARGET void ss_vector_block_misses(__m512i miss_lo, __m512i miss_hi, uint32_t anomalous,
					      uint32_t pos, uint8_t *misses, uint64_t *mism,
					      uint64_t *anom, struct ss_lfc_track *lfc)
{
	uint32_t lanes[32];

	_mm512_storeu_si512((void *)lanes, miss_lo);
	_mm512_storeu_si512((void *)(lanes + 16), miss_hi);
	while (anomalous) {
		uint32_t j = (uint32_t)__builtin_ctz(anomalous), miss = ss_popcount32(lanes[j]);

		anomalous &= anomalous - 1;
		*mism += miss;
		(*anom)++;
		ss_lfc_track_hit(lfc, pos + j);
		if (misses)
			misses[pos + j] = (uint8_t)miss;
	}
}

/*
 * The cells at distance d of 16 calls: row offsets @r, ids @cur, the 16
 * before them @before, lanes @lanes (those inside the trace). A gather
 * merges into its destination, so it waits for whatever last wrote that
 * register: a zero source the compiler must honour (the mask is not a
 * constant) makes it clear the register first, which the CPU does without
 * waiting, and the gathers of one block overlap.
 */
#define SS_GATHER(r, cur, before, d, lanes)                                                   \
	_mm512_mask_i32gather_epi32(_mm512_setzero_si512(), (lanes),                            \
				    _mm512_add_epi32((r), _mm512_alignr_epi32((cur), (before), 16 - (d))), \
				    (const void *)cells, 1)
/* hits |= cell & bit(d): ternary logic 0xF8 is A | (B & C). */
#define SS_STEP(d)                                                                            \
	if ((d) <= k) {                                                                       \
		const __m512i bit = _mm512_set1_epi32(1 << ((d) - 1));                       \
		h0 = _mm512_ternarylogic_epi32(h0, SS_GATHER(r0, c0, prev, d, v0), bit, 0xF8); \
		h1 = _mm512_ternarylogic_epi32(h1, SS_GATHER(r1, c1, c0, d, v1), bit, 0xF8);   \
	}

static SS_VTARGET SS_ALWAYS_INLINE int ss_vector_score_k(const struct selfseq_db *db,
							const uint32_t *calls, size_t n,
							uint8_t *misses, struct selfseq_score *s,
							int checked, const uint32_t k)
{
	uint32_t buf[SS_VCHUNK + 16] __attribute__((aligned(64)));
	const uint8_t *cells = db->cells;
	const uint32_t cw = db->cw;
	const __m512i cap = _mm512_set1_epi32((int)db->cap);
	const __m512i full = _mm512_set1_epi32((int)ss_kmask(k));
	const __m512i low16 = _mm512_set1_epi32(0xffff);
	const __m512i alphabet = _mm512_set1_epi32((int)db->alphabet);
	/* Ids scaled by the cell width: a column's byte offset, and id * cap is the row's. */
	__m512i prev = _mm512_set1_epi32((int)(SS_ID_START * cw));
	struct ss_lfc_track lfc;
	uint64_t mism = 0, anom = 0;
	size_t done = 0;

	ss_lfc_track_init(&lfc, s->max_lfc);
	while (done < n) {
		uint32_t m = n - done > SS_VCHUNK ? SS_VCHUNK : (uint32_t)(n - done), i;
		__mmask16 bad = 0;

		for (i = 0; i < m; i += 16) {
			/* Lanes past the trace read nothing and get id 0 (unseen). */
			__mmask16 w = m - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (m - i)) - 1);
			__m512i c = _mm512_maskz_loadu_epi32(w, calls + done + i), id;

			/* A call outside the alphabet is not looked up, and ends the scoring below. */
			if (!checked) {
				__mmask16 out = _mm512_mask_cmpge_epu32_mask(w, c, alphabet);

				bad |= out;
				w &= (__mmask16)~out;
			}
			id = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), w, c,
							 (const void *)db->ids, 2);

			id = _mm512_and_si512(id, low16);
			if (cw == 2)
				id = _mm512_slli_epi32(id, 1);
			else if (cw == 4)
				id = _mm512_slli_epi32(id, 2);
			_mm512_store_si512((void *)(buf + i), id);
		}
		if (bad)
			return -ERANGE;
		if (i & 16)
			_mm512_store_si512((void *)(buf + i), _mm512_setzero_si512());
		for (i = 0; i < m; i += 32) {
			const uint32_t left = m - i;
			const uint32_t valid = left >= 32 ? 0xffffffffu : (1u << left) - 1;
			__m512i c0 = _mm512_load_si512((const void *)(buf + i));
			__m512i c1 = _mm512_load_si512((const void *)(buf + i + 16));
			__m512i r0 = _mm512_mullo_epi32(c0, cap), r1 = _mm512_mullo_epi32(c1, cap);
			__m512i h0 = _mm512_setzero_si512(), h1 = _mm512_setzero_si512(), m0, m1;
			const __mmask16 v0 = (__mmask16)valid, v1 = (__mmask16)(valid >> 16);
			uint32_t a;

			SS_STEP(1) SS_STEP(2) SS_STEP(3) SS_STEP(4)
			SS_STEP(5) SS_STEP(6) SS_STEP(7) SS_STEP(8)
			SS_STEP(9) SS_STEP(10) SS_STEP(11) SS_STEP(12)
			SS_STEP(13) SS_STEP(14) SS_STEP(15) SS_STEP(16)
			prev = c1;
			m0 = _mm512_andnot_si512(h0, full);
			m1 = _mm512_andnot_si512(h1, full);
			a = (uint32_t)_mm512_mask_test_epi32_mask(v0, m0, m0) |
			    (uint32_t)_mm512_mask_test_epi32_mask(v1, m1, m1) << 16;
			if (misses)
				ss_memset(misses + done + i, 0, left >= 32 ? 32 : left);
			if (SS_UNLIKELY(a))
				ss_vector_block_misses(m0, m1, a, (uint32_t)(done + i), misses, &mism,
						       &anom, &lfc);
		}
		done += m;
	}
	s->mismatches = mism;
	s->anomalous_calls = anom;
	s->max_lfc = ss_lfc_track_max(&lfc);
	return 1;
}

#undef SS_STEP
#undef SS_GATHER

/* Constant-k instances for the paper's windows 5, 6, 11 and pH's 9, as in the scalar scorer. */
static SS_VTARGET int ss_vector_score(const struct selfseq_db *db, const uint32_t *calls,
				      size_t n, uint8_t *misses, struct selfseq_score *s, int checked)
{
	switch (db->k) {
	case 4:
		return ss_vector_score_k(db, calls, n, misses, s, checked, 4);
	case 5:
		return ss_vector_score_k(db, calls, n, misses, s, checked, 5);
	case 8:
		return ss_vector_score_k(db, calls, n, misses, s, checked, 8);
	case 10:
		return ss_vector_score_k(db, calls, n, misses, s, checked, 10);
	default:
		return ss_vector_score_k(db, calls, n, misses, s, checked, db->k);
	}
}

int selfseq__score_vector(const struct selfseq_db *db, const uint32_t *calls, size_t n,
			  uint8_t *misses, struct selfseq_score *s, int checked)
{
	int on = __atomic_load_n(&ss_vector_state, __ATOMIC_RELAXED);

	if (on < 0)
		on = ss_vector_probe();
	if (!on || db->k > 16)
		return 0;
	return ss_vector_score(db, calls, n, misses, s, checked);
}

#endif /* SS_VECTOR_SCORE */
