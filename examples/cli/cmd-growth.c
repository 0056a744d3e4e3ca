/* SPDX-License-Identifier: MIT */
/*
 * selfseq growth: the database growth curve on its own, as a table
 * ("window calls pairs") and optionally an SVG plot.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "growth.h"
#include "input.h"
#include "svg.h"
#include "tracelist.h"

#define GROWTH_MAX_WINDOWS 31

static void growth_usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq growth [OPTION]... TRACE...\n"
		"Train on the traces in order and print the distinct lookahead pairs\n"
		"against the calls seen ('window calls pairs' lines).\n"
		"\n"
		"  -w, --window LIST       window sizes, e.g. 5,6,9,11 (default 6)\n"
		"  -o, --output SVG        also plot the curves into SVG\n"
		"  -n, --points N          points per curve, 2..100000 (default 500)\n"
		"  -f, --format FORMAT     auto, unm, adfa, strace or names (default auto)\n"
		"  -a, --arch ARCH         numbering of the calls: x86_64, i386, aarch64, ... or none\n"
		"      --on-error ACTION   malformed input: fail (default) or skip\n"
		"  -q, --quiet             no progress line\n"
		"  -h, --help              this help\n");
}

int cmd_growth(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "window", required_argument, NULL, 'w' },
		{ "output", required_argument, NULL, 'o' },
		{ "points", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		INPUT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	uint32_t windows[GROWTH_MAX_WINDOWS] = { 6 }, points = 500;
	struct growth curves[GROWTH_MAX_WINDOWS];
	struct svg_series series[GROWTH_MAX_WINDOWS];
	char labels[GROWTH_MAX_WINDOWS][16];
	struct tracelist tl = { 0 };
	struct input_opts in;
	const char *svg = NULL;
	int opt, nw = 1, i, rc;
	size_t j;

	input_opts_init(&in);
	while ((opt = getopt_long(argc, argv, "w:o:n:h" INPUT_SHORTOPTS, longopts, NULL)) != -1) {
		int r = input_option(opt, optarg, &in);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case 'w':
			nw = cli_parse_list(optarg, SELFSEQ_WINDOW_MIN, SELFSEQ_WINDOW_MAX, "--window",
					    windows, GROWTH_MAX_WINDOWS);
			if (nw < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'o':
			svg = optarg;
			break;
		case 'n':
			if (cli_parse_u32(optarg, 2, 100000, "--points", &points))
				return CLI_EXIT_USAGE;
			break;
		case 'h':
			growth_usage(stdout);
			return CLI_EXIT_OK;
		default:
			growth_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("growth needs at least one trace");
		growth_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	rc = input_read(argv + optind, argc - optind, &in, tracelist_add, &tl);
	memset(curves, 0, sizeof(curves));
	for (i = 0; i < nw && !rc; i++) {
		int err = growth_compute(&tl, windows[i], in.alphabet, points, &curves[i]);

		if (err) {
			cli_error("growth, window %u: %s", windows[i], selfseq_strerror(err));
			rc = CLI_EXIT_SYSTEM;
			break;
		}
		for (j = 0; j < curves[i].n; j++)
			printf("%u\t%.0f\t%.0f\n", windows[i], curves[i].calls[j], curves[i].pairs[j]);
		snprintf(labels[i], sizeof(labels[i]), "window %u", windows[i]);
		series[i] = (struct svg_series){ .label = labels[i], .x = curves[i].calls,
						 .y = curves[i].pairs, .n = curves[i].n };
	}
	if (!rc && svg) {
		struct svg_plot plot = {
			.title = "Database growth",
			.xlabel = "system calls seen",
			.ylabel = "distinct lookahead pairs",
		};

		if (svg_write(svg, &plot, series, (size_t)nw)) {
			cli_error("%s: %s", svg, strerror(errno));
			rc = CLI_EXIT_SYSTEM;
		}
	}
	for (i = 0; i < nw; i++)
		growth_free(&curves[i]);
	tracelist_free(&tl);
	return rc;
}
