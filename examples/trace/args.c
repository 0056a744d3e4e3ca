/* SPDX-License-Identifier: MIT */
/*
 * selfseq-trace's command line: --help (doc/man/selfseq-trace.1 says the
 * same, keep both in step) and option parsing into struct trace_opts.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <selfseq/selfseq.h>

#include "trace.h"

#define DEFAULT_STORE "/var/lib/selfseq/profiles"
#define DEFAULT_RING (8u << 20)

static void usage(FILE *f)
{
	fprintf(f,
"Usage: selfseq-trace [MODE] [OPTION]... -- COMMAND [ARG]...\n"
"       selfseq-trace [MODE] [OPTION]... -p PID[,PID]...\n"
"       selfseq-trace [MODE] [OPTION]... -a [-- COMMAND [ARG]...]\n"
"       selfseq-trace [MODE] [OPTION]... --replay FILE\n"
"Detect anomalous system-call sequences live (lookahead pairs per executable,\n"
"pH's state machine, a locality frame per thread) from raw_syscalls:sys_enter.\n"
"\n"
"Modes:\n"
"  monitor                 pH's whole algorithm: learn, freeze, become normal, test (default)\n"
"  train                   learn only\n"
"  score                   test against the stored profiles; learn and save nothing\n"
"\n"
"What to trace:\n"
"  -- COMMAND [ARG]...     run COMMAND; trace it and its descendants\n"
"  -p, --pid=PID[,PID]     attach to running processes (every thread, and the children\n"
"                          they start from now on); may be repeated\n"
"  -a, --all               trace every process on the system\n"
"  -e, --exe=PATH          track only processes running PATH; may be repeated\n"
"\n"
"Profiles:\n"
"  -s, --store=DIR         profile store (default " DEFAULT_STORE ")\n"
"      --no-store          keep profiles in memory only\n"
"  -w, --window=N          window of new profiles, 2..32 (default 9)\n"
"      --alphabet=N        call numbers new profiles accept, 1..1024 (default 1024)\n"
"      --lfc-frame=N       locality frame of new profiles (default 128)\n"
"      --normal-wait=SEC   time frozen before a profile becomes normal (default 604800)\n"
"      --anomaly-limit=N   pH's anomaly_limit (default 30)\n"
"      --tolerize-limit=N  pH's tolerize_limit (default 12)\n"
"      --normal-factor=N   pH's normal_factor, over 32 (default 128)\n"
"      --max-profiles=N    profiles held at most (default 4096; 0: no limit)\n"
"      --max-processes=N   threads tracked at most (default 65536; 0: no limit)\n"
"      --save-interval=SEC save changed profiles this often (default 300; 0: at exit)\n"
"\n"
"Output and response:\n"
"  -o, --output=FILE       append reports to FILE instead of standard output\n"
"  -t, --text              readable lines instead of JSON\n"
"      --state-events      also report profile state changes (type state)\n"
"      --summary=FORMAT    text, json or none, on standard error at the end (default text)\n"
"  -q, --quiet             same as --summary=none\n"
"  -v, --verbose           list the profiles held in the text summary\n"
"      --delay=MS          stop an anomalous process (SIGSTOP, then SIGCONT) for\n"
"                          2^LFC x MS milliseconds: pH's delay, approximated (monitor only)\n"
"      --max-delay=MS      longest such stop (default 10000)\n"
"\n"
"Tracing:\n"
"  -m, --ring-size=SIZE    ring buffer per CPU, bytes, K or M suffix (default 8M)\n"
"      --poll-ms=MS        longest wait between two reads of the rings (default 100)\n"
"      --record=FILE       also write the raw perf records to FILE\n"
"      --replay=FILE       read such a recording instead of the kernel\n"
"\n"
"  -h, --help              print this help and exit\n"
"  -V, --version           print the version and exit\n"
"\n"
"Exit status: 0 success, 1 anomalies reported, 2 usage error (or COMMAND cannot be run),\n"
"3 a recording or the rings could not be read, 4 a profile could not be saved or the\n"
"store opened, 5 system error, 6 not allowed to trace (root or CAP_PERFMON needed;\n"
"see kernel.perf_event_paranoid).\n");
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("selfseq-trace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Refused access to tracefs: what is needed, and the setting that decides it. */
void die_perm(const char *what)
{
	die(TRACE_EXIT_PERM, "%s: tracing system calls needs root or CAP_PERFMON with read access "
	    "to tracefs (kernel.perf_event_paranoid is %d here; Debian kernels default to 3, which "
	    "refuses every unprivileged user)", what, perf_paranoid());
}

static uint64_t parse_num(const char *s, uint64_t lo, uint64_t hi, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		die(TRACE_EXIT_USAGE, "%s must be a number from %llu to %llu, not '%s'", what,
		    (unsigned long long)lo, (unsigned long long)hi, s ? s : "");
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		die(TRACE_EXIT_USAGE, "%s must be a number from %llu to %llu, not '%s'", what,
		    (unsigned long long)lo, (unsigned long long)hi, s);
	return v;
}

static size_t parse_size(const char *s)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		die(TRACE_EXIT_USAGE, "--ring-size: expected a size such as 4M, not '%s'", s);
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024 * 1024, end++;
	if (errno || *end || v == 0 || v > (1ull << 32) / mul)
		die(TRACE_EXIT_USAGE, "--ring-size: expected a size from 1 to 4096M, not '%s'", s);
	return (size_t)(v * mul);
}

static void add_pids(struct trace_opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;

	if (!copy)
		die(TRACE_EXIT_SYSTEM, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		pid_t *n = realloc(o->pids, (o->npids + 1) * sizeof(*n));

		if (!n)
			die(TRACE_EXIT_SYSTEM, "out of memory");
		o->pids = n;
		o->pids[o->npids++] = (pid_t)parse_num(tok, 1, INT32_MAX, "-p PID");
	}
	free(copy);
}

static void add_exe(struct trace_opts *o, size_t *n, const char *arg)
{
	char real[PATH_MAX];
	char **v;

	if (!realpath(arg, real))
		die(TRACE_EXIT_USAGE, "--exe %s: %s", arg, strerror(errno));
	v = realloc(o->exe_filter, (*n + 2) * sizeof(*v));
	if (!v)
		die(TRACE_EXIT_SYSTEM, "out of memory");
	o->exe_filter = v;
	v[*n] = strdup(real);
	v[++*n] = NULL;
}

enum {
	OPT_NO_STORE = 256, OPT_ALPHABET, OPT_LFC_FRAME, OPT_NORMAL_WAIT, OPT_ANOMALY_LIMIT,
	OPT_TOLERIZE_LIMIT, OPT_NORMAL_FACTOR, OPT_MAX_PROFILES, OPT_MAX_PROCESSES,
	OPT_SAVE_INTERVAL, OPT_STATE_EVENTS, OPT_SUMMARY, OPT_DELAY, OPT_MAX_DELAY, OPT_POLL_MS,
	OPT_RECORD, OPT_REPLAY,
};

void trace_parse_args(int argc, char **argv, struct trace_opts *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "exe", required_argument, NULL, 'e' },
		{ "store", required_argument, NULL, 's' },
		{ "no-store", no_argument, NULL, OPT_NO_STORE },
		{ "window", required_argument, NULL, 'w' },
		{ "alphabet", required_argument, NULL, OPT_ALPHABET },
		{ "lfc-frame", required_argument, NULL, OPT_LFC_FRAME },
		{ "normal-wait", required_argument, NULL, OPT_NORMAL_WAIT },
		{ "anomaly-limit", required_argument, NULL, OPT_ANOMALY_LIMIT },
		{ "tolerize-limit", required_argument, NULL, OPT_TOLERIZE_LIMIT },
		{ "normal-factor", required_argument, NULL, OPT_NORMAL_FACTOR },
		{ "max-profiles", required_argument, NULL, OPT_MAX_PROFILES },
		{ "max-processes", required_argument, NULL, OPT_MAX_PROCESSES },
		{ "save-interval", required_argument, NULL, OPT_SAVE_INTERVAL },
		{ "output", required_argument, NULL, 'o' },
		{ "text", no_argument, NULL, 't' },
		{ "state-events", no_argument, NULL, OPT_STATE_EVENTS },
		{ "summary", required_argument, NULL, OPT_SUMMARY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "delay", required_argument, NULL, OPT_DELAY },
		{ "max-delay", required_argument, NULL, OPT_MAX_DELAY },
		{ "ring-size", required_argument, NULL, 'm' },
		{ "poll-ms", required_argument, NULL, OPT_POLL_MS },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	size_t nexe = 0;
	int no_store = 0, c;

	o->mode = SELFSEQ_MODE_MONITOR;
	o->store_dir = DEFAULT_STORE;
	o->ring_bytes = DEFAULT_RING;
	o->poll_ms = 100;
	o->save_interval_s = 300;
	o->max_delay_ms = 10000;
	o->max_profiles = 4096;
	o->max_processes = 65536;
	o->params.sz = sizeof(o->params);
	o->params.normal_factor = SELFSEQ_DEFAULT_NORMAL_FACTOR;
	o->params.normal_factor_den = SELFSEQ_DEFAULT_NORMAL_FACTOR_DEN;
	o->params.normal_wait_ns = SELFSEQ_DEFAULT_NORMAL_WAIT_NS;
	o->params.anomaly_limit = SELFSEQ_DEFAULT_ANOMALY_LIMIT;
	o->params.tolerize_limit = SELFSEQ_DEFAULT_TOLERIZE_LIMIT;
	o->params.delay_factor = 0;

	if (argc > 1) {
		if (strcmp(argv[1], "monitor") == 0 || strcmp(argv[1], "train") == 0 ||
		    strcmp(argv[1], "score") == 0) {
			o->mode = argv[1][0] == 'm' ? SELFSEQ_MODE_MONITOR :
				  argv[1][0] == 't' ? SELFSEQ_MODE_TRAIN : SELFSEQ_MODE_SCORE;
			argv[1] = argv[0];
			argv++;
			argc--;
		}
	}
	while ((c = getopt_long(argc, argv, "+p:ae:s:w:o:tqvm:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			add_pids(o, optarg);
			break;
		case 'a':
			o->all = 1;
			break;
		case 'e':
			add_exe(o, &nexe, optarg);
			break;
		case 's':
			o->store_dir = optarg;
			break;
		case OPT_NO_STORE:
			no_store = 1;
			break;
		case 'w':
			o->window = (uint32_t)parse_num(optarg, SELFSEQ_WINDOW_MIN, SELFSEQ_WINDOW_MAX,
							"--window");
			break;
		case OPT_ALPHABET:
			o->alphabet = (uint32_t)parse_num(optarg, 1, SELFSEQ_ALPHABET_MAX, "--alphabet");
			break;
		case OPT_LFC_FRAME:
			o->lfc_frame = (uint32_t)parse_num(optarg, 1, SELFSEQ_LFC_FRAME_MAX, "--lfc-frame");
			break;
		case OPT_NORMAL_WAIT:
			o->params.normal_wait_ns = parse_num(optarg, 0, 100ull * 365 * 86400,
							     "--normal-wait") * 1000000000ull;
			break;
		case OPT_ANOMALY_LIMIT:
			o->params.anomaly_limit = (uint32_t)parse_num(optarg, 0, UINT32_MAX,
								      "--anomaly-limit");
			break;
		case OPT_TOLERIZE_LIMIT:
			o->params.tolerize_limit = (uint32_t)parse_num(optarg, 0, UINT32_MAX,
								       "--tolerize-limit");
			break;
		case OPT_NORMAL_FACTOR:
			o->params.normal_factor = (uint32_t)parse_num(optarg, 1, UINT32_MAX,
								      "--normal-factor");
			break;
		case OPT_MAX_PROFILES:
			o->max_profiles = (uint32_t)parse_num(optarg, 0, UINT32_MAX, "--max-profiles");
			break;
		case OPT_MAX_PROCESSES:
			o->max_processes = (uint32_t)parse_num(optarg, 0, UINT32_MAX, "--max-processes");
			break;
		case OPT_SAVE_INTERVAL:
			o->save_interval_s = (unsigned)parse_num(optarg, 0, 86400 * 365, "--save-interval");
			break;
		case 'o':
			o->output = optarg;
			break;
		case 't':
			o->text = 1;
			break;
		case OPT_STATE_EVENTS:
			o->state_events = 1;
			break;
		case OPT_SUMMARY:
			if (strcmp(optarg, "text") == 0)
				o->summary = SUMMARY_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->summary = SUMMARY_JSON;
			else if (strcmp(optarg, "none") == 0)
				o->summary = SUMMARY_NONE;
			else
				die(TRACE_EXIT_USAGE, "--summary must be text, json or none, not '%s'",
				    optarg);
			break;
		case 'q':
			o->summary = SUMMARY_NONE;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_DELAY:
			o->params.delay_factor = (uint32_t)parse_num(optarg, 1, 1000000, "--delay");
			break;
		case OPT_MAX_DELAY:
			o->max_delay_ms = parse_num(optarg, 1, 86400000ull, "--max-delay");
			break;
		case 'm':
			o->ring_bytes = parse_size(optarg);
			break;
		case OPT_POLL_MS:
			o->poll_ms = (unsigned)parse_num(optarg, 1, 10000, "--poll-ms");
			break;
		case OPT_RECORD:
			o->record = optarg;
			break;
		case OPT_REPLAY:
			o->replay = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(TRACE_EXIT_OK);
		case 'V': {
			uint32_t v = selfseq_version();

			printf("selfseq-trace (libselfseq %u.%u.%u)\n", v >> 16, (v >> 8) & 0xff, v & 0xff);
			exit(TRACE_EXIT_OK);
		}
		default:
			fputs("Try 'selfseq-trace --help'.\n", stderr);
			exit(TRACE_EXIT_USAGE);
		}
	}
	if (no_store)
		o->store_dir = NULL;
	if (optind < argc)
		o->command = argv + optind;
	if (o->replay) {
		if (o->command || o->npids || o->all || o->record)
			die(TRACE_EXIT_USAGE, "--replay reads a recording: no COMMAND, -p, -a or --record");
	} else if (!o->command && !o->npids && !o->all) {
		die(TRACE_EXIT_USAGE, "nothing to trace: give -- COMMAND, -p PID or -a "
		    "(try 'selfseq-trace --help')");
	}
	if (o->command && o->npids)
		die(TRACE_EXIT_USAGE, "give either -- COMMAND or -p PID, not both");
	if (o->all && o->npids)
		die(TRACE_EXIT_USAGE, "-a traces everything already: no -p with it");
	if (o->params.delay_factor && o->mode != SELFSEQ_MODE_MONITOR)
		die(TRACE_EXIT_USAGE, "--delay responds to anomalies in monitor mode only");
}
