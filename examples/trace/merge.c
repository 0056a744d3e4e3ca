/* SPDX-License-Identifier: MIT */
/*
 * k-way merge of the per-ring event queues (see merge.h for why releasing
 * up to the last drain's start time keeps every thread's calls in order).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"

int merge_init(struct merge *m, unsigned nqueues)
{
	memset(m, 0, sizeof(*m));
	if (!nqueues)
		return -EINVAL;
	m->q = calloc(nqueues, sizeof(*m->q));
	m->heap = calloc(nqueues, sizeof(*m->heap));
	if (!m->q || !m->heap) {
		merge_fini(m);
		return -ENOMEM;
	}
	m->nq = nqueues;
	return 0;
}

void merge_fini(struct merge *m)
{
	unsigned i;

	if (m->q)
		for (i = 0; i < m->nq; i++)
			free(m->q[i].ev);
	free(m->q);
	free(m->heap);
	memset(m, 0, sizeof(*m));
}

struct tev *merge_push(struct merge *m, unsigned qi)
{
	struct merge_queue *q = &m->q[qi];

	if (q->len == q->cap) {
		if (q->head > q->len / 2) {
			/* Mostly consumed: slide down instead of growing. */
			memmove(q->ev, q->ev + q->head, (q->len - q->head) * sizeof(*q->ev));
			q->len -= q->head;
			q->head = 0;
		} else {
			size_t cap = q->cap ? q->cap * 2 : 4096;
			struct tev *ev = realloc(q->ev, cap * sizeof(*ev));

			if (!ev)
				return NULL;
			q->ev = ev;
			q->cap = cap;
		}
	}
	m->queued++;
	if (m->queued > m->peak)
		m->peak = m->queued;
	return &q->ev[q->len++];
}

static uint64_t head_time(const struct merge *m, unsigned qi)
{
	const struct merge_queue *q = &m->q[qi];

	return q->ev[q->head].time;
}

static void sift_down(struct merge *m, unsigned n, unsigned i)
{
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, s = i, t;

		if (l < n && head_time(m, m->heap[l]) < head_time(m, m->heap[s]))
			s = l;
		if (r < n && head_time(m, m->heap[r]) < head_time(m, m->heap[s]))
			s = r;
		if (s == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[s];
		m->heap[s] = t;
		i = s;
	}
}

uint64_t merge_flush(struct merge *m, uint64_t upto, merge_cb cb, void *ctx)
{
	unsigned n = 0, i;
	uint64_t released = 0;

	for (i = 0; i < m->nq; i++)
		if (m->q[i].head < m->q[i].len)
			m->heap[n++] = i;
	for (i = n / 2; i-- > 0;)
		sift_down(m, n, i);
	while (n) {
		unsigned qi = m->heap[0];
		struct merge_queue *q = &m->q[qi];
		struct tev *ev = &q->ev[q->head];

		if (ev->time > upto)
			break;
		if (ev->time < m->last)
			m->late++;
		else
			m->last = ev->time;
		q->head++;
		m->queued--;
		released++;
		cb(ctx, ev);
		if (q->head == q->len) {
			q->head = q->len = 0;
			m->heap[0] = m->heap[--n];
		}
		sift_down(m, n, 0);
	}
	return released;
}
