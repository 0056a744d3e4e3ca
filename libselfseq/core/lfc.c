/* SPDX-License-Identifier: MIT */
/*
 * Locality frame counter: how many of the last `frame` calls were
 * anomalous, kept as one bit per call in a ring, O(1) per call.
 */
#include "internal.h"

size_t ss_lfc_bytes(uint32_t frame)
{
	return SS_ALIGN8(sizeof(struct selfseq_lfc)) + (size_t)((frame + 63) / 64) * 8;
}

static int ss_lfc_frame(uint32_t *frame)
{
	if (!*frame)
		*frame = SELFSEQ_DEFAULT_LFC_FRAME;
	return *frame > SELFSEQ_LFC_FRAME_MAX ? -EINVAL : 0;
}

void ss_lfc_setup(struct selfseq_lfc *lfc, uint32_t frame)
{
	ss_memset(lfc, 0, sizeof(*lfc));
	lfc->frame = frame;
	selfseq_lfc_reset(lfc);
}

SELFSEQ_EXPORT int selfseq_lfc_size(uint32_t frame, size_t *size)
{
	if (ss_lfc_frame(&frame) || !size)
		return -EINVAL;
	*size = ss_lfc_bytes(frame);
	return 0;
}

SELFSEQ_EXPORT int selfseq_lfc_init(void *mem, size_t len, uint32_t frame,
				    struct selfseq_lfc **out)
{
	if (ss_lfc_frame(&frame) || !mem || !out || ((uintptr_t)mem & 7))
		return -EINVAL;
	if (len < ss_lfc_bytes(frame))
		return -ENOSPC;
	ss_lfc_setup(mem, frame);
	*out = mem;
	return 0;
}

SELFSEQ_EXPORT int selfseq_lfc_new(uint32_t frame, const struct selfseq_allocator *alloc,
				   struct selfseq_lfc **out)
{
	struct selfseq_lfc *lfc;

	if (ss_lfc_frame(&frame) || !out)
		return -EINVAL;
	if (!alloc)
		alloc = &selfseq__default_allocator;
	lfc = ss_alloc(alloc, ss_lfc_bytes(frame));
	if (!lfc)
		return -ENOMEM;
	ss_lfc_setup(lfc, frame);
	lfc->owned = 1;
	lfc->alloc = *alloc;
	*out = lfc;
	return 0;
}

SELFSEQ_EXPORT void selfseq_lfc_free(struct selfseq_lfc *lfc)
{
	struct selfseq_allocator alloc;

	if (!lfc || !lfc->owned)
		return;
	alloc = lfc->alloc;
	ss_free(&alloc, lfc, ss_lfc_bytes(lfc->frame));
}

SELFSEQ_EXPORT void selfseq_lfc_reset(struct selfseq_lfc *lfc)
{
	if (!lfc)
		return;
	ss_memset(lfc->bits, 0, (size_t)((lfc->frame + 63) / 64) * 8);
	lfc->pos = lfc->frame - 1;
	lfc->count = 0;
	lfc->max = 0;
}

/* pH's pH_add_anomaly_count: the slot of the call leaving the frame takes the new flag. */
SELFSEQ_EXPORT uint32_t selfseq_lfc_add(struct selfseq_lfc *lfc, int anomalous)
{
	uint32_t i = lfc->pos + 1 == lfc->frame ? 0 : lfc->pos + 1;
	uint64_t bit = 1ull << (i & 63), *word = &lfc->bits[i >> 6];

	if (anomalous) {
		if (!(*word & bit)) {
			*word |= bit;
			if (++lfc->count > lfc->max)
				lfc->max = lfc->count;
		}
	} else if (*word & bit) {
		*word &= ~bit;
		lfc->count--;
	}
	lfc->pos = i;
	return lfc->count;
}

SELFSEQ_EXPORT uint32_t selfseq_lfc_get(const struct selfseq_lfc *lfc)
{
	return lfc->count;
}

SELFSEQ_EXPORT uint32_t selfseq_lfc_get_max(const struct selfseq_lfc *lfc)
{
	return lfc->max;
}

SELFSEQ_EXPORT uint32_t selfseq_lfc_get_frame(const struct selfseq_lfc *lfc)
{
	return lfc->frame;
}
