/* SPDX-License-Identifier: MIT */
/*
 * The numeric formats: ADFA-LD (a file of whitespace-separated call
 * numbers, one trace) and UNM ("PID CALL" lines, split by PID), plus the
 * plain call-name list. ADFA is the speed path: the library's decoder,
 * the output array reserved per buffer; UNM and names go line by line,
 * no scanf.
 */
#include <errno.h>
#include <string.h>

#include <selfseq/selfseq-text.h>

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

static uint64_t count_newlines(const char *p, const char *end)
{
	uint64_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/*
 * ADFA-LD: the library's decoder (selfseq_calls_decode(), shared with the
 * Python binding) does the work; this loop reports each token it stops at
 * with its line and goes on after it when --on-error=skip allows.
 */
size_t parse_adfa(struct parser *ps, const char *buf, size_t len, int final)
{
	const char *p = buf, *end;
	struct proc *pr = ps->procs[0];
	size_t cut = len;

	/* Stop after the last blank, so no number is split between buffers. */
	if (!final) {
		while (cut && cls[(unsigned char)buf[cut - 1]] < C_BLANK)
			cut--;
		if (!cut)
			return 0;
	}
	end = buf + cut;
	/* Every number takes at least two bytes but the last: the decoder never runs out of room. */
	cli_grow(&pr->t.calls, &pr->t.cap, pr->t.n + cut / 2 + 1, sizeof(uint32_t));
	if (!ps->line)
		ps->line = 1;
	for (;;) {
		const char *tok;
		size_t n, used;
		int err = selfseq_calls_decode(p, (size_t)(end - p), ps->o->alphabet,
					       pr->t.calls + pr->t.n, pr->t.cap - pr->t.n, &n, &used);

		pr->t.n += n;
		tok = p + used;
		ps->line += count_newlines(p, tok);
		if (!err)
			break;
		for (p = tok; p < end && cls[(unsigned char)*p] < C_BLANK; p++)
			;
		if (err == -ERANGE)
			err = parse_push(ps, pr, UINT64_MAX, tok, (size_t)(p - tok));
		else
			err = parse_error(ps, "'%.*s' is not a call number",
					  (int)(p - tok > 40 ? 40 : p - tok), tok);
		if (err)
			return (size_t)(p - buf);
	}
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
