/* SPDX-License-Identifier: MIT */
/*
 * Thread table and event application (see tasks.h). Runs once per call, so
 * the lookup keeps a one-entry cache: consecutive calls of one thread are
 * the common case.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tasks.h"

struct tasks {
	struct tasks_opts o;
	struct task *table;
	struct task *last;
	struct tasks_stats st;
};

int tasks_new(const struct tasks_opts *opts, struct tasks **out)
{
	struct tasks *ts;

	if (!opts || !opts->sink)
		return -EINVAL;
	ts = calloc(1, sizeof(*ts));
	if (!ts)
		return -ENOMEM;
	ts->o = *opts;
	if (!ts->o.alphabet)
		ts->o.alphabet = SELFSEQ_DEFAULT_ALPHABET;
	*out = ts;
	return 0;
}

void tasks_free(struct tasks *ts)
{
	struct task *t, *tmp;

	if (!ts)
		return;
	HASH_ITER(hh, ts->table, t, tmp) {
		HASH_DEL(ts->table, t);
		free(t);
	}
	free(ts);
}

static struct task *task_get(struct tasks *ts, uint32_t tid)
{
	struct task *t;

	if (ts->last && ts->last->tid == tid)
		return ts->last;
	HASH_FIND(hh, ts->table, &tid, sizeof(tid), t);
	if (t)
		ts->last = t;
	return t;
}

const struct task *tasks_find(const struct tasks *ts, uint32_t tid)
{
	struct task *t;

	HASH_FIND(hh, ts->table, &tid, sizeof(tid), t);
	return t;
}

static struct task *task_add(struct tasks *ts, uint32_t tid)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tid = tid;
	t->uid = UINT32_MAX;
	HASH_ADD(hh, ts->table, tid, sizeof(t->tid), t);
	return t;
}

static void task_del(struct tasks *ts, struct task *t)
{
	if (t->state == TASK_TRACKED && ts->o.sink->exit)
		ts->o.sink->exit(ts->o.sink->ctx, t->tid);
	if (ts->last == t)
		ts->last = NULL;
	HASH_DEL(ts->table, t);
	free(t);
}

int tasks_ignore_until_exec(struct tasks *ts, uint32_t tid, uint32_t ppid)
{
	struct task *t = task_get(ts, tid);

	if (!t)
		t = task_add(ts, tid);
	if (!t)
		return -ENOMEM;
	t->state = TASK_IGNORED;
	t->tgid = tid;
	t->ppid = ppid;
	return 0;
}

static int filter_ok(const struct tasks *ts, const char *exe)
{
	const char *const *f = ts->o.exe_filter;

	if (!f)
		return 1;
	for (; *f; f++)
		if (strcmp(*f, exe) == 0)
			return 1;
	return 0;
}

/* @t now runs @exe: attach it to the executable's profile, or stop tracking it. */
static void task_attach(struct tasks *ts, struct task *t, const char *exe, uint32_t arch)
{
	const struct task_sink *s = ts->o.sink;
	int rc;

	t->exe = exe;
	t->arch = arch;
	if (!filter_ok(ts, exe)) {
		if (t->state == TASK_TRACKED && s->exit)
			s->exit(s->ctx, t->tid);
		t->state = TASK_IGNORED;
		ts->st.filtered++;
		return;
	}
	rc = s->exec(s->ctx, t->tid, exe, arch);
	if (rc < 0) {
		t->state = TASK_IGNORED;
		if (rc == -ENODATA)
			ts->st.unprofiled++;
		else
			ts->st.refused++;
		return;
	}
	t->state = TASK_TRACKED;
}

/* A thread with no exec or fork seen: ask the probe what it runs. */
static struct task *task_discover(struct tasks *ts, struct task *t, const struct tev *ev)
{
	struct task_facts f;

	if (!t)
		t = task_add(ts, ev->tid);
	if (!t)
		return NULL;
	t->tgid = ev->pid;
	memset(&f, 0, sizeof(f));
	f.uid = UINT32_MAX;
	if (!ts->o.probe || !ts->o.probe->probe ||
	    ts->o.probe->probe(ts->o.probe->ctx, ev->pid, ev->tid, &f) || !f.exe) {
		t->state = TASK_UNRESOLVED;
		ts->st.unresolved++;
		return t;
	}
	t->ppid = f.ppid;
	t->uid = f.uid;
	task_attach(ts, t, f.exe, f.arch);
	return t;
}

static void on_call(struct tasks *ts, const struct tev *ev)
{
	const struct task_sink *s = ts->o.sink;
	struct selfseq_event sev;
	struct task *t;
	uint64_t now;
	int64_t nr;

	ts->st.calls++;
	t = task_get(ts, ev->tid);
	if (!t || t->state == TASK_UNKNOWN) {
		t = task_discover(ts, t, ev);
		if (!t) {
			ts->st.untracked_calls++;
			return;
		}
	}
	t->last_ns = ev->time;
	t->map_run = 0;
	if (!t->seen_sample) {
		t->seen_sample = 1;
		if (t->tgid != ev->pid) {
			/* A forked thread: the first sample tells whether it is a process. */
			t->tgid = ev->pid;
			if (t->tgid == t->tid && t->fork_parent_tgid)
				t->ppid = t->fork_parent_tgid;
		}
	}
	if (!t->counted && t->state == TASK_TRACKED) {
		t->counted = 1;
		if (t->tid == t->tgid)
			ts->st.processes++;
		else
			ts->st.threads++;
	}
	if (t->state != TASK_TRACKED) {
		ts->st.untracked_calls++;
		return;
	}
	nr = ev->u.sys.nr;
	if (nr < 0 || nr >= (int64_t)ts->o.alphabet) {
		ts->st.foreign_calls++;
		return;
	}
	now = ev->time + (uint64_t)ts->o.clock_offset;
	memset(&sev, 0, sizeof(sev));
	sev.sz = sizeof(sev);
	if (s->feed(s->ctx, t->tid, (uint32_t)nr, now, &sev) < 0) {
		ts->st.feed_errors++;
		return;
	}
	ts->st.tracked_calls++;
	if (sev.flags & SELFSEQ_EVENT_ANOMALOUS)
		ts->st.anomalies++;
	if (sev.flags && ts->o.on_event)
		ts->o.on_event(ts->o.cb_ctx, t, ev, now, &sev);
}

static void on_fork(struct tasks *ts, const struct tev *ev)
{
	const struct task_sink *s = ts->o.sink;
	struct task *p, *c;

	ts->st.forks++;
	c = task_get(ts, ev->u.fork.child);
	if (c)
		task_del(ts, c);	/* a reused id whose exit we never saw */
	p = task_get(ts, ev->u.fork.parent);
	if (!p)
		return;		/* found on its first call instead */
	c = task_add(ts, ev->u.fork.child);
	if (!c)
		return;
	c->exe = p->exe;
	c->arch = p->arch;
	c->uid = p->uid;
	c->ppid = p->ppid;
	c->tgid = p->tgid;	/* a thread's; corrected at its first call if it is a process */
	c->fork_parent_tgid = p->tgid ? p->tgid : p->tid;
	c->last_ns = ev->time;
	if (p->state == TASK_TRACKED) {
		if (s->fork(s->ctx, p->tid, c->tid) < 0) {
			c->state = TASK_IGNORED;
			ts->st.refused++;
		} else {
			c->state = TASK_TRACKED;
		}
	} else {
		c->state = p->state;
	}
}

static void on_mmap(struct tasks *ts, const struct tev *ev)
{
	struct task *t = task_get(ts, ev->tid);

	if (!ev->u.mmap.file || ev->u.mmap.file[0] != '/')
		return;
	if (!t) {
		t = task_add(ts, ev->tid);
		if (!t)
			return;
		t->tgid = ev->pid;
		t->last_ns = ev->time;
	}
	if (!t->map_run) {
		t->map_run = 1;
		t->map_first = ev->u.mmap.file;
	}
}

static void on_exec(struct tasks *ts, const struct tev *ev)
{
	uint32_t pid = ev->u.exec.pid, old = ev->u.exec.old_pid, arch = ev->u.exec.arch;
	const char *exe = ev->u.exec.exe;
	struct task *t;

	ts->st.execs++;
	if (old != pid) {
		/* A non-leader thread called execve and took over the leader's id. */
		t = task_get(ts, old);
		if (t)
			task_del(ts, t);
	}
	t = task_get(ts, pid);
	if (!t)
		t = task_add(ts, pid);
	if (!t)
		return;
	t->tgid = pid;
	t->last_ns = ev->time;
	t->fork_parent_tgid = 0;
	if (ev->u.exec.ppid)
		t->ppid = ev->u.exec.ppid;
	if (ev->u.exec.uid != UINT32_MAX)
		t->uid = ev->u.exec.uid;
	if (t->map_run && t->map_first) {
		const struct task_probe *p = ts->o.probe;
		uint32_t a = p && p->arch ? p->arch(p->ctx, t->map_first) : 0;

		if (!exe || strcmp(exe, t->map_first))
			ts->st.exe_from_mapping++;
		exe = t->map_first;
		if (a)
			arch = a;
	}
	t->map_run = 0;
	if (!exe) {
		if (t->state == TASK_TRACKED && ts->o.sink->exit)
			ts->o.sink->exit(ts->o.sink->ctx, t->tid);
		t->state = TASK_UNRESOLVED;
		ts->st.unresolved++;
		return;
	}
	task_attach(ts, t, exe, arch);
	t->seen_sample = 1;
	if (t->state == TASK_TRACKED && !t->counted) {
		t->counted = 1;
		ts->st.processes++;
	}
}

static void on_exit_ev(struct tasks *ts, const struct tev *ev)
{
	struct task *t = task_get(ts, ev->u.exit.pid);

	ts->st.exits++;
	if (t)
		task_del(ts, t);
}

static void on_lost(struct tasks *ts, const struct tev *ev)
{
	const struct task_sink *s = ts->o.sink;
	struct task *t, *tmp;

	ts->st.lost += ev->u.lost.count;
	ts->st.lost_records++;
	/* The ring does not say whose samples were lost: every window restarts. */
	if (!s->gap)
		return;
	HASH_ITER(hh, ts->table, t, tmp)
		if (t->state == TASK_TRACKED)
			s->gap(s->ctx, t->tid);
}

void tasks_apply(struct tasks *ts, const struct tev *ev)
{
	switch (ev->kind) {
	case TEV_SYSCALL:
		on_call(ts, ev);
		break;
	case TEV_FORK:
		on_fork(ts, ev);
		break;
	case TEV_EXEC:
		on_exec(ts, ev);
		break;
	case TEV_EXIT:
		on_exit_ev(ts, ev);
		break;
	case TEV_LOST:
		on_lost(ts, ev);
		break;
	case TEV_MMAP:
		on_mmap(ts, ev);
		break;
	default:
		break;
	}
}

unsigned tasks_sweep(struct tasks *ts, uint64_t idle_before_ns,
		     int (*alive)(uint32_t pid, uint32_t tid))
{
	struct task *t, *tmp;
	unsigned n = 0;

	HASH_ITER(hh, ts->table, t, tmp) {
		if (t->last_ns < idle_before_ns && !alive(t->tgid ? t->tgid : t->tid, t->tid)) {
			task_del(ts, t);
			n++;
		}
	}
	return n;
}

const struct tasks_stats *tasks_get_stats(const struct tasks *ts)
{
	return &ts->st;
}

void tasks_foreach(struct tasks *ts, void (*cb)(void *ctx, const struct task *t), void *ctx)
{
	struct task *t, *tmp;

	HASH_ITER(hh, ts->table, t, tmp)
		cb(ctx, t);
}
