/* SPDX-License-Identifier: MIT */
/*
 * selfseq-cfengine: what its commands share (options, the locked statistics
 * state, exit codes). See doc/man/selfseq-cfengine.1.
 */
#ifndef SELFSEQ_CFENGINE_H
#define SELFSEQ_CFENGINE_H

#include <stdint.h>
#include <selfseq/selfseq-stats.h>

#define DEFAULT_STATE "/var/lib/selfseq/cfengine.stats"
#define DEFAULT_EVENTS "/var/log/selfseq/anomalies.jsonl"

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 2,
	EXIT_STATE = 3,		/* state file unreadable or unwritable */
	EXIT_EVENTS = 4,	/* events file unreadable */
	EXIT_STALE = 5,		/* ack: the token is not for this events file */
};

struct opts {
	const char *command;
	const char *events;
	const char *state;
	const char *prefix;	/* of classes and variables */
	const char *context;	/* module variable context */
	const char *series;	/* export, plot, measure, add */
	const char *output;	/* export, plot: file, "-" for standard output */
	const char *token;	/* ack */
	const char *title;	/* plot */
	int64_t now;
	int64_t time;		/* add */
	int64_t value;		/* add */
	int have_value;
	uint64_t max_read;
	uint32_t scale;		/* measure */
	int per_exe;
	int exe_check;
	struct selfseq_stats_opts stats_opts;
};

/* The statistics state, held under an exclusive lock (STATE.lock) from open to close. */
struct state {
	struct selfseq_stats *stats;
	const char *path;
	int lockfd;
	int created;		/* there was no state file */
	int recovered;		/* the file was corrupt: moved to STATE.corrupt, started afresh */
	char msg[8800];		/* why, when recovered */
};

/* Lock and load (or create); @create 0 refuses a missing file. 0 or EXIT_*; message on stderr. */
int state_open(struct state *st, const char *path, const struct selfseq_stats_opts *opts,
	       int create);
/* Save atomically; 0 or EXIT_STATE. */
int state_save(struct state *st);
/* Unlock and release. */
void state_close(struct state *st);

/* Standard output for "-" or NULL, else the file (created 0644); -1 after a message. */
int open_output(const char *path);

/* Class and variable names: bytes outside [A-Za-z0-9_] become '_'. */
void canonify(char *dst, size_t room, const char *src);

int cmd_module(const struct opts *o);
int cmd_measure(const struct opts *o);
int cmd_ack(const struct opts *o);
int cmd_show(const struct opts *o);
int cmd_export(const struct opts *o);
int cmd_plot(const struct opts *o);
int cmd_add(const struct opts *o);

#endif /* SELFSEQ_CFENGINE_H */
