/* SPDX-License-Identifier: MIT */
/*
 * Userland's XXH64 for the core, from the system libxxhash; the kernel
 * module uses the kernel's own xxh64(), which computes the same value.
 */
#include <xxhash.h>

#include "core/deps.h"

uint64_t selfseq__xxh64(const void *data, size_t len, uint64_t seed)
{
	return (uint64_t)XXH64(data, len, (XXH64_hash_t)seed);
}
