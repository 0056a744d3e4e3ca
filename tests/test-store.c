/* SPDX-License-Identifier: MIT */
/*
 * The profile store (libselfseq/store.c): keys map to a tree mirroring the
 * path with 0700 directories and 0600 files; listing gives the keys back;
 * bad keys (relative, "..", ".", empty components, too long) are refused
 * before anything is touched; symbolic links planted in the store are never
 * followed, for reading or writing; a store others can write to is refused.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <selfseq/selfseq.h>
#include <selfseq/selfseq-file.h>

#include "golden.h"

static char dir[256];

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	(void)state;

	snprintf(dir, sizeof(dir), "%s/selfseq-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static const char *path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *path(const char *fmt, ...)
{
	static char buf[4][1024];
	static int next;
	char *b = buf[next++ % 4];
	va_list ap;
	int n = snprintf(b, 1024, "%s/", dir);

	va_start(ap, fmt);
	vsnprintf(b + n, 1024 - (size_t)n, fmt, ap);
	va_end(ap);
	return b;
}

static struct selfseq_profile *keyed(const char *key)
{
	struct selfseq_profile *p;

	assert_int_equal(golden_profile(&p), 0);
	assert_int_equal(selfseq_profile_set_key(p, key), 0);
	return p;
}

static void save_key(struct selfseq_store *s, const char *key)
{
	struct selfseq_profile *p = keyed(key);

	assert_int_equal(selfseq_store_save(s, p), 0);
	selfseq_profile_free(p);
}

static int mode_of(const char *p)
{
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	return (int)(st.st_mode & 07777);
}

struct keys {
	char text[4096];
	int n;
	int stop_at;
};

static int collect(const char *key, void *ctx)
{
	struct keys *k = ctx;

	strcat(k->text, key);
	strcat(k->text, "\n");
	return ++k->n == k->stop_at ? 7 : 0;
}

static void layout_and_list(void **state)
{
	static const char *const keys[] = {
		"/usr/bin/ls", "/usr/bin", "/usr/bin/100%", "/bin/sh",
		"/opt/weird name/\xc3\xbc.bin", "/usr/bin/%profile", "/home/u/.local/bin/t",
	};
	struct keys got = { .stop_at = -1 };
	struct selfseq_profile *p;
	struct selfseq_store *s;
	size_t i;
	(void)state;

	/* Created with its missing parents, 0700. */
	assert_int_equal(selfseq_store_open(path("a/b/store"), SELFSEQ_STORE_CREATE, &s), 0);
	assert_int_equal(mode_of(path("a/b/store")), 0700);
	assert_int_equal(mode_of(path("a")), 0700);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		save_key(s, keys[i]);
	assert_int_equal(mode_of(path("a/b/store/usr/bin/ls/%%profile")), 0600);
	assert_int_equal(mode_of(path("a/b/store/usr/bin/ls")), 0700);
	assert_int_equal(mode_of(path("a/b/store/usr/bin/%%profile")), 0600);
	assert_int_equal(mode_of(path("a/b/store/usr/bin/100%%25/%%profile")), 0600);
	assert_int_equal(mode_of(path("a/b/store/usr/bin/%%25profile/%%profile")), 0600);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_int_equal(selfseq_store_load(s, keys[i], NULL, &p), 0);
		assert_string_equal(selfseq_profile_get_key(p), keys[i]);
		selfseq_profile_free(p);
	}
	/* Things that are not profiles are skipped: temporaries, stray names, links. */
	close(open(path("a/b/store/usr/bin/.selfseq-tmp-0123456789abcdef"), O_CREAT | O_WRONLY, 0600));
	close(open(path("a/b/store/usr/README"), O_CREAT | O_WRONLY, 0600));
	assert_int_equal(mkdir(path("a/b/store/usr/50%%off"), 0700), 0);
	close(open(path("a/b/store/usr/50%%off/%%profile"), O_CREAT | O_WRONLY, 0600));
	assert_int_equal(symlink(path("a/b/store/usr/bin"), path("a/b/store/usr/lnk")), 0);
	assert_int_equal(selfseq_store_list(s, collect, &got), 0);
	assert_string_equal(got.text,
			    "/bin/sh\n"
			    "/home/u/.local/bin/t\n"
			    "/opt/weird name/\xc3\xbc.bin\n"
			    "/usr/bin\n"
			    "/usr/bin/%profile\n"
			    "/usr/bin/100%\n"
			    "/usr/bin/ls\n");
	/* The callback can stop the walk; its value comes back. */
	memset(&got, 0, sizeof(got));
	got.stop_at = 2;
	assert_int_equal(selfseq_store_list(s, collect, &got), 7);
	assert_int_equal(got.n, 2);
	assert_int_equal(selfseq_store_list(s, NULL, NULL), -EINVAL);
	selfseq_store_close(s);
	/* Reopened without CREATE: the same content. */
	assert_int_equal(selfseq_store_open(path("a/b/store"), 0, &s), 0);
	assert_int_equal(selfseq_store_load(s, "/bin/sh", NULL, &p), 0);
	selfseq_profile_free(p);
	selfseq_store_close(s);
	selfseq_store_close(NULL);
}

static void absent_and_bad_keys(void **state)
{
	static const char *const bad[] = {
		"", "relative/x", "/", "//x", "/a//b", "/a/", "/a/./b", "/a/../b", "/..", "/.",
		"/a/..", "../a", "/usr/bin/..",
	};
	struct selfseq_profile *p = NULL, *q;
	struct selfseq_store *s;
	char *key;
	size_t i;
	(void)state;

	assert_int_equal(selfseq_store_open(path("keys"), SELFSEQ_STORE_CREATE, &s), 0);
	assert_int_equal(selfseq_store_load(s, "/nope", NULL, &p), -ENOENT);
	save_key(s, "/usr/bin/ls");
	assert_int_equal(selfseq_store_load(s, "/usr/bin/nope", NULL, &p), -ENOENT);
	assert_int_equal(selfseq_store_load(s, "/usr/bin", NULL, &p), -ENOENT);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(selfseq_store_load(s, bad[i], NULL, &p), -EINVAL);
		if (*bad[i]) {
			q = keyed(bad[i]);
			assert_int_equal(selfseq_store_save(s, q), -EINVAL);
			selfseq_profile_free(q);
		}
	}
	assert_null(p);
	/* A profile without a key cannot be stored. */
	assert_int_equal(golden_profile(&q), 0);
	assert_int_equal(selfseq_profile_set_key(q, NULL), 0);
	assert_int_equal(selfseq_store_save(s, q), -EINVAL);
	selfseq_profile_free(q);
	/* Too long: a component over NAME_MAX, or too deep. */
	key = calloc(1, 4096);
	key[0] = '/';
	memset(key + 1, 'x', 256);
	q = keyed(key);
	assert_int_equal(selfseq_store_save(s, q), -ENAMETOOLONG);
	selfseq_profile_free(q);
	memset(key + 1, '%', 100);	/* 100 bytes, but 300 once escaped */
	key[101] = '\0';
	q = keyed(key);
	assert_int_equal(selfseq_store_save(s, q), -ENAMETOOLONG);
	selfseq_profile_free(q);
	for (i = 0; i < 129; i++)
		memcpy(key + 2 * i, "/d", 2);
	key[2 * 129] = '\0';
	q = keyed(key);
	assert_int_equal(selfseq_store_save(s, q), -ENAMETOOLONG);
	key[2 * 128] = '\0';
	assert_int_equal(selfseq_profile_set_key(q, key), 0);
	assert_int_equal(selfseq_store_save(s, q), 0);
	selfseq_profile_free(q);
	assert_int_equal(selfseq_store_load(s, key, NULL, &q), 0);
	selfseq_profile_free(q);
	free(key);
	assert_int_equal(selfseq_store_save(s, NULL), -EINVAL);
	assert_int_equal(selfseq_store_load(NULL, "/x", NULL, &q), -EINVAL);
	selfseq_store_close(s);
}

static int refused(int err)
{
	return err == -ELOOP || err == -ENOTDIR;
}

static void planted_symlinks(void **state)
{
	struct selfseq_profile *p, *q;
	struct selfseq_store *s;
	struct stat before, after;
	(void)state;

	assert_int_equal(selfseq_store_open(path("links"), SELFSEQ_STORE_CREATE, &s), 0);
	assert_int_equal(mkdir(path("outside"), 0700), 0);
	p = keyed("/secret/x");
	assert_int_equal(selfseq_profile_save(p, path("outside/%%profile")), 0);
	assert_int_equal(stat(path("outside/%%profile"), &before), 0);

	/* A directory of the path is a link out of the store. */
	assert_int_equal(symlink(path("outside"), path("links/evil")), 0);
	assert_true(refused(selfseq_store_load(s, "/evil", NULL, &q)));
	assert_true(refused(selfseq_store_load(s, "/evil/deeper", NULL, &q)));
	q = keyed("/evil");
	assert_true(refused(selfseq_store_save(s, q)));
	selfseq_profile_free(q);
	q = keyed("/evil/deeper");
	assert_true(refused(selfseq_store_save(s, q)));
	selfseq_profile_free(q);
	assert_int_equal(access(path("outside/deeper"), F_OK), -1);

	/* The profile file itself is a link to a valid profile elsewhere. */
	assert_int_equal(mkdir(path("links/bin"), 0700), 0);
	assert_int_equal(mkdir(path("links/bin/tool"), 0700), 0);
	assert_int_equal(symlink(path("outside/%%profile"), path("links/bin/tool/%%profile")), 0);
	assert_int_equal(selfseq_store_load(s, "/bin/tool", NULL, &q), -ELOOP);
	/* Saving replaces the link itself; the file it pointed to is untouched. */
	q = keyed("/bin/tool");
	assert_int_equal(selfseq_store_save(s, q), 0);
	selfseq_profile_free(q);
	assert_int_equal(stat(path("outside/%%profile"), &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mtime, after.st_mtime);
	{
		struct stat st;

		assert_int_equal(lstat(path("links/bin/tool/%%profile"), &st), 0);
		assert_true(S_ISREG(st.st_mode));
	}
	assert_int_equal(selfseq_store_load(s, "/bin/tool", NULL, &q), 0);
	assert_string_equal(selfseq_profile_get_key(q), "/bin/tool");
	selfseq_profile_free(q);

	/* A file moved by hand to another key's place is refused. */
	assert_int_equal(mkdir(path("links/moved"), 0700), 0);
	assert_int_equal(selfseq_profile_save(p, path("links/moved/%%profile")), 0);
	assert_int_equal(selfseq_store_load(s, "/moved", NULL, &q), -EBADMSG);
	/* A key-less file gets the key it is found under. */
	assert_int_equal(selfseq_profile_set_key(p, NULL), 0);
	assert_int_equal(selfseq_profile_save(p, path("links/moved/%%profile")), 0);
	assert_int_equal(selfseq_store_load(s, "/moved", NULL, &q), 0);
	assert_string_equal(selfseq_profile_get_key(q), "/moved");
	selfseq_profile_free(q);
	/* A FIFO or a directory where the profile should be. */
	assert_int_equal(mkdir(path("links/odd"), 0700), 0);
	assert_int_equal(mkfifo(path("links/odd/%%profile"), 0600), 0);
	assert_int_equal(selfseq_store_load(s, "/odd", NULL, &q), -EINVAL);
	assert_int_equal(mkdir(path("links/odd2"), 0700), 0);
	assert_int_equal(mkdir(path("links/odd2/%%profile"), 0700), 0);
	assert_int_equal(selfseq_store_load(s, "/odd2", NULL, &q), -EISDIR);
	selfseq_profile_free(p);
	selfseq_store_close(s);
}

static void permissions(void **state)
{
	struct selfseq_store *s;
	struct selfseq_profile *q;
	(void)state;

	assert_int_equal(selfseq_store_open(path("perm"), 0, &s), -ENOENT);
	assert_int_equal(selfseq_store_open(path("perm"), 0x80, &s), -EINVAL);
	assert_int_equal(selfseq_store_open(NULL, 0, &s), -EINVAL);
	close(open(path("plain"), O_CREAT | O_WRONLY, 0600));
	assert_int_equal(selfseq_store_open(path("plain"), 0, &s), -ENOTDIR);
	assert_int_equal(selfseq_store_open(path("plain"), SELFSEQ_STORE_CREATE, &s), -ENOTDIR);
	/* A store others may write to: anyone could plant links in it. */
	assert_int_equal(mkdir(path("perm"), 0700), 0);
	assert_int_equal(chmod(path("perm"), 0770), 0);
	assert_int_equal(selfseq_store_open(path("perm"), 0, &s), -EACCES);
	assert_int_equal(chmod(path("perm"), 0703), 0);
	assert_int_equal(selfseq_store_open(path("perm"), 0, &s), -EACCES);
	assert_int_equal(chmod(path("perm"), 0755), 0);
	/* Owned by someone else (only root can arrange that here). */
	if (geteuid() == 0) {
		assert_int_equal(chown(path("perm"), 4242, 4242), 0);
		assert_int_equal(selfseq_store_open(path("perm"), 0, &s), -EACCES);
		assert_int_equal(chown(path("perm"), 0, 0), 0);
	}
	assert_int_equal(selfseq_store_open(path("perm"), 0, &s), 0);
	save_key(s, "/usr/bin/ls");
	/* Likewise a directory inside it. */
	assert_int_equal(chmod(path("perm/usr"), 0777), 0);
	assert_int_equal(selfseq_store_load(s, "/usr/bin/ls", NULL, &q), -EACCES);
	q = keyed("/usr/bin/ls");
	assert_int_equal(selfseq_store_save(s, q), -EACCES);
	selfseq_profile_free(q);
	selfseq_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_and_list),
		cmocka_unit_test(absent_and_bad_keys),
		cmocka_unit_test(planted_symlinks),
		cmocka_unit_test(permissions),
	};

	/* The modes asserted are the library's own, not reduced by the caller's umask. */
	umask(022);
	return cmocka_run_group_tests(tests, setup, teardown);
}
