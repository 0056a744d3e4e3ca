// SPDX-License-Identifier: MIT
/*
 * selfseq.ko: module parameters, counters, load and unload. The order of
 * unload is what makes it safe: no new control calls, no new probe calls,
 * wait for probes in flight, then for queued task works (and for the tasks
 * leaving their code), and only then free tasks and profiles.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include "glue.h"

unsigned int kss_window = SELFSEQ_DEFAULT_WINDOW;
module_param_named(window, kss_window, uint, 0444);
MODULE_PARM_DESC(window, "Window of new profiles, 2..32 (pH: 9)");

unsigned int kss_alphabet = SELFSEQ_DEFAULT_ALPHABET;
module_param_named(alphabet, kss_alphabet, uint, 0444);
MODULE_PARM_DESC(alphabet, "System call numbers of new profiles: 0..alphabet-1 (1..1024)");

unsigned int kss_lfc_frame = SELFSEQ_DEFAULT_LFC_FRAME;
module_param_named(lfc_frame, kss_lfc_frame, uint, 0444);
MODULE_PARM_DESC(lfc_frame, "Locality frame in calls (pH: 128); loaded profiles may not exceed it");

unsigned int kss_normal_factor = SELFSEQ_DEFAULT_NORMAL_FACTOR;
module_param_named(normal_factor, kss_normal_factor, uint, 0444);
MODULE_PARM_DESC(normal_factor, "pH normal_factor (128)");

unsigned int kss_normal_factor_den = SELFSEQ_DEFAULT_NORMAL_FACTOR_DEN;
module_param_named(normal_factor_den, kss_normal_factor_den, uint, 0444);
MODULE_PARM_DESC(normal_factor_den, "pH normal_factor_den (32)");

unsigned long kss_normal_wait = 7UL * 24 * 3600;
module_param_named(normal_wait, kss_normal_wait, ulong, 0444);
MODULE_PARM_DESC(normal_wait, "pH normal_wait in seconds (one week)");

unsigned int kss_anomaly_limit = SELFSEQ_DEFAULT_ANOMALY_LIMIT;
module_param_named(anomaly_limit, kss_anomaly_limit, uint, 0444);
MODULE_PARM_DESC(anomaly_limit, "pH anomaly_limit (30)");

unsigned int kss_tolerize_limit = SELFSEQ_DEFAULT_TOLERIZE_LIMIT;
module_param_named(tolerize_limit, kss_tolerize_limit, uint, 0444);
MODULE_PARM_DESC(tolerize_limit, "pH tolerize_limit (12)");

unsigned int kss_delay_factor = SELFSEQ_DEFAULT_DELAY_FACTOR;
module_param_named(delay_factor, kss_delay_factor, uint, 0444);
MODULE_PARM_DESC(delay_factor, "pH delay_factor in jiffies; 0 turns delays off");

unsigned int kss_max_profiles = 512;
module_param_named(max_profiles, kss_max_profiles, uint, 0444);
MODULE_PARM_DESC(max_profiles, "Profiles held at most; further executables are untracked");

unsigned int kss_max_tasks = 16384;
module_param_named(max_tasks, kss_max_tasks, uint, 0444);
MODULE_PARM_DESC(max_tasks, "Tasks tracked at most; further tasks are untracked");

bool kss_unloading;

DEFINE_PER_CPU(struct kss_stats, kss_stats);

u64 kss_stat_sum(size_t offset)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *(u64 *)((char *)per_cpu_ptr(&kss_stats, cpu) + offset);
	return sum;
}

static int kss_check_params(void)
{
	struct selfseq_params p;

	if (kss_window < SELFSEQ_WINDOW_MIN || kss_window > SELFSEQ_WINDOW_MAX ||
	    !kss_alphabet || kss_alphabet > SELFSEQ_ALPHABET_MAX || !kss_lfc_frame ||
	    kss_lfc_frame > SELFSEQ_LFC_FRAME_MAX || !kss_max_tasks || kss_max_tasks > (1u << 22))
		return -EINVAL;
	kss_profile_params(&p);
	return p.normal_factor && p.normal_factor_den ? 0 : -EINVAL;
}

static int __init kss_init(void)
{
	int err = kss_check_params();

	if (err) {
		pr_err("selfseq: bad module parameters\n");
		return err;
	}
	err = kss_tasks_init();
	if (err)
		return err;
	err = kss_misc_register();
	if (err)
		goto fail_tasks;
	err = kss_probes_register();
	if (err)
		goto fail_misc;
	pr_info("selfseq: loaded (window %u, alphabet %u, max %u profiles, %u tasks)\n",
		kss_window, kss_alphabet, kss_max_profiles, kss_max_tasks);
	return 0;

fail_misc:
	kss_misc_deregister();
fail_tasks:
	kss_tasks_free_all();
	return err;
}

static void __exit kss_exit(void)
{
	kss_misc_deregister();
	WRITE_ONCE(kss_unloading, true);
	kss_probes_unregister();	/* also waits for probes in flight */
	kss_works_wait();		/* queued exec and delay works, woken by kss_unloading */
	kss_tasks_free_all();
	kss_profiles_free_all();
	/* Every block the core allocated must have come back. */
	pr_info("selfseq: unloaded, core bytes left %ld, tasks left %u\n", kss_core_bytes_held(),
		kss_task_count());
}

module_init(kss_init);
module_exit(kss_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("libselfseq: pH-style system-call sequence anomaly detection");
MODULE_VERSION("1.0.0");
