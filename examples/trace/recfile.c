/* SPDX-License-Identifier: MIT */
/*
 * Writer and bounds-checked reader of raw perf record files (layout in
 * recfile.h). The reader trusts nothing: a bad length or a truncated record
 * is reported with its byte offset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recfile.h"

#define REC_MAGIC "SSTRACE1"
#define REC_VERSION 1u
#define REC_MAX_FORMAT (64u * 1024u)
#define REC_MAX_RINGS 4096u

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int recfile_create(struct recfile *r, const char *path, uint32_t nrings, int64_t clock_offset,
		   char *const texts[REC_ROLES], const size_t lens[REC_ROLES])
{
	unsigned char h[32];
	uint32_t n = 0, role;
	uint64_t off = (uint64_t)clock_offset;
	int i;

	memset(r, 0, sizeof(*r));
	for (role = 0; role < REC_ROLES; role++)
		n += texts[role] != NULL;
	r->f = fopen(path, "wbe");
	if (!r->f)
		return -errno;
	r->path = path;
	memcpy(h, REC_MAGIC, 8);
	put32(h + 8, REC_VERSION);
	put32(h + 12, n);
	put32(h + 16, nrings);
	put32(h + 20, 0);
	for (i = 0; i < 8; i++)
		h[24 + i] = (unsigned char)(off >> (8 * i));
	fwrite(h, 1, sizeof(h), r->f);
	for (role = 0; role < REC_ROLES; role++) {
		if (!texts[role])
			continue;
		put32(h, role);
		put32(h + 4, (uint32_t)lens[role]);
		fwrite(h, 1, 8, r->f);
		fwrite(texts[role], 1, lens[role], r->f);
	}
	return ferror(r->f) ? -EIO : 0;
}

int recfile_write(struct recfile *r, uint32_t ring, const struct perf_event_header *rec)
{
	unsigned char h[8];

	put32(h, ring);
	put32(h + 4, 0);
	if (fwrite(h, 1, 8, r->f) != 8 || fwrite(rec, 1, rec->size, r->f) != rec->size)
		return -EIO;
	return 0;
}

int recfile_write_round(struct recfile *r, uint64_t threshold)
{
	struct {
		struct perf_event_header h;
		uint64_t t;
	} m;

	memset(&m, 0, sizeof(m));
	m.h.type = RECFILE_ROUND_TYPE;
	m.h.size = sizeof(m);
	m.t = threshold;
	return recfile_write(r, RECFILE_ROUND, &m.h);
}

int recfile_close(struct recfile *r)
{
	int rc = 0;

	if (r->f) {
		if (fflush(r->f) || ferror(r->f))
			rc = -EIO;
		if (fclose(r->f))
			rc = rc ? rc : -errno;
		r->f = NULL;
	}
	return rc;
}

static int rec_fail(struct recfile *r, char *err, size_t errlen, uint64_t off, const char *what)
{
	snprintf(err, errlen, "%s: offset %llu: %s", r->path, (unsigned long long)off, what);
	return -EBADMSG;
}

static int rec_read(struct recfile *r, void *buf, size_t n)
{
	size_t got = fread(buf, 1, n, r->f);

	r->offset += got;
	return got == n ? 0 : -1;
}

int recfile_open(struct recfile *r, const char *path, char *err, size_t errlen)
{
	unsigned char h[32];
	uint32_t n, i;
	uint64_t off = 0;
	int k;

	memset(r, 0, sizeof(*r));
	r->path = path;
	r->f = fopen(path, "rbe");
	if (!r->f) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (rec_read(r, h, sizeof(h)))
		return rec_fail(r, err, errlen, 0, "truncated header");
	if (memcmp(h, REC_MAGIC, 8) != 0)
		return rec_fail(r, err, errlen, 0, "not a selfseq-trace recording (bad magic)");
	if (get32(h + 8) != REC_VERSION)
		return rec_fail(r, err, errlen, 8, "unsupported version");
	n = get32(h + 12);
	r->nrings = get32(h + 16);
	if (n < 1 || n > REC_ROLES)
		return rec_fail(r, err, errlen, 12, "format count must be 1..4");
	if (r->nrings < 1 || r->nrings > REC_MAX_RINGS)
		return rec_fail(r, err, errlen, 16, "ring count must be 1..4096");
	for (k = 0; k < 8; k++)
		off |= (uint64_t)h[24 + k] << (8 * k);
	r->clock_offset = (int64_t)off;
	for (i = 0; i < n; i++) {
		char perr[160], msg[220];
		uint64_t at = r->offset;
		uint32_t role, len;

		if (rec_read(r, h, 8))
			return rec_fail(r, err, errlen, at, "truncated format header");
		role = get32(h);
		len = get32(h + 4);
		if (role >= REC_ROLES || r->have[role])
			return rec_fail(r, err, errlen, at, "bad or repeated format role");
		if (len == 0 || len > REC_MAX_FORMAT)
			return rec_fail(r, err, errlen, at + 4, "format length out of range");
		r->text[role] = malloc(len + 1);
		if (!r->text[role])
			return -ENOMEM;
		if (rec_read(r, r->text[role], len))
			return rec_fail(r, err, errlen, at + 8, "truncated format text");
		r->text[role][len] = '\0';
		r->textlen[role] = len;
		r->have[role] = 1;
		if (tp_format_parse(r->text[role], len, &r->fmt[role], perr, sizeof(perr))) {
			snprintf(msg, sizeof(msg), "format text: %s", perr);
			return rec_fail(r, err, errlen, at + 8, msg);
		}
	}
	if (!r->have[REC_ENTER])
		return rec_fail(r, err, errlen, 32, "no sys_enter format");
	return 0;
}

int recfile_next(struct recfile *r, uint32_t *ring, const struct perf_event_header **rec,
		 uint64_t *threshold, char *err, size_t errlen)
{
	struct perf_event_header hdr;
	unsigned char h[8];
	uint64_t at = r->offset;
	size_t got = fread(h, 1, 8, r->f);

	r->offset += got;
	if (got == 0 && feof(r->f))
		return 0;
	if (got != 8)
		return rec_fail(r, err, errlen, at, "truncated record prefix");
	*ring = get32(h);
	if (*ring >= r->nrings && *ring != RECFILE_ROUND)
		return rec_fail(r, err, errlen, at, "ring index beyond the ring count");
	if (rec_read(r, &hdr, sizeof(hdr)))
		return rec_fail(r, err, errlen, at + 8, "truncated record header");
	if (hdr.size < sizeof(hdr) || hdr.size % 8)
		return rec_fail(r, err, errlen, at + 8 + 6, "record size not a multiple of 8 (or < 8)");
	memcpy(r->buf, &hdr, sizeof(hdr));
	if (rec_read(r, r->buf + sizeof(hdr), hdr.size - sizeof(hdr)))
		return rec_fail(r, err, errlen, at + 16, "truncated record");
	*rec = (const void *)r->buf;
	if (*ring == RECFILE_ROUND) {
		if (hdr.type != RECFILE_ROUND_TYPE || hdr.size != 16)
			return rec_fail(r, err, errlen, at + 8, "bad round marker");
		memcpy(threshold, r->buf + 8, 8);
	}
	return 1;
}

void recfile_free(struct recfile *r)
{
	int i;

	if (r->f)
		fclose(r->f);
	for (i = 0; i < REC_ROLES; i++)
		free(r->text[i]);
	memset(r, 0, sizeof(*r));
}
