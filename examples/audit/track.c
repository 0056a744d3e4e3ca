/* SPDX-License-Identifier: MIT */
/*
 * Calls, in kernel order, to processes and profiles. A process is a pid
 * (on a host, when the log names hosts) running one executable in one
 * architecture; each such run is attached to the monitor under an id of its
 * own, so a reused pid or an exec never continues an old window:
 *  - a pid seen for the first time starts a run (a new pid is a new window);
 *  - a successful execve/execveat starts a run of the new executable, and
 *    the execve is its first call (audit logs the call at its exit, with the
 *    new exe=; pH counted it as the old program's last call instead);
 *  - a change of exe= or arch= without an execve seen also starts a run
 *    (records were lost, or a 64-bit program exec'd a 32-bit one);
 *  - the execve is held until the next call: when a 64-bit process execs a
 *    32-bit program, the execve is logged with the old arch= and the calls
 *    after it with the new one; the run then starts in the new arch, with
 *    the execve renumbered by name, so no one-call profile of the program
 *    appears under the wrong architecture;
 *  - exit_group ends the run; so does silence for --pid-timeout seconds
 *    (a process killed by a signal logs no exit).
 * Audit's pid is the thread group id: the threads of a process share one
 * window, their calls interleaved as the kernel stamped them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "audit.h"
#include "../common/syscall-names.h"

struct ss_proc_key {
	const char *host;	/* interned, or NULL */
	uint32_t pid;
	uint32_t pad;
};

/* A few multiplications per call instead of uthash's Jenkins hash (bench/). */
static inline unsigned ss_proc_hash(const struct ss_proc_key *k)
{
	uint32_t h = k->pid ^ (uint32_t)((uintptr_t)k->host >> 4) * 0x9e3779b1u;

	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

struct ss_proc {
	struct ss_proc_key key;
	uint32_t id;		/* the monitor's name for this run */
	uint32_t arch;
	const char *exe;	/* interned */
	enum ss_skip untracked;	/* not SS_SKIP_NONE: this run's calls are skipped */
	int attached;		/* the monitor knows this run as @id */
	uint64_t last_sec, last_serial;
	uint32_t last_ms;
	struct ss_call pending;	/* a successful execve, fed with the next call */
	int has_pending;
	uint64_t run;		/* extract: run number, in start order */
	uint32_t *seq;		/* extract: the calls */
	size_t n, cap;
	UT_hash_handle hh;
};

/* extract: a finished run. */
struct ss_run {
	uint64_t run;
	uint32_t pid, arch;
	const char *exe, *host;
	uint32_t *seq;
	size_t n;
};

/* Numbers of the calls that start and end processes, per architecture. */
struct ss_arch_calls {
	uint32_t arch;
	int execve, execveat, exit_group;
};

static const struct ss_arch_calls *ss_arch_calls(uint32_t arch)
{
	static struct ss_arch_calls cache[8];
	static unsigned used;
	struct ss_arch_calls *e;
	unsigned i;

	for (i = 0; i < used; i++)
		if (cache[i].arch == arch)
			return &cache[i];
	e = &cache[used < 8 ? used++ : 7];
	e->arch = arch;
	e->execve = ss_syscall_number(arch, "execve");
	e->execveat = ss_syscall_number(arch, "execveat");
	e->exit_group = ss_syscall_number(arch, "exit_group");
	return e;
}

static int ss_run_keep(struct ss_app *a, struct ss_proc *p)
{
	struct ss_run *r;

	if (a->nruns == a->runs_cap) {
		size_t cap = a->runs_cap ? a->runs_cap * 2 : 64;
		struct ss_run *nr = realloc(a->runs, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		a->runs = nr;
		a->runs_cap = cap;
	}
	r = &a->runs[a->nruns++];
	r->run = p->run;
	r->pid = p->key.pid;
	r->arch = p->arch;
	r->exe = p->exe;
	r->host = p->key.host;
	r->seq = p->seq;
	r->n = p->n;
	p->seq = NULL;
	p->n = p->cap = 0;
	return 0;
}

static void ss_run_end(struct ss_app *a, struct ss_proc *p)
{
	if (a->o.cmd == SS_CMD_EXTRACT) {
		if (p->n && ss_run_keep(a, p))
			fprintf(stderr, "selfseq-audit: out of memory keeping a sequence\n");
		free(p->seq);
		p->seq = NULL;
		p->n = p->cap = 0;
	} else if (p->attached) {
		selfseq_monitor_exit(a->mon, p->id);
		p->attached = 0;
	}
}

/* Why the monitor could not attach a run, as a skip reason (warning once per exe). */
static enum ss_skip ss_exec_error(struct ss_app *a, struct ss_proc *p, int err)
{
	if (err == -ENOSPC || err == -ENOMEM)
		return SS_SKIP_LIMIT;
	if (err == -EINVAL || err == -ENAMETOOLONG) {
		/* The store takes absolute paths only (not "(deleted)" suffixes etc.). */
		if (ss_names_warn_once(a->names, p->exe))
			fprintf(stderr, "selfseq-audit: %s: not usable as a profile key (%s), "
				"its calls are skipped\n", p->exe, selfseq_strerror(err));
		return SS_SKIP_EXE;
	}
	if (ss_names_warn_once(a->names, p->exe))
		fprintf(stderr, "selfseq-audit: profile of %s (%s) unreadable: %s; "
			"left untouched, its processes are not monitored\n", p->exe,
			ss_arch_name(p->arch) ? ss_arch_name(p->arch) : "?", selfseq_strerror(err));
	return SS_SKIP_PROFILE;
}

/* Score mode tests against stored profiles: an empty one means none was stored. */
static int ss_profile_empty(struct ss_app *a, uint32_t id)
{
	struct selfseq_profile_state st = { .sz = sizeof(st) };
	struct selfseq_process *proc = selfseq_monitor_get_process(a->mon, id);

	if (!proc || selfseq_profile_get_state(selfseq_process_get_profile(proc), &st))
		return 1;
	return !st.train_pairs && !st.test_pairs;
}

static void ss_feed(struct ss_app *a, struct ss_proc *p, const struct ss_call *c);

static void ss_run_start(struct ss_app *a, struct ss_proc *p, const struct ss_call *c)
{
	p->exe = c->exe;
	p->arch = c->arch;
	p->untracked = SS_SKIP_NONE;
	p->attached = 0;
	p->run = a->run_seq++;
	a->processes++;
}

/* Attach a run to the monitor when its first call is fed (not before: see the execve rule). */
static void ss_attach(struct ss_app *a, struct ss_proc *p)
{
	int err;

	/* Ids never repeat in practice (2^32 runs); skip one still in use after a wrap. */
	do
		p->id = ++a->next_id;
	while (!p->id || selfseq_monitor_get_process(a->mon, p->id));
	err = selfseq_monitor_exec(a->mon, p->id, p->exe, p->arch);
	if (err) {
		p->untracked = ss_exec_error(a, p, err);
		return;
	}
	p->attached = 1;
	if (a->o.cmd == SS_CMD_SCORE && ss_profile_empty(a, p->id)) {
		if (ss_names_warn_once(a->names, p->exe))
			fprintf(stderr, "selfseq-audit: no stored profile for %s (%s); "
				"its calls are not scored\n", p->exe,
				ss_arch_name(p->arch) ? ss_arch_name(p->arch) : "?");
		selfseq_monitor_exit(a->mon, p->id);
		p->attached = 0;
		p->untracked = SS_SKIP_NOPROFILE;
	}
}

/* One call of the run: attached on first use, fed, or counted as skipped. */
static void ss_deliver(struct ss_app *a, struct ss_proc *p, const struct ss_call *c)
{
	if (!p->attached && !p->untracked && a->o.cmd != SS_CMD_EXTRACT)
		ss_attach(a, p);
	if (p->untracked)
		a->skipped[p->untracked]++;
	else
		ss_feed(a, p, c);
}

/* The held execve goes to the run it started. */
static void ss_flush_pending(struct ss_app *a, struct ss_proc *p)
{
	if (!p->has_pending)
		return;
	p->has_pending = 0;
	ss_deliver(a, p, &p->pending);
}

static void ss_proc_drop(struct ss_app *a, struct ss_proc *p)
{
	ss_flush_pending(a, p);
	ss_run_end(a, p);
	HASH_DEL(a->procs, p);
	free(p->seq);
	free(p);
	a->nprocs--;
}

/* Forget processes silent for --pid-timeout (killed ones log no exit_group). */
static void ss_sweep(struct ss_app *a, uint64_t now_sec)
{
	struct ss_proc *p, *tmp;

	if (!a->o.pid_timeout_s || now_sec < a->next_sweep_sec)
		return;
	a->next_sweep_sec = now_sec + (a->o.pid_timeout_s < 60 ? a->o.pid_timeout_s : 60);
	HASH_ITER(hh, a->procs, p, tmp)
		if (p->last_sec + a->o.pid_timeout_s < now_sec)
			ss_proc_drop(a, p);
}

static struct ss_proc *ss_proc_new(struct ss_app *a, const struct ss_call *c)
{
	struct ss_proc *p;
	uint32_t max = a->o.max_processes;

	/*
	 * Processes over the monitor's limit keep an entry too, so their calls
	 * are counted under their reason; a margin bounds those entries.
	 */
	if (max && a->nprocs >= (max > UINT32_MAX - 4096u ? UINT32_MAX : max + 4096u))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->key.host = c->host;
	p->key.pid = c->pid;
	HASH_ADD_BYHASHVALUE(hh, a->procs, key, sizeof(p->key), ss_proc_hash(&p->key), p);
	if (!p->hh.tbl) {
		free(p);
		return NULL;
	}
	a->nprocs++;
	return p;
}

static int ss_call_before_last(const struct ss_proc *p, const struct ss_call *c)
{
	if (c->sec != p->last_sec)
		return c->sec < p->last_sec;
	if (c->ms != p->last_ms)
		return c->ms < p->last_ms;
	return c->serial < p->last_serial;
}

static void ss_feed(struct ss_app *a, struct ss_proc *p, const struct ss_call *c)
{
	struct selfseq_event ev = { .sz = sizeof(ev) };
	uint64_t now_ns;
	int err;

	if (a->o.cmd == SS_CMD_EXTRACT) {
		if (p->n == p->cap) {
			size_t cap = p->cap ? p->cap * 2 : 32;
			uint32_t *s = realloc(p->seq, cap * sizeof(*s));

			if (!s) {
				a->skipped[SS_SKIP_LIMIT]++;
				return;
			}
			p->seq = s;
			p->cap = cap;
		}
		p->seq[p->n++] = c->nr;
		a->calls++;
		return;
	}
	now_ns = c->sec * 1000000000ull + (uint64_t)c->ms * 1000000ull;
	err = selfseq_monitor_feed(a->mon, p->id, c->nr, now_ns, &ev);
	if (err == -ERANGE) {
		a->skipped[SS_SKIP_RANGE]++;
		return;
	}
	if (err == -ENOENT) {
		a->skipped[SS_SKIP_LIMIT]++;
		return;
	}
	/* Other errors (the training set could not grow) still tested the call. */
	a->calls++;
	if (ev.flags & SELFSEQ_EVENT_ANOMALOUS)
		ss_output_anomaly(a, c, p->exe, &ev);
	if (a->o.show_states && (ev.flags & (SELFSEQ_EVENT_FROZEN | SELFSEQ_EVENT_THAWED |
					     SELFSEQ_EVENT_NORMAL | SELFSEQ_EVENT_ANOMALY_LIMIT |
					     SELFSEQ_EVENT_TOLERIZE_LIMIT)))
		ss_output_state(a, c, p->exe, &ev);
}

void ss_track_call(struct ss_app *a, const struct ss_call *c)
{
	struct ss_proc_key key = { .host = c->host, .pid = c->pid };
	const struct ss_arch_calls *ac = ss_arch_calls(c->arch);
	int ok = !(c->flags & SS_CALL_FAILED);
	int execs = ok && ((int)c->nr == ac->execve || (int)c->nr == ac->execveat);
	struct ss_proc *p;

	ss_sweep(a, c->sec);
	HASH_FIND_BYHASHVALUE(hh, a->procs, &key, sizeof(key), ss_proc_hash(&key), p);
	if (p && ss_call_before_last(p, c)) {
		/* Beyond the reorder window: feeding it would scramble the window. */
		a->skipped[SS_SKIP_LATE]++;
		return;
	}
	if (!p) {
		p = ss_proc_new(a, c);
		if (!p) {
			a->skipped[SS_SKIP_LIMIT]++;
			return;
		}
		ss_run_start(a, p, c);
	} else if (p->has_pending && !execs && p->exe == c->exe && p->arch != c->arch) {
		/* The exec'd program runs in another ABI: restart there, execve first. */
		struct ss_call ex = p->pending;
		const char *name = ss_syscall_name(ex.arch, ex.nr);
		int nr = name ? ss_syscall_number(c->arch, name) : -1;

		p->has_pending = 0;
		ss_run_end(a, p);
		a->processes--;	/* the same process, not another one */
		ss_run_start(a, p, c);
		if (nr >= 0) {
			ex.arch = c->arch;
			ex.nr = (uint32_t)nr;
			p->pending = ex;
			p->has_pending = 1;
		} else {
			a->skipped[SS_SKIP_ARCH]++;	/* no execve in the new table */
		}
	} else if (execs || p->exe != c->exe || p->arch != c->arch) {
		ss_flush_pending(a, p);
		ss_run_end(a, p);
		ss_run_start(a, p, c);
	}
	p->last_sec = c->sec;
	p->last_ms = c->ms;
	p->last_serial = c->serial;
	if (execs) {
		p->pending = *c;
		p->has_pending = 1;
		return;
	}
	ss_flush_pending(a, p);
	ss_deliver(a, p, c);
	if ((int)c->nr == ac->exit_group)
		ss_proc_drop(a, p);
}

static int ss_run_cmp(const void *x, const void *y)
{
	const struct ss_run *a = x, *b = y;

	return a->run < b->run ? -1 : a->run > b->run;
}

static void ss_print_runs(struct ss_app *a)
{
	size_t i, j;

	if (!a->nruns)
		return;	/* qsort's array may not be NULL, even for 0 entries */
	qsort(a->runs, a->nruns, sizeof(a->runs[0]), ss_run_cmp);
	for (i = 0; i < a->nruns; i++) {
		const struct ss_run *r = &a->runs[i];
		const char *arch = ss_arch_name(r->arch);

		fprintf(a->out, "{\"pid\":%u,", r->pid);
		if (r->host) {
			fputs("\"node\":", a->out);
			ss_json_string(a->out, r->host);
			fputc(',', a->out);
		}
		fputs("\"arch\":", a->out);
		ss_json_string(a->out, arch ? arch : "unknown");
		fputs(",\"exe\":", a->out);
		ss_json_string(a->out, r->exe);
		fputs(",\"calls\":[", a->out);
		for (j = 0; j < r->n; j++)
			fprintf(a->out, "%s%u", j ? "," : "", r->seq[j]);
		fputs("],\"names\":[", a->out);
		for (j = 0; j < r->n; j++) {
			const char *name = ss_syscall_name(r->arch, r->seq[j]);

			if (j)
				fputc(',', a->out);
			if (name)
				ss_json_string(a->out, name);
			else
				fputs("null", a->out);
		}
		fputs("]}\n", a->out);
	}
}

void ss_track_finish(struct ss_app *a)
{
	struct ss_proc *p, *tmp;

	HASH_ITER(hh, a->procs, p, tmp)
		ss_proc_drop(a, p);
	if (a->o.cmd == SS_CMD_EXTRACT)
		ss_print_runs(a);
}

void ss_track_free(struct ss_app *a)
{
	struct ss_proc *p, *tmp;
	size_t i;

	HASH_ITER(hh, a->procs, p, tmp) {
		HASH_DEL(a->procs, p);
		free(p->seq);
		free(p);
	}
	a->nprocs = 0;
	for (i = 0; i < a->nruns; i++)
		free(a->runs[i].seq);
	free(a->runs);
	a->runs = NULL;
	a->nruns = a->runs_cap = 0;
}
