/* SPDX-License-Identifier: MIT */
/*
 * Profile file format v1: encoding a profile to bytes and decoding bytes to
 * a profile, in memory, so the kernel module and userland share one codec.
 * doc/profile-format.md is the specification; this file follows it field by
 * field. The decoder treats its input as hostile: every length is checked
 * against what is left before it is used, and anything a correct writer
 * would not produce is refused, so decode then encode gives the input back.
 */
#include "internal.h"
#include "format.h"

/* Little-endian by bytes: no struct dumps, no alignment assumptions. */
static void ss_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void ss_put32(uint8_t *p, uint32_t v)
{
	ss_put16(p, v);
	ss_put16(p + 2, v >> 16);
}

static void ss_put64(uint8_t *p, uint64_t v)
{
	ss_put32(p, (uint32_t)v);
	ss_put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t ss_get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t ss_get32(const uint8_t *p)
{
	return ss_get16(p) | ss_get16(p + 2) << 16;
}

static uint64_t ss_get64(const uint8_t *p)
{
	return (uint64_t)ss_get32(p) | (uint64_t)ss_get32(p + 4) << 32;
}

/* A cell word is stored in ceil(k/8) bytes: 1 for pH's window 9. */
static uint32_t ss_cell_bytes(uint32_t k)
{
	return (k + 7) / 8;
}

static void ss_putn(uint8_t *p, uint32_t v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t ss_getn(const uint8_t *p, uint32_t n)
{
	uint32_t i, v = 0;

	for (i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Whether the first @n bytes of @b differ from the magic (no memcmp in core). */
static int ss_magic_differs(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != (uint8_t)SS_FMT_MAGIC[i])
			return 1;
	return 0;
}

static int ss_bit(const uint8_t *bits, uint32_t i)
{
	return (bits[i >> 3] >> (i & 7)) & 1;
}

static void ss_set_bit(uint8_t *bits, uint32_t i)
{
	bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static uint32_t ss_bitmap_bytes(uint32_t n)
{
	return (n + 7) / 8;
}

static int ss_member(const struct selfseq_db *db, uint32_t call)
{
	return db->ids[call] >= SS_ID_FIRST;
}

/* Cell (call, prev) of @db; 0 when either call is not in it. */
static uint32_t ss_cell_at(const struct selfseq_db *db, uint32_t call, uint32_t prev)
{
	return ss_cell_get(db->cells + ((size_t)db->ids[call] * db->cap + db->ids[prev]) * db->cw,
			   db->cw);
}

/*
 * What a set stores for a cell. The testing set is a copy of the training
 * set taken when the profile became normal, and training only adds to it
 * until it is reset: storing the testing set as its difference (XOR) from
 * the training set makes it nearly free in the usual case.
 */
static uint32_t ss_stored_value(const struct selfseq_profile *p, const struct selfseq_db *db,
				uint32_t call, uint32_t prev)
{
	uint32_t v = ss_cell_at(db, call, prev);

	if (db == &p->test)
		v ^= ss_cell_at(&p->train, call, prev);
	return v;
}

/*
 * Writer: with a NULL buffer it only counts, so one routine both sizes and
 * writes the file and the two can never disagree.
 */
struct ss_writer {
	uint8_t *buf;
	size_t pos;
};

static uint8_t *ss_w_take(struct ss_writer *w, size_t n)
{
	uint8_t *p = w->buf ? w->buf + w->pos : NULL;

	w->pos += n;
	return p;
}

static void ss_w_u16(struct ss_writer *w, uint32_t v)
{
	uint8_t *p = ss_w_take(w, 2);

	if (p)
		ss_put16(p, v);
}

static void ss_w_u32(struct ss_writer *w, uint32_t v)
{
	uint8_t *p = ss_w_take(w, 4);

	if (p)
		ss_put32(p, v);
}

/* Start a section; returns where its payload begins. */
static size_t ss_w_section(struct ss_writer *w, uint32_t type)
{
	ss_w_u32(w, type);
	ss_w_u32(w, 0);		/* length, patched by ss_w_section_end() */
	return w->pos;
}

static void ss_w_section_end(struct ss_writer *w, size_t start)
{
	if (w->buf)
		ss_put32(w->buf + start - 4, (uint32_t)(w->pos - start));
}

static void ss_write_header(uint8_t *h, const struct selfseq_profile *p, size_t file_size)
{
	const struct selfseq_params *pp = &p->params;

	ss_memcpy(h, SS_FMT_MAGIC, SS_FMT_MAGIC_LEN);
	ss_put16(h + SS_FMT_OFF_MAJOR, SS_FMT_MAJOR);
	ss_put16(h + SS_FMT_OFF_MINOR, SS_FMT_MINOR);
	ss_put32(h + SS_FMT_OFF_HEADER_SIZE, SS_FMT_HEADER_V1);
	ss_put32(h + SS_FMT_OFF_FILE_SIZE, (uint32_t)file_size);
	ss_put32(h + SS_FMT_OFF_RESERVED0, 0);
	ss_put32(h + SS_FMT_OFF_STATE, p->flags & SS_FMT_STATE_MASK);
	ss_put32(h + SS_FMT_OFF_WINDOW, p->train.window);
	ss_put32(h + SS_FMT_OFF_ALPHABET, p->train.alphabet);
	ss_put32(h + SS_FMT_OFF_LFC_FRAME, p->lfc_frame);
	ss_put32(h + SS_FMT_OFF_ARCH, p->arch);
	ss_put32(h + SS_FMT_OFF_RESERVED1, 0);
	ss_put64(h + SS_FMT_OFF_COUNT, p->count);
	ss_put64(h + SS_FMT_OFF_TRAIN_COUNT, p->train_count);
	ss_put64(h + SS_FMT_OFF_LAST_MOD_COUNT, p->last_mod_count);
	ss_put64(h + SS_FMT_OFF_SEQUENCES, p->sequences);
	ss_put64(h + SS_FMT_OFF_ANOMALIES, p->anomalies);
	ss_put64(h + SS_FMT_OFF_NORMAL_TIME, p->normal_time);
	ss_put32(h + SS_FMT_OFF_NORMAL_FACTOR, pp->normal_factor);
	ss_put32(h + SS_FMT_OFF_NORMAL_FACTOR_DEN, pp->normal_factor_den);
	ss_put64(h + SS_FMT_OFF_NORMAL_WAIT, pp->normal_wait_ns);
	ss_put32(h + SS_FMT_OFF_ANOMALY_LIMIT, pp->anomaly_limit);
	ss_put32(h + SS_FMT_OFF_TOLERIZE_LIMIT, pp->tolerize_limit);
	ss_put32(h + SS_FMT_OFF_DELAY_FACTOR, pp->delay_factor);
	ss_put32(h + SS_FMT_OFF_RESERVED2, 0);
}

/*
 * One pair set: which calls of the profile's call list it holds (bitmap),
 * which of those have a row (bitmap), then per row a bitmap of its columns
 * and one word per column. Rows and columns go in call-number order, so the
 * bytes depend only on the content, never on the order calls were learned.
 */
static void ss_write_set(struct ss_writer *w, const struct selfseq_profile *p,
			 const struct selfseq_db *db, uint32_t ncalls)
{
	uint32_t a = db->alphabet, cb = ss_cell_bytes(db->k);
	uint32_t call, prev, u = 0, m = 0, i = 0, j, cells, v;
	uint8_t *members, *rows, *cols, *q;
	size_t mark;

	members = ss_w_take(w, ss_bitmap_bytes(ncalls));
	for (call = 0; call < a; call++) {
		if (!ss_member(&p->train, call) && !ss_member(&p->test, call))
			continue;
		if (ss_member(db, call)) {
			if (members)
				ss_set_bit(members, u);
			m++;
		}
		u++;
	}
	rows = ss_w_take(w, ss_bitmap_bytes(m));
	for (call = 0; call < a; call++) {
		if (!ss_member(db, call))
			continue;
		mark = w->pos;
		cols = ss_w_take(w, ss_bitmap_bytes(m));
		cells = 0;
		j = 0;
		for (prev = 0; prev < a; prev++) {
			if (!ss_member(db, prev))
				continue;
			v = ss_stored_value(p, db, call, prev);
			if (v) {
				if (cols)
					ss_set_bit(cols, j);
				q = ss_w_take(w, cb);
				if (q)
					ss_putn(q, v, cb);
				cells++;
			}
			j++;
		}
		if (cells) {
			if (rows)
				ss_set_bit(rows, i);
		} else {
			w->pos = mark;	/* an empty row takes no bytes */
		}
		i++;
	}
}

/* Lay the whole file out; with @buf NULL only its size is computed. @buf must be zeroed. */
static size_t ss_write_profile(const struct selfseq_profile *p, uint8_t *buf)
{
	struct ss_writer w = { buf, 0 };
	uint32_t call, ncalls = 0;
	uint8_t *header, *sum, *q;
	size_t sec;

	header = ss_w_take(&w, SS_FMT_HEADER_V1);
	if (p->key) {
		sec = ss_w_section(&w, SS_FMT_SEC_KEY);
		q = ss_w_take(&w, p->key_len);
		if (q)
			ss_memcpy(q, p->key, p->key_len);
		ss_w_section_end(&w, sec);
	}

	for (call = 0; call < p->train.alphabet; call++)
		ncalls += ss_member(&p->train, call) || ss_member(&p->test, call);
	sec = ss_w_section(&w, SS_FMT_SEC_CALLS);
	ss_w_u32(&w, ncalls);
	for (call = 0; call < p->train.alphabet; call++)
		if (ss_member(&p->train, call) || ss_member(&p->test, call))
			ss_w_u16(&w, call);
	ss_w_section_end(&w, sec);

	sec = ss_w_section(&w, SS_FMT_SEC_TRAIN);
	ss_write_set(&w, p, &p->train, ncalls);
	ss_w_section_end(&w, sec);
	sec = ss_w_section(&w, SS_FMT_SEC_TEST);
	ss_write_set(&w, p, &p->test, ncalls);
	ss_w_section_end(&w, sec);

	sum = ss_w_take(&w, SS_FMT_CHECKSUM);
	if (buf) {
		ss_write_header(header, p, w.pos);
		ss_put64(sum, ss_xxh64(buf, w.pos - SS_FMT_CHECKSUM, SS_FMT_SEED));
	}
	return w.pos;
}

SELFSEQ_EXPORT int selfseq_profile_encode(const struct selfseq_profile *p, void *buf, size_t len,
					  size_t *needed)
{
	size_t size;

	if (!p || !needed)
		return -EINVAL;
	size = ss_write_profile(p, NULL);
	*needed = size;
	if (!buf || len < size)
		return -ENOSPC;
	ss_memset(buf, 0, size);
	ss_write_profile(p, buf);
	return 0;
}

/* Reader: a window on the input that refuses to hand out more than is left. */
struct ss_reader {
	const uint8_t *p;
	size_t left;
};

static const uint8_t *ss_r_take(struct ss_reader *r, size_t n)
{
	const uint8_t *q = r->p;

	if (n > r->left)
		return NULL;
	r->p += n;
	r->left -= n;
	return q;
}

/* A bitmap of @n bits: the bits past @n in its last byte must be 0. */
static const uint8_t *ss_r_bitmap(struct ss_reader *r, uint32_t n, uint32_t *set)
{
	uint32_t i, bytes = ss_bitmap_bytes(n), count = 0;
	const uint8_t *bits = ss_r_take(r, bytes);

	if (!bits)
		return NULL;
	if ((n & 7) && (bits[bytes - 1] >> (n & 7)))
		return NULL;
	for (i = 0; i < bytes; i++)
		count += ss_popcount32(bits[i]);
	*set = count;
	return bits;
}

static int ss_read_key(struct selfseq_profile *p, struct ss_reader *r)
{
	uint32_t len = (uint32_t)r->left, i;
	const uint8_t *key;

	if (r->left > SS_KEY_MAX)
		return -ENAMETOOLONG;
	key = ss_r_take(r, len);
	if (!len)
		return -EBADMSG;
	for (i = 0; i < len; i++)
		if (!key[i])
			return -EBADMSG;
	return ss_profile_set_key_bytes(p, (const char *)key, len);
}

/* The profile's call list: strictly ascending call numbers inside the alphabet. */
static int ss_read_calls(struct ss_reader *r, uint32_t alphabet, const uint8_t **list,
			 uint32_t *ncalls)
{
	const uint8_t *q = ss_r_take(r, 4);
	uint32_t n, i, call, last = 0;

	if (!q)
		return -EBADMSG;
	n = ss_get32(q);
	if (n > alphabet || r->left != (size_t)n * 2)
		return -EBADMSG;
	q = ss_r_take(r, (size_t)n * 2);
	for (i = 0; i < n; i++) {
		call = ss_get16(q + 2 * i);
		if (call >= alphabet || (i && call <= last))
			return -EBADMSG;
		last = call;
	}
	*list = q;
	*ncalls = n;
	return 0;
}

static int ss_read_set(struct selfseq_profile *p, struct selfseq_db *db, struct ss_reader *r,
		       const uint8_t *list, uint32_t ncalls, const uint8_t **members_out)
{
	uint32_t cb = ss_cell_bytes(db->k), mask = ss_kmask(db->k);
	uint32_t m, nrows, ncols, u, i, j, v, row, col;
	const uint8_t *members, *rows, *cols, *q;
	uint8_t *cell;
	int err;

	members = ss_r_bitmap(r, ncalls, &m);
	if (!members)
		return -EBADMSG;
	err = ss_db_reserve(db, m + SS_ID_FIRST);
	if (err)
		return err;
	/* Interned in ascending order, the i-th member gets id SS_ID_FIRST + i. */
	for (u = 0; u < ncalls; u++)
		if (ss_bit(members, u))
			ss_db_intern(db, ss_get16(list + 2 * u));
	/* The testing set starts as the training set over its calls; the file holds the difference. */
	if (db == &p->test)
		for (row = SS_ID_FIRST; row < db->n; row++)
			for (col = SS_ID_FIRST; col < db->n; col++)
				ss_cell_set(db->cells + ((size_t)row * db->cap + col) * db->cw, db->cw,
					    ss_cell_at(&p->train, db->calls[row], db->calls[col]));
	rows = ss_r_bitmap(r, m, &nrows);
	if (!rows)
		return -EBADMSG;
	for (i = 0; i < m; i++) {
		if (!ss_bit(rows, i))
			continue;
		cols = ss_r_bitmap(r, m, &ncols);
		if (!cols || !ncols)	/* an empty row is never written */
			return -EBADMSG;
		row = SS_ID_FIRST + i;
		for (j = 0; j < m; j++) {
			if (!ss_bit(cols, j))
				continue;
			q = ss_r_take(r, cb);
			if (!q)
				return -EBADMSG;
			v = ss_getn(q, cb);
			if (!v || (v & ~mask))
				return -EBADMSG;
			cell = db->cells + ((size_t)row * db->cap + SS_ID_FIRST + j) * db->cw;
			ss_cell_set(cell, db->cw, ss_cell_get(cell, db->cw) ^ v);
		}
	}
	ss_db_recount(db);
	*members_out = members;
	return 0;
}

/* Every call of the list belongs to one set at least (else a writer made it up). */
static int ss_check_union(const uint8_t *a, const uint8_t *b, uint32_t ncalls)
{
	uint32_t i;

	for (i = 0; i < ncalls; i++)
		if (!ss_bit(a, i) && !ss_bit(b, i))
			return -EBADMSG;
	return 0;
}

/* Fixed fields after the checksum has passed: values this library can hold. */
static int ss_check_header(const uint8_t *h)
{
	uint32_t window = ss_get32(h + SS_FMT_OFF_WINDOW);
	uint32_t alphabet = ss_get32(h + SS_FMT_OFF_ALPHABET);
	uint32_t frame = ss_get32(h + SS_FMT_OFF_LFC_FRAME);

	if (ss_get32(h + SS_FMT_OFF_RESERVED0) || ss_get32(h + SS_FMT_OFF_RESERVED1) ||
	    ss_get32(h + SS_FMT_OFF_RESERVED2))
		return -EBADMSG;
	if (ss_get32(h + SS_FMT_OFF_STATE) & ~SS_FMT_STATE_MASK)
		return -EBADMSG;
	if (window < SELFSEQ_WINDOW_MIN || window > SELFSEQ_WINDOW_MAX || !alphabet ||
	    alphabet > SELFSEQ_ALPHABET_MAX || !frame || frame > SELFSEQ_LFC_FRAME_MAX)
		return -EOVERFLOW;
	if (!ss_get32(h + SS_FMT_OFF_NORMAL_FACTOR) || !ss_get32(h + SS_FMT_OFF_NORMAL_FACTOR_DEN))
		return -EBADMSG;
	return 0;
}

/* Magic, version, sizes and checksum: whether the bytes are an intact v1 file. */
static int ss_check_frame(const uint8_t *b, size_t len)
{
	size_t header_size;

	if (len > SS_FMT_MAX_BYTES)
		return -EFBIG;
	if (len < SS_FMT_MAGIC_LEN) {
		/* A cut-off profile is corrupt; anything else is not a profile. */
		return ss_magic_differs(b, len) ? -ENOMSG : -EBADMSG;
	}
	if (ss_magic_differs(b, SS_FMT_MAGIC_LEN))
		return -ENOMSG;
	if (len < SS_FMT_OFF_MAJOR + 2)
		return -EBADMSG;
	if (ss_get16(b + SS_FMT_OFF_MAJOR) != SS_FMT_MAJOR)
		return -EPROTO;
	if (len < SS_FMT_HEADER_V1 + SS_FMT_CHECKSUM)
		return -EBADMSG;
	if (ss_get32(b + SS_FMT_OFF_FILE_SIZE) != len)
		return -EBADMSG;
	header_size = ss_get32(b + SS_FMT_OFF_HEADER_SIZE);
	if (header_size < SS_FMT_HEADER_V1 || header_size > len - SS_FMT_CHECKSUM)
		return -EBADMSG;
	if (ss_get64(b + len - SS_FMT_CHECKSUM) !=
	    ss_xxh64(b, len - SS_FMT_CHECKSUM, SS_FMT_SEED))
		return -EBADMSG;
	return ss_check_header(b);
}

static void ss_read_header(struct selfseq_profile *p, const uint8_t *h)
{
	struct selfseq_params *pp = &p->params;

	p->flags = ss_get32(h + SS_FMT_OFF_STATE);
	p->count = ss_get64(h + SS_FMT_OFF_COUNT);
	p->train_count = ss_get64(h + SS_FMT_OFF_TRAIN_COUNT);
	p->last_mod_count = ss_get64(h + SS_FMT_OFF_LAST_MOD_COUNT);
	p->sequences = ss_get64(h + SS_FMT_OFF_SEQUENCES);
	p->anomalies = ss_get64(h + SS_FMT_OFF_ANOMALIES);
	p->normal_time = ss_get64(h + SS_FMT_OFF_NORMAL_TIME);
	pp->normal_factor = ss_get32(h + SS_FMT_OFF_NORMAL_FACTOR);
	pp->normal_factor_den = ss_get32(h + SS_FMT_OFF_NORMAL_FACTOR_DEN);
	pp->normal_wait_ns = ss_get64(h + SS_FMT_OFF_NORMAL_WAIT);
	pp->anomaly_limit = ss_get32(h + SS_FMT_OFF_ANOMALY_LIMIT);
	pp->tolerize_limit = ss_get32(h + SS_FMT_OFF_TOLERIZE_LIMIT);
	pp->delay_factor = ss_get32(h + SS_FMT_OFF_DELAY_FACTOR);
}

/* The sections, in ascending type order; unknown non-critical ones are skipped. */
static int ss_read_sections(struct selfseq_profile *p, struct ss_reader *r)
{
	const uint8_t *list = NULL, *train = NULL, *test = NULL, *q;
	uint32_t type, last = 0, ncalls = 0;
	struct ss_reader sec;
	int err;

	while (r->left) {
		q = ss_r_take(r, SS_FMT_SECTION_HEAD);
		if (!q)
			return -EBADMSG;
		type = ss_get32(q);
		sec.left = ss_get32(q + 4);
		sec.p = ss_r_take(r, sec.left);
		if (!sec.p || type <= last)
			return -EBADMSG;
		last = type;
		switch (type) {
		case SS_FMT_SEC_KEY:
			err = ss_read_key(p, &sec);
			break;
		case SS_FMT_SEC_CALLS:
			err = ss_read_calls(&sec, p->train.alphabet, &list, &ncalls);
			break;
		case SS_FMT_SEC_TRAIN:
			err = list ? ss_read_set(p, &p->train, &sec, list, ncalls, &train) : -EBADMSG;
			break;
		case SS_FMT_SEC_TEST:
			err = train ? ss_read_set(p, &p->test, &sec, list, ncalls, &test) : -EBADMSG;
			break;
		default:
			if (type & SS_FMT_SEC_CRITICAL)
				return -EPROTO;
			sec.left = 0;
			err = 0;
		}
		if (err)
			return err;
		if (sec.left)
			return -EBADMSG;
	}
	if (!test)
		return -EBADMSG;
	return ss_check_union(train, test, ncalls);
}

SELFSEQ_EXPORT int selfseq_profile_decode(const void *buf, size_t len,
					  const struct selfseq_allocator *alloc,
					  struct selfseq_profile **out)
{
	struct selfseq_profile_opts opts;
	struct selfseq_profile *p;
	struct ss_reader r;
	const uint8_t *b = buf;
	int err;

	if (!out || (!buf && len))
		return -EINVAL;
	err = ss_check_frame(b, len);
	if (err)
		return err;
	ss_memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.window = ss_get32(b + SS_FMT_OFF_WINDOW);
	opts.alphabet = ss_get32(b + SS_FMT_OFF_ALPHABET);
	opts.lfc_frame = ss_get32(b + SS_FMT_OFF_LFC_FRAME);
	opts.arch = ss_get32(b + SS_FMT_OFF_ARCH);
	opts.allocator = alloc;
	err = selfseq_profile_new(&opts, &p);
	if (err)
		return err;
	ss_read_header(p, b);
	r.p = b + ss_get32(b + SS_FMT_OFF_HEADER_SIZE);
	r.left = len - SS_FMT_CHECKSUM - ss_get32(b + SS_FMT_OFF_HEADER_SIZE);
	err = ss_read_sections(p, &r);
	if (err) {
		selfseq_profile_free(p);
		return err;
	}
	p->test_in_train = ss_db_within(&p->test, &p->train);
	*out = p;
	return 0;
}
