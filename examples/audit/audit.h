/* SPDX-License-Identifier: MIT */
/*
 * selfseq-audit's shared state: options, the pipeline from libauparse
 * events to the monitor (input -> record -> reorder -> track -> output),
 * and the counters the summary prints.
 */
#ifndef SELFSEQ_AUDIT_AUDIT_H
#define SELFSEQ_AUDIT_AUDIT_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include <auparse.h>
#include <selfseq/selfseq-monitor.h>

#include "lines.h"
#include "names.h"
#include "record.h"
#include "reorder.h"

/* Commands. */
enum ss_cmd {
	SS_CMD_TRAIN,
	SS_CMD_MONITOR,
	SS_CMD_SCORE,
	SS_CMD_EXTRACT,		/* print each process's call sequence (tests, debugging) */
	SS_CMD_PLUGIN,		/* monitor, as an auditd plugin */
	SS_CMD_RULES,
};

/* Exit codes (documented in the man page). */
#define SS_EXIT_OK 0
#define SS_EXIT_ANOMALY 1	/* monitor/score: at least one anomaly reported */
#define SS_EXIT_USAGE 2
#define SS_EXIT_INPUT 3		/* an input could not be read */
#define SS_EXIT_SAVE 4		/* a profile could not be saved */

struct ss_opts {
	enum ss_cmd cmd;
	const char *store_dir;	/* NULL: profiles in memory only (--no-store) */
	const char *output;	/* anomalies to this file (appended); NULL: stdout */
	int text;		/* --text: readable lines instead of JSON */
	int summary_json;	/* --summary=json */
	int quiet;		/* --quiet: no summary */
	uint32_t window, alphabet, lfc_frame;
	struct selfseq_params params;
	uint32_t max_profiles, max_processes, max_names;
	uint64_t save_interval_s;	/* live: save profiles this often; 0: only at exit */
	uint64_t reorder_ms;	/* hold calls this long (audit time) to restore order */
	uint32_t eoe_timeout_s;	/* libauparse's end-of-event timeout (live input) */
	uint64_t pid_timeout_s;	/* forget a pid silent this long (audit time); 0: never */
	uint32_t warn_max;	/* messages per kind at most */
	int show_states;	/* --state-events: also report state changes */
};

/* One process (pid on a host) as the log shows it. */
struct ss_proc;

struct ss_app {
	struct ss_opts o;
	FILE *out;
	struct selfseq_monitor *mon;
	struct ss_names *names;
	struct ss_reorder reorder;
	struct ss_proc *procs;	/* uthash on (host, pid) */
	uint32_t nprocs;
	uint32_t next_id;	/* ids the monitor knows processes by */
	uint64_t next_sweep_sec;
	struct ss_run *runs;	/* extract: finished runs */
	size_t nruns, runs_cap;
	uint64_t run_seq;
	char exe_buf[SS_EXE_MAX + 1];
	volatile sig_atomic_t *stop;	/* SIGINT/SIGTERM: finish and save */
	volatile sig_atomic_t *hup;	/* SIGHUP: save now, reopen --output */

	/* Counters for the summary. */
	uint64_t lines;
	uint64_t records;
	uint64_t syscall_records;
	uint64_t events;
	uint64_t calls;		/* fed to a profile (or extracted) */
	uint64_t skipped[SS_SKIP_COUNT];
	uint64_t processes;	/* process runs started (a pid, or a pid after exec) */
	uint64_t anomalies;	/* anomaly lines written */
	uint64_t exes_warned;
	int save_failed;
	int input_failed;
};

/* track.c: calls in kernel order to per-process runs and the monitor. */
void ss_track_call(struct ss_app *a, const struct ss_call *c);
/* End every run (end of input); extract prints its runs. */
void ss_track_finish(struct ss_app *a);
void ss_track_free(struct ss_app *a);

struct ss_handoff;

/*
 * pipeline.c: one libauparse event into the reorder buffer; drain it. With
 * @h (handoff.c) its SYSCALL records go to the worker thread instead, which
 * calls ss_pipeline_syscall_text() and ss_pipeline_drain() for them.
 */
void ss_pipeline_event(struct ss_app *a, auparse_state_t *au, struct ss_lines *lines_of_file[],
		       const char *const files[], size_t nfiles, struct ss_handoff *h);
void ss_pipeline_drain(struct ss_app *a, int all);
/* One SYSCALL record from its text and stamp (NULL: the record had none); @file:@line for warnings. */
void ss_pipeline_syscall_text(struct ss_app *a, const char *text, const au_event_t *ts,
			      const char *file, unsigned line);
/* A SYSCALL record counted and reported as skipped for @why. */
void ss_pipeline_syscall_skip(struct ss_app *a, const char *file, unsigned line,
			      enum ss_skip why, const char *field);

/* input.c */
int ss_read_files(struct ss_app *a, char **paths, size_t n);
/* Save profiles when due (--save-interval) or asked (SIGHUP); reopen --output on SIGHUP. */
void ss_periodic(struct ss_app *a);
int ss_read_stream(struct ss_app *a, int fd, int live);

/* output.c */
void ss_output_anomaly(struct ss_app *a, const struct ss_call *c, const char *exe,
		       const struct selfseq_event *ev);
void ss_output_state(struct ss_app *a, const struct ss_call *c, const char *exe,
		     const struct selfseq_event *ev);
void ss_output_summary(struct ss_app *a, FILE *f);
void ss_json_string(FILE *f, const char *s);
/* ISO 8601 UTC with milliseconds into @buf (32 bytes). */
void ss_format_time(char *buf, size_t len, uint64_t sec, uint32_t ms);

/* order.c: audit.log.N ... audit.log.1 audit.log; directories expanded. */
int ss_order_logs(char **in, size_t n, char ***out, size_t *nout);
void ss_free_logs(char **paths, size_t n);

/* rules.c */
int ss_rules_main(int argc, char **argv);

/* save.c: save profiles, report failures. */
void ss_save_profiles(struct ss_app *a, const char *why);

#endif /* SELFSEQ_AUDIT_AUDIT_H */
