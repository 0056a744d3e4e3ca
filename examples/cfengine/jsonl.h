/* SPDX-License-Identifier: MIT */
/*
 * A reader for one line of JSON lines output: a flat object whose members
 * are strings, numbers, true/false/null, or nested values (skipped). Enough
 * for the anomaly lines of selfseq-audit and selfseq-trace; strict about
 * syntax so a torn or foreign line is reported, not half-read.
 */
#ifndef SELFSEQ_CFENGINE_JSONL_H
#define SELFSEQ_CFENGINE_JSONL_H

#include <stddef.h>
#include <stdint.h>

enum jl_type { JL_STRING, JL_NUMBER, JL_BOOL, JL_NULL, JL_NESTED };

struct jl_value {
	enum jl_type type;
	const char *str;	/* JL_STRING: unescaped, NUL-terminated (may hold U+0000 as \0 early) */
	size_t len;		/* its length in bytes */
	double num;		/* JL_NUMBER */
	int is_uint;		/* JL_NUMBER: a plain non-negative integer that fits in 64 bits */
	uint64_t uint;		/* its value */
	int boolean;		/* JL_BOOL */
};

/* Called per member; a positive return stops parsing and is returned. */
typedef int (*jl_member_cb)(void *ctx, const char *key, const struct jl_value *v);

/*
 * Parse @line (@len bytes, no newline) as one JSON object. Returns 0, the
 * callback's non-zero value, or -1 with *@errpos (byte offset in the line)
 * and *@errmsg set for a syntax error.
 */
int jl_parse_object(const char *line, size_t len, jl_member_cb cb, void *ctx, size_t *errpos,
		    const char **errmsg);

#endif /* SELFSEQ_CFENGINE_JSONL_H */
