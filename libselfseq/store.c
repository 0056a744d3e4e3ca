/* SPDX-License-Identifier: MIT */
/*
 * The profile store: a directory tree mirroring executable paths, as pH
 * kept its profiles. The profile of /usr/bin/ls is DIR/usr/bin/ls/%profile.
 * A '%' in a component is written "%25", so no component of any path can
 * come out as "%profile" and a profile file never collides with the
 * directory of another key. Every step is an openat() from the previous
 * directory with O_NOFOLLOW: a symbolic link planted in the store is never
 * followed, and keys with "..", "." or empty components are refused before
 * anything is opened.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/deps.h"
#include "core/internal.h"
#include "file-internal.h"

#define SS_STORE_FILE "%profile"
/* Deepest key, in components; it bounds the descriptors a listing holds. */
#define SS_STORE_DEPTH_MAX 128

struct selfseq_store {
	int fd;
};

/*
 * Only we (or root) may write where profiles live, or anyone could plant
 * links or profiles: the directory must be ours or root's, and writable by
 * its owner only.
 */
static int ss_check_private(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return -EACCES;
	return st.st_mode & (S_IWGRP | S_IWOTH) ? -EACCES : 0;
}

/* mkdir -p, 0700 for what it creates. */
static int ss_mkdirs(const char *dir)
{
	char *path = strdup(dir), *p;
	int err = 0;

	if (!path)
		return -ENOMEM;
	for (p = path + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			err = -errno;
		*p = c;
		if (err || !c)
			break;
	}
	free(path);
	return err;
}

SELFSEQ_EXPORT int selfseq_store_open(const char *dir, uint32_t flags, struct selfseq_store **out)
{
	struct selfseq_store *s;
	int fd, err;

	if (!dir || !*dir || !out || (flags & ~SELFSEQ_STORE_CREATE))
		return -EINVAL;
	if (flags & SELFSEQ_STORE_CREATE) {
		err = ss_mkdirs(dir);
		if (err)
			return err;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = ss_check_private(fd);
	if (err) {
		close(fd);
		return err;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return -ENOMEM;
	}
	s->fd = fd;
	*out = s;
	return 0;
}

SELFSEQ_EXPORT void selfseq_store_close(struct selfseq_store *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s);
}

/* Escape one key component of @len bytes into a file name. */
static int ss_escape(const char *comp, size_t len, char name[NAME_MAX + 1])
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (n + (comp[i] == '%' ? 3 : 1) > NAME_MAX)
			return -ENAMETOOLONG;
		if (comp[i] == '%') {
			memcpy(name + n, "%25", 3);
			n += 3;
		} else {
			name[n++] = comp[i];
		}
	}
	name[n] = '\0';
	return 0;
}

/* Absolute, no empty, "." or ".." component, not too long or deep. */
static int ss_check_key(const char *key)
{
	const char *c, *end;
	size_t len, depth = 0;

	if (!key || key[0] != '/')
		return -EINVAL;
	len = strnlen(key, SS_KEY_MAX + 1);
	if (len > SS_KEY_MAX)
		return -ENAMETOOLONG;
	for (c = key + 1;; c = end + 1) {
		end = strchrnul(c, '/');
		if (end == c || (end - c == 1 && c[0] == '.') ||
		    (end - c == 2 && c[0] == '.' && c[1] == '.'))
			return -EINVAL;
		if (++depth > SS_STORE_DEPTH_MAX)
			return -ENAMETOOLONG;
		if (!*end)
			return 0;
	}
}

/*
 * Open the directory holding @key's profile, one component at a time,
 * creating missing ones when asked. Returns a descriptor or a negative errno.
 */
static int ss_store_dir(struct selfseq_store *s, const char *key, int create)
{
	char name[NAME_MAX + 1];
	const char *c, *end;
	int fd = s->fd, next, err;

	err = ss_check_key(key);
	if (err)
		return err;
	for (c = key + 1;; c = end + 1) {
		end = strchrnul(c, '/');
		err = ss_escape(c, (size_t)(end - c), name);
		if (!err && create && mkdirat(fd, name, 0700) && errno != EEXIST)
			err = -errno;
		if (!err) {
			next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			err = next < 0 ? -errno : ss_check_private(next);
			if (next >= 0 && err)
				close(next);
		}
		if (fd != s->fd)
			close(fd);
		if (err)
			return err;
		fd = next;
		if (!*end)
			return fd;
	}
}

SELFSEQ_EXPORT int selfseq_store_load(struct selfseq_store *s, const char *key,
				      const struct selfseq_allocator *alloc,
				      struct selfseq_profile **out)
{
	struct selfseq_profile *p;
	const char *have;
	int fd, err;

	if (!s || !out)
		return -EINVAL;
	fd = ss_store_dir(s, key, 0);
	if (fd < 0)
		return fd;
	err = ss_file_load_at(fd, SS_STORE_FILE, 1, alloc, &p);
	close(fd);
	if (err)
		return err;
	have = selfseq_profile_get_key(p);
	if (!have)
		err = selfseq_profile_set_key(p, key);
	else if (strcmp(have, key))
		err = -EBADMSG;		/* a file moved by hand to another key's place */
	if (err) {
		selfseq_profile_free(p);
		return err;
	}
	*out = p;
	return 0;
}

SELFSEQ_EXPORT int selfseq_store_save(struct selfseq_store *s, const struct selfseq_profile *p)
{
	const char *key;
	int fd, err;

	if (!s || !p)
		return -EINVAL;
	key = selfseq_profile_get_key(p);
	if (!key)
		return -EINVAL;
	fd = ss_store_dir(s, key, 1);
	if (fd < 0)
		return fd;
	err = ss_file_save_at(fd, SS_STORE_FILE, p);
	close(fd);
	return err;
}

/* Decode an escaped component; -1 for a name the store cannot have written. */
static int ss_unescape(const char *name, char *out, size_t room)
{
	size_t n = 0;

	for (; *name; name++) {
		if (n + 1 >= room)
			return -1;
		if (*name == '%') {
			if (strncmp(name, "%25", 3))
				return -1;
			name += 2;
			out[n++] = '%';
			continue;
		}
		out[n++] = *name;
	}
	out[n] = '\0';
	return (int)n;
}

struct ss_entry {
	char *name;	/* as on disk */
	char *comp;	/* the key component it stands for */
};

static int ss_entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ss_entry *)a)->comp, ((const struct ss_entry *)b)->comp);
}

static void ss_entries_free(struct ss_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].comp);
	}
	free(e);
}

/* The names of one directory, sorted by key component, so listings are stable. */
static int ss_read_names(DIR *d, struct ss_entry **out, size_t *count)
{
	struct ss_entry *e = NULL, *grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	char comp[NAME_MAX + 1];

	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (strcmp(de->d_name, SS_STORE_FILE))
			if (ss_unescape(de->d_name, comp, sizeof(comp)) < 0)
				continue;	/* not ours: temporary files, stray names */
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(e, cap * sizeof(*e));
			if (!grown)
				goto nomem;
			e = grown;
		}
		e[n].name = strdup(de->d_name);
		e[n].comp = strdup(strcmp(de->d_name, SS_STORE_FILE) ? comp : "");
		n++;
		if (!e[n - 1].name || !e[n - 1].comp)
			goto nomem;
	}
	if (errno) {
		int err = -errno;

		ss_entries_free(e, n);
		return err;
	}
	if (n)
		qsort(e, n, sizeof(*e), ss_entry_cmp);
	*out = e;
	*count = n;
	return 0;
nomem:
	ss_entries_free(e, n);
	return -ENOMEM;
}

struct ss_lister {
	int (*cb)(const char *key, void *ctx);
	void *ctx;
	char key[SS_KEY_MAX + 2];
};

/* List under @fd (owned, closed here), whose key so far is l->key[0..len). */
static int ss_list_dir(struct ss_lister *l, int fd, size_t len, int depth)
{
	struct ss_entry *e = NULL;
	size_t n = 0, i, clen;
	struct stat st;
	DIR *d;
	int err, sub;

	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		close(fd);
		return err;
	}
	err = ss_read_names(d, &e, &n);
	for (i = 0; !err && i < n; i++) {
		if (fstatat(dirfd(d), e[i].name, &st, AT_SYMLINK_NOFOLLOW))
			continue;	/* vanished meanwhile */
		if (!strcmp(e[i].name, SS_STORE_FILE)) {
			if (S_ISREG(st.st_mode) && len) {
				l->key[len] = '\0';
				err = l->cb(l->key, l->ctx);
			}
			continue;
		}
		clen = strlen(e[i].comp);
		if (!S_ISDIR(st.st_mode) || depth >= SS_STORE_DEPTH_MAX ||
		    len + 1 + clen > SS_KEY_MAX || !strcmp(e[i].comp, ".") ||
		    !strcmp(e[i].comp, ".."))
			continue;
		sub = openat(dirfd(d), e[i].name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;	/* replaced by a link or removed meanwhile */
		l->key[len] = '/';
		memcpy(l->key + len + 1, e[i].comp, clen);
		err = ss_list_dir(l, sub, len + 1 + clen, depth + 1);
	}
	ss_entries_free(e, n);
	closedir(d);
	return err;
}

SELFSEQ_EXPORT int selfseq_store_list(struct selfseq_store *s,
				      int (*cb)(const char *key, void *ctx), void *ctx)
{
	struct ss_lister *l;
	int fd, err;

	if (!s || !cb)
		return -EINVAL;
	fd = openat(s->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	l = malloc(sizeof(*l));
	if (!l) {
		close(fd);
		return -ENOMEM;
	}
	l->cb = cb;
	l->ctx = ctx;
	err = ss_list_dir(l, fd, 0, 0);
	free(l);
	return err;
}
