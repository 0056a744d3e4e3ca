/* SPDX-License-Identifier: MIT */
/*
 * What every fuzz target shares: the libFuzzer entry point, an invariant
 * check that aborts (so libFuzzer keeps the input as a crash, and the
 * standalone driver fails the test), and a reader that turns the input's
 * bytes into parameters without ever failing (an exhausted input reads 0).
 */
#ifndef SELFSEQ_FUZZ_H
#define SELFSEQ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline __attribute__((noreturn)) void fuzz_fail(const char *file, int line,
							const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

/*
 * For a target's own checking code (reference models, sorting, snapshots):
 * libFuzzer should steer by the code under test, and instrumenting the
 * checks only slows every execution down.
 */
#if defined(__clang__)
#define FUZZ_NOCOV __attribute__((no_sanitize("coverage")))
#else
#define FUZZ_NOCOV
#endif

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint32_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint32_t fuzz_u16(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u8(in);

	return lo | fuzz_u8(in) << 8;
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t lo = fuzz_u16(in);

	return lo | fuzz_u16(in) << 16;
}

#endif /* SELFSEQ_FUZZ_H */
