/* SPDX-License-Identifier: MIT */
/*
 * What /proc says about a thread: its executable (readlink /proc/PID/exe),
 * the architecture of that executable (its ELF header: a 32-bit i386
 * program's calls use i386 numbers), its parent and real uid. Executable
 * paths are interned so events and threads can share them by pointer.
 */
#ifndef SELFSEQ_TRACE_PROC_H
#define SELFSEQ_TRACE_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "tasks.h"

/* A stable copy of @s (kept until proc_intern_free()); NULL when memory runs out. */
const char *proc_intern(const char *s);
void proc_intern_free(void);

/*
 * Audit architecture (AUDIT_ARCH_*) of the ELF file at @path: e_machine
 * with the 64-bit and little-endian flags, the rule <linux/audit.h> builds
 * them by. 0 when it is not a readable ELF file.
 */
uint32_t proc_elf_arch(const char *path);

/* proc_elf_arch() with the signature of task_probe.arch. */
uint32_t proc_probe_arch(void *ctx, const char *path);

/*
 * The executable a thread runs, for a thread seen without its exec (attach,
 * system-wide). Fills everything it can; 0, or -errno when the thread is
 * gone. Its signature fits struct task_probe.
 */
int proc_probe(void *ctx, uint32_t pid, uint32_t tid, struct task_facts *f);

/*
 * Resolve the executable at a sched_process_exec event, as soon as the
 * event is read (the process may exec again or exit soon after).
 * @filename is the path the kernel reported (as given to execve, perhaps
 * relative). readlink /proc/PID/exe is used when it refers to the same file
 * (or @filename is a #! script, whose interpreter is what runs); when the
 * process has meanwhile exec'd something else or exited, the realpath of
 * @filename is used. Fills @f (f->exe NULL when nothing could be resolved).
 */
void proc_resolve_exec(uint32_t pid, const char *filename, struct task_facts *f);

/* Remove the " (deleted)" the kernel appends to the path of a removed file. */
void proc_strip_deleted(char *path);

/* Whether thread @tid of process @pid still exists. */
int proc_alive(uint32_t pid, uint32_t tid);

/* Parent pid and real uid of @pid from /proc/PID/status; 0 or -errno. */
int proc_status(uint32_t pid, uint32_t *ppid, uint32_t *uid);

#endif /* SELFSEQ_TRACE_PROC_H */
