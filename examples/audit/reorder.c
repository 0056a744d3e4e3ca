/* SPDX-License-Identifier: MIT */
/*
 * Reorder buffer: a sorted ring of calls keyed by their audit stamp.
 * Within one boot the serial grows with the stamp; the time goes first so
 * logs spanning a reboot (serials restart) still sort right.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	memset(r, 0, sizeof(*r));
	r->max = max ? max : 1;
	r->window_ms = window_ms;
}

void ss_reorder_free(struct ss_reorder *r)
{
	free(r->ring);
	free(r->heap);
	r->ring = r->heap = NULL;
	r->head = r->n = r->cap = r->hn = r->hcap = 0;
}

static uint64_t ss_call_ms(const struct ss_call *c)
{
	return c->sec * 1000 + c->ms;
}

#define SS_AT(r, i) ((r)->ring[((r)->head + (i)) & ((r)->cap - 1)])

static int ss_reorder_grow(struct ss_reorder *r)
{
	size_t cap = r->cap ? r->cap * 2 : 256, i;
	struct ss_call *ring = malloc(cap * sizeof(*ring));

	if (!ring)
		return -ENOMEM;
	for (i = 0; i < r->n; i++)
		ring[i] = SS_AT(r, i);
	free(r->ring);
	r->ring = ring;
	r->cap = cap;
	r->head = 0;
	return 0;
}

static int ss_heap_push(struct ss_reorder *r, const struct ss_call *c)
{
	size_t i;

	if (r->hn == r->hcap) {
		size_t cap = r->hcap ? r->hcap * 2 : 64;
		struct ss_call *h = realloc(r->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		r->heap = h;
		r->hcap = cap;
	}
	for (i = r->hn++; i > 0; i = (i - 1) / 2) {
		size_t parent = (i - 1) / 2;

		if (ss_call_cmp(&r->heap[parent], c) <= 0)
			break;
		r->heap[i] = r->heap[parent];
	}
	r->heap[i] = *c;
	return 0;
}

static void ss_heap_pop(struct ss_reorder *r, struct ss_call *out)
{
	struct ss_call last;
	size_t i = 0, n;

	*out = r->heap[0];
	last = r->heap[--r->hn];
	n = r->hn;
	for (;;) {
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
}

int ss_reorder_push(struct ss_reorder *r, const struct ss_call *c)
{
	if (r->n && ss_call_cmp(&SS_AT(r, r->n - 1), c) > 0) {
		if (ss_heap_push(r, c))
			return -ENOMEM;
	} else {
		if (r->n == r->cap && ss_reorder_grow(r))
			return -ENOMEM;
		SS_AT(r, r->n) = *c;
		r->n++;
	}
	if (ss_call_ms(c) > r->newest_ms)
		r->newest_ms = ss_call_ms(c);
	return 0;
}

int ss_reorder_pop(struct ss_reorder *r, int all, struct ss_call *out)
{
	const struct ss_call *oldest;
	int from_heap;

	if (!r->n && !r->hn)
		return 0;
	from_heap = r->hn && (!r->n || ss_call_cmp(&r->heap[0], &SS_AT(r, 0)) < 0);
	oldest = from_heap ? &r->heap[0] : &SS_AT(r, 0);
	/* Hold the oldest while a late call could still sort before it. */
	if (!all && r->n + r->hn <= r->max && ss_call_ms(oldest) + r->window_ms > r->newest_ms)
		return 0;
	if (from_heap) {
		ss_heap_pop(r, out);
		return 1;
	}
	*out = *oldest;
	r->head = (r->head + 1) & (r->cap - 1);
	r->n--;
	return 1;
}
