/* SPDX-License-Identifier: MIT */
/*
 * The userland monitor: exec/fork/exit/feed bookkeeping, per-architecture
 * profiles, limits (untracked calls are counted, never a crash), save and
 * load through a temporary store, and a corrupt stored profile that must be
 * left exactly as it was.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <selfseq/selfseq-file.h>
#include <selfseq/selfseq-monitor.h>

#define X86_64 0xc000003eu
#define I386 0x40000003u

static struct selfseq_monitor_stats stats_of(const struct selfseq_monitor *m)
{
	struct selfseq_monitor_stats s = { .sz = sizeof(s) };

	assert_int_equal(selfseq_monitor_get_stats(m, &s), 0);
	return s;
}

static struct selfseq_monitor *mon_new(const char *dir, uint32_t mode, uint32_t max_profiles,
				       uint32_t max_processes, const struct selfseq_params *pp)
{
	struct selfseq_monitor_opts o = {
		.sz = sizeof(o), .store_dir = dir, .mode = mode, .window = 4, .alphabet = 512,
		.params = pp, .max_profiles = max_profiles, .max_processes = max_processes,
	};
	struct selfseq_monitor *m = NULL;

	assert_int_equal(selfseq_monitor_new(&o, &m), 0);
	assert_non_null(m);
	return m;
}

static void feed_all(struct selfseq_monitor *m, uint32_t pid, const uint32_t *calls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(selfseq_monitor_feed(m, pid, calls[i], 0, NULL), 0);
}

static int count_cb(struct selfseq_profile *p, void *ctx)
{
	(void)p;
	(*(int *)ctx)++;
	return 0;
}

static int profiles_held(struct selfseq_monitor *m)
{
	int n = 0;

	assert_int_equal(selfseq_monitor_foreach_profile(m, count_cb, &n), 0);
	return n;
}

struct find_key {
	const char *key;
	struct selfseq_profile *found;
};

static int find_cb(struct selfseq_profile *p, void *ctx)
{
	struct find_key *fk = ctx;

	if (selfseq_profile_get_key(p) && !strcmp(selfseq_profile_get_key(p), fk->key)) {
		fk->found = p;
		return 1;
	}
	return 0;
}

static struct selfseq_profile *profile_of(struct selfseq_monitor *m, const char *key)
{
	struct find_key fk = { key, NULL };

	selfseq_monitor_foreach_profile(m, find_cb, &fk);
	return fk.found;
}

static struct selfseq_profile_state state_of(const struct selfseq_profile *p)
{
	struct selfseq_profile_state s = { .sz = sizeof(s) };

	assert_non_null(p);
	assert_int_equal(selfseq_profile_get_state(p, &s), 0);
	return s;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static char *tmp_store(void)
{
	char tmpl[] = "/tmp/selfseq-test-monitor-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void rm_store(char *dir)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static void test_new_opts(void **state)
{
	struct selfseq_monitor_opts o = { .sz = sizeof(o), .window = 40 };
	struct selfseq_params bad = { .sz = sizeof(bad), .normal_factor = 1 };
	struct {
		struct selfseq_monitor_opts o;
		uint64_t future;
	} big = { .o = { .sz = sizeof(big) }, .future = 1 };
	struct selfseq_monitor *m = NULL;

	(void)state;
	assert_int_equal(selfseq_monitor_new(&o, &m), -EINVAL);
	o.window = 0;
	o.mode = 7;
	assert_int_equal(selfseq_monitor_new(&o, &m), -EINVAL);
	o.mode = 0;
	o.params = &bad;	/* zero denominator */
	assert_int_equal(selfseq_monitor_new(&o, &m), -EINVAL);
	assert_int_equal(selfseq_monitor_new(&big.o, &m), -E2BIG);
	assert_null(m);
	assert_int_equal(selfseq_monitor_new(NULL, NULL), -EINVAL);
	assert_int_equal(selfseq_monitor_new(NULL, &m), 0);
	assert_int_equal(selfseq_monitor_exec(m, 1, NULL, 0), -EINVAL);
	assert_int_equal(selfseq_monitor_exec(m, 1, "", 0), -EINVAL);
	assert_int_equal(selfseq_monitor_save(m), 0);	/* no store: nothing to do */
	selfseq_monitor_free(m);
	selfseq_monitor_free(NULL);
}

static void test_exec_feed_exit(void **state)
{
	static const uint32_t calls[] = { 2, 0, 9, 9, 2, 97, 9, 3 };
	struct selfseq_monitor *m = mon_new(NULL, SELFSEQ_MODE_MONITOR, 0, 0, NULL);
	struct selfseq_monitor_stats s;
	struct selfseq_event ev = { .sz = sizeof(ev) };
	struct selfseq_process *proc;

	(void)state;
	assert_int_equal(selfseq_monitor_feed(m, 10, 2, 0, NULL), -ENOENT);
	assert_int_equal(selfseq_monitor_exec(m, 10, "/bin/a", X86_64), 0);
	feed_all(m, 10, calls, 8);
	assert_int_equal(selfseq_monitor_feed(m, 10, 512, 0, &ev), -ERANGE);
	assert_int_equal(selfseq_monitor_feed(m, 10, 3, 0, &ev), 0);
	assert_int_equal(ev.call, 3);
	proc = selfseq_monitor_get_process(m, 10);
	assert_non_null(proc);
	assert_string_equal(selfseq_profile_get_key(selfseq_process_get_profile(proc)), "/bin/a");
	s = stats_of(m);
	assert_int_equal(s.calls, 9);
	assert_int_equal(s.untracked_calls, 1);
	assert_int_equal(s.processes, 1);
	assert_int_equal(s.profiles, 1);
	assert_int_equal(state_of(profile_of(m, "/bin/a")).count, 9);
	assert_int_equal(state_of(profile_of(m, "/bin/a")).tasks, 1);

	/* exec: another profile, a fresh window. */
	assert_int_equal(selfseq_monitor_exec(m, 10, "/bin/b", X86_64), 0);
	proc = selfseq_monitor_get_process(m, 10);
	assert_int_equal(selfseq_process_get_window(proc, (uint32_t[8]){ 0 }, 8), 0);
	assert_int_equal(state_of(profile_of(m, "/bin/a")).tasks, 0);
	assert_int_equal(state_of(profile_of(m, "/bin/b")).tasks, 1);
	assert_int_equal(stats_of(m).profiles, 2);
	assert_int_equal(stats_of(m).processes, 1);

	assert_int_equal(selfseq_monitor_exit(m, 10), 0);
	assert_int_equal(selfseq_monitor_exit(m, 10), -ENOENT);
	assert_null(selfseq_monitor_get_process(m, 10));
	assert_int_equal(selfseq_monitor_feed(m, 10, 1, 0, NULL), -ENOENT);
	s = stats_of(m);
	assert_int_equal(s.untracked_calls, 2);
	assert_int_equal(s.processes, 0);
	assert_int_equal(s.profiles, 2);	/* profiles outlive their processes */
	assert_int_equal(state_of(profile_of(m, "/bin/b")).tasks, 0);
	selfseq_monitor_free(m);
}

static void test_fork(void **state)
{
	static const uint32_t calls[] = { 5, 6, 7, 8, 9 };
	struct selfseq_monitor *m = mon_new(NULL, SELFSEQ_MODE_MONITOR, 0, 0, NULL);
	uint32_t pw[8], cw[8];
	int n;

	(void)state;
	assert_int_equal(selfseq_monitor_fork(m, 1, 2), -ENOENT);
	assert_null(selfseq_monitor_get_process(m, 2));
	assert_int_equal(selfseq_monitor_exec(m, 1, "/bin/sh", 0), 0);
	feed_all(m, 1, calls, 5);
	assert_int_equal(selfseq_monitor_fork(m, 1, 2), 0);
	n = selfseq_process_get_window(selfseq_monitor_get_process(m, 1), pw, 8);
	assert_int_equal(n, 3);	/* window 4: the last 3 calls */
	assert_int_equal(selfseq_process_get_window(selfseq_monitor_get_process(m, 2), cw, 8), n);
	assert_memory_equal(pw, cw, (size_t)n * sizeof(pw[0]));
	assert_ptr_equal(selfseq_process_get_profile(selfseq_monitor_get_process(m, 1)),
			 selfseq_process_get_profile(selfseq_monitor_get_process(m, 2)));
	assert_int_equal(stats_of(m).processes, 2);
	assert_int_equal(stats_of(m).profiles, 1);
	/* The child continues independently. */
	assert_int_equal(selfseq_monitor_feed(m, 2, 1, 0, NULL), 0);
	assert_int_equal(selfseq_monitor_fork(m, 2, 2), 0);
	assert_int_equal(selfseq_monitor_exit(m, 1), 0);
	assert_non_null(selfseq_monitor_get_process(m, 2));
	selfseq_monitor_free(m);
}

static void test_per_arch(void **state)
{
	struct selfseq_monitor *m = mon_new(NULL, SELFSEQ_MODE_TRAIN, 0, 0, NULL);
	char key[64];
	int native64 = 0;

	(void)state;
	assert_int_equal(selfseq_monitor_exec(m, 1, "/usr/bin/tool", X86_64), 0);
	assert_int_equal(selfseq_monitor_exec(m, 2, "/usr/bin/tool", I386), 0);
	assert_int_equal(selfseq_monitor_exec(m, 3, "/usr/bin/tool", 0), 0);
	assert_int_equal(selfseq_monitor_feed(m, 1, 257, 0, NULL), 0);
	assert_int_equal(selfseq_monitor_feed(m, 2, 5, 0, NULL), 0);
#if defined(__x86_64__) && !defined(__ILP32__)
	native64 = 1;
#endif
	if (native64) {
		/* Native calls keep the plain path; 0 means native. */
		assert_int_equal(profiles_held(m), 2);
		assert_int_equal(state_of(profile_of(m, "/usr/bin/tool")).arch, X86_64);
		assert_int_equal(state_of(profile_of(m, "/usr/bin/tool")).tasks, 2);
		assert_int_equal(state_of(profile_of(m, "/usr/bin/tool/%arch-40000003")).arch, I386);
	} else {
		snprintf(key, sizeof(key), "/usr/bin/tool/%%arch-%08x", X86_64);
		assert_non_null(profile_of(m, key));
	}
	selfseq_monitor_free(m);
}

static void test_limits(void **state)
{
	struct selfseq_monitor *m = mon_new(NULL, SELFSEQ_MODE_MONITOR, 2, 3, NULL);
	struct selfseq_monitor_stats s;
	uint32_t pid;

	(void)state;
	assert_int_equal(selfseq_monitor_exec(m, 1, "/bin/a", 0), 0);
	assert_int_equal(selfseq_monitor_exec(m, 2, "/bin/b", 0), 0);
	/* A third executable is over max_profiles: the pid stays untracked. */
	assert_int_equal(selfseq_monitor_exec(m, 3, "/bin/c", 0), -ENOSPC);
	assert_null(selfseq_monitor_get_process(m, 3));
	assert_int_equal(selfseq_monitor_feed(m, 3, 1, 0, NULL), -ENOENT);
	/* A tracked pid that execs an untrackable program is forgotten. */
	assert_int_equal(selfseq_monitor_exec(m, 2, "/bin/c", 0), -ENOSPC);
	assert_null(selfseq_monitor_get_process(m, 2));
	assert_int_equal(selfseq_monitor_exec(m, 2, "/bin/b", 0), 0);
	assert_int_equal(selfseq_monitor_exec(m, 3, "/bin/a", 0), 0);
	/* max_processes = 3: the fourth pid is untracked, by exec and by fork. */
	for (pid = 4; pid < 100; pid++) {
		assert_int_equal(selfseq_monitor_exec(m, pid, "/bin/a", 0), -ENOSPC);
		assert_int_equal(selfseq_monitor_fork(m, 1, pid), -ENOSPC);
		assert_int_equal(selfseq_monitor_feed(m, pid, 1, 0, NULL), -ENOENT);
	}
	/* An exec of an already tracked pid is no new process. */
	assert_int_equal(selfseq_monitor_exec(m, 1, "/bin/b", 0), 0);
	s = stats_of(m);
	assert_int_equal(s.processes, 3);
	assert_int_equal(s.profiles, 2);
	assert_int_equal(s.untracked_calls, 1 + 96);
	/* Exiting makes room again. */
	assert_int_equal(selfseq_monitor_exit(m, 3), 0);
	assert_int_equal(selfseq_monitor_fork(m, 1, 200), 0);
	selfseq_monitor_free(m);
}

static void test_anomaly(void **state)
{
	static const uint32_t normal[] = { 1, 2, 3, 4, 1, 2, 3, 4 };
	struct selfseq_params pp = {
		.sz = sizeof(pp), .normal_factor = 128, .normal_factor_den = 32,
		.normal_wait_ns = 0, .anomaly_limit = 30, .tolerize_limit = 12,
	};
	struct selfseq_monitor *m = mon_new(NULL, SELFSEQ_MODE_MONITOR, 0, 0, &pp);
	struct selfseq_event ev = { .sz = sizeof(ev) };
	int i;

	(void)state;
	assert_int_equal(selfseq_monitor_exec(m, 7, "/bin/loop", 0), 0);
	for (i = 0; i < 1600; i++)
		assert_int_equal(selfseq_monitor_feed(m, 7, normal[i % 8], (uint64_t)i, NULL), 0);
	/* normal_wait 0: frozen then normal on the next call. */
	assert_true(state_of(profile_of(m, "/bin/loop")).flags & SELFSEQ_STATE_NORMAL);
	assert_int_equal(stats_of(m).anomalies, 0);
	assert_int_equal(selfseq_monitor_feed(m, 7, 9, 2000, &ev), 0);
	assert_true(ev.flags & SELFSEQ_EVENT_ANOMALOUS);
	assert_int_equal(ev.misses, 3);
	assert_int_equal(ev.lfc, 1);
	assert_int_equal(stats_of(m).anomalies, 1);
	selfseq_monitor_free(m);
}

static void test_save_load(void **state)
{
	static const uint32_t calls[] = { 0, 1, 2, 3, 0, 1, 2, 3, 60, 231 };
	char *dir = tmp_store();
	struct selfseq_monitor *m = mon_new(dir, SELFSEQ_MODE_TRAIN, 0, 0, NULL);
	struct selfseq_profile_state before, after;
	struct selfseq_monitor_stats s;

	(void)state;
	assert_int_equal(selfseq_monitor_exec(m, 1, "/usr/bin/app", 0), 0);
	assert_int_equal(selfseq_monitor_exec(m, 2, "/usr/bin/app", I386), 0);
	assert_int_equal(selfseq_monitor_exec(m, 3, "/usr/bin/idle", 0), 0);
	feed_all(m, 1, calls, 10);
	feed_all(m, 2, calls, 5);
	before = state_of(profile_of(m, "/usr/bin/app"));
	/* Only the two profiles that learned something are written. */
	assert_int_equal(selfseq_monitor_save(m), 2);
	assert_int_equal(selfseq_monitor_save(m), 0);
	s = stats_of(m);
	assert_int_equal(s.profiles_saved, 2);
	assert_int_equal(s.save_errors, 0);
	selfseq_monitor_free(m);

	m = mon_new(dir, SELFSEQ_MODE_SCORE, 0, 0, NULL);
	assert_int_equal(selfseq_monitor_exec(m, 5, "/usr/bin/app", 0), 0);
	assert_int_equal(selfseq_monitor_exec(m, 6, "/usr/bin/app", I386), 0);
	assert_int_equal(stats_of(m).profiles_loaded, 2);
	after = state_of(profile_of(m, "/usr/bin/app"));
	assert_int_equal(after.count, before.count);
	assert_int_equal(after.train_pairs, before.train_pairs);
	assert_int_equal(after.sequences, before.sequences);
	assert_int_equal(after.arch, before.arch);
	/* Score mode: the known sequence has no miss, a new call has. */
	{
		struct selfseq_event ev = { .sz = sizeof(ev) };
		int i;

		for (i = 0; i < 4; i++) {
			assert_int_equal(selfseq_monitor_feed(m, 5, calls[i], 0, &ev), 0);
			assert_int_equal(ev.misses, 0);
		}
		assert_int_equal(selfseq_monitor_feed(m, 5, 99, 0, &ev), 0);
		assert_true(ev.misses > 0);
	}
	assert_int_equal(selfseq_monitor_save(m), 0);	/* score mode learns nothing */
	selfseq_monitor_free(m);
	rm_store(dir);
}

static void read_file(const char *path, char *buf, size_t *len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, *len);
	assert_true(n >= 0);
	*len = (size_t)n;
	close(fd);
}

static void test_corrupt_profile(void **state)
{
	static const uint32_t calls[] = { 3, 4, 5, 3, 4, 5 };
	char *dir = tmp_store();
	struct selfseq_monitor *m = mon_new(dir, SELFSEQ_MODE_TRAIN, 0, 0, NULL);
	char path[512], before[65536], after[65536];
	size_t blen = sizeof(before), alen = sizeof(after);
	struct stat st;
	int fd;

	(void)state;
	assert_int_equal(selfseq_monitor_exec(m, 1, "/opt/x", 0), 0);
	feed_all(m, 1, calls, 6);
	assert_int_equal(selfseq_monitor_save(m), 1);
	selfseq_monitor_free(m);

	/* Flip a byte in the middle: the checksum no longer matches. */
	snprintf(path, sizeof(path), "%s/opt/x/%%profile", dir);
	read_file(path, before, &blen);
	assert_true(blen > 16);
	before[blen / 2] ^= 0x5a;
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, before, blen), (ssize_t)blen);
	close(fd);
	assert_int_equal(stat(path, &st), 0);

	m = mon_new(dir, SELFSEQ_MODE_MONITOR, 0, 0, NULL);
	assert_int_equal(selfseq_monitor_exec(m, 1, "/opt/x", 0), -EBADMSG);
	assert_null(selfseq_monitor_get_process(m, 1));
	assert_int_equal(selfseq_monitor_feed(m, 1, 3, 0, NULL), -ENOENT);
	/* Asked again (another exec): same answer, still untracked, no new profile. */
	assert_int_equal(selfseq_monitor_exec(m, 2, "/opt/x", 0), -EBADMSG);
	assert_int_equal(stats_of(m).profiles, 0);
	assert_int_equal(stats_of(m).untracked_calls, 1);
	/* Other executables still work and saving them leaves /opt/x alone. */
	assert_int_equal(selfseq_monitor_exec(m, 3, "/opt/y", 0), 0);
	feed_all(m, 3, calls, 6);
	assert_int_equal(selfseq_monitor_save(m), 1);
	selfseq_monitor_free(m);

	read_file(path, after, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	rm_store(dir);
}

static void test_store_errors(void **state)
{
	struct selfseq_monitor_opts o = { .sz = sizeof(o), .store_dir = "/proc/version/x" };
	struct selfseq_monitor *m = NULL;
	char *dir = tmp_store();

	(void)state;
	assert_true(selfseq_monitor_new(&o, &m) < 0);
	assert_null(m);
	/* The store refuses keys that are not absolute paths: the pid is untracked. */
	m = mon_new(dir, SELFSEQ_MODE_MONITOR, 0, 0, NULL);
	assert_int_equal(selfseq_monitor_exec(m, 1, "(null)", 0), -EINVAL);
	assert_int_equal(selfseq_monitor_exec(m, 1, "/a/../b", 0), -EINVAL);
	assert_null(selfseq_monitor_get_process(m, 1));
	selfseq_monitor_free(m);
	rm_store(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_opts),
		cmocka_unit_test(test_exec_feed_exit),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_per_arch),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_anomaly),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_corrupt_profile),
		cmocka_unit_test(test_store_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
