/* SPDX-License-Identifier: MIT */
/*
 * Progress of long runs on stderr (files read, calls, calls per second),
 * shown only when stderr is a terminal and at most a few times a second.
 */
#ifndef SELFSEQ_CLI_PROGRESS_H
#define SELFSEQ_CLI_PROGRESS_H

#include <stdint.h>

/* Start counting; shown only if @enabled and stderr is a terminal. */
void progress_start(int enabled);
void progress_bytes(uint64_t n);
void progress_calls(uint64_t n);
void progress_file(void);
/* A free-form phase shown before the counters ("scoring w=6"); NULL for none. */
void progress_phase(const char *phase);
/* Erase the progress line (before printing a message). */
void progress_clear(void);
void progress_stop(void);

#endif /* SELFSEQ_CLI_PROGRESS_H */
