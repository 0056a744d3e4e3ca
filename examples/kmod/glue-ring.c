// SPDX-License-Identifier: MIT
/*
 * The anomaly ring: the last KSS_RING_SIZE reported events (anomalous
 * calls and profile state changes), each with a sequence number so several
 * readers can follow it without consuming it and can tell what they missed.
 */
#include <linux/spinlock.h>
#include <linux/string.h>
#include "glue.h"

static struct kss_record kss_ring[KSS_RING_SIZE];
static u64 kss_ring_next = 1;	/* sequence number of the next record */
static DEFINE_SPINLOCK(kss_ring_lock);

void kss_ring_add(const struct kss_task *t, const struct kss_profile *kp,
		  const struct selfseq_event *ev, u64 now)
{
	struct kss_record *r;

	spin_lock(&kss_ring_lock);
	r = &kss_ring[kss_ring_next % KSS_RING_SIZE];
	r->seq = kss_ring_next++;
	r->time_ns = now;
	r->pid = t->pid;
	r->tgid = t->tgid;
	r->profile = kp->id;
	r->call = ev->call;
	r->misses = ev->misses;
	r->lfc = ev->lfc;
	r->state = ev->state;
	r->flags = ev->flags;
	memcpy(r->comm, t->comm, sizeof(r->comm));
	spin_unlock(&kss_ring_lock);
}

size_t kss_ring_copy(u64 since, struct kss_record *out, size_t max, u64 *next, u64 *lost)
{
	u64 first, seq;
	size_t n = 0;

	spin_lock(&kss_ring_lock);
	*next = kss_ring_next;
	first = kss_ring_next > KSS_RING_SIZE ? kss_ring_next - KSS_RING_SIZE : 1;
	*lost = since + 1 < first ? first - (since + 1) : 0;
	for (seq = since + 1 > first ? since + 1 : first; seq < kss_ring_next && n < max; seq++)
		out[n++] = kss_ring[seq % KSS_RING_SIZE];
	spin_unlock(&kss_ring_lock);
	return n;
}

u64 kss_ring_next_seq(void)
{
	u64 next;

	spin_lock(&kss_ring_lock);
	next = kss_ring_next;
	spin_unlock(&kss_ring_lock);
	return next;
}
