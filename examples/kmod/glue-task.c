// SPDX-License-Identifier: MIT
/*
 * Tracked tasks and the tracepoint probes: sys_enter feeds the core, the
 * sched fork/exec/exit tracepoints create, attach and free per-task state.
 *
 * A task is tracked from its first exec after the module loads (or from
 * its fork by a tracked parent). Probes run with preemption off: they take
 * spinlocks only and allocate with GFP_NOWAIT. Everything that needs to
 * sleep (finding the executable's path, creating its profile, delays) runs
 * in a task work at the task's next return to user space, which comes
 * before its next system call.
 */
#include <linux/audit.h>
#include <linux/hash.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/ratelimit.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/wait.h>
#include <linux/binfmts.h>
#include <linux/file.h>
#include <asm/syscall.h>
#include "glue.h"

/*
 * PREEMPT_RT turns spinlock_t and the slab allocator's locks into sleeping
 * locks, which tracepoint probes (run with preemption off) must not take.
 */
#ifdef CONFIG_PREEMPT_RT
#error "selfseq.ko allocates and takes spinlocks in tracepoint probes: not for PREEMPT_RT kernels"
#endif

DEFINE_SPINLOCK(kss_tasks_lock);
static struct hlist_head *kss_task_hash;
static unsigned int kss_task_bits;
static atomic_t kss_ntasks = ATOMIC_INIT(0);
static struct kmem_cache *kss_task_cache;
static size_t kss_proc_bytes;

/* Task works queued and not finished; unload waits for 0. */
static atomic_t kss_works = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(kss_works_wq);
/* Delayed tasks sleep here; unload wakes them. */
static DECLARE_WAIT_QUEUE_HEAD(kss_delay_wq);

static DEFINE_RATELIMIT_STATE(kss_printk_rs, 5 * HZ, 10);

unsigned int kss_task_count(void)
{
	return (unsigned int)atomic_read(&kss_ntasks);
}

int kss_tasks_init(void)
{
	struct selfseq_profile_opts opts = {
		.sz = sizeof(opts), .window = kss_window, .alphabet = kss_alphabet,
		.lfc_frame = kss_lfc_frame,
	};
	struct selfseq_profile *p;
	int err;

	/* Every task's process object is sized for the module's locality frame. */
	mutex_lock(&kss_profiles_mutex);
	kss_may_sleep_begin();
	err = selfseq_profile_new(&opts, &p);
	kss_may_sleep_end();
	mutex_unlock(&kss_profiles_mutex);
	if (err)
		return err;
	err = selfseq_process_size(p, &kss_proc_bytes);
	selfseq_profile_free(p);
	if (err)
		return err;
	kss_task_cache = kmem_cache_create("selfseq_task", sizeof(struct kss_task) + kss_proc_bytes,
					   8, 0, NULL);
	if (!kss_task_cache)
		return -ENOMEM;
	kss_task_bits = ilog2(roundup_pow_of_two(kss_max_tasks));
	if (kss_task_bits < 4)
		kss_task_bits = 4;
	kss_task_hash = kvcalloc(1u << kss_task_bits, sizeof(*kss_task_hash), GFP_KERNEL);
	if (!kss_task_hash) {
		kmem_cache_destroy(kss_task_cache);
		kss_task_cache = NULL;
		return -ENOMEM;
	}
	return 0;
}

static struct hlist_head *kss_bucket(const struct task_struct *task)
{
	return &kss_task_hash[hash_ptr(task, kss_task_bits)];
}

/* Under rcu_read_lock() (or preemption disabled) or kss_tasks_lock. */
static struct kss_task *kss_task_find(const struct task_struct *task)
{
	struct kss_task *t;

	hlist_for_each_entry_rcu(t, kss_bucket(task), hnode, lockdep_is_held(&kss_tasks_lock))
		if (t->task == task)
			return t;
	return NULL;
}

static void kss_task_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(kss_task_cache, container_of(head, struct kss_task, rcu));
	atomic_dec(&kss_ntasks);
}

static void kss_task_put(struct kss_task *t)
{
	if (refcount_dec_and_test(&t->ref))
		call_rcu(&t->rcu, kss_task_free_rcu);
}

static void kss_copy_comm(char *dst, const struct task_struct *task)
{
	memcpy(dst, task->comm, TASK_COMM_LEN);
	dst[TASK_COMM_LEN - 1] = '\0';
}

/* A new slot for @task, in the table, attached to nothing; NULL over the limit. */
static struct kss_task *kss_task_new(struct task_struct *task)
{
	struct kss_task *t;

	if (atomic_inc_return(&kss_ntasks) > READ_ONCE(kss_max_tasks))
		goto untracked;
	t = kmem_cache_zalloc(kss_task_cache, GFP_NOWAIT | __GFP_NOWARN);
	if (!t)
		goto untracked;
	t->task = task;
	refcount_set(&t->ref, 1);
	t->pid = task->pid;
	t->tgid = task->tgid;
	kss_copy_comm(t->comm, task);
	/* In the table before attaching, so a profile load sees every attached task. */
	spin_lock(&kss_tasks_lock);
	hlist_add_head_rcu(&t->hnode, kss_bucket(task));
	spin_unlock(&kss_tasks_lock);
	return t;

untracked:
	atomic_dec(&kss_ntasks);
	kss_count(tasks_untracked);
	return NULL;
}

/* Only by the task itself: the exit probe or its exec work. */
static void kss_task_detach(struct kss_task *t)
{
	struct kss_profile *kp = t->prof;

	if (!kp)
		return;
	spin_lock(&kp->lock);
	selfseq_process_free(t->proc);	/* in slot memory: only detaches */
	WRITE_ONCE(t->prof, NULL);
	spin_unlock(&kp->lock);
}

/* Under kp->lock: start @t afresh on @kp's profile. */
static int kss_task_attach_locked(struct kss_task *t, struct kss_profile *kp)
{
	int err = selfseq_process_init(t->proc_mem, kss_proc_bytes, kp->p, &t->proc);

	if (err)
		return err;
	t->calls = 0;
	t->anomalies = 0;
	t->lfc = 0;
	t->max_lfc = 0;
	t->arch = kp->arch;
	WRITE_ONCE(t->prof, kp);
	return 0;
}

static void kss_work_queued(struct kss_task *t)
{
	refcount_inc(&t->ref);
	atomic_inc(&kss_works);
}

/*
 * The last thing a task work does. The decrement is its last access to
 * module data; unload waits for the count, then for an RCU-tasks grace
 * period so that no task is still in the few instructions after it.
 */
static void kss_work_done(struct kss_task *t)
{
	kss_task_put(t);
	if (atomic_dec_and_test(&kss_works))
		wake_up(&kss_works_wq);
}

static void kss_exec_work(struct callback_head *cb)
{
	struct kss_task *t = container_of(cb, struct kss_task, exec_work);
	struct file *exe = t->exe;
	struct kss_profile *kp = NULL;
	u32 arch = syscall_get_arch(current);

	t->exe = NULL;
	clear_bit(KSS_TASK_EXEC_PENDING, &t->flags);
	if (!test_bit(KSS_TASK_DEAD, &t->flags) && !READ_ONCE(kss_unloading) &&
	    !(current->flags & PF_EXITING)) {
		kp = kss_profile_for_file(exe, arch);
		kss_task_detach(t);
		t->pid = task_pid_nr(current);
		t->tgid = task_tgid_nr(current);
		kss_copy_comm(t->comm, current);
		if (kp) {
			spin_lock(&kp->lock);
			kss_task_attach_locked(t, kp);
			spin_unlock(&kp->lock);
		}
	}
	fput(exe);
	kss_work_done(t);
}

static void kss_delay_work(struct callback_head *cb)
{
	struct kss_task *t = container_of(cb, struct kss_task, delay_work);
	u64 delay = READ_ONCE(t->delay);

	if (delay && !(current->flags & PF_EXITING) && !READ_ONCE(kss_unloading)) {
		long timeout = delay >= MAX_SCHEDULE_TIMEOUT ? MAX_SCHEDULE_TIMEOUT - 1 : (long)delay;

		kss_count(delays);
		/* Interruptible: a signal (or unload) ends the delay, never a hung task. */
		wait_event_interruptible_timeout(kss_delay_wq, READ_ONCE(kss_unloading), timeout);
	}
	clear_bit(KSS_TASK_DELAY_PENDING, &t->flags);
	kss_work_done(t);
}

static void kss_on_exec(void *data, struct task_struct *task, pid_t old_pid,
			struct linux_binprm *bprm)
{
	struct kss_task *t;

	kss_count(execs);
	rcu_read_lock();
	t = kss_task_find(task);
	rcu_read_unlock();
	if (!t)
		t = kss_task_new(task);
	if (!t || test_and_set_bit(KSS_TASK_EXEC_PENDING, &t->flags))
		return;
	t->exe = get_file(bprm->file);
	kss_work_queued(t);
	init_task_work(&t->exec_work, kss_exec_work);
	if (task_work_add(task, &t->exec_work, TWA_RESUME)) {
		fput(t->exe);
		t->exe = NULL;
		clear_bit(KSS_TASK_EXEC_PENDING, &t->flags);
		kss_work_done(t);
	}
}

static void kss_on_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	u32 win[SELFSEQ_WINDOW_MAX];
	struct kss_task *pt, *ct;
	struct kss_profile *kp;
	int n;

	/* The parent is current: its slot cannot go away under us. */
	rcu_read_lock();
	pt = kss_task_find(parent);
	rcu_read_unlock();
	kp = pt ? READ_ONCE(pt->prof) : NULL;
	if (!kp)
		return;
	kss_count(forks);
	ct = kss_task_new(child);
	if (!ct)
		return;
	/* The child has not run yet; as pH, it continues with its parent's window. */
	spin_lock(&kp->lock);
	if (!kss_task_attach_locked(ct, kp)) {
		n = selfseq_process_get_window(pt->proc, win, ARRAY_SIZE(win));
		if (n > 0)
			selfseq_process_set_window(ct->proc, win, n);
	}
	spin_unlock(&kp->lock);
}

static void kss_on_exit(void *data, struct task_struct *task)
{
	struct kss_task *t;

	spin_lock(&kss_tasks_lock);
	t = kss_task_find(task);
	if (t)
		hlist_del_rcu(&t->hnode);
	spin_unlock(&kss_tasks_lock);
	if (!t)
		return;
	set_bit(KSS_TASK_DEAD, &t->flags);
	kss_task_detach(t);
	kss_task_put(t);
}

#define KSS_EVENTS_LOGGED (SELFSEQ_EVENT_ANOMALOUS | SELFSEQ_EVENT_NORMAL | \
			   SELFSEQ_EVENT_ANOMALY_LIMIT | SELFSEQ_EVENT_TOLERIZE_LIMIT)

static void kss_report(struct kss_task *t, struct kss_profile *kp,
		       const struct selfseq_event *ev, u64 now)
{
	kss_ring_add(t, kp, ev, now);
	if (!__ratelimit(&kss_printk_rs))
		return;
	if (ev->flags & SELFSEQ_EVENT_ANOMALOUS)
		pr_info("selfseq: anomaly: pid %d (%s) profile %u call %u misses %u lfc %u\n",
			t->pid, t->comm, kp->id, ev->call, ev->misses, ev->lfc);
	if (ev->flags & SELFSEQ_EVENT_NORMAL)
		pr_info("selfseq: profile %u is normal (pid %d, %s)\n", kp->id, t->pid, t->comm);
	if (ev->flags & SELFSEQ_EVENT_ANOMALY_LIMIT)
		pr_info("selfseq: profile %u exceeded anomaly_limit: normal monitoring stopped\n",
			kp->id);
	if (ev->flags & SELFSEQ_EVENT_TOLERIZE_LIMIT)
		pr_info("selfseq: pid %d (%s) exceeded tolerize_limit: profile %u training reset\n",
			t->pid, t->comm, kp->id);
}

static void kss_queue_delay(struct kss_task *t, u64 delay)
{
	if (test_and_set_bit(KSS_TASK_DELAY_PENDING, &t->flags))
		return;
	WRITE_ONCE(t->delay, delay);
	kss_work_queued(t);
	init_task_work(&t->delay_work, kss_delay_work);
	if (task_work_add(current, &t->delay_work, TWA_RESUME)) {
		clear_bit(KSS_TASK_DELAY_PENDING, &t->flags);
		kss_work_done(t);
	}
}

/* The hot path: every system call of every task enters here. */
static void kss_on_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct selfseq_event ev;
	struct kss_profile *kp;
	struct kss_task *t;
	u64 now;
	int err;

	/*
	 * A preemption-disabled section is an RCU read-side critical section
	 * (one RCU flavour since 4.20) and cheaper than rcu_read_lock() with
	 * PREEMPT_RCU; 6.1 calls probes with preemption off anyway, later
	 * kernels may not for system-call tracepoints.
	 */
	preempt_disable_notrace();
	t = kss_task_find(current);
	kp = t ? READ_ONCE(t->prof) : NULL;
	if (!kp) {
		kss_count(calls_untracked);
		goto out;
	}
	/* x32 numbers (bit 30 set) and negative ids fall outside every alphabet. */
	if (id < 0 || id >= SELFSEQ_ALPHABET_MAX || syscall_get_arch(current) != t->arch) {
		kss_count(calls_ignored);
		goto out;
	}
	now = ktime_get_coarse_real_ns();
	ev.sz = sizeof(ev);
	spin_lock(&kp->lock);
	err = selfseq_process_feed(t->proc, (u32)id, now, &ev);
	if (err != -ERANGE && err != -EINVAL) {
		t->calls++;
		t->lfc = ev.lfc;
		t->max_lfc = ev.max_lfc;
		if (ev.flags & SELFSEQ_EVENT_ANOMALOUS)
			t->anomalies++;
	}
	spin_unlock(&kp->lock);
	if (err == -ERANGE || err == -EINVAL) {
		kss_count(calls_ignored);
		goto out;
	}
	kss_count(calls);
	if (err)
		kss_count(alloc_failures);
	if (ev.flags & SELFSEQ_EVENT_ANOMALOUS)
		kss_count(anomalies);
	if (unlikely(ev.flags & KSS_EVENTS_LOGGED))
		kss_report(t, kp, &ev, now);
	if (unlikely(ev.delay) && !READ_ONCE(kss_unloading))
		kss_queue_delay(t, ev.delay);
out:
	preempt_enable_notrace();
}

void kss_tasks_for_each(void (*fn)(struct kss_task *t, void *ctx), void *ctx)
{
	struct kss_task *t;
	unsigned int b;

	lockdep_assert_held(&kss_tasks_lock);
	for (b = 0; b < (1u << kss_task_bits); b++)
		hlist_for_each_entry(t, &kss_task_hash[b], hnode)
			fn(t, ctx);
}

struct kss_pid_match {
	pid_t pid;
	struct kss_profile *kp;
};

static void kss_match_pid(struct kss_task *t, void *ctx)
{
	struct kss_pid_match *m = ctx;

	if (t->pid == m->pid && !m->kp)
		m->kp = READ_ONCE(t->prof);
}

struct kss_profile *kss_task_profile_of(pid_t pid)
{
	struct kss_pid_match m = { .pid = pid };

	spin_lock(&kss_tasks_lock);
	kss_tasks_for_each(kss_match_pid, &m);
	spin_unlock(&kss_tasks_lock);
	return m.kp;	/* profiles live until unload */
}

struct kss_repoint {
	struct kss_profile *kp;
	struct selfseq_profile *p;
};

static void kss_repoint_one(struct kss_task *t, void *ctx)
{
	struct kss_repoint *r = ctx;

	if (READ_ONCE(t->prof) != r->kp)
		return;
	/* Checked at load: the new profile's frame fits the slot. */
	if (selfseq_process_set_profile(t->proc, r->p))
		return;
	t->arch = r->kp->arch;
	t->lfc = 0;
}

void kss_tasks_repoint(struct kss_profile *kp, struct selfseq_profile *p, u32 arch)
{
	struct kss_repoint r = { .kp = kp, .p = p };

	/* Lock order: kss_tasks_lock, then a profile's lock. */
	spin_lock(&kss_tasks_lock);
	spin_lock(&kp->lock);
	kp->p = p;
	WRITE_ONCE(kp->arch, arch);
	kss_tasks_for_each(kss_repoint_one, &r);
	spin_unlock(&kp->lock);
	spin_unlock(&kss_tasks_lock);
}

/* The tracepoints we attach to; found by name (their symbols are not exported). */
static struct kss_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	bool registered;
} kss_tps[] = {
	/* Registered in this order, unregistered in the reverse one. */
	{ "sched_process_exit", kss_on_exit },
	{ "sched_process_fork", kss_on_fork },
	{ "sched_process_exec", kss_on_exec },
	{ "sys_enter", kss_on_sys_enter },
};

static void kss_find_tp(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kss_tps); i++)
		if (!strcmp(tp->name, kss_tps[i].name))
			kss_tps[i].tp = tp;
}

int kss_probes_register(void)
{
	size_t i;
	int err;

	for_each_kernel_tracepoint(kss_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(kss_tps); i++) {
		if (!kss_tps[i].tp) {
			pr_err("selfseq: tracepoint %s not found\n", kss_tps[i].name);
			err = -ENOENT;
			goto fail;
		}
		err = tracepoint_probe_register(kss_tps[i].tp, kss_tps[i].probe, NULL);
		if (err) {
			pr_err("selfseq: cannot attach to %s: %d\n", kss_tps[i].name, err);
			goto fail;
		}
		kss_tps[i].registered = true;
	}
	return 0;
fail:
	kss_probes_unregister();
	return err;
}

void kss_probes_unregister(void)
{
	size_t i = ARRAY_SIZE(kss_tps);

	while (i--) {
		if (!kss_tps[i].registered)
			continue;
		tracepoint_probe_unregister(kss_tps[i].tp, kss_tps[i].probe, NULL);
		kss_tps[i].registered = false;
	}
	tracepoint_synchronize_unregister();
}

void kss_works_wait(void)
{
	wake_up_all(&kss_delay_wq);
	while (!wait_event_timeout(kss_works_wq, !atomic_read(&kss_works), 10 * HZ))
		pr_warn("selfseq: unload waits for %d task works\n", atomic_read(&kss_works));
	/* Tasks that just finished a work may still run its last instructions. */
	synchronize_rcu_tasks();
}

void kss_tasks_free_all(void)
{
	struct hlist_node *tmp;
	struct kss_task *t;
	unsigned int b;

	if (kss_task_hash) {
		/* No probe and no work runs now: the table is ours alone. */
		for (b = 0; b < (1u << kss_task_bits); b++)
			hlist_for_each_entry_safe(t, tmp, &kss_task_hash[b], hnode) {
				hlist_del(&t->hnode);
				if (t->prof)
					selfseq_process_free(t->proc);
				kmem_cache_free(kss_task_cache, t);
				atomic_dec(&kss_ntasks);
			}
		kvfree(kss_task_hash);
		kss_task_hash = NULL;
	}
	rcu_barrier();	/* kss_task_free_rcu callbacks of exited tasks */
	kmem_cache_destroy(kss_task_cache);
	kss_task_cache = NULL;
}
