/* SPDX-License-Identifier: MIT */
/*
 * selfseq score: each trace against a profile, with the paper's measures
 * (mismatches, their maximum, the percentage, anomalous calls) and pH's
 * maximum locality frame count, as a table or JSON lines.
 *
 * A profile is scored offline against its testing set when it is normal
 * and against its training set otherwise (cli_profile_db()).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "input.h"
#include "json.h"

static void score_usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq score [OPTION]... -p PROFILE TRACE...\n"
		"Score traces (files, directories, '-' for stdin) against a profile.\n"
		"\n"
		"  -p, --profile PROFILE   the profile (its testing set if normal, else its training set)\n"
		"  -j, --json              one JSON object per trace and line\n"
		"  -t, --total             also the sums over all traces (trace \"total\")\n"
		"  -c, --per-call          list the calls with missing pairs (position, call, misses)\n"
		"  -l, --lfc-frame N       locality frame for max_lfc, 1..65536 (default: the profile's)\n"
		"  -f, --format FORMAT     auto, unm, adfa, strace or names (default auto)\n"
		"  -a, --arch ARCH         numbering of the calls (must match the profile's)\n"
		"      --on-error ACTION   malformed input: fail (default) or skip\n"
		"  -q, --quiet             no progress line\n"
		"  -h, --help              this help\n");
}

struct score_ctx {
	const struct selfseq_db *db;
	uint32_t arch;
	uint32_t frame;
	int json, per_call;
	FILE *out;
	uint8_t *misses;
	size_t misses_cap;
	/* --total */
	uint64_t calls, mismatches, max_mismatches, anomalous;
	uint32_t max_lfc;
};

static double percent(uint64_t mism, uint64_t max)
{
	return max ? 100.0 * (double)mism / (double)max : 0.0;
}

static void print_row(struct score_ctx *sc, const char *name, uint64_t calls, uint64_t mism,
		      uint64_t max, uint64_t anom, uint32_t max_lfc)
{
	if (sc->json) {
		fputs("{\"trace\":", sc->out);
		json_string(sc->out, name);
		fprintf(sc->out,
			",\"calls\":%llu,\"mismatches\":%llu,\"max_mismatches\":%llu,"
			"\"percent\":%.4f,\"anomalous_calls\":%llu,\"max_lfc\":%u",
			(unsigned long long)calls, (unsigned long long)mism, (unsigned long long)max,
			percent(mism, max), (unsigned long long)anom, max_lfc);
	} else {
		fprintf(sc->out, "%s\t%llu\t%llu\t%llu\t%.2f\t%llu\t%u\n", name,
			(unsigned long long)calls, (unsigned long long)mism, (unsigned long long)max,
			percent(mism, max), (unsigned long long)anom, max_lfc);
	}
}

static void print_per_call(struct score_ctx *sc, const struct trace *t)
{
	char buf[16];
	size_t i;
	int first = 1;

	if (sc->json)
		fputs(",\"per_call\":[", sc->out);
	for (i = 0; i < t->n; i++) {
		const char *name;

		if (!sc->misses[i])
			continue;
		name = cli_call_name(sc->arch, t->calls[i], buf, sizeof(buf));
		if (sc->json) {
			fprintf(sc->out, "%s{\"pos\":%zu,\"call\":", first ? "" : ",", i + 1);
			json_string(sc->out, name);
			fprintf(sc->out, ",\"nr\":%u,\"misses\":%u}", t->calls[i], sc->misses[i]);
		} else {
			fprintf(sc->out, "\t%zu\t%s\t%u\n", i + 1, name, sc->misses[i]);
		}
		first = 0;
	}
	if (sc->json)
		fputc(']', sc->out);
}

static int score_trace(void *ctx, struct trace *t)
{
	struct score_ctx *sc = ctx;
	struct selfseq_score s;
	uint32_t lfc;
	int err;

	err = cli_score(sc->db, t->calls, t->n, sc->frame, &sc->misses, &sc->misses_cap, &s, &lfc);
	if (err) {
		cli_error("%s: cannot score: %s", t->name, selfseq_strerror(err));
		return CLI_EXIT_INPUT;
	}
	print_row(sc, t->name, s.calls, s.mismatches, s.max_mismatches, s.anomalous_calls, lfc);
	if (sc->per_call)
		print_per_call(sc, t);
	if (sc->json)
		fputs("}\n", sc->out);
	sc->calls += s.calls;
	sc->mismatches += s.mismatches;
	sc->max_mismatches += s.max_mismatches;
	sc->anomalous += s.anomalous_calls;
	if (lfc > sc->max_lfc)
		sc->max_lfc = lfc;
	return CLI_EXIT_OK;
}

int cmd_score(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "total", no_argument, NULL, 't' },
		{ "per-call", no_argument, NULL, 'c' },
		{ "lfc-frame", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		INPUT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct score_ctx sc = { .out = stdout };
	struct selfseq_profile *prof;
	struct selfseq_profile_state st;
	struct input_opts in;
	const char *path = NULL;
	int opt, total = 0, rc;

	input_opts_init(&in);
	while ((opt = getopt_long(argc, argv, "p:jtcl:h" INPUT_SHORTOPTS, longopts, NULL)) != -1) {
		int r = input_option(opt, optarg, &in);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case 'p':
			path = optarg;
			break;
		case 'j':
			sc.json = 1;
			break;
		case 't':
			total = 1;
			break;
		case 'c':
			sc.per_call = 1;
			break;
		case 'l':
			if (cli_parse_u32(optarg, 1, SELFSEQ_LFC_FRAME_MAX, "--lfc-frame", &sc.frame))
				return CLI_EXIT_USAGE;
			break;
		case 'h':
			score_usage(stdout);
			return CLI_EXIT_OK;
		default:
			score_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (!path || optind >= argc) {
		cli_error(!path ? "score needs -p PROFILE" : "score needs at least one trace");
		score_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	prof = cli_profile_load(path);
	if (!prof)
		return CLI_EXIT_PROFILE;
	cli_profile_state(prof, &st);
	if (input_arch_from_profile(&in, st.arch, path)) {
		selfseq_profile_free(prof);
		return CLI_EXIT_INPUT;
	}
	in.alphabet = st.alphabet;
	sc.db = cli_profile_db(prof);
	sc.arch = st.arch;
	if (!sc.frame)
		sc.frame = st.lfc_frame ? st.lfc_frame : SELFSEQ_DEFAULT_LFC_FRAME;
	if (!sc.json)
		fputs("trace\tcalls\tmismatches\tmax_mismatches\tpercent\tanomalous_calls\tmax_lfc\n",
		      sc.out);
	rc = input_read(argv + optind, argc - optind, &in, score_trace, &sc);
	if (!rc && total) {
		print_row(&sc, "total", sc.calls, sc.mismatches, sc.max_mismatches, sc.anomalous,
			  sc.max_lfc);
		if (sc.json)
			fputs("}\n", sc.out);
	}
	if (fflush(sc.out) || ferror(sc.out)) {
		cli_error("cannot write the results");
		rc = rc ? rc : CLI_EXIT_SYSTEM;
	}
	free(sc.misses);
	selfseq_profile_free(prof);
	return rc;
}
