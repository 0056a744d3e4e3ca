/* SPDX-License-Identifier: MIT */
/*
 * selfseq-trace's state shared by its parts: options, the perf session or
 * the recording it replays, the decoder, the merge, the thread table, the
 * monitor and the response.
 */
#ifndef SELFSEQ_TRACE_TRACE_H
#define SELFSEQ_TRACE_TRACE_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <selfseq/selfseq-monitor.h>

#include "decode.h"
#include "delay.h"
#include "merge.h"
#include "perf.h"
#include "recfile.h"
#include "report.h"
#include "tasks.h"

/* Exit codes; doc/man/selfseq-trace.1 documents them, keep both in step. */
enum {
	TRACE_EXIT_OK = 0,
	TRACE_EXIT_ANOMALY = 1,	/* anomalies were reported */
	TRACE_EXIT_USAGE = 2,	/* bad command line, or COMMAND could not be executed */
	TRACE_EXIT_INPUT = 3,	/* a recording could not be read, or the rings were corrupt */
	TRACE_EXIT_PROFILE = 4,	/* the profile store could not be opened, or profiles not saved */
	TRACE_EXIT_SYSTEM = 5,	/* tracefs, perf_event_open, memory, output errors */
	TRACE_EXIT_PERM = 6,	/* not allowed to trace (root or CAP_PERFMON needed) */
};

enum { SUMMARY_TEXT, SUMMARY_JSON, SUMMARY_NONE };

struct trace_opts {
	uint32_t mode;			/* SELFSEQ_MODE_* */
	const char *store_dir;		/* NULL: in memory */
	pid_t *pids;			/* -p */
	size_t npids;
	int all;			/* -a */
	char **exe_filter;		/* NULL-terminated, realpath'd */
	char **command;			/* after -- */
	const char *output;
	int text, state_events, verbose;
	int summary;			/* SUMMARY_* */
	uint32_t window, alphabet, lfc_frame, max_profiles, max_processes;
	struct selfseq_params params;
	uint64_t max_delay_ms;		/* 0: delays off */
	size_t ring_bytes;
	unsigned poll_ms;
	unsigned save_interval_s;
	const char *record;
	const char *replay;
};

struct trace {
	struct trace_opts o;
	struct report rep;
	struct decoder dec;
	struct perf_session perf;
	struct merge merge;
	struct tasks *tasks;
	struct selfseq_monitor *mon;
	struct delays *delays;
	struct recfile rec;
	int recording;
	int64_t clock_offset;		/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t start_ns;		/* monotonic */
	pid_t child;			/* the COMMAND's pid, 0 if none */
	int child_status;
	int child_done;
	uint64_t bad_records, throttles, other_records, oom_events, save_errors;
	int fatal;			/* an exit code set by a fatal error in the loop */
};

/* Monitor-backed sink for the thread table. */
void trace_sink_init(struct trace *tr, struct task_sink *sink);
void trace_sink_fini(void);

/* Event loop over live rings until the command ends or a signal arrives. */
int trace_run_live(struct trace *tr);
/* Process a recording from --replay. */
int trace_run_replay(struct trace *tr);

/* Set by the signal handlers. */
extern volatile sig_atomic_t trace_stop, trace_child_exited, trace_save_now;

uint64_t trace_mono_ns(void);

#endif /* SELFSEQ_TRACE_TRACE_H */
