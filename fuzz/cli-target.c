/* SPDX-License-Identifier: MIT */
/*
 * Driver of the trace-format fuzz targets: the selfseq CLI's parsers
 * (examples/cli/parse-*.c through parser.c's parse_buffer) on hostile text.
 *
 * Input: a flag byte (bit 0: --on-error=skip; bits 1-2: the alphabet,
 * 1024, 400, 16 or 1; bit 3: the architecture of call names is i386
 * instead of x86_64), two bytes choosing where the input is cut, then the
 * file. The file is parsed twice, as one buffer and as two buffers cut
 * there with the unconsumed rest carried over (as input.c streams a file
 * that cannot be mapped); each buffer is an exact-size copy, so a read past
 * a buffer's end is caught. Checked: a final parse consumes everything
 * unless it stopped on an error; both parses give the same processes,
 * names, calls, error state and skip count; every call is inside the
 * alphabet. Format detection runs on the same bytes.
 */
#include <string.h>

#include <libaudit.h>

#include "cli-target.h"
#include "fuzz.h"
#include "parse.h"

struct result {
	struct parser ps;
	uint64_t skipped;
};

static void opts(struct input_opts *o, unsigned flags)
{
	static const uint32_t alphabets[] = { 1024, 400, 16, 1 };

	memset(o, 0, sizeof(*o));	/* as input_opts_init(), without a progress display */
	o->format = FMT_AUTO;
	o->skip_errors = flags & 1;
	o->alphabet = alphabets[(flags >> 1) & 3];
	o->arch = (flags & 8) ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
	o->arch_known = 1;
}

/* Parse @chunk (exact-size copy) and return the bytes consumed. */
static size_t feed(struct parser *ps, const uint8_t *chunk, size_t len, int final)
{
	char *copy = malloc(len ? len : 1);
	size_t used;

	FUZZ_CHECK(copy);
	memcpy(copy, chunk, len);
	used = parse_buffer(ps, copy, len, final);
	free(copy);
	FUZZ_CHECK(used <= len);
	return used;
}

static void begin(struct parser *ps, struct input_opts *o, enum trace_format format)
{
	memset(ps, 0, sizeof(*ps));
	ps->o = o;
	ps->file = "fuzz-input";
	ps->format = format;
	/* As input.c: formats with one trace per file open it first. */
	if (format == FMT_ADFA || format == FMT_NAMES)
		parse_proc(ps, 0, 0);
}

static void check_calls(const struct parser *ps, uint32_t alphabet)
{
	for (size_t i = 0; i < ps->nprocs; i++)
		for (size_t j = 0; j < ps->procs[i]->t.n; j++)
			FUZZ_CHECK(ps->procs[i]->t.calls[j] < alphabet);
}

static void same(const struct parser *a, const struct parser *b)
{
	FUZZ_CHECK(!a->fatal == !b->fatal);
	if (a->fatal)
		return;	/* where the second parse stopped may differ; both stopped */
	FUZZ_CHECK(a->nprocs == b->nprocs);
	for (size_t i = 0; i < a->nprocs; i++) {
		const struct trace *x = &a->procs[i]->t, *y = &b->procs[i]->t;

		FUZZ_CHECK(strcmp(x->name, y->name) == 0);
		FUZZ_CHECK(x->n == y->n);
		FUZZ_CHECK(!x->n || memcmp(x->calls, y->calls, x->n * sizeof(*x->calls)) == 0);
	}
}

int fuzz_cli_parse(const uint8_t *data, size_t size, enum trace_format format)
{
	struct input_opts o1, o2;
	struct parser whole, cut;
	size_t len, at, used;
	enum trace_format guess;
	unsigned flags;

	if (size < 3)
		return 0;
	flags = data[0];
	at = (size_t)(data[1] | data[2] << 8);
	data += 3;
	len = size - 3;
	at = len ? at % (len + 1) : 0;

	guess = parse_detect((const char *)data, len, 1);
	FUZZ_CHECK(guess >= FMT_AUTO && guess <= FMT_NAMES);
	guess = parse_detect((const char *)data, at, 0);
	FUZZ_CHECK(guess >= FMT_AUTO && guess <= FMT_NAMES);

	opts(&o1, flags);
	begin(&whole, &o1, format);
	used = feed(&whole, data, len, 1);
	FUZZ_CHECK(used == len || whole.fatal);
	check_calls(&whole, o1.alphabet);

	opts(&o2, flags);
	begin(&cut, &o2, format);
	used = feed(&cut, data, at, 0);
	if (!cut.fatal) {
		used += feed(&cut, data + used, len - used, 1);
		FUZZ_CHECK(used == len || cut.fatal);
	}
	check_calls(&cut, o2.alphabet);
	same(&whole, &cut);
	if (!whole.fatal)
		FUZZ_CHECK(o1.skipped == o2.skipped);

	parser_free(&whole);
	parser_free(&cut);
	return 0;
}
