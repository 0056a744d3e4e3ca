/* SPDX-License-Identifier: MIT */
/*
 * The options every command that reads traces shares: --format, --arch,
 * --on-error and --quiet, and how --arch meets a profile's architecture.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "syscall-names.h"

void input_opts_init(struct input_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = FMT_AUTO;
	o->alphabet = SELFSEQ_DEFAULT_ALPHABET;
	o->progress = 1;
}

int input_option(int opt, const char *arg, struct input_opts *o)
{
	switch (opt) {
	case 'f':
		if (input_format_parse(arg, &o->format)) {
			cli_error("unknown format '%s' (auto, unm, adfa, strace or names)", arg);
			return -1;
		}
		return 1;
	case 'a':
		if (ss_arch_parse(arg, &o->arch)) {
			cli_error("unknown architecture '%s' (x86_64, i386, aarch64, arm, ppc64le, "
				  "s390x, ... or none)", arg);
			return -1;
		}
		o->arch_known = 1;
		return 1;
	case INPUT_OPT_ON_ERROR:
		if (input_on_error_parse(arg, o)) {
			cli_error("--on-error takes 'skip' or 'fail', not '%s'", arg);
			return -1;
		}
		return 1;
	case 'q':
		o->progress = 0;
		return 1;
	default:
		return 0;
	}
}

int input_arch_from_profile(struct input_opts *o, uint32_t arch, const char *path)
{
	if (o->arch_known && o->arch != arch) {
		cli_error("mixed architectures: %s holds %s calls, but --arch says %s", path,
			  ss_arch_name(arch) ? ss_arch_name(arch) : "unknown",
			  ss_arch_name(o->arch) ? ss_arch_name(o->arch) : "unknown");
		return -1;
	}
	o->arch = arch;
	o->arch_known = 1;
	return 0;
}
