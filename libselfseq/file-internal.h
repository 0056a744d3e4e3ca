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

#endif /* SELFSEQ_FILE_INTERNAL_H */
