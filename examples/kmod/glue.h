/* SPDX-License-Identifier: MIT */
/*
 * selfseq.ko: what the glue files share. The module runs libselfseq's core
 * (the libselfseq/core sources, compiled unchanged) on every system call of the
 * tasks it tracks; README.md in this directory explains the locking.
 */
#ifndef SELFSEQ_KMOD_GLUE_H
#define SELFSEQ_KMOD_GLUE_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/task_work.h>
#include <selfseq/selfseq.h>

/* Module parameters (pH's names where pH had one); glue-main.c. */
extern unsigned int kss_window, kss_alphabet, kss_lfc_frame;
extern unsigned int kss_normal_factor, kss_normal_factor_den;
extern unsigned long kss_normal_wait;	/* seconds, as pH */
extern unsigned int kss_anomaly_limit, kss_tolerize_limit, kss_delay_factor;
extern unsigned int kss_max_profiles, kss_max_tasks;

/* Set at the start of module unload: no new profile, task work or delay. */
extern bool kss_unloading;

/* Counters; per CPU because the probe bumps them on every call. */
struct kss_stats {
	u64 calls;		/* calls fed to the core */
	u64 calls_untracked;	/* calls of tasks without a profile */
	u64 calls_ignored;	/* tracked, but another ABI or outside the alphabet */
	u64 anomalies;
	u64 alloc_failures;	/* a training set could not grow in the probe */
	u64 tasks_untracked;	/* forks/execs refused: max_tasks or no memory */
	u64 profiles_untracked;	/* execs of new executables refused: max_profiles or no memory */
	u64 execs;
	u64 forks;
	u64 delays;
};
DECLARE_PER_CPU(struct kss_stats, kss_stats);
#define kss_count(field) this_cpu_inc(kss_stats.field)
u64 kss_stat_sum(size_t offset);
#define KSS_STAT(field) kss_stat_sum(offsetof(struct kss_stats, field))

/* Core memory (glue-alloc.c). */
void kss_may_sleep_begin(void);
void kss_may_sleep_end(void);
long kss_core_bytes_held(void);

/* One profile per executable (dev + inode), glue-profile.c. */
struct kss_profile {
	struct hlist_node hnode;	/* kss_profile_hash; RCU readers, kss_profiles_mutex writers */
	struct list_head lnode;		/* kss_profile_list, by id; kss_profiles_mutex */
	/* Serialises every core call on ->p and on the processes attached to it. */
	spinlock_t lock;
	struct selfseq_profile *p;	/* replaced (under lock) only by a load */
	u32 arch;			/* AUDIT_ARCH_* of p; READ_ONCE in the probe */
	u32 id;				/* small number for the tool, stable while loaded */
	dev_t dev;
	u64 ino;
};

extern struct mutex kss_profiles_mutex;
struct kss_profile *kss_profile_for_file(struct file *exe, u32 arch);
struct kss_profile *kss_profile_by_name(const char *name);	/* under kss_profiles_mutex */
void kss_profile_params(struct selfseq_params *params);
void kss_profiles_for_each(void (*fn)(struct kss_profile *kp, void *ctx), void *ctx);
struct kss_profile *kss_profile_install(struct selfseq_profile *p, dev_t dev, u64 ino, u32 arch);
unsigned int kss_profile_count(void);
void kss_profiles_free_all(void);

/* A tracked task (thread), glue-task.c. */
struct kss_task {
	struct hlist_node hnode;	/* kss_task_hash; RCU readers, kss_tasks_lock writers */
	struct task_struct *task;	/* the key; never dereferenced after the task exits */
	/*
	 * Attached profile or NULL. Written only by the task itself (exec work,
	 * exit probe) or by the fork probe before the child first runs, under
	 * prof->lock; others read it with READ_ONCE under kss_tasks_lock.
	 */
	struct kss_profile *prof;
	struct selfseq_process *proc;	/* in proc_mem; used under prof->lock */
	refcount_t ref;			/* the table's reference plus one per queued task work */
	unsigned long flags;		/* KSS_TASK_* bits */
	pid_t pid, tgid;
	u32 arch;
	char comm[TASK_COMM_LEN];
	/* Under prof->lock. */
	u64 calls, anomalies;
	u32 lfc, max_lfc;
	u64 delay;			/* jiffies to sleep at the next return to user space */
	struct file *exe;		/* held from the exec probe to the exec work */
	struct callback_head exec_work, delay_work;
	struct rcu_head rcu;
	u64 proc_mem[];			/* selfseq_process_size() bytes */
};
#define KSS_TASK_DEAD 0
#define KSS_TASK_EXEC_PENDING 1
#define KSS_TASK_DELAY_PENDING 2

extern spinlock_t kss_tasks_lock;
int kss_tasks_init(void);
void kss_tasks_free_all(void);
unsigned int kss_task_count(void);
int kss_probes_register(void);
void kss_probes_unregister(void);
void kss_works_wait(void);
/* Call @fn on every tracked task, under kss_tasks_lock (atomic context). */
void kss_tasks_for_each(void (*fn)(struct kss_task *t, void *ctx), void *ctx);
/* The profile @pid is attached to, or NULL. */
struct kss_profile *kss_task_profile_of(pid_t pid);

/* Anomaly ring, glue-ring.c. */
struct kss_record {
	u64 seq;
	u64 time_ns;		/* CLOCK_REALTIME */
	pid_t pid, tgid;
	u32 profile;		/* kss_profile.id */
	u32 call, misses, lfc, state, flags;
	char comm[TASK_COMM_LEN];
};
void kss_ring_add(const struct kss_task *t, const struct kss_profile *kp,
		  const struct selfseq_event *ev, u64 now);
/* Copy out the records after @since, oldest first; returns how many; *next and *lost set. */
size_t kss_ring_copy(u64 since, struct kss_record *out, size_t max, u64 *next, u64 *lost);
u64 kss_ring_next_seq(void);
#define KSS_RING_SIZE 256u

/* Text and binary answers of /dev/selfseq (glue-dev.c). */
struct kss_out {
	char *buf;
	size_t len, cap;
	int err;		/* first -ENOMEM while growing */
};
int kss_out_reserve(struct kss_out *out, size_t need);
__printf(2, 3) void kss_out_printf(struct kss_out *out, const char *fmt, ...);
void kss_out_bytes(struct kss_out *out, const void *data, size_t n);
void kss_out_escaped(struct kss_out *out, const char *s);
int kss_misc_register(void);
void kss_misc_deregister(void);

/* Commands (glue-cmd.c): each returns 0 or a negative errno. */
int kss_cmd_run(char *line, struct kss_out *out);
int kss_cmd_load(const void *data, size_t len, struct kss_out *out);
#define KSS_LOAD_MAX (16u << 20)	/* no valid v1 profile is larger */

/* Replace @kp's profile by @p (a load), re-pointing the tasks attached (glue-task.c). */
void kss_tasks_repoint(struct kss_profile *kp, struct selfseq_profile *p, u32 arch);

#endif /* SELFSEQ_KMOD_GLUE_H */
