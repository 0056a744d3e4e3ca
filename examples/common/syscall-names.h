/* SPDX-License-Identifier: MIT */
/*
 * System-call names for the example front ends, from libaudit's tables,
 * so no front end carries a hand-written list.
 */
#ifndef SELFSEQ_EXAMPLES_SYSCALL_NAMES_H
#define SELFSEQ_EXAMPLES_SYSCALL_NAMES_H

#include <stdint.h>

/*
 * Name of call @nr on audit architecture @arch (an AUDIT_ARCH_* value such
 * as 0xc000003e for x86_64 or 0x40000003 for i386), or NULL when libaudit
 * does not know the architecture or the number. The string is static.
 */
const char *ss_syscall_name(uint32_t arch, uint32_t nr);

/*
 * Number of call @name on @arch, or -1 when unknown. Besides libaudit's
 * names it accepts strace's spellings for calls it has no name for,
 * "syscall_123" and "syscall_0x7b".
 */
int ss_syscall_number(uint32_t arch, const char *name);

/*
 * Audit architecture for a name as uname -m or libaudit spell it
 * ("x86_64", "i386", "i686", "aarch64", "armv7l", "ppc64le", "s390x", ...),
 * or a hex AUDIT_ARCH_* value ("c000003e", "0x40000003"). "none" and "raw"
 * give 0: numbers of an unknown numbering. Returns 0 or -1 if unknown.
 */
int ss_arch_parse(const char *name, uint32_t *arch);

/* Short name of @arch ("x86_64", "i386"; "none" for 0; NULL if unknown). */
const char *ss_arch_name(uint32_t arch);

/* Audit architecture of this machine's native system calls (0 if unknown). */
uint32_t ss_arch_native(void);

#endif /* SELFSEQ_EXAMPLES_SYSCALL_NAMES_H */
