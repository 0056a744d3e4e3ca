/* SPDX-License-Identifier: MIT */
/*
 * Opening the tracepoint events with perf_event_open: one ring per online
 * CPU, the first event opened on a CPU owns the ring and every other event
 * on that CPU writes into it (PERF_EVENT_IOC_SET_OUTPUT). A target is either
 * every task (pid -1, one event per CPU; the tracer's own calls filtered out
 * in the kernel) or a list of threads, each with inherit set so that its
 * future children and threads are traced too.
 */
#ifndef SELFSEQ_TRACE_PERF_H
#define SELFSEQ_TRACE_PERF_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ring.h"

/* Tracepoint ids, 0 for "not used". */
struct perf_ids {
	uint32_t enter, exec, fork, exit;
};

struct perf_session {
	unsigned nrings;
	int *cpus;		/* cpu number of each ring */
	struct ring *rings;
	struct pollfd *pfd;	/* one per ring: the fd that owns it */
	int *fds;		/* every event opened */
	size_t nfds, capfds;
	size_t ring_bytes;	/* data area of each ring */
};

/* Exit status meaning "not allowed to trace" (the tests skip on it). */
#define PERF_EXIT_PERM 77

/*
 * Open and map everything, disabled. @tids NULL means system-wide, then
 * @self (the tracer's pid) is filtered out of sys_enter. @ring_bytes is
 * rounded up to a power of two pages. Returns 0, or a negative errno with
 * a message in @err (naming perf_event_paranoid when permission is
 * refused: then the return value is -EACCES).
 */
int perf_session_open(struct perf_session *s, const struct perf_ids *ids, const pid_t *tids,
		      size_t ntids, pid_t self, size_t ring_bytes, char *err, size_t errlen);
int perf_session_enable(struct perf_session *s);
int perf_session_disable(struct perf_session *s);
void perf_session_close(struct perf_session *s);

/* kernel.perf_event_paranoid, or 99 if it cannot be read. */
int perf_paranoid(void);

/* Online CPUs from /sys/devices/system/cpu/online; the count or -errno. */
int perf_online_cpus(int **cpus);

#endif /* SELFSEQ_TRACE_PERF_H */
