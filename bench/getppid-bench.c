/* SPDX-License-Identifier: MIT */
/*
 * getppid-bench: nanoseconds per getppid(2), the cheapest system call, to
 * measure what a system-call monitor adds to every call (selfseq.ko in the
 * qemu test, tests/kmod-qemu.sh). --feed measures the library's own
 * selfseq_process_feed() in userland on a repeating call pattern, to relate
 * an emulated guest's speed to the host's. Times are the process's CPU time
 * (user + system), so other processes of a busy machine do not count; under
 * qemu -icount a guest's clocks count instructions instead.
 *
 * usage: getppid-bench [-n CALLS] [-r REPS] [--wait FILE] [--feed]
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <selfseq/selfseq.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double bench_getppid(long n)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (now_ns() - t0) / (double)n;
}

/* A 64-call pattern fed through a profile: trained first, then normal. */
static double bench_feed(long n)
{
	static struct selfseq_process *proc;
	struct selfseq_event ev = { .sz = sizeof(ev) };
	double t0;
	long i;

	if (!proc) {
		struct selfseq_profile *p;

		if (selfseq_profile_new(NULL, &p) || selfseq_process_new(p, &proc)) {
			fprintf(stderr, "getppid-bench: cannot create a profile\n");
			exit(1);
		}
		for (i = 0; i < 64 * 100; i++)
			selfseq_process_feed(proc, (uint32_t)((i * 7) % 64), 0, NULL);
		selfseq_profile_normalize(p, 0);
	}
	t0 = now_ns();
	for (i = 0; i < n; i++)
		selfseq_process_feed(proc, (uint32_t)((i * 7) % 64), 1, &ev);
	return (now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
	long n = 200000;
	int reps = 5, feed = 0, i;
	const char *wait_file = NULL;
	double *t;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atol(argv[++i]);
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--wait") && i + 1 < argc)
			wait_file = argv[++i];
		else if (!strcmp(argv[i], "--feed"))
			feed = 1;
		else {
			fprintf(stderr, "usage: getppid-bench [-n CALLS] [-r REPS] [--wait FILE] [--feed]\n");
			return 2;
		}
	}
	if (n <= 0 || reps <= 0)
		return 2;
	/* Started before the module loads, a process stays untracked: wait for the go. */
	if (wait_file) {
		struct stat st;
		struct timespec ts = { 0, 10000000 };

		while (stat(wait_file, &st))
			nanosleep(&ts, NULL);
	}
	t = calloc((size_t)reps, sizeof(*t));
	if (!t)
		return 1;
	for (i = 0; i < reps; i++)
		t[i] = feed ? bench_feed(n) : bench_getppid(n);
	qsort(t, (size_t)reps, sizeof(*t), cmp_double);
	printf("%s: best %.1f ns/call, median %.1f ns/call (%ld calls x %d runs)\n",
	       feed ? "feed" : "getppid", t[0], t[reps / 2], n, reps);
	free(t);
	return 0;
}
