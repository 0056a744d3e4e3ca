/* SPDX-License-Identifier: MIT */
/*
 * Userland's default allocator for the core: malloc and free.
 */
#include <stdlib.h>

#include "core/deps.h"

static void *ss_libc_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size ? size : 1);
}

static void ss_libc_free(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	(void)size;
	free(ptr);
}

const struct selfseq_allocator selfseq__default_allocator = {
	.sz = sizeof(struct selfseq_allocator),
	.alloc = ss_libc_alloc,
	.free = ss_libc_free,
	.ctx = NULL,
};
