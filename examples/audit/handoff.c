/* SPDX-License-Identifier: MIT */
/*
 * Reading log files on two threads. The reading thread runs libauparse
 * (most of the time: bench/audit-bench.sh) and copies each SYSCALL
 * record's text and stamp into a batch; a worker thread takes the batches
 * in order and runs the rest of the pipeline (parse, reorder, tracking, the
 * monitor, output), so selfseq-audit's own work runs beside libauparse's
 * instead of after it. Only the worker touches the pipeline's state; the
 * reader keeps the event, record and line counts. Without a second thread
 * (pthread_create failing) records are processed inline, as before.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#include "audit.h"
#include "handoff.h"

#define SS_BATCH_RECORDS 512u
#define SS_BATCH_TEXT (256u * 1024u)	/* grows for an unusually long record */
#define SS_BATCHES 4u			/* in flight: the reader fills one while the worker works */
#define SS_NO_HOST UINT32_MAX

enum { SS_REC_OK, SS_REC_NO_TEXT, SS_REC_NO_MEMORY };

struct ss_rec {
	uint32_t text;		/* offsets into the batch's text */
	uint32_t host;
	int kind;		/* SS_REC_*: a record without text or stamp, or too long to copy */
	unsigned line;
	int event_end;		/* the last SYSCALL record of its event: drain after it */
	int64_t sec;
	unsigned milli;
	unsigned long serial;
	const char *file;	/* libauparse's copy of the name: lives as long as it */
};

struct ss_batch {
	struct ss_rec rec[SS_BATCH_RECORDS];
	uint32_t n;
	char *text;
	size_t used, cap;
};

struct ss_handoff {
	struct ss_app *a;
	pthread_t worker;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ss_batch batch[SS_BATCHES];
	unsigned head, count;	/* filled batches: batch[head] .. (count of them) */
	int done;		/* the reader has nothing more */
	struct ss_batch *cur;	/* the one the reader fills (not in the queue) */
	uint64_t events_ended;
};

/* Wait for a free batch (reader side); NULL never: the worker always returns them. */
static void ss_take_free(struct ss_handoff *h)
{
	pthread_mutex_lock(&h->lock);
	while (h->count == SS_BATCHES - 1)
		pthread_cond_wait(&h->cond, &h->lock);
	h->cur = &h->batch[(h->head + h->count) % SS_BATCHES];
	pthread_mutex_unlock(&h->lock);
	h->cur->n = 0;
	h->cur->used = 0;
}

static void ss_submit(struct ss_handoff *h)
{
	pthread_mutex_lock(&h->lock);
	h->count++;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	h->cur = NULL;
}

static void ss_process_batch(struct ss_handoff *h, const struct ss_batch *b)
{
	for (uint32_t i = 0; i < b->n; i++) {
		const struct ss_rec *r = &b->rec[i];
		au_event_t ts = { .sec = (time_t)r->sec, .milli = r->milli, .serial = r->serial,
				  .host = r->host == SS_NO_HOST ? NULL : b->text + r->host };

		if (r->kind == SS_REC_NO_MEMORY)
			ss_pipeline_syscall_skip(h->a, r->file, r->line, SS_SKIP_LIMIT, NULL);
		else if (r->kind == SS_REC_NO_TEXT)
			ss_pipeline_syscall_text(h->a, NULL, NULL, r->file, r->line);
		else
			ss_pipeline_syscall_text(h->a, b->text + r->text, &ts, r->file, r->line);
		if (r->event_end) {
			ss_pipeline_drain(h->a, 0);
			if (!(++h->events_ended & 4095))
				ss_periodic(h->a);
		}
	}
}

static void *ss_worker(void *arg)
{
	struct ss_handoff *h = arg;

	for (;;) {
		struct ss_batch *b;

		pthread_mutex_lock(&h->lock);
		while (!h->count && !h->done)
			pthread_cond_wait(&h->cond, &h->lock);
		if (!h->count) {
			pthread_mutex_unlock(&h->lock);
			return NULL;
		}
		b = &h->batch[h->head];
		pthread_mutex_unlock(&h->lock);
		ss_process_batch(h, b);
		pthread_mutex_lock(&h->lock);
		h->head = (h->head + 1) % SS_BATCHES;
		h->count--;
		pthread_cond_broadcast(&h->cond);
		pthread_mutex_unlock(&h->lock);
	}
}

struct ss_handoff *ss_handoff_start(struct ss_app *a)
{
	struct ss_handoff *h = calloc(1, sizeof(*h));
	unsigned i;

	if (!h)
		return NULL;
	h->a = a;
	for (i = 0; i < SS_BATCHES; i++) {
		h->batch[i].cap = SS_BATCH_TEXT;
		h->batch[i].text = malloc(SS_BATCH_TEXT);
		if (!h->batch[i].text)
			goto fail;
	}
	if (pthread_mutex_init(&h->lock, NULL))
		goto fail;
	if (pthread_cond_init(&h->cond, NULL)) {
		pthread_mutex_destroy(&h->lock);
		goto fail;
	}
	if (pthread_create(&h->worker, NULL, ss_worker, h)) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		goto fail;
	}
	ss_take_free(h);
	return h;
fail:
	for (i = 0; i < SS_BATCHES; i++)
		free(h->batch[i].text);
	free(h);
	return NULL;
}

/* A free slot for one more record and @len bytes of text in the current batch; 0 or -ENOMEM. */
static int ss_room(struct ss_handoff *h, size_t len)
{
	struct ss_batch *b = h->cur;

	if (b->n == SS_BATCH_RECORDS || (b->used + len > b->cap && b->n)) {
		ss_submit(h);
		ss_take_free(h);
		b = h->cur;
	}
	if (b->used + len > b->cap) {
		/* One record longer than a batch's text: grow this batch's buffer. */
		char *t = len > UINT32_MAX / 2 ? NULL : realloc(b->text, b->used + len);

		if (!t)
			return -ENOMEM;
		b->text = t;
		b->cap = b->used + len;
	}
	return 0;
}

void ss_handoff_record(struct ss_handoff *h, auparse_state_t *au)
{
	const au_event_t *ts = auparse_get_timestamp(au);
	const char *text = auparse_get_record_text(au);
	size_t tlen = text ? strlen(text) + 1 : 0, hlen = ts && ts->host ? strlen(ts->host) + 1 : 0;
	int kind = !text || !ts ? SS_REC_NO_TEXT : SS_REC_OK;
	struct ss_batch *b;
	struct ss_rec *r;

	if (ss_room(h, tlen + hlen)) {
		/* Still queued, so that the worker counts and reports it in order. */
		kind = SS_REC_NO_MEMORY;
		tlen = hlen = 0;
		ss_room(h, 0);
	}
	b = h->cur;
	r = &b->rec[b->n++];
	r->kind = kind;
	r->text = (uint32_t)b->used;
	if (tlen) {
		memcpy(b->text + b->used, text, tlen);
		b->used += tlen;
	}
	r->host = SS_NO_HOST;
	if (hlen) {
		r->host = (uint32_t)b->used;
		memcpy(b->text + b->used, ts->host, hlen);
		b->used += hlen;
	}
	r->sec = ts ? (int64_t)ts->sec : 0;
	r->milli = ts ? ts->milli : 0;
	r->serial = ts ? ts->serial : 0;
	r->file = auparse_get_filename(au);
	r->line = auparse_get_line_number(au);
	r->event_end = 0;
}

void ss_handoff_event_end(struct ss_handoff *h)
{
	struct ss_batch *b = h->cur;

	/* An event without SYSCALL records adds no call: nothing to drain for it. */
	if (b->n)
		b->rec[b->n - 1].event_end = 1;
}

void ss_handoff_finish(struct ss_handoff *h)
{
	unsigned i;

	if (!h)
		return;
	if (h->cur)
		ss_submit(h);
	pthread_mutex_lock(&h->lock);
	h->done = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->worker, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	for (i = 0; i < SS_BATCHES; i++)
		free(h->batch[i].text);
	free(h);
}
