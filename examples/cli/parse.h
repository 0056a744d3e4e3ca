/* SPDX-License-Identifier: MIT */
/*
 * The state one input file is parsed with, shared by the format parsers
 * (parse-*.c), the parser state (parser.c) and the driver that feeds them
 * buffers (input.c).
 */
#ifndef SELFSEQ_CLI_PARSE_H
#define SELFSEQ_CLI_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

struct pid_entry;

/* A process seen in a multi-process file. */
struct proc {
	struct trace t;
	uint32_t pid;
	int has_pid;
	int exited;		/* strace: "+++ exited" seen; a later line with this pid is a new process */
	int pending;		/* strace: an "<unfinished ...>" call waits for its "resumed" line */
	uint32_t pending_call;	/* ... and which call it was */
	int pending_fork;	/* strace: ... and it was a fork, clone or vfork */
};

struct parser {
	struct input_opts *o;
	const char *file;
	const char *family;
	enum trace_format format;
	uint64_t line;		/* 1-based number of the line being parsed */
	int fatal;		/* CLI_EXIT_* once parsing must stop */
	/*
	 * A trial run (a part of a file parsed on another thread): the first
	 * problem stops it silently, and the file is then parsed again from
	 * its start the ordinary way, which reports it with its line.
	 */
	int trial;
	/* Processes of this file, in order of first appearance. */
	struct proc **procs;
	size_t nprocs, procs_cap;
	struct pid_entry *pids;	/* pid -> newest process with it (uthash) */
	struct proc *last;	/* the process of the previous line (fast path) */
	/* strace's lines without a pid (see parse-strace.c) */
	struct proc *unprefixed;
	int prefixed_seen;
	size_t live;		/* processes not exited */
	uint32_t *children;	/* pids the unprefixed process forked */
	size_t nchildren, children_cap;
};

/*
 * Report a malformed line or token at ps->line. With --on-error=skip it
 * is counted and parsing goes on (returns 0); otherwise ps->fatal is set
 * and -1 returned.
 */
int parse_error(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A problem that --on-error=skip does not excuse (e.g. mixed architectures). */
void parse_fatal(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The process with @pid (has_pid = 0: the file's only trace), created on first use. */
struct proc *parse_proc(struct parser *ps, uint32_t pid, int has_pid);
/* A new process for @pid even if one exists (pid reuse). */
struct proc *parse_proc_new(struct parser *ps, uint32_t pid, int has_pid);
/* Give a pid to a process created without one. */
void parse_proc_set_pid(struct parser *ps, struct proc *p, uint32_t pid);
/* Append @call, after checking it against the alphabet: 0 or parse_error()'s value. */
int parse_push(struct parser *ps, struct proc *p, uint64_t call, const char *text, size_t len);
/*
 * Number of @name in the input architecture (set to native when unknown):
 * 0, 1 when the name was reported and skipped (--on-error=skip), -1 fatal.
 */
int parse_call_name(struct parser *ps, const char *name, size_t len, uint32_t *call);

/*
 * Format parsers consume whole units from buf[0, len): a number-list
 * parser up to the last blank, a line parser up to the last newline (the
 * driver splits lines for them). @final: no more input follows.
 */
size_t parse_adfa(struct parser *ps, const char *buf, size_t len, int final);
int parse_unm_line(struct parser *ps, const char *s, size_t len);
int parse_strace_line(struct parser *ps, const char *s, size_t len);
int parse_names_line(struct parser *ps, const char *s, size_t len);
/* Whether a line looks like strace output (for format detection). */
int parse_strace_shape(const char *s, size_t len);

/*
 * Hand buf[0, len) to the parser of ps->format (lines split for the line
 * parsers); returns the bytes consumed, the rest is carried over by the caller.
 */
size_t parse_buffer(struct parser *ps, const char *buf, size_t len, int final);
/* Release the processes, their traces and the pid table of @ps. */
void parser_free(struct parser *ps);

/* Guess the format from the first bytes of a file; FMT_AUTO if it cannot tell. */
enum trace_format parse_detect(const char *buf, size_t len, int complete);

#endif /* SELFSEQ_CLI_PARSE_H */
