/* SPDX-License-Identifier: MIT */
/*
 * SIGSTOP/SIGCONT delays (see delay.h). Few processes are stopped at once,
 * so a plain array is enough.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "delay.h"

struct stopped {
	pid_t pid;
	uint64_t until_ns;
};

struct delays {
	uint64_t max_ms;
	pid_t self;
	struct stopped *v;
	size_t n, cap;
	struct delays_stats st;
};

int delays_new(uint64_t max_ms, pid_t self, struct delays **out)
{
	struct delays *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->max_ms = max_ms;
	d->self = self;
	*out = d;
	return 0;
}

void delays_free(struct delays *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		kill(d->v[i].pid, SIGCONT);
	free(d->v);
	free(d);
}

int delays_apply(struct delays *d, pid_t pid, uint64_t ms, uint64_t now_ns)
{
	uint64_t until;
	size_t i;

	if (pid <= 1 || pid == d->self) {
		d->st.refused++;
		return -EPERM;
	}
	if (ms > d->max_ms)
		ms = d->max_ms;
	until = now_ns + ms * 1000000ull;
	for (i = 0; i < d->n; i++) {
		if (d->v[i].pid == pid) {
			if (until > d->v[i].until_ns) {
				d->st.total_ms += (until - d->v[i].until_ns) / 1000000ull;
				d->v[i].until_ns = until;
				d->st.extended++;
			}
			return 0;
		}
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct stopped *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	if (kill(pid, SIGSTOP) < 0) {
		d->st.refused++;
		return -errno;
	}
	d->v[d->n].pid = pid;
	d->v[d->n].until_ns = until;
	d->n++;
	d->st.stops++;
	d->st.total_ms += ms;
	return 0;
}

unsigned delays_tick(struct delays *d, uint64_t now_ns)
{
	unsigned resumed = 0;
	size_t i = 0;

	while (i < d->n) {
		if (d->v[i].until_ns <= now_ns) {
			kill(d->v[i].pid, SIGCONT);
			d->v[i] = d->v[--d->n];
			resumed++;
		} else {
			i++;
		}
	}
	return resumed;
}

uint64_t delays_next(const struct delays *d)
{
	uint64_t next = UINT64_MAX;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].until_ns < next)
			next = d->v[i].until_ns;
	return next;
}

const struct delays_stats *delays_get_stats(const struct delays *d)
{
	return &d->st;
}
