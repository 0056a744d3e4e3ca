/* SPDX-License-Identifier: MIT */
/*
 * The userland monitor: a pid table of selfseq_process objects and a table
 * of per-(executable, architecture) profiles backed by a profile store, so
 * front ends only translate their events into exec/fork/exit/feed calls.
 *
 * Profile keys: the executable path for the monitor's native architecture,
 * and "<exe>/%arch-<8 hex digits>" for another one (e.g.
 * "/usr/bin/foo/%arch-40000003" for i386 calls on x86_64). A path below an
 * executable file cannot be an executable itself, so such a key never
 * collides with a real program, and the store keeps it next to the native
 * profile (DIR/usr/bin/foo/%25arch-40000003/%profile).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <selfseq/selfseq-file.h>
#include <selfseq/selfseq-monitor.h>

#include "core/internal.h"

/* uthash must not exit() when malloc fails: it reports, and we return -ENOMEM. */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) (ss_hash_oom = 1)
static __thread int ss_hash_oom;
#include <uthash.h>

/*
 * Pids are looked up at every call: a few multiplications (lowbias32)
 * instead of uthash's default Jenkins hash, which cost more than the rest
 * of selfseq_monitor_feed() (bench/ of selfseq-audit).
 */
static inline unsigned ss_pid_hash(uint32_t pid)
{
	uint32_t h = pid;

	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

#define SS_PROC_FIND(m, pid, out) \
	HASH_FIND_BYHASHVALUE(hh, (m)->procs, &(pid), sizeof(uint32_t), ss_pid_hash(pid), out)

/* One profile key: a held profile, or the error that made its file unreadable. */
struct ss_mon_profile {
	char *key;
	struct selfseq_profile *profile;	/* NULL when load_err is set */
	int load_err;
	int dirty;		/* learned something since it was last saved */
	UT_hash_handle hh;
};

struct ss_mon_proc {
	uint32_t pid;
	struct selfseq_process *proc;
	struct ss_mon_profile *prof;
	UT_hash_handle hh;
};

struct selfseq_monitor {
	struct selfseq_store *store;
	uint32_t mode;
	uint32_t window;
	uint32_t alphabet;
	uint32_t lfc_frame;
	uint32_t native_arch;
	uint32_t max_profiles;
	uint32_t max_processes;
	struct selfseq_params params;
	struct ss_mon_profile *profiles;
	struct ss_mon_proc *procs;
	uint32_t nkeys;		/* entries of @profiles, unreadable ones included */
	struct selfseq_monitor_stats stats;
};

/* The audit architecture of this build's own system calls (AUDIT_ARCH_*), 0 if unknown. */
static uint32_t ss_native_arch(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return 0xc000003eu;	/* x32 is reported with the x86_64 arch */
#elif defined(__x86_64__)
	return 0xc000003eu;
#elif defined(__i386__)
	return 0x40000003u;
#elif defined(__aarch64__) && defined(__AARCH64EB__)
	return 0x800000b7u;
#elif defined(__aarch64__)
	return 0xc00000b7u;
#elif defined(__arm__) && defined(__ARMEB__)
	return 0x00000028u;
#elif defined(__arm__)
	return 0x40000028u;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return 0xc0000015u;
#elif defined(__powerpc64__)
	return 0x80000015u;
#elif defined(__s390x__)
	return 0x80000016u;
#elif defined(__riscv) && __riscv_xlen == 64
	return 0xc00000f3u;
#else
	return 0;
#endif
}

SELFSEQ_EXPORT int selfseq_monitor_new(const struct selfseq_monitor_opts *opts,
				       struct selfseq_monitor **out)
{
	const struct selfseq_params *params;
	const char *dir;
	struct selfseq_monitor *m;
	int err = ss_opts_check(opts, sizeof(*opts));

	if (err)
		return err;
	if (!out)
		return -EINVAL;
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->mode = SS_OPTS_GET(opts, mode, SELFSEQ_MODE_MONITOR);
	m->window = SS_OPTS_GET(opts, window, 0);
	m->alphabet = SS_OPTS_GET(opts, alphabet, 0);
	m->lfc_frame = SS_OPTS_GET(opts, lfc_frame, 0);
	m->max_profiles = SS_OPTS_GET(opts, max_profiles, 0);
	m->max_processes = SS_OPTS_GET(opts, max_processes, 0);
	m->native_arch = ss_native_arch();
	m->stats.sz = sizeof(m->stats);
	ss_profile_default_params(&m->params);
	params = SS_OPTS_GET(opts, params, NULL);
	if (m->mode > SELFSEQ_MODE_SCORE ||
	    (m->window && (m->window < SELFSEQ_WINDOW_MIN || m->window > SELFSEQ_WINDOW_MAX)) ||
	    m->alphabet > SELFSEQ_ALPHABET_MAX || m->lfc_frame > SELFSEQ_LFC_FRAME_MAX) {
		err = -EINVAL;
		goto fail;
	}
	if (params) {
		/* Validate now, so a bad parameter fails here and not at every exec. */
		err = ss_opts_check(params, sizeof(*params));
		if (err)
			goto fail;
		ss_memcpy(&m->params, params,
			  params->sz < sizeof(m->params) ? params->sz : sizeof(m->params));
		m->params.sz = sizeof(m->params);
		err = ss_profile_check_params(&m->params);
		if (err)
			goto fail;
	}
	dir = SS_OPTS_GET(opts, store_dir, NULL);
	if (dir) {
		err = selfseq_store_open(dir, SELFSEQ_STORE_CREATE, &m->store);
		if (err)
			goto fail;
	}
	*out = m;
	return 0;
fail:
	free(m);
	return err;
}

static void ss_mon_proc_drop(struct selfseq_monitor *m, struct ss_mon_proc *mp)
{
	HASH_DEL(m->procs, mp);
	selfseq_process_free(mp->proc);
	free(mp);
	m->stats.processes--;
}

SELFSEQ_EXPORT void selfseq_monitor_free(struct selfseq_monitor *m)
{
	struct ss_mon_proc *mp, *mtmp;
	struct ss_mon_profile *e, *etmp;

	if (!m)
		return;
	/* Processes first: each holds a reference (tasks) on its profile. */
	HASH_ITER(hh, m->procs, mp, mtmp)
		ss_mon_proc_drop(m, mp);
	HASH_ITER(hh, m->profiles, e, etmp) {
		HASH_DEL(m->profiles, e);
		selfseq_profile_free(e->profile);
		free(e->key);
		free(e);
	}
	selfseq_store_close(m->store);
	free(m);
}

/* The profile key of (@exe, @arch); see the comment at the top. Caller frees. */
static char *ss_mon_key(const struct selfseq_monitor *m, const char *exe, uint32_t arch)
{
	size_t len = strlen(exe);
	char *key;

	if (arch == m->native_arch) {
		key = malloc(len + 1);
		if (key)
			memcpy(key, exe, len + 1);
		return key;
	}
	key = malloc(len + sizeof("/%arch-") + 8);
	if (key)
		snprintf(key, len + sizeof("/%arch-") + 8, "%s/%%arch-%08x", exe, (unsigned)arch);
	return key;
}

/* A profile read from the store, checked against what the monitor expects of it. */
static int ss_mon_load(struct selfseq_monitor *m, const char *key, uint32_t arch,
		       struct selfseq_profile **out)
{
	struct selfseq_profile *p;
	struct selfseq_profile_state st = { .sz = sizeof(st) };
	int err;

	err = selfseq_store_load(m->store, key, NULL, &p);
	if (err)
		return err;
	selfseq_profile_get_state(p, &st);
	/*
	 * A profile of another architecture under this key (numbers of another
	 * table) is as inconsistent as a file under the wrong key: refused.
	 * Arch 0 means the writer did not know it (offline tools): accepted.
	 */
	if (st.arch && st.arch != arch) {
		selfseq_profile_free(p);
		return -EBADMSG;
	}
	err = selfseq_profile_set_params(p, &m->params);
	if (err) {
		selfseq_profile_free(p);
		return err;
	}
	m->stats.profiles_loaded++;
	*out = p;
	return 0;
}

static int ss_mon_create(struct selfseq_monitor *m, const char *key, uint32_t arch,
			 struct selfseq_profile **out)
{
	struct selfseq_profile_opts po = {
		.sz = sizeof(po),
		.window = m->window,
		.alphabet = m->alphabet,
		.lfc_frame = m->lfc_frame,
		.arch = arch,
	};
	struct selfseq_profile *p;
	int err = selfseq_profile_new(&po, &p);

	if (err)
		return err;
	err = selfseq_profile_set_key(p, key);
	if (!err)
		err = selfseq_profile_set_params(p, &m->params);
	if (err) {
		selfseq_profile_free(p);
		return err;
	}
	*out = p;
	return 0;
}

/*
 * Find or make the entry of @key. An unreadable stored profile gets an entry
 * too, holding its error, so it is neither read again at every exec nor
 * replaced by a new profile that a later save would write over it.
 */
static int ss_mon_profile_get(struct selfseq_monitor *m, const char *exe, uint32_t arch,
			      struct ss_mon_profile **out)
{
	struct ss_mon_profile *e;
	struct selfseq_profile *p = NULL;
	char *key = ss_mon_key(m, exe, arch);
	int err;

	if (!key)
		return -ENOMEM;
	HASH_FIND_STR(m->profiles, key, e);
	if (e) {
		free(key);
		*out = e;
		return e->load_err;
	}
	if (m->max_profiles && m->nkeys >= m->max_profiles) {
		free(key);
		return -ENOSPC;
	}
	err = m->store ? ss_mon_load(m, key, arch, &p) : -ENOENT;
	if (err == -ENOENT)
		err = ss_mon_create(m, key, arch, &p);
	else if (err == -ENOMEM) {
		/* Not the file's fault: no entry, a later exec tries again. */
		free(key);
		return err;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		selfseq_profile_free(p);
		free(key);
		return -ENOMEM;
	}
	e->key = key;
	e->profile = err ? NULL : p;
	e->load_err = err;
	ss_hash_oom = 0;
	HASH_ADD_KEYPTR(hh, m->profiles, e->key, strlen(e->key), e);
	if (ss_hash_oom) {
		selfseq_profile_free(e->profile);
		free(e->key);
		free(e);
		return -ENOMEM;
	}
	m->nkeys++;
	if (e->profile)
		m->stats.profiles++;
	*out = e;
	return err;
}

/* Attach @pid (made if new) to @e with a fresh process: a new window and LFC. */
static int ss_mon_attach(struct selfseq_monitor *m, uint32_t pid, struct ss_mon_profile *e,
			 struct ss_mon_proc **out)
{
	struct selfseq_process *proc;
	struct ss_mon_proc *mp;
	int err;

	SS_PROC_FIND(m, pid, mp);
	if (!mp && m->max_processes && m->stats.processes >= m->max_processes)
		return -ENOSPC;
	/* A fresh object each time: the new profile's frame may exceed the old one's. */
	err = selfseq_process_new(e->profile, &proc);
	if (!err)
		err = selfseq_process_set_mode(proc, m->mode);
	if (err) {
		selfseq_process_free(proc);
		return err;
	}
	if (mp) {
		selfseq_process_free(mp->proc);
	} else {
		mp = calloc(1, sizeof(*mp));
		if (!mp) {
			selfseq_process_free(proc);
			return -ENOMEM;
		}
		mp->pid = pid;
		ss_hash_oom = 0;
		HASH_ADD_BYHASHVALUE(hh, m->procs, pid, sizeof(mp->pid), ss_pid_hash(pid), mp);
		if (ss_hash_oom) {
			selfseq_process_free(proc);
			free(mp);
			return -ENOMEM;
		}
		m->stats.processes++;
	}
	mp->proc = proc;
	mp->prof = e;
	*out = mp;
	return 0;
}

/* After a failed exec or fork the pid runs something we do not follow: forget it. */
static void ss_mon_untrack(struct selfseq_monitor *m, uint32_t pid)
{
	struct ss_mon_proc *mp;

	SS_PROC_FIND(m, pid, mp);
	if (mp)
		ss_mon_proc_drop(m, mp);
}

SELFSEQ_EXPORT int selfseq_monitor_exec(struct selfseq_monitor *m, uint32_t pid,
					const char *exe, uint32_t arch)
{
	struct ss_mon_profile *e;
	struct ss_mon_proc *mp;
	int err;

	if (!m || !exe || !*exe)
		return -EINVAL;
	if (!arch)
		arch = m->native_arch;
	err = ss_mon_profile_get(m, exe, arch, &e);
	if (!err)
		err = ss_mon_attach(m, pid, e, &mp);
	if (err)
		ss_mon_untrack(m, pid);
	return err;
}

SELFSEQ_EXPORT int selfseq_monitor_fork(struct selfseq_monitor *m, uint32_t parent,
					uint32_t child)
{
	uint32_t win[SELFSEQ_WINDOW_MAX];
	struct ss_mon_proc *pp, *cp;
	int n, err;

	if (!m)
		return -EINVAL;
	SS_PROC_FIND(m, parent, pp);
	if (!pp) {
		ss_mon_untrack(m, child);
		return -ENOENT;
	}
	if (parent == child)
		return 0;
	n = selfseq_process_get_window(pp->proc, win, SELFSEQ_WINDOW_MAX);
	if (n < 0)
		return n;
	err = ss_mon_attach(m, child, pp->prof, &cp);
	if (!err)
		err = selfseq_process_set_window(cp->proc, win, (size_t)n);
	if (err)
		ss_mon_untrack(m, child);
	return err;
}

SELFSEQ_EXPORT int selfseq_monitor_exit(struct selfseq_monitor *m, uint32_t pid)
{
	struct ss_mon_proc *mp;

	if (!m)
		return -EINVAL;
	SS_PROC_FIND(m, pid, mp);
	if (!mp)
		return -ENOENT;
	ss_mon_proc_drop(m, mp);
	return 0;
}

SELFSEQ_EXPORT int selfseq_monitor_feed(struct selfseq_monitor *m, uint32_t pid, uint32_t call,
					uint64_t now_ns, struct selfseq_event *event)
{
	struct selfseq_event ev = { .sz = sizeof(ev) };
	struct ss_mon_proc *mp;
	int err;

	if (!m || (event && event->sz < sizeof(size_t)))
		return -EINVAL;
	SS_PROC_FIND(m, pid, mp);
	if (!mp) {
		m->stats.untracked_calls++;
		return -ENOENT;
	}
	err = selfseq_process_feed(mp->proc, call, now_ns, &ev);
	if (err == -ERANGE || err == -EINVAL)
		return err;	/* nothing was fed */
	m->stats.calls++;
	if (ev.flags & SELFSEQ_EVENT_ANOMALOUS)
		m->stats.anomalies++;
	/* Score mode changes nothing worth saving (only the call count). */
	if (m->mode != SELFSEQ_MODE_SCORE)
		mp->prof->dirty = 1;
	if (event)
		ss_out_copy(event, &ev, sizeof(ev));
	return err;
}

SELFSEQ_EXPORT int selfseq_monitor_save(struct selfseq_monitor *m)
{
	struct ss_mon_profile *e, *tmp;
	int saved = 0, first = 0;

	if (!m)
		return -EINVAL;
	if (!m->store)
		return 0;
	HASH_ITER(hh, m->profiles, e, tmp) {
		int err;

		if (!e->profile || !e->dirty)
			continue;
		err = selfseq_store_save(m->store, e->profile);
		if (err) {
			m->stats.save_errors++;
			if (!first)
				first = err;
			continue;
		}
		e->dirty = 0;
		m->stats.profiles_saved++;
		saved++;
	}
	return first ? first : saved;
}

SELFSEQ_EXPORT int selfseq_monitor_get_stats(const struct selfseq_monitor *m,
					     struct selfseq_monitor_stats *stats)
{
	if (!m || !stats)
		return -EINVAL;
	return ss_out_copy(stats, &m->stats, sizeof(m->stats));
}

SELFSEQ_EXPORT struct selfseq_process *selfseq_monitor_get_process(const struct selfseq_monitor *m,
								    uint32_t pid)
{
	struct ss_mon_proc *mp;

	if (!m)
		return NULL;
	SS_PROC_FIND(m, pid, mp);
	return mp ? mp->proc : NULL;
}

SELFSEQ_EXPORT int selfseq_monitor_foreach_profile(struct selfseq_monitor *m,
						   int (*cb)(struct selfseq_profile *profile,
							     void *ctx),
						   void *ctx)
{
	struct ss_mon_profile *e, *tmp;

	if (!m || !cb)
		return -EINVAL;
	HASH_ITER(hh, m->profiles, e, tmp) {
		int r;

		if (!e->profile)
			continue;
		r = cb(e->profile, ctx);
		if (r)
			return r;
	}
	return 0;
}
