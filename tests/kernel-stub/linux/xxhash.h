/* Stand-in for the kernel's <linux/xxhash.h>. */
#ifndef STUB_LINUX_XXHASH_H
#define STUB_LINUX_XXHASH_H
#include <linux/types.h>
u64 xxh64(const void *input, size_t length, u64 seed);
#endif
