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

/* args.c */
void trace_parse_args(int argc, char **argv, struct trace_opts *o);
/* Print "selfseq-trace: message" and exit with @code. */
void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* Refused access to tracefs or perf: what is needed and the setting that decides it; exit 6. */
void die_perm(const char *what) __attribute__((noreturn));

/* spawn.c */
/*
 * Fork COMMAND (searched in PATH, run by absolute path), held before
 * execve until a byte is written to *go_fd; *err_fd then yields execve's
 * errno if it failed, or EOF once it succeeded.
 */
pid_t trace_spawn(char **cmd, const sigset_t *oldmask, int *go_fd, int *err_fd);
/* Every thread of the -p processes (exits with a message if one is missing). */
void trace_list_threads(const struct trace_opts *o, pid_t **tids, size_t *ntids);
/* Many threads x CPUs x 4 events can exceed the default 1024 descriptors. */
void trace_raise_fd_limit(void);

/* summary.c */
void trace_print_summary(struct trace *tr);
void trace_print_summary_json(struct trace *tr);

/* Set by the signal handlers. */
extern volatile sig_atomic_t trace_stop, trace_child_exited, trace_save_now;

uint64_t trace_mono_ns(void);

#endif /* SELFSEQ_TRACE_TRACE_H */
