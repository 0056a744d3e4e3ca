/* SPDX-License-Identifier: MIT */
/*
 * What selfseq-trace traces: the COMMAND it starts (held before execve
 * until the events exist), or the threads of the -p processes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

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
pid_t trace_spawn(char **cmd, const sigset_t *oldmask, int *go_fd, int *err_fd)
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
void trace_list_threads(const struct trace_opts *o, pid_t **tids, size_t *ntids)
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
void trace_raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}
