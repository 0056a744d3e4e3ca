/* SPDX-License-Identifier: MIT */
/*
 * selfseq-trace: live system-call anomaly detection from the
 * raw_syscalls:sys_enter tracepoint, read with perf_event_open. Options,
 * setup (tracefs, formats, monitor, the traced command), and the summary.
 * The loop is in loop.c; doc/man/selfseq-trace.1 is the manual.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <selfseq/selfseq.h>

#include "proc.h"
#include "syscall-names.h"
#include "tracefs.h"
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

static void die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
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
static void die_perm(const char *what) __attribute__((noreturn));

static void die_perm(const char *what)
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

static void parse_args(int argc, char **argv, struct trace_opts *o)
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

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		trace_child_exited = 1;
	else if (sig == SIGHUP)
		trace_save_now = 1;
	else
		trace_stop = 1;
}

/* Block the signals we handle; the loop unblocks them only inside ppoll(). */
static void setup_signals(sigset_t *old)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, old);
}

/*
 * COMMAND as an absolute path, searched in PATH like execvp(): the exec
 * event then names a file that can be resolved even after a short-lived
 * command has exited (and /proc/PID/exe with it).
 */
static char *find_command(const char *cmd)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX], cwd[PATH_MAX];

	if (strchr(cmd, '/')) {
		if (cmd[0] == '/')
			return strdup(cmd);
		if (!getcwd(cwd, sizeof(cwd)) ||
		    (size_t)snprintf(buf, sizeof(buf), "%s/%s", cwd, cmd) >= sizeof(buf))
			return strdup(cmd);
		return strdup(buf);
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		struct stat st;
		size_t len;

		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0 || (size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, p, cmd) >= sizeof(buf))
			continue;
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0) {
			if (buf[0] != '/' && getcwd(cwd, sizeof(cwd))) {
				char abs[PATH_MAX * 2];

				snprintf(abs, sizeof(abs), "%s/%s", cwd, buf);
				return strdup(abs);
			}
			return strdup(buf);
		}
	}
	return strdup(cmd);	/* execv fails and says why */
}

/*
 * Fork the command, stopped before execve until the events exist: the
 * child waits on a pipe. A second pipe (close-on-exec) carries execvp's
 * errno back if it fails.
 */
static pid_t spawn_command(char **cmd, const sigset_t *oldmask, int *go_fd, int *err_fd)
{
	char *file = find_command(cmd[0]);
	int go[2], er[2];
	pid_t pid;

	if (!file)
		die(TRACE_EXIT_SYSTEM, "out of memory");
	if (pipe2(go, O_CLOEXEC) || pipe2(er, O_CLOEXEC))
		die(TRACE_EXIT_SYSTEM, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die(TRACE_EXIT_SYSTEM, "fork: %s", strerror(errno));
	if (pid == 0) {
		struct sigaction sa;
		char c;
		int e;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGCHLD, &sa, NULL);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		close(go[1]);
		close(er[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);	/* the tracer gave up */
		execv(file, cmd);
		e = errno;
		if (write(er[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	free(file);
	close(go[0]);
	close(er[1]);
	*go_fd = go[1];
	*err_fd = er[0];
	return pid;
}

/* Every thread of the -p processes: each gets its own inherited events. */
static void list_pid_threads(const struct trace_opts *o, pid_t **tids, size_t *ntids)
{
	size_t i, n = 0, cap = 0;
	pid_t *v = NULL;

	for (i = 0; i < o->npids; i++) {
		char path[64];
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "/proc/%d/task", (int)o->pids[i]);
		d = opendir(path);
		if (!d)
			die(TRACE_EXIT_USAGE, "-p %d: %s", (int)o->pids[i],
			    errno == ENOENT ? "no such process" : strerror(errno));
		while ((de = readdir(d))) {
			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			if (n == cap) {
				pid_t *nv;

				cap = cap ? cap * 2 : 16;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv)
					die(TRACE_EXIT_SYSTEM, "out of memory");
				v = nv;
			}
			v[n++] = (pid_t)atoi(de->d_name);
		}
		closedir(d);
	}
	*tids = v;
	*ntids = n;
}

/* Many threads x CPUs x 4 events can exceed the default 1024 descriptors. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int64_t clock_offset_now(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &rt);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000ll + (rt.tv_nsec - mono.tv_nsec);
}

static void on_task_event(void *ctx, const struct task *t, const struct tev *ev, uint64_t now_ns,
			  const struct selfseq_event *sev)
{
	struct trace *tr = ctx;

	if (sev->flags & SELFSEQ_EVENT_ANOMALOUS) {
		report_anomaly(&tr->rep, t, (uint32_t)ev->u.sys.nr, now_ns, sev);
		if (tr->delays && sev->delay)
			delays_apply(tr->delays, (pid_t)(t->tgid ? t->tgid : t->tid), sev->delay,
				     trace_mono_ns());
	}
	if (sev->flags & ~SELFSEQ_EVENT_ANOMALOUS & ~SELFSEQ_EVENT_NEW_SEQUENCE)
		report_state(&tr->rep, t, (uint32_t)ev->u.sys.nr, now_ns, sev);
}

/* Read the formats from tracefs (live) or the recording (replay) and build the decoder. */
static void setup_decoder(struct trace *tr, char *texts[REC_ROLES], size_t lens[REC_ROLES],
			  struct perf_ids *ids)
{
	static const char *const tp[REC_ROLES][2] = {
		{ "raw_syscalls", "sys_enter" }, { "sched", "sched_process_exec" },
		{ "sched", "sched_process_fork" }, { "sched", "sched_process_exit" },
	};
	struct tp_format fmt[REC_ROLES];
	int have[REC_ROLES] = { 0 }, i, rc;
	char dir[256], err[512];

	memset(texts, 0, sizeof(char *) * REC_ROLES);
	if (tr->o.replay) {
		rc = recfile_open(&tr->rec, tr->o.replay, err, sizeof(err));
		if (rc)
			die(rc == -EBADMSG ? TRACE_EXIT_INPUT : TRACE_EXIT_USAGE, "%s", err);
		for (i = 0; i < REC_ROLES; i++) {
			have[i] = tr->rec.have[i];
			fmt[i] = tr->rec.fmt[i];
		}
		tr->clock_offset = tr->rec.clock_offset;
	} else {
		rc = tracefs_find(dir, sizeof(dir), err, sizeof(err));
		if (rc == -EACCES || rc == -EPERM)
			die_perm(err);
		if (rc)
			die(TRACE_EXIT_SYSTEM, "%s", err);
		for (i = 0; i < REC_ROLES; i++) {
			rc = tracefs_read_format(dir, tp[i][0], tp[i][1], &fmt[i], &texts[i], &lens[i],
						 err, sizeof(err));
			if (rc == -EACCES || rc == -EPERM)
				die_perm(err);
			if (rc && i == REC_ENTER)
				die(TRACE_EXIT_SYSTEM, "%s (is CONFIG_FTRACE_SYSCALLS set?)", err);
			if (rc) {
				fprintf(stderr, "selfseq-trace: warning: %s; %s events not followed\n", err,
					tp[i][1]);
				continue;
			}
			have[i] = 1;
		}
		ids->enter = fmt[REC_ENTER].id;
		ids->exec = have[REC_EXEC] ? fmt[REC_EXEC].id : 0;
		ids->fork = have[REC_FORK] ? fmt[REC_FORK].id : 0;
		ids->exit = have[REC_EXIT] ? fmt[REC_EXIT].id : 0;
		tr->clock_offset = clock_offset_now();
	}
	rc = decoder_init(&tr->dec, &fmt[REC_ENTER], have[REC_EXEC] ? &fmt[REC_EXEC] : NULL,
			  have[REC_FORK] ? &fmt[REC_FORK] : NULL, have[REC_EXIT] ? &fmt[REC_EXIT] : NULL,
			  err, sizeof(err));
	if (rc)
		die(tr->o.replay ? TRACE_EXIT_INPUT : TRACE_EXIT_SYSTEM, "%s", err);
}

static void setup_monitor(struct trace *tr)
{
	struct selfseq_monitor_opts mo;
	int rc;

	memset(&mo, 0, sizeof(mo));
	mo.sz = sizeof(mo);
	mo.store_dir = tr->o.store_dir;
	mo.mode = tr->o.mode;
	mo.window = tr->o.window;
	mo.alphabet = tr->o.alphabet;
	mo.lfc_frame = tr->o.lfc_frame;
	mo.max_profiles = tr->o.max_profiles;
	mo.max_processes = tr->o.max_processes;
	mo.params = &tr->o.params;
	rc = selfseq_monitor_new(&mo, &tr->mon);
	if (rc)
		die(rc == -ENOMEM ? TRACE_EXIT_SYSTEM : TRACE_EXIT_PROFILE, "profile store %s: %s",
		    tr->o.store_dir ? tr->o.store_dir : "(memory)",
		    rc == -EACCES && tr->o.store_dir ? "refused (it must not be writable by group or others, "
						       "and must be writable by us)" :
						       selfseq_strerror(rc));
}

struct profile_list {
	FILE *f;
};

static int print_profile(struct selfseq_profile *p, void *ctx)
{
	struct profile_list *pl = ctx;
	struct selfseq_profile_state st;

	memset(&st, 0, sizeof(st));
	st.sz = sizeof(st);
	selfseq_profile_get_state(p, &st);
	fprintf(pl->f, "  profile  %s [%s]: %s, %llu calls, %u training pairs, %u testing pairs\n",
		selfseq_profile_get_key(p) ? selfseq_profile_get_key(p) : "?",
		ss_arch_name(st.arch) ? ss_arch_name(st.arch) : "unknown arch",
		report_state_name(st.flags), (unsigned long long)st.count, st.train_pairs,
		st.test_pairs);
	return 0;
}

static void print_summary(struct trace *tr)
{
	const struct tasks_stats *s = tasks_get_stats(tr->tasks);
	struct selfseq_monitor_stats ms;
	double secs = (double)(trace_mono_ns() - tr->start_ns) / 1e9;

	memset(&ms, 0, sizeof(ms));
	ms.sz = sizeof(ms);
	selfseq_monitor_get_stats(tr->mon, &ms);
	fprintf(stderr, "selfseq-trace summary (%.1f s):\n", secs);
	fprintf(stderr, "  calls seen       %llu (tracked %llu, untracked %llu, outside the alphabet %llu)\n",
		(unsigned long long)s->calls, (unsigned long long)s->tracked_calls,
		(unsigned long long)s->untracked_calls, (unsigned long long)s->foreign_calls);
	fprintf(stderr, "  lost             %llu samples in %llu LOST records%s\n",
		(unsigned long long)s->lost, (unsigned long long)s->lost_records,
		s->lost ? " (windows restarted; a larger --ring-size helps)" : "");
	fprintf(stderr, "  processes        %llu tracked, %llu other threads (%llu execs, %llu forks, "
		"%llu exits)\n", (unsigned long long)s->processes, (unsigned long long)s->threads,
		(unsigned long long)s->execs, (unsigned long long)s->forks,
		(unsigned long long)s->exits);
	if (s->filtered || s->unresolved || s->refused || s->unprofiled)
		fprintf(stderr, "  not tracked      %llu filtered out by --exe, %llu without a profile, "
			"%llu executable not found, %llu refused by the monitor\n",
			(unsigned long long)s->filtered, (unsigned long long)s->unprofiled,
			(unsigned long long)s->unresolved, (unsigned long long)s->refused);
	fprintf(stderr, "  profiles         %llu held, %llu loaded, %llu saved, %llu save errors\n",
		(unsigned long long)ms.profiles, (unsigned long long)ms.profiles_loaded,
		(unsigned long long)ms.profiles_saved, (unsigned long long)ms.save_errors);
	fprintf(stderr, "  anomalies        %llu\n", (unsigned long long)s->anomalies);
	if (tr->merge.late || tr->bad_records || tr->throttles || tr->oom_events || s->feed_errors)
		fprintf(stderr, "  irregular        %llu events out of time order, %llu malformed records, "
			"%llu throttles, %llu dropped for lack of memory, %llu feed errors\n",
			(unsigned long long)tr->merge.late, (unsigned long long)tr->bad_records,
			(unsigned long long)tr->throttles, (unsigned long long)tr->oom_events,
			(unsigned long long)s->feed_errors);
	if (tr->delays) {
		const struct delays_stats *d = delays_get_stats(tr->delays);

		fprintf(stderr, "  delays           %llu stops (%llu extended), %llu ms scheduled\n",
			(unsigned long long)d->stops, (unsigned long long)d->extended,
			(unsigned long long)d->total_ms);
	}
	if (tr->child && tr->child_done) {
		if (WIFEXITED(tr->child_status))
			fprintf(stderr, "  command          exited with status %d\n",
				WEXITSTATUS(tr->child_status));
		else if (WIFSIGNALED(tr->child_status))
			fprintf(stderr, "  command          killed by signal %d\n",
				WTERMSIG(tr->child_status));
	} else if (tr->child) {
		fprintf(stderr, "  command          still running (pid %d)\n", (int)tr->child);
	}
	if (tr->o.verbose) {
		struct profile_list pl = { stderr };

		selfseq_monitor_foreach_profile(tr->mon, print_profile, &pl);
	}
}

static void print_summary_json(struct trace *tr)
{
	const struct tasks_stats *s = tasks_get_stats(tr->tasks);
	struct selfseq_monitor_stats ms;

	memset(&ms, 0, sizeof(ms));
	ms.sz = sizeof(ms);
	selfseq_monitor_get_stats(tr->mon, &ms);
	fprintf(stderr, "{\"type\":\"summary\",\"mode\":\"%s\",\"calls\":%llu,\"tracked_calls\":%llu,"
		"\"untracked_calls\":%llu,\"foreign_calls\":%llu,\"lost\":%llu,\"lost_records\":%llu,"
		"\"processes\":%llu,\"threads\":%llu,\"execs\":%llu,\"forks\":%llu,\"exits\":%llu,"
		"\"profiles\":%llu,\"profiles_loaded\":%llu,\"profiles_saved\":%llu,"
		"\"save_errors\":%llu,\"anomalies\":%llu,\"late\":%llu,\"malformed\":%llu}\n",
		tr->rep.mode, (unsigned long long)s->calls, (unsigned long long)s->tracked_calls,
		(unsigned long long)s->untracked_calls, (unsigned long long)s->foreign_calls,
		(unsigned long long)s->lost, (unsigned long long)s->lost_records,
		(unsigned long long)s->processes, (unsigned long long)s->threads,
		(unsigned long long)s->execs, (unsigned long long)s->forks,
		(unsigned long long)s->exits, (unsigned long long)ms.profiles,
		(unsigned long long)ms.profiles_loaded, (unsigned long long)ms.profiles_saved,
		(unsigned long long)ms.save_errors, (unsigned long long)s->anomalies,
		(unsigned long long)tr->merge.late, (unsigned long long)tr->bad_records);
}

int main(int argc, char **argv)
{
	struct trace *tr = calloc(1, sizeof(*tr));
	char *texts[REC_ROLES];
	size_t lens[REC_ROLES] = { 0 };
	struct perf_ids ids = { 0, 0, 0, 0 };
	struct task_sink sink;
	struct task_probe probe = { NULL, proc_probe, proc_probe_arch };
	struct task_probe replay_probe = { NULL, NULL, proc_probe_arch };
	struct tasks_opts to;
	sigset_t oldmask;
	int go_fd = -1, err_fd = -1, rc, code = TRACE_EXIT_OK, i;
	char err[512];

	if (!tr)
		die(TRACE_EXIT_SYSTEM, "out of memory");
	parse_args(argc, argv, &tr->o);
	tr->start_ns = trace_mono_ns();
	tr->rep.out = stdout;
	tr->rep.text = tr->o.text;
	tr->rep.state_events = tr->o.state_events;
	tr->rep.mode = tr->o.mode == SELFSEQ_MODE_TRAIN ? "train" :
		       tr->o.mode == SELFSEQ_MODE_SCORE ? "score" : "monitor";
	if (tr->o.output) {
		tr->rep.out = fopen(tr->o.output, "ae");
		if (!tr->rep.out)
			die(TRACE_EXIT_USAGE, "%s: %s", tr->o.output, strerror(errno));
	}
	setup_decoder(tr, texts, lens, &ids);
	setup_monitor(tr);
	if (tr->o.params.delay_factor &&
	    delays_new(tr->o.max_delay_ms, getpid(), &tr->delays))
		die(TRACE_EXIT_SYSTEM, "out of memory");
	trace_sink_init(tr, &sink);
	memset(&to, 0, sizeof(to));
	to.sink = &sink;
	to.probe = tr->o.replay ? &replay_probe : &probe;
	to.exe_filter = (const char *const *)tr->o.exe_filter;
	to.alphabet = tr->o.alphabet;
	to.clock_offset = tr->clock_offset;
	to.on_event = on_task_event;
	to.cb_ctx = tr;
	if (tasks_new(&to, &tr->tasks))
		die(TRACE_EXIT_SYSTEM, "out of memory");
	setup_signals(&oldmask);

	if (tr->o.replay) {
		if (merge_init(&tr->merge, tr->rec.nrings))
			die(TRACE_EXIT_SYSTEM, "out of memory");
		code = trace_run_replay(tr);
	} else {
		pid_t *tids = NULL;
		size_t ntids = 0;

		raise_fd_limit();
		if (tr->o.command) {
			tr->child = spawn_command(tr->o.command, &oldmask, &go_fd, &err_fd);
			tasks_ignore_until_exec(tr->tasks, (uint32_t)tr->child);
		}
		if (tr->o.npids)
			list_pid_threads(&tr->o, &tids, &ntids);
		rc = perf_session_open(&tr->perf, &ids, tr->o.all ? NULL : tr->child ? &tr->child : tids,
				       tr->o.all ? 0 : tr->child ? 1 : ntids, getpid(), tr->o.ring_bytes,
				       err, sizeof(err));
		free(tids);
		if (rc) {
			if (tr->child) {
				close(go_fd);	/* the child exits without running COMMAND */
				waitpid(tr->child, NULL, 0);
			}
			die(rc == -EACCES ? TRACE_EXIT_PERM : TRACE_EXIT_SYSTEM, "%s", err);
		}
		if (merge_init(&tr->merge, tr->perf.nrings))
			die(TRACE_EXIT_SYSTEM, "out of memory");
		if (tr->o.record) {
			rc = recfile_create(&tr->rec, tr->o.record, tr->perf.nrings, tr->clock_offset,
					    texts, lens);
			if (rc)
				die(TRACE_EXIT_USAGE, "%s: %s", tr->o.record, strerror(-rc));
			tr->recording = 1;
		}
		if (perf_session_enable(&tr->perf))
			die(TRACE_EXIT_SYSTEM, "enabling the events: %s", strerror(errno));
		if (tr->child) {
			int e = 0;
			ssize_t n;

			if (write(go_fd, "x", 1) != 1)
				die(TRACE_EXIT_SYSTEM, "starting the command: %s", strerror(errno));
			close(go_fd);
			n = read(err_fd, &e, sizeof(e));
			close(err_fd);
			if (n == (ssize_t)sizeof(e)) {
				waitpid(tr->child, NULL, 0);
				die(TRACE_EXIT_USAGE, "%s: cannot execute: %s", tr->o.command[0], strerror(e));
			}
		}
		code = trace_run_live(tr);
		perf_session_close(&tr->perf);
		if (tr->recording && recfile_close(&tr->rec))
			fprintf(stderr, "selfseq-trace: %s: write error\n", tr->o.record);
	}
	for (i = 0; i < REC_ROLES; i++)
		free(texts[i]);
	if (selfseq_monitor_save(tr->mon) < 0 || tr->save_errors) {
		fprintf(stderr, "selfseq-trace: some profiles could not be saved to %s\n",
			tr->o.store_dir ? tr->o.store_dir : "(memory)");
		if (!code)
			code = TRACE_EXIT_PROFILE;
	}
	if (tr->o.summary == SUMMARY_TEXT)
		print_summary(tr);
	else if (tr->o.summary == SUMMARY_JSON)
		print_summary_json(tr);
	if (!code && tr->fatal)
		code = tr->fatal;
	if (!code && tasks_get_stats(tr->tasks)->anomalies)
		code = TRACE_EXIT_ANOMALY;
	if (tr->rep.out != stdout && fclose(tr->rep.out)) {
		fprintf(stderr, "selfseq-trace: %s: %s\n", tr->o.output, strerror(errno));
		code = code ? code : TRACE_EXIT_SYSTEM;
	} else if (tr->rep.out == stdout && fflush(stdout)) {
		code = code ? code : TRACE_EXIT_SYSTEM;
	}
	delays_free(tr->delays);
	tasks_free(tr->tasks);
	selfseq_monitor_free(tr->mon);
	merge_fini(&tr->merge);
	if (tr->o.replay)
		recfile_free(&tr->rec);
	trace_sink_fini();
	proc_intern_free();
	for (i = 0; tr->o.exe_filter && tr->o.exe_filter[i]; i++)
		free(tr->o.exe_filter[i]);
	free(tr->o.exe_filter);
	free(tr->o.pids);
	free(tr);
	return code;
}
