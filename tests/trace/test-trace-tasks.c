/* SPDX-License-Identifier: MIT */
/*
 * The thread table (examples/trace/tasks.c) against a sink that records
 * what it is asked: exec, fork, exit, feed, gap, in order.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tasks.h"

struct log {
	char lines[256][96];
	int n;
	int refuse_exec;	/* errno the next execs return */
	uint32_t anomalous_call;	/* feeding this call reports an anomaly */
	int events;
	uint64_t last_now;
};

static struct log lg;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;

	assert_true(lg.n < 256);
	va_start(ap, fmt);
	vsnprintf(lg.lines[lg.n++], sizeof(lg.lines[0]), fmt, ap);
	va_end(ap);
}

static int s_exec(void *ctx, uint32_t tid, const char *exe, uint32_t arch)
{
	(void)ctx;
	logf_("exec %u %s %x", tid, exe, arch);
	return lg.refuse_exec ? -lg.refuse_exec : 0;
}

static int s_fork(void *ctx, uint32_t parent, uint32_t child)
{
	(void)ctx;
	logf_("fork %u %u", parent, child);
	return 0;
}

static int s_exit(void *ctx, uint32_t tid)
{
	(void)ctx;
	logf_("exit %u", tid);
	return 0;
}

static int s_feed(void *ctx, uint32_t tid, uint32_t call, uint64_t now, struct selfseq_event *ev)
{
	(void)ctx;
	logf_("feed %u %u", tid, call);
	lg.last_now = now;
	if (call == lg.anomalous_call) {
		ev->flags = SELFSEQ_EVENT_ANOMALOUS;
		ev->lfc = 1;
	}
	return 0;
}

static void s_gap(void *ctx, uint32_t tid)
{
	(void)ctx;
	logf_("gap %u", tid);
}

static const struct task_sink sink = { NULL, s_exec, s_fork, s_exit, s_feed, s_gap };

/* Probe: thread 500 runs /usr/bin/found; everything else has exited. */
static int probe(void *ctx, uint32_t pid, uint32_t tid, struct task_facts *f)
{
	(void)ctx;
	(void)pid;
	if (tid != 500)
		return -ESRCH;
	f->exe = "/usr/bin/found";
	f->arch = 0xc000003e;
	f->ppid = 1;
	f->uid = 1000;
	return 0;
}

/* Executables whose name ends in 32 are i386 programs. */
static uint32_t arch_of(void *ctx, const char *path)
{
	size_t n = strlen(path);

	(void)ctx;
	return n > 2 && strcmp(path + n - 2, "32") == 0 ? 0x40000003 : 0xc000003e;
}

static const struct task_probe prb = { NULL, probe, arch_of };

static void on_event(void *ctx, const struct task *t, const struct tev *ev, uint64_t now,
		     const struct selfseq_event *sev)
{
	(void)ctx;
	(void)now;
	logf_("event %u %s %lld %x", t->tid, t->exe, (long long)ev->u.sys.nr, sev->flags);
	lg.events++;
}

static struct tasks *mk(const char *const *filter)
{
	struct tasks_opts o;
	struct tasks *ts;

	memset(&lg, 0, sizeof(lg));
	lg.anomalous_call = 999;
	memset(&o, 0, sizeof(o));
	o.sink = &sink;
	o.probe = &prb;
	o.exe_filter = filter;
	o.clock_offset = 1000000;
	o.on_event = on_event;
	assert_int_equal(tasks_new(&o, &ts), 0);
	return ts;
}

static uint64_t clk;

static void call(struct tasks *ts, uint32_t pid, uint32_t tid, int64_t nr)
{
	struct tev ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = TEV_SYSCALL;
	ev.time = ++clk;
	ev.pid = pid;
	ev.tid = tid;
	ev.u.sys.nr = nr;
	tasks_apply(ts, &ev);
}

static void mmap_(struct tasks *ts, uint32_t pid, const char *file)
{
	struct tev ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = TEV_MMAP;
	ev.time = ++clk;
	ev.pid = ev.tid = pid;
	ev.u.mmap.file = file;
	tasks_apply(ts, &ev);
}

static void exec_(struct tasks *ts, uint32_t pid, uint32_t old, const char *exe)
{
	struct tev ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = TEV_EXEC;
	ev.time = ++clk;
	ev.pid = ev.tid = pid;
	ev.u.exec.pid = pid;
	ev.u.exec.old_pid = old;
	ev.u.exec.exe = exe;
	ev.u.exec.arch = 0xc000003e;
	ev.u.exec.uid = 7;
	ev.u.exec.ppid = 0;
	tasks_apply(ts, &ev);
}

static void fork_(struct tasks *ts, uint32_t parent, uint32_t child)
{
	struct tev ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = TEV_FORK;
	ev.time = ++clk;
	ev.u.fork.parent = parent;
	ev.u.fork.child = child;
	tasks_apply(ts, &ev);
}

static void exit_(struct tasks *ts, uint32_t tid)
{
	struct tev ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = TEV_EXIT;
	ev.time = ++clk;
	ev.u.exit.pid = tid;
	ev.u.exit.group_dead = -1;
	tasks_apply(ts, &ev);
}

static void expect_log(const char *const *want)
{
	int i;

	for (i = 0; want[i]; i++) {
		if (i >= lg.n)
			fail_msg("log ends at %d, expected '%s'", i, want[i]);
		if (strcmp(lg.lines[i], want[i]))
			fail_msg("log line %d: '%s', expected '%s'", i, lg.lines[i], want[i]);
	}
	if (i != lg.n)
		fail_msg("log has %d lines, expected %d (next: '%s')", lg.n, i, lg.lines[i]);
}

static void test_command_lifecycle(void **state)
{
	static const char *const want[] = {
		"exec 100 /bin/x c000003e", "feed 100 1", "fork 100 101", "feed 101 2",
		"feed 100 3", "exit 101", "feed 100 231", "exit 100", NULL,
	};
	struct tasks *ts = mk(NULL);
	const struct tasks_stats *st = tasks_get_stats(ts);
	const struct task *t;

	(void)state;
	assert_int_equal(tasks_ignore_until_exec(ts, 100, 1), 0);
	call(ts, 100, 100, 0);		/* the pre-exec child: not fed */
	call(ts, 100, 100, 59);
	exec_(ts, 100, 100, "/bin/x");
	call(ts, 100, 100, 1);
	fork_(ts, 100, 101);
	call(ts, 101, 101, 2);		/* a process: its pid is its tid */
	t = tasks_find(ts, 101);
	assert_non_null(t);
	assert_int_equal(t->tgid, 101);
	assert_int_equal(t->ppid, 100);
	assert_string_equal(t->exe, "/bin/x");
	assert_int_equal(tasks_find(ts, 100)->ppid, 1);	/* the tracer's child, /proc or not */
	call(ts, 100, 100, 3);
	exit_(ts, 101);
	call(ts, 100, 100, 231);
	exit_(ts, 100);
	expect_log(want);
	assert_int_equal(st->calls, 6);
	assert_int_equal(st->untracked_calls, 2);
	assert_int_equal(st->tracked_calls, 4);
	assert_int_equal(st->processes, 2);
	assert_int_equal(st->threads, 0);
	assert_int_equal(st->execs, 1);
	assert_int_equal(st->forks, 1);
	assert_int_equal(st->exits, 2);
	assert_null(tasks_find(ts, 100));
	/* Times reach the sink on the wall clock: perf time + offset. */
	assert_int_equal(lg.last_now, clk - 1 + 1000000);
	tasks_free(ts);
}

static void test_threads_and_nonleader_exec(void **state)
{
	static const char *const want[] = {
		"exec 200 /bin/a c000003e", "fork 200 201", "feed 201 5",
		"exit 201", "exec 200 /bin/b c000003e", "feed 200 6", NULL,
	};
	struct tasks *ts = mk(NULL);
	const struct tasks_stats *st = tasks_get_stats(ts);

	(void)state;
	exec_(ts, 200, 200, "/bin/a");
	fork_(ts, 200, 201);
	call(ts, 200, 201, 5);		/* a thread: pid 200, tid 201 */
	assert_int_equal(tasks_find(ts, 201)->tgid, 200);
	/* Thread 201 calls execve: it takes over id 200. */
	exec_(ts, 200, 201, "/bin/b");
	call(ts, 200, 200, 6);
	expect_log(want);
	assert_int_equal(st->processes, 1);
	assert_int_equal(st->threads, 1);
	tasks_free(ts);
}

static void test_filter(void **state)
{
	static const char *const filter[] = { "/bin/keep", NULL };
	static const char *const want[] = {
		"exec 300 /bin/keep c000003e", "feed 300 1", "fork 300 301", "exit 300", NULL,
	};
	struct tasks *ts = mk(filter);
	const struct tasks_stats *st = tasks_get_stats(ts);

	(void)state;
	exec_(ts, 300, 300, "/bin/keep");
	call(ts, 300, 300, 1);
	fork_(ts, 300, 301);
	exec_(ts, 300, 300, "/bin/other");	/* leaves the filter: stops being fed */
	call(ts, 300, 300, 2);
	exec_(ts, 302, 302, "/bin/other");
	fork_(ts, 302, 303);		/* a child of an ignored process is ignored */
	call(ts, 303, 303, 4);
	expect_log(want);
	assert_int_equal(st->filtered, 2);
	assert_int_equal(st->untracked_calls, 2);
	tasks_free(ts);
}

static void test_discovery(void **state)
{
	static const char *const want[] = { "exec 500 /usr/bin/found c000003e", "feed 500 9", NULL };
	struct tasks *ts = mk(NULL);
	const struct tasks_stats *st = tasks_get_stats(ts);
	const struct task *t;

	(void)state;
	call(ts, 500, 500, 9);		/* attach: first seen by a call */
	call(ts, 600, 601, 9);		/* gone before we looked */
	call(ts, 600, 601, 9);		/* not probed again */
	expect_log(want);
	t = tasks_find(ts, 500);
	assert_int_equal(t->uid, 1000);
	assert_int_equal(t->ppid, 1);
	assert_int_equal(tasks_find(ts, 601)->state, TASK_UNRESOLVED);
	assert_int_equal(st->unresolved, 1);
	assert_int_equal(st->untracked_calls, 2);
	tasks_free(ts);
}

static void test_lost_foreign_refused(void **state)
{
	static const char *const want[] = {
		"exec 700 /bin/a c000003e", "exec 701 /bin/b c000003e", "gap 701", "gap 700",
		"feed 700 999", "event 700 /bin/a 999 1", "exec 702 /bin/c c000003e",
		"exec 703 /bin/d c000003e", NULL,
	};
	struct tasks *ts = mk(NULL);
	const struct tasks_stats *st = tasks_get_stats(ts);
	struct tev ev;
	int i;

	(void)state;
	exec_(ts, 700, 700, "/bin/a");
	exec_(ts, 701, 701, "/bin/b");
	memset(&ev, 0, sizeof(ev));
	ev.kind = TEV_LOST;
	ev.u.lost.count = 17;
	tasks_apply(ts, &ev);
	call(ts, 700, 700, 1024);	/* outside the alphabet */
	call(ts, 700, 700, -1);
	call(ts, 700, 700, 0x40000000 | 1);	/* x32 */
	call(ts, 700, 700, 999);
	lg.refuse_exec = ENOSPC;
	exec_(ts, 702, 702, "/bin/c");
	lg.refuse_exec = ENODATA;
	exec_(ts, 703, 703, "/bin/d");
	call(ts, 703, 703, 1);
	/* The gap order follows the hash table: sort the two gap lines. */
	for (i = 0; i < lg.n - 1; i++)
		if (strncmp(lg.lines[i], "gap", 3) == 0 && strncmp(lg.lines[i + 1], "gap", 3) == 0 &&
		    strcmp(lg.lines[i], lg.lines[i + 1]) < 0) {
			char tmp[96];

			memcpy(tmp, lg.lines[i], sizeof(tmp));
			memcpy(lg.lines[i], lg.lines[i + 1], sizeof(tmp));
			memcpy(lg.lines[i + 1], tmp, sizeof(tmp));
		}
	expect_log(want);
	assert_int_equal(st->lost, 17);
	assert_int_equal(st->lost_records, 1);
	assert_int_equal(st->foreign_calls, 3);
	assert_int_equal(st->anomalies, 1);
	assert_int_equal(lg.events, 1);
	assert_int_equal(st->refused, 1);
	assert_int_equal(st->unprofiled, 1);
	assert_int_equal(st->untracked_calls, 1);
	tasks_free(ts);
}

static int alive_only_800(uint32_t pid, uint32_t tid)
{
	(void)pid;
	return tid == 800;
}

static void test_sweep_and_reuse(void **state)
{
	static const char *const want[] = {
		"exec 800 /bin/a c000003e", "exec 801 /bin/b c000003e", "exit 801",
		"exec 802 /bin/c c000003e", "exec 810 /bin/x c000003e", "exit 810",
		"fork 802 810", NULL,
	};
	struct tasks *ts = mk(NULL);

	(void)state;
	exec_(ts, 800, 800, "/bin/a");
	exec_(ts, 801, 801, "/bin/b");
	/* 801's exit was lost: the sweep finds it gone. */
	assert_int_equal(tasks_sweep(ts, clk + 1, alive_only_800), 1);
	assert_null(tasks_find(ts, 801));
	assert_non_null(tasks_find(ts, 800));
	/* A fork reusing a stale id replaces it. */
	exec_(ts, 802, 802, "/bin/c");
	exec_(ts, 810, 810, "/bin/x");
	fork_(ts, 802, 810);
	assert_string_equal(tasks_find(ts, 810)->exe, "/bin/c");
	expect_log(want);
	tasks_free(ts);
}

static void test_exe_from_mapping(void **state)
{
	static const char *const want[] = {
		"exec 900 /usr/bin/dash c000003e", "feed 900 1", "feed 900 59",
		"exec 900 /opt/tool32 40000003", "feed 900 2",
		"exec 901 /usr/bin/gone c000003e",
		"exec 902 /bin/plain c000003e", NULL,
	};
	struct tasks *ts = mk(NULL);
	const struct tasks_stats *st = tasks_get_stats(ts);

	(void)state;
	assert_int_equal(tasks_ignore_until_exec(ts, 900, 1), 0);
	call(ts, 900, 900, 59);
	/* execve maps the program, then its interpreter: the first names the program. */
	mmap_(ts, 900, "/usr/bin/dash");
	mmap_(ts, 900, "/lib64/ld-linux-x86-64.so.2");
	exec_(ts, 900, 900, "/bin/sh");	/* what /proc gave (a link's name) loses */
	call(ts, 900, 900, 1);
	mmap_(ts, 900, "/lib/libc.so.6");	/* dlopen after a call: not an exec's */
	call(ts, 900, 900, 59);
	mmap_(ts, 900, "/opt/tool32");
	exec_(ts, 900, 900, NULL);		/* /proc too late: the mapping names it, with its arch */
	call(ts, 900, 900, 2);
	/* A process first seen through its mapping (system-wide), whose /proc entry is gone. */
	mmap_(ts, 901, "/usr/bin/gone");
	exec_(ts, 901, 901, NULL);
	/* No mapping (a recording without them): /proc's answer stands. */
	exec_(ts, 902, 902, "/bin/plain");
	expect_log(want);
	assert_int_equal(st->exe_from_mapping, 3);
	assert_int_equal(st->unresolved, 0);
	tasks_free(ts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_lifecycle),
		cmocka_unit_test(test_threads_and_nonleader_exec),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_lost_foreign_refused),
		cmocka_unit_test(test_sweep_and_reuse),
		cmocka_unit_test(test_exe_from_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
