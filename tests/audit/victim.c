/* SPDX-License-Identifier: MIT */
/*
 * A program with two code paths, audited by the live test and used to
 * record the committed logs: `victim normal FILE` reads a file and writes
 * its size (the path used for training); `victim other DIR` makes and
 * removes a directory and a socket (a path never seen in training).
 * Plain system calls through libc, nothing timing-dependent, so the call
 * sequence is the same run after run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int normal_path(const char *file)
{
	char buf[4096];
	ssize_t n, total = 0;
	int fd = open(file, O_RDONLY);

	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)total);
	return write(STDOUT_FILENO, buf, (size_t)n) == n ? 0 : 1;
}

static int other_path(const char *dir)
{
	char path[4096];
	int s;

	snprintf(path, sizeof(path), "%s/victim-dir", dir);
	if (mkdir(path, 0700) || rmdir(path))
		return 1;
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s >= 0)
		close(s);
	if (chdir(dir))
		return 1;
	return getppid() > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "normal"))
		return normal_path(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "other"))
		return other_path(argv[2]);
	fprintf(stderr, "usage: victim normal FILE | victim other DIR\n");
	return 2;
}
