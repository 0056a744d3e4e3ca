// SPDX-License-Identifier: MIT
/*
 * The allocator the core uses in the kernel (selfseq__default_allocator).
 *
 * Core objects are created in process context (exec task work, profile
 * load), where sleeping is allowed, but a profile's pair matrix grows in
 * the sys_enter probe, with preemption off and the profile's spinlock held,
 * and the growth frees the old matrix there too. So:
 * - memory comes from kmalloc only: vfree() may sleep and vfree_atomic() is
 *   not exported, so vmalloc'd blocks could not be freed in the probe;
 * - the GFP flags depend on who asks: GFP_KERNEL only for the task that
 *   declared, under kss_profiles_mutex and holding no spinlock, that it may
 *   sleep (kss_may_sleep_begin); everyone else gets GFP_NOWAIT, which never
 *   sleeps and, unlike GFP_ATOMIC, leaves the emergency reserves to
 *   interrupt handlers: a failed growth only loses a pair and is counted.
 * The largest block (a full 1024-call matrix) stays under KMALLOC_MAX_SIZE
 * for windows up to 17; bigger ones fail cleanly with -ENOMEM.
 */
#include <linux/atomic.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/lockdep.h>
#include "glue.h"

static struct task_struct *kss_sleeper;
/* Bytes the core holds: the status shows it, unload checks it is back to 0. */
static atomic_long_t kss_core_bytes = ATOMIC_LONG_INIT(0);

long kss_core_bytes_held(void)
{
	return atomic_long_read(&kss_core_bytes);
}

void kss_may_sleep_begin(void)
{
	lockdep_assert_held(&kss_profiles_mutex);
	WRITE_ONCE(kss_sleeper, current);
}

void kss_may_sleep_end(void)
{
	WRITE_ONCE(kss_sleeper, NULL);
}

static void *kss_core_alloc(void *ctx, size_t size)
{
	gfp_t gfp = READ_ONCE(kss_sleeper) == current ? GFP_KERNEL : GFP_NOWAIT;
	void *p = kmalloc(size, gfp | __GFP_NOWARN);

	if (p)
		atomic_long_add(size, &kss_core_bytes);
	return p;
}

static void kss_core_free(void *ctx, void *ptr, size_t size)
{
	atomic_long_sub(size, &kss_core_bytes);
	kfree(ptr);
}

const struct selfseq_allocator selfseq__default_allocator = {
	.sz = sizeof(struct selfseq_allocator),
	.alloc = kss_core_alloc,
	.free = kss_core_free,
};
