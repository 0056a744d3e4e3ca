/* SPDX-License-Identifier: MIT */
/*
 * selfseq-trace's event loop: wait on the rings, drain every ring (decoding
 * each record and resolving the executable of each exec at once), release
 * the merged events up to the time the drain started, feed them to the
 * thread table and the monitor, apply delays, save profiles now and then.
 * The same decode/merge/apply path runs over a recording in --replay.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "syscall-names.h"
#include "trace.h"

volatile sig_atomic_t trace_stop, trace_child_exited, trace_save_now;

uint64_t trace_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Resolve a replayed exec from its file name only: /proc knows nothing of recorded pids. */
static void resolve_replayed(struct tev *ev, const char *filename)
{
	char real[PATH_MAX];
	uint32_t arch;

	if (filename[0] != '/')
		return;
	ev->u.exec.exe = proc_intern(realpath(filename, real) ? real : filename);
	arch = proc_elf_arch(ev->u.exec.exe);
	ev->u.exec.arch = arch ? arch : ss_arch_native();
	ev->u.exec.uid = UINT32_MAX;
}

static void resolve_live(struct tev *ev, const char *filename)
{
	struct task_facts f;

	proc_resolve_exec(ev->u.exec.pid, filename, &f);
	ev->u.exec.exe = f.exe;
	ev->u.exec.arch = f.arch;
	ev->u.exec.ppid = f.ppid;
	ev->u.exec.uid = f.uid;
}

struct drain {
	struct trace *tr;
	int live;
};

static int on_record(void *ctx, const struct perf_event_header *rec, int ring)
{
	struct drain *d = ctx;
	struct trace *tr = d->tr;
	char fname[PATH_MAX], err[200];
	struct tev ev, *slot;
	int rc;

	if (tr->recording && recfile_write(&tr->rec, (uint32_t)ring, rec)) {
		fprintf(stderr, "selfseq-trace: %s: write error; recording stopped\n", tr->o.record);
		tr->recording = 0;
	}
	rc = decode_record(&tr->dec, rec, &ev, fname, sizeof(fname), err, sizeof(err));
	if (rc < 0) {
		if (++tr->bad_records <= 5)
			fprintf(stderr, "selfseq-trace: ring %d: malformed record skipped: %s\n", ring, err);
		return 0;
	}
	if (rc == 0) {
		if (rec->type == PERF_RECORD_THROTTLE)
			tr->throttles++;
		else
			tr->other_records++;
		return 0;
	}
	if (ev.kind == TEV_MMAP) {
		proc_strip_deleted(fname);
		ev.u.mmap.file = proc_intern(fname);
	} else if (ev.kind == TEV_EXEC) {
		if (d->live)
			resolve_live(&ev, fname);
		else
			resolve_replayed(&ev, fname);
	}
	slot = merge_push(&tr->merge, (unsigned)ring);
	if (!slot) {
		tr->oom_events++;
		return 0;
	}
	*slot = ev;
	return 0;
}

static void on_merged(void *ctx, struct tev *ev)
{
	struct trace *tr = ctx;

	tasks_apply(tr->tasks, ev);
}

static void drain_all(struct trace *tr)
{
	struct drain d = { tr, 1 };
	unsigned r;

	for (r = 0; r < tr->perf.nrings; r++) {
		uint64_t bad = 0;

		if (ring_drain(&tr->perf.rings[r], on_record, &d, &bad) == -EBADMSG) {
			tr->bad_records++;
			fprintf(stderr, "selfseq-trace: ring of cpu %d: impossible record header at "
				"ring offset %llu; the rest of the ring was dropped\n",
				tr->perf.cpus[r], (unsigned long long)bad);
		}
	}
}

static void save_profiles(struct trace *tr)
{
	int rc = selfseq_monitor_save(tr->mon);

	if (rc < 0) {
		tr->save_errors++;
		fprintf(stderr, "selfseq-trace: saving profiles: %s\n", selfseq_strerror(rc));
	}
}

/* Whether any -p process is still there (their events end with them). */
static int targets_alive(const struct trace *tr)
{
	size_t i;

	for (i = 0; i < tr->o.npids; i++)
		if (proc_alive((uint32_t)tr->o.pids[i], (uint32_t)tr->o.pids[i]))
			return 1;
	return 0;
}

static void reap_child(struct trace *tr)
{
	int status;
	pid_t p;

	if (!tr->child || tr->child_done)
		return;
	p = waitpid(tr->child, &status, WNOHANG);
	if (p == tr->child) {
		tr->child_done = 1;
		tr->child_status = status;
	}
}

/*
 * The signals arrive through a signalfd polled with the rings: ppoll()
 * would not deliver a pending signal when a descriptor is ready at once,
 * and a ring whose task has exited is always ready (POLLHUP).
 */
static void read_signals(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			trace_child_exited = 1;
		else if (si.ssi_signo == SIGHUP)
			trace_save_now = 1;
		else
			trace_stop = 1;
	}
}

int trace_run_live(struct trace *tr)
{
	uint64_t now = trace_mono_ns(), last_save = now, last_sweep = now, last_alive = now;
	unsigned n = tr->perf.nrings, r;
	struct pollfd *pfd = calloc(n + 1, sizeof(*pfd));
	sigset_t set;
	int final = 0, sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (!pfd || sfd < 0) {
		fprintf(stderr, "selfseq-trace: %s\n", pfd ? strerror(errno) : "out of memory");
		free(pfd);
		if (sfd >= 0)
			close(sfd);
		return TRACE_EXIT_SYSTEM;
	}
	for (r = 0; r < n; r++)
		pfd[r] = tr->perf.pfd[r];
	pfd[n].fd = sfd;
	pfd[n].events = POLLIN;
	for (;;) {
		uint64_t round, wait_ns = (uint64_t)tr->o.poll_ms * 1000000ull, next;
		struct timespec ts;

		if (trace_child_exited) {
			trace_child_exited = 0;
			reap_child(tr);
		}
		if (!trace_stop && !tr->child_done) {
			next = tr->delays ? delays_next(tr->delays) : UINT64_MAX;
			now = trace_mono_ns();
			if (next != UINT64_MAX)
				wait_ns = next <= now ? 0 : (next - now < wait_ns ? next - now : wait_ns);
			ts.tv_sec = (time_t)(wait_ns / 1000000000ull);
			ts.tv_nsec = (long)(wait_ns % 1000000000ull);
			if (ppoll(pfd, n + 1, &ts, NULL) < 0 && errno != EINTR) {
				fprintf(stderr, "selfseq-trace: poll: %s\n", strerror(errno));
				tr->fatal = TRACE_EXIT_SYSTEM;
				trace_stop = 1;
			}
			/* The traced task is gone; its children may still write: read on the timeout. */
			for (r = 0; r < n; r++)
				if (pfd[r].revents & (POLLHUP | POLLERR))
					pfd[r].fd = -1;
			read_signals(sfd);
			if (trace_child_exited) {
				trace_child_exited = 0;
				reap_child(tr);
			}
		}
		if (trace_stop || tr->child_done) {
			/* Nothing new is written after this; the last drain gets everything. */
			perf_session_disable(&tr->perf);
			final = 1;
		}
		round = trace_mono_ns();
		drain_all(tr);
		/* Every event stamped before the drain started that is not in a ring yet was caused by nothing we hold (merge.h). */
		merge_flush(&tr->merge, final ? UINT64_MAX : round - 1000000ull, on_merged, tr);
		if (tr->recording && recfile_write_round(&tr->rec, final ? UINT64_MAX : round - 1000000ull))
			tr->recording = 0;
		now = trace_mono_ns();
		if (tr->delays)
			delays_tick(tr->delays, now);
		if (final)
			break;
		if (trace_save_now || (tr->o.save_interval_s &&
				       now - last_save >= tr->o.save_interval_s * 1000000000ull)) {
			trace_save_now = 0;
			save_profiles(tr);
			last_save = now;
		}
		if (now - last_sweep >= 30000000000ull) {
			tasks_sweep(tr->tasks, last_sweep, proc_alive);
			last_sweep = now;
		}
		if (tr->o.npids && !tr->child && now - last_alive >= 500000000ull) {
			last_alive = now;
			if (!targets_alive(tr))
				trace_stop = 1;
		}
	}
	close(sfd);
	free(pfd);
	return 0;
}

int trace_run_replay(struct trace *tr)
{
	struct drain d = { tr, 0 };
	const struct perf_event_header *rec;
	char err[300];
	uint64_t threshold = 0;
	uint32_t ring;
	int rc;

	uint64_t count = 0;
	sigset_t pending;

	while (!trace_stop && (rc = recfile_next(&tr->rec, &ring, &rec, &threshold, err, sizeof(err))) == 1) {
		if (++count % 65536 == 0 && sigpending(&pending) == 0 &&
		    (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM)))
			trace_stop = 1;
		if (ring == RECFILE_ROUND)
			merge_flush(&tr->merge, threshold, on_merged, tr);
		else
			on_record(&d, rec, (int)ring);
	}
	merge_flush(&tr->merge, UINT64_MAX, on_merged, tr);
	if (!trace_stop && rc < 0) {
		fprintf(stderr, "selfseq-trace: %s\n", err);
		return TRACE_EXIT_INPUT;
	}
	return 0;
}
