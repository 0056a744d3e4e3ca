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

#endif /* SELFSEQ_EXAMPLES_SYSCALL_NAMES_H */
