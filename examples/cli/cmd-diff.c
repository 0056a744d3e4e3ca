/* SPDX-License-Identifier: MIT */
/*
 * selfseq diff: the lookahead pairs one profile has and the other lacks,
 * in both directions, like diff(1): "<" only in the first, ">" only in the
 * second, exit status 1 when they differ. Each profile contributes the
 * pairs it is scored against (testing set if normal, else training set).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "syscall-names.h"

static void diff_usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq diff [OPTION]... PROFILE1 PROFILE2\n"
		"List the lookahead pairs in one profile and not the other:\n"
		"'< PREV +D CALL' only in PROFILE1, '> PREV +D CALL' only in PROFILE2\n"
		"(CALL was seen D calls after PREV).\n"
		"\n"
		"  -s, --summary           only the counts\n"
		"  -h, --help              this help\n");
}

/* Print the pairs of @db with @mark; returns how many triples it holds. */
static uint64_t diff_print(const struct selfseq_db *db, char mark, uint32_t arch, int print)
{
	struct selfseq_pair pair;
	uint64_t cursor = 0, n = 0;
	char b1[16], b2[16];

	while (selfseq_db_next_pair(db, &cursor, &pair) == 0) {
		uint32_t d;

		for (d = 1; d <= 32; d++) {
			if (!(pair.distances & (1u << (d - 1))))
				continue;
			n++;
			if (print)
				printf("%c %s +%u %s\n", mark, cli_call_name(arch, pair.prev, b1, sizeof(b1)),
				       d, cli_call_name(arch, pair.call, b2, sizeof(b2)));
		}
	}
	return n;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "summary", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct selfseq_db_opts dopts = { .sz = sizeof(dopts) };
	struct selfseq_profile *a = NULL, *b = NULL;
	struct selfseq_profile_state sa, sb;
	struct selfseq_db *only_a = NULL, *only_b = NULL;
	uint64_t na, nb;
	int opt, summary = 0, rc = CLI_EXIT_OK, err;

	while ((opt = getopt_long(argc, argv, "sh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			summary = 1;
			break;
		case 'h':
			diff_usage(stdout);
			return CLI_EXIT_OK;
		default:
			diff_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		cli_error("diff needs two profiles");
		diff_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	a = cli_profile_load(argv[optind]);
	b = a ? cli_profile_load(argv[optind + 1]) : NULL;
	if (!a || !b) {
		rc = CLI_EXIT_PROFILE;
		goto done;
	}
	cli_profile_state(a, &sa);
	cli_profile_state(b, &sb);
	if (sa.arch != sb.arch) {
		cli_error("mixed architectures: %s holds %s calls, %s holds %s calls", argv[optind],
			  ss_arch_name(sa.arch) ? ss_arch_name(sa.arch) : "unknown", argv[optind + 1],
			  ss_arch_name(sb.arch) ? ss_arch_name(sb.arch) : "unknown");
		rc = CLI_EXIT_INPUT;
		goto done;
	}
	if (sa.window != sb.window || sa.alphabet != sb.alphabet) {
		cli_error("%s has window %u, %s has window %u: pairs of different windows do not compare",
			  argv[optind], sa.window, argv[optind + 1], sb.window);
		rc = CLI_EXIT_PROFILE;
		goto done;
	}
	dopts.window = sa.window;
	dopts.alphabet = sa.alphabet;
	err = selfseq_db_new(&dopts, &only_a);
	if (!err)
		err = selfseq_db_new(&dopts, &only_b);
	if (!err)
		err = selfseq_db_diff(only_a, cli_profile_db(a), cli_profile_db(b));
	if (!err)
		err = selfseq_db_diff(only_b, cli_profile_db(b), cli_profile_db(a));
	if (err) {
		cli_error("%s", selfseq_strerror(err));
		rc = err == -ENOMEM ? CLI_EXIT_SYSTEM : CLI_EXIT_PROFILE;
		goto done;
	}
	na = diff_print(only_a, '<', sa.arch, !summary);
	nb = diff_print(only_b, '>', sa.arch, !summary);
	printf("# %s: %u pairs, %llu only there; %s: %u pairs, %llu only there\n", argv[optind],
	       selfseq_db_get_pairs(cli_profile_db(a)), (unsigned long long)na, argv[optind + 1],
	       selfseq_db_get_pairs(cli_profile_db(b)), (unsigned long long)nb);
	rc = na || nb ? CLI_EXIT_DIFFER : CLI_EXIT_OK;
done:
	selfseq_db_free(only_a);
	selfseq_db_free(only_b);
	selfseq_profile_free(a);
	selfseq_profile_free(b);
	return rc;
}
