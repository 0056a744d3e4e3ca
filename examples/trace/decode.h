/* SPDX-License-Identifier: MIT */
/*
 * Decoding perf records from the rings into small fixed events: samples of
 * raw_syscalls:sys_enter and of the sched fork/exec/exit tracepoints
 * (recognised by the common_type of their raw data, read through the
 * format files), PERF_RECORD_LOST, and PERF_RECORD_MMAP (attr.mmap: the
 * executable mappings, among them the program execve maps). The samples are expected with
 * sample_type PERF_SAMPLE_TID | TIME | CPU | RAW and sample_id_all set, so
 * every record carries pid, tid, time and cpu.
 */
#ifndef SELFSEQ_TRACE_DECODE_H
#define SELFSEQ_TRACE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/perf_event.h>

#include "tp-format.h"

#define DECODE_SAMPLE_TYPE \
	(PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_RAW)

enum tev_kind {
	TEV_SYSCALL = 1,	/* sys_enter: sys.nr */
	TEV_FORK,		/* sched_process_fork: fork.parent -> fork.child (thread ids) */
	TEV_EXEC,		/* sched_process_exec: exec.pid (after), exec.old_pid (the thread that called execve) */
	TEV_EXIT,		/* sched_process_exit: exit.pid, exit.group_dead (-1: not in this kernel's format) */
	TEV_LOST,		/* PERF_RECORD_LOST: lost.count samples lost on this cpu */
	TEV_MMAP,		/* PERF_RECORD_MMAP of an executable file mapping: mmap.file */
};

/* One decoded event. exec.exe, arch, ppid and uid are filled in by the caller. */
struct tev {
	uint64_t time;		/* perf clock (CLOCK_MONOTONIC), ns */
	uint32_t cpu;
	uint32_t pid;		/* the sample's process id (tgid) */
	uint32_t tid;		/* the sample's thread id */
	uint32_t kind;		/* enum tev_kind */
	union {
		struct {
			int64_t nr;
		} sys;
		struct {
			uint32_t parent, child;
		} fork;
		struct {
			uint32_t pid, old_pid;
			uint32_t arch;		/* AUDIT_ARCH_* of the new image, 0 if unknown */
			uint32_t ppid;		/* parent process, 0 if unknown */
			uint32_t uid;		/* real uid, UINT32_MAX if unknown */
			const char *exe;	/* interned executable path, or NULL if unresolved */
		} exec;
		struct {
			uint32_t pid;
			int32_t group_dead;
		} exit;
		struct {
			uint64_t count;
		} lost;
		struct {
			const char *file;	/* interned by the caller */
		} mmap;
	} u;
};

struct decoder {
	struct tp_format enter, exec, fork, exit;
	int have_exec, have_fork, have_exit;
	const struct tp_field *f_type, *f_id;
	const struct tp_field *f_exec_file, *f_exec_pid, *f_exec_old;
	const struct tp_field *f_fork_parent, *f_fork_child;
	const struct tp_field *f_exit_pid, *f_exit_dead;
};

/*
 * Prepare a decoder from parsed formats; @exec/@fork/@exit may be NULL
 * (that tracking is then off). Checks that each format has the fields the
 * decoder reads; returns 0 or -EBADMSG with a message naming the event.
 */
int decoder_init(struct decoder *d, const struct tp_format *enter, const struct tp_format *exec,
		 const struct tp_format *fork, const struct tp_format *exit, char *err,
		 size_t errlen);

/*
 * Decode one record. Returns 1 with @ev filled (for TEV_EXEC and TEV_MMAP
 * the file name the kernel reported is written to @filename), 0 for a record of no
 * interest (other record types, samples of unknown tracepoints), or
 * -EBADMSG for a malformed record, with @err saying which part.
 */
int decode_record(const struct decoder *d, const struct perf_event_header *rec, struct tev *ev,
		  char *filename, size_t fnlen, char *err, size_t errlen);

#endif /* SELFSEQ_TRACE_DECODE_H */
