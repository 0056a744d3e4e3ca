/* SPDX-License-Identifier: MIT */
/*
 * Merging the per-CPU event streams into one stream in timestamp order.
 *
 * Each ring is in write order. A thread that migrates leaves its earlier
 * calls in one CPU's ring and its later ones in another's, so events are
 * queued per ring and released through a k-way merge on their timestamps,
 * but only those not newer than a threshold the caller picks: the clock
 * reading taken just before the last drain of all the rings. Any event
 * caused by another one (a thread's next call, a child's first call after
 * the fork event) is stamped after its cause was committed to a ring; if
 * the cause was not yet in a ring when it was drained, the effect's stamp is
 * later than the threshold and it waits for the next round, where the
 * cause arrives. Within one ring, write order is kept even if two stamps
 * are inverted.
 */
#ifndef SELFSEQ_TRACE_MERGE_H
#define SELFSEQ_TRACE_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct merge_queue {
	struct tev *ev;
	size_t head, len, cap;
};

struct merge {
	unsigned nq;
	struct merge_queue *q;
	unsigned *heap;		/* queue indices, a min-heap on their head's time */
	uint64_t last;		/* time of the last event released */
	uint64_t late;		/* events released with a time before an earlier released one */
	uint64_t queued;	/* events waiting */
	uint64_t peak;		/* most events ever waiting */
};

int merge_init(struct merge *m, unsigned nqueues);
void merge_fini(struct merge *m);

/* A slot at the end of queue @q for the caller to fill; NULL when memory runs out. */
struct tev *merge_push(struct merge *m, unsigned q);

/* Called for each released event, in order. */
typedef void (*merge_cb)(void *ctx, struct tev *ev);

/*
 * Release, in timestamp order, every queued event with time <= @upto
 * (UINT64_MAX releases everything). Returns the number released.
 */
uint64_t merge_flush(struct merge *m, uint64_t upto, merge_cb cb, void *ctx);

#endif /* SELFSEQ_TRACE_MERGE_H */
