/* SPDX-License-Identifier: MIT */
/*
 * kmod-testprog: the program selfseq.ko learns in the qemu test
 * (kmod-qemu.sh). Its "normal" path makes the same raw system calls on every
 * run; "anomalous" inserts one uname(2), a call the normal path never makes,
 * half way; "hold" pauses in the middle so the test can act on its pid;
 * "threads N" runs the normal rounds in N threads at once (one profile, many
 * CPUs).
 * Raw syscall(2) calls keep the sequence independent of libc's choices.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

static void round_of_calls(void)
{
	char buf[16];
	long fd;

	syscall(SYS_getppid);
	fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		syscall(SYS_read, fd, buf, sizeof(buf));
		syscall(SYS_close, fd);
	}
	syscall(SYS_getpid);
}

static void *thread_rounds(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 2000; i++)
		round_of_calls();
	return NULL;
}

static int run_threads(int n)
{
	pthread_t t[64];
	int i, started = 0;

	for (i = 0; i < n && i < 64; i++)
		if (!pthread_create(&t[i], NULL, thread_rounds, NULL))
			started++;
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return started == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "normal";
	int rounds = 40, i;

	if (!strcmp(mode, "threads"))
		return run_threads(argc > 2 ? atoi(argv[2]) : 4);
	if (strcmp(mode, "normal") && strcmp(mode, "anomalous") && strcmp(mode, "hold")) {
		fprintf(stderr, "usage: kmod-testprog normal|anomalous|hold [SECONDS]|threads [N]\n");
		return 2;
	}
	for (i = 0; i < rounds; i++) {
		if (i == rounds / 2 && !strcmp(mode, "anomalous")) {
			struct utsname u;

			syscall(SYS_uname, &u);
		}
		if (i == rounds / 2 && !strcmp(mode, "hold")) {
			struct timespec ts = { .tv_sec = argc > 2 ? atoi(argv[2]) : 3 };

			syscall(SYS_nanosleep, &ts, NULL);
		}
		round_of_calls();
	}
	return 0;
}
