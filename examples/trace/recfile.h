/* SPDX-License-Identifier: MIT */
/*
 * Recordings of raw perf records (selfseq-trace --record FILE, read back
 * with --replay FILE and by the unit tests, so decoding is tested without a
 * kernel). Little-endian layout, every length bounded when read:
 *
 *   "SSTRACE1"                         8-byte magic
 *   u32 version (1), u32 nformats (1..4), u32 nrings (1..4096), u32 0
 *   i64 clock_offset                   wall clock minus perf clock, ns
 *   nformats x { u32 role, u32 len, len bytes of format text }
 *                                      role: 0 sys_enter, 1 exec, 2 fork, 3 exit
 *   records: { u32 ring, u32 0, then one perf record (its header's size
 *              bytes, a multiple of 8) } until the end of the file
 *
 * A record with ring 0xffffffff ends a reading round: it is a
 * header of type RECFILE_ROUND_TYPE followed by the u64 merge threshold of
 * that round (the tracer's clock before it drained the rings), so a replay
 * releases events exactly as the live run did.
 */
#ifndef SELFSEQ_TRACE_RECFILE_H
#define SELFSEQ_TRACE_RECFILE_H

#include <stdint.h>
#include <stdio.h>

#include <linux/perf_event.h>

#include "tp-format.h"

enum { REC_ENTER, REC_EXEC, REC_FORK, REC_EXIT, REC_ROLES };

#define RECFILE_ROUND 0xffffffffu
#define RECFILE_ROUND_TYPE 0xff00u	/* not a kernel record type */

struct recfile {
	FILE *f;
	const char *path;
	uint32_t nrings;
	int64_t clock_offset;
	int have[REC_ROLES];
	struct tp_format fmt[REC_ROLES];
	char *text[REC_ROLES];	/* format texts (writer: borrowed; reader: owned) */
	size_t textlen[REC_ROLES];
	uint64_t offset;	/* reader: byte offset of the next record */
	unsigned char buf[65536 + 8];
};

/* Writer: header with the formats present (NULL texts are left out). 0 or -errno. */
int recfile_create(struct recfile *r, const char *path, uint32_t nrings, int64_t clock_offset,
		   char *const texts[REC_ROLES], const size_t lens[REC_ROLES]);
int recfile_write(struct recfile *r, uint32_t ring, const struct perf_event_header *rec);
/* End of a round whose events up to @threshold were released. */
int recfile_write_round(struct recfile *r, uint64_t threshold);
/* Flush and close; 0 or -errno. */
int recfile_close(struct recfile *r);

/*
 * Reader: open and parse the header and formats. 0, or a negative errno
 * with "PATH: offset N: what" in @err.
 */
int recfile_open(struct recfile *r, const char *path, char *err, size_t errlen);
/*
 * Next record: 1 with *ring and *rec (valid until the next call), 0 at the
 * end, -EBADMSG with "PATH: offset N: what" in @err. For a round marker
 * *ring is RECFILE_ROUND and *threshold is set.
 */
int recfile_next(struct recfile *r, uint32_t *ring, const struct perf_event_header **rec,
		 uint64_t *threshold, char *err, size_t errlen);
void recfile_free(struct recfile *r);

#endif /* SELFSEQ_TRACE_RECFILE_H */
