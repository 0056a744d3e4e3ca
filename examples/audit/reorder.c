/* SPDX-License-Identifier: MIT */
/*
 * Reorder buffer: a binary min-heap of calls keyed by their audit stamp.
 * Within one boot the serial grows with the stamp; the time goes first so
 * logs spanning a reboot (serials restart) still sort right.
 */
#include <errno.h>
#include <stdlib.h>

#include "reorder.h"

int ss_call_cmp(const struct ss_call *a, const struct ss_call *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->ms != b->ms)
		return a->ms < b->ms ? -1 : 1;
	if (a->serial != b->serial)
		return a->serial < b->serial ? -1 : 1;
	return 0;
}

void ss_reorder_init(struct ss_reorder *r, uint64_t window_ms, size_t max)
{
	r->heap = NULL;
	r->n = r->cap = 0;
	r->max = max ? max : 1;
	r->window_ms = window_ms;
	r->newest_ms = 0;
}

void ss_reorder_free(struct ss_reorder *r)
{
	free(r->heap);
	r->heap = NULL;
	r->n = r->cap = 0;
}

static uint64_t ss_call_ms(const struct ss_call *c)
{
	return c->sec * 1000 + c->ms;
}

int ss_reorder_push(struct ss_reorder *r, const struct ss_call *c)
{
	size_t i;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct ss_call *h = realloc(r->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		r->heap = h;
		r->cap = cap;
	}
	/* Sift up. */
	for (i = r->n++; i > 0; i = (i - 1) / 2) {
		size_t parent = (i - 1) / 2;

		if (ss_call_cmp(&r->heap[parent], c) <= 0)
			break;
		r->heap[i] = r->heap[parent];
	}
	r->heap[i] = *c;
	if (ss_call_ms(c) > r->newest_ms)
		r->newest_ms = ss_call_ms(c);
	return 0;
}

int ss_reorder_pop(struct ss_reorder *r, int all, struct ss_call *out)
{
	struct ss_call last;
	size_t i, n;

	if (!r->n)
		return 0;
	/* Hold the oldest while a late call could still sort before it. */
	if (!all && r->n <= r->max && ss_call_ms(&r->heap[0]) + r->window_ms > r->newest_ms)
		return 0;
	*out = r->heap[0];
	last = r->heap[--r->n];
	n = r->n;
	/* Sift the last one down from the root. */
	for (i = 0;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && ss_call_cmp(&r->heap[c + 1], &r->heap[c]) < 0)
			c++;
		if (ss_call_cmp(&last, &r->heap[c]) <= 0)
			break;
		r->heap[i] = r->heap[c];
		i = c;
	}
	if (n)
		r->heap[i] = last;
	return 1;
}
