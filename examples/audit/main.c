/* SPDX-License-Identifier: MIT */
/*
 * selfseq-audit: learns per-executable profiles from audit SYSCALL records
 * and reports anomalous calls, over audit logs, stdin, or as an auditd
 * plugin. This file: command line, configuration file, signals, and the
 * run from input to summary. See doc/man/selfseq-audit.1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"

#define SS_DEFAULT_STORE "/var/lib/selfseq/profiles"
#define SS_DEFAULT_LOGS "/var/log/audit"
#define SS_DEFAULT_PLUGIN_OUTPUT "/var/log/selfseq/audit-anomalies.jsonl"
#define SS_CONFIG_ARGS_MAX 256

static volatile sig_atomic_t ss_stop, ss_hup;

static void ss_on_signal(int sig)
{
	if (sig == SIGHUP)
		ss_hup = 1;
	else
		ss_stop = 1;
}

static void ss_usage(FILE *f)
{
	fputs("Usage: selfseq-audit COMMAND [OPTION]... [LOG]...\n"
	      "Learn per-executable system-call profiles from Linux audit SYSCALL records\n"
	      "and report anomalous calls (lookahead pairs, pH's state machine).\n"
	      "\n"
	      "Commands:\n"
	      "  train      learn profiles from the calls, report nothing\n"
	      "  monitor    pH: learn, freeze, become normal, report anomalies\n"
	      "  score      test calls against the stored profiles; learn nothing\n"
	      "  extract    print each process's call sequence as JSON lines\n"
	      "  plugin     monitor the records auditd sends a plugin on stdin\n"
	      "  rules      print auditctl rules for chosen programs (see rules --help)\n"
	      "\n"
	      "LOG is an audit log file, a directory of audit.log* files, or - for stdin;\n"
	      "default " SS_DEFAULT_LOGS ". Rotated files (audit.log.N ... audit.log) are\n"
	      "read oldest first. RAW and ENRICHED formats are both read.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --store=DIR           profile store (default " SS_DEFAULT_STORE ")\n"
	      "      --no-store            keep profiles in memory only\n"
	      "  -o, --output=FILE         append reports to FILE (default stdout;\n"
	      "                            plugin: " SS_DEFAULT_PLUGIN_OUTPUT ")\n"
	      "  -t, --text                readable lines instead of JSON\n"
	      "      --state-events        also report profile state changes\n"
	      "      --summary=FORMAT      text, json or none, on stderr (default text)\n"
	      "  -q, --quiet               same as --summary=none\n"
	      "  -w, --window=N            window of new profiles, 2..32 (default 9)\n"
	      "      --alphabet=N          call numbers of new profiles, 1..1024 (default 1024)\n"
	      "      --lfc-frame=N         locality frame of new profiles (default 128)\n"
	      "      --normal-wait=SEC     time frozen before normal (default 604800, a week)\n"
	      "      --anomaly-limit=N     pH's anomaly_limit (default 30)\n"
	      "      --tolerize-limit=N    pH's tolerize_limit (default 12)\n"
	      "      --normal-factor=N     pH's normal_factor, over 32 (default 128)\n"
	      "      --max-profiles=N      profiles held at most (default 4096; 0: no limit)\n"
	      "      --max-processes=N     processes tracked at most (default 65536; 0: no limit)\n"
	      "      --max-names=N         distinct executables remembered (default 65536)\n"
	      "      --save-interval=SEC   save changed profiles this often (default 300; 0: at exit)\n"
	      "      --reorder-window=MS   hold calls this long to restore kernel order (default 2000)\n"
	      "      --eoe-timeout=SEC     complete an event after this much quiet (default 2)\n"
	      "      --pid-timeout=SEC     forget a process silent this long (default 3600; 0: never)\n"
	      "      --warn-max=N          messages per kind of bad input (default 10)\n"
	      "  -c, --config=FILE         read options from FILE (lines: name = value)\n"
	      "  -h, --help                this help\n"
	      "  -V, --version             version\n"
	      "\n"
	      "Exit status: 0 success; 1 anomalies reported (monitor, score, plugin);\n"
	      "2 usage error; 3 an input could not be read; 4 a profile could not be saved.\n",
	      f);
}

enum {
	O_NO_STORE = 256, O_STATE_EVENTS, O_SUMMARY, O_ALPHABET, O_LFC_FRAME, O_NORMAL_WAIT,
	O_ANOMALY_LIMIT, O_TOLERIZE_LIMIT, O_NORMAL_FACTOR, O_MAX_PROFILES, O_MAX_PROCESSES,
	O_MAX_NAMES, O_SAVE_INTERVAL, O_REORDER, O_EOE, O_PID_TIMEOUT, O_WARN_MAX,
};

static const struct option ss_longopts[] = {
	{ "store", required_argument, NULL, 's' },
	{ "no-store", no_argument, NULL, O_NO_STORE },
	{ "output", required_argument, NULL, 'o' },
	{ "text", no_argument, NULL, 't' },
	{ "state-events", no_argument, NULL, O_STATE_EVENTS },
	{ "summary", required_argument, NULL, O_SUMMARY },
	{ "quiet", no_argument, NULL, 'q' },
	{ "window", required_argument, NULL, 'w' },
	{ "alphabet", required_argument, NULL, O_ALPHABET },
	{ "lfc-frame", required_argument, NULL, O_LFC_FRAME },
	{ "normal-wait", required_argument, NULL, O_NORMAL_WAIT },
	{ "anomaly-limit", required_argument, NULL, O_ANOMALY_LIMIT },
	{ "tolerize-limit", required_argument, NULL, O_TOLERIZE_LIMIT },
	{ "normal-factor", required_argument, NULL, O_NORMAL_FACTOR },
	{ "max-profiles", required_argument, NULL, O_MAX_PROFILES },
	{ "max-processes", required_argument, NULL, O_MAX_PROCESSES },
	{ "max-names", required_argument, NULL, O_MAX_NAMES },
	{ "save-interval", required_argument, NULL, O_SAVE_INTERVAL },
	{ "reorder-window", required_argument, NULL, O_REORDER },
	{ "eoe-timeout", required_argument, NULL, O_EOE },
	{ "pid-timeout", required_argument, NULL, O_PID_TIMEOUT },
	{ "warn-max", required_argument, NULL, O_WARN_MAX },
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A decimal number in [min, max], or a usage error naming the option. */
static int ss_num(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "selfseq-audit: --%s: expected a number in %" PRIu64 "..%" PRIu64
			", got '%s'\n", opt, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * --config FILE: each line `name = value` (or a bare `name` for a flag)
 * becomes `--name=value`, placed before the command line's own options so
 * those override it. Returns the number of arguments added, or -1.
 */
static int ss_read_config(const char *path, char **args, int max)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int n = 0;

	if (!f) {
		fprintf(stderr, "selfseq-audit: --config %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char *s = line, *eq, *name, *val = NULL, *e;

		lineno++;
		s[strcspn(s, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		name = s;
		if (eq) {
			*eq = '\0';
			val = eq + 1;
			while (*val == ' ' || *val == '\t')
				val++;
			e = val + strlen(val);
			while (e > val && (e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
		}
		e = name + strlen(name);
		while (e > name && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*name || !strcmp(name, "config") || n == max) {
			fprintf(stderr, "%s:%u: %s\n", path, lineno,
				n == max ? "too many options" : "not an option line");
			goto fail;
		}
		if (asprintf(&args[n], val ? "--%s=%s" : "--%s", name, val) < 0)
			goto fail;
		n++;
	}
	free(line);
	fclose(f);
	return n;
fail:
	while (n > 0)
		free(args[--n]);
	free(line);
	fclose(f);
	return -1;
}

static int ss_parse_cmd(const char *s, enum ss_cmd *cmd)
{
	static const struct {
		const char *name;
		enum ss_cmd cmd;
	} cmds[] = {
		{ "train", SS_CMD_TRAIN }, { "monitor", SS_CMD_MONITOR }, { "score", SS_CMD_SCORE },
		{ "extract", SS_CMD_EXTRACT }, { "plugin", SS_CMD_PLUGIN }, { "rules", SS_CMD_RULES },
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(s, cmds[i].name)) {
			*cmd = cmds[i].cmd;
			return 0;
		}
	return -1;
}

/* Options into @o; returns the index of the first LOG argument, or -1 (exit status in *@status). */
static int ss_parse_opts(int argc, char **argv, struct ss_opts *o, int *status)
{
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:o:tqw:c:hV", ss_longopts, NULL)) != -1) {
		const char *name = NULL;
		int i;

		/* The option's name, for messages. */
		for (i = 0; ss_longopts[i].name; i++)
			if (ss_longopts[i].val == c)
				name = ss_longopts[i].name;
		switch (c) {
		case 's':
			o->store_dir = optarg;
			break;
		case O_NO_STORE:
			o->store_dir = NULL;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 't':
			o->text = 1;
			break;
		case O_STATE_EVENTS:
			o->show_states = 1;
			break;
		case O_SUMMARY:
			if (!strcmp(optarg, "text") || !strcmp(optarg, "json") ||
			    !strcmp(optarg, "none")) {
				o->summary_json = !strcmp(optarg, "json");
				o->quiet = !strcmp(optarg, "none");
				break;
			}
			fprintf(stderr, "selfseq-audit: --summary: text, json or none\n");
			goto usage;
		case 'q':
			o->quiet = 1;
			break;
		case 'c':
			break;	/* read before parsing */
		case 'h':
			ss_usage(stdout);
			*status = SS_EXIT_OK;
			return -1;
		case 'V':
			printf("selfseq-audit (libselfseq %u.%u.%u)\n", selfseq_version() >> 16,
			       selfseq_version() >> 8 & 0xff, selfseq_version() & 0xff);
			*status = SS_EXIT_OK;
			return -1;
		case 'w':
			if (ss_num(name, optarg, SELFSEQ_WINDOW_MIN, SELFSEQ_WINDOW_MAX, &v))
				goto usage;
			o->window = (uint32_t)v;
			break;
		case O_ALPHABET:
			if (ss_num(name, optarg, 1, SELFSEQ_ALPHABET_MAX, &v))
				goto usage;
			o->alphabet = (uint32_t)v;
			break;
		case O_LFC_FRAME:
			if (ss_num(name, optarg, 1, SELFSEQ_LFC_FRAME_MAX, &v))
				goto usage;
			o->lfc_frame = (uint32_t)v;
			break;
		case O_NORMAL_WAIT:
			if (ss_num(name, optarg, 0, UINT64_MAX / 1000000000u, &v))
				goto usage;
			o->params.normal_wait_ns = v * 1000000000u;
			break;
		case O_ANOMALY_LIMIT:
			if (ss_num(name, optarg, 0, UINT32_MAX, &v))
				goto usage;
			o->params.anomaly_limit = (uint32_t)v;
			break;
		case O_TOLERIZE_LIMIT:
			if (ss_num(name, optarg, 0, UINT32_MAX, &v))
				goto usage;
			o->params.tolerize_limit = (uint32_t)v;
			break;
		case O_NORMAL_FACTOR:
			if (ss_num(name, optarg, 1, UINT32_MAX, &v))
				goto usage;
			o->params.normal_factor = (uint32_t)v;
			break;
		case O_MAX_PROFILES:
		case O_MAX_PROCESSES:
		case O_MAX_NAMES:
		case O_WARN_MAX:
			if (ss_num(name, optarg, c == O_MAX_NAMES ? 1 : 0, UINT32_MAX, &v))
				goto usage;
			if (c == O_MAX_PROFILES)
				o->max_profiles = (uint32_t)v;
			else if (c == O_MAX_PROCESSES)
				o->max_processes = (uint32_t)v;
			else if (c == O_MAX_NAMES)
				o->max_names = (uint32_t)v;
			else
				o->warn_max = (uint32_t)v;
			break;
		case O_SAVE_INTERVAL:
			if (ss_num(name, optarg, 0, UINT32_MAX, &v))
				goto usage;
			o->save_interval_s = v;
			break;
		case O_REORDER:
			if (ss_num(name, optarg, 0, 3600000, &v))
				goto usage;
			o->reorder_ms = v;
			break;
		case O_EOE:
			if (ss_num(name, optarg, 1, 3600, &v))
				goto usage;
			o->eoe_timeout_s = (uint32_t)v;
			break;
		case O_PID_TIMEOUT:
			if (ss_num(name, optarg, 0, UINT32_MAX, &v))
				goto usage;
			o->pid_timeout_s = v;
			break;
		default:
			goto usage;
		}
	}
	return optind;
usage:
	fputs("Try 'selfseq-audit --help'.\n", stderr);
	*status = SS_EXIT_USAGE;
	return -1;
}

static void ss_defaults(struct ss_opts *o, enum ss_cmd cmd)
{
	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->store_dir = SS_DEFAULT_STORE;
	o->params.sz = sizeof(o->params);
	o->params.normal_factor = SELFSEQ_DEFAULT_NORMAL_FACTOR;
	o->params.normal_factor_den = SELFSEQ_DEFAULT_NORMAL_FACTOR_DEN;
	o->params.normal_wait_ns = SELFSEQ_DEFAULT_NORMAL_WAIT_NS;
	o->params.anomaly_limit = SELFSEQ_DEFAULT_ANOMALY_LIMIT;
	o->params.tolerize_limit = SELFSEQ_DEFAULT_TOLERIZE_LIMIT;
	o->params.delay_factor = SELFSEQ_DEFAULT_DELAY_FACTOR;
	o->max_profiles = 4096;
	o->max_processes = 65536;
	o->max_names = 65536;
	o->save_interval_s = 300;
	o->reorder_ms = 2000;
	o->eoe_timeout_s = 2;
	o->pid_timeout_s = 3600;
	o->warn_max = 10;
}

/* mkdir -p of the directory of @path (the default plugin output's /var/log/selfseq). */
static void ss_mkdir_parent(const char *path)
{
	char *dir = strdup(path), *slash;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0750);
	}
	free(dir);
}

static int ss_run(struct ss_app *a, char **logs, int nlogs)
{
	struct selfseq_monitor_opts mo = {
		.sz = sizeof(mo),
		.store_dir = a->o.store_dir,
		.mode = a->o.cmd == SS_CMD_TRAIN ? SELFSEQ_MODE_TRAIN :
			a->o.cmd == SS_CMD_SCORE ? SELFSEQ_MODE_SCORE : SELFSEQ_MODE_MONITOR,
		.window = a->o.window,
		.alphabet = a->o.alphabet,
		.lfc_frame = a->o.lfc_frame,
		.params = &a->o.params,
		.max_profiles = a->o.max_profiles,
		.max_processes = a->o.max_processes,
	};
	char *deflt[] = { SS_DEFAULT_LOGS };
	int stdin_only = a->o.cmd == SS_CMD_PLUGIN || (nlogs == 1 && !strcmp(logs[0], "-"));
	int err, i;

	if (a->o.cmd != SS_CMD_EXTRACT) {
		err = selfseq_monitor_new(&mo, &a->mon);
		if (err) {
			fprintf(stderr, "selfseq-audit: profile store %s: %s\n",
				a->o.store_dir ? a->o.store_dir : "(memory)", selfseq_strerror(err));
			return SS_EXIT_INPUT;
		}
	}
	a->names = ss_names_new(a->o.max_names);
	if (!a->names) {
		fprintf(stderr, "selfseq-audit: out of memory\n");
		return SS_EXIT_INPUT;
	}
	ss_reorder_init(&a->reorder, a->o.reorder_ms, 1u << 20);

	if (stdin_only) {
		ss_read_stream(a, STDIN_FILENO, a->o.cmd == SS_CMD_PLUGIN);
	} else {
		char **paths;
		size_t n;

		for (i = 0; i < nlogs; i++)
			if (!strcmp(logs[i], "-")) {
				fprintf(stderr, "selfseq-audit: - (stdin) cannot be mixed with files\n");
				return SS_EXIT_USAGE;
			}
		if (!nlogs) {
			logs = deflt;
			nlogs = 1;
		}
		err = ss_order_logs(logs, (size_t)nlogs, &paths, &n);
		if (err) {
			a->input_failed = 1;
		} else {
			ss_read_files(a, paths, n);
			ss_free_logs(paths, n);
		}
	}
	ss_track_finish(a);
	ss_save_profiles(a, *a->stop ? "signal" : "exit");
	if (!a->o.quiet)
		ss_output_summary(a, stderr);
	if (fflush(a->out) || ferror(a->out)) {
		fprintf(stderr, "selfseq-audit: writing %s: %s\n",
			a->o.output ? a->o.output : "stdout", strerror(errno));
		return SS_EXIT_INPUT;
	}
	if (a->input_failed)
		return SS_EXIT_INPUT;
	if (a->save_failed)
		return SS_EXIT_SAVE;
	if (a->anomalies && a->o.cmd != SS_CMD_TRAIN && a->o.cmd != SS_CMD_EXTRACT)
		return SS_EXIT_ANOMALY;
	return SS_EXIT_OK;
}

int main(int argc, char **argv)
{
	char *cfg[SS_CONFIG_ARGS_MAX];
	char **args = NULL;
	struct sigaction sa;
	struct ss_app a;
	enum ss_cmd cmd;
	int ncfg = 0, nargs, first, status = SS_EXIT_USAGE, i;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		ss_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? SS_EXIT_USAGE : SS_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("selfseq-audit (libselfseq %u.%u.%u)\n", selfseq_version() >> 16,
		       selfseq_version() >> 8 & 0xff, selfseq_version() & 0xff);
		return SS_EXIT_OK;
	}
	if (ss_parse_cmd(argv[1], &cmd)) {
		fprintf(stderr, "selfseq-audit: unknown command '%s'\nTry 'selfseq-audit --help'.\n",
			argv[1]);
		return SS_EXIT_USAGE;
	}
	if (cmd == SS_CMD_RULES)
		return ss_rules_main(argc - 1, argv + 1);

	memset(&a, 0, sizeof(a));
	ss_defaults(&a.o, cmd);
	/* The configuration file first, so the command line overrides it. */
	for (i = 2; i < argc; i++) {
		const char *path = NULL;

		if (!strcmp(argv[i], "--"))
			break;
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
		else if (!strncmp(argv[i], "-c", 2) && argv[i][2])
			path = argv[i] + 2;
		if (path) {
			int n = ss_read_config(path, cfg + ncfg, SS_CONFIG_ARGS_MAX - ncfg);

			if (n < 0)
				goto out;
			ncfg += n;
		}
	}
	nargs = 1 + ncfg + (argc - 2);
	args = calloc((size_t)nargs + 1, sizeof(*args));
	if (!args)
		goto out;
	args[0] = argv[0];
	memcpy(args + 1, cfg, (size_t)ncfg * sizeof(*args));
	memcpy(args + 1 + ncfg, argv + 2, (size_t)(argc - 2) * sizeof(*args));
	first = ss_parse_opts(nargs, args, &a.o, &status);
	if (first < 0)
		goto out;
	if (cmd == SS_CMD_PLUGIN && first < nargs) {
		fprintf(stderr, "selfseq-audit: plugin reads stdin only\n");
		goto out;
	}
	if (cmd == SS_CMD_PLUGIN && !a.o.output)
		a.o.output = SS_DEFAULT_PLUGIN_OUTPUT;
	if (cmd == SS_CMD_EXTRACT)
		a.o.store_dir = NULL;

	a.out = stdout;
	if (a.o.output) {
		if (cmd == SS_CMD_PLUGIN)
			ss_mkdir_parent(a.o.output);
		a.out = fopen(a.o.output, "a");
		if (!a.out) {
			fprintf(stderr, "selfseq-audit: --output %s: %s\n", a.o.output, strerror(errno));
			status = SS_EXIT_INPUT;
			goto out;
		}
	}
	/* No SA_RESTART: a blocked read or poll returns, and the loop sees the flag. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ss_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	a.stop = &ss_stop;
	a.hup = &ss_hup;

	status = ss_run(&a, args + first, nargs - first);

	ss_track_free(&a);
	ss_reorder_free(&a.reorder);
	ss_names_free(a.names);
	selfseq_monitor_free(a.mon);
	if (a.out && a.out != stdout)
		fclose(a.out);
out:
	for (i = 0; i < ncfg; i++)
		free(cfg[i]);
	free(args);
	return status;
}
