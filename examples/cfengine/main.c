/* SPDX-License-Identifier: MIT */
/*
 * selfseq-cfengine: command line. The default command speaks CFEngine's
 * module protocol; the others serve cf-monitord, acknowledge a response,
 * and show, export or plot the statistics (doc/man/selfseq-cfengine.1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfengine.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: selfseq-cfengine [COMMAND] [OPTIONS]\n"
"Joins selfseq's anomaly reports to CFEngine: classes and variables for cf-agent\n"
"(module protocol), numbers for cf-monitord, and time-of-week statistics.\n"
"\n"
"Commands:\n"
"  module                  read new anomaly lines, update the statistics, print\n"
"                          module protocol lines for cf-agent (default)\n"
"  measure                 the same reading; print SERIES=VALUE lines for a\n"
"                          cf-monitord measurements promise\n"
"  ack                     acknowledge the anomalies a module run reported (--token)\n"
"  show                    print every series' latest value and classification\n"
"  export                  write a series' weekly model as CSV (--series)\n"
"  plot                    draw a series' weekly mean with +/- 1 sigma bars as SVG\n"
"  add                     add one value to a series (--series, --value, --time)\n"
"\n"
"Input and state:\n"
"  -e, --events FILE       anomaly JSON lines appended by selfseq-audit or\n"
"                          selfseq-trace (default " DEFAULT_EVENTS ")\n"
"  -s, --state FILE        statistics state (default " DEFAULT_STATE ");\n"
"                          locked through FILE.lock while in use\n"
"      --max-read BYTES    read at most this much of the events file per run\n"
"                          (default 64M; K, M, G suffixes)\n"
"      --now SECONDS       the time of this run, seconds since the epoch (default: now)\n"
"\n"
"Statistics (used when the state is created):\n"
"      --slot SECONDS      slot length, dividing a week, >= 60 (default 300)\n"
"      --ageing W          weight of the week before, 0 < W <= 1 (default 0.7)\n"
"      --sigma-floor S     floor of the deviation's denominator (default 1)\n"
"      --min-weight W      history a slot needs before it classifies (default 1)\n"
"      --max-series N      most series kept, 1..4096 (default 256)\n"
"      --no-per-exe        count only the total, not one series per executable\n"
"\n"
"Output:\n"
"  -p, --prefix NAME       prefix of classes and variables (default selfseq)\n"
"      --context NAME      variable context for the module protocol (default selfseq)\n"
"      --no-exe-check      list anomalous pids without checking /proc/PID/exe\n"
"  -t, --token TOKEN       ack: the module's <prefix>_ack_token value\n"
"  -S, --series NAME       export, plot, add: the series; measure: only this one\n"
"  -o, --output FILE       export, plot: where to write (default standard output)\n"
"      --title TEXT        plot: title\n"
"      --scale N           measure: multiply values by N (default 1)\n"
"      --value N           add: the value\n"
"      --time SECONDS      add: when it was seen (default: --now)\n"
"\n"
"  -h, --help              this help\n"
"  -V, --version           versions of the program and the library\n"
"\n"
"Exit status: 0 success (module: also when its classes report an error), 2 usage,\n"
"3 state file unreadable or unwritable, 4 events file unreadable (measure),\n"
"5 ack token for another events file.\n");
}

static void die_usage(const char *fmt, const char *arg)
	__attribute__((format(printf, 1, 0), noreturn));

static void die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "selfseq-cfengine: ");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fprintf(stderr, "\nTry 'selfseq-cfengine --help'.\n");
	exit(EXIT_USAGE);
}

static int64_t parse_i64(const char *s, int64_t lo, int64_t hi, const char *what)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "selfseq-cfengine: %s must be an integer from %lld to %lld, not '%s'\n",
			what, (long long)lo, (long long)hi, s);
		exit(EXIT_USAGE);
	}
	return v;
}

/* A decimal in (0, max] as millionths. */
static uint64_t parse_micro(const char *s, double max, const char *what)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > max) {
		fprintf(stderr, "selfseq-cfengine: %s must be a number above 0 and at most %g, not '%s'\n",
			what, max, s);
		exit(EXIT_USAGE);
	}
	v = round(v * SELFSEQ_STATS_MICRO);
	return v < 1 ? 1 : (uint64_t)v;
}

static uint64_t parse_size(const char *s)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		mul = 1ull << 10;
	else if (*end == 'M' || *end == 'm')
		mul = 1ull << 20;
	else if (*end == 'G' || *end == 'g')
		mul = 1ull << 30;
	if (mul > 1)
		end++;
	if (errno || end == s || *end || s[0] == '-' || !v || v > (1ull << 40) / mul)
		die_usage("--max-read must be a size from 1 to 1T, not '%s'", s);
	return v * mul;
}

int main(int argc, char **argv)
{
	enum { O_MAX_READ = 256, O_NOW, O_SLOT, O_AGEING, O_FLOOR, O_MIN_WEIGHT, O_MAX_SERIES,
	       O_NO_PER_EXE, O_CONTEXT, O_NO_EXE_CHECK, O_TITLE, O_SCALE, O_VALUE, O_TIME };
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, 'e' },
		{ "state", required_argument, NULL, 's' },
		{ "max-read", required_argument, NULL, O_MAX_READ },
		{ "now", required_argument, NULL, O_NOW },
		{ "slot", required_argument, NULL, O_SLOT },
		{ "ageing", required_argument, NULL, O_AGEING },
		{ "sigma-floor", required_argument, NULL, O_FLOOR },
		{ "min-weight", required_argument, NULL, O_MIN_WEIGHT },
		{ "max-series", required_argument, NULL, O_MAX_SERIES },
		{ "no-per-exe", no_argument, NULL, O_NO_PER_EXE },
		{ "prefix", required_argument, NULL, 'p' },
		{ "context", required_argument, NULL, O_CONTEXT },
		{ "no-exe-check", no_argument, NULL, O_NO_EXE_CHECK },
		{ "token", required_argument, NULL, 't' },
		{ "series", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, O_TITLE },
		{ "scale", required_argument, NULL, O_SCALE },
		{ "value", required_argument, NULL, O_VALUE },
		{ "time", required_argument, NULL, O_TIME },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		const char *name;
		int (*fn)(const struct opts *);
	} commands[] = {
		{ "module", cmd_module }, { "measure", cmd_measure }, { "ack", cmd_ack },
		{ "show", cmd_show }, { "export", cmd_export }, { "plot", cmd_plot },
		{ "add", cmd_add },
	};
	struct opts o = {
		.command = "module",
		.events = DEFAULT_EVENTS,
		.state = DEFAULT_STATE,
		.prefix = "selfseq",
		.context = "selfseq",
		.now = (int64_t)time(NULL),
		.time = INT64_MIN,
		.max_read = 64ull << 20,
		.scale = 1,
		.per_exe = 1,
		.exe_check = 1,
		.stats_opts = { .sz = sizeof(struct selfseq_stats_opts) },
	};
	char canon[128];
	int c, rc;

	if (argc > 1 && argv[1][0] != '-') {
		o.command = argv[1];
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "e:s:p:t:S:o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': o.events = optarg; break;
		case 's': o.state = optarg; break;
		case O_MAX_READ: o.max_read = parse_size(optarg); break;
		case O_NOW:
			o.now = parse_i64(optarg, 0, (int64_t)1 << 40, "--now");
			break;
		case O_SLOT:
			o.stats_opts.slot_seconds = (uint32_t)parse_i64(optarg, SELFSEQ_STATS_MIN_SLOT_SECONDS,
									SELFSEQ_STATS_WEEK_SECONDS, "--slot");
			if (SELFSEQ_STATS_WEEK_SECONDS % o.stats_opts.slot_seconds)
				die_usage("--slot must divide a week (604800 s), not '%s'", optarg);
			break;
		case O_AGEING:
			o.stats_opts.ageing_ppm = (uint32_t)parse_micro(optarg, 1.0, "--ageing");
			break;
		case O_FLOOR:
			o.stats_opts.sigma_floor_micro = parse_micro(optarg, 1e9, "--sigma-floor");
			break;
		case O_MIN_WEIGHT:
			o.stats_opts.min_weight_micro = parse_micro(optarg, 1e9, "--min-weight");
			break;
		case O_MAX_SERIES:
			o.stats_opts.max_series = (uint32_t)parse_i64(optarg, 1, SELFSEQ_STATS_MAX_SERIES,
								      "--max-series");
			break;
		case O_NO_PER_EXE: o.per_exe = 0; break;
		case 'p':
		case O_CONTEXT:
			canonify(canon, sizeof(canon), optarg);
			if (!*optarg || strcmp(canon, optarg) || strlen(optarg) > 50)
				die_usage("a prefix or context is 1 to 50 of [A-Za-z0-9_], not '%s'",
					  optarg);
			if (c == 'p')
				o.prefix = optarg;
			else
				o.context = optarg;
			break;
		case O_NO_EXE_CHECK: o.exe_check = 0; break;
		case 't': o.token = optarg; break;
		case 'S': o.series = optarg; break;
		case 'o': o.output = optarg; break;
		case O_TITLE: o.title = optarg; break;
		case O_SCALE:
			o.scale = (uint32_t)parse_i64(optarg, 1, 1000000, "--scale");
			break;
		case O_VALUE:
			o.value = parse_i64(optarg, INT64_MIN / 2, INT64_MAX / 2, "--value");
			o.have_value = 1;
			break;
		case O_TIME:
			o.time = parse_i64(optarg, -((int64_t)1 << 40), (int64_t)1 << 40, "--time");
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V': {
			uint32_t v = selfseq_version();

			printf("selfseq-cfengine %d.%d.%d (libselfseq %u.%u.%u)\n", SELFSEQ_VERSION_MAJOR,
			       SELFSEQ_VERSION_MINOR, SELFSEQ_VERSION_MICRO, v >> 16, (v >> 8) & 0xff,
			       v & 0xff);
			return EXIT_OK;
		}
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (o.time == INT64_MIN)
		o.time = o.now;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(o.command, commands[i].name)) {
			rc = commands[i].fn(&o);
			return rc;
		}
	}
	die_usage("unknown command '%s'", o.command);
	return EXIT_USAGE;
}
