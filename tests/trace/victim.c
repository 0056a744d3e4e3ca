/* SPDX-License-Identifier: MIT */
/*
 * victim: the program the selfseq-trace tests watch. Each mode makes a
 * fixed, known sequence of system calls (raw syscall() where libc might
 * vary), so a test can train on one path and expect an exact anomaly on
 * another:
 *
 *   normal FILE          open, read, 3 x getppid, write to /dev/null, close
 *   other FILE           the normal path, then socket(2) and close: the anomaly
 *   forkchild FILE       normal path; a forked child runs the other path
 *   threads N            N threads, each 50 x gettid then getppid (the fixtures)
 *   serve FILE TRIGGER STOP [N]
 *                        every 20 ms the normal path; when TRIGGER exists,
 *                        remove it and run the other path; end when STOP
 *                        exists (or after N rounds)
 *   busy FILE SECONDS    the other path in a loop (an unrelated busy process)
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void normal_path(const char *file)
{
	char buf[256];
	int fd = open(file, O_RDONLY), out;

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf)) < 0)
			buf[0] = 0;
		close(fd);
	}
	syscall(SYS_getppid);
	syscall(SYS_getppid);
	syscall(SYS_getppid);
	out = open("/dev/null", O_WRONLY);
	if (out >= 0) {
		if (write(out, "x", 1) < 0)
			buf[0] = 0;
		close(out);
	}
}

static void other_path(const char *file)
{
	int s;

	normal_path(file);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s >= 0)
		close(s);
}

static void *thread_main(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 50; i++)
		syscall(SYS_gettid);
	syscall(SYS_getppid);
	return NULL;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "normal") == 0) {
		normal_path(argv[2]);
	} else if (argc >= 3 && strcmp(argv[1], "other") == 0) {
		other_path(argv[2]);
	} else if (argc >= 3 && strcmp(argv[1], "forkchild") == 0) {
		pid_t pid;

		normal_path(argv[2]);
		pid = fork();
		if (pid == 0) {
			other_path(argv[2]);
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	} else if (argc >= 3 && strcmp(argv[1], "threads") == 0) {
		int n = atoi(argv[2]), i;
		pthread_t t[16];

		if (n < 1 || n > 16)
			return 2;
		for (i = 0; i < n; i++)
			pthread_create(&t[i], NULL, thread_main, NULL);
		for (i = 0; i < n; i++)
			pthread_join(t[i], NULL);
	} else if (argc >= 5 && strcmp(argv[1], "serve") == 0) {
		long rounds = argc >= 6 ? atol(argv[5]) : -1, r;

		for (r = 0; rounds < 0 || r < rounds; r++) {
			if (access(argv[4], F_OK) == 0)
				break;
			if (access(argv[3], F_OK) == 0) {
				unlink(argv[3]);
				other_path(argv[2]);
			} else {
				normal_path(argv[2]);
			}
			pause_ms(20);
		}
	} else if (argc >= 4 && strcmp(argv[1], "busy") == 0) {
		time_t end = time(NULL) + atoi(argv[3]);

		while (time(NULL) < end)
			other_path(argv[2]);
	} else {
		fprintf(stderr, "usage: victim normal|other|forkchild FILE | threads N | "
			"serve FILE TRIGGER STOP [N] | busy FILE SECONDS\n");
		return 2;
	}
	return 0;
}
