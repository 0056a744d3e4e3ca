/* SPDX-License-Identifier: MIT */
/*
 * A selfseq_allocator for the fuzz targets that fails once a budget taken
 * from the input is spent, and counts what is still allocated, so the
 * error paths run and "nothing is allocated on failure" is checked even
 * without a leak sanitizer.
 */
#ifndef SELFSEQ_FUZZ_ALLOC_H
#define SELFSEQ_FUZZ_ALLOC_H

#include <stdint.h>
#include <stdlib.h>

#include <selfseq/selfseq.h>

struct fuzz_alloc {
	struct selfseq_allocator a;
	int64_t budget;		/* allocations left; negative: unlimited */
	int64_t live;		/* blocks allocated and not freed */
	uint64_t bytes;		/* bytes allocated and not freed */
};

static void *fuzz_alloc_cb(void *ctx, size_t size)
{
	struct fuzz_alloc *fa = ctx;
	void *p;

	if (fa->budget == 0)
		return NULL;
	if (fa->budget > 0)
		fa->budget--;
	p = malloc(size ? size : 1);
	if (p) {
		fa->live++;
		fa->bytes += size;
	}
	return p;
}

static void fuzz_free_cb(void *ctx, void *ptr, size_t size)
{
	struct fuzz_alloc *fa = ctx;

	if (!ptr)
		return;
	fa->live--;
	fa->bytes -= size;
	free(ptr);
}

static inline void fuzz_alloc_init(struct fuzz_alloc *fa, int64_t budget)
{
	fa->a.sz = sizeof(fa->a);
	fa->a.alloc = fuzz_alloc_cb;
	fa->a.free = fuzz_free_cb;
	fa->a.ctx = fa;
	fa->budget = budget;
	fa->live = 0;
	fa->bytes = 0;
}

#endif /* SELFSEQ_FUZZ_ALLOC_H */
