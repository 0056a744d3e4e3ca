/* SPDX-License-Identifier: MIT */
/*
 * The statistics state file (doc/stats-format.md): little-endian fields of
 * explicit sizes, doubles as IEEE 754 bit patterns, an XXH64 trailer.
 * Loading trusts nothing: every corruption becomes an error naming its byte
 * offset, never a crash. Saving goes through the library's atomic writer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deps.h"
#include "file-internal.h"
#include "stats-internal.h"

#define SS_STATS_MAGIC "SELFSTAT"
#define SS_STATS_MAJOR 1
#define SS_STATS_MINOR 0
#define SS_STATS_HEADER 56u
#define SS_STATS_MAX_BYTES ((size_t)256 << 20)
#define SS_STATS_ENTRY 36u	/* slot u32, week i64, w, m, s f64 */
#define SS_STATS_LAST 64u	/* time, value i64; mean, sigma, dev, weight f64; level, dir, slot, 0 u32 */

/* ---- writing ---- */

struct ss_out {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void ss_put(struct ss_out *o, const void *src, size_t n)
{
	if (o->err)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		uint8_t *p;

		while (cap < o->len + n)
			cap *= 2;
		p = realloc(o->p, cap);
		if (!p) {
			o->err = -ENOMEM;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, src, n);
	o->len += n;
}

static void ss_put_le(struct ss_out *o, uint64_t v, unsigned bytes)
{
	uint8_t b[8];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	ss_put(o, b, bytes);
}

static void ss_put_f64(struct ss_out *o, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	ss_put_le(o, v, 8);
}

static void ss_put_name(struct ss_out *o, const char *name)
{
	size_t n = strlen(name);

	ss_put_le(o, n, 2);
	ss_put(o, name, n);
}

static int ss_stats_encode(const struct selfseq_stats *s, struct ss_out *o)
{
	ss_put(o, SS_STATS_MAGIC, 8);
	ss_put_le(o, SS_STATS_MAJOR, 2);
	ss_put_le(o, SS_STATS_MINOR, 2);
	ss_put_le(o, SS_STATS_HEADER, 4);
	ss_put_le(o, s->opts.slot_seconds, 4);
	ss_put_le(o, s->opts.ageing_ppm, 4);
	ss_put_le(o, s->opts.sigma_floor_micro, 8);
	ss_put_le(o, s->opts.min_weight_micro, 8);
	ss_put_le(o, s->opts.max_series, 4);
	ss_put_le(o, s->nseries, 4);
	ss_put_le(o, s->ncursors, 4);
	ss_put_le(o, 0, 4);
	for (uint32_t i = 0; i < s->ncursors; i++) {
		ss_put_name(o, s->cursors[i].name);
		ss_put_le(o, s->cursors[i].value, 8);
	}
	for (uint32_t i = 0; i < s->nseries; i++) {
		const struct ss_series *sr = &s->series[i];
		const struct ss_class *c = &sr->last;
		uint32_t used = 0;

		for (uint32_t k = 0; k < s->nslots; k++)
			used += sr->slots[k].w > 0;
		ss_put_name(o, sr->name);
		ss_put_le(o, sr->flags | (sr->has_last ? SS_SERIES_HAS_LAST : 0), 4);
		ss_put_le(o, used, 4);
		ss_put_le(o, (uint64_t)sr->open_start, 8);
		ss_put_le(o, (uint64_t)sr->open_value, 8);
		ss_put_le(o, (uint64_t)c->time_s, 8);
		ss_put_le(o, (uint64_t)c->value, 8);
		ss_put_f64(o, c->mean);
		ss_put_f64(o, c->sigma);
		ss_put_f64(o, c->dev);
		ss_put_f64(o, c->weight);
		ss_put_le(o, c->level, 4);
		ss_put_le(o, (uint32_t)c->direction, 4);
		ss_put_le(o, c->slot, 4);
		ss_put_le(o, 0, 4);
		for (uint32_t k = 0; k < s->nslots; k++) {
			const struct ss_slot *sl = &sr->slots[k];

			if (!(sl->w > 0))
				continue;
			ss_put_le(o, k, 4);
			ss_put_le(o, (uint64_t)sl->week, 8);
			ss_put_f64(o, sl->w);
			ss_put_f64(o, sl->m);
			ss_put_f64(o, sl->s);
		}
	}
	if (!o->err)
		ss_put_le(o, ss_xxh64(o->p, o->len, 0), 8);
	return o->err;
}

SELFSEQ_EXPORT int selfseq_stats_save(const struct selfseq_stats *s, const char *path)
{
	struct ss_out o = { 0 };
	int err;

	if (!s || !path || !*path)
		return -EINVAL;
	err = ss_stats_encode(s, &o);
	if (!err)
		err = ss_file_write_atomic(path, o.p, o.len);
	free(o.p);
	return err;
}

/* ---- reading ---- */

struct ss_in {
	const uint8_t *p;
	size_t len, pos;	/* len excludes the checksum */
	char *msg;
	size_t msglen;
};

__attribute__((format(printf, 4, 5)))
static int ss_fail(struct ss_in *in, int err, size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!in->msg || !in->msglen)
		return err;
	n = snprintf(in->msg, in->msglen, "byte %zu: ", at);
	if (n >= 0 && (size_t)n < in->msglen) {
		va_start(ap, fmt);
		vsnprintf(in->msg + n, in->msglen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int ss_need(struct ss_in *in, size_t n, const char *what)
{
	if (in->len - in->pos < n)
		return ss_fail(in, -EBADMSG, in->pos, "truncated in %s (%zu bytes needed, %zu left)",
			       what, n, in->len - in->pos);
	return 0;
}

static uint64_t ss_get_le(struct ss_in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)in->p[in->pos + i] << (8 * i);
	in->pos += bytes;
	return v;
}

static double ss_get_f64(struct ss_in *in)
{
	uint64_t v = ss_get_le(in, 8);
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

/* A length-prefixed name into @buf (NAME_MAX + 1 bytes). */
static int ss_get_name(struct ss_in *in, char *buf, const char *what)
{
	size_t at = in->pos, n;
	int err = ss_need(in, 2, what);

	if (err)
		return err;
	n = (size_t)ss_get_le(in, 2);
	if (n < 1 || n > SELFSEQ_STATS_NAME_MAX)
		return ss_fail(in, -EBADMSG, at, "%s name length %zu outside 1..%u", what, n,
			       SELFSEQ_STATS_NAME_MAX);
	err = ss_need(in, n, what);
	if (err)
		return err;
	memcpy(buf, in->p + in->pos, n);
	buf[n] = 0;
	if (!ss_stats_name_ok(buf))
		return ss_fail(in, -EBADMSG, in->pos, "%s name has a forbidden byte", what);
	in->pos += n;
	return 0;
}

static int ss_finite(double d)
{
	return isfinite(d);
}

static int ss_time_ok(int64_t t)
{
	return t < ((int64_t)1 << 62) && t > -((int64_t)1 << 62);
}

static int ss_get_header(struct ss_in *in, struct selfseq_stats_opts *o, uint32_t *nseries,
			 uint32_t *ncursors)
{
	uint32_t major, minor, hsize;
	struct selfseq_stats_opts chk;
	int err;

	in->pos = 8;
	major = (uint32_t)ss_get_le(in, 2);
	minor = (uint32_t)ss_get_le(in, 2);
	if (major != SS_STATS_MAJOR)
		return ss_fail(in, -EPROTO, 8, "format version %u.%u, this library reads %u.x",
			       major, minor, SS_STATS_MAJOR);
	hsize = (uint32_t)ss_get_le(in, 4);
	if (hsize < SS_STATS_HEADER || hsize > in->len)
		return ss_fail(in, -EBADMSG, 12, "header size %u outside %u..%zu", hsize,
			       SS_STATS_HEADER, in->len);
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->slot_seconds = (uint32_t)ss_get_le(in, 4);
	o->ageing_ppm = (uint32_t)ss_get_le(in, 4);
	o->sigma_floor_micro = ss_get_le(in, 8);
	o->min_weight_micro = ss_get_le(in, 8);
	o->max_series = (uint32_t)ss_get_le(in, 4);
	*nseries = (uint32_t)ss_get_le(in, 4);
	*ncursors = (uint32_t)ss_get_le(in, 4);
	/* Zero means "default" in the API; a file always holds the real value. */
	if (!o->slot_seconds || !o->ageing_ppm || !o->sigma_floor_micro || !o->min_weight_micro ||
	    !o->max_series)
		return ss_fail(in, -EBADMSG, 16, "an option is zero");
	err = ss_stats_opts_check(o, &chk);
	if (err)
		return ss_fail(in, -EBADMSG, 16,
			       "invalid options (slot %u s, ageing %u ppm, max_series %u)",
			       o->slot_seconds, o->ageing_ppm, o->max_series);
	if (*nseries > o->max_series)
		return ss_fail(in, -EBADMSG, 44, "%u series, more than max_series %u", *nseries,
			       o->max_series);
	if (*ncursors > SELFSEQ_STATS_MAX_CURSORS)
		return ss_fail(in, -EBADMSG, 48, "%u cursors, more than %u", *ncursors,
			       SELFSEQ_STATS_MAX_CURSORS);
	/* A later minor version's header fields are skipped. */
	in->pos = hsize;
	return 0;
}

static int ss_get_cursors(struct ss_in *in, struct selfseq_stats *s, uint32_t n)
{
	char name[SELFSEQ_STATS_NAME_MAX + 1];

	for (uint32_t i = 0; i < n; i++) {
		size_t at = in->pos;
		uint64_t v;
		int err = ss_get_name(in, name, "cursor");

		if (!err)
			err = ss_need(in, 8, "cursor value");
		if (err)
			return err;
		v = ss_get_le(in, 8);
		for (uint32_t k = 0; k < s->ncursors; k++)
			if (!strcmp(s->cursors[k].name, name))
				return ss_fail(in, -EBADMSG, at, "cursor \"%s\" twice", name);
		err = selfseq_stats_set_cursor(s, name, v);
		if (err)
			return err;
	}
	return 0;
}

static int ss_get_last(struct ss_in *in, const struct selfseq_stats *s, struct ss_class *c,
		       int present)
{
	size_t at = in->pos;
	uint32_t pad;

	c->time_s = (int64_t)ss_get_le(in, 8);
	c->value = (int64_t)ss_get_le(in, 8);
	c->mean = ss_get_f64(in);
	c->sigma = ss_get_f64(in);
	c->dev = ss_get_f64(in);
	c->weight = ss_get_f64(in);
	c->level = (uint32_t)ss_get_le(in, 4);
	c->direction = (int32_t)(uint32_t)ss_get_le(in, 4);
	c->slot = (uint32_t)ss_get_le(in, 4);
	pad = (uint32_t)ss_get_le(in, 4);
	if (!present)
		return 0;
	if (!ss_time_ok(c->time_s) || !ss_finite(c->mean) || !ss_finite(c->sigma) ||
	    !ss_finite(c->dev) || !ss_finite(c->weight) || c->sigma < 0 || c->weight < 0 ||
	    c->level > SELFSEQ_STATS_ANOMALOUS || c->direction < -1 || c->direction > 1 ||
	    c->slot >= s->nslots || pad)
		return ss_fail(in, -EBADMSG, at, "malformed latest classification");
	return 0;
}

static int ss_get_series(struct ss_in *in, struct selfseq_stats *s, uint32_t n)
{
	char name[SELFSEQ_STATS_NAME_MAX + 1];

	for (uint32_t i = 0; i < n; i++) {
		struct ss_series *sr;
		uint32_t flags, entries, prev = 0;
		size_t at = in->pos;
		int err = ss_get_name(in, name, "series");

		if (err)
			return err;
		if (s->nseries && strcmp(s->series[s->nseries - 1].name, name) >= 0)
			return ss_fail(in, -EBADMSG, at, "series \"%s\" out of order or repeated",
				       name);
		err = ss_need(in, 8 + 16 + SS_STATS_LAST, "series header");
		if (err)
			return err;
		at = in->pos;
		flags = (uint32_t)ss_get_le(in, 4);
		if (flags & ~(SS_SERIES_COUNTER | SS_SERIES_HAS_LAST))
			return ss_fail(in, -EBADMSG, at, "unknown series flags 0x%x", flags);
		entries = (uint32_t)ss_get_le(in, 4);
		if (entries > s->nslots)
			return ss_fail(in, -EBADMSG, at + 4, "%u slots, the week has %u", entries,
				       s->nslots);
		err = ss_stats_get_or_create(s, name, &sr);
		if (err)
			return err;
		sr->flags = flags & SS_SERIES_COUNTER;
		sr->has_last = !!(flags & SS_SERIES_HAS_LAST);
		at = in->pos;
		sr->open_start = (int64_t)ss_get_le(in, 8);
		sr->open_value = (int64_t)ss_get_le(in, 8);
		if ((sr->flags & SS_SERIES_COUNTER) &&
		    (!ss_time_ok(sr->open_start) || sr->open_value < 0 ||
		     (sr->open_start + 3 * 86400) % (int64_t)s->opts.slot_seconds))
			return ss_fail(in, -EBADMSG, at, "malformed open slot of series \"%s\"",
				       name);
		err = ss_get_last(in, s, &sr->last, sr->has_last);
		if (err)
			return err;
		for (uint32_t k = 0; k < entries; k++) {
			struct ss_slot *sl;
			uint32_t slot;

			at = in->pos;
			err = ss_need(in, SS_STATS_ENTRY, "slot entry");
			if (err)
				return err;
			slot = (uint32_t)ss_get_le(in, 4);
			if (slot >= s->nslots)
				return ss_fail(in, -EBADMSG, at, "slot %u past the week (%u slots)",
					       slot, s->nslots);
			if (k && slot <= prev)
				return ss_fail(in, -EBADMSG, at, "slot %u out of order", slot);
			prev = slot;
			sl = &sr->slots[slot];
			sl->week = (int64_t)ss_get_le(in, 8);
			sl->w = ss_get_f64(in);
			sl->m = ss_get_f64(in);
			sl->s = ss_get_f64(in);
			if (!ss_time_ok(sl->week) || !ss_finite(sl->w) || !ss_finite(sl->m) ||
			    !ss_finite(sl->s) || !(sl->w > 0) || sl->s < 0)
				return ss_fail(in, -EBADMSG, at, "malformed slot %u of series \"%s\"",
					       slot, name);
		}
	}
	return 0;
}

static int ss_stats_decode(const uint8_t *p, size_t len, struct selfseq_stats **out, char *msg,
			   size_t msglen)
{
	struct ss_in in = { .p = p, .len = len, .msg = msg, .msglen = msglen };
	struct selfseq_stats_opts o;
	struct selfseq_stats *s;
	uint32_t nseries = 0, ncursors = 0;
	uint64_t sum;
	int err;

	if (!len)
		return ss_fail(&in, -EBADMSG, 0, "empty file");
	if (memcmp(p, SS_STATS_MAGIC, len < 8 ? len : 8))
		return ss_fail(&in, -ENOMSG, 0, "not a selfseq statistics file");
	if (len < 8)
		return ss_fail(&in, -EBADMSG, len, "truncated in the magic");
	if (len < SS_STATS_HEADER + 8)
		return ss_fail(&in, -EBADMSG, len, "truncated: %zu bytes, a header and checksum need %u",
			       len, SS_STATS_HEADER + 8);
	in.len = len - 8;
	in.pos = in.len;
	sum = ss_get_le(&in, 8);
	if (sum != ss_xxh64(p, len - 8, 0))
		return ss_fail(&in, -EBADMSG, len - 8,
			       "checksum mismatch: the file is corrupt or truncated");
	err = ss_get_header(&in, &o, &nseries, &ncursors);
	if (err)
		return err;
	err = ss_stats_create(&o, &s);
	if (err)
		return err;
	err = ss_get_cursors(&in, s, ncursors);
	if (!err)
		err = ss_get_series(&in, s, nseries);
	if (!err && in.pos != in.len)
		err = ss_fail(&in, -EBADMSG, in.pos, "%zu trailing bytes before the checksum",
			      in.len - in.pos);
	if (err) {
		selfseq_stats_free(s);
		return err;
	}
	*out = s;
	return 0;
}

SELFSEQ_EXPORT int selfseq_stats_load(const char *path, struct selfseq_stats **out, char *msg,
				      size_t msglen)
{
	uint8_t *buf;
	size_t len;
	int err;

	if (msg && msglen)
		msg[0] = 0;
	if (!path || !*path || !out)
		return -EINVAL;
	*out = NULL;
	err = ss_file_read_whole(path, SS_STATS_MAX_BYTES, &buf, &len);
	if (err) {
		if (msg && msglen)
			snprintf(msg, msglen, "%s", strerror(-err));
		return err;
	}
	err = ss_stats_decode(buf, len, out, msg, msglen);
	free(buf);
	return err;
}
