/* SPDX-License-Identifier: MIT */
/*
 * System-call names from libaudit: audit architecture -> libaudit machine
 * -> name. Kept separate so every front end names calls the same way.
 */
#include <stddef.h>

#include <libaudit.h>

#include "syscall-names.h"

const char *ss_syscall_name(uint32_t arch, uint32_t nr)
{
	int machine;

	if (!arch || nr > INT32_MAX)
		return NULL;
	machine = audit_elf_to_machine(arch);
	if (machine < 0)
		return NULL;
	return audit_syscall_to_name((int)nr, machine);
}
