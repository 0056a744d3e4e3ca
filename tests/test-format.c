/* SPDX-License-Identifier: MIT */
/*
 * Profile file format v1 (core/format.c): every field survives a round
 * trip for windows 2..32 and alphabets up to 1024; equal content gives equal
 * bytes; every truncation and every bit flip of a valid file is refused with
 * a specific error; forged files (checksum recomputed) with oversized
 * lengths, absurd values, wrong magic or version are refused, and the
 * compatibility rules (newer minor versions, grown headers, unknown
 * sections) hold; the golden file still decodes and encodes to the same
 * bytes. Decoding copies each input to a buffer of exactly its size, so the
 * sanitizers see any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <xxhash.h>

#include <selfseq/selfseq.h>
#include <selfseq/selfseq-file.h>

#include "core/internal.h"
#include "core/format.h"
#include "golden.h"

static const char *golden_path;

/* xorshift64*: deterministic inputs, the same on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

static uint64_t rnd64(void)
{
	return (uint64_t)rnd() << 32 | rnd();
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Recompute the checksum after forging bytes. */
static void seal(uint8_t *b, size_t n)
{
	uint64_t h = XXH64(b, n - 8, 0);

	for (int i = 0; i < 8; i++)
		b[n - 8 + i] = (uint8_t)(h >> (8 * i));
}

/* Recompute file_size and the checksum. */
static void reseal(uint8_t *b, size_t n)
{
	put32(b + SS_FMT_OFF_FILE_SIZE, (uint32_t)n);
	seal(b, n);
}

static uint8_t *encode(const struct selfseq_profile *p, size_t *n)
{
	uint8_t *b;

	assert_int_equal(selfseq_profile_encode(p, NULL, 0, n), -ENOSPC);
	b = malloc(*n);
	assert_non_null(b);
	assert_int_equal(selfseq_profile_encode(p, b, *n, n), 0);
	return b;
}

/* Decode from a heap copy of exactly @n bytes. */
static int decode(const uint8_t *b, size_t n, struct selfseq_profile **out)
{
	uint8_t *copy = malloc(n ? n : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, b, n);
	err = selfseq_profile_decode(n ? copy : NULL, n, NULL, out);
	free(copy);
	return err;
}

static void assert_dbs_equal(const struct selfseq_db *a, const struct selfseq_db *b)
{
	struct selfseq_pair pa, pb;
	uint64_t ca = 0, cb = 0;
	uint32_t c;
	int ea, eb;

	assert_int_equal(a->window, b->window);
	assert_int_equal(a->alphabet, b->alphabet);
	assert_int_equal(selfseq_db_get_calls(a), selfseq_db_get_calls(b));
	assert_int_equal(selfseq_db_get_pairs(a), selfseq_db_get_pairs(b));
	for (c = 0; c < a->alphabet; c++)
		assert_int_equal(a->ids[c] >= SS_ID_FIRST, b->ids[c] >= SS_ID_FIRST);
	do {
		ea = selfseq_db_next_pair(a, &ca, &pa);
		eb = selfseq_db_next_pair(b, &cb, &pb);
		assert_int_equal(ea, eb);
		if (!ea) {
			assert_int_equal(pa.call, pb.call);
			assert_int_equal(pa.prev, pb.prev);
			assert_int_equal(pa.distances, pb.distances);
		}
	} while (!ea);
}

static void assert_profiles_equal(const struct selfseq_profile *a, const struct selfseq_profile *b)
{
	struct selfseq_profile_state sa = { .sz = sizeof(sa) }, sb = { .sz = sizeof(sb) };
	struct selfseq_params pa = { .sz = sizeof(pa) }, pb = { .sz = sizeof(pb) };

	assert_int_equal(selfseq_profile_get_state(a, &sa), 0);
	assert_int_equal(selfseq_profile_get_state(b, &sb), 0);
	assert_memory_equal(&sa, &sb, sizeof(sa));
	assert_int_equal(selfseq_profile_get_params(a, &pa), 0);
	assert_int_equal(selfseq_profile_get_params(b, &pb), 0);
	assert_memory_equal(&pa, &pb, sizeof(pa));
	if (a->key || b->key) {
		assert_non_null(a->key);
		assert_non_null(b->key);
		assert_string_equal(a->key, b->key);
	}
	assert_dbs_equal(&a->train, &b->train);
	assert_dbs_equal(&a->test, &b->test);
}

/*
 * A profile with every field set to something unusual: a trace over
 * @ncalls distinct calls with some structure (each call is mostly followed
 * by one of four), made normal, trained further with new calls (so the
 * testing set differs from the training set), one call learned with no
 * pair, and random counters, parameters, state and key.
 */
static struct selfseq_profile *random_profile(uint32_t window, uint32_t alphabet, uint32_t ncalls,
					      uint32_t len)
{
	struct selfseq_profile_opts opts = { .sz = sizeof(opts), .window = window,
					     .alphabet = alphabet, .arch = rnd() };
	struct selfseq_params params = { .sz = sizeof(params) };
	struct selfseq_process *proc;
	struct selfseq_profile *p;
	uint32_t *calls = malloc(alphabet * sizeof(*calls)), i, j, cur = 0, n;
	char key[64];

	assert_non_null(calls);
	/* A random choice of ncalls distinct numbers from the alphabet. */
	for (i = 0; i < alphabet; i++)
		calls[i] = i;
	for (i = 0; i < alphabet; i++) {
		j = i + rnd() % (alphabet - i);
		n = calls[i];
		calls[i] = calls[j];
		calls[j] = n;
	}
	assert_int_equal(selfseq_profile_new(&opts, &p), 0);
	assert_int_equal(selfseq_process_new(p, &proc), 0);
	n = ncalls > 1 ? ncalls - 1 : 1;	/* the last one comes later */
	for (i = 0; i < len; i++) {
		cur = (cur * 7 + 1 + (rnd() % 8 == 0 ? rnd() : rnd() % 4)) % n;
		assert_int_equal(selfseq_process_feed(proc, calls[cur], i, NULL), 0);
	}
	assert_int_equal(selfseq_profile_normalize(p, len), 0);
	selfseq_process_reset(proc);
	for (i = 0; i < len / 4 + 1; i++) {
		cur = (cur * 5 + rnd() % 3) % ncalls;
		assert_int_equal(selfseq_process_feed(proc, calls[cur], len + i, NULL), 0);
	}
	if (ncalls > 2 && alphabet > ncalls) {
		/* Interned with no pair: a one-call trace pairs only with the start. */
		selfseq_process_reset(proc);
		assert_int_equal(selfseq_process_feed(proc, calls[ncalls], 2 * len, NULL), 0);
	}
	selfseq_process_free(proc);
	free(calls);

	params.normal_factor = rnd() | 1;
	params.normal_factor_den = rnd() | 1;
	params.normal_wait_ns = rnd64();
	params.anomaly_limit = rnd();
	params.tolerize_limit = rnd();
	params.delay_factor = rnd();
	assert_int_equal(selfseq_profile_set_params(p, &params), 0);
	p->flags = rnd() & SS_FMT_STATE_MASK;
	p->lfc_frame = 1 + rnd() % SELFSEQ_LFC_FRAME_MAX;
	p->count = rnd64();
	p->train_count = rnd64();
	p->last_mod_count = rnd64();
	p->sequences = rnd64();
	p->anomalies = rnd64();
	p->normal_time = rnd64();
	snprintf(key, sizeof(key), "/opt/w%u/a%u/bin-%08x", window, alphabet, rnd());
	assert_int_equal(selfseq_profile_set_key(p, key), 0);
	return p;
}

static void round_trip(struct selfseq_profile *p)
{
	struct selfseq_profile *q;
	uint8_t *b, *b2;
	size_t n, n2;

	b = encode(p, &n);
	assert_int_equal(decode(b, n, &q), 0);
	assert_profiles_equal(p, q);
	b2 = encode(q, &n2);
	assert_int_equal(n, n2);
	assert_memory_equal(b, b2, n);
	selfseq_profile_free(q);
	free(b);
	free(b2);
}

static void round_trip_windows_alphabets(void **state)
{
	static const uint32_t alphabets[] = { 1, 2, 5, 64, 333, 1024 };
	uint32_t w, a, ncalls;
	struct selfseq_profile *p;
	(void)state;

	for (w = SELFSEQ_WINDOW_MIN; w <= SELFSEQ_WINDOW_MAX; w++)
		for (a = 0; a < sizeof(alphabets) / sizeof(alphabets[0]); a++) {
			ncalls = alphabets[a] < 40 ? alphabets[a] : 40;
			p = random_profile(w, alphabets[a], ncalls, 600);
			round_trip(p);
			selfseq_profile_free(p);
		}
	/* Whole alphabets, dense: the largest rows and cell words. */
	p = random_profile(9, 1024, 1023, 40000);
	round_trip(p);
	selfseq_profile_free(p);
	p = random_profile(32, 1024, 1023, 40000);
	round_trip(p);
	selfseq_profile_free(p);
}

/* Fresh, untouched, key-less profiles: the smallest file. */
static void round_trip_empty(void **state)
{
	struct selfseq_profile *p, *q;
	uint8_t *b;
	size_t n;
	(void)state;

	assert_int_equal(selfseq_profile_new(NULL, &p), 0);
	b = encode(p, &n);
	assert_int_equal(n, SS_FMT_HEADER_V1 + 3 * 8 + 4 + 8);
	assert_int_equal(decode(b, n, &q), 0);
	assert_profiles_equal(p, q);
	assert_null(selfseq_profile_get_key(q));
	selfseq_profile_free(q);
	selfseq_profile_free(p);
	free(b);
}

/* Same content learned in another order (other internal ids): same bytes. */
static void canonical(void **state)
{
	struct selfseq_profile_opts opts = { .sz = sizeof(opts), .window = 6, .alphabet = 400 };
	struct selfseq_profile *a, *b;
	uint32_t t1[300], t2[300];
	uint8_t *ba, *bb;
	size_t na, nb;
	(void)state;

	for (int i = 0; i < 300; i++) {
		t1[i] = 100 + rnd() % 30;
		t2[i] = 380 - rnd() % 30;
	}
	assert_int_equal(selfseq_profile_new(&opts, &a), 0);
	assert_int_equal(selfseq_profile_new(&opts, &b), 0);
	assert_int_equal(selfseq_db_add(&a->train, t1, 300), 0);
	assert_int_equal(selfseq_db_add(&a->train, t2, 300), 0);
	assert_int_equal(selfseq_db_add(&a->test, t1, 300), 0);
	assert_int_equal(selfseq_db_add(&b->train, t2, 300), 0);
	assert_int_equal(selfseq_db_add(&b->train, t1, 300), 0);
	/* A part first (fewer pairs, other ids), then the whole: the same set as a's. */
	assert_int_equal(selfseq_db_add(&b->test, t1 + 150, 150), 0);
	assert_int_equal(selfseq_db_add(&b->test, t1, 300), 0);
	assert_int_not_equal(a->train.calls[SS_ID_FIRST], b->train.calls[SS_ID_FIRST]);
	assert_int_not_equal(a->test.calls[SS_ID_FIRST], b->test.calls[SS_ID_FIRST]);
	ba = encode(a, &na);
	bb = encode(b, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(ba, bb, na);
	free(ba);
	free(bb);
	selfseq_profile_free(a);
	selfseq_profile_free(b);
}

static void encode_arguments(void **state)
{
	struct selfseq_profile *p;
	size_t n, m;
	uint8_t *b;
	(void)state;

	assert_int_equal(golden_profile(&p), 0);
	assert_int_equal(selfseq_profile_encode(NULL, NULL, 0, &n), -EINVAL);
	assert_int_equal(selfseq_profile_encode(p, NULL, 0, NULL), -EINVAL);
	assert_int_equal(selfseq_profile_encode(p, NULL, 1000, &n), -ENOSPC);
	b = malloc(n);
	m = 0;
	assert_int_equal(selfseq_profile_encode(p, b, n - 1, &m), -ENOSPC);
	assert_int_equal(m, n);
	assert_int_equal(selfseq_profile_encode(p, b, n, &m), 0);
	assert_int_equal(m, n);
	assert_int_equal(selfseq_profile_decode(b, n, NULL, NULL), -EINVAL);
	assert_int_equal(selfseq_profile_decode(NULL, 5, NULL, &p), -EINVAL);
	free(b);
	selfseq_profile_free(p);
}

static void key_set_get(void **state)
{
	struct selfseq_profile *p;
	char *big = malloc(SS_KEY_MAX + 2);
	(void)state;

	assert_int_equal(selfseq_profile_new(NULL, &p), 0);
	assert_null(selfseq_profile_get_key(p));
	assert_int_equal(selfseq_profile_set_key(p, "/bin/true"), 0);
	assert_string_equal(selfseq_profile_get_key(p), "/bin/true");
	assert_int_equal(selfseq_profile_set_key(p, ""), -EINVAL);
	assert_string_equal(selfseq_profile_get_key(p), "/bin/true");
	memset(big, 'k', SS_KEY_MAX + 1);
	big[SS_KEY_MAX + 1] = '\0';
	assert_int_equal(selfseq_profile_set_key(p, big), -ENAMETOOLONG);
	big[SS_KEY_MAX] = '\0';
	assert_int_equal(selfseq_profile_set_key(p, big), 0);
	assert_int_equal(strlen(selfseq_profile_get_key(p)), SS_KEY_MAX);
	round_trip(p);
	assert_int_equal(selfseq_profile_set_key(p, NULL), 0);
	assert_null(selfseq_profile_get_key(p));
	assert_int_equal(selfseq_profile_set_key(NULL, "x"), -EINVAL);
	assert_null(selfseq_profile_get_key(NULL));
	selfseq_profile_free(p);
	free(big);
}

/* The errors a decoder may give for damaged input: anything else is a bug. */
static int specific(int err)
{
	return err == -EBADMSG || err == -ENOMSG || err == -EPROTO || err == -EOVERFLOW ||
	       err == -ENAMETOOLONG;
}

static void check_truncations(const uint8_t *b, size_t n)
{
	struct selfseq_profile *q = NULL;

	for (size_t len = 0; len < n; len++)
		assert_int_equal(decode(b, len, &q), -EBADMSG);
	assert_null(q);
}

/* Without the checksum recomputed: the position decides the error. */
static void check_bit_flips(const uint8_t *b, size_t n)
{
	struct selfseq_profile *q = NULL;
	uint8_t *c = malloc(n);
	int expect;

	for (size_t bit = 0; bit < 8 * n; bit++) {
		memcpy(c, b, n);
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		expect = bit / 8 < SS_FMT_MAGIC_LEN ? -ENOMSG :
			 bit / 8 < SS_FMT_OFF_MINOR ? -EPROTO : -EBADMSG;
		assert_int_equal(decode(c, n, &q), expect);
	}
	assert_null(q);
	free(c);
}

/*
 * With the checksum recomputed, so the parser itself meets the damage: a
 * flip is refused with a specific error, or it is a valid file that encodes
 * back to exactly its bytes (decoding is one-to-one), except for the minor
 * version and the header size, which a v1.0 writer does not reproduce.
 */
static void check_forged_flips(const uint8_t *b, size_t n, unsigned *accepted)
{
	struct selfseq_profile *q;
	uint8_t *c = malloc(n), *back;
	size_t m, byte;
	int err;

	for (size_t bit = 0; bit < 8 * (n - 8); bit++) {
		byte = bit / 8;
		memcpy(c, b, n);
		c[byte] ^= (uint8_t)(1u << (bit % 8));
		seal(c, n);
		q = NULL;
		err = decode(c, n, &q);
		if (err) {
			if (!specific(err))
				fail_msg("bit %zu: error %d", bit, err);
			assert_null(q);
			continue;
		}
		++*accepted;
		back = encode(q, &m);
		if (m != n || memcmp(back, c, n))
			assert_true(byte >= SS_FMT_OFF_MINOR && byte < SS_FMT_OFF_FILE_SIZE);
		free(back);
		selfseq_profile_free(q);
	}
	free(c);
}

static void damage(void **state)
{
	struct selfseq_profile *p;
	unsigned accepted = 0;
	uint8_t *b;
	size_t n;
	(void)state;

	assert_int_equal(golden_profile(&p), 0);
	b = encode(p, &n);
	check_truncations(b, n);
	check_bit_flips(b, n);
	check_forged_flips(b, n, &accepted);
	print_message("golden: %zu bytes, %zu truncations, %zu flips; %u forged flips decode\n",
		      n, n, 8 * n, accepted);
	free(b);
	selfseq_profile_free(p);

	/* Three-byte cell words, two sets, a key: every part of the layout. */
	p = random_profile(17, 200, 12, 300);
	b = encode(p, &n);
	check_truncations(b, n);
	check_bit_flips(b, n);
	accepted = 0;
	check_forged_flips(b, n, &accepted);
	print_message("window 17: %zu bytes; %u forged flips decode\n", n, accepted);
	free(b);
	selfseq_profile_free(p);
}

/* Golden bytes with @len bytes at @off replaced by @with (@wlen bytes), resealed. */
static uint8_t *splice(const uint8_t *b, size_t n, size_t off, size_t len, const void *with,
		       size_t wlen, size_t *out_n)
{
	size_t m = n - len + wlen;
	uint8_t *c = malloc(m);

	memcpy(c, b, off);
	memcpy(c + off, with, wlen);
	memcpy(c + off + wlen, b + off + len, n - off - len);
	reseal(c, m);
	*out_n = m;
	return c;
}

/* Offset of the first section of @type in a v1.0 file (header 128). */
static size_t section_at(const uint8_t *b, size_t n, uint32_t type)
{
	size_t pos = SS_FMT_HEADER_V1;

	while (pos + 8 <= n - 8) {
		if (get32(b + pos) == type)
			return pos;
		pos += 8 + get32(b + pos + 4);
	}
	fail_msg("no section %u", type);
	return 0;
}

static int forged_u32(const uint8_t *b, size_t n, size_t off, uint32_t v)
{
	struct selfseq_profile *q = NULL;
	uint8_t *c = malloc(n);
	int err;

	memcpy(c, b, n);
	put32(c + off, v);
	seal(c, n);
	err = decode(c, n, &q);
	selfseq_profile_free(q);
	free(c);
	return err;
}

static void forged_values(void **state)
{
	struct selfseq_profile *p, *q;
	uint8_t *b, *c, sec[16];
	size_t n, m, key, calls;
	char *longkey;
	(void)state;

	assert_int_equal(golden_profile(&p), 0);
	b = encode(p, &n);
	key = section_at(b, n, SS_FMT_SEC_KEY);
	calls = section_at(b, n, SS_FMT_SEC_CALLS);

	/* Absurd window, alphabet, frame: beyond what the library holds. */
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_WINDOW, 0), -EOVERFLOW);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_WINDOW, 1), -EOVERFLOW);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_WINDOW, 33), -EOVERFLOW);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_WINDOW, 0xffffffffu), -EOVERFLOW);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_ALPHABET, 0), -EOVERFLOW);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_ALPHABET, 1025), -EOVERFLOW);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_ALPHABET, 0x80000000u), -EOVERFLOW);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_LFC_FRAME, 0), -EOVERFLOW);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_LFC_FRAME, 65537), -EOVERFLOW);
	/* In range but smaller than a call in the file. */
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_ALPHABET, 64), -EBADMSG);
	/* Window 3 instead of 4: the distance-3 bits of the cell words are then invalid. */
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_WINDOW, 3), -EBADMSG);
	/* Other fields no writer produces. */
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_STATE, 4), -EBADMSG);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_RESERVED0, 1), -EBADMSG);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_RESERVED1, 1), -EBADMSG);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_RESERVED2, 1), -EBADMSG);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_NORMAL_FACTOR, 0), -EBADMSG);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_NORMAL_FACTOR_DEN, 0), -EBADMSG);

	/* Oversized lengths. */
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_FILE_SIZE, 0xffffffffu), -EBADMSG);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_HEADER_SIZE, 0xffffffffu), -EBADMSG);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_HEADER_SIZE, (uint32_t)n), -EBADMSG);
	assert_int_equal(forged_u32(b, n, SS_FMT_OFF_HEADER_SIZE, 64), -EBADMSG);
	assert_int_equal(forged_u32(b, n, key + 4, 0xfffffff0u), -EBADMSG);
	assert_int_equal(forged_u32(b, n, key + 4, (uint32_t)n), -EBADMSG);
	assert_int_equal(forged_u32(b, n, calls + 8, 0xffffffffu), -EBADMSG);
	assert_int_equal(forged_u32(b, n, calls + 8, 513), -EBADMSG);
	longkey = malloc(SS_KEY_MAX + 1);
	memset(longkey, 'a', SS_KEY_MAX + 1);
	put32(sec, SS_FMT_SEC_KEY);
	put32(sec + 4, SS_KEY_MAX + 1);
	c = splice(b, n, key, 8 + get32(b + key + 4), sec, 8, &m);
	{
		uint8_t *d = splice(c, m, key + 8, 0, longkey, SS_KEY_MAX + 1, &m);

		assert_int_equal(decode(d, m, &q), -ENAMETOOLONG);
		free(d);
	}
	free(c);
	free(longkey);
	/* A key with a NUL inside, and an empty key section. */
	c = malloc(n);
	memcpy(c, b, n);
	c[key + 10] = 0;
	reseal(c, n);
	assert_int_equal(decode(c, n, &q), -EBADMSG);
	free(c);
	put32(sec + 4, 0);
	c = splice(b, n, key, 8 + get32(b + key + 4), sec, 8, &m);
	assert_int_equal(decode(c, m, &q), -EBADMSG);
	free(c);
	/* Longer than any profile can be, whatever it holds. */
	c = calloc(1, SS_FMT_MAX_BYTES + 1);
	memcpy(c, b, n);
	assert_int_equal(selfseq_profile_decode(c, SS_FMT_MAX_BYTES + 1, NULL, &q), -EFBIG);
	free(c);
	/* A trailing byte, with and without the sizes fixed. */
	c = malloc(n + 1);
	memcpy(c, b, n);
	c[n] = 0;
	assert_int_equal(decode(c, n + 1, &q), -EBADMSG);
	free(c);
	c = splice(b, n, n - 8, 0, "", 1, &m);
	assert_int_equal(decode(c, m, &q), -EBADMSG);
	free(c);
	free(b);
	selfseq_profile_free(p);
}

static void forged_magic_version(void **state)
{
	static const char text[] = "# not a profile, just some text\n";
	struct selfseq_profile *p, *q = NULL;
	uint8_t *b, *c;
	size_t n;
	(void)state;

	assert_int_equal(golden_profile(&p), 0);
	b = encode(p, &n);
	c = malloc(n);
	assert_int_equal(decode((const uint8_t *)text, sizeof(text) - 1, &q), -ENOMSG);
	assert_int_equal(decode((const uint8_t *)"\x89SSX", 4, &q), -ENOMSG);
	assert_int_equal(decode((const uint8_t *)"\x89SS", 3, &q), -EBADMSG);
	/* A text-mode transfer: CR LF became LF. */
	memcpy(c, b, n);
	memmove(c + 4, c + 5, n - 5);
	assert_int_equal(decode(c, n - 1, &q), -ENOMSG);
	for (uint32_t major = 0; major < 4; major++) {
		if (major == SS_FMT_MAJOR)
			continue;
		memcpy(c, b, n);
		put16(c + SS_FMT_OFF_MAJOR, major);
		assert_int_equal(decode(c, n, &q), -EPROTO);
		reseal(c, n);
		assert_int_equal(decode(c, n, &q), -EPROTO);
	}
	memcpy(c, b, n);
	put16(c + SS_FMT_OFF_MAJOR, 0xffff);
	assert_int_equal(decode(c, n, &q), -EPROTO);
	assert_null(q);
	free(c);
	free(b);
	selfseq_profile_free(p);
}

/* What a v1.x file may hold that a v1.0 reader must accept or refuse. */
static void compatibility(void **state)
{
	static const uint8_t extra[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct selfseq_profile *p, *q;
	uint8_t *b, *c, *d, sec[12];
	size_t n, m, k;
	(void)state;

	assert_int_equal(golden_profile(&p), 0);
	b = encode(p, &n);
	/* Minor version 7: read as v1.0. */
	c = malloc(n);
	memcpy(c, b, n);
	put16(c + SS_FMT_OFF_MINOR, 7);
	reseal(c, n);
	assert_int_equal(decode(c, n, &q), 0);
	assert_profiles_equal(p, q);
	selfseq_profile_free(q);
	free(c);
	/* A header grown by 8 bytes of fields this reader does not know: skipped. */
	c = splice(b, n, SS_FMT_HEADER_V1, 0, extra, sizeof(extra), &m);
	put32(c + SS_FMT_OFF_HEADER_SIZE, SS_FMT_HEADER_V1 + sizeof(extra));
	reseal(c, m);
	assert_int_equal(decode(c, m, &q), 0);
	assert_profiles_equal(p, q);
	selfseq_profile_free(q);
	free(c);
	/* An unknown section after the known ones: skipped. */
	put32(sec, 0x100);
	put32(sec + 4, 4);
	put32(sec + 8, 0xdeadbeef);
	c = splice(b, n, n - 8, 0, sec, sizeof(sec), &m);
	assert_int_equal(decode(c, m, &q), 0);
	assert_profiles_equal(p, q);
	selfseq_profile_free(q);
	free(c);
	/* The same marked critical: this reader cannot honour it. */
	put32(sec, SS_FMT_SEC_CRITICAL | 0x100);
	c = splice(b, n, n - 8, 0, sec, sizeof(sec), &m);
	assert_int_equal(decode(c, m, &q), -EPROTO);
	free(c);
	/* Sections out of order or twice. */
	k = section_at(b, n, SS_FMT_SEC_TEST);
	c = splice(b, n, n - 8, 0, b + k, n - 8 - k, &m);
	assert_int_equal(decode(c, m, &q), -EBADMSG);
	free(c);
	/* A missing testing set. */
	c = splice(b, n, k, n - 8 - k, "", 0, &m);
	assert_int_equal(decode(c, m, &q), -EBADMSG);
	free(c);
	/* No key section: a key-less profile. */
	k = section_at(b, n, SS_FMT_SEC_KEY);
	c = splice(b, n, k, 8 + get32(b + k + 4), "", 0, &m);
	assert_int_equal(decode(c, m, &q), 0);
	assert_null(selfseq_profile_get_key(q));
	d = encode(q, &k);
	assert_int_equal(k, m);
	assert_memory_equal(c, d, m);
	free(d);
	selfseq_profile_free(q);
	free(c);
	free(b);
	selfseq_profile_free(p);
}

/* An allocator that counts what is held and can fail the n-th request. */
struct counting {
	long held;
	long calls;
	long fail_at;	/* -1: never */
};

static void *counting_alloc(void *ctx, size_t size)
{
	struct counting *c = ctx;

	if (c->fail_at >= 0 && c->calls++ == c->fail_at)
		return NULL;
	c->held++;
	return malloc(size);
}

static void counting_free(void *ctx, void *ptr, size_t size)
{
	struct counting *c = ctx;
	(void)size;

	c->held--;
	free(ptr);
}

static void allocation_failures(void **state)
{
	struct counting cnt = { 0, 0, -1 };
	struct selfseq_allocator a = { .sz = sizeof(a), .alloc = counting_alloc,
				       .free = counting_free, .ctx = &cnt };
	struct selfseq_profile *p, *q;
	uint8_t *b;
	size_t n;
	long i;
	int err;
	(void)state;

	p = random_profile(9, 300, 60, 3000);
	b = encode(p, &n);
	assert_int_equal(selfseq_profile_decode(b, n, &a, &q), 0);
	assert_true(cnt.held > 0);
	assert_profiles_equal(p, q);
	selfseq_profile_free(q);
	assert_int_equal(cnt.held, 0);
	for (i = 0;; i++) {
		cnt.calls = 0;
		cnt.fail_at = i;
		q = NULL;
		err = selfseq_profile_decode(b, n, &a, &q);
		assert_int_equal(cnt.held, err ? 0 : cnt.held);
		if (!err)
			break;
		assert_int_equal(err, -ENOMEM);
		assert_null(q);
	}
	selfseq_profile_free(q);
	assert_int_equal(cnt.held, 0);
	free(b);
	selfseq_profile_free(p);
}

/*
 * A program of 100 distinct calls at window 9: code paths as fixed runs of
 * calls (some shared between paths), chained at random, much as a real
 * program's trace looks. The bound is 8 KiB; ADFA-LD's figures are
 * measured by format-size.
 */
static void size_100_calls(void **state)
{
	struct selfseq_profile_opts opts = { .sz = sizeof(opts), .window = 9, .alphabet = 1024 };
	uint32_t paths[60][12], plen[60], call[100], trace[4096], i, j, n, path = 0;
	struct selfseq_profile *p;
	struct selfseq_process *proc;
	size_t train_only, normal;
	(void)state;

	for (i = 0; i < 100; i++)
		call[i] = (i * 37 + 11) % 450;	/* spread over the x86-64 range */
	for (i = 0; i < 60; i++) {
		plen[i] = 3 + rnd() % 10;
		for (j = 0; j < plen[i]; j++)
			/* Skewed: a fifth of the calls (read, write, ...) make half the trace. */
			paths[i][j] = call[rnd() % 2 ? rnd() % 20 : rnd() % 100];
	}
	for (i = 0; i < 100; i++)	/* every call appears somewhere */
		paths[i % 60][1 + i / 60] = call[i];
	assert_int_equal(selfseq_profile_new(&opts, &p), 0);
	assert_int_equal(selfseq_profile_set_key(p, "/usr/sbin/example-daemon"), 0);
	assert_int_equal(selfseq_process_new(p, &proc), 0);
	for (int run = 0; run < 50; run++) {
		selfseq_process_reset(proc);
		for (n = 0; n + 12 <= 4096;) {
			/* Paths follow each other in a few habitual ways. */
			path = (path * 3 + rnd() % 3) % 60;
			for (j = 0; j < plen[path]; j++)
				trace[n++] = paths[path][j];
		}
		for (i = 0; i < n; i++)
			assert_int_equal(selfseq_process_feed(proc, trace[i], 0, NULL), 0);
	}
	selfseq_process_free(proc);
	assert_int_equal(selfseq_db_get_calls(&p->train), 100);
	assert_int_equal(selfseq_profile_encode(p, NULL, 0, &train_only), -ENOSPC);
	assert_int_equal(selfseq_profile_normalize(p, 0), 0);
	assert_int_equal(selfseq_profile_encode(p, NULL, 0, &normal), -ENOSPC);
	print_message("100 calls, window 9: %u pairs; %zu bytes training, %zu bytes normal\n",
		      selfseq_db_get_pairs(&p->train), train_only, normal);
	assert_true(normal <= 8192);
	selfseq_profile_free(p);
}

static uint8_t *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = malloc(1 << 20);

	if (!f)
		fail_msg("%s: cannot open", path);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

/* The committed golden file: same bytes from the same profile, same fields back. */
static void golden(void **state)
{
	struct selfseq_profile *p, *q;
	uint8_t *file, *now;
	size_t n, m;
	(void)state;

	if (!golden_path)
		skip();
	file = read_file(golden_path, &n);
	assert_int_equal(golden_profile(&p), 0);
	now = encode(p, &m);
	assert_int_equal(m, n);
	assert_memory_equal(now, file, n);
	assert_int_equal(decode(file, n, &q), 0);
	assert_profiles_equal(p, q);
	assert_string_equal(selfseq_profile_get_key(q), "/usr/bin/example");
	selfseq_profile_free(q);
	assert_int_equal(selfseq_profile_load(golden_path, NULL, &q), 0);
	assert_profiles_equal(p, q);
	selfseq_profile_free(q);
	selfseq_profile_free(p);
	free(now);
	free(file);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_empty),
		cmocka_unit_test(round_trip_windows_alphabets),
		cmocka_unit_test(canonical),
		cmocka_unit_test(encode_arguments),
		cmocka_unit_test(key_set_get),
		cmocka_unit_test(damage),
		cmocka_unit_test(forged_values),
		cmocka_unit_test(forged_magic_version),
		cmocka_unit_test(compatibility),
		cmocka_unit_test(allocation_failures),
		cmocka_unit_test(size_100_calls),
		cmocka_unit_test(golden),
	};

	if (argc > 1)
		golden_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
