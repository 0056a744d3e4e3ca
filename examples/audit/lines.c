/* SPDX-License-Identifier: MIT */
/* Skipped-line accounting over a sliding ring of "seen" bits. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

void ss_lines_init(struct ss_lines *l, const char *name, FILE *warn, uint32_t warn_max)
{
	l->name = name;
	l->base = 1;
	l->bits = NULL;
	l->skipped = l->late = 0;
	l->warn = warn;
	l->warned = 0;
	l->warn_max = warn_max;
}

void ss_lines_free(struct ss_lines *l)
{
	free(l->bits);
	l->bits = NULL;
}

static int ss_bit_test_clear(uint64_t *bits, uint64_t line)
{
	uint64_t i = line % SS_LINES_RING, m = 1ull << (i % 64);
	int set = !!(bits[i / 64] & m);

	bits[i / 64] &= ~m;
	return set;
}

/* Settle lines up to (not including) @upto. */
static void ss_lines_settle(struct ss_lines *l, uint64_t upto)
{
	for (; l->base < upto; l->base++) {
		if (l->bits && ss_bit_test_clear(l->bits, l->base))
			continue;
		l->skipped++;
		if (!l->warn)
			continue;
		if (l->warned < l->warn_max)
			fprintf(l->warn, "%s:%" PRIu64 ": not an audit record, skipped\n",
				l->name, l->base);
		else if (l->warned == l->warn_max)
			fprintf(l->warn, "%s: more unparsable lines, not shown\n", l->name);
		l->warned++;
	}
}

int ss_lines_mark(struct ss_lines *l, uint64_t line)
{
	uint64_t i;

	if (!line)
		return 0;
	if (line < l->base) {
		/* Counted as skipped when it fell out of the ring; it was not. */
		if (l->skipped)
			l->skipped--;
		l->late++;
		return 0;
	}
	if (!l->bits) {
		l->bits = calloc(SS_LINES_RING / 64, sizeof(uint64_t));
		if (!l->bits)
			return -ENOMEM;
	}
	if (line >= l->base + SS_LINES_RING)
		ss_lines_settle(l, line - SS_LINES_RING + 1);
	i = line % SS_LINES_RING;
	l->bits[i / 64] |= 1ull << (i % 64);
	return 0;
}

void ss_lines_finish(struct ss_lines *l, uint64_t total)
{
	ss_lines_settle(l, total + 1);
}

int ss_lines_is_eoe(const char *head, size_t len)
{
	static const char eoe[] = "type=EOE ";
	const char *sp;

	/* name_format: "node=NAME type=EOE msg=..." */
	if (len >= 5 && !memcmp(head, "node=", 5)) {
		sp = memchr(head, ' ', len);
		if (!sp)
			return 0;
		len -= (size_t)(sp + 1 - head);
		head = sp + 1;
	}
	return len >= sizeof(eoe) - 1 && !memcmp(head, eoe, sizeof(eoe) - 1);
}
