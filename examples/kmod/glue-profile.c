// SPDX-License-Identifier: MIT
/*
 * Profiles held by the module: one per executable, keyed by device and
 * inode (a path can be renamed or hard-linked; the inode is what runs),
 * with the path kept as the profile's key for display and for the store.
 * Created in process context (exec task work, load) under
 * kss_profiles_mutex; looked up under RCU; freed only at unload.
 */
#include <linux/hash.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "glue.h"

DEFINE_MUTEX(kss_profiles_mutex);
static LIST_HEAD(kss_profile_list);
#define KSS_PROFILE_BITS 10
static struct hlist_head kss_profile_hash[1u << KSS_PROFILE_BITS];
static unsigned int kss_nprofiles;
static u32 kss_next_id = 1;

unsigned int kss_profile_count(void)
{
	return READ_ONCE(kss_nprofiles);
}

/* The pH parameters every profile gets (module-wide, as pH's were). */
void kss_profile_params(struct selfseq_params *p)
{
	memset(p, 0, sizeof(*p));
	p->sz = sizeof(*p);
	p->normal_factor = READ_ONCE(kss_normal_factor);
	p->normal_factor_den = READ_ONCE(kss_normal_factor_den);
	p->normal_wait_ns = (u64)READ_ONCE(kss_normal_wait) * NSEC_PER_SEC;
	p->anomaly_limit = READ_ONCE(kss_anomaly_limit);
	p->tolerize_limit = READ_ONCE(kss_tolerize_limit);
	p->delay_factor = READ_ONCE(kss_delay_factor);
}

static struct hlist_head *kss_profile_bucket(dev_t dev, u64 ino)
{
	return &kss_profile_hash[hash_64(((u64)dev << 32) ^ ino, KSS_PROFILE_BITS)];
}

static struct kss_profile *kss_profile_find(dev_t dev, u64 ino)
{
	struct kss_profile *kp;

	hlist_for_each_entry_rcu(kp, kss_profile_bucket(dev, ino), hnode,
				 lockdep_is_held(&kss_profiles_mutex))
		if (kp->dev == dev && kp->ino == ino)
			return kp;
	return NULL;
}

/* Under kss_profiles_mutex: wrap @p and make it visible to exec works. */
static struct kss_profile *kss_profile_publish(struct selfseq_profile *p, dev_t dev, u64 ino,
					      u32 arch)
{
	struct kss_profile *kp = kzalloc(sizeof(*kp), GFP_KERNEL);

	if (!kp)
		return NULL;
	spin_lock_init(&kp->lock);
	kp->p = p;
	kp->arch = arch;
	kp->dev = dev;
	kp->ino = ino;
	kp->id = kss_next_id++;
	list_add_tail(&kp->lnode, &kss_profile_list);
	hlist_add_head_rcu(&kp->hnode, kss_profile_bucket(dev, ino));
	WRITE_ONCE(kss_nprofiles, kss_nprofiles + 1);
	return kp;
}

/* Under kss_profiles_mutex: a new training profile for the executable at @path. */
static struct kss_profile *kss_profile_create(const char *path, dev_t dev, u64 ino, u32 arch)
{
	struct selfseq_profile_opts opts = {
		.sz = sizeof(opts), .window = kss_window, .alphabet = kss_alphabet,
		.lfc_frame = kss_lfc_frame, .arch = arch,
	};
	struct selfseq_params params;
	struct selfseq_profile *p;
	struct kss_profile *kp;
	int err;

	kss_profile_params(&params);
	kss_may_sleep_begin();
	err = selfseq_profile_new(&opts, &p);
	if (!err) {
		err = selfseq_profile_set_params(p, &params);
		if (!err)
			err = selfseq_profile_set_key(p, path);
		if (err)
			selfseq_profile_free(p);
	}
	kss_may_sleep_end();
	if (err)
		return NULL;
	kp = kss_profile_publish(p, dev, ino, arch);
	if (!kp)
		selfseq_profile_free(p);
	return kp;
}

struct kss_profile *kss_profile_for_file(struct file *exe, u32 arch)
{
	const struct inode *inode = file_inode(exe);
	dev_t dev = inode->i_sb->s_dev;
	u64 ino = inode->i_ino;
	struct kss_profile *kp;
	char *buf, *path;

	rcu_read_lock();
	kp = kss_profile_find(dev, ino);
	rcu_read_unlock();
	if (kp)
		return kp;	/* profiles live until unload */

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		goto untracked;
	mutex_lock(&kss_profiles_mutex);
	kp = kss_profile_find(dev, ino);
	if (!kp && !READ_ONCE(kss_unloading) && kss_nprofiles < READ_ONCE(kss_max_profiles)) {
		path = d_path(&exe->f_path, buf, PATH_MAX);
		if (!IS_ERR(path))
			kp = kss_profile_create(path, dev, ino, arch);
	}
	mutex_unlock(&kss_profiles_mutex);
	kfree(buf);
	if (kp)
		return kp;
untracked:
	kss_count(profiles_untracked);
	return NULL;
}

/* Under kss_profiles_mutex: by id ("12") or by key ("/usr/bin/ls"). */
struct kss_profile *kss_profile_by_name(const char *name)
{
	struct kss_profile *kp;
	u32 id;

	lockdep_assert_held(&kss_profiles_mutex);
	if (!kstrtou32(name, 10, &id)) {
		list_for_each_entry(kp, &kss_profile_list, lnode)
			if (kp->id == id)
				return kp;
		return NULL;
	}
	list_for_each_entry(kp, &kss_profile_list, lnode) {
		const char *key;
		bool same;

		spin_lock(&kp->lock);
		key = selfseq_profile_get_key(kp->p);
		same = key && !strcmp(key, name);
		spin_unlock(&kp->lock);
		if (same)
			return kp;
	}
	return NULL;
}

/* Every profile, in id order, for the listing commands (under kss_profiles_mutex). */
void kss_profiles_for_each(void (*fn)(struct kss_profile *kp, void *ctx), void *ctx)
{
	struct kss_profile *kp;

	lockdep_assert_held(&kss_profiles_mutex);
	list_for_each_entry(kp, &kss_profile_list, lnode)
		fn(kp, ctx);
}

/*
 * Install a decoded profile for the executable at (@dev, @ino): a new entry,
 * or a replacement whose attached tasks move to it. Under kss_profiles_mutex.
 * Returns the entry, or an ERR_PTR; on success @p belongs to the module.
 */
struct kss_profile *kss_profile_install(struct selfseq_profile *p, dev_t dev, u64 ino, u32 arch)
{
	struct kss_profile *kp;
	struct selfseq_profile *old;

	lockdep_assert_held(&kss_profiles_mutex);
	kp = kss_profile_find(dev, ino);
	if (!kp) {
		if (kss_nprofiles >= READ_ONCE(kss_max_profiles))
			return ERR_PTR(-ENOSPC);
		kp = kss_profile_publish(p, dev, ino, arch);
		return kp ? kp : ERR_PTR(-ENOMEM);
	}
	old = kp->p;
	kss_tasks_repoint(kp, p, arch);
	selfseq_profile_free(old);	/* no task points to it any more */
	return kp;
}

void kss_profiles_free_all(void)
{
	struct kss_profile *kp, *tmp;

	mutex_lock(&kss_profiles_mutex);
	list_for_each_entry_safe(kp, tmp, &kss_profile_list, lnode) {
		list_del(&kp->lnode);
		hlist_del_rcu(&kp->hnode);
		selfseq_profile_free(kp->p);
		kfree(kp);
	}
	kss_nprofiles = 0;
	mutex_unlock(&kss_profiles_mutex);
}
