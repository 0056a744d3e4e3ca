/* SPDX-License-Identifier: MIT */
/*
 * The baseline for selfseq-bench --baseline: lookahead pairs the way pH
 * stores them (a row of flags per current call, allocated the first time
 * the call is seen; a circular window advanced with %), without any of
 * libselfseq's layout work. Only the benchmark uses it.
 */
#ifndef SELFSEQ_BENCH_NAIVE_H
#define SELFSEQ_BENCH_NAIVE_H

#include <stddef.h>
#include <stdint.h>

struct naive_db;

/* NULL when out of memory; window 2..17 (flags are u8 up to window 9, u16 above). */
struct naive_db *naive_new(uint32_t window, uint32_t alphabet);
void naive_free(struct naive_db *db);
/* Train on a trace; 0 or -1 when out of memory. */
int naive_train(struct naive_db *db, const uint32_t *calls, size_t n);
/* Missing pairs of a trace; *anomalous receives the calls with at least one. */
uint64_t naive_score(const struct naive_db *db, const uint32_t *calls, size_t n,
		     uint64_t *anomalous);
uint64_t naive_pairs(const struct naive_db *db);
size_t naive_memory(const struct naive_db *db);

#endif
