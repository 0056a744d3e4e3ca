/* SPDX-License-Identifier: MIT */
/*
 * What every selfseq command shares: exit codes, messages, allocation that
 * gives up cleanly, and loading and saving profiles with a message that
 * names the file.
 */
#ifndef SELFSEQ_CLI_H
#define SELFSEQ_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <selfseq/selfseq.h>

/* Exit codes; doc/man/selfseq.1 documents them, keep both in step. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_DIFFER = 1,	/* diff: the profiles differ */
	CLI_EXIT_USAGE = 2,	/* bad command line */
	CLI_EXIT_INPUT = 3,	/* a trace could not be read or parsed, mixed architectures */
	CLI_EXIT_PROFILE = 4,	/* a profile could not be loaded or saved, or does not fit */
	CLI_EXIT_SYSTEM = 5,	/* out of memory, cannot write an output or a report */
};

/* Set by main(): the name messages start with. */
extern const char *cli_prog;

void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* malloc/realloc/strdup that exit with CLI_EXIT_SYSTEM and a message when memory runs out. */
void *cli_malloc(size_t n);
void *cli_calloc(size_t n, size_t size);
void *cli_realloc(void *p, size_t n);
char *cli_strdup(const char *s);
/* Grow *p (elements of @size) so that it holds at least @need; *cap is updated. */
void cli_grow(void *p, size_t *cap, size_t need, size_t size);

/* Parse an unsigned decimal in [lo, hi]; 0 or -1 (after a usage message naming @what). */
int cli_parse_u32(const char *s, uint32_t lo, uint32_t hi, const char *what, uint32_t *out);
/* Parse "5,6,9,11" into at most @max values in [lo, hi]; the count or -1. */
int cli_parse_list(const char *s, uint32_t lo, uint32_t hi, const char *what, uint32_t *out,
		   int max);

/* Load a profile; on failure prints "path: why" and returns NULL. */
struct selfseq_profile *cli_profile_load(const char *path);
/* Save atomically; 0, or -1 after a message. */
int cli_profile_save(const struct selfseq_profile *p, const char *path);
/*
 * The pair set a profile is scored against offline: the testing set when
 * the profile is normal, the training set otherwise.
 */
const struct selfseq_db *cli_profile_db(const struct selfseq_profile *p);
/* State snapshot (never fails for a loaded profile). */
void cli_profile_state(const struct selfseq_profile *p, struct selfseq_profile_state *st);

/* Name of @call for printing: the architecture's name, else its number. */
const char *cli_call_name(uint32_t arch, uint32_t call, char *buf, size_t len);

/*
 * Score one trace against @db: the library's measures, the per-call misses
 * in *misses (grown as needed), and the highest locality frame count
 * (anomalous calls among any @frame consecutive calls, 1..65536).
 */
int cli_score(const struct selfseq_db *db, const uint32_t *calls, size_t n, uint32_t frame,
	      uint8_t **misses, size_t *misses_cap, struct selfseq_score *s, uint32_t *max_lfc);

/* Nanoseconds from a monotonic clock. */
uint64_t cli_now_ns(void);

#endif /* SELFSEQ_CLI_H */
