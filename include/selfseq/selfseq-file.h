/* SPDX-License-Identifier: MIT */
/**
 * @file selfseq-file.h
 * @brief Profiles on disk (userland only): loading and atomically saving
 * one profile file, and a profile store, a directory of profiles keyed by
 * executable path.
 *
 * Files use the portable format v1 of doc/profile-format.md (the same bytes
 * as selfseq_profile_encode()). Every call returns 0 or a negative errno.
 * Not thread-safe on one store: the caller serialises calls on it. Several
 * processes may save into the same store: each save is atomic and the last
 * one wins.
 */
#ifndef SELFSEQ_SELFSEQ_FILE_H
#define SELFSEQ_SELFSEQ_FILE_H

#include <selfseq/selfseq.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup file Profile files (userland)
 * @{ */

/**
 * @brief Load a profile file.
 *
 * Symbolic links in @p path are followed (the caller chose the path; the
 * store refuses them). The file must be a regular file.
 * @param path the file.
 * @param allocator for the profile; NULL for the default.
 * @param[out] profile the profile; release with selfseq_profile_free().
 * @return 0; -ENOENT, -EACCES and other errors of open(2) and read(2);
 * -EISDIR for a directory; -EINVAL for another file that is not regular;
 * -EFBIG if it is larger than any valid profile; the errors of
 * selfseq_profile_decode() for its content.
 * @since 1.0
 */
int selfseq_profile_load(const char *path, const struct selfseq_allocator *allocator,
			 struct selfseq_profile **profile);

/**
 * @brief Save a profile atomically.
 *
 * Writes a temporary file (mode 0600, created exclusively) in the same
 * directory, fsyncs it, renames it over @p path and fsyncs the directory.
 * After a crash or a failure at any point @p path holds either its old
 * content or the new one, never a mix. A failed save removes its temporary
 * file; a crash can leave one behind (named `.selfseq-tmp-*`). A symbolic
 * link at @p path is replaced by the file, not followed.
 * @param profile the profile (only read).
 * @param path the file; its directory must exist.
 * @return 0; -ENOMEM; errors of open(2), write(2), fsync(2), rename(2).
 * @since 1.0
 */
int selfseq_profile_save(const struct selfseq_profile *profile, const char *path);
/** @} */

/** @defgroup store Profile store (userland)
 * A directory of profiles keyed by absolute executable path, mirroring the
 * path as pH did: the profile of `/usr/bin/ls` is `DIR/usr/bin/ls/%profile`
 * (a `%` in a path component is written `%25`, so no path component can
 * produce the name `%profile`). Directories are created 0700, files 0600.
 * Keys must be absolute paths without empty, `.` or `..` components
 * (-EINVAL otherwise). Everything under the store is opened relative to the
 * store's directory without following symbolic links: a link planted in
 * the store is refused with -ELOOP (or -ENOTDIR), never followed. A
 * directory of the store (its top included) that group or others may write
 * to, or that belongs to another user than the caller or root, is refused
 * with -EACCES.
 * @{ */

/**
 * @struct selfseq_store
 * @brief An open profile store (opaque).
 *
 * Created by selfseq_store_open(), released with selfseq_store_close().
 * Thread safety: the caller serialises calls on one store; separate stores
 * (also in separate processes) may save into the same directory.
 * @since 1.0
 */
struct selfseq_store;

/** Flag for selfseq_store_open(): create the directory (and missing parents, 0700). @since 1.0 */
#define SELFSEQ_STORE_CREATE 0x1u

/**
 * @brief Open a profile store.
 * @param dir the store directory (a symbolic link here is followed: it is the caller's choice).
 * @param flags 0 or #SELFSEQ_STORE_CREATE.
 * @param[out] store the store; release with selfseq_store_close().
 * @return 0; -EINVAL for unknown flags; -ENOENT when @p dir is missing and not
 * to be created; -ENOTDIR; -EACCES when @p dir is writable by group or others
 * or belongs to another user (not root);
 * other errors of mkdir(2) and open(2); -ENOMEM.
 * @since 1.0
 */
int selfseq_store_open(const char *dir, uint32_t flags, struct selfseq_store **store);

/**
 * @brief Close a profile store. NULL is a no-op.
 * @param store the store.
 * @since 1.0
 */
void selfseq_store_close(struct selfseq_store *store);

/**
 * @brief Load the profile of @p key.
 *
 * A stored file without a key gets @p key; a file whose key differs (moved
 * by hand) is refused with -EBADMSG.
 * @param store the store.
 * @param key an absolute executable path.
 * @param allocator for the profile; NULL for the default.
 * @param[out] profile the profile.
 * @return 0; -ENOENT when the store has no profile for @p key; -EINVAL for a
 * bad key; -ENAMETOOLONG; -ELOOP or -ENOTDIR for a symbolic link in the
 * way; the errors of selfseq_profile_load().
 * @since 1.0
 */
int selfseq_store_load(struct selfseq_store *store, const char *key,
		       const struct selfseq_allocator *allocator,
		       struct selfseq_profile **profile);

/**
 * @brief Save a profile under its key (selfseq_profile_get_key()), atomically.
 * @param store the store.
 * @param profile the profile (only read).
 * @return 0; -EINVAL if the profile has no key or a bad one; -ENAMETOOLONG;
 * -ELOOP or -ENOTDIR for a symbolic link in the way; the errors of
 * selfseq_profile_save().
 * @since 1.0
 */
int selfseq_store_save(struct selfseq_store *store, const struct selfseq_profile *profile);

/**
 * @brief Call @p cb with the key of every profile in the store, in byte order
 * of the path components. Symbolic links and unrelated files are skipped.
 * @param store the store.
 * @param cb called once per key; returning non-zero stops the listing.
 * @param ctx passed to @p cb.
 * @return 0; the first non-zero value @p cb returned; -EINVAL for NULL arguments; -ENOMEM;
 * the errno of open(2) or readdir(3) (e.g. -EACCES) if a directory could not be read.
 * @since 1.0
 */
int selfseq_store_list(struct selfseq_store *store, int (*cb)(const char *key, void *ctx),
		       void *ctx);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SELFSEQ_SELFSEQ_FILE_H */
