/* SPDX-License-Identifier: MIT */
/*
 * perf ring buffer reader (see ring.h for the memory-ordering protocol,
 * which is the one documented in <linux/perf_event.h>).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ring.h"

#define RING_BOUNCE (64u * 1024u)

int ring_init(struct ring *r, void *map, size_t maplen, size_t page_size, int id)
{
	struct perf_event_mmap_page *meta = map;
	uint64_t off, size;

	memset(r, 0, sizeof(*r));
	if (!map || !page_size || maplen <= page_size)
		return -EINVAL;
	/* data_offset/data_size exist since Linux 4.1; older kernels leave them 0. */
	off = meta->data_offset ? meta->data_offset : page_size;
	size = meta->data_size ? meta->data_size : maplen - page_size;
	if (off + size > maplen || size < 8 || (size & (size - 1)))
		return -EINVAL;
	r->bounce = malloc(RING_BOUNCE);
	if (!r->bounce)
		return -ENOMEM;
	r->meta = meta;
	r->data = (unsigned char *)map + off;
	r->size = size;
	r->map = map;
	r->maplen = maplen;
	r->id = id;
	return 0;
}

void ring_fini(struct ring *r, int unmap)
{
	if (unmap && r->map)
		munmap(r->map, r->maplen);
	free(r->bounce);
	memset(r, 0, sizeof(*r));
}

uint64_t ring_pending(const struct ring *r)
{
	return __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE) - r->meta->data_tail;
}

int ring_drain(struct ring *r, ring_cb cb, void *ctx, uint64_t *bad_offset)
{
	/* Acquire: the record bytes the kernel wrote before data_head are visible after this load. */
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	/* Only this reader writes data_tail. */
	uint64_t tail = __atomic_load_n(&r->meta->data_tail, __ATOMIC_RELAXED);
	uint64_t mask = r->size - 1, released = tail;
	int rc = 0;

	while (tail < head) {
		struct perf_event_header hdr;
		const struct perf_event_header *rec;
		uint64_t off = tail & mask;

		/* Records are 8-byte aligned and the area is a power of two >= 8: a header never wraps. */
		memcpy(&hdr, r->data + off, sizeof(hdr));
		if (hdr.size < sizeof(hdr) || hdr.size > head - tail) {
			if (bad_offset)
				*bad_offset = tail;
			tail = head;
			rc = -EBADMSG;
			break;
		}
		if (off + hdr.size <= r->size) {
			rec = (const void *)(r->data + off);
		} else {
			size_t first = (size_t)(r->size - off);

			memcpy(r->bounce, r->data + off, first);
			memcpy(r->bounce + first, r->data, hdr.size - first);
			rec = (const void *)r->bounce;
		}
		tail += hdr.size;
		r->bytes += hdr.size;
		r->records++;
		rc = cb(ctx, rec, r->id);
		if (rc)
			break;
		/* Hand space back every eighth of the ring, so a long drain does not stall the kernel. */
		if (tail - released >= r->size / 8) {
			__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
			released = tail;
		}
	}
	/* Release: every read of the records above happens before the kernel may reuse their space. */
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return rc;
}
