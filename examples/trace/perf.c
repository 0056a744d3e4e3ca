/* SPDX-License-Identifier: MIT */
/*
 * perf_event_open plumbing for selfseq-trace (see perf.h). Notes kept here
 * because they decide the attribute values:
 * - an inherited per-task event cannot be mmap'ed with cpu = -1, hence one
 *   event per CPU even for a single task;
 * - the timestamps come from CLOCK_MONOTONIC so the merge threshold can be
 *   read with clock_gettime();
 * - the sys_enter event also asks for PERF_RECORD_MMAP of executable
 *   mappings: the first one a process makes inside execve names the program
 *   (as /proc/PID/exe does), written before the exec event even when the
 *   process exits at once;
 * - sys_enter wakes the reader at a quarter of the ring (watermark); the
 *   sched events wake it at once, so that /proc/PID/exe is read while the
 *   process that just exec'd is still running that executable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "perf.h"
#include "tracefs.h"

static int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group,
			       unsigned long flags)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group, flags);
}

int perf_online_cpus(int **cpus)
{
	char *text = NULL, *p, *end;
	int *v = NULL, n = 0, cap = 0, rc;

	rc = tracefs_slurp("/sys/devices/system/cpu/online", &text, NULL);
	if (rc)
		return rc;
	for (p = text; *p && *p != '\n';) {
		long a, b;

		a = strtol(p, &end, 10);
		if (end == p || a < 0)
			goto bad;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				goto bad;
			p = end;
		}
		for (; a <= b; a++) {
			if (n == cap) {
				int *nv;

				cap = cap ? cap * 2 : 16;
				nv = realloc(v, (size_t)cap * sizeof(*v));
				if (!nv) {
					free(v);
					free(text);
					return -ENOMEM;
				}
				v = nv;
			}
			v[n++] = (int)a;
		}
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			goto bad;
	}
	free(text);
	if (!n)
		return -ENOENT;
	*cpus = v;
	return n;
bad:
	free(text);
	free(v);
	return -EBADMSG;
}

int perf_paranoid(void)
{
	char *text = NULL;
	int v = 99;

	if (tracefs_slurp("/proc/sys/kernel/perf_event_paranoid", &text, NULL) == 0) {
		v = atoi(text);
		free(text);
	}
	return v;
}

static int push_fd(struct perf_session *s, int fd)
{
	if (s->nfds == s->capfds) {
		size_t cap = s->capfds ? s->capfds * 2 : 32;
		int *n = realloc(s->fds, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->fds = n;
		s->capfds = cap;
	}
	s->fds[s->nfds++] = fd;
	return 0;
}

static const char *const event_names[] = {
	"raw_syscalls:sys_enter", "sched:sched_process_exec", "sched:sched_process_fork",
	"sched:sched_process_exit",
};

static void perm_message(char *err, size_t errlen, const char *what, int e)
{
	snprintf(err, errlen,
		 "perf_event_open(%s): %s: tracing system calls needs root or CAP_PERFMON "
		 "(kernel.perf_event_paranoid is %d here; Debian kernels default to 3, which "
		 "refuses every unprivileged user)",
		 what, strerror(e), perf_paranoid());
}

int perf_session_open(struct perf_session *s, const struct perf_ids *ids, const pid_t *tids,
		      size_t ntids, pid_t self, size_t ring_bytes, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	uint32_t cfg[4] = { ids->enter, ids->exec, ids->fork, ids->exit };
	size_t pages = 1, t, nt = tids ? ntids : 1;
	int *cpus = NULL, ncpu, rc = 0;
	unsigned r;
	int k;

	memset(s, 0, sizeof(*s));
	while (pages * (size_t)page < ring_bytes && pages < (1u << 20))
		pages *= 2;
	s->ring_bytes = pages * (size_t)page;
	ncpu = perf_online_cpus(&cpus);
	if (ncpu < 0) {
		snprintf(err, errlen, "/sys/devices/system/cpu/online: %s", strerror(-ncpu));
		return ncpu;
	}
	s->nrings = (unsigned)ncpu;
	s->cpus = cpus;
	s->rings = calloc((size_t)ncpu, sizeof(*s->rings));
	s->pfd = calloc((size_t)ncpu, sizeof(*s->pfd));
	if (!s->rings || !s->pfd) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (r = 0; r < s->nrings; r++)
		s->pfd[r].fd = -1;
	for (r = 0; r < s->nrings; r++) {
		for (t = 0; t < nt; t++) {
			for (k = 0; k < 4; k++) {
				struct perf_event_attr a;
				pid_t pid = tids ? tids[t] : -1;
				int fd;

				if (!cfg[k])
					continue;
				memset(&a, 0, sizeof(a));
				a.size = sizeof(a);
				a.type = PERF_TYPE_TRACEPOINT;
				a.config = cfg[k];
				a.sample_period = 1;
				a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
						PERF_SAMPLE_RAW;
				a.disabled = 1;
				a.inherit = tids != NULL;
				a.sample_id_all = 1;
				a.use_clockid = 1;
				a.clockid = CLOCK_MONOTONIC;
				if (k == 0) {
					/* Executable mappings: the program execve maps, exactly named. */
					a.mmap = 1;
					a.watermark = 1;
					a.wakeup_watermark = (uint32_t)(s->ring_bytes / 4);
				} else {
					a.wakeup_events = 1;
				}
				fd = sys_perf_event_open(&a, pid, cpus[r], -1, PERF_FLAG_FD_CLOEXEC);
				if (fd < 0) {
					int e = errno;

					rc = -e;
					if (e == EACCES || e == EPERM) {
						perm_message(err, errlen, event_names[k], e);
						rc = -EACCES;
					} else if (e == ESRCH) {
						snprintf(err, errlen, "thread %d does not exist (any more)",
							 (int)pid);
					} else if (e == EMFILE || e == ENFILE) {
						snprintf(err, errlen,
							 "perf_event_open(%s): %s: %zu events opened; raise "
							 "the open-file limit (ulimit -n)",
							 event_names[k], strerror(e), s->nfds);
					} else {
						snprintf(err, errlen, "perf_event_open(%s, pid %d, cpu %d): %s%s",
							 event_names[k], (int)pid, cpus[r], strerror(e),
							 e == ENOENT || e == ENODEV ?
								 " (is CONFIG_FTRACE_SYSCALLS set?)" : "");
					}
					goto fail;
				}
				if (push_fd(s, fd)) {
					close(fd);
					rc = -ENOMEM;
					snprintf(err, errlen, "out of memory");
					goto fail;
				}
				if (!tids && k == 0 && self > 0) {
					char filter[64];

					/* Keep the tracer's own reads and polls out of the ring. */
					snprintf(filter, sizeof(filter), "common_pid != %d", (int)self);
					if (ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
						rc = -errno;
						snprintf(err, errlen, "setting filter '%s': %s", filter,
							 strerror(errno));
						goto fail;
					}
				}
				if (s->pfd[r].fd < 0) {
					size_t len = s->ring_bytes + (size_t)page;
					void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

					if (map == MAP_FAILED) {
						rc = -errno;
						snprintf(err, errlen,
							 "mmap of a %zu KiB ring on cpu %d: %s%s", len / 1024,
							 cpus[r], strerror(errno),
							 errno == EPERM ? " (over kernel.perf_event_mlock_kb? "
									  "try a smaller --ring-size)" : "");
						goto fail;
					}
					rc = ring_init(&s->rings[r], map, len, (size_t)page, (int)r);
					if (rc) {
						munmap(map, len);
						snprintf(err, errlen, "ring on cpu %d: %s", cpus[r],
							 strerror(-rc));
						goto fail;
					}
					s->pfd[r].fd = fd;
					s->pfd[r].events = POLLIN;
				} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, s->pfd[r].fd) < 0) {
					rc = -errno;
					snprintf(err, errlen, "PERF_EVENT_IOC_SET_OUTPUT on cpu %d: %s",
						 cpus[r], strerror(errno));
					goto fail;
				}
			}
		}
	}
	return 0;
fail:
	perf_session_close(s);
	return rc;
}

static int perf_ioctl_all(struct perf_session *s, unsigned long req)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nfds; i++)
		if (ioctl(s->fds[i], req, 0) < 0 && !rc)
			rc = -errno;
	return rc;
}

int perf_session_enable(struct perf_session *s)
{
	return perf_ioctl_all(s, PERF_EVENT_IOC_ENABLE);
}

int perf_session_disable(struct perf_session *s)
{
	return perf_ioctl_all(s, PERF_EVENT_IOC_DISABLE);
}

void perf_session_close(struct perf_session *s)
{
	size_t i;
	unsigned r;

	if (s->rings)
		for (r = 0; r < s->nrings; r++)
			if (s->rings[r].map)
				ring_fini(&s->rings[r], 1);
	for (i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	free(s->fds);
	free(s->rings);
	free(s->pfd);
	free(s->cpus);
	memset(s, 0, sizeof(*s));
}
