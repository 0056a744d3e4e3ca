/* SPDX-License-Identifier: MIT */
/*
 * The numeric formats: ADFA-LD (a file of whitespace-separated call
 * numbers, one trace) and UNM ("PID CALL" lines, split by PID), plus the
 * plain call-name list. ADFA is the speed path: one pass over the bytes
 * with a class table, no scanf, the output array reserved per buffer.
 */
#include <string.h>

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

/*
 * The common case in one step and no branch per digit: a number of 1..7
 * digits followed by a blank, with 8 readable bytes at @p. The bytes are
 * loaded as one word; a byte is a digit when (byte ^ '0') < 10, and the
 * digits are combined pairwise by multiplications (Lemire's method for
 * eight digits, the missing leading digits being zero bytes). Returns the
 * digit count, 0 when the slow path must decide (anything else).
 */
static inline unsigned swar_number(const unsigned char *p, uint32_t *value)
{
	uint64_t w, t, nondigit, x;
	unsigned len;

	memcpy(&w, p, 8);
	t = w ^ (ONES * '0');
	nondigit = (((t & (ONES * 0x7f)) + ONES * (0x80 - 10)) | t) & (ONES * 0x80);
	if (!nondigit || (nondigit & 0x80))
		return 0;	/* 8 digits or more, or no digit first */
	len = (unsigned)__builtin_ctzll(nondigit) >> 3;
	if (cls[p[len]] < C_BLANK)
		return 0;	/* "12a": the slow path reports it */
	x = t << (8 * (8 - len));
	x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffull;
	x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffull;
	x = (x * 10000 + (x >> 32)) & 0xffffffffull;
	*value = (uint32_t)x;
	return len;
}

size_t parse_adfa(struct parser *ps, const char *buf, size_t len, int final)
{
	const unsigned char *p = (const unsigned char *)buf, *end;
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
	while (p < end) {
		unsigned c;

		if (p + 8 <= end) {
			uint32_t v;
			unsigned n = swar_number(p, &v);

			if (n && v < alphabet) {
				*out++ = v;
				p += n;
				if (*p == ' ')
					p++;
				continue;
			}
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
