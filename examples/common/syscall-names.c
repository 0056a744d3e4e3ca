/* SPDX-License-Identifier: MIT */
/*
 * System-call names and architectures from libaudit: audit architecture ->
 * libaudit machine -> name, and back. Kept separate so every front end names
 * calls and architectures the same way.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* strace's names for calls its table lacks: syscall_<decimal> or syscall_0x<hex>. */
static int ss_syscall_unnamed(const char *name)
{
	const char *p = name + 8;
	int base = 10;
	long v = 0;

	if (strncmp(name, "syscall_", 8) != 0 || !*p)
		return -1;
	if (p[0] == '0' && p[1] == 'x' && p[2]) {
		base = 16;
		p += 2;
	}
	for (; *p; p++) {
		int d = isdigit((unsigned char)*p) ? *p - '0' :
			base == 16 && isxdigit((unsigned char)*p) ? (tolower((unsigned char)*p) - 'a' + 10) : -1;

		if (d < 0 || v > (INT32_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	return (int)v;
}

int ss_syscall_number(uint32_t arch, const char *name)
{
	int machine, nr;

	if (!name)
		return -1;
	nr = ss_syscall_unnamed(name);
	if (nr >= 0 || !arch)
		return nr;
	machine = audit_elf_to_machine(arch);
	if (machine < 0)
		return -1;
	nr = audit_name_to_syscall(name, machine);
	return nr < 0 ? -1 : nr;
}

int ss_arch_parse(const char *name, uint32_t *arch)
{
	unsigned long v;
	char *end;
	int machine;

	if (!name || !*name)
		return -1;
	if (!strcmp(name, "none") || !strcmp(name, "raw")) {
		*arch = 0;
		return 0;
	}
	machine = audit_name_to_machine(name);
	if (machine >= 0) {
		*arch = audit_machine_to_elf(machine);
		return *arch ? 0 : -1;
	}
	errno = 0;
	v = strtoul(name, &end, 16);
	if (errno || *end || v > UINT32_MAX || audit_elf_to_machine((unsigned int)v) < 0)
		return -1;
	*arch = (uint32_t)v;
	return 0;
}

const char *ss_arch_name(uint32_t arch)
{
	int machine;

	if (!arch)
		return "none";
	/* libaudit calls little-endian arm "armeb": spell it as uname -m would. */
	if (arch == 0x40000028u)
		return "arm";
	machine = audit_elf_to_machine(arch);
	return machine < 0 ? NULL : audit_machine_to_name(machine);
}

uint32_t ss_arch_native(void)
{
	int machine = audit_detect_machine();

	return machine < 0 ? 0 : audit_machine_to_elf(machine);
}
