/* SPDX-License-Identifier: MIT */
/**
 * @file selfseq.h
 * @brief libselfseq public API: lookahead-pair database, scorer, locality
 * frame counter and pH's profile state machine.
 *
 * Everything declared here is implemented by the freestanding core and is
 * available both in userland (libselfseq.so.1) and in the kernel module.
 *
 * Conventions:
 * - every fallible call returns 0 (or a non-negative count) on success and a
 *   negative errno on failure; selfseq_strerror() names the error;
 * - handles are opaque; objects can live in caller memory (`*_size()` then
 *   `*_init()`) or be allocated through a selfseq_allocator (`*_new()`);
 * - option, state and result structs start with `size_t sz`, which the
 *   caller sets to `sizeof` the struct it was compiled with; the library
 *   reads and writes only within `sz` and rejects a larger struct whose
 *   unknown tail is not zero with -E2BIG (a `sz` below `sizeof(size_t)` is
 *   -EINVAL); these two errors apply to every call taking such a struct;
 * - the library never locks: the caller serialises calls on one object.
 *   Calls taking a `const` handle only read it and may run concurrently
 *   with each other (e.g. many threads scoring against one frozen database).
 *   A process writes to its profile: serialise a profile together with the
 *   processes attached to it;
 * - ownership: `*_new()` objects are released with their `*_free()`
 *   (NULL is a no-op); `*_init()` objects live in caller memory, which the
 *   caller releases after `*_free()`; pointers returned by getters belong
 *   to the object they came from.
 */
#ifndef SELFSEQ_SELFSEQ_H
#define SELFSEQ_SELFSEQ_H

#if defined(__KERNEL__)
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup version Version
 * @{ */
/** Major version: incremented on incompatible API changes (never within soname 1). @since 1.0 */
#define SELFSEQ_VERSION_MAJOR 1
/** Minor version: incremented when symbols or struct fields are added. @since 1.0 */
#define SELFSEQ_VERSION_MINOR 0
/** Micro version: incremented for releases that change no interface. @since 1.0 */
#define SELFSEQ_VERSION_MICRO 0
/** The version as one number: major << 16 | minor << 8 | micro. @since 1.0 */
#define SELFSEQ_VERSION_NUMBER \
	((SELFSEQ_VERSION_MAJOR << 16) | (SELFSEQ_VERSION_MINOR << 8) | SELFSEQ_VERSION_MICRO)

/**
 * @brief Version of the library actually loaded.
 * @return `major << 16 | minor << 8 | micro`, comparable with
 * #SELFSEQ_VERSION_NUMBER of the headers the caller was built with.
 * @since 1.0
 */
uint32_t selfseq_version(void);
/** @} */

/** @defgroup limits Limits and defaults
 * @{ */
#define SELFSEQ_WINDOW_MIN 2		/**< Smallest window (one lookahead distance). @since 1.0 */
#define SELFSEQ_WINDOW_MAX 32		/**< Largest window (31 lookahead distances). @since 1.0 */
#define SELFSEQ_ALPHABET_MAX 1024	/**< Largest alphabet: calls are 0..alphabet-1. @since 1.0 */
#define SELFSEQ_LFC_FRAME_MAX 65536	/**< Largest locality frame. @since 1.0 */
#define SELFSEQ_DEFAULT_WINDOW 9	/**< pH's window. @since 1.0 */
#define SELFSEQ_DEFAULT_ALPHABET 1024	/**< Default alphabet. @since 1.0 */
#define SELFSEQ_DEFAULT_LFC_FRAME 128	/**< pH's locality frame. @since 1.0 */
#define SELFSEQ_DEFAULT_NORMAL_FACTOR 128	/**< pH's normal_factor. @since 1.0 */
#define SELFSEQ_DEFAULT_NORMAL_FACTOR_DEN 32	/**< pH's normal_factor_den. @since 1.0 */
#define SELFSEQ_DEFAULT_NORMAL_WAIT_NS (7ULL * 24 * 3600 * 1000000000ULL) /**< One week. @since 1.0 */
#define SELFSEQ_DEFAULT_ANOMALY_LIMIT 30	/**< pH's anomaly_limit. @since 1.0 */
#define SELFSEQ_DEFAULT_TOLERIZE_LIMIT 12	/**< pH's tolerize_limit. @since 1.0 */
#define SELFSEQ_DEFAULT_DELAY_FACTOR 0	/**< pH's delay_factor: responses off. @since 1.0 */
/** @} */

/** @defgroup errors Errors
 * @{ */
/**
 * @brief A short English description of a libselfseq error.
 * @param err a negative errno returned by the library (the sign is ignored).
 * @return a static string; never NULL, also for unknown codes.
 * @since 1.0
 */
const char *selfseq_strerror(int err);
/** @} */

/** @defgroup alloc Memory
 * @{ */
/**
 * @brief A caller-supplied allocator for `*_new()` constructors.
 *
 * Userland uses malloc/free when none is given. In the kernel the shim
 * supplies one. The library zeroes what it allocates itself.
 * @since 1.0
 */
struct selfseq_allocator {
	size_t sz;	/**< sizeof(struct selfseq_allocator). */
	/** Allocate @p size bytes, or return NULL. */
	void *(*alloc)(void *ctx, size_t size);
	/** Release a block returned by @ref alloc; @p size is its size. */
	void (*free)(void *ctx, void *ptr, size_t size);
	void *ctx;	/**< Passed to both callbacks. */
};
/** @} */

/** @defgroup db Lookahead-pair database
 * A set of (call, previous call, distance) triples for distances 1..window-1,
 * stored as one bitmask per (call, previous call) over the calls seen.
 * @{ */

/**
 * @struct selfseq_db
 * @brief A lookahead-pair database (opaque).
 *
 * Created by selfseq_db_new() (released with selfseq_db_free()) or placed in
 * caller memory by selfseq_db_init() (the caller owns the memory).
 * Thread safety: calls taking a `const struct selfseq_db *` only read it and
 * may run concurrently with each other; any other call needs exclusive access.
 * @since 1.0
 */
struct selfseq_db;

/** @brief Options for a pair database. @since 1.0 */
struct selfseq_db_opts {
	size_t sz;		/**< sizeof(struct selfseq_db_opts). */
	uint32_t window;	/**< 2..32; 0 means #SELFSEQ_DEFAULT_WINDOW. */
	uint32_t alphabet;	/**< 1..1024; 0 means #SELFSEQ_DEFAULT_ALPHABET. */
	/**
	 * Distinct calls the database can hold. For `*_init()` the memory
	 * is sized for it (0 means the whole alphabet); for `*_new()` it is
	 * the initial room (0: small) and grows as calls are seen.
	 */
	uint32_t capacity;
	/** Allocator for `*_new()`; NULL for the default (userland only). */
	const struct selfseq_allocator *allocator;
};

/** @brief One (call, previous call) cell and the distances recorded for it. @since 1.0 */
struct selfseq_pair {
	uint32_t call;		/**< The later call. */
	uint32_t prev;		/**< The earlier call. */
	/** Bit d-1 set: @ref prev was seen d calls before @ref call. */
	uint32_t distances;
};

/**
 * @brief Memory needed to place a database in caller memory.
 * @param opts options (window, alphabet, capacity), or NULL for defaults.
 * @param[out] size bytes needed by selfseq_db_init().
 * @return 0, or -EINVAL for bad options.
 * @since 1.0
 */
int selfseq_db_size(const struct selfseq_db_opts *opts, size_t *size);

/**
 * @brief Place an empty database of fixed capacity in caller memory.
 *
 * The database never allocates; adding more distinct calls than its
 * capacity fails with -ENOSPC. selfseq_db_free() on it releases nothing.
 * @param mem memory aligned to 8 bytes, at least selfseq_db_size() bytes.
 * @param len size of @p mem.
 * @param opts options, or NULL for defaults.
 * @param[out] db the database (at @p mem).
 * @return 0, -EINVAL for bad options or misaligned memory, -ENOSPC if @p len is too small.
 * @since 1.0
 */
int selfseq_db_init(void *mem, size_t len, const struct selfseq_db_opts *opts,
		    struct selfseq_db **db);

/**
 * @brief Allocate an empty database that grows as calls are seen.
 * @param opts options, or NULL for defaults.
 * @param[out] db the new database; release it with selfseq_db_free().
 * @return 0, -EINVAL for bad options, -ENOMEM.
 * @since 1.0
 */
int selfseq_db_new(const struct selfseq_db_opts *opts, struct selfseq_db **db);

/**
 * @brief Release a database. NULL is a no-op.
 * @param db the database.
 * @since 1.0
 */
void selfseq_db_free(struct selfseq_db *db);

/**
 * @brief Remove every pair and every call; options stay.
 * @param db the database.
 * @since 1.0
 */
void selfseq_db_reset(struct selfseq_db *db);

/** @brief Window size. @param db the database. @return 2..32. @since 1.0 */
uint32_t selfseq_db_get_window(const struct selfseq_db *db);
/** @brief Alphabet size. @param db the database. @return 1..1024. @since 1.0 */
uint32_t selfseq_db_get_alphabet(const struct selfseq_db *db);
/** @brief Number of (call, prev, distance) triples held. @param db the database. @return the count. @since 1.0 */
uint32_t selfseq_db_get_pairs(const struct selfseq_db *db);
/** @brief Number of distinct calls seen. @param db the database. @return the count. @since 1.0 */
uint32_t selfseq_db_get_calls(const struct selfseq_db *db);
/** @brief Memory the database holds, handle included. @param db the database. @return bytes. @since 1.0 */
size_t selfseq_db_get_memory(const struct selfseq_db *db);

/**
 * @brief Add every window of a trace.
 *
 * The first calls of the trace pair only with the calls that precede them
 * in @p calls: a trace start is not a call.
 * @param db the database.
 * @param calls the trace, oldest first.
 * @param n number of calls.
 * @return 0; -ERANGE if a call is >= the alphabet (nothing is added);
 * -ENOSPC or -ENOMEM when a new call does not fit (the pairs of the calls
 * before it are added).
 * @since 1.0
 */
int selfseq_db_add(struct selfseq_db *db, const uint32_t *calls, size_t n);

/**
 * @brief Add the pairs of one window: the newest call with each predecessor.
 * @param db the database.
 * @param win 1..window calls, oldest first; the last one is the current call.
 * @param len number of calls in @p win.
 * @return 0, -EINVAL for a bad length, -ERANGE, -ENOSPC, -ENOMEM.
 * @since 1.0
 */
int selfseq_db_add_window(struct selfseq_db *db, const uint32_t *win, size_t len);

/**
 * @brief Count the pairs of one window missing from the database.
 * @param db the database.
 * @param win 1..window calls, oldest first; the last one is the current call.
 * @param len number of calls in @p win.
 * @return the number of missing pairs (0..len-1), -EINVAL or -ERANGE.
 * @since 1.0
 */
int selfseq_db_test_window(const struct selfseq_db *db, const uint32_t *win, size_t len);

/**
 * @brief Distances recorded for one (call, prev) cell.
 * @param db the database.
 * @param call the later call.
 * @param prev the earlier call.
 * @return the distance mask (bit d-1 = distance d), or -ERANGE.
 * @since 1.0
 */
int selfseq_db_get_distances(const struct selfseq_db *db, uint32_t call, uint32_t prev);

/**
 * @brief Union: add every pair of @p src to @p dst.
 * @param dst the database that grows.
 * @param src the database read.
 * @return 0; -EINVAL if window or alphabet differ; -ENOSPC or -ENOMEM
 * (then @p dst is unchanged).
 * @since 1.0
 */
int selfseq_db_merge(struct selfseq_db *dst, const struct selfseq_db *src);

/**
 * @brief Difference: @p out becomes the pairs of @p a that are not in @p b.
 * @param out the result, reset first; may not be @p a or @p b.
 * @param a the first database.
 * @param b the second database.
 * @return 0; -EINVAL if windows or alphabets differ; -ENOSPC or -ENOMEM.
 * @since 1.0
 */
int selfseq_db_diff(struct selfseq_db *out, const struct selfseq_db *a,
		    const struct selfseq_db *b);

/**
 * @brief Iterate over the non-empty cells in (call, prev) order.
 *
 * Start with `*cursor = 0`; each call stores the next cell and advances the
 * cursor. The database must not change during the iteration.
 * @param db the database.
 * @param cursor iteration state, 0 to start.
 * @param[out] pair the next cell.
 * @return 0 with a cell, -ENOENT at the end.
 * @since 1.0
 */
int selfseq_db_next_pair(const struct selfseq_db *db, uint64_t *cursor,
			 struct selfseq_pair *pair);
/** @} */

/** @defgroup score Scoring
 * @{ */

/** @brief Results of scoring a trace; the paper's measures. @since 1.0 */
struct selfseq_score {
	size_t sz;		/**< sizeof(struct selfseq_score). */
	uint64_t calls;		/**< Calls scored. */
	uint64_t mismatches;	/**< Missing pairs. */
	/** The most pairs a trace this long can miss: k(L-(k+1)/2), L(L-1)/2 when L < k. */
	uint64_t max_mismatches;
	uint64_t anomalous_calls;	/**< Calls with at least one missing pair. */
	/** mismatches / max_mismatches in parts per million (0 when max is 0). */
	uint32_t ppm;
	/** Highest locality frame count, when an LFC frame was requested. */
	uint32_t max_lfc;
};

/** @brief Options for selfseq_db_score(). @since 1.0 */
struct selfseq_score_opts {
	size_t sz;		/**< sizeof(struct selfseq_score_opts). */
	/** If not NULL, receives each call's missing pairs (n entries, 0..31). */
	uint8_t *misses;
	/** Locality frame for selfseq_score::max_lfc; 0: not computed. */
	uint32_t lfc_frame;
};

/**
 * @brief The most mismatches a trace of @p calls calls can have.
 * @param window window size (2..32).
 * @param calls trace length.
 * @return k(L-(k+1)/2) for L >= k, L(L-1)/2 otherwise (k = window-1); 0 for a bad window.
 * @since 1.0
 */
uint64_t selfseq_max_mismatches(uint32_t window, uint64_t calls);

/**
 * @brief Score a whole trace against a database, in O(n·k), allocating nothing.
 *
 * In userland on x86-64 this uses AVX-512 when the CPU has it (windows up
 * to 17), with the same results; `SELFSEQ_NO_SIMD=1` in the environment
 * keeps the portable loop. On error nothing is written, to @p score or to
 * the per-call misses.
 * @param db the database (only read).
 * @param calls the trace, oldest first.
 * @param n number of calls.
 * @param opts options, or NULL.
 * @param[out] score results; its `sz` must be set.
 * @return 0, -EINVAL, or -ERANGE for a call outside the alphabet.
 * @since 1.0
 */
int selfseq_db_score(const struct selfseq_db *db, const uint32_t *calls, size_t n,
		     const struct selfseq_score_opts *opts, struct selfseq_score *score);

/**
 * @brief Score many traces in one call, each as selfseq_db_score() would.
 *
 * For callers with many short traces (an evaluation, a binding), where a
 * call per trace would cost more than the scoring itself.
 * @param db the database (only read).
 * @param calls the traces end to end.
 * @param ends for each trace, the index in @p calls where it ends (exclusive),
 * ascending; trace i is `calls[ends[i-1] .. ends[i])`, trace 0 starts at 0.
 * @param ntraces number of traces (0: nothing to do).
 * @param opts options, or NULL; `misses`, if given, receives the misses of
 * all the calls, `ends[ntraces-1]` entries.
 * @param[out] scores @p ntraces results; the first one's `sz` is the stride
 * of the array and is written into each.
 * @return 0; -EINVAL (e.g. @p ends not ascending); -ERANGE for a call outside
 * the alphabet (no score is written); -EOVERFLOW.
 * @since 1.0
 */
int selfseq_db_score_many(const struct selfseq_db *db, const uint32_t *calls,
			  const uint64_t *ends, size_t ntraces,
			  const struct selfseq_score_opts *opts, struct selfseq_score *scores);
/** @} */

/** @defgroup stream Streaming scorer
 * One call at a time, with the same results as selfseq_db_score().
 * @{ */

/**
 * @struct selfseq_stream
 * @brief A streaming scorer: one trace's window and totals (opaque).
 *
 * Created by selfseq_stream_new() (released with selfseq_stream_free()) or
 * placed by selfseq_stream_init(). It only reads the databases it is fed
 * against. Thread safety: one stream per thread (or serialised); many
 * streams may score against one database at once.
 * @since 1.0
 */
struct selfseq_stream;

/** @brief Options for a streaming scorer. @since 1.0 */
struct selfseq_stream_opts {
	size_t sz;		/**< sizeof(struct selfseq_stream_opts). */
	uint32_t window;	/**< Must equal the window of the databases it scores against; 0: default. */
	uint32_t lfc_frame;	/**< Locality frame for max_lfc; 0: not computed. */
	const struct selfseq_allocator *allocator;	/**< For selfseq_stream_new(); NULL: default. */
};

/** @brief Memory for selfseq_stream_init(). @param opts options or NULL. @param[out] size bytes. @return 0 or -EINVAL. @since 1.0 */
int selfseq_stream_size(const struct selfseq_stream_opts *opts, size_t *size);
/** @brief Place a stream in caller memory. @param mem memory aligned to 8. @param len its size. @param opts options or NULL. @param[out] stream the stream. @return 0, -EINVAL, -ENOSPC. @since 1.0 */
int selfseq_stream_init(void *mem, size_t len, const struct selfseq_stream_opts *opts,
			struct selfseq_stream **stream);
/** @brief Allocate a stream. @param opts options or NULL. @param[out] stream the stream. @return 0, -EINVAL, -ENOMEM. @since 1.0 */
int selfseq_stream_new(const struct selfseq_stream_opts *opts, struct selfseq_stream **stream);
/** @brief Release a stream; NULL is a no-op. @param stream the stream. @since 1.0 */
void selfseq_stream_free(struct selfseq_stream *stream);
/** @brief Forget the window and the totals (a new trace starts). @param stream the stream. @since 1.0 */
void selfseq_stream_reset(struct selfseq_stream *stream);

/**
 * @brief Score the next call of the trace.
 * @param stream the stream.
 * @param db the database (only read); its window must match the stream's.
 * @param call the call.
 * @return the call's missing pairs (0..window-1), -EINVAL or -ERANGE.
 * @since 1.0
 */
int selfseq_stream_feed(struct selfseq_stream *stream, const struct selfseq_db *db,
			uint32_t call);

/** @brief Totals since the last reset. @param stream the stream. @param[out] score totals. @return 0 or -EINVAL. @since 1.0 */
int selfseq_stream_get_score(const struct selfseq_stream *stream, struct selfseq_score *score);
/** @} */

/** @defgroup lfc Locality frame counter
 * The number of anomalous calls among the last `frame` calls, in O(1) per call.
 * @{ */

/**
 * @struct selfseq_lfc
 * @brief A locality frame counter (opaque).
 *
 * Created by selfseq_lfc_new() (released with selfseq_lfc_free()) or placed
 * by selfseq_lfc_init(). Thread safety: the caller serialises calls on one
 * counter.
 * @since 1.0
 */
struct selfseq_lfc;

/** @brief Memory for an LFC. @param frame 1..65536 (0: 128). @param[out] size bytes. @return 0 or -EINVAL. @since 1.0 */
int selfseq_lfc_size(uint32_t frame, size_t *size);
/** @brief Place an LFC in caller memory. @param mem memory aligned to 8. @param len its size. @param frame frame size (0: 128). @param[out] lfc the counter. @return 0, -EINVAL, -ENOSPC. @since 1.0 */
int selfseq_lfc_init(void *mem, size_t len, uint32_t frame, struct selfseq_lfc **lfc);
/** @brief Allocate an LFC. @param frame frame size (0: 128). @param allocator NULL for the default. @param[out] lfc the counter. @return 0, -EINVAL, -ENOMEM. @since 1.0 */
int selfseq_lfc_new(uint32_t frame, const struct selfseq_allocator *allocator,
		    struct selfseq_lfc **lfc);
/** @brief Release an LFC; NULL is a no-op. @param lfc the counter. @since 1.0 */
void selfseq_lfc_free(struct selfseq_lfc *lfc);
/** @brief Clear the frame, the count and the maximum. @param lfc the counter. @since 1.0 */
void selfseq_lfc_reset(struct selfseq_lfc *lfc);
/**
 * @brief Record whether the next call was anomalous.
 * @param lfc the counter.
 * @param anomalous non-zero for an anomalous call.
 * @return the count after this call.
 * @since 1.0
 */
uint32_t selfseq_lfc_add(struct selfseq_lfc *lfc, int anomalous);
/** @brief Current count. @param lfc the counter. @return anomalous calls in the frame. @since 1.0 */
uint32_t selfseq_lfc_get(const struct selfseq_lfc *lfc);
/** @brief Highest count since the last reset. @param lfc the counter. @return the maximum. @since 1.0 */
uint32_t selfseq_lfc_get_max(const struct selfseq_lfc *lfc);
/** @brief Frame size. @param lfc the counter. @return calls in the frame. @since 1.0 */
uint32_t selfseq_lfc_get_frame(const struct selfseq_lfc *lfc);
/** @} */

/** @defgroup profile pH profile
 * One profile per executable: a training set, a testing set and pH's
 * counters; see doc/concepts.md for the state machine.
 * @{ */

/**
 * @struct selfseq_profile
 * @brief A pH profile: training and testing sets, state and counters (opaque).
 *
 * Created by selfseq_profile_new(), selfseq_profile_decode(),
 * selfseq_profile_load() or selfseq_store_load(); released with
 * selfseq_profile_free() once no process is attached. Its sets are
 * allocated through its allocator (a profile has no `*_init()`).
 * Thread safety: feeding a process attached to the profile writes to the
 * profile, so the caller serialises all calls on a profile together with
 * the calls on its processes (one lock per profile); calls taking a
 * `const struct selfseq_profile *` may run concurrently with each other.
 * @since 1.0
 */
struct selfseq_profile;

/** Profile state flag: frozen (no new pair for a while). @since 1.0 */
#define SELFSEQ_STATE_FROZEN 0x1u
/** Profile state flag: normal (calls are tested against the testing set). @since 1.0 */
#define SELFSEQ_STATE_NORMAL 0x2u

/** @brief Fixed properties of a profile, chosen at creation. @since 1.0 */
struct selfseq_profile_opts {
	size_t sz;		/**< sizeof(struct selfseq_profile_opts). */
	uint32_t window;	/**< 2..32; 0: 9. */
	uint32_t alphabet;	/**< 1..1024; 0: 1024. */
	uint32_t lfc_frame;	/**< Locality frame of its processes; 0: 128. */
	/** Audit architecture the call numbers belong to (e.g. 0xc000003e), 0 if unknown. */
	uint32_t arch;
	const struct selfseq_allocator *allocator;	/**< NULL: default. */
};

/** @brief pH's tunable parameters; read them with selfseq_profile_get_params(). @since 1.0 */
struct selfseq_params {
	size_t sz;			/**< sizeof(struct selfseq_params). */
	uint32_t normal_factor;		/**< Freeze when train_count·den > (train_count-last_mod_count)·factor. */
	uint32_t normal_factor_den;	/**< Denominator of the freeze ratio; not 0. */
	uint64_t normal_wait_ns;	/**< Time frozen before becoming normal. */
	uint32_t anomaly_limit;		/**< Stop normal when the profile's anomaly count exceeds it. */
	uint32_t tolerize_limit;	/**< Discard training when a process's LFC exceeds it. */
	uint32_t delay_factor;		/**< Delay = 2^LFC · delay_factor (front-end ticks); 0: off. */
};

/** @brief A snapshot of a profile's state and counters. @since 1.0 */
struct selfseq_profile_state {
	size_t sz;		/**< sizeof(struct selfseq_profile_state). */
	uint32_t flags;		/**< #SELFSEQ_STATE_FROZEN, #SELFSEQ_STATE_NORMAL. */
	uint32_t window;	/**< Window size. */
	uint32_t alphabet;	/**< Alphabet size. */
	uint32_t lfc_frame;	/**< Locality frame. */
	uint32_t arch;		/**< Audit architecture id. */
	uint32_t tasks;		/**< Processes attached now. */
	uint64_t count;		/**< Calls seen in total. */
	uint64_t train_count;	/**< Training calls since training (re)started. */
	uint64_t last_mod_count;	/**< Training calls since the last new pair. */
	uint64_t sequences;	/**< Training windows that added a pair. */
	uint64_t anomalies;	/**< Anomalous calls since normal started. */
	uint64_t normal_time_ns;	/**< When a frozen profile may become normal. */
	uint32_t train_pairs;	/**< Pairs in the training set. */
	uint32_t test_pairs;	/**< Pairs in the testing set. */
};

/**
 * @brief Create an empty profile, training, with pH's default parameters.
 * @param opts fixed properties, or NULL for defaults.
 * @param[out] profile the profile; release with selfseq_profile_free() once
 * no process is attached.
 * @return 0, -EINVAL, -ENOMEM.
 * @since 1.0
 */
int selfseq_profile_new(const struct selfseq_profile_opts *opts,
			struct selfseq_profile **profile);
/** @brief Release a profile; NULL is a no-op. @param profile the profile. @since 1.0 */
void selfseq_profile_free(struct selfseq_profile *profile);
/** @brief Read the parameters. @param profile the profile. @param[out] params parameters (`sz` set). @return 0 or -EINVAL. @since 1.0 */
int selfseq_profile_get_params(const struct selfseq_profile *profile, struct selfseq_params *params);
/** @brief Change the parameters. @param profile the profile. @param params parameters (`sz` set). @return 0 or -EINVAL (e.g. a zero denominator). @since 1.0 */
int selfseq_profile_set_params(struct selfseq_profile *profile, const struct selfseq_params *params);
/** @brief Read state and counters. @param profile the profile. @param[out] state snapshot (`sz` set). @return 0 or -EINVAL. @since 1.0 */
int selfseq_profile_get_state(const struct selfseq_profile *profile,
			      struct selfseq_profile_state *state);
/** @brief The training set (read only). @param profile the profile. @return the database, owned by the profile: valid until it is freed, and changing as it learns. @since 1.0 */
const struct selfseq_db *selfseq_profile_get_train(const struct selfseq_profile *profile);
/** @brief The testing set (read only). @param profile the profile. @return the database, owned by the profile: valid until it is freed; replaced in place when it becomes normal. @since 1.0 */
const struct selfseq_db *selfseq_profile_get_test(const struct selfseq_profile *profile);

/**
 * @brief Add every pair of a database to the profile's training set (a union).
 *
 * For building profiles offline: train a database from recorded traces
 * with selfseq_db_add() and merge it in, or merge the pairs of other
 * profiles. The pair count is recounted. If any pair is new, a freeze is
 * cancelled and `last_mod_count` restarts, as when pH learns a new pair;
 * the other counters and the testing set are unchanged (a normal profile
 * goes on testing against its testing set until selfseq_profile_normalize()).
 * @param profile the profile.
 * @param db the pairs to add; same window and alphabet as the profile.
 * @return 0; -EINVAL if the window or alphabet differ; -ENOSPC or -ENOMEM
 * (then the training set is unchanged).
 * @since 1.0
 */
int selfseq_profile_merge_train(struct selfseq_profile *profile, const struct selfseq_db *db);

/**
 * @brief Operator action: start normal monitoring now (copy training to testing).
 * @param profile the profile.
 * @param now_ns the caller's clock, in nanoseconds.
 * @return 0, -ENOSPC or -ENOMEM (the profile is unchanged).
 * @since 1.0
 */
int selfseq_profile_normalize(struct selfseq_profile *profile, uint64_t now_ns);
/** @brief Operator action: forget recently learned behaviour (discard the training set). @param profile the profile. @since 1.0 */
void selfseq_profile_sensitize(struct selfseq_profile *profile);
/** @brief Operator action: accept recent behaviour (stop normal monitoring; keep training). @param profile the profile. @since 1.0 */
void selfseq_profile_tolerize(struct selfseq_profile *profile);

/**
 * @brief Set the key the profile belongs to (its executable path, or any other name).
 *
 * The key is copied into memory from the profile's allocator and saved with it.
 * @param profile the profile.
 * @param key a NUL-terminated string of 1..4095 bytes, or NULL to clear the key.
 * @return 0; -EINVAL for an empty key; -ENAMETOOLONG for a longer one;
 * -ENOMEM (the old key stays).
 * @since 1.0
 */
int selfseq_profile_set_key(struct selfseq_profile *profile, const char *key);

/**
 * @brief The key the profile belongs to.
 * @param profile the profile.
 * @return the key, valid until it is changed or the profile freed; NULL if none.
 * @since 1.0
 */
const char *selfseq_profile_get_key(const struct selfseq_profile *profile);

/**
 * @brief Encode a profile in the portable file format v1 (doc/profile-format.md).
 *
 * Every field is kept: window, alphabet, locality frame, architecture, state,
 * counters, parameters, key, training and testing sets. The bytes depend
 * only on the content (not on the order calls were learned), so equal
 * profiles encode identically. The number of attached processes is not saved.
 * @param profile the profile (only read).
 * @param buf where to write, or NULL to ask for the size.
 * @param len room in @p buf.
 * @param[out] needed the encoded size; on success, the bytes written.
 * @return 0; -ENOSPC when @p buf is NULL or smaller than @p needed (nothing
 * is written); -EINVAL.
 * @since 1.0
 */
int selfseq_profile_encode(const struct selfseq_profile *profile, void *buf, size_t len,
			   size_t *needed);

/**
 * @brief Decode a profile from the file format v1, trusting nothing in the input.
 *
 * The input must be exactly one file (no trailing bytes). A decoded profile
 * has no process attached.
 * @param buf the encoded bytes.
 * @param len their number.
 * @param allocator for the new profile; NULL for the default.
 * @param[out] profile the new profile; release with selfseq_profile_free().
 * @return 0 or a negative errno, and then nothing is allocated:
 * -ENOMSG: not a profile (wrong magic);
 * -EPROTO: an unsupported major version, or a section this version cannot skip;
 * -EBADMSG: truncated, trailing bytes, bad checksum, or a malformed field;
 * -EOVERFLOW: window, alphabet or locality frame outside this library's limits;
 * -ENAMETOOLONG: a key longer than 4095 bytes;
 * -EFBIG: longer than any valid profile (16 MiB);
 * -ENOMEM; -EINVAL for bad arguments.
 * @since 1.0
 */
int selfseq_profile_decode(const void *buf, size_t len,
			   const struct selfseq_allocator *allocator,
			   struct selfseq_profile **profile);
/** @} */

/** @defgroup process Process
 * A monitored process: its window of recent calls, its locality frame and
 * the profile of its executable.
 * @{ */

/**
 * @struct selfseq_process
 * @brief A monitored process: its window and locality frame, attached to a profile (opaque).
 *
 * Created by selfseq_process_new() (released with selfseq_process_free()) or
 * placed by selfseq_process_init() (selfseq_process_free() then only
 * detaches it). The profile must outlive it.
 * Thread safety: serialised together with its profile (see selfseq_profile).
 * @since 1.0
 */
struct selfseq_process;

/** Event flag: the call had at least one missing pair in the testing set. @since 1.0 */
#define SELFSEQ_EVENT_ANOMALOUS 0x01u
/** Event flag: the call added a new pair to the training set. @since 1.0 */
#define SELFSEQ_EVENT_NEW_SEQUENCE 0x02u
/** Event flag: the profile froze. @since 1.0 */
#define SELFSEQ_EVENT_FROZEN 0x04u
/** Event flag: a new pair cancelled a freeze. @since 1.0 */
#define SELFSEQ_EVENT_THAWED 0x08u
/** Event flag: the profile became normal. @since 1.0 */
#define SELFSEQ_EVENT_NORMAL 0x10u
/** Event flag: the anomaly limit was exceeded; normal monitoring stopped. @since 1.0 */
#define SELFSEQ_EVENT_ANOMALY_LIMIT 0x20u
/** Event flag: the LFC exceeded the tolerize limit; training was discarded. @since 1.0 */
#define SELFSEQ_EVENT_TOLERIZE_LIMIT 0x40u

/** @brief What one call did. @since 1.0 */
struct selfseq_event {
	size_t sz;		/**< sizeof(struct selfseq_event). */
	uint32_t call;		/**< The call fed. */
	uint32_t flags;		/**< SELFSEQ_EVENT_* bits. */
	uint32_t misses;	/**< Missing pairs in the testing set (0 unless normal). */
	uint32_t lfc;		/**< The process's LFC after this call. */
	uint32_t max_lfc;	/**< The process's highest LFC. */
	uint32_t state;		/**< The profile's SELFSEQ_STATE_* after this call. */
	/** pH's delay, 2^LFC · delay_factor (saturating); 0 when off or LFC is 0. */
	uint64_t delay;
};

/** @brief Memory for a process of @p profile. @param profile the profile. @param[out] size bytes. @return 0 or -EINVAL. @since 1.0 */
int selfseq_process_size(const struct selfseq_profile *profile, size_t *size);
/** @brief Place a process in caller memory, attached to @p profile. @param mem memory aligned to 8. @param len its size. @param profile the profile. @param[out] process the process. @return 0, -EINVAL, -ENOSPC. @since 1.0 */
int selfseq_process_init(void *mem, size_t len, struct selfseq_profile *profile,
			 struct selfseq_process **process);
/** @brief Allocate a process attached to @p profile (with the profile's allocator). @param profile the profile. @param[out] process the process. @return 0, -EINVAL, -ENOMEM. @since 1.0 */
int selfseq_process_new(struct selfseq_profile *profile, struct selfseq_process **process);
/** @brief Detach and release a process; NULL is a no-op. For init()ed processes only detaches. @param process the process. @since 1.0 */
void selfseq_process_free(struct selfseq_process *process);

/**
 * @brief Attach the process to another profile (after execve): the window and LFC restart.
 * @param process the process.
 * @param profile the new profile; its window must fit and its frame must not
 * exceed the one the process was sized for.
 * @return 0 or -EINVAL.
 * @since 1.0
 */
int selfseq_process_set_profile(struct selfseq_process *process, struct selfseq_profile *profile);
/** @brief The attached profile. @param process the process. @return the profile (not owned by the process), or NULL once detached. @since 1.0 */
struct selfseq_profile *selfseq_process_get_profile(const struct selfseq_process *process);
/** @brief Forget the window and the locality frame. @param process the process. @since 1.0 */
void selfseq_process_reset(struct selfseq_process *process);

/** Process mode: pH's whole algorithm (learn, freeze, become normal, test, limits). The default. @since 1.0 */
#define SELFSEQ_MODE_MONITOR 0u
/** Process mode: learn only; nothing is tested and the profile does not become normal through it. @since 1.0 */
#define SELFSEQ_MODE_TRAIN 1u
/**
 * Process mode: the profile is fixed: nothing is learnt and no state changes; each call is
 * tested against the testing set when the profile is normal, else against the training set.
 * @since 1.0
 */
#define SELFSEQ_MODE_SCORE 2u

/**
 * @brief Choose how feeding this process treats its profile.
 * @param process the process.
 * @param mode #SELFSEQ_MODE_MONITOR, #SELFSEQ_MODE_TRAIN or #SELFSEQ_MODE_SCORE.
 * @return 0 or -EINVAL.
 * @since 1.0
 */
int selfseq_process_set_mode(struct selfseq_process *process, uint32_t mode);

/**
 * @brief Copy the recent calls out (e.g. to give a forked child its parent's window).
 * @param process the process.
 * @param[out] calls up to @p max calls, oldest first.
 * @param max room in @p calls.
 * @return the number of calls stored (0..window-1); -EINVAL for a NULL @p process,
 * a detached one, or NULL @p calls with @p max > 0.
 * @since 1.0
 */
int selfseq_process_get_window(const struct selfseq_process *process, uint32_t *calls,
			       size_t max);
/**
 * @brief Replace the recent calls (e.g. in a forked child).
 * @param process the process.
 * @param calls oldest first; only the last window-1 are kept.
 * @param n number of calls.
 * @return 0 or -ERANGE.
 * @since 1.0
 */
int selfseq_process_set_window(struct selfseq_process *process, const uint32_t *calls, size_t n);

/**
 * @brief Feed one system call through pH's algorithm.
 *
 * Trains the profile, moves it through frozen and normal, tests the call
 * when normal, updates the locality frame and applies the anomaly and
 * tolerize limits, exactly in pH's order (see doc/concepts.md).
 * @param process the process.
 * @param call the call number.
 * @param now_ns the caller's clock in nanoseconds (the core reads no clock).
 * @param[out] event what happened, or NULL; its `sz` must be set.
 * @return 0; -ERANGE for a call outside the alphabet; -ENOSPC or -ENOMEM if the
 * training set could not grow (the call is still tested); -EINVAL.
 * @since 1.0
 */
int selfseq_process_feed(struct selfseq_process *process, uint32_t call, uint64_t now_ns,
			 struct selfseq_event *event);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SELFSEQ_SELFSEQ_H */
