/* SPDX-License-Identifier: MIT */
/*
 * selfseq-trace: live system-call anomaly detection from the
 * raw_syscalls:sys_enter tracepoint, read with perf_event_open. Setup
 * (tracefs formats, the monitor, the thread table, the traced command or
 * pids) and teardown; options are in args.c, the loop in loop.c, the
 * summary in summary.c; doc/man/selfseq-trace.1 is the manual.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <selfseq/selfseq.h>

#include "proc.h"
#include "tracefs.h"
#include "trace.h"


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
	trace_parse_args(argc, argv, &tr->o);
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

		trace_raise_fd_limit();
		if (tr->o.command) {
			tr->child = trace_spawn(tr->o.command, &oldmask, &go_fd, &err_fd);
			tasks_ignore_until_exec(tr->tasks, (uint32_t)tr->child, (uint32_t)getpid());
		}
		if (tr->o.npids)
			trace_list_threads(&tr->o, &tids, &ntids);
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
		trace_print_summary(tr);
	else if (tr->o.summary == SUMMARY_JSON)
		trace_print_summary_json(tr);
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
