/* SPDX-License-Identifier: MIT */
/*
 * Profile files (libselfseq/profile-file.c): load and save, what load says
 * about files that are not profiles, that a failed save keeps the old file
 * and leaves no temporary behind, and crash safety: a child saving over and
 * over is killed with SIGKILL at random moments, and the file is always
 * exactly the old or the new profile.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <selfseq/selfseq.h>
#include <selfseq/selfseq-file.h>

#include "golden.h"

static char dir[256];

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	(void)state;

	snprintf(dir, sizeof(dir), "%s/selfseq-file-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static char *path(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static uint8_t *encode(const struct selfseq_profile *p, size_t *n)
{
	uint8_t *b;

	assert_int_equal(selfseq_profile_encode(p, NULL, 0, n), -ENOSPC);
	b = malloc(*n);
	assert_int_equal(selfseq_profile_encode(p, b, *n, n), 0);
	return b;
}

/* A bigger profile, so a save takes long enough to be killed in the middle. */
static struct selfseq_profile *big_profile(void)
{
	struct selfseq_profile_opts opts = { .sz = sizeof(opts), .window = 17, .alphabet = 1024 };
	struct selfseq_db_opts dopts = { .sz = sizeof(dopts), .window = 17, .alphabet = 1024 };
	struct selfseq_profile *p;
	struct selfseq_db *db;
	uint32_t calls[20000], x = 1;

	for (size_t i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		calls[i] = (x >> 16) % 300;
	}
	assert_int_equal(selfseq_profile_new(&opts, &p), 0);
	assert_int_equal(selfseq_db_new(&dopts, &db), 0);
	assert_int_equal(selfseq_db_add(db, calls, 20000), 0);
	assert_int_equal(selfseq_profile_merge_train(p, db), 0);
	assert_int_equal(selfseq_profile_set_key(p, "/usr/bin/big"), 0);
	selfseq_db_free(db);
	return p;
}

static uint8_t *read_file(const char *name, size_t *n)
{
	int fd = open(path(name), O_RDONLY);
	uint8_t *b = malloc(1 << 24);
	ssize_t r;

	assert_true(fd >= 0);
	r = read(fd, b, 1 << 24);
	assert_true(r >= 0);
	close(fd);
	*n = (size_t)r;
	return b;
}

/* Names in the directory other than @keep (temporaries left behind). */
static int strays(const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, keep))
			n++;
	closedir(d);
	return n;
}

static void save_load(void **state)
{
	struct selfseq_profile *p, *q;
	uint8_t *want, *have;
	size_t n, m;
	struct stat st;
	(void)state;

	assert_int_equal(golden_profile(&p), 0);
	assert_int_equal(selfseq_profile_save(p, path("a.prof")), 0);
	assert_int_equal(stat(path("a.prof"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(strays("a.prof"), 0);
	want = encode(p, &n);
	have = read_file("a.prof", &m);
	assert_int_equal(n, m);
	assert_memory_equal(want, have, n);
	assert_int_equal(selfseq_profile_load(path("a.prof"), NULL, &q), 0);
	free(have);
	have = encode(q, &m);
	assert_memory_equal(want, have, n);
	selfseq_profile_free(q);
	/* Replacing: a new file (rename), the old one never rewritten in place. */
	{
		struct selfseq_profile *b = big_profile();
		struct stat st2;

		assert_int_equal(selfseq_profile_save(b, path("a.prof")), 0);
		assert_int_equal(stat(path("a.prof"), &st2), 0);
		assert_int_not_equal(st.st_ino, st2.st_ino);
		assert_int_equal(selfseq_profile_load(path("a.prof"), NULL, &q), 0);
		assert_string_equal(selfseq_profile_get_key(q), "/usr/bin/big");
		selfseq_profile_free(q);
		selfseq_profile_free(b);
	}
	/* A relative path, and a symbolic link the caller chose: followed. */
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(selfseq_profile_save(p, "rel.prof"), 0);
	assert_int_equal(symlink("rel.prof", "link.prof"), 0);
	assert_int_equal(selfseq_profile_load("link.prof", NULL, &q), 0);
	selfseq_profile_free(q);
	assert_int_equal(chdir("/"), 0);
	unlink(path("rel.prof"));
	unlink(path("link.prof"));
	unlink(path("a.prof"));
	free(want);
	free(have);
	selfseq_profile_free(p);
}

static void load_errors(void **state)
{
	static const char text[] = "5 3 90 90 5 76 90 6\n";
	struct selfseq_profile *q = NULL;
	int fd;
	(void)state;

	assert_int_equal(selfseq_profile_load(path("missing"), NULL, &q), -ENOENT);
	assert_int_equal(selfseq_profile_load(dir, NULL, &q), -EISDIR);
	assert_int_equal(selfseq_profile_load("", NULL, &q), -EINVAL);
	assert_int_equal(selfseq_profile_load(NULL, NULL, &q), -EINVAL);
	assert_int_equal(mkfifo(path("fifo"), 0600), 0);
	assert_int_equal(selfseq_profile_load(path("fifo"), NULL, &q), -EINVAL);
	fd = open(path("empty"), O_WRONLY | O_CREAT, 0600);
	close(fd);
	assert_int_equal(selfseq_profile_load(path("empty"), NULL, &q), -EBADMSG);
	fd = open(path("trace"), O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(selfseq_profile_load(path("trace"), NULL, &q), -ENOMSG);
	/* Sparse: no disk used, and never read. */
	fd = open(path("huge"), O_WRONLY | O_CREAT, 0600);
	assert_int_equal(ftruncate(fd, (16 << 20) + 1), 0);
	close(fd);
	assert_int_equal(selfseq_profile_load(path("huge"), NULL, &q), -EFBIG);
	assert_null(q);
	unlink(path("fifo"));
	unlink(path("empty"));
	unlink(path("trace"));
	unlink(path("huge"));
}

static void save_errors(void **state)
{
	struct selfseq_profile *p;
	(void)state;

	assert_int_equal(golden_profile(&p), 0);
	assert_int_equal(selfseq_profile_save(p, path("nodir/x.prof")), -ENOENT);
	assert_int_equal(selfseq_profile_save(p, path("")), -EINVAL);
	assert_int_equal(selfseq_profile_save(p, path("..")), -EINVAL);
	assert_int_equal(selfseq_profile_save(p, ""), -EINVAL);
	assert_int_equal(selfseq_profile_save(NULL, path("x")), -EINVAL);
	/* Over a directory: the rename fails, nothing is left behind. */
	assert_int_equal(mkdir(path("d"), 0700), 0);
	assert_int_equal(selfseq_profile_save(p, path("d")), -EISDIR);
	assert_int_equal(strays("d"), 0);
	rmdir(path("d"));
	selfseq_profile_free(p);
}

/*
 * A save that fails in the middle of writing (file size limit): the old
 * file is intact and the temporary file is gone.
 */
static void failed_save_keeps_old(void **state)
{
	struct selfseq_profile *old, *big, *q;
	uint8_t *want, *have;
	size_t n, m;
	pid_t pid;
	int status;
	(void)state;

	assert_int_equal(golden_profile(&old), 0);
	big = big_profile();
	assert_int_equal(selfseq_profile_save(old, path("keep.prof")), 0);
	want = encode(old, &n);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		status = selfseq_profile_save(big, path("keep.prof")) == -EFBIG ? 0 : 1;
		/* Valgrind checks the child's heap for leaks too. */
		selfseq_profile_free(big);
		selfseq_profile_free(old);
		free(want);
		_exit(status);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	have = read_file("keep.prof", &m);
	assert_int_equal(n, m);
	assert_memory_equal(want, have, n);
	assert_int_equal(strays("keep.prof"), 0);
	assert_int_equal(selfseq_profile_load(path("keep.prof"), NULL, &q), 0);
	selfseq_profile_free(q);
	unlink(path("keep.prof"));
	free(want);
	free(have);
	selfseq_profile_free(old);
	selfseq_profile_free(big);
}

/* Remove temporaries a killed child left; returns how many. */
static int clean_strays(const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, keep)) {
			unlinkat(dirfd(d), de->d_name, 0);
			n++;
		}
	closedir(d);
	return n;
}

/* Microseconds one save of @p takes in this run. */
static long save_us(const struct selfseq_profile *p)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(selfseq_profile_save(p, path("timing.prof")), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unlink(path("timing.prof"));
	return (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
}

static void crash_safety(void **state)
{
	struct selfseq_profile *a, *b;
	uint8_t *ea, *eb, *have;
	size_t na, nb, m;
	unsigned seed = 12345, as = 0, bs = 0, torn_saves = 0;
	int r, status;
	long span_us;
	struct timespec ts;
	pid_t pid;
	(void)state;

	assert_int_equal(golden_profile(&a), 0);
	b = big_profile();
	ea = encode(a, &na);
	eb = encode(b, &nb);
	/*
	 * Kills land anywhere in the first few saves: the span scales with how
	 * long saves take here (valgrind, a loaded CI machine), not a constant.
	 */
	span_us = 3 * (save_us(b) + save_us(a)) + 2000;
	assert_int_equal(selfseq_profile_save(a, path("crash.prof")), 0);
	/* At least 150 rounds, more while no kill has landed inside a save. */
	for (r = 0; r < 150 || (torn_saves == 0 && r < 1500); r++) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			for (unsigned i = r;; i++)
				if (selfseq_profile_save(i % 2 ? a : b, path("crash.prof")))
					_exit(1);
		}
		/* Anywhere from before the first save to well into the loop. */
		ts.tv_nsec = (rand_r(&seed) % span_us) * 1000;
		ts.tv_sec = ts.tv_nsec / 1000000000;
		ts.tv_nsec %= 1000000000;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		have = read_file("crash.prof", &m);
		if (m == na && !memcmp(have, ea, na))
			as++;
		else if (m == nb && !memcmp(have, eb, nb))
			bs++;
		else
			fail_msg("round %d: the file is neither profile (%zu bytes)", r, m);
		free(have);
		torn_saves += (unsigned)clean_strays("crash.prof");
	}
	print_message("%d kills within %ld us of the fork: file was the small profile %u times, "
		      "the big one %u times; %u kills hit a save between create and rename\n",
		      r, span_us, as, bs, torn_saves);
	/* The test means something only if kills landed inside saves. */
	assert_true(torn_saves > 0);
	unlink(path("crash.prof"));
	free(ea);
	free(eb);
	selfseq_profile_free(a);
	selfseq_profile_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(save_load),
		cmocka_unit_test(load_errors),
		cmocka_unit_test(save_errors),
		cmocka_unit_test(failed_save_keeps_old),
		cmocka_unit_test(crash_safety),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
