/* SPDX-License-Identifier: MIT */
/*
 * The only file of the freestanding core that includes platform headers.
 * Core code uses nothing but what is declared here: fixed-width integers,
 * memcpy/memset, errno constants, xxh64 and the platform's default
 * allocator. No libc calls, no floating point, no 64-bit division.
 */
#ifndef SELFSEQ_CORE_DEPS_H
#define SELFSEQ_CORE_DEPS_H

#if defined(__KERNEL__)

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/xxhash.h>
#include <linux/math64.h>

#define SELFSEQ_EXPORT
#define ss_xxh64(data, len, seed) xxh64((data), (len), (seed))
#define ss_div_u64(n, d) div64_u64((n), (d))
#define ss_popcount32(x) hweight32(x)

#else /* userland */

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

#define SELFSEQ_EXPORT __attribute__((visibility("default")))

/* Batch scoring may use AVX-512 when the CPU has it (libselfseq/score-vector.c). */
#if defined(__x86_64__) && defined(__GNUC__)
#define SS_VECTOR_SCORE 1
#endif

/* Provided by libselfseq/xxhash-glue.c (libxxhash), matching the kernel's xxh64(). */
uint64_t selfseq__xxh64(const void *data, size_t len, uint64_t seed);
#define ss_xxh64(data, len, seed) selfseq__xxh64((data), (len), (seed))
#define ss_div_u64(n, d) ((uint64_t)(n) / (uint64_t)(d))

/*
 * Without -mpopcnt, __builtin_popcount becomes a libgcc call; a few
 * arithmetic steps are faster than the call and keep core libc-free.
 */
static inline unsigned ss_popcount32(uint32_t x)
{
#ifdef __POPCNT__
	return (unsigned)__builtin_popcount(x);
#else
	x = x - ((x >> 1) & 0x55555555u);
	x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0fu;
	return (x * 0x01010101u) >> 24;
#endif
}

#endif

#include <selfseq/selfseq.h>

/* The platform's allocator, used when the caller gives none (userland: malloc). */
extern const struct selfseq_allocator selfseq__default_allocator;

#define ss_memcpy(d, s, n) memcpy((d), (s), (n))
#define ss_memset(d, c, n) memset((d), (c), (n))
#define ss_memmove(d, s, n) memmove((d), (s), (n))

#define SS_ALWAYS_INLINE inline __attribute__((always_inline))
/* The kernel defines `noinline` as a macro: spell the attribute so it cannot expand. */
#define SS_NOINLINE __attribute__((__noinline__))
#define SS_LIKELY(x) __builtin_expect(!!(x), 1)
#define SS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SS_U64_MAX (~(uint64_t)0)

#endif /* SELFSEQ_CORE_DEPS_H */
