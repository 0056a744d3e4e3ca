/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: selfseq-trace's perf path (examples/trace) on a hostile
 * recording, as `selfseq-trace --replay` reads one: the recording header
 * and its tracepoint format texts (recfile_open, tp_format_parse), the
 * decoder built from them (decoder_init), each raw perf record decoded
 * (decode_record: samples of sys_enter and the sched events, LOST and
 * executable MMAP records), the per-ring queues merged in time order
 * with the recording's round markers (merge), and the thread table feeding
 * an in-memory monitor (tasks_apply). The same records also go through a fake perf mmap ring
 * whose data area wraps, and the ring reader (ring_drain) must hand back
 * exactly the records written, in order.
 *
 * Input: the recording (fuzz/corpus/perf holds real ones); it is read
 * through a memfd, so no file is written. Checked besides sanitizers: the
 * ring returns every record intact; every decoded event leaves the merge;
 * the merge's count of late events matches the release order; the thread
 * table's call counters add up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libaudit.h>
#include <selfseq/selfseq-monitor.h>

#include "decode.h"
#include "fuzz.h"
#include "merge.h"
#include "recfile.h"
#include "ring.h"
#include "tasks.h"

#define RING_PAGE 4096u
#define MAX_RECORDS 4096u

struct replay {
	struct decoder dec;
	struct merge merge;
	struct tasks *tasks;
	struct selfseq_monitor *mon;
	uint64_t decoded, released, last, late;
	/* Records as read from the file, for the ring check. */
	unsigned char *recs;
	size_t recs_len, recs_cap, nrecs;
	size_t ring_pos, ring_seen;
};

static const char *const exes[] = { "/usr/bin/a", "/usr/bin/b", "/bin/sh", "/usr/sbin/d" };

/* A replayed exec or mapping resolved by its name alone, without touching the file system. */
static const char *fake_exe(const char *filename)
{
	unsigned h = 0;

	while (*filename)
		h = h * 31 + (unsigned char)*filename++;
	return exes[h % 4];
}

static int sk_exec(void *ctx, uint32_t tid, const char *exe, uint32_t arch)
{
	return selfseq_monitor_exec(((struct replay *)ctx)->mon, tid, exe, arch);
}

static int sk_fork(void *ctx, uint32_t parent, uint32_t child)
{
	return selfseq_monitor_fork(((struct replay *)ctx)->mon, parent, child);
}

static int sk_exit(void *ctx, uint32_t tid)
{
	return selfseq_monitor_exit(((struct replay *)ctx)->mon, tid);
}

static int sk_feed(void *ctx, uint32_t tid, uint32_t call, uint64_t now_ns,
		   struct selfseq_event *ev)
{
	return selfseq_monitor_feed(((struct replay *)ctx)->mon, tid, call, now_ns, ev);
}

static void sk_gap(void *ctx, uint32_t tid)
{
	struct selfseq_process *p = selfseq_monitor_get_process(((struct replay *)ctx)->mon, tid);

	if (p)
		selfseq_process_reset(p);
}

/* Threads first seen without an exec: odd ones run a known program. */
static int probe(void *ctx, uint32_t pid, uint32_t tid, struct task_facts *f)
{
	(void)ctx;
	if (tid & 1)
		return -ESRCH;
	f->exe = exes[pid % 4];
	f->arch = AUDIT_ARCH_X86_64;
	f->ppid = 1;
	f->uid = 0;
	return 0;
}

static void on_merged(void *ctx, struct tev *ev)
{
	struct replay *r = ctx;

	r->released++;
	if (ev->time < r->last)
		r->late++;
	else
		r->last = ev->time;
	tasks_apply(r->tasks, ev);
}

static void on_record(struct replay *r, const struct perf_event_header *rec, uint32_t ring)
{
	char fname[PATH_MAX], err[200];
	struct tev ev, *slot;
	int rc = decode_record(&r->dec, rec, &ev, fname, sizeof(fname), err, sizeof(err));

	FUZZ_CHECK(rc >= -EBADMSG && rc <= 1);
	if (rc < 0)
		FUZZ_CHECK(err[0]);
	if (rc != 1)
		return;
	FUZZ_CHECK(ev.kind >= TEV_SYSCALL && ev.kind <= TEV_MMAP);
	if (ev.kind == TEV_MMAP) {
		FUZZ_CHECK(memchr(fname, 0, sizeof(fname)));
		ev.u.mmap.file = fname[0] == '/' ? fake_exe(fname) : "relative";
	} else if (ev.kind == TEV_EXEC) {
		FUZZ_CHECK(memchr(fname, 0, sizeof(fname)));
		ev.u.exec.exe = fake_exe(fname);
		ev.u.exec.arch = AUDIT_ARCH_X86_64;
		ev.u.exec.uid = UINT32_MAX;
	}
	slot = merge_push(&r->merge, ring);
	FUZZ_CHECK(slot);
	*slot = ev;
	r->decoded++;
}

static void keep_record(struct replay *r, const struct perf_event_header *rec)
{
	if (r->nrecs == MAX_RECORDS)
		return;
	if (r->recs_len + rec->size > r->recs_cap) {
		r->recs_cap = (r->recs_len + rec->size) * 2;
		r->recs = realloc(r->recs, r->recs_cap);
		FUZZ_CHECK(r->recs);
	}
	memcpy(r->recs + r->recs_len, rec, rec->size);
	r->recs_len += rec->size;
	r->nrecs++;
}

static int on_ring_record(void *ctx, const struct perf_event_header *rec, int id)
{
	struct replay *r = ctx;

	FUZZ_CHECK(id == 7);
	FUZZ_CHECK(r->ring_pos + rec->size <= r->recs_len);
	FUZZ_CHECK(memcmp(r->recs + r->ring_pos, rec, rec->size) == 0);
	r->ring_pos += rec->size;
	r->ring_seen++;
	return 0;
}

/*
 * The kept records in a fake mmap ring: a data area of the smallest power
 * of two holding them, starting at an offset that makes them wrap.
 */
static void ring_check(struct replay *r)
{
	size_t size = 64, maplen, i;
	struct perf_event_mmap_page *meta;
	unsigned char *map;
	struct ring ring;
	uint64_t start, bad = 0;

	if (!r->recs_len)
		return;
	while (size < r->recs_len)
		size *= 2;
	maplen = RING_PAGE + size;
	FUZZ_CHECK(posix_memalign((void **)&map, RING_PAGE, maplen) == 0);
	memset(map, 0, maplen);
	meta = (struct perf_event_mmap_page *)map;
	meta->data_offset = RING_PAGE;
	meta->data_size = size;
	/* Past several wraps already, and the last record crosses the end when it can. */
	start = (uint64_t)size * 3 + ((size - r->recs_len / 2) & ~(size_t)7) % size;
	for (i = 0; i < r->recs_len; i++)
		map[RING_PAGE + (start + i) % size] = r->recs[i];
	meta->data_tail = start;
	meta->data_head = start + r->recs_len;
	FUZZ_CHECK(ring_init(&ring, map, maplen, RING_PAGE, 7) == 0);
	FUZZ_CHECK(ring_pending(&ring) == r->recs_len);
	FUZZ_CHECK(ring_drain(&ring, on_ring_record, r, &bad) == 0);
	FUZZ_CHECK(r->ring_seen == r->nrecs && r->ring_pos == r->recs_len);
	FUZZ_CHECK(ring_pending(&ring) == 0 && meta->data_tail == meta->data_head);
	ring_fini(&ring, 0);
	free(map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct task_sink sink = { .exec = sk_exec, .fork = sk_fork, .exit = sk_exit,
				  .feed = sk_feed, .gap = sk_gap };
	struct task_probe pr = { .probe = probe };
	struct selfseq_monitor_opts mo = { .sz = sizeof(mo), .window = 6, .max_profiles = 8,
					   .max_processes = 64 };
	struct selfseq_params params;
	struct tasks_opts to = { 0 };
	struct replay *r = calloc(1, sizeof(*r));
	struct recfile *rf = calloc(1, sizeof(*rf));
	const struct perf_event_header *rec;
	const struct tasks_stats *st;
	char path[64], err[300];
	uint64_t threshold = 0;
	uint32_t ring;
	int fd, rc;

	FUZZ_CHECK(r && rf);
	fd = memfd_create("fuzz-perf", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = recfile_open(rf, path, err, sizeof(err));
	if (rc) {
		FUZZ_CHECK(rc == -EBADMSG && strstr(err, "offset"));
		goto out;
	}
	FUZZ_CHECK(rf->have[REC_ENTER]);
	if (decoder_init(&r->dec, &rf->fmt[REC_ENTER], rf->have[REC_EXEC] ? &rf->fmt[REC_EXEC] : NULL,
			 rf->have[REC_FORK] ? &rf->fmt[REC_FORK] : NULL,
			 rf->have[REC_EXIT] ? &rf->fmt[REC_EXIT] : NULL, err, sizeof(err))) {
		FUZZ_CHECK(err[0]);
		goto out;
	}

	memset(&params, 0, sizeof(params));
	params.sz = sizeof(params);
	params.normal_factor = SELFSEQ_DEFAULT_NORMAL_FACTOR;
	params.normal_factor_den = SELFSEQ_DEFAULT_NORMAL_FACTOR_DEN;
	params.normal_wait_ns = 1000;	/* normal soon, so anomalies are tested too */
	params.anomaly_limit = 5;
	params.tolerize_limit = 4;
	params.delay_factor = 1;
	mo.params = &params;
	FUZZ_CHECK(selfseq_monitor_new(&mo, &r->mon) == 0);
	FUZZ_CHECK(merge_init(&r->merge, rf->nrings) == 0);
	sink.ctx = r;
	to.sink = &sink;
	to.probe = &pr;
	to.clock_offset = rf->clock_offset;
	FUZZ_CHECK(tasks_new(&to, &r->tasks) == 0);

	while ((rc = recfile_next(rf, &ring, &rec, &threshold, err, sizeof(err))) == 1) {
		FUZZ_CHECK(rec->size >= sizeof(*rec) && rec->size % 8 == 0);
		if (ring == RECFILE_ROUND) {
			merge_flush(&r->merge, threshold, on_merged, r);
			continue;
		}
		FUZZ_CHECK(ring < rf->nrings);
		keep_record(r, rec);
		on_record(r, rec, ring);
	}
	FUZZ_CHECK(rc == 0 || (rc == -EBADMSG && strstr(err, "offset")));
	merge_flush(&r->merge, UINT64_MAX, on_merged, r);
	FUZZ_CHECK(r->released == r->decoded && r->merge.queued == 0);
	FUZZ_CHECK(r->late == r->merge.late);
	st = tasks_get_stats(r->tasks);
	FUZZ_CHECK(st->calls == st->tracked_calls + st->untracked_calls + st->foreign_calls +
				    st->feed_errors);
	ring_check(r);

out:
	if (r->tasks)
		tasks_free(r->tasks);
	merge_fini(&r->merge);
	selfseq_monitor_free(r->mon);
	recfile_free(rf);
	close(fd);
	free(r->recs);
	free(r);
	free(rf);
	return 0;
}
