// SPDX-License-Identifier: MIT
/*
 * The commands of /dev/selfseq: status, params, profiles, ps, anomalies,
 * set, normalize/sensitize/tolerize, save and load. Answers are "name value"
 * or "name=value ..." lines (README.md); the last field of a line may be a
 * path, escaped so that it holds no space or newline.
 */
#include <linux/ctype.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "glue.h"

static const char *kss_state_name(u32 flags)
{
	if (flags & SELFSEQ_STATE_NORMAL)
		return "normal";
	return flags & SELFSEQ_STATE_FROZEN ? "frozen" : "training";
}

/* Fill an answer that explains a failure; returns @err. */
static __printf(3, 4) int kss_fail(struct kss_out *out, int err, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out->len = 0;
	kss_out_printf(out, "error: %s\n", msg);
	return err;
}

struct kss_mem_sum {
	u64 bytes;
};

static void kss_add_memory(struct kss_profile *kp, void *ctx)
{
	struct kss_mem_sum *m = ctx;

	spin_lock(&kp->lock);
	m->bytes += selfseq_db_get_memory(selfseq_profile_get_train(kp->p)) +
		    selfseq_db_get_memory(selfseq_profile_get_test(kp->p));
	spin_unlock(&kp->lock);
}

static int kss_cmd_status(struct kss_out *out)
{
	struct kss_mem_sum mem = { 0 };
	mutex_lock(&kss_profiles_mutex);
	kss_profiles_for_each(kss_add_memory, &mem);
	mutex_unlock(&kss_profiles_mutex);
	kss_out_printf(out, "version 1.0.0\n");
	kss_out_printf(out, "profiles %u\nprofiles_max %u\n", kss_profile_count(),
		       READ_ONCE(kss_max_profiles));
	kss_out_printf(out, "tasks %u\ntasks_max %u\n", kss_task_count(), READ_ONCE(kss_max_tasks));
	kss_out_printf(out, "calls %llu\ncalls_untracked %llu\ncalls_ignored %llu\n",
		       KSS_STAT(calls), KSS_STAT(calls_untracked), KSS_STAT(calls_ignored));
	kss_out_printf(out, "anomalies %llu\nalloc_failures %llu\n", KSS_STAT(anomalies),
		       KSS_STAT(alloc_failures));
	kss_out_printf(out, "tasks_untracked %llu\nprofiles_untracked %llu\n",
		       KSS_STAT(tasks_untracked), KSS_STAT(profiles_untracked));
	kss_out_printf(out, "execs %llu\nforks %llu\ndelays %llu\n", KSS_STAT(execs),
		       KSS_STAT(forks), KSS_STAT(delays));
	kss_out_printf(out, "profile_bytes %llu\ncore_bytes %ld\nevents_next %llu\n", mem.bytes,
		       kss_core_bytes_held(),
		       kss_ring_next_seq());
	return 0;
}

static int kss_cmd_params(struct kss_out *out)
{
	kss_out_printf(out, "window %u\nalphabet %u\nlfc_frame %u\n", READ_ONCE(kss_window),
		       kss_alphabet, kss_lfc_frame);
	kss_out_printf(out, "normal_factor %u\nnormal_factor_den %u\nnormal_wait %lu\n",
		       READ_ONCE(kss_normal_factor), READ_ONCE(kss_normal_factor_den),
		       READ_ONCE(kss_normal_wait));
	kss_out_printf(out, "anomaly_limit %u\ntolerize_limit %u\ndelay_factor %u\n",
		       READ_ONCE(kss_anomaly_limit), READ_ONCE(kss_tolerize_limit),
		       READ_ONCE(kss_delay_factor));
	kss_out_printf(out, "max_profiles %u\nmax_tasks %u\n", READ_ONCE(kss_max_profiles),
		       READ_ONCE(kss_max_tasks));
	return 0;
}

static void kss_print_key(struct kss_out *out, struct kss_profile *kp)
{
	/* Stable under kss_profiles_mutex: only a load replaces kp->p. */
	const char *key = selfseq_profile_get_key(kp->p);

	kss_out_escaped(out, key ? key : "-");
}

static void kss_print_profile(struct kss_profile *kp, void *ctx)
{
	struct selfseq_profile_state s = { .sz = sizeof(s) };
	struct kss_out *out = ctx;
	u64 memory;
	u32 calls;

	spin_lock(&kp->lock);
	selfseq_profile_get_state(kp->p, &s);
	calls = selfseq_db_get_calls(selfseq_profile_get_train(kp->p));
	memory = selfseq_db_get_memory(selfseq_profile_get_train(kp->p)) +
		 selfseq_db_get_memory(selfseq_profile_get_test(kp->p));
	spin_unlock(&kp->lock);
	kss_out_printf(out, "id=%u state=%s tasks=%u count=%llu train_count=%llu "
		       "last_mod_count=%llu sequences=%llu anomalies=%llu train_pairs=%u "
		       "test_pairs=%u calls=%u window=%u arch=0x%x memory=%llu normal_time=%llu key=",
		       kp->id, kss_state_name(s.flags), s.tasks, s.count, s.train_count,
		       s.last_mod_count, s.sequences, s.anomalies, s.train_pairs, s.test_pairs,
		       calls, s.window, s.arch, memory, s.normal_time_ns);
	kss_print_key(out, kp);
	kss_out_printf(out, "\n");
}

static int kss_cmd_profiles(struct kss_out *out)
{
	mutex_lock(&kss_profiles_mutex);
	kss_profiles_for_each(kss_print_profile, out);
	mutex_unlock(&kss_profiles_mutex);
	return 0;
}

struct kss_task_snap {
	struct kss_profile *kp;
	u64 calls, anomalies;
	pid_t pid, tgid;
	u32 lfc, max_lfc, state;
	char comm[TASK_COMM_LEN];
};

struct kss_snap_set {
	struct kss_task_snap *s;
	size_t n, max;
};

static void kss_snap_task(struct kss_task *t, void *ctx)
{
	struct kss_snap_set *set = ctx;
	struct kss_task_snap *s;
	struct kss_profile *kp = READ_ONCE(t->prof);

	if (set->n == set->max)
		return;
	s = &set->s[set->n++];
	memset(s, 0, sizeof(*s));
	s->pid = t->pid;
	s->tgid = t->tgid;
	memcpy(s->comm, t->comm, sizeof(s->comm));
	s->comm[TASK_COMM_LEN - 1] = '\0';
	s->kp = kp;
	if (!kp)
		return;
	spin_lock(&kp->lock);
	if (READ_ONCE(t->prof) == kp) {
		struct selfseq_profile_state st = { .sz = sizeof(st) };

		s->calls = t->calls;
		s->anomalies = t->anomalies;
		s->lfc = t->lfc;
		s->max_lfc = t->max_lfc;
		selfseq_profile_get_state(kp->p, &st);
		s->state = st.flags;
	}
	spin_unlock(&kp->lock);
}

static int kss_cmd_ps(struct kss_out *out)
{
	struct kss_snap_set set;
	size_t i;

	set.max = kss_task_count() + 64;
	set.n = 0;
	set.s = kvmalloc_array(set.max, sizeof(*set.s), GFP_KERNEL);
	if (!set.s)
		return -ENOMEM;
	/* Lock order: kss_profiles_mutex, kss_tasks_lock, a profile's lock. */
	mutex_lock(&kss_profiles_mutex);
	spin_lock(&kss_tasks_lock);
	kss_tasks_for_each(kss_snap_task, &set);
	spin_unlock(&kss_tasks_lock);
	for (i = 0; i < set.n; i++) {
		struct kss_task_snap *s = &set.s[i];

		kss_out_printf(out, "pid=%d tgid=%d profile=%u state=%s calls=%llu anomalies=%llu "
			       "lfc=%u max_lfc=%u comm=", s->pid, s->tgid, s->kp ? s->kp->id : 0,
			       s->kp ? kss_state_name(s->state) : "untracked", s->calls,
			       s->anomalies, s->lfc, s->max_lfc);
		kss_out_escaped(out, s->comm[0] ? s->comm : "-");
		kss_out_printf(out, " exe=");
		if (s->kp)
			kss_print_key(out, s->kp);
		else
			kss_out_printf(out, "-");
		kss_out_printf(out, "\n");
	}
	mutex_unlock(&kss_profiles_mutex);
	kvfree(set.s);
	return 0;
}

static struct kss_profile *kss_profile_by_id(u32 id)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", id);
	return kss_profile_by_name(name);
}

static int kss_cmd_anomalies(const char *arg, struct kss_out *out)
{
	struct kss_record *recs;
	u64 since = 0, next, lost;
	size_t i, n;

	if (arg && kstrtou64(arg, 10, &since))
		return kss_fail(out, -EINVAL, "anomalies: '%s' is not a sequence number", arg);
	recs = kvmalloc_array(KSS_RING_SIZE, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	n = kss_ring_copy(since, recs, KSS_RING_SIZE, &next, &lost);
	kss_out_printf(out, "next=%llu lost=%llu\n", next, lost);
	mutex_lock(&kss_profiles_mutex);
	for (i = 0; i < n; i++) {
		struct kss_record *r = &recs[i];
		struct kss_profile *kp = kss_profile_by_id(r->profile);
		u32 ns;
		u64 s = div_u64_rem(r->time_ns, NSEC_PER_SEC, &ns);

		r->comm[TASK_COMM_LEN - 1] = '\0';
		kss_out_printf(out, "seq=%llu time=%llu.%09u pid=%d tgid=%d profile=%u call=%u "
			       "misses=%u lfc=%u state=%s flags=0x%x comm=", r->seq, s, ns, r->pid,
			       r->tgid, r->profile, r->call, r->misses, r->lfc,
			       kss_state_name(r->state), r->flags);
		kss_out_escaped(out, r->comm[0] ? r->comm : "-");
		kss_out_printf(out, " exe=");
		if (kp)
			kss_print_key(out, kp);
		else
			kss_out_printf(out, "-");
		kss_out_printf(out, "\n");
	}
	mutex_unlock(&kss_profiles_mutex);
	kvfree(recs);
	return 0;
}

static void kss_apply_params(struct kss_profile *kp, void *ctx)
{
	spin_lock(&kp->lock);
	selfseq_profile_set_params(kp->p, ctx);
	spin_unlock(&kp->lock);
}

static int kss_cmd_set(const char *name, const char *value, struct kss_out *out)
{
	static const struct {
		const char *name;
		unsigned int *var;
		unsigned int min, max;
	} knobs[] = {
		{ "window", &kss_window, SELFSEQ_WINDOW_MIN, SELFSEQ_WINDOW_MAX },
		{ "normal_factor", &kss_normal_factor, 1, UINT_MAX },
		{ "normal_factor_den", &kss_normal_factor_den, 1, UINT_MAX },
		{ "anomaly_limit", &kss_anomaly_limit, 0, UINT_MAX },
		{ "tolerize_limit", &kss_tolerize_limit, 0, UINT_MAX },
		{ "delay_factor", &kss_delay_factor, 0, UINT_MAX },
		{ "max_profiles", &kss_max_profiles, 0, UINT_MAX },
		{ "max_tasks", &kss_max_tasks, 1, 1u << 22 },
	};
	struct selfseq_params params;
	unsigned long long v;
	size_t i;

	if (!name || !value)
		return kss_fail(out, -EINVAL, "usage: set NAME VALUE");
	if (kstrtoull(value, 10, &v))
		return kss_fail(out, -EINVAL, "set %s: '%s' is not a number", name, value);
	mutex_lock(&kss_profiles_mutex);
	if (!strcmp(name, "normal_wait")) {
		if (v > U64_MAX / NSEC_PER_SEC || v > ULONG_MAX) {
			mutex_unlock(&kss_profiles_mutex);
			return kss_fail(out, -ERANGE, "set normal_wait: %llu seconds is too long", v);
		}
		WRITE_ONCE(kss_normal_wait, (unsigned long)v);
	} else {
		for (i = 0; i < ARRAY_SIZE(knobs); i++)
			if (!strcmp(name, knobs[i].name))
				break;
		if (i == ARRAY_SIZE(knobs)) {
			mutex_unlock(&kss_profiles_mutex);
			if (!strcmp(name, "alphabet") || !strcmp(name, "lfc_frame"))
				return kss_fail(out, -EROFS, "set %s: fixed when the module is loaded",
						name);
			return kss_fail(out, -ENOENT, "set: no parameter '%s'", name);
		}
		if (v < knobs[i].min || v > knobs[i].max) {
			mutex_unlock(&kss_profiles_mutex);
			return kss_fail(out, -ERANGE, "set %s: %llu is not %u..%u", name, v,
					knobs[i].min, knobs[i].max);
		}
		WRITE_ONCE(*knobs[i].var, (unsigned int)v);
	}
	/* pH's parameters are module-wide: every profile follows. */
	kss_profile_params(&params);
	kss_profiles_for_each(kss_apply_params, &params);
	mutex_unlock(&kss_profiles_mutex);
	kss_out_printf(out, "%s %llu\n", name, v);
	return 0;
}

/* normalize|sensitize|tolerize (profile ID|PATH | pid PID) */
static int kss_cmd_action(const char *verb, const char *kind, const char *what,
			  struct kss_out *out)
{
	struct selfseq_profile_state s = { .sz = sizeof(s) };
	struct kss_profile *kp;
	int err = 0;
	pid_t pid;

	if (!kind || !what)
		return kss_fail(out, -EINVAL, "usage: %s profile ID|PATH, or %s pid PID", verb, verb);
	mutex_lock(&kss_profiles_mutex);
	if (!strcmp(kind, "pid")) {
		if (kstrtoint(what, 10, &pid)) {
			err = kss_fail(out, -EINVAL, "%s: '%s' is not a pid", verb, what);
			goto out;
		}
		kp = kss_task_profile_of(pid);
		if (!kp) {
			err = kss_fail(out, -ESRCH, "%s: pid %d is not tracked", verb, pid);
			goto out;
		}
	} else if (!strcmp(kind, "profile")) {
		kp = kss_profile_by_name(what);
		if (!kp) {
			err = kss_fail(out, -ENOENT, "%s: no profile '%s'", verb, what);
			goto out;
		}
	} else {
		err = kss_fail(out, -EINVAL, "%s: expected 'profile' or 'pid', not '%s'", verb, kind);
		goto out;
	}
	spin_lock(&kp->lock);
	if (!strcmp(verb, "normalize"))
		err = selfseq_profile_normalize(kp->p, ktime_get_real_ns());
	else if (!strcmp(verb, "sensitize"))
		selfseq_profile_sensitize(kp->p);
	else
		selfseq_profile_tolerize(kp->p);
	selfseq_profile_get_state(kp->p, &s);
	spin_unlock(&kp->lock);
	if (err)
		err = kss_fail(out, err, "%s profile %u: %s", verb, kp->id, selfseq_strerror(err));
	else
		kss_out_printf(out, "profile %u %s\n", kp->id, kss_state_name(s.flags));
out:
	mutex_unlock(&kss_profiles_mutex);
	return err;
}

/* The v1 bytes of one profile, encoded under its lock into the answer buffer. */
static int kss_cmd_save(const char *what, struct kss_out *out)
{
	struct kss_profile *kp;
	size_t need = 0;
	int err = -ENOSPC, tries;

	if (!what)
		return kss_fail(out, -EINVAL, "usage: save ID|PATH");
	mutex_lock(&kss_profiles_mutex);
	kp = kss_profile_by_name(what);
	if (!kp) {
		mutex_unlock(&kss_profiles_mutex);
		return kss_fail(out, -ENOENT, "save: no profile '%s'", what);
	}
	/* The profile may grow between sizing and encoding: size again then. */
	out->len = 0;
	for (tries = 0; tries < 4 && err == -ENOSPC; tries++) {
		err = kss_out_reserve(out, need + 4096);
		if (err)
			break;
		spin_lock(&kp->lock);
		err = selfseq_profile_encode(kp->p, out->buf, out->cap, &need);
		spin_unlock(&kp->lock);
	}
	mutex_unlock(&kss_profiles_mutex);
	if (err)
		return kss_fail(out, err, "save: cannot encode profile: %s", selfseq_strerror(err));
	out->len = need;
	return 0;
}

int kss_cmd_load(const void *data, size_t len, struct kss_out *out)
{
	struct selfseq_profile_state s = { .sz = sizeof(s) };
	struct selfseq_params params;
	struct selfseq_profile *p;
	struct kss_profile *kp;
	const char *key;
	struct inode *inode;
	struct path path;
	dev_t dev;
	u64 ino;
	int err;

	mutex_lock(&kss_profiles_mutex);
	kss_may_sleep_begin();
	err = selfseq_profile_decode(data, len, NULL, &p);
	if (!err) {
		kss_profile_params(&params);
		err = selfseq_profile_set_params(p, &params);
		if (err)
			selfseq_profile_free(p);
	}
	kss_may_sleep_end();
	mutex_unlock(&kss_profiles_mutex);
	if (err)
		return kss_fail(out, err, "load: %s", selfseq_strerror(err));
	selfseq_profile_get_state(p, &s);
	key = selfseq_profile_get_key(p);
	if (s.lfc_frame > kss_lfc_frame) {
		err = kss_fail(out, -EOVERFLOW, "load: locality frame %u exceeds the module's %u",
			       s.lfc_frame, kss_lfc_frame);
		goto out_free;
	}
	if (!key || key[0] != '/') {
		err = kss_fail(out, -EINVAL, "load: the profile has no absolute executable path");
		goto out_free;
	}
	/*
	 * Not under kss_profiles_mutex: a path walk can wait for an automounter,
	 * whose helpers' exec works may need the mutex.
	 */
	err = kern_path(key, LOOKUP_FOLLOW, &path);
	if (err) {
		err = kss_fail(out, err, "load: executable %.100s: %s", key, selfseq_strerror(err));
		goto out_free;
	}
	inode = d_backing_inode(path.dentry);
	dev = inode->i_sb->s_dev;
	ino = inode->i_ino;
	err = S_ISREG(inode->i_mode) ? 0 : -EINVAL;
	path_put(&path);
	if (err) {
		err = kss_fail(out, err, "load: %.100s is not a regular file", key);
		goto out_free;
	}
	mutex_lock(&kss_profiles_mutex);
	kp = kss_profile_install(p, dev, ino, s.arch);
	if (IS_ERR(kp)) {
		mutex_unlock(&kss_profiles_mutex);
		err = PTR_ERR(kp);
		err = kss_fail(out, err, "load: profile %.100s: %s", key,
			       err == -ENOSPC ? "max_profiles reached" : selfseq_strerror(err));
		goto out_free;
	}
	kss_out_printf(out, "loaded %u ", kp->id);
	kss_print_key(out, kp);
	kss_out_printf(out, "\n");
	mutex_unlock(&kss_profiles_mutex);
	return 0;
out_free:
	selfseq_profile_free(p);
	return err;
}

/* Split off the first word of @line; returns it, and the rest (or NULL) in *rest. */
static char *kss_word(char *line, char **rest)
{
	char *w = skip_spaces(line), *end;

	*rest = NULL;
	if (!*w)
		return NULL;
	end = w;
	while (*end && !isspace(*end))
		end++;
	if (*end) {
		*end++ = '\0';
		end = skip_spaces(end);
		if (*end)
			*rest = end;
	}
	return w;
}

int kss_cmd_run(char *line, struct kss_out *out)
{
	char *rest, *verb, *a, *b;
	size_t n = strlen(line);

	/* Trailing blanks are not part of a path. */
	while (n && isspace(line[n - 1]))
		line[--n] = '\0';
	verb = kss_word(line, &rest);
	if (!verb)
		return kss_fail(out, -EINVAL, "empty command");
	if (!strcmp(verb, "status") && !rest)
		return kss_cmd_status(out);
	if (!strcmp(verb, "params") && !rest)
		return kss_cmd_params(out);
	if (!strcmp(verb, "profiles") && !rest)
		return kss_cmd_profiles(out);
	if (!strcmp(verb, "ps") && !rest)
		return kss_cmd_ps(out);
	if (!strcmp(verb, "anomalies"))
		return kss_cmd_anomalies(rest, out);
	if (!strcmp(verb, "save"))
		return kss_cmd_save(rest, out);	/* a path may hold spaces: the rest of the line */
	a = rest ? kss_word(rest, &b) : NULL;
	if (!a)
		b = NULL;
	if (!strcmp(verb, "set"))
		return kss_cmd_set(a, b, out);
	if (!strcmp(verb, "normalize") || !strcmp(verb, "sensitize") || !strcmp(verb, "tolerize"))
		return kss_cmd_action(verb, a, b, out);
	return kss_fail(out, -EINVAL, "unknown command '%.40s'", verb);
}
