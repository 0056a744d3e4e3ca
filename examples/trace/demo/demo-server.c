/* SPDX-License-Identifier: MIT */
/*
 * demo-server: a tiny file server for the selfseq-trace demonstration
 * (scripts/demo-trace.sh). It reads one request per line on standard input
 * and answers on standard output:
 *
 *   GET NAME      the file DOCROOT/NAME, or "404 NAME"
 *   STAT NAME     its size
 *
 * Its deliberate bug copies a famous one (Perl's two-argument open): a
 * NAME that starts with '|' is run as a shell command and its output is
 * served. Normal clients never send such a name; an attacker does, and the
 * server then forks and runs /bin/sh, system calls its normal runs never
 * make. Nothing else is special: the program only exists to be watched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int docroot = -1;

static void put(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			exit(1);
		s += w;
		n -= (size_t)w;
	}
}

static void copy_fd(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			exit(1);
	}
}

/* The bug: "|command" is run by the shell, as Perl's open(FH, $name) would. */
static void serve_pipe(const char *cmd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	copy_fd(p[0]);
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void serve_get(const char *name)
{
	char msg[1100];
	int fd;

	if (name[0] == '|') {
		serve_pipe(name + 1);
		return;
	}
	if (strstr(name, "..") || name[0] == '/') {
		snprintf(msg, sizeof(msg), "403 %s\n", name);
		put(msg);
		return;
	}
	fd = openat(docroot, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "404 %s\n", name);
		put(msg);
		return;
	}
	put("200\n");
	copy_fd(fd);
	close(fd);
}

static void serve_stat(const char *name)
{
	char msg[1100];
	struct stat st;

	if (strstr(name, "..") || name[0] == '/' || fstatat(docroot, name, &st, 0)) {
		snprintf(msg, sizeof(msg), "404 %s\n", name);
		put(msg);
		return;
	}
	snprintf(msg, sizeof(msg), "200 %lld\n", (long long)st.st_size);
	put(msg);
}

int main(int argc, char **argv)
{
	char line[1024];

	if (argc != 2) {
		fprintf(stderr, "usage: demo-server DOCROOT < requests\n");
		return 2;
	}
	docroot = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (docroot < 0) {
		fprintf(stderr, "demo-server: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "GET ", 4) == 0)
			serve_get(line + 4);
		else if (strncmp(line, "STAT ", 5) == 0)
			serve_stat(line + 5);
		else
			put("400\n");
	}
	close(docroot);
	return 0;
}
