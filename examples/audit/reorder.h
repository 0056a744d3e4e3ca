/* SPDX-License-Identifier: MIT */
/*
 * A reorder buffer for calls: libauparse assembles interleaved records
 * into events but can hand over a late event after a newer one; calls are
 * held here for a short window of audit time and released in (time,
 * serial) order, the order the kernel stamped them.
 */
#ifndef SELFSEQ_AUDIT_REORDER_H
#define SELFSEQ_AUDIT_REORDER_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

/*
 * Input is nearly sorted already: a call not older than the newest held one
 * is appended to a sorted ring in O(1); a late one goes to a min-heap in
 * O(log n); the oldest of both heads leaves first. (One heap for all calls
 * cost 7% of the whole run in bench/; insertion into the ring would be
 * quadratic on a log crafted to run backwards.)
 */
struct ss_reorder {
	struct ss_call *ring;	/* sorted, oldest at head */
	size_t head, n, cap;	/* cap is a power of two */
	struct ss_call *heap;	/* late calls */
	size_t hn, hcap;
	size_t max;		/* held at most; beyond it the oldest is released */
	uint64_t window_ms;	/* hold calls this much older than the newest seen */
	uint64_t newest_ms;	/* newest audit time pushed, in ms */
};

/* @window_ms 0 releases each call at once (no reordering). */
void ss_reorder_init(struct ss_reorder *r, uint64_t window_ms, size_t max);
void ss_reorder_free(struct ss_reorder *r);

/* Hold @c (copied; c->exe and c->host must outlive it). 0 or -ENOMEM. */
int ss_reorder_push(struct ss_reorder *r, const struct ss_call *c);

/*
 * The oldest call that may go now (@all: every held call, for end of input
 * or a quiet live stream), copied to @out. Returns 1 with a call, 0 if none.
 */
int ss_reorder_pop(struct ss_reorder *r, int all, struct ss_call *out);

/* Key order: -1, 0, 1. */
int ss_call_cmp(const struct ss_call *a, const struct ss_call *b);

#endif /* SELFSEQ_AUDIT_REORDER_H */
