/* SPDX-License-Identifier: MIT */
/*
 * Loading and saving one profile file relative to a directory fd, shared by
 * the plain file API (profile-file.c) and the profile store (store.c).
 */
#ifndef SELFSEQ_FILE_INTERNAL_H
#define SELFSEQ_FILE_INTERNAL_H

#include <selfseq/selfseq-file.h>

/* Prefix of temporary files; the store's listing never reports them. */
#define SS_TMP_PREFIX ".selfseq-tmp-"

/* Load @name under @dirfd; with @nofollow a symbolic link is refused (-ELOOP). */
int ss_file_load_at(int dirfd, const char *name, int nofollow,
		    const struct selfseq_allocator *alloc, struct selfseq_profile **out);

/* Save atomically as @name under @dirfd, which must be open for reading (fsync). */
int ss_file_save_at(int dirfd, const char *name, const struct selfseq_profile *p);

/*
 * Write @buf as @name under @dirfd atomically: temporary file (0600), fsync,
 * rename, fsync of the directory. Any file of the library saved this way
 * (profiles, statistics) is either old or new after a crash, never torn.
 */
int ss_file_write_atomic_at(int dirfd, const char *name, const void *buf, size_t len);

/* The same for a path; its directory must exist. */
int ss_file_write_atomic(const char *path, const void *buf, size_t len);

/* Read a whole regular file of at most @max bytes (-EFBIG beyond) into a malloc()ed buffer. */
int ss_file_read_whole(const char *path, size_t max, uint8_t **buf, size_t *len);

#endif /* SELFSEQ_FILE_INTERNAL_H */
