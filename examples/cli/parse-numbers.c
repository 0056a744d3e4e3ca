/* SPDX-License-Identifier: MIT */
/*
 * The numeric formats: ADFA-LD (a file of whitespace-separated call
 * numbers, one trace) and UNM ("PID CALL" lines, split by PID), plus the
 * plain call-name list. ADFA is the speed path: 64-byte blocks judged
 * with word-wide bit tricks (adfa_block()), a careful byte-by-byte path
 * for anything unusual and for error messages, no scanf, the output array
 * reserved per buffer.
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cli.h"
#include "parse.h"

enum { C_OTHER, C_DIGIT, C_BLANK, C_NL };

static const unsigned char cls[256] = {
	['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
	['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
	[' '] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_BLANK, ['\v'] = C_BLANK, ['\f'] = C_BLANK,
	['\n'] = C_NL,
};

/* More digits than this may overflow 64 bits: the number is out of range anyway. */
#define MAX_DIGITS 19

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
 * and is below @alphabet; @p must not be inside a number and BLOCK + 8
 * bytes must be readable. Returns the count and sets *next past the block
 * and any number running over its end, and *lines to the newlines passed;
 * -1 when the block needs the careful path. Numbers and their lengths come
 * from bit masks, so parsing one does not wait for the previous one.
 */
static int adfa_block(const unsigned char *p, uint32_t alphabet, uint32_t *out,
		      const unsigned char **next, uint64_t *lines)
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
		if (x >= alphabet)
			return -1;
		out[n++] = (uint32_t)x;
	}
	*next = p + stop;
	*lines = (uint64_t)__builtin_popcountll(newline);
	return n;
}

size_t parse_adfa(struct parser *ps, const char *buf, size_t len, int final)
{
	const unsigned char *p = (const unsigned char *)buf, *end, *careful_until;
	struct proc *pr = ps->procs[0];
	const uint32_t alphabet = ps->o->alphabet;
	uint32_t *out;
	size_t cut = len;

	/* Stop after the last blank, so no number is split between buffers. */
	if (!final) {
		while (cut && cls[p[cut - 1]] < C_BLANK)
			cut--;
		if (!cut)
			return 0;
	}
	end = p + cut;
	/* Every number takes at least two bytes but the last: no check in the loop. */
	cli_grow(&pr->t.calls, &pr->t.cap, pr->t.n + cut / 2 + 1, sizeof(uint32_t));
	if (!ps->line)
		ps->line = 1;
	out = pr->t.calls + pr->t.n;
	careful_until = p;
	while (p < end) {
		unsigned c;

		if (p >= careful_until && end - p >= BLOCK + 8) {
			const unsigned char *next;
			uint64_t lines;
			int n = adfa_block(p, alphabet, out, &next, &lines);

			if (n >= 0) {
				out += n;
				p = next;
				ps->line += lines;
				continue;
			}
			/* Something unusual in there: byte by byte up to the block's end. */
			careful_until = p + BLOCK;
		}
		c = cls[*p];
		if (c == C_DIGIT) {
			const unsigned char *s = p;
			uint64_t v = (uint64_t)(*p++ - '0');
			unsigned d;

			while (p < end && (d = (unsigned)(*p - '0')) < 10) {
				v = v * 10 + d;
				p++;
			}
			if (p < end && cls[*p] < C_BLANK) {
				while (p < end && cls[*p] < C_BLANK)
					p++;
				pr->t.n = (size_t)(out - pr->t.calls);
				if (parse_error(ps, "'%.*s' is not a call number",
						(int)(p - s > 40 ? 40 : p - s), (const char *)s))
					return (size_t)(p - (const unsigned char *)buf);
				continue;
			}
			if (v >= alphabet || p - s > MAX_DIGITS) {
				pr->t.n = (size_t)(out - pr->t.calls);
				if (parse_push(ps, pr, UINT64_MAX, (const char *)s, (size_t)(p - s)))
					return (size_t)(p - (const unsigned char *)buf);
				continue;
			}
			*out++ = (uint32_t)v;
		} else if (c == C_BLANK) {
			p++;
		} else if (c == C_NL) {
			ps->line++;
			p++;
		} else {
			const unsigned char *s = p;

			while (p < end && cls[*p] < C_BLANK)
				p++;
			pr->t.n = (size_t)(out - pr->t.calls);
			if (parse_error(ps, "'%.*s' is not a call number", (int)(p - s > 40 ? 40 : p - s),
					(const char *)s))
				return (size_t)(p - (const unsigned char *)buf);
		}
	}
	pr->t.n = (size_t)(out - pr->t.calls);
	return cut;
}

/* Read an unsigned decimal at *s; its digit count (0: none), value saturated. */
static size_t read_u64(const char **s, const char *end, uint64_t *v)
{
	const char *p = *s, *start = *s;

	*v = 0;
	while (p < end && (unsigned)(*p - '0') < 10) {
		if (p - *s < MAX_DIGITS)
			*v = *v * 10 + (uint64_t)(*p - '0');
		else
			*v = UINT64_MAX;
		p++;
	}
	*s = p;
	return (size_t)(p - start);
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && cls[(unsigned char)*p] == C_BLANK)
		p++;
	return p;
}

int parse_unm_line(struct parser *ps, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *num;
	uint64_t pid, call;
	struct proc *pr;

	p = skip_blanks(p, end);
	if (p == end)
		return 0;	/* blank line */
	num = p;
	if (!read_u64(&p, end, &pid) || p == end || cls[(unsigned char)*p] != C_BLANK)
		goto bad;
	p = skip_blanks(p, end);
	num = p;
	if (!read_u64(&p, end, &call) || skip_blanks(p, end) != end)
		goto bad;
	if (pid > UINT32_MAX)
		return parse_error(ps, "process id %.*s is out of range", (int)(p - num), num);
	pr = parse_proc(ps, (uint32_t)pid, 1);
	return parse_push(ps, pr, call, num, (size_t)(p - num));
bad:
	return parse_error(ps, "expected 'PID CALL' (two numbers), got '%.*s'",
			   (int)(len > 60 ? 60 : len), s);
}

int parse_names_line(struct parser *ps, const char *s, size_t len)
{
	const char *p = skip_blanks(s, s + len), *end = s + len, *name;
	uint32_t call;

	if (p == end || *p == '#')
		return 0;	/* blank line or comment */
	name = p;
	while (p < end && (((unsigned)(*p | 0x20) - 'a') < 26 || (unsigned)(*p - '0') < 10 ||
			   *p == '_'))
		p++;
	if (p == name || skip_blanks(p, end) != end)
		return parse_error(ps, "expected one system call name, got '%.*s'",
				   (int)(len > 60 ? 60 : len), s);
	if (parse_call_name(ps, name, (size_t)(p - name), &call))
		return ps->fatal ? -1 : 0;
	return parse_push(ps, ps->procs[0], call, name, (size_t)(p - name));
}
