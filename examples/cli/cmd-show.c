/* SPDX-License-Identifier: MIT */
/*
 * selfseq show: a profile in readable form, as pH-print-profile printed
 * pH's: the fixed properties, the state and counters, the parameters, and
 * the lookahead pairs of both sets with call names, one line per call:
 * "CALL <- PREV:D,D PREV:D" (PREV was seen D calls before CALL). Profiles
 * come from files or from a profile store by executable path.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <selfseq/selfseq-file.h>

#include "cli.h"
#include "commands.h"
#include "syscall-names.h"

struct show_opts {
	int summary;
	int numbers;
};

static void show_usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq show [OPTION]... PROFILE...\n"
		"       selfseq show --store=DIR [OPTION]... [KEY]...\n"
		"Print profiles: window, alphabet, architecture, state, pH's counters and\n"
		"parameters, and the lookahead pairs of the training and testing sets, one\n"
		"line per call: 'CALL <- PREV:D,...' (PREV was seen D calls before CALL).\n"
		"\n"
		"  -S, --store=DIR   read from the profile store DIR; KEYs are executable\n"
		"                    paths; without KEY, every profile of the store\n"
		"  -s, --summary     no pairs\n"
		"  -n, --numbers     call numbers instead of names\n"
		"  -h, --help        this help\n");
}

static const char *show_state(uint32_t flags)
{
	switch (flags & (SELFSEQ_STATE_FROZEN | SELFSEQ_STATE_NORMAL)) {
	case SELFSEQ_STATE_FROZEN:
		return "frozen (training, waiting to become normal)";
	case SELFSEQ_STATE_NORMAL:
		return "normal (testing)";
	case SELFSEQ_STATE_FROZEN | SELFSEQ_STATE_NORMAL:
		return "normal (testing), training set frozen";
	default:
		return "training";
	}
}

/* A duration in ns, with a readable unit when it is long enough to need one. */
static void show_duration(const char *label, uint64_t ns)
{
	printf("%-17s %" PRIu64 " ns", label, ns);
	if (ns >= 86400ull * 1000000000ull)
		printf(" (%.1f days)", (double)ns / (86400.0 * 1e9));
	else if (ns >= 1000000000ull)
		printf(" (%.1f s)", (double)ns / 1e9);
	putchar('\n');
}

/* normal_time is in the front end's clock; wall-clock values get a date. */
static void show_time(const char *label, uint64_t ns)
{
	char buf[64];
	time_t t;
	struct tm tm;

	printf("%-17s %" PRIu64 " ns", label, ns);
	/* Later than 2001: a wall-clock time, not a monotonic one. */
	if (ns >= 1000000000000000000ull) {
		t = (time_t)(ns / 1000000000ull);
		if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
			printf(" (%s)", buf);
	}
	putchar('\n');
}

static const char *show_name(const struct show_opts *o, uint32_t arch, uint32_t call, char *buf,
			     size_t len)
{
	if (o->numbers) {
		snprintf(buf, len, "%u", call);
		return buf;
	}
	return cli_call_name(arch, call, buf, len);
}

/* One line per call with a row: its predecessors and their distances. */
static void show_pairs(const struct show_opts *o, const char *what, const struct selfseq_db *db,
		       uint32_t arch)
{
	struct selfseq_pair pair;
	uint64_t cursor = 0;
	uint32_t row = UINT32_MAX, d;
	char b1[32], b2[32];
	const char *sep;

	printf("%s: %u calls, %u pairs\n", what, selfseq_db_get_calls(db), selfseq_db_get_pairs(db));
	if (o->summary)
		return;
	while (selfseq_db_next_pair(db, &cursor, &pair) == 0) {
		if (pair.call != row) {
			if (row != UINT32_MAX)
				putchar('\n');
			row = pair.call;
			printf("  %-16s <-", show_name(o, arch, pair.call, b1, sizeof(b1)));
		}
		printf(" %s", show_name(o, arch, pair.prev, b2, sizeof(b2)));
		sep = ":";
		for (d = 1; d <= 32; d++)
			if (pair.distances & (1u << (d - 1))) {
				printf("%s%u", sep, d);
				sep = ",";
			}
	}
	if (row != UINT32_MAX)
		putchar('\n');
}

static void show_profile(const struct show_opts *o, const char *source,
			 const struct selfseq_profile *p)
{
	struct selfseq_params pp = { .sz = sizeof(pp) };
	struct selfseq_profile_state st;
	const char *key = selfseq_profile_get_key(p), *arch;

	cli_profile_state(p, &st);
	selfseq_profile_get_params(p, &pp);
	arch = st.arch ? ss_arch_name(st.arch) : "none";
	printf("profile:          %s\n", source);
	printf("key:              %s\n", key ? key : "(none)");
	printf("window:           %u (lookahead %u)\n", st.window, st.window - 1);
	printf("alphabet:         %u\n", st.alphabet);
	printf("architecture:     %s (0x%08x)\n", arch ? arch : "unknown", st.arch);
	printf("locality frame:   %u\n", st.lfc_frame);
	printf("state:            %s\n", show_state(st.flags));
	printf("count:            %" PRIu64 "\n", st.count);
	printf("train_count:      %" PRIu64 "\n", st.train_count);
	printf("last_mod_count:   %" PRIu64 "\n", st.last_mod_count);
	printf("sequences:        %" PRIu64 "\n", st.sequences);
	printf("anomalies:        %" PRIu64 "\n", st.anomalies);
	show_time("normal_time:", st.normal_time_ns);
	printf("normal_factor:    %u/%u\n", pp.normal_factor, pp.normal_factor_den);
	show_duration("normal_wait:", pp.normal_wait_ns);
	printf("anomaly_limit:    %u\n", pp.anomaly_limit);
	printf("tolerize_limit:   %u\n", pp.tolerize_limit);
	printf("delay_factor:     %u%s\n", pp.delay_factor, pp.delay_factor ? "" : " (responses off)");
	show_pairs(o, "training set", selfseq_profile_get_train(p), st.arch);
	show_pairs(o, "testing set", selfseq_profile_get_test(p), st.arch);
}

struct show_store {
	const struct show_opts *o;
	struct selfseq_store *store;
	const char *dir;
	int shown;
	int failed;
};

static int show_key(const char *key, void *ctx)
{
	struct show_store *s = ctx;
	struct selfseq_profile *p;
	char source[4200];
	int err = selfseq_store_load(s->store, key, NULL, &p);

	if (err) {
		cli_error("%s: %s: cannot load profile: %s", s->dir, key,
			  err == -ENOENT || err == -EACCES ? strerror(-err) : selfseq_strerror(err));
		s->failed = 1;
		return 0;
	}
	snprintf(source, sizeof(source), "%s (store %s)", key, s->dir);
	if (s->shown++)
		putchar('\n');
	show_profile(s->o, source, p);
	selfseq_profile_free(p);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 'S' },
		{ "summary", no_argument, NULL, 's' },
		{ "numbers", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct show_opts o = { 0, 0 };
	struct show_store ss = { .o = &o };
	struct selfseq_profile *p;
	const char *store = NULL;
	int opt, i, err, failed = 0;

	while ((opt = getopt_long(argc, argv, "S:snh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'S':
			store = optarg;
			break;
		case 's':
			o.summary = 1;
			break;
		case 'n':
			o.numbers = 1;
			break;
		case 'h':
			show_usage(stdout);
			return CLI_EXIT_OK;
		default:
			show_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (!store && optind == argc) {
		cli_error("show needs a profile");
		show_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (store) {
		err = selfseq_store_open(store, 0, &ss.store);
		if (err) {
			cli_error("%s: cannot open profile store: %s", store,
				  err == -ENOENT || err == -ENOTDIR ? strerror(-err) :
								     selfseq_strerror(err));
			return CLI_EXIT_PROFILE;
		}
		ss.dir = store;
		if (optind == argc) {
			err = selfseq_store_list(ss.store, show_key, &ss);
			if (err < 0) {
				cli_error("%s: cannot list profile store: %s", store, strerror(-err));
				ss.failed = 1;
			}
		}
		for (i = optind; i < argc; i++)
			show_key(argv[i], &ss);
		selfseq_store_close(ss.store);
		failed = ss.failed;
	} else {
		for (i = optind; i < argc; i++) {
			p = cli_profile_load(argv[i]);
			if (!p) {
				failed = 1;
				continue;
			}
			if (i > optind)
				putchar('\n');
			show_profile(&o, argv[i], p);
			selfseq_profile_free(p);
		}
	}
	if (fflush(stdout) || ferror(stdout)) {
		cli_error("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_SYSTEM;
	}
	return failed ? CLI_EXIT_PROFILE : CLI_EXIT_OK;
}
