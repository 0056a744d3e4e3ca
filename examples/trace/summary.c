/* SPDX-License-Identifier: MIT */
/*
 * selfseq-trace's end summary on standard error, as text or one JSON line
 * (the last line of standard error, so scripts can parse it).
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "syscall-names.h"
#include "trace.h"

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

/* The tracer's own CPU time (user + system), children excluded. */
static double tracer_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

void trace_print_summary(struct trace *tr)
{
	const struct tasks_stats *s = tasks_get_stats(tr->tasks);
	struct selfseq_monitor_stats ms;
	double secs = (double)(trace_mono_ns() - tr->start_ns) / 1e9;

	memset(&ms, 0, sizeof(ms));
	ms.sz = sizeof(ms);
	selfseq_monitor_get_stats(tr->mon, &ms);
	fprintf(stderr, "selfseq-trace summary (%.1f s, %.2f s of CPU for the tracer itself):\n", secs,
		tracer_cpu_s());
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

void trace_print_summary_json(struct trace *tr)
{
	const struct tasks_stats *s = tasks_get_stats(tr->tasks);
	struct selfseq_monitor_stats ms;

	memset(&ms, 0, sizeof(ms));
	ms.sz = sizeof(ms);
	selfseq_monitor_get_stats(tr->mon, &ms);
	fprintf(stderr, "{\"type\":\"summary\",\"mode\":\"%s\",\"calls\":%llu,\"tracked_calls\":%llu,"
		"\"untracked_calls\":%llu,\"foreign_calls\":%llu,\"lost\":%llu,\"lost_records\":%llu,"
		"\"processes\":%llu,\"threads\":%llu,\"execs\":%llu,\"forks\":%llu,\"exits\":%llu,"
		"\"not_tracked\":{\"filtered\":%llu,\"no_profile\":%llu,\"unresolved\":%llu,"
		"\"refused\":%llu},"
		"\"profiles\":%llu,\"profiles_loaded\":%llu,\"profiles_saved\":%llu,"
		"\"save_errors\":%llu,\"anomalies\":%llu,\"late\":%llu,\"malformed\":%llu,"
		"\"tracer_cpu_s\":%.3f}\n",
		tr->rep.mode, (unsigned long long)s->calls, (unsigned long long)s->tracked_calls,
		(unsigned long long)s->untracked_calls, (unsigned long long)s->foreign_calls,
		(unsigned long long)s->lost, (unsigned long long)s->lost_records,
		(unsigned long long)s->processes, (unsigned long long)s->threads,
		(unsigned long long)s->execs, (unsigned long long)s->forks,
		(unsigned long long)s->exits, (unsigned long long)s->filtered,
		(unsigned long long)s->unprofiled, (unsigned long long)s->unresolved,
		(unsigned long long)s->refused, (unsigned long long)ms.profiles,
		(unsigned long long)ms.profiles_loaded, (unsigned long long)ms.profiles_saved,
		(unsigned long long)ms.save_errors, (unsigned long long)s->anomalies,
		(unsigned long long)tr->merge.late, (unsigned long long)tr->bad_records,
		tracer_cpu_s());
}
