/* SPDX-License-Identifier: MIT */
/*
 * Reading traces: files, gzip files, directories (recursively) and stdin,
 * in the UNM, ADFA-LD, strace and call-name formats, turned into one call
 * array per trace.
 */
#ifndef SELFSEQ_CLI_INPUT_H
#define SELFSEQ_CLI_INPUT_H

#include <stddef.h>
#include <stdint.h>

enum trace_format {
	FMT_AUTO = 0,
	FMT_UNM,	/* "PID CALL" lines, processes interleaved */
	FMT_ADFA,	/* one trace per file, whitespace-separated numbers */
	FMT_STRACE,	/* strace (-f, -tt, -T, -o ...) output */
	FMT_NAMES,	/* one call name per line */
};

/* One trace as read. Callbacks may take @calls (then set it to NULL). */
struct trace {
	char *name;		/* "file" or "file:PID" */
	const char *file;	/* the file it came from */
	/* First directory below the command-line argument, "_<n>" removed; NULL if none. */
	const char *family;
	uint32_t *calls;
	size_t n, cap;
};

struct input_opts {
	enum trace_format format;	/* FMT_AUTO: per file */
	/*
	 * Audit architecture call names are looked up in. When !arch_known,
	 * the first input with names sets it to the native architecture.
	 */
	uint32_t arch;
	int arch_known;
	uint32_t alphabet;	/* calls must be below it */
	int skip_errors;	/* --on-error=skip: report malformed lines, go on */
	int progress;		/* show progress (only if stderr is a terminal) */
	/* Filled in while reading. */
	uint64_t skipped;	/* malformed lines or tokens skipped */
	uint64_t files;		/* files read */
	uint64_t calls;		/* calls read */
};

/* Receives each trace; returns 0 or a CLI_EXIT_* code to stop. */
typedef int (*trace_cb)(void *ctx, struct trace *t);

/*
 * Read every path ("-" is stdin, directories are walked in name order)
 * and hand each trace to @cb. Returns CLI_EXIT_OK or the CLI_EXIT_* code
 * after printing why (file:line for malformed input).
 */
int input_read(char *const *paths, int npaths, struct input_opts *o, trace_cb cb, void *ctx);

/* Short options and getopt_long entries every trace-reading command takes. */
#define INPUT_SHORTOPTS "f:a:q"
#define INPUT_OPT_ON_ERROR 0x100
#define INPUT_LONGOPTS							\
	{ "format", required_argument, NULL, 'f' },			\
	{ "arch", required_argument, NULL, 'a' },			\
	{ "on-error", required_argument, NULL, INPUT_OPT_ON_ERROR },	\
	{ "quiet", no_argument, NULL, 'q' }

/* Defaults: auto format, architecture from the inputs, full alphabet, fail, progress. */
void input_opts_init(struct input_opts *o);
/* Handle one of INPUT_LONGOPTS: 1 handled, 0 not ours, -1 bad value (message printed). */
int input_option(int opt, const char *arg, struct input_opts *o);
/*
 * Reconcile the inputs' architecture with a profile's: a --arch that
 * contradicts it is refused (mixed architectures), otherwise the profile's
 * numbering is used. 0, or -1 after a message.
 */
int input_arch_from_profile(struct input_opts *o, uint32_t arch, const char *path);

/* Parse a --format value; -1 if unknown. */
int input_format_parse(const char *s, enum trace_format *fmt);
const char *input_format_name(enum trace_format fmt);

/* Parse --on-error=skip|fail into o->skip_errors; -1 if neither. */
int input_on_error_parse(const char *s, struct input_opts *o);

#endif /* SELFSEQ_CLI_INPUT_H */
