/* SPDX-License-Identifier: MIT */
/*
 * What selfseq-trace reports: one line per anomalous call and, with
 * --state-events, per profile state change, in the JSON-lines schema of
 * selfseq-audit (doc/man/selfseq-audit.1, OUTPUT: type, time, pid, ppid,
 * auid, uid, exe, exe_hex, arch, call, nr, misses, lfc, max_lfc, state,
 * mode, limit; plus tid and delay_ms, which audit records cannot give), or
 * the same fields as words with --text.
 */
#ifndef SELFSEQ_TRACE_REPORT_H
#define SELFSEQ_TRACE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include <selfseq/selfseq.h>

#include "tasks.h"

struct report {
	FILE *out;
	int text;		/* --text */
	int state_events;	/* --state-events */
	const char *mode;	/* "monitor", "train" or "score" */
};

/* An anomalous call of thread @t at wall-clock @now_ns. */
void report_anomaly(const struct report *r, const struct task *t, uint32_t nr,
		    uint64_t now_ns, const struct selfseq_event *ev);
/* Profile state changes (frozen, thawed, normal, limits), with --state-events. */
void report_state(const struct report *r, const struct task *t, uint32_t nr, uint64_t now_ns,
		  const struct selfseq_event *ev);

/* "training", "frozen" or "normal" for SELFSEQ_STATE_* flags. */
const char *report_state_name(uint32_t state);

/* Wall-clock ns -> "2026-11-22T14:05:06.123Z" (UTC, milliseconds, as selfseq-audit). */
void report_time(uint64_t ns, char *buf, size_t len);

#endif /* SELFSEQ_TRACE_REPORT_H */
