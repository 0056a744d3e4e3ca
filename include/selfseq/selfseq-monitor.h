/* SPDX-License-Identifier: MIT */
/**
 * @file selfseq-monitor.h
 * @brief Userland monitor: per-process state and per-executable profiles
 * over a profile store, for front ends that see pids, execs and calls.
 *
 * The monitor maps pids to selfseq_process objects and executables to
 * selfseq_profile objects (loaded from, and saved to, a profile store
 * directory), and feeds each call through pH's algorithm. It does not read
 * any event source itself: the auditd and tracepoint front ends do, and
 * call it. Not thread-safe: the caller serialises all calls on one monitor.
 */
#ifndef SELFSEQ_SELFSEQ_MONITOR_H
#define SELFSEQ_SELFSEQ_MONITOR_H

#include <selfseq/selfseq.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup monitor Monitor (userland)
 * @{ */

/**
 * @struct selfseq_monitor
 * @brief A monitor: processes by pid, profiles by executable (opaque).
 *
 * Created by selfseq_monitor_new(), released with selfseq_monitor_free();
 * it owns the processes and profiles it holds. Thread safety: none; the
 * caller serialises every call on one monitor.
 * @since 1.0
 */
struct selfseq_monitor;

/** @brief Options for a monitor. @since 1.0 */
struct selfseq_monitor_opts {
	size_t sz;		/**< sizeof(struct selfseq_monitor_opts). */
	/** Profile store directory (created 0700); NULL keeps profiles in memory only. */
	const char *store_dir;
	uint32_t mode;		/**< SELFSEQ_MODE_* applied to every process. */
	uint32_t window;	/**< Window of new profiles; 0: 9. */
	uint32_t alphabet;	/**< Alphabet of new profiles; 0: 1024. */
	uint32_t lfc_frame;	/**< Locality frame of new profiles; 0: 128. */
	/** Parameters for every profile (loaded ones too); NULL: pH's defaults. */
	const struct selfseq_params *params;
	uint32_t max_profiles;	/**< Profiles held at most; 0: no limit. Beyond it, new executables are untracked. */
	uint32_t max_processes;	/**< Processes held at most; 0: no limit. Beyond it, new pids are untracked. */
};

/** @brief Counters of a monitor's life. @since 1.0 */
struct selfseq_monitor_stats {
	size_t sz;		/**< sizeof(struct selfseq_monitor_stats). */
	uint64_t calls;		/**< Calls fed to a tracked process. */
	uint64_t untracked_calls;	/**< Calls of pids the monitor does not track (unknown, or over a limit). */
	uint64_t anomalies;	/**< Anomalous calls. */
	uint64_t processes;	/**< Processes tracked now. */
	uint64_t profiles;	/**< Profiles held now. */
	uint64_t profiles_loaded;	/**< Profiles read from the store. */
	uint64_t profiles_saved;	/**< Profile saves that succeeded. */
	uint64_t save_errors;	/**< Profile saves that failed. */
};

/**
 * @brief Create a monitor.
 * @param opts options, or NULL (in-memory profiles, monitor mode, pH defaults).
 * @param[out] out the monitor.
 * @return 0, -EINVAL, -ENOMEM, or the store's error (e.g. -EACCES).
 * @since 1.0
 */
int selfseq_monitor_new(const struct selfseq_monitor_opts *opts, struct selfseq_monitor **out);

/**
 * @brief Release a monitor and everything it holds, without saving. NULL is a no-op.
 * @param m the monitor.
 * @since 1.0
 */
void selfseq_monitor_free(struct selfseq_monitor *m);

/**
 * @brief Process @p pid now runs @p exe (after execve, or when first seen).
 *
 * Attaches the process to the executable's profile, loading it from the
 * store or creating it; the process's window and LFC restart.
 *
 * Profiles are kept per executable and architecture. The profile key (see
 * selfseq_profile_get_key()) is @p exe itself for the architecture this
 * library was built for, and `EXE/%arch-XXXXXXXX` (the audit architecture
 * in 8 lowercase hex digits, e.g. `/usr/bin/tool/%arch-40000003` for i386
 * calls on x86_64) for any other: a path below an executable file names no
 * other executable, and the store keeps it next to the native profile. A
 * stored profile whose architecture is set and differs from @p arch is
 * refused like a corrupt one. An unreadable stored profile is remembered:
 * later execs of the same executable fail the same way without reading the
 * file again, and nothing is ever saved over it.
 * @param m the monitor.
 * @param pid the process (or thread) id.
 * @param exe the executable's path (the profile key).
 * @param arch audit architecture of the calls that follow (profiles are kept per
 * executable and architecture); 0 for the architecture this library was built for.
 * @return 0; -ENOSPC when a limit is reached (the pid is untracked); -EBADMSG etc.
 * when the stored profile is unreadable (it is left on disk untouched and
 * the process is untracked); -EINVAL for an empty @p exe or, with a store, a
 * key the store refuses (not an absolute path); -ENOMEM. On any error a
 * process that was tracked under @p pid is forgotten.
 * @since 1.0
 */
int selfseq_monitor_exec(struct selfseq_monitor *m, uint32_t pid, const char *exe, uint32_t arch);

/**
 * @brief @p child was forked from @p parent: same profile, a copy of the parent's window.
 * @param m the monitor.
 * @param parent the parent's id.
 * @param child the child's id.
 * @return 0, -ENOENT if the parent is not tracked, -ENOSPC, -ENOMEM.
 * @since 1.0
 */
int selfseq_monitor_fork(struct selfseq_monitor *m, uint32_t parent, uint32_t child);

/**
 * @brief @p pid exited: forget it. Its profile stays held (and dirty until saved).
 * @param m the monitor.
 * @param pid the process id.
 * @return 0 or -ENOENT.
 * @since 1.0
 */
int selfseq_monitor_exit(struct selfseq_monitor *m, uint32_t pid);

/**
 * @brief Feed one call of @p pid.
 * @param m the monitor.
 * @param pid the process id.
 * @param call the call number.
 * @param now_ns the caller's clock in nanoseconds.
 * @param[out] event what happened, or NULL (`sz` set).
 * @return 0; -ENOENT if @p pid is not tracked (counted as untracked: the
 * caller may call selfseq_monitor_exec() first); -ERANGE for a call outside
 * the alphabet; other errors of selfseq_process_feed().
 * @since 1.0
 */
int selfseq_monitor_feed(struct selfseq_monitor *m, uint32_t pid, uint32_t call,
			 uint64_t now_ns, struct selfseq_event *event);

/**
 * @brief Save every profile changed since it was last saved (atomically, one file each).
 * @param m the monitor.
 * @return the number of profiles saved (0 without a store), or the first error of
 * selfseq_store_save() (the others are still tried); -EINVAL for a NULL @p m.
 * @since 1.0
 */
int selfseq_monitor_save(struct selfseq_monitor *m);

/**
 * @brief Read the counters.
 * @param m the monitor.
 * @param[out] stats counters (`sz` set).
 * @return 0 or -EINVAL.
 * @since 1.0
 */
int selfseq_monitor_get_stats(const struct selfseq_monitor *m, struct selfseq_monitor_stats *stats);

/**
 * @brief The process object of @p pid, to read its state.
 * @param m the monitor.
 * @param pid the process id.
 * @return the process, or NULL when not tracked. It belongs to the monitor
 * and is valid until the next selfseq_monitor_exec(), selfseq_monitor_fork() (as
 * the child) or selfseq_monitor_exit() of @p pid, or until the monitor is freed.
 * @since 1.0
 */
struct selfseq_process *selfseq_monitor_get_process(const struct selfseq_monitor *m, uint32_t pid);

/**
 * @brief Iterate over held profiles.
 * @param m the monitor.
 * @param cb called with each profile (owned by the monitor; the callback must not
 * free it or call the monitor); a non-zero return stops the iteration and is returned.
 * @param ctx passed to @p cb.
 * @return 0, what @p cb returned, or -EINVAL for a NULL @p m or @p cb.
 * @since 1.0
 */
int selfseq_monitor_foreach_profile(struct selfseq_monitor *m,
				    int (*cb)(struct selfseq_profile *profile, void *ctx), void *ctx);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SELFSEQ_SELFSEQ_MONITOR_H */
