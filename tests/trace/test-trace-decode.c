/* SPDX-License-Identifier: MIT */
/*
 * Decoding the committed recordings of real perf rings (the .rec files of
 * tests/trace, see README.md) without a kernel: every record decodes, the victim's
 * calls come out as it made them, the per-CPU streams merge into per-thread
 * sequences in order, and damaged recordings are refused with the offset
 * of the damage.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "decode.h"
#include "merge.h"
#include "recfile.h"
#include "tasks.h"

#define NR_READ 0
#define NR_GETPPID 110
#define NR_GETTID 186
#define NR_EXIT_GROUP 231

static const char *srcdir = ".";

struct decoded {
	struct tev ev[2048];
	uint32_t ring[2048];
	size_t n;
	char exec_file[256];
	char maps[8][256];	/* the first executable mappings, in order */
	unsigned nmaps, task_records;
	unsigned rounds;
};

static void decode_file(const char *name, struct decoded *out, struct recfile *r,
			struct decoder *d)
{
	const struct perf_event_header *rec;
	char path[512], err[300], fn[256];
	uint64_t threshold;
	uint32_t ring;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", srcdir, name);
	if (recfile_open(r, path, err, sizeof(err)))
		fail_msg("%s", err);
	if (decoder_init(d, &r->fmt[REC_ENTER], &r->fmt[REC_EXEC], &r->fmt[REC_FORK],
			 &r->fmt[REC_EXIT], err, sizeof(err)))
		fail_msg("%s", err);
	memset(out, 0, sizeof(*out));
	while ((rc = recfile_next(r, &ring, &rec, &threshold, err, sizeof(err))) == 1) {
		if (ring == RECFILE_ROUND) {
			out->rounds++;
			continue;
		}
		assert_true(out->n < 2048);
		rc = decode_record(d, rec, &out->ev[out->n], fn, sizeof(fn), err, sizeof(err));
		if (rc < 0)
			fail_msg("%s: %s", name, err);
		if (rc == 0) {
			/* attr.mmap brings the kernel's task records too: not used. */
			assert_true(rec->type == PERF_RECORD_EXIT || rec->type == PERF_RECORD_FORK);
			out->task_records++;
			continue;
		}
		if (out->ev[out->n].kind == TEV_EXEC)
			snprintf(out->exec_file, sizeof(out->exec_file), "%s", fn);
		if (out->ev[out->n].kind == TEV_MMAP && out->nmaps < 8)
			snprintf(out->maps[out->nmaps++], sizeof(out->maps[0]), "%s", fn);
		out->ring[out->n++] = ring;
	}
	if (rc < 0)
		fail_msg("%s", err);
}

static void test_normal_recording(void **state)
{
	static struct decoded d;
	struct recfile r;
	struct decoder dec;
	uint32_t victim = 0, seq[64];
	size_t i, n = 0, execs = 0, exits = 0;

	(void)state;
	decode_file("victim-normal.rec", &d, &r, &dec);
	assert_int_equal(r.nrings, 2);
	assert_true(d.rounds >= 1);
	for (i = 0; i < d.n; i++) {
		const struct tev *e = &d.ev[i];

		if (e->kind == TEV_EXEC) {
			execs++;
			victim = e->u.exec.pid;
			assert_int_equal(e->u.exec.old_pid, victim);
		} else if (e->kind == TEV_EXIT) {
			exits++;
			assert_int_equal(e->u.exit.pid, victim);
			assert_int_equal(e->u.exit.group_dead, 1);
		} else if (e->kind == TEV_SYSCALL && victim && e->tid == victim) {
			assert_true(n < 64);
			seq[n++] = (uint32_t)e->u.sys.nr;
		}
		if (i)
			assert_true(e->time >= d.ev[i - 1].time);	/* one CPU: in order */
	}
	assert_int_equal(execs, 1);
	assert_int_equal(exits, 1);
	assert_non_null(strstr(d.exec_file, "/victim"));
	/* execve maps the program first, then its interpreter; ld.so later maps libc. */
	assert_true(d.nmaps >= 3);
	assert_string_equal(d.maps[0], d.exec_file);
	assert_non_null(strstr(d.maps[1], "ld-linux"));
	assert_int_equal(d.task_records, 1);
	/* The victim's 38 calls after exec: ld.so, then its own path, then exit_group. */
	assert_int_equal(n, 38);
	assert_int_equal(seq[n - 1], NR_EXIT_GROUP);
	for (i = 0; i + 2 < n; i++)
		if (seq[i] == NR_GETPPID)
			break;
	assert_true(i + 2 < n);
	assert_int_equal(seq[i + 1], NR_GETPPID);
	assert_int_equal(seq[i + 2], NR_GETPPID);
	assert_int_equal(seq[i - 1], 3);	/* close of the file just read */
	assert_int_equal(seq[i - 2], NR_READ);
	recfile_free(&r);
}

/* Replay through merge and thread table: what each thread is fed, in order. */
struct fed {
	uint32_t tid[1024];
	uint32_t call[1024];
	uint64_t now[1024];
	size_t n;
	int execs, forks;
};

static struct fed fed;

static int f_exec(void *c, uint32_t t, const char *e, uint32_t a)
{
	(void)c;
	(void)t;
	(void)e;
	(void)a;
	fed.execs++;
	return 0;
}

static int f_fork(void *c, uint32_t p, uint32_t ch)
{
	(void)c;
	(void)p;
	(void)ch;
	fed.forks++;
	return 0;
}

static int f_exit(void *c, uint32_t t)
{
	(void)c;
	(void)t;
	return 0;
}

static int f_feed(void *c, uint32_t tid, uint32_t call, uint64_t now, struct selfseq_event *ev)
{
	(void)c;
	(void)ev;
	assert_true(fed.n < 1024);
	fed.tid[fed.n] = tid;
	fed.call[fed.n] = call;
	fed.now[fed.n++] = now;
	return 0;
}

static void apply_cb(void *ctx, struct tev *ev)
{
	tasks_apply(ctx, ev);
}

static void test_threads_recording_merge(void **state)
{
	static const struct task_sink sink = { NULL, f_exec, f_fork, f_exit, f_feed, NULL };
	const struct perf_event_header *rec;
	struct tasks_opts o;
	struct tasks *ts;
	struct recfile r;
	struct decoder dec;
	struct merge m;
	char path[512], err[300], fn[256];
	uint32_t ring, tids[8] = { 0 }, leader = 0;
	uint64_t threshold;
	unsigned per_ring[2] = { 0, 0 }, ntid = 0, k, gettid[8] = { 0 }, getppid[8] = { 0 };
	size_t i;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/victim-threads.rec", srcdir);
	if (recfile_open(&r, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(decoder_init(&dec, &r.fmt[REC_ENTER], &r.fmt[REC_EXEC], &r.fmt[REC_FORK],
				      &r.fmt[REC_EXIT], err, sizeof(err)), 0);
	assert_int_equal(merge_init(&m, r.nrings), 0);
	memset(&fed, 0, sizeof(fed));
	memset(&o, 0, sizeof(o));
	o.sink = &sink;
	assert_int_equal(tasks_new(&o, &ts), 0);
	while ((rc = recfile_next(&r, &ring, &rec, &threshold, err, sizeof(err))) == 1) {
		struct tev ev;

		if (ring == RECFILE_ROUND) {
			merge_flush(&m, threshold, apply_cb, ts);
			continue;
		}
		rc = decode_record(&dec, rec, &ev, fn, sizeof(fn), err, sizeof(err));
		assert_true(rc >= 0);
		if (rc == 0)
			continue;
		if (ev.kind == TEV_MMAP)
			continue;	/* the thread table's use of them is test-trace-tasks's */
		if (ev.kind == TEV_EXEC) {
			ev.u.exec.exe = "/victim";
			if (!leader) {
				leader = ev.u.exec.pid;
				tasks_ignore_until_exec(ts, leader, 1);
			}
		}
		per_ring[ring]++;
		*merge_push(&m, ring) = ev;
	}
	assert_int_equal(rc, 0);
	merge_flush(&m, UINT64_MAX, apply_cb, ts);
	/* The recording holds both CPUs' rings. */
	assert_true(per_ring[0] > 0 && per_ring[1] > 0);
	assert_int_equal(fed.execs, 1);
	assert_int_equal(fed.forks, 4);
	assert_int_equal(m.late, 0);
	/* Per thread: times never go back, and each worker made 50 gettid then getppid. */
	for (i = 0; i < fed.n; i++) {
		for (k = 0; k < ntid && tids[k] != fed.tid[i]; k++)
			;
		if (k == ntid) {
			assert_true(ntid < 8);
			tids[ntid++] = fed.tid[i];
		}
		if (fed.call[i] == NR_GETTID) {
			assert_int_equal(getppid[k], 0);
			gettid[k]++;
		}
		if (fed.call[i] == NR_GETPPID && fed.tid[i] != leader)
			getppid[k]++;
	}
	for (k = 0; k < ntid; k++) {
		size_t j;
		uint64_t last = 0;

		for (j = 0; j < fed.n; j++)
			if (fed.tid[j] == tids[k]) {
				assert_true(fed.now[j] >= last);
				last = fed.now[j];
			}
		if (tids[k] == leader)
			continue;
		assert_int_equal(gettid[k], 50);
		assert_int_equal(getppid[k], 1);
	}
	assert_int_equal(ntid, 5);
	assert_int_equal(tasks_get_stats(ts)->threads, 4);
	tasks_free(ts);
	merge_fini(&m);
	recfile_free(&r);
}

/* Copy a recording with a change, and expect the reader to name the damage. */
/* @keep: bytes kept (0: all; negative: all but that many). */
static void expect_damage(long keep, long patch_at, const void *patch, size_t plen,
			  const char *needle)
{
	char src[512], dst[] = "/tmp/selfseq-trace-test-XXXXXX", err[300], fn[64];
	const struct perf_event_header *rec;
	unsigned char *buf;
	struct recfile r;
	struct decoder dec;
	uint64_t threshold;
	uint32_t ring;
	FILE *f;
	long len;
	int fd, rc, bad = 0;

	snprintf(src, sizeof(src), "%s/victim-normal.rec", srcdir);
	f = fopen(src, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	if (patch)
		memcpy(buf + patch_at, patch, plen);
	if (keep <= 0)
		keep += len;
	fd = mkstemp(dst);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, (size_t)keep), (ssize_t)keep);
	close(fd);
	free(buf);
	rc = recfile_open(&r, dst, err, sizeof(err));
	if (!rc) {
		assert_int_equal(decoder_init(&dec, &r.fmt[REC_ENTER], &r.fmt[REC_EXEC],
					      &r.fmt[REC_FORK], &r.fmt[REC_EXIT], err, sizeof(err)), 0);
		while ((rc = recfile_next(&r, &ring, &rec, &threshold, err, sizeof(err))) == 1) {
			struct tev ev;

			if (ring != RECFILE_ROUND &&
			    decode_record(&dec, rec, &ev, fn, sizeof(fn), err, sizeof(err)) < 0) {
				bad = 1;
				break;
			}
		}
	}
	recfile_free(&r);
	unlink(dst);
	assert_true(rc < 0 || bad);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void test_damaged_recordings(void **state)
{
	uint32_t v;

	(void)state;
	expect_damage(0, 0, "XXXXXXXX", 8, "bad magic");
	expect_damage(20, 0, NULL, 0, "offset 0: truncated header");
	v = 9;
	expect_damage(0, 12, &v, 4, "offset 12: format count");
	v = 0;
	expect_damage(0, 16, &v, 4, "offset 16: ring count");
	expect_damage(0, 32 + 8, "name: x\nID: zz", 14, "bad ID");
	/* Cut inside the last record. */
	expect_damage(-20, 0, NULL, 0, "truncated record");
}

/* The first record's offset: after the header and the formats. */
static long first_record_offset(void)
{
	char path[512], err[300];
	struct recfile r;
	long off;

	snprintf(path, sizeof(path), "%s/victim-normal.rec", srcdir);
	assert_int_equal(recfile_open(&r, path, err, sizeof(err)), 0);
	off = (long)r.offset;
	recfile_free(&r);
	return off;
}

static void test_damaged_records(void **state)
{
	long off = first_record_offset();
	uint32_t v;
	uint16_t s;
	char msg[64];

	(void)state;
	v = 5;	/* ring 5 of 2 */
	snprintf(msg, sizeof(msg), "offset %ld: ring index", off);
	expect_damage(0, off, &v, 4, msg);
	s = 12;
	snprintf(msg, sizeof(msg), "offset %ld: record size", off + 14);
	expect_damage(0, off + 8 + 6, &s, 2, msg);
	v = 4000;	/* the sample's raw size, beyond its record */
	expect_damage(0, off + 8 + 32, &v, 4, "raw size 4000");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal_recording),
		cmocka_unit_test(test_threads_recording_merge),
		cmocka_unit_test(test_damaged_recordings),
		cmocka_unit_test(test_damaged_records),
	};

	if (argc > 1)
		srcdir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
