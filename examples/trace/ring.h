/* SPDX-License-Identifier: MIT */
/*
 * Reader of one perf mmap ring buffer: page 0 is struct
 * perf_event_mmap_page, then a power-of-two data area the kernel fills.
 * The reader loads data_head with acquire ordering, reads the records
 * between data_tail and data_head (copying a record that wraps past the end
 * of the area into a bounce buffer), and stores data_tail with release
 * ordering so the kernel never overwrites a record still being read. The
 * same code runs on a fake ring in the unit tests.
 */
#ifndef SELFSEQ_TRACE_RING_H
#define SELFSEQ_TRACE_RING_H

#include <stddef.h>
#include <stdint.h>

#include <linux/perf_event.h>

struct ring {
	struct perf_event_mmap_page *meta;
	unsigned char *data;	/* the data area */
	uint64_t size;		/* its size, a power of two */
	void *map;		/* the whole mapping (munmap'ed by ring_unmap) */
	size_t maplen;
	unsigned char *bounce;	/* for records that wrap; 64 KiB (a record's size is 16 bits) */
	int id;			/* the caller's name for this ring, passed to the callback */
	uint64_t bytes;		/* bytes consumed so far */
	uint64_t records;	/* records consumed so far */
};

/*
 * Called for each record, in ring order; @rec is valid until the call
 * returns and holds rec->size bytes. A non-zero return stops the drain
 * after this record (the record counts as consumed) and is returned.
 */
typedef int (*ring_cb)(void *ctx, const struct perf_event_header *rec, int id);

/*
 * Set up @r over an mmap'ed area of @maplen bytes (1 + 2^n pages of
 * @page_size). Returns 0, -EINVAL for a bad size, -ENOMEM.
 */
int ring_init(struct ring *r, void *map, size_t maplen, size_t page_size, int id);

/* Release the bounce buffer and munmap the mapping if @unmap. */
void ring_fini(struct ring *r, int unmap);

/*
 * Consume every record available now. Returns 0, the callback's non-zero
 * value, or -EBADMSG if a record header is impossible (size below 8 or
 * beyond the data written): then everything up to data_head is dropped and
 * *bad_offset receives the ring position of the bad header.
 */
int ring_drain(struct ring *r, ring_cb cb, void *ctx, uint64_t *bad_offset);

/* Bytes written by the kernel and not yet consumed. */
uint64_t ring_pending(const struct ring *r);

#endif /* SELFSEQ_TRACE_RING_H */
