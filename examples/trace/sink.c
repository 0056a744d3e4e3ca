/* SPDX-License-Identifier: MIT */
/*
 * The thread table's sink for selfseq-trace: the userland monitor of
 * selfseq-monitor.h, which holds the per-thread pH state and the
 * per-executable profiles of the store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "trace.h"

/* Executables already warned about (interned paths, so the pointer is the key). */
struct warned {
	const char *exe;
	UT_hash_handle hh;
};
static struct warned *warned_exes;

static int warn_once(const char *exe)
{
	struct warned *w;

	HASH_FIND_PTR(warned_exes, &exe, w);
	if (w)
		return 0;
	w = calloc(1, sizeof(*w));
	if (w) {
		w->exe = exe;
		HASH_ADD_PTR(warned_exes, exe, w);
	}
	return 1;
}

void trace_sink_fini(void)
{
	struct warned *w, *tmp;

	HASH_ITER(hh, warned_exes, w, tmp) {
		HASH_DEL(warned_exes, w);
		free(w);
	}
}

/* In score mode a profile with no pair at all was never trained: every call would miss. */
static int sk_unprofiled(struct trace *tr, uint32_t tid)
{
	struct selfseq_process *p = selfseq_monitor_get_process(tr->mon, tid);
	struct selfseq_profile_state st;

	if (!p)
		return 0;
	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	if (selfseq_profile_get_state(selfseq_process_get_profile(p), &st))
		return 0;
	return st.train_pairs == 0 && st.test_pairs == 0;
}

static int sk_exec(void *ctx, uint32_t tid, const char *exe, uint32_t arch)
{
	struct trace *tr = ctx;
	int rc = selfseq_monitor_exec(tr->mon, tid, exe, arch);

	if (rc < 0) {
		if (warn_once(exe))
			fprintf(stderr, "selfseq-trace: %s (pid %u) is not tracked: %s\n", exe, tid,
				selfseq_strerror(rc));
		return rc;
	}
	if (tr->o.mode == SELFSEQ_MODE_SCORE && sk_unprofiled(tr, tid)) {
		selfseq_monitor_exit(tr->mon, tid);
		if (warn_once(exe))
			fprintf(stderr, "selfseq-trace: %s has no trained profile: its processes are "
				"not scored\n", exe);
		return -ENODATA;
	}
	return rc;
}

static int sk_fork(void *ctx, uint32_t parent, uint32_t child)
{
	struct trace *tr = ctx;

	return selfseq_monitor_fork(tr->mon, parent, child);
}

static int sk_exit(void *ctx, uint32_t tid)
{
	struct trace *tr = ctx;

	return selfseq_monitor_exit(tr->mon, tid);
}

static int sk_feed(void *ctx, uint32_t tid, uint32_t call, uint64_t now_ns,
		   struct selfseq_event *ev)
{
	struct trace *tr = ctx;

	return selfseq_monitor_feed(tr->mon, tid, call, now_ns, ev);
}

/* Lost samples: the window no longer holds the calls that really came before; empty it. */
static void sk_gap(void *ctx, uint32_t tid)
{
	struct trace *tr = ctx;
	struct selfseq_process *p = selfseq_monitor_get_process(tr->mon, tid);

	if (p)
		selfseq_process_set_window(p, NULL, 0);
}

void trace_sink_init(struct trace *tr, struct task_sink *sink)
{
	sink->ctx = tr;
	sink->exec = sk_exec;
	sink->fork = sk_fork;
	sink->exit = sk_exit;
	sink->feed = sk_feed;
	sink->gap = sk_gap;
}
