/* SPDX-License-Identifier: MIT */
/*
 * selfseq_calls_decode(): call numbers written as whitespace-separated
 * decimal text (ADFA-LD's format), for the CLI and the Python binding.
 * The speed path judges 64-byte blocks with SSE2 (or word-wide bit tricks
 * elsewhere) and turns up to 4-digit numbers into values without a loop
 * per digit; anything unusual (a long number, a stray byte, the end of the
 * text, a full output) goes through a byte-by-byte path that also says
 * where decoding stopped.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <selfseq/selfseq-text.h>

#include "core/deps.h"

/* Byte classes: the decoder counts no lines, so a newline is a blank like any other. */
enum { C_OTHER, C_DIGIT, C_BLANK };

static const unsigned char cls[256] = {
	['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
	['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
	[' '] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_BLANK, ['\v'] = C_BLANK, ['\f'] = C_BLANK,
	['\n'] = C_BLANK,
};

#define ONES 0x0101010101010101ull
#define BLOCK 64	/* bytes judged at once by the fast path */

/*
 * The fast path judges 64 bytes at once: with SSE2 (every x86-64) 16 at a
 * time, otherwise in words of 8 bytes. In a word, a byte is a digit when
 * (byte ^ '0') < 10; a per-byte test leaves one bit in the top of each
 * byte, and one multiplication gathers those 8 bits into a byte (bit i
 * for byte i), like SSE's movemask.
 */
static inline uint64_t load8(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

#ifdef __SSE2__
/* Bit i of each mask: byte i of the block is not a digit, a space, a newline. */
static inline void block_masks(const unsigned char *p, uint64_t *nondigit, uint64_t *space,
			       uint64_t *newline)
{
	const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
	const __m128i blank = _mm_set1_epi8(' '), nl = _mm_set1_epi8('\n');
	uint64_t d = 0, b = 0, l = 0;
	int j;

	for (j = 0; j < BLOCK / 16; j++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * j));
		__m128i t = _mm_sub_epi8(v, zero);

		/* A digit: byte - '0' is at most 9, unsigned. */
		d |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, nine), t))
		     << (16 * j);
		b |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, blank)) << (16 * j);
		l |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << (16 * j);
	}
	*nondigit = ~d;
	*space = b;
	*newline = l;
}
#else
static inline uint64_t gather8(uint64_t topbits)
{
	return ((topbits >> 7) * 0x0102040810204080ull) >> 56;
}

/* Top bit of each byte that is not a digit, for t = word ^ "00000000". */
static inline uint64_t nondigit_bits(uint64_t t)
{
	return (((t & (ONES * 0x7f)) + ONES * (0x80 - 10)) | t) & (ONES * 0x80);
}

/* Top bit of each byte equal to @c (exact: no false positive from carries). */
static inline uint64_t equal_bits(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);

	return ~(((x & (ONES * 0x7f)) + ONES * 0x7f) | x) & (ONES * 0x80);
}

static inline void block_masks(const unsigned char *p, uint64_t *nondigit, uint64_t *space,
			       uint64_t *newline)
{
	int j;

	*nondigit = *space = *newline = 0;
	for (j = 0; j < BLOCK / 8; j++) {
		uint64_t w = load8(p + 8 * j);

		*nondigit |= gather8(nondigit_bits(w ^ (ONES * '0'))) << (8 * j);
		*space |= gather8(equal_bits(w, ' ')) << (8 * j);
		*newline |= gather8(equal_bits(w, '\n')) << (8 * j);
	}
}
#endif

/*
 * Parse the numbers that start in the BLOCK bytes at @p into @out when the
 * block holds only digits, spaces and newlines, every number has 1 to 4
 * digits (an alphabet has at most 1024 calls), ends in a space or newline
 * and is below @limit; @p must not be inside a number and BLOCK + 8
 * bytes must be readable. Returns the count (at most BLOCK / 2) and sets
 * *next past the block and any number running over its end; -1 when the
 * block needs the careful path. Numbers and their lengths come
 * from bit masks, so parsing one does not wait for the previous one.
 */
static int text_block(const unsigned char *p, uint64_t limit, uint32_t *out,
		      const unsigned char **next)
{
	uint64_t nondigit, space, newline, starts;
	size_t stop = BLOCK;
	int n = 0;

	block_masks(p, &nondigit, &space, &newline);
	if (nondigit & ~space & ~newline)
		return -1;
	/* A digit after a non-digit starts a number; the byte before the block is not a digit. */
	starts = ~nondigit & (nondigit << 1 | 1);
	while (starts) {
		unsigned s = (unsigned)__builtin_ctzll(starts), len;
		uint64_t rest = nondigit >> s, x;

		starts &= starts - 1;
		if (rest) {
			len = (unsigned)__builtin_ctzll(rest);
		} else {
			/* Runs past the block: look at the bytes after it. */
			for (len = BLOCK - s; len < 5 && cls[p[s + len]] == C_DIGIT; len++)
				;
			if (p[s + len] != ' ' && p[s + len] != '\n')
				return -1;
			stop = s + len;
		}
		if (len > 4)
			return -1;
		/* The digits in the low 4 bytes, first digit highest, zeros before: combine pairwise. */
		x = ((load8(p + s) ^ (ONES * '0')) << (8 * (4 - len))) & 0xffffffffull;
		x = (x * 10 + (x >> 8)) & 0x00ff00ffull;
		x = (x * 100 + (x >> 16)) & 0xffffull;
		if (x >= limit)
			return -1;
		out[n++] = (uint32_t)x;
	}
	*next = p + stop;
	return n;
}

SELFSEQ_EXPORT int selfseq_calls_decode(const char *text, size_t len, uint32_t limit,
					uint32_t *calls, size_t cap, size_t *ncalls, size_t *used)
{
	const unsigned char *start = (const unsigned char *)text, *p = start, *end, *careful_until;
	const uint64_t lim = limit ? limit : (uint64_t)UINT32_MAX + 1;
	uint32_t *out = calls;
	int err = 0;

	if (!ncalls || !used || (len && (!text || (cap && !calls))))
		return -EINVAL;
	end = p + len;
	careful_until = p;
	while (p < end) {
		const unsigned char *s;
		uint64_t v;
		unsigned d;

		/* The block path needs room for a block's numbers and readable bytes after it. */
		if (p >= careful_until && end - p >= BLOCK + 8 &&
		    cap - (size_t)(out - calls) >= BLOCK / 2) {
			const unsigned char *next;
			int n = text_block(p, lim, out, &next);

			if (n >= 0) {
				out += n;
				p = next;
				continue;
			}
			/* Something unusual in there: byte by byte up to the block's end. */
			careful_until = p + BLOCK;
		}
		if (cls[*p] >= C_BLANK) {
			p++;
			continue;
		}
		s = p;
		v = 0;
		while (p < end && (d = (unsigned)(*p - '0')) < 10) {
			/* Saturate: any number past UINT32_MAX is out of range anyway. */
			v = v < ((uint64_t)1 << 40) ? v * 10 + d : v;
			p++;
		}
		if (p == s || (p < end && cls[*p] < C_BLANK)) {
			err = -EBADMSG;
		} else if (v >= lim) {
			err = -ERANGE;
		} else if ((size_t)(out - calls) == cap) {
			err = -ENOSPC;
		} else {
			*out++ = (uint32_t)v;
			continue;
		}
		p = s;
		break;
	}
	*ncalls = (size_t)(out - calls);
	*used = (size_t)(p - start);
	return err;
}
