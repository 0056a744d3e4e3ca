/* SPDX-License-Identifier: MIT */
/*
 * Guessing a file's format from its first lines (blank lines and '#'
 * comments aside), only where the answer is unambiguous:
 *  - strace: the first line has strace's shape;
 *  - numbers: UNM when the first line and at least nine in ten of the
 *    lines looked at (two or more) hold exactly two numbers, ADFA
 *    otherwise (a one-line "PID CALL" file is read as a two-call ADFA
 *    trace: use --format unm);
 *  - an identifier alone on the first line: call names.
 * Anything else is left to --format. The other lines only decide between
 * UNM and ADFA, so a malformed line further down is reported by the
 * parser with its line number rather than making the format unknown.
 */
#include <string.h>

#include "parse.h"

#define DETECT_LINES 64
#define DETECT_LINE_BYTES 4096	/* an ADFA file is one long line: its start is enough */

enum line_kind { LK_BLANK, LK_NUM2, LK_NUMS, LK_NAME, LK_OTHER };

static enum line_kind classify(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	int tokens = 0, digits_only = 1, ident = 1;

	while (p < end) {
		const char *t;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p == end)
			break;
		t = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\r') {
			char c = *p;

			if ((unsigned)(c - '0') >= 10)
				digits_only = 0;
			if (!(((unsigned)(c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10 || c == '_'))
				ident = 0;
			p++;
		}
		if (ident && (unsigned)(*t - '0') < 10)
			ident = 0;
		tokens++;
	}
	if (!tokens)
		return LK_BLANK;
	if (digits_only)
		return tokens == 2 ? LK_NUM2 : LK_NUMS;
	if (ident && tokens == 1)
		return LK_NAME;
	return LK_OTHER;
}

enum trace_format parse_detect(const char *buf, size_t len, int complete)
{
	const char *p = buf, *end = buf + len;
	int lines = 0, num2 = 0;
	enum line_kind first = LK_BLANK;

	while (p < end && lines < DETECT_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n;
		enum line_kind k;

		if (!nl && !complete && p != buf)
			break;	/* a partial last line says nothing */
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > DETECT_LINE_BYTES) {
			/* Judge the start of a long line, cut after a blank so no token is split. */
			n = DETECT_LINE_BYTES;
			while (n && p[n - 1] != ' ' && p[n - 1] != '\t')
				n--;
			if (!n)
				return FMT_AUTO;
		}
		k = classify(p, n);
		if (k != LK_BLANK && *p != '#') {
			if (first == LK_BLANK) {
				if (parse_strace_shape(p, n) && k != LK_NUMS && k != LK_NUM2)
					return FMT_STRACE;
				first = k;
			}
			lines++;
			num2 += k == LK_NUM2;
		}
		p = nl ? nl + 1 : end;
	}
	switch (first) {
	case LK_NAME:
		return FMT_NAMES;
	case LK_NUM2:
	case LK_NUMS:
		/* "PID CALL" lines, allowing a malformed one in ten for --on-error=skip. */
		if (first == LK_NUM2 && num2 >= 2 && num2 * 10 >= lines * 9)
			return FMT_UNM;
		return FMT_ADFA;
	default:
		return FMT_AUTO;
	}
}
