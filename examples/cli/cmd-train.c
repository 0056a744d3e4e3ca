/* SPDX-License-Identifier: MIT */
/*
 * selfseq train: every trace's lookahead pairs into a pair database, then
 * into a profile's training set, saved atomically. --append extends an
 * existing profile (same window and architecture).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <selfseq/selfseq-file.h>

#include "cli.h"
#include "commands.h"
#include "input.h"
#include "syscall-names.h"

static void train_usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq train [OPTION]... -o PROFILE TRACE...\n"
		"Build a profile from normal traces (files, directories, '-' for stdin).\n"
		"\n"
		"  -o, --output PROFILE    profile file to write (atomically)\n"
		"  -w, --window N          window size, 2..32 (default 9, pH's; the paper used 6)\n"
		"      --append            add to PROFILE if it exists (its window and architecture)\n"
		"      --key KEY           record KEY (e.g. the executable's path) in the profile\n"
		"  -f, --format FORMAT     auto, unm, adfa, strace or names (default auto)\n"
		"  -a, --arch ARCH         numbering of the calls: x86_64, i386, aarch64, ... or none\n"
		"      --on-error ACTION   malformed input: fail (default) or skip\n"
		"  -q, --quiet             no progress line and no summary\n"
		"  -h, --help              this help\n");
}

struct train_ctx {
	struct selfseq_db *db;
	uint64_t traces;
};

static int train_trace(void *ctx, struct trace *t)
{
	struct train_ctx *tc = ctx;
	int err = selfseq_db_add(tc->db, t->calls, t->n);

	if (err) {
		cli_error("%s: cannot add the trace: %s", t->name, selfseq_strerror(err));
		return err == -ENOMEM ? CLI_EXIT_SYSTEM : CLI_EXIT_INPUT;
	}
	tc->traces++;
	return CLI_EXIT_OK;
}

int cmd_train(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "window", required_argument, NULL, 'w' },
		{ "append", no_argument, NULL, 'A' },
		{ "key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		INPUT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct selfseq_profile_opts popts = { .sz = sizeof(popts) };
	struct selfseq_db_opts dopts = { .sz = sizeof(dopts) };
	struct selfseq_profile *prof = NULL;
	struct selfseq_profile_state st;
	struct train_ctx tc = { 0 };
	struct input_opts in;
	const char *out = NULL, *key = NULL;
	uint32_t window = 0, before = 0;
	int opt, append = 0, rc, err;

	input_opts_init(&in);
	while ((opt = getopt_long(argc, argv, "o:w:h" INPUT_SHORTOPTS, longopts, NULL)) != -1) {
		int r = input_option(opt, optarg, &in);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'w':
			if (cli_parse_u32(optarg, SELFSEQ_WINDOW_MIN, SELFSEQ_WINDOW_MAX, "--window",
					  &window))
				return CLI_EXIT_USAGE;
			break;
		case 'A':
			append = 1;
			break;
		case 'K':
			key = optarg;
			break;
		case 'h':
			train_usage(stdout);
			return CLI_EXIT_OK;
		default:
			train_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (!out || optind >= argc) {
		cli_error(!out ? "train needs -o PROFILE" : "train needs at least one trace");
		train_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (append && access(out, F_OK) == 0) {
		prof = cli_profile_load(out);
		if (!prof)
			return CLI_EXIT_PROFILE;
		cli_profile_state(prof, &st);
		if (window && window != st.window) {
			cli_error("%s has window %u; --window %u cannot be appended to it", out,
				  st.window, window);
			rc = CLI_EXIT_PROFILE;
			goto done;
		}
		window = st.window;
		in.alphabet = st.alphabet;
		before = st.train_pairs;
		if (input_arch_from_profile(&in, st.arch, out)) {
			rc = CLI_EXIT_INPUT;
			goto done;
		}
	}
	dopts.window = window ? window : SELFSEQ_DEFAULT_WINDOW;
	dopts.alphabet = in.alphabet;
	err = selfseq_db_new(&dopts, &tc.db);
	if (err) {
		cli_error("cannot create a pair database: %s", selfseq_strerror(err));
		rc = CLI_EXIT_SYSTEM;
		goto done;
	}
	rc = input_read(argv + optind, argc - optind, &in, train_trace, &tc);
	if (rc)
		goto done;
	if (!prof) {
		popts.window = dopts.window;
		popts.alphabet = dopts.alphabet;
		popts.arch = in.arch_known ? in.arch : 0;
		err = selfseq_profile_new(&popts, &prof);
		if (err) {
			cli_error("cannot create a profile: %s", selfseq_strerror(err));
			rc = CLI_EXIT_SYSTEM;
			goto done;
		}
	}
	err = selfseq_profile_merge_train(prof, tc.db);
	if (!err && key)
		err = selfseq_profile_set_key(prof, key);
	if (err) {
		cli_error("%s: %s", out, selfseq_strerror(err));
		rc = err == -ENOMEM ? CLI_EXIT_SYSTEM : CLI_EXIT_PROFILE;
		goto done;
	}
	if (cli_profile_save(prof, out)) {
		rc = CLI_EXIT_PROFILE;
		goto done;
	}
	cli_profile_state(prof, &st);
	if (in.progress)
		fprintf(stderr,
			"%s: %llu traces, %llu calls: %u pairs (%u new) over %u distinct calls, "
			"window %u, architecture %s\n",
			out, (unsigned long long)tc.traces, (unsigned long long)in.calls,
			st.train_pairs, st.train_pairs - before,
			selfseq_db_get_calls(selfseq_profile_get_train(prof)), st.window,
			ss_arch_name(st.arch) ? ss_arch_name(st.arch) : "unknown");
done:
	selfseq_db_free(tc.db);
	selfseq_profile_free(prof);
	return rc;
}
