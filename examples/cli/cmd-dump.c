/* SPDX-License-Identifier: MIT */
/*
 * selfseq dump: the traces as selfseq reads them, one line each, to check
 * what a parser made of an input or to turn any format into numbers.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "input.h"

static void dump_usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq dump [OPTION]... TRACE...\n"
		"Print each trace as read: 'TRACE<TAB>CALLS<TAB>call call ...', with call\n"
		"names when the architecture is known.\n"
		"\n"
		"  -n, --numbers           call numbers instead of names\n"
		"  -f, --format FORMAT     auto, unm, adfa, strace or names (default auto)\n"
		"  -a, --arch ARCH         numbering of the calls: x86_64, i386, aarch64, ... or none\n"
		"      --on-error ACTION   malformed input: fail (default) or skip\n"
		"  -q, --quiet             no progress line\n"
		"  -h, --help              this help\n");
}

struct dump_ctx {
	struct input_opts *in;
	int numbers;
};

static int dump_trace(void *ctx, struct trace *t)
{
	struct dump_ctx *dc = ctx;
	uint32_t arch = dc->numbers || !dc->in->arch_known ? 0 : dc->in->arch;
	char buf[16];
	size_t i;

	printf("%s\t%zu\t", t->name, t->n);
	for (i = 0; i < t->n; i++)
		printf("%s%s", i ? " " : "", cli_call_name(arch, t->calls[i], buf, sizeof(buf)));
	putchar('\n');
	return ferror(stdout) ? CLI_EXIT_SYSTEM : CLI_EXIT_OK;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "numbers", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		INPUT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct input_opts in;
	struct dump_ctx dc = { .in = &in };
	int opt, rc;

	input_opts_init(&in);
	while ((opt = getopt_long(argc, argv, "nh" INPUT_SHORTOPTS, longopts, NULL)) != -1) {
		int r = input_option(opt, optarg, &in);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case 'n':
			dc.numbers = 1;
			break;
		case 'h':
			dump_usage(stdout);
			return CLI_EXIT_OK;
		default:
			dump_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("dump needs at least one trace");
		dump_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	rc = input_read(argv + optind, argc - optind, &in, dump_trace, &dc);
	if (fflush(stdout) && !rc) {
		cli_error("cannot write the output");
		rc = CLI_EXIT_SYSTEM;
	}
	return rc;
}
