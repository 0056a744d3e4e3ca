/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: selfseq_profile_decode() on hostile bytes.
 *
 * Input: one flag byte, then the file. Flag bit 0 rewrites the file-size
 * field and the XXH64 checksum to match the bytes, so mutations get past
 * the checksum into the sections; bit 1 decodes with an allocator that
 * fails after (flag >> 2) allocations. Checked:
 *  - only the documented errors come back, and a failed decode leaves
 *    nothing allocated (counting allocator);
 *  - a decoded profile encodes back to the very input when the input has a
 *    v1.0 header and only known sections (the decoder refuses anything a
 *    writer would not produce), and encode(decode(encode)) is a fixed point;
 *  - the decoded profile works: a process fed calls taken from the input
 *    returns only feed's documented errors.
 */
#include <errno.h>
#include <string.h>

#include <xxhash.h>

#include <selfseq/selfseq.h>

#include "alloc.h"
#include "fuzz.h"

#define HEADER_V1 128u
#define TRAILER 8u

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Whether a decodable file is one the encoder writes: v1.0 header, known sections only. */
static int canonical(const uint8_t *b, size_t len)
{
	size_t pos = get32(b + 12), end = len - TRAILER;

	if (pos != HEADER_V1 || b[10] || b[11])
		return 0;
	while (pos + 8 <= end) {
		uint32_t type = get32(b + pos), n = get32(b + pos + 4);

		if (type < 1 || type > 4)
			return 0;
		pos += 8 + (size_t)n;
	}
	return 1;
}

static void same_state(const struct selfseq_profile *a, const struct selfseq_profile *b)
{
	struct selfseq_profile_state sa = { .sz = sizeof(sa) }, sb = { .sz = sizeof(sb) };
	struct selfseq_params pa = { .sz = sizeof(pa) }, pb = { .sz = sizeof(pb) };

	FUZZ_CHECK(selfseq_profile_get_state(a, &sa) == 0);
	FUZZ_CHECK(selfseq_profile_get_state(b, &sb) == 0);
	sa.tasks = sb.tasks = 0;
	FUZZ_CHECK(memcmp(&sa, &sb, sizeof(sa)) == 0);
	FUZZ_CHECK(selfseq_profile_get_params(a, &pa) == 0);
	FUZZ_CHECK(selfseq_profile_get_params(b, &pb) == 0);
	FUZZ_CHECK(memcmp(&pa, &pb, sizeof(pa)) == 0);
}

static uint8_t *encode(const struct selfseq_profile *p, size_t *len)
{
	size_t need = 0;
	uint8_t *buf;

	FUZZ_CHECK(selfseq_profile_encode(p, NULL, 0, &need) == -ENOSPC);
	buf = malloc(need);
	FUZZ_CHECK(buf);
	FUZZ_CHECK(selfseq_profile_encode(p, buf, need, len) == 0);
	FUZZ_CHECK(*len == need);
	return buf;
}

static void exercise(struct selfseq_profile *p, const uint8_t *data, size_t size)
{
	struct selfseq_profile_state st = { .sz = sizeof(st) };
	struct selfseq_process *proc;
	uint64_t now = 0;
	size_t i;

	FUZZ_CHECK(selfseq_profile_get_state(p, &st) == 0);
	if (selfseq_process_new(p, &proc))
		return;
	for (i = 0; i < size && i < 64; i++) {
		struct selfseq_event ev = { .sz = sizeof(ev) };
		int err = selfseq_process_feed(proc, data[i] % st.alphabet, now, &ev);

		FUZZ_CHECK(err == 0 || err == -ENOSPC || err == -ENOMEM);
		FUZZ_CHECK(ev.misses < st.window);
		FUZZ_CHECK(ev.lfc <= st.lfc_frame && ev.lfc <= ev.max_lfc);
		now += (uint64_t)data[i] << 40;
	}
	selfseq_process_free(proc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct selfseq_profile *p = NULL, *q = NULL;
	struct fuzz_alloc fa;
	uint8_t *file, *enc, *enc2;
	size_t len, n, n2;
	unsigned flags;
	int err;

	if (size < 1)
		return 0;
	flags = data[0];
	len = size - 1;
	file = malloc(len ? len : 1);
	FUZZ_CHECK(file);
	memcpy(file, data + 1, len);
	if ((flags & 1) && len >= HEADER_V1 + TRAILER) {
		put32(file + 16, (uint32_t)len);
		put64(file + len - TRAILER, XXH64(file, len - TRAILER, 0));
	}
	fuzz_alloc_init(&fa, (flags & 2) ? (int64_t)(flags >> 2) : -1);

	err = selfseq_profile_decode(file, len, &fa.a, &p);
	FUZZ_CHECK(err == 0 || err == -ENOMSG || err == -EPROTO || err == -EBADMSG ||
		   err == -EOVERFLOW || err == -ENAMETOOLONG || err == -EFBIG ||
		   err == -ENOMEM);
	FUZZ_CHECK(err != -ENOMEM || (flags & 2));
	if (err) {
		FUZZ_CHECK(fa.live == 0 && fa.bytes == 0);
		free(file);
		return 0;
	}

	enc = encode(p, &n);
	if (canonical(file, len))
		FUZZ_CHECK(n == len && memcmp(enc, file, len) == 0);
	FUZZ_CHECK(selfseq_profile_decode(enc, n, NULL, &q) == 0);
	same_state(p, q);
	enc2 = encode(q, &n2);
	FUZZ_CHECK(n2 == n && memcmp(enc, enc2, n) == 0);

	exercise(q, data, size);
	selfseq_profile_free(q);
	selfseq_profile_free(p);
	FUZZ_CHECK(fa.live == 0 && fa.bytes == 0);
	free(enc);
	free(enc2);
	free(file);
	return 0;
}
