/* SPDX-License-Identifier: MIT */
/*
 * selfseq merge: one profile holding the pairs of several (e.g. the same
 * program on many hosts). Each input contributes the pairs it is scored
 * against (its testing set if normal, else its training set); the result
 * starts training with the first input's window, alphabet, architecture,
 * locality frame, parameters and key.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "syscall-names.h"

static void merge_usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq merge [OPTION]... -o OUTPUT PROFILE PROFILE...\n"
		"Write the union of the profiles' pairs as a new profile (in training).\n"
		"\n"
		"  -o, --output OUTPUT     profile file to write (atomically)\n"
		"      --key KEY           key of the result (default: the first profile's)\n"
		"  -h, --help              this help\n");
}

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct selfseq_profile_opts popts = { .sz = sizeof(popts) };
	struct selfseq_params params = { .sz = sizeof(params) };
	struct selfseq_profile_state first = { 0 }, st;
	struct selfseq_profile *out = NULL, *in;
	const char *path = NULL, *key = NULL;
	int opt, i, rc = CLI_EXIT_OK, err;

	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			path = optarg;
			break;
		case 'K':
			key = optarg;
			break;
		case 'h':
			merge_usage(stdout);
			return CLI_EXIT_OK;
		default:
			merge_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (!path || argc - optind < 2) {
		cli_error(!path ? "merge needs -o OUTPUT" : "merge needs at least two profiles");
		merge_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	for (i = optind; i < argc && !rc; i++) {
		in = cli_profile_load(argv[i]);
		if (!in) {
			rc = CLI_EXIT_PROFILE;
			break;
		}
		cli_profile_state(in, &st);
		if (!out) {
			first = st;
			popts.window = st.window;
			popts.alphabet = st.alphabet;
			popts.lfc_frame = st.lfc_frame;
			popts.arch = st.arch;
			err = selfseq_profile_new(&popts, &out);
			if (!err)
				err = selfseq_profile_get_params(in, &params);
			if (!err)
				err = selfseq_profile_set_params(out, &params);
			if (!err && (key || selfseq_profile_get_key(in)))
				err = selfseq_profile_set_key(out, key ? key : selfseq_profile_get_key(in));
			if (err) {
				cli_error("%s: %s", path, selfseq_strerror(err));
				rc = err == -ENOMEM ? CLI_EXIT_SYSTEM : CLI_EXIT_PROFILE;
			}
		} else if (st.arch != first.arch) {
			cli_error("mixed architectures: %s holds %s calls, %s holds %s calls", argv[i],
				  ss_arch_name(st.arch) ? ss_arch_name(st.arch) : "unknown",
				  argv[optind],
				  ss_arch_name(first.arch) ? ss_arch_name(first.arch) : "unknown");
			rc = CLI_EXIT_INPUT;
		} else if (st.window != first.window || st.alphabet != first.alphabet) {
			cli_error("%s has window %u and alphabet %u, %s has window %u and alphabet %u: "
				  "they cannot be merged", argv[i], st.window, st.alphabet, argv[optind],
				  first.window, first.alphabet);
			rc = CLI_EXIT_PROFILE;
		}
		if (!rc) {
			err = selfseq_profile_merge_train(out, cli_profile_db(in));
			if (err) {
				cli_error("%s: cannot merge: %s", argv[i], selfseq_strerror(err));
				rc = err == -ENOMEM ? CLI_EXIT_SYSTEM : CLI_EXIT_PROFILE;
			}
		}
		selfseq_profile_free(in);
	}
	if (!rc && cli_profile_save(out, path))
		rc = CLI_EXIT_PROFILE;
	if (!rc) {
		cli_profile_state(out, &st);
		fprintf(stderr, "%s: %u pairs from %d profiles\n", path, st.train_pairs, argc - optind);
	}
	selfseq_profile_free(out);
	return rc;
}
