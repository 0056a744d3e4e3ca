/* SPDX-License-Identifier: MIT */
/*
 * One profile file on disk: reading it whole and decoding it, and saving it
 * atomically (temporary file, fsync, rename, fsync of the directory), so a
 * crash at any point leaves the old profile or the new one, never a torn one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/format.h"
#include "core/deps.h"
#include "file-internal.h"

static int ss_read_all(int fd, uint8_t *buf, size_t len, size_t *got)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return 0;
}

static int ss_write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int ss_file_load_at(int dirfd, const char *name, int nofollow,
		    const struct selfseq_allocator *alloc, struct selfseq_profile **out)
{
	/* O_NONBLOCK: a FIFO planted under the name must not hang us in open(). */
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0);
	uint8_t *buf = NULL;
	struct stat st;
	size_t got = 0;
	int fd, err;

	if (!name || !out)
		return -EINVAL;
	fd = openat(dirfd, name, flags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto out;
	}
	if (st.st_size > (off_t)SS_FMT_MAX_BYTES) {
		err = -EFBIG;
		goto out;
	}
	/* One byte more than the size: a file that grew is then seen as such. */
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	err = ss_read_all(fd, buf, (size_t)st.st_size + 1, &got);
	if (!err)
		err = selfseq_profile_decode(buf, got, alloc, out);
out:
	free(buf);
	close(fd);
	return err;
}

int ss_file_read_whole(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	int fd, err;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err = -EFBIG;
		goto out;
	}
	/* One byte more than the size, as above. */
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		err = -ENOMEM;
		goto out;
	}
	err = ss_read_all(fd, *buf, (size_t)st.st_size + 1, &got);
	if (!err && got > max)
		err = -EFBIG;
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	*len = got;
out:
	close(fd);
	return err;
}

SELFSEQ_EXPORT int selfseq_profile_load(const char *path, const struct selfseq_allocator *alloc,
					struct selfseq_profile **out)
{
	if (!path || !*path)
		return -EINVAL;
	return ss_file_load_at(AT_FDCWD, path, 0, alloc, out);
}

/* A fresh temporary name; unpredictable so others cannot pre-create it. */
static void ss_tmp_name(char *name, size_t len)
{
	static unsigned counter;
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^
		    ((uint64_t)ts.tv_sec << 20) ^ ++counter;
	}
	snprintf(name, len, SS_TMP_PREFIX "%016llx", (unsigned long long)r);
}

int ss_file_write_atomic_at(int dirfd, const char *name, const void *buf, size_t len)
{
	char tmp[sizeof(SS_TMP_PREFIX) + 16];
	int fd = -1, err, tries;

	for (tries = 0; tries < 16; tries++) {
		ss_tmp_name(tmp, sizeof(tmp));
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		return -errno;
	err = ss_write_all(fd, buf, len);
	/* The data must be on disk before the name points at it. */
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(dirfd, tmp, dirfd, name))
		err = -errno;
	if (err) {
		unlinkat(dirfd, tmp, 0);
		return err;
	}
	/*
	 * Make the rename itself durable. The new file is in place
	 * already; a file system without directory fsync (EINVAL) is not an
	 * error of the save.
	 */
	if (fsync(dirfd) && errno != EINVAL)
		return -errno;
	return 0;
}

int ss_file_save_at(int dirfd, const char *name, const struct selfseq_profile *p)
{
	uint8_t *buf;
	size_t len;
	int err;

	if (!p || !name)
		return -EINVAL;
	err = selfseq_profile_encode(p, NULL, 0, &len);
	if (err != -ENOSPC)
		return err ? err : -EINVAL;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	err = selfseq_profile_encode(p, buf, len, &len);
	if (!err)
		err = ss_file_write_atomic_at(dirfd, name, buf, len);
	free(buf);
	return err;
}

/* Open the directory of @path; *name points at its last component. */
static int ss_open_parent(const char *path, const char **name)
{
	const char *slash;
	char *dir = NULL;
	int dirfd;

	slash = strrchr(path, '/');
	*name = slash ? slash + 1 : path;
	if (!**name || !strcmp(*name, ".") || !strcmp(*name, ".."))
		return -EINVAL;
	if (slash) {
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
		if (!dir)
			return -ENOMEM;
	}
	dirfd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return dirfd < 0 ? -errno : dirfd;
}

int ss_file_write_atomic(const char *path, const void *buf, size_t len)
{
	const char *name;
	int dirfd, err;

	if (!path || !*path)
		return -EINVAL;
	dirfd = ss_open_parent(path, &name);
	if (dirfd < 0)
		return dirfd;
	err = ss_file_write_atomic_at(dirfd, name, buf, len);
	close(dirfd);
	return err;
}

SELFSEQ_EXPORT int selfseq_profile_save(const struct selfseq_profile *p, const char *path)
{
	const char *name;
	int dirfd, err;

	if (!p || !path || !*path)
		return -EINVAL;
	dirfd = ss_open_parent(path, &name);
	if (dirfd < 0)
		return dirfd;
	err = ss_file_save_at(dirfd, name, p);
	close(dirfd);
	return err;
}
