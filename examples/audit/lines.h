/* SPDX-License-Identifier: MIT */
/*
 * Which input lines became records. libauparse silently drops lines it
 * cannot parse; every record it delivers carries its line number, so the
 * lines never marked are the skipped ones, reported as FILE:LINE. A ring
 * of bits covers the lines still in flight (events wait in libauparse
 * until complete), so memory stays bounded on endless streams.
 */
#ifndef SELFSEQ_AUDIT_LINES_H
#define SELFSEQ_AUDIT_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Lines in flight tracked at most; older unmarked lines count as skipped. */
#define SS_LINES_RING (1u << 20)

struct ss_lines {
	const char *name;	/* for messages: a file name or "<stdin>" */
	uint64_t base;		/* first line (1-based) not yet settled */
	uint64_t *bits;		/* SS_LINES_RING bits, allocated on first use */
	uint64_t skipped;	/* settled lines no record came from */
	uint64_t late;		/* records from lines already counted as skipped */
	FILE *warn;		/* where to name skipped lines, or NULL */
	uint32_t warned, warn_max;
	uint64_t marked;	/* distinct lines marked */
	uint64_t max_line;	/* highest line marked */
	char *last;		/* the raw text of the record on max_line */
	size_t last_len, last_cap;
};

void ss_lines_init(struct ss_lines *l, const char *name, FILE *warn, uint32_t warn_max);
void ss_lines_free(struct ss_lines *l);

/* A record came from @line. -ENOMEM if the ring could not be allocated. */
int ss_lines_mark(struct ss_lines *l, uint64_t line);

/*
 * The raw text of the record on @line, kept when it is the highest line
 * marked so far, so that ss_lines_tail() can find that line again.
 */
void ss_lines_keep_text(struct ss_lines *l, uint64_t line, const char *text);

/*
 * End of a regular file, cheaply: when every line up to the highest one
 * marked came from a record, only the lines after it are unknown; they are
 * found by reading the file backwards from its end to that record's line.
 * Returns 0 with *@total set (trailing EOE lines marked), or -1 when the
 * whole file must be counted (gaps, no record, or not found near the end).
 */
int ss_lines_tail(struct ss_lines *l, int fd, uint64_t *total);

/*
 * Whether a line (its first @len bytes) is an EOE record. auditd sends them
 * to plugins after each event, after the PROCTITLE that already completed
 * the event in libauparse, which then drops them: they are read, not bad.
 */
int ss_lines_is_eoe(const char *head, size_t len);

/* The input had @total lines: settle all of them. */
void ss_lines_finish(struct ss_lines *l, uint64_t total);

#endif /* SELFSEQ_AUDIT_LINES_H */
