/* SPDX-License-Identifier: MIT */
/* System-call numbers from libseccomp (see syscall-seccomp.h). */
#include <seccomp.h>

#include "syscall-seccomp.h"

int ss_seccomp_syscall_number(uint32_t arch, const char *name)
{
	int nr;

	if (!arch || !name)
		return -1;
	nr = seccomp_syscall_resolve_name_arch(arch, name);
	/* Negative: unknown (__NR_SCMP_ERROR) or a pseudo number of a multiplexer. */
	return nr < 0 ? -1 : nr;
}
