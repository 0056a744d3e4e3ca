/* SPDX-License-Identifier: MIT */
/*
 * pH's delay response, approximated from user space: pH slept inside the
 * anomalous system call for 2^LFC x delay_factor ticks; selfseq-trace learns
 * of the call a little later (after the ring is read) and stops the whole
 * process with SIGSTOP, then resumes it with SIGCONT when the delay is
 * over. A process already stopped by us gets the later of the two ends.
 */
#ifndef SELFSEQ_TRACE_DELAY_H
#define SELFSEQ_TRACE_DELAY_H

#include <stdint.h>
#include <sys/types.h>

struct delays;

int delays_new(uint64_t max_ms, pid_t self, struct delays **out);
/* Free, resuming every process still stopped. */
void delays_free(struct delays *d);

/* Stop @pid until @now_ns + @ms (capped at the maximum). 0, or -errno from kill(). */
int delays_apply(struct delays *d, pid_t pid, uint64_t ms, uint64_t now_ns);
/* Resume the processes whose delay is over; returns how many. */
unsigned delays_tick(struct delays *d, uint64_t now_ns);
/* The earliest end of a delay, or UINT64_MAX when none is pending. */
uint64_t delays_next(const struct delays *d);

struct delays_stats {
	uint64_t stops;		/* SIGSTOPs sent */
	uint64_t extended;	/* delays extended while stopped */
	uint64_t total_ms;	/* time processes spent stopped by us, as scheduled */
	uint64_t refused;	/* pids we do not stop (ourselves, init) or kill() failed */
};
const struct delays_stats *delays_get_stats(const struct delays *d);

#endif /* SELFSEQ_TRACE_DELAY_H */
