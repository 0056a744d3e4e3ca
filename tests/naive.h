/* SPDX-License-Identifier: MIT */
/*
 * A deliberately simple reference model of lookahead pairs for the tests:
 * a flat bool per (call, prev, distance), no ids, no sentinels. The real
 * database must agree with it on every trace.
 */
#ifndef SELFSEQ_TESTS_NAIVE_H
#define SELFSEQ_TESTS_NAIVE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct naive {
	uint32_t k, alphabet;
	uint8_t *bits;	/* [call][prev][d-1] */
};

static inline struct naive *naive_new(uint32_t window, uint32_t alphabet)
{
	struct naive *n = calloc(1, sizeof(*n));

	n->k = window - 1;
	n->alphabet = alphabet;
	n->bits = calloc((size_t)alphabet * alphabet * n->k, 1);
	return n;
}

static inline void naive_free(struct naive *n)
{
	free(n->bits);
	free(n);
}

static inline uint8_t *naive_at(struct naive *n, uint32_t call, uint32_t prev, uint32_t d)
{
	return &n->bits[((size_t)call * n->alphabet + prev) * n->k + d - 1];
}

static inline void naive_add(struct naive *n, const uint32_t *t, size_t len)
{
	for (size_t i = 0; i < len; i++)
		for (uint32_t d = 1; d <= n->k && d <= i; d++)
			*naive_at(n, t[i], t[i - d], d) = 1;
}

static inline uint32_t naive_misses_at(struct naive *n, const uint32_t *t, size_t i)
{
	uint32_t m = 0;

	for (uint32_t d = 1; d <= n->k && d <= i; d++)
		m += !*naive_at(n, t[i], t[i - d], d);
	return m;
}

static inline uint64_t naive_pairs(struct naive *n)
{
	uint64_t c = 0;

	for (size_t i = 0; i < (size_t)n->alphabet * n->alphabet * n->k; i++)
		c += n->bits[i];
	return c;
}

/* Deterministic pseudo-random traces: a small Markov-ish generator. */
static inline uint32_t naive_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

static inline void naive_trace(uint64_t *seed, uint32_t *t, size_t len, uint32_t alphabet,
			       uint32_t distinct)
{
	for (size_t i = 0; i < len; i++) {
		/* mostly a repeating loop, sometimes a random call: realistic-ish */
		if (i >= 4 && naive_rand(seed) % 4)
			t[i] = t[i - 4];
		else
			t[i] = (naive_rand(seed) % distinct) * (alphabet / distinct);
	}
}

#endif
