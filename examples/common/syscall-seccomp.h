/* SPDX-License-Identifier: MIT */
/*
 * System-call numbers from libseccomp's tables, for the names libaudit
 * spells differently (strace and the kernel say pread64, libaudit's x86_64
 * table says pread). Separate from syscall-names.c so that front ends
 * without libseccomp keep linking.
 */
#ifndef SELFSEQ_EXAMPLES_SYSCALL_SECCOMP_H
#define SELFSEQ_EXAMPLES_SYSCALL_SECCOMP_H

#include <stdint.h>

/*
 * Number of call @name on audit architecture @arch (libseccomp's arch
 * tokens are the AUDIT_ARCH_* values), or -1 when libseccomp does not know
 * it, or knows it only as a multiplexed pseudo call (i386 socketcall).
 */
int ss_seccomp_syscall_number(uint32_t arch, const char *name);

#endif /* SELFSEQ_EXAMPLES_SYSCALL_SECCOMP_H */
