/* SPDX-License-Identifier: MIT */
/*
 * cfe-victim: the process the CFEngine end-to-end test (tests/cfengine-e2e.sh)
 * catches misbehaving. It makes one short system-call loop many times (its
 * normal behaviour, learnt by a front end watching it), then calls it never
 * made before (the anomaly), writes its pid to PIDFILE and waits until the
 * policy's response signals it; the signal number goes to MARKFILE.
 *
 * With --report EVENTS it also plays the front end itself: the same calls go
 * through the library's pH process API (profile, normalize, feed) and every
 * anomalous call is appended to EVENTS as the JSON line selfseq-trace --json
 * writes. The test uses this only where no live front end can run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <selfseq/selfseq.h>

#include "json.h"
#include "syscall-names.h"

#define NORMAL_ROUNDS 3000
#define WAIT_SECONDS 120

static const char *markfile;

static void on_signal(int sig)
{
	char msg[] = "signal 00\n";
	int fd;

	msg[7] = (char)('0' + sig / 10);
	msg[8] = (char)('0' + sig % 10);
	fd = open(markfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, msg, sizeof(msg) - 1) < 0)
			_exit(4);
		close(fd);
	}
	_exit(sig == SIGALRM ? 3 : 0);
}

/* The normal loop and the anomaly, as raw calls so libc adds nothing. */
static const long normal_calls[] = { SYS_getppid, SYS_getuid, SYS_getgid, SYS_geteuid };
static const long odd_calls[] = { SYS_uname, SYS_sched_yield, SYS_getrusage, SYS_times,
				  SYS_getcwd, SYS_sysinfo };

static void make_call(long nr)
{
	static char buf[4096];

	switch (nr) {
	case SYS_uname:
	case SYS_sysinfo:
	case SYS_times:
		syscall(nr, buf);
		break;
	case SYS_getrusage:
		syscall(nr, RUSAGE_SELF, buf);
		break;
	case SYS_getcwd:
		syscall(nr, buf, sizeof(buf));
		break;
	default:
		syscall(nr);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One line as selfseq-trace's report.c writes it. */
static void report(FILE *f, const char *exe, uint32_t arch, uint32_t nr,
		   const struct selfseq_event *ev)
{
	uint64_t ns = now_ns();
	time_t s = (time_t)(ns / 1000000000ull);
	const char *name = ss_syscall_name(arch, nr);
	char when[48];
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "{\"time\":\"%s.%06uZ\",\"pid\":%d,\"tid\":%d,\"ppid\":%d,\"uid\":%u,\"exe\":",
		when, (unsigned)(ns % 1000000000ull / 1000), (int)getpid(), (int)gettid(),
		(int)getppid(), (unsigned)getuid());
	json_string(f, exe);
	fputs(",\"arch\":", f);
	json_string(f, ss_arch_name(arch) ? ss_arch_name(arch) : "unknown");
	fputs(",\"syscall\":", f);
	json_string(f, name ? name : "?");
	fprintf(f, ",\"nr\":%u,\"misses\":%u,\"lfc\":%u,\"state\":\"%s\"}\n", nr, ev->misses,
		ev->lfc, ev->state & SELFSEQ_STATE_NORMAL ? "normal" :
		ev->state & SELFSEQ_STATE_FROZEN ? "frozen" : "training");
}

/* The library's own pH over the same calls: learn the loop, normalize, test the anomaly. */
static int self_report(const char *events)
{
	struct selfseq_profile_opts po = { .sz = sizeof(po) };
	struct selfseq_event ev = { .sz = sizeof(ev) };
	struct selfseq_profile *prof;
	struct selfseq_process *proc;
	uint32_t arch = ss_arch_native();
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f;
	int found = 0;

	if (n < 0)
		return -1;
	exe[n] = 0;
	po.arch = arch;
	if (selfseq_profile_new(&po, &prof) || selfseq_process_new(prof, &proc))
		return -1;
	for (int r = 0; r < NORMAL_ROUNDS; r++)
		for (size_t i = 0; i < sizeof(normal_calls) / sizeof(normal_calls[0]); i++)
			selfseq_process_feed(proc, (uint32_t)normal_calls[i], now_ns(), NULL);
	if (selfseq_profile_normalize(prof, now_ns()))
		return -1;
	f = fopen(events, "ae");
	if (!f)
		return -1;
	for (int r = 0; r < 3; r++)
		for (size_t i = 0; i < sizeof(odd_calls) / sizeof(odd_calls[0]); i++) {
			selfseq_process_feed(proc, (uint32_t)odd_calls[i], now_ns(), &ev);
			if (ev.flags & SELFSEQ_EVENT_ANOMALOUS) {
				report(f, exe, arch, (uint32_t)odd_calls[i], &ev);
				found++;
			}
		}
	selfseq_process_free(proc);
	selfseq_profile_free(prof);
	return fclose(f) || !found ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *events = NULL, *pidfile;
	char tmp[PATH_MAX + 8], buf[32];
	struct sigaction sa;
	int fd, len;

	if (argc == 5 && !strcmp(argv[1], "--report")) {
		events = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: cfe-victim [--report EVENTS] PIDFILE MARKFILE\n");
		return 2;
	}
	pidfile = argv[1];
	markfile = argv[2];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);

	for (int r = 0; r < NORMAL_ROUNDS; r++)
		for (size_t i = 0; i < sizeof(normal_calls) / sizeof(normal_calls[0]); i++)
			make_call(normal_calls[i]);
	for (int r = 0; r < 3; r++)
		for (size_t i = 0; i < sizeof(odd_calls) / sizeof(odd_calls[0]); i++)
			make_call(odd_calls[i]);
	if (events && self_report(events)) {
		fprintf(stderr, "cfe-victim: could not report through the library\n");
		return 1;
	}
	/* The pid file appears whole (rename), only once the anomaly is out. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", pidfile);
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)len) != len || close(fd) || rename(tmp, pidfile)) {
		perror("cfe-victim: pid file");
		return 1;
	}
	alarm(WAIT_SECONDS);	/* never outlive a broken test */
	for (;;)
		pause();
}
