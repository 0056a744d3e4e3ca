/* SPDX-License-Identifier: MIT */
/*
 * The tracer's table of threads: which thread runs which executable, which
 * are tracked, and the translation of fork/exec/exit/call/lost events into
 * calls on a sink (the monitor, or a recording fake in the unit tests).
 *
 * Calls are kept per thread (the tracepoint's pid is the thread id): each
 * thread has its own window, as in pH. The executable of an exec is the
 * first executable mapping the thread made since its last call (execve
 * maps the program first, then its interpreter): exact, and written to the
 * ring before the exec event; the caller's resolution from /proc is the
 * fallback. A thread first seen without an exec
 * (attach, system-wide) is resolved through the probe (/proc); a thread
 * forked from an ignored one is ignored too (the pre-exec child of
 * `selfseq-trace -- COMMAND`, processes the --exe filter rejects).
 */
#ifndef SELFSEQ_TRACE_TASKS_H
#define SELFSEQ_TRACE_TASKS_H

#include <stddef.h>
#include <stdint.h>

#include <selfseq/selfseq.h>
#include <uthash.h>

#include "decode.h"

/* Where calls go: the monitor in selfseq-trace. Each returns 0 or a negative errno. */
struct task_sink {
	void *ctx;
	/* -ENODATA: not tracked because there is no profile to score against. */
	int (*exec)(void *ctx, uint32_t tid, const char *exe, uint32_t arch);
	int (*fork)(void *ctx, uint32_t parent, uint32_t child);
	int (*exit)(void *ctx, uint32_t tid);
	int (*feed)(void *ctx, uint32_t tid, uint32_t call, uint64_t now_ns,
		    struct selfseq_event *ev);
	/* Samples of this thread may have been lost: restart its window. */
	void (*gap)(void *ctx, uint32_t tid);
};

/* Facts about a live thread (from /proc in selfseq-trace; fakes in tests). */
struct task_facts {
	const char *exe;	/* interned executable path */
	uint32_t arch;		/* AUDIT_ARCH_* of the executable, 0 if unknown */
	uint32_t ppid;		/* parent process, 0 if unknown */
	uint32_t uid;		/* real uid, UINT32_MAX if unknown */
};
struct task_probe {
	void *ctx;
	/* Fill @f for thread @tid of process @pid; 0, or -errno (e.g. it has exited). May be NULL. */
	int (*probe)(void *ctx, uint32_t pid, uint32_t tid, struct task_facts *f);
	/* AUDIT_ARCH_* of the executable file @path, 0 if unknown; may be NULL. */
	uint32_t (*arch)(void *ctx, const char *path);
};

enum task_state {
	TASK_UNKNOWN = 0,	/* seen only through a mapping: resolved at its first call */
	TASK_TRACKED,	/* calls go to the sink */
	TASK_IGNORED,		/* filtered out, pre-exec child, or the sink refused it */
	TASK_UNRESOLVED,	/* its executable could not be found (it exited before we looked) */
};

struct task {
	uint32_t tid;
	uint32_t tgid;		/* 0 until a sample says */
	uint32_t ppid;
	uint32_t uid;
	uint32_t arch;
	uint32_t fork_parent_tgid;	/* for ppid of a forked process */
	uint8_t state;
	uint8_t seen_sample;	/* its first call was seen (tgid known) */
	uint8_t counted;	/* counted in processes or threads */
	uint8_t map_run;	/* executable mappings since its last call... */
	const char *map_first;	/* ...the first of them: inside execve, the program */
	const char *exe;
	uint64_t last_ns;	/* time of its last event */
	UT_hash_handle hh;
};

struct tasks_stats {
	uint64_t calls;		/* sys_enter samples */
	uint64_t tracked_calls;	/* fed to the sink */
	uint64_t untracked_calls;	/* of ignored or unresolved threads */
	uint64_t foreign_calls;	/* outside the alphabet: x32 (bit 0x40000000), negative numbers */
	uint64_t feed_errors;
	uint64_t lost;		/* samples the kernel reported lost */
	uint64_t lost_records;	/* PERF_RECORD_LOST records */
	uint64_t forks, execs, exits;
	uint64_t processes;	/* distinct processes (thread-group leaders) tracked; an exec does not add one */
	uint64_t threads;	/* other threads tracked */
	uint64_t unresolved;	/* threads whose executable was not found */
	uint64_t exe_from_mapping;	/* execs whose mapping named another executable than /proc did, or one where /proc had none */
	uint64_t filtered;	/* execs the --exe filter rejected */
	uint64_t refused;	/* execs the sink refused (limits, unreadable profile) */
	uint64_t unprofiled;	/* execs the sink refused with -ENODATA: no trained profile (score) */
	uint64_t anomalies;
};

struct tasks;

/* What selfseq-trace reports: an event with flags (anomalies, state changes). */
typedef void (*tasks_event_cb)(void *ctx, const struct task *t, const struct tev *ev,
			       uint64_t now_ns, const struct selfseq_event *sev);

struct tasks_opts {
	const struct task_sink *sink;
	const struct task_probe *probe;	/* NULL: unknown threads stay unresolved */
	const char *const *exe_filter;	/* NULL-terminated list of paths; NULL: all */
	uint32_t alphabet;		/* calls >= it are foreign; 0: 1024 */
	int64_t clock_offset;		/* added to event times to get wall-clock ns */
	tasks_event_cb on_event;
	void *cb_ctx;
};

int tasks_new(const struct tasks_opts *opts, struct tasks **out);
void tasks_free(struct tasks *ts);

/* Mark @tid (a child of @ppid) ignored until it execs (the child selfseq-trace forks before exec). */
int tasks_ignore_until_exec(struct tasks *ts, uint32_t tid, uint32_t ppid);

/* Apply one event, in merged order. */
void tasks_apply(struct tasks *ts, const struct tev *ev);

/*
 * Forget threads with no event since @idle_before_ns (tracer clock) that no
 * longer exist (their exit event may have been lost). @alive says whether a
 * thread still exists. Returns the number forgotten.
 */
unsigned tasks_sweep(struct tasks *ts, uint64_t idle_before_ns,
		     int (*alive)(uint32_t pid, uint32_t tid));

const struct tasks_stats *tasks_get_stats(const struct tasks *ts);
const struct task *tasks_find(const struct tasks *ts, uint32_t tid);
/* Call @cb for every tracked thread (e.g. to release SIGSTOPped ones). */
void tasks_foreach(struct tasks *ts, void (*cb)(void *ctx, const struct task *t), void *ctx);

#endif /* SELFSEQ_TRACE_TASKS_H */
