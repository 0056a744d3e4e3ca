/* SPDX-License-Identifier: MIT */
/**
 * @file selfseq-stats.h
 * @brief Medium-term statistics (userland only): per time-of-week averages
 * and standard deviations of named series, with geometric ageing of earlier
 * weeks, classification of a value in sigma units, and a checked state file.
 *
 * The model is the one Begnum and Burgess (2003) fed from pH into cfengine's
 * statistics daemon: the week is cut into slots (5 minutes by default, as
 * cf-monitord uses), slot 0 starting on Monday 00:00 UTC (UTC, so there is
 * no daylight-saving shift). Each slot of each series holds a weighted mean
 * and variance of the values seen in that slot in earlier weeks; a value seen
 * `n` weeks ago weighs `ageing^n` (values of the same week weigh 1 each).
 *
 * A value is classified against its slot by
 * `dev = (value - mean) / sqrt(variance + sigma_floor^2)`:
 * #SELFSEQ_STATS_NORMAL when `|dev| <= 1`, #SELFSEQ_STATS_DEV1 when
 * `1 < |dev| <= 2`, #SELFSEQ_STATS_DEV2 when `2 < |dev| <= 3`,
 * #SELFSEQ_STATS_ANOMALOUS when `|dev| > 3`; high or low by the sign. The
 * floor keeps a slot that always saw the same value from calling every
 * change anomalous (cf-monitord adds 1 to the variance for the same reason).
 *
 * Values are integers (counts); means, deviations and weights are reported
 * in fixed point, millionths of a unit (`_micro`), to keep floating point out
 * of the ABI. Series are either fed values directly (gauges, e.g. processes
 * with a non-zero LFC at a given moment) with selfseq_stats_add(), or fed
 * events (counters, e.g. anomalous calls) with selfseq_stats_feed(), which
 * sums them per slot and turns each finished slot into one value.
 *
 * Not thread-safe: the caller serialises calls on one object. Two programs
 * sharing one state file must lock around load .. save themselves.
 */
#ifndef SELFSEQ_SELFSEQ_STATS_H
#define SELFSEQ_SELFSEQ_STATS_H

#include <selfseq/selfseq.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup stats Medium-term statistics (userland)
 * @{ */

/** Seconds in a week: the period of the model. @since 1.0 */
#define SELFSEQ_STATS_WEEK_SECONDS 604800u
/** Default slot length: 5 minutes, as cf-monitord (2016 slots per week). @since 1.0 */
#define SELFSEQ_STATS_DEFAULT_SLOT_SECONDS 300u
/** Shortest slot allowed (10080 slots per week). @since 1.0 */
#define SELFSEQ_STATS_MIN_SLOT_SECONDS 60u
/** Default ageing: last week's values weigh 0.7, the week before 0.49, ... @since 1.0 */
#define SELFSEQ_STATS_DEFAULT_AGEING_PPM 700000u
/** One unit in the fixed-point (`_micro`) fields. @since 1.0 */
#define SELFSEQ_STATS_MICRO 1000000
/** Default floor of the deviation's denominator: 1 unit. @since 1.0 */
#define SELFSEQ_STATS_DEFAULT_SIGMA_FLOOR_MICRO 1000000u
/** Default history a slot needs before values are classified: 1 (one observation). @since 1.0 */
#define SELFSEQ_STATS_DEFAULT_MIN_WEIGHT_MICRO 1000000u
/** Default largest number of series. @since 1.0 */
#define SELFSEQ_STATS_DEFAULT_MAX_SERIES 256u
/** Largest max_series. @since 1.0 */
#define SELFSEQ_STATS_MAX_SERIES 4096u
/** Longest series or cursor name, in bytes. @since 1.0 */
#define SELFSEQ_STATS_NAME_MAX 128u
/** Most cursors one state holds. @since 1.0 */
#define SELFSEQ_STATS_MAX_CURSORS 64u

/** Level: the slot has too little history (or no series) to judge. @since 1.0 */
#define SELFSEQ_STATS_UNKNOWN 0u
/** Level: within one deviation of the mean. @since 1.0 */
#define SELFSEQ_STATS_NORMAL 1u
/** Level: more than one and at most two deviations away. @since 1.0 */
#define SELFSEQ_STATS_DEV1 2u
/** Level: more than two and at most three deviations away. @since 1.0 */
#define SELFSEQ_STATS_DEV2 3u
/** Level: more than three deviations away. @since 1.0 */
#define SELFSEQ_STATS_ANOMALOUS 4u

/**
 * @struct selfseq_stats
 * @brief A statistics state: series, slots and cursors (opaque).
 *
 * Created by selfseq_stats_new() or selfseq_stats_load(), released with
 * selfseq_stats_free(). Thread safety: the caller serialises calls on one
 * state.
 * @since 1.0
 */
struct selfseq_stats;

/** @brief Options of a statistics state, fixed when it is created. @since 1.0 */
struct selfseq_stats_opts {
	size_t sz;			/**< sizeof(struct selfseq_stats_opts). */
	/** Slot length; must divide a week and be at least 60; 0: 300. */
	uint32_t slot_seconds;
	/** Weight of a value one week older, in millionths (1..1000000; 1000000 = no ageing); 0: 700000. */
	uint32_t ageing_ppm;
	/** Floor of the deviation's denominator, in millionths of a unit; 0: 1000000. */
	uint64_t sigma_floor_micro;
	/** History weight a slot needs before values are classified, in millionths; 0: 1000000. */
	uint64_t min_weight_micro;
	/** Most series held (1..4096); 0: 256. Adding one more gives -ENOSPC. */
	uint32_t max_series;
};

/** @brief A value classified against its slot. @since 1.0 */
struct selfseq_stats_class {
	size_t sz;			/**< sizeof(struct selfseq_stats_class). */
	int64_t time_s;			/**< Start of the slot the value belongs to (seconds since the epoch). */
	int64_t value;			/**< The value classified. */
	int64_t mean_micro;		/**< The slot's mean before this value, in millionths. */
	int64_t sigma_micro;		/**< The slot's standard deviation before this value, in millionths. */
	/** `(value - mean) / sqrt(variance + floor^2)`, in millionths, signed (negative: low). */
	int64_t dev_micro;
	uint64_t weight_micro;		/**< The slot's history weight, in millionths (0: no history). */
	uint32_t level;			/**< SELFSEQ_STATS_UNKNOWN .. SELFSEQ_STATS_ANOMALOUS. */
	int32_t direction;		/**< +1 above the mean (high), -1 below (low), 0 equal or unknown. */
	uint32_t slot;			/**< Slot index, 0 = Monday 00:00 UTC. */
};

/** @brief The model of one slot of a series. @since 1.0 */
struct selfseq_stats_slot {
	size_t sz;			/**< sizeof(struct selfseq_stats_slot). */
	uint64_t weight_micro;		/**< Sum of the weights of the values seen, in millionths; 0: none. */
	int64_t mean_micro;		/**< Weighted mean, in millionths. */
	int64_t sigma_micro;		/**< Weighted standard deviation, in millionths. */
	int64_t week;			/**< Week of the last value (weeks since Monday 1969-12-29 UTC). */
	uint32_t slot;			/**< Slot index. */
};

/**
 * @brief Create an empty statistics state.
 * @param opts options, or NULL for the defaults.
 * @param[out] stats the state; release it with selfseq_stats_free().
 * @return 0, -EINVAL for bad options, -ENOMEM.
 * @since 1.0
 */
int selfseq_stats_new(const struct selfseq_stats_opts *opts, struct selfseq_stats **stats);

/**
 * @brief Release a statistics state. NULL is a no-op.
 * @param stats the state.
 * @since 1.0
 */
void selfseq_stats_free(struct selfseq_stats *stats);

/**
 * @brief Read the options the state was created with.
 * @param stats the state.
 * @param[out] opts options (`sz` set).
 * @return 0 or -EINVAL.
 * @since 1.0
 */
int selfseq_stats_get_opts(const struct selfseq_stats *stats, struct selfseq_stats_opts *opts);

/**
 * @brief Where a moment falls in the week.
 * @param stats the state (for its slot length).
 * @param time_s seconds since the epoch (UTC).
 * @param[out] slot slot index (0 = Monday 00:00 UTC), or NULL.
 * @param[out] week weeks since Monday 1969-12-29 (negative before), or NULL.
 * @return 0, or -EINVAL when |@p time_s| is 2^62 or more.
 * @since 1.0
 */
int selfseq_stats_get_slot_index(const struct selfseq_stats *stats, int64_t time_s,
				 uint32_t *slot, int64_t *week);

/**
 * @brief Classify a value against the slot of @p time_s, learning nothing.
 * @param stats the state.
 * @param series the series name.
 * @param time_s when the value was seen.
 * @param value the value.
 * @param[out] cls the classification (`sz` set).
 * @return 0; -ENOENT when the series does not exist; -EINVAL.
 * @since 1.0
 */
int selfseq_stats_test(const struct selfseq_stats *stats, const char *series, int64_t time_s,
		       int64_t value, struct selfseq_stats_class *cls);

/**
 * @brief Add one value of a series to the slot of @p time_s: classify it
 * against the slot's history first, then learn it.
 *
 * The series is created on first use. A value from a week later than the
 * slot's last one first ages the slot's history by `ageing^weeks`; a value
 * from an earlier week than the slot's last one counts as of that last week.
 * The classification is kept as the series' latest (selfseq_stats_get_last()).
 * @param stats the state.
 * @param series the series name: 1..128 bytes of printable ASCII without
 * space, `,`, `"` or `\`.
 * @param time_s when the value was seen (seconds since the epoch).
 * @param value the value.
 * @param[out] cls the classification, or NULL (`sz` set).
 * @return 0; -EINVAL for a bad name or time; -ENOSPC when max_series series exist; -ENOMEM.
 * @since 1.0
 */
int selfseq_stats_add(struct selfseq_stats *stats, const char *series, int64_t time_s,
		      int64_t value, struct selfseq_stats_class *cls);

/**
 * @brief Count @p n events of a counter series at @p time_s.
 *
 * Events are summed per slot. When an event (or selfseq_stats_set_time())
 * reaches a later slot, every finished slot becomes one value added with
 * selfseq_stats_add(): the sum for the slot that had events and 0 for the
 * empty slots after it, at most one week of them. An event older than the
 * slot being summed counts in that slot. The series is created on first use.
 * @param stats the state.
 * @param series the series name (as for selfseq_stats_add()).
 * @param time_s when the events happened.
 * @param n number of events, >= 0.
 * @return 0; -EINVAL; -ENOSPC; -ENOMEM.
 * @since 1.0
 */
int selfseq_stats_feed(struct selfseq_stats *stats, const char *series, int64_t time_s,
		       int64_t n);

/**
 * @brief Tell the state the time is @p now_s: every counter series finishes
 * the slots that ended at or before it (see selfseq_stats_feed()).
 * @param stats the state.
 * @param now_s seconds since the epoch.
 * @return 0 or -EINVAL.
 * @since 1.0
 */
int selfseq_stats_set_time(struct selfseq_stats *stats, int64_t now_s);

/**
 * @brief The classification of a series' latest value (the last finished
 * slot of a counter, the last selfseq_stats_add() of a gauge).
 * @param stats the state.
 * @param series the series name.
 * @param[out] cls the classification (`sz` set).
 * @return 0; -ENOENT when the series does not exist or has no value yet; -EINVAL.
 * @since 1.0
 */
int selfseq_stats_get_last(const struct selfseq_stats *stats, const char *series,
			   struct selfseq_stats_class *cls);

/**
 * @brief The sum a counter series has so far in its unfinished slot,
 * classified against that slot as if it were final.
 *
 * A partial sum can only grow, so a high level here is already certain;
 * a low one is not.
 * @param stats the state.
 * @param series the series name.
 * @param[out] cls the classification (`sz` set).
 * @return 0; -ENOENT when the series does not exist or is not a counter; -EINVAL.
 * @since 1.0
 */
int selfseq_stats_get_current(const struct selfseq_stats *stats, const char *series,
			      struct selfseq_stats_class *cls);

/**
 * @brief The model of one slot of a series (for tables and plots).
 * @param stats the state.
 * @param series the series name.
 * @param slot the slot index.
 * @param[out] info the slot (`sz` set); weight 0 when the slot has seen no value.
 * @return 0; -ENOENT for an unknown series; -ERANGE for a slot past the week; -EINVAL.
 * @since 1.0
 */
int selfseq_stats_get_slot(const struct selfseq_stats *stats, const char *series, uint32_t slot,
			   struct selfseq_stats_slot *info);

/**
 * @brief Name of the series number @p index, in byte order of the names.
 * @param stats the state.
 * @param index 0 .. number of series - 1.
 * @param[out] name the name, valid until the state changes or is freed.
 * @return 0; -ENOENT past the last series; -EINVAL.
 * @since 1.0
 */
int selfseq_stats_get_series(const struct selfseq_stats *stats, uint32_t index,
			     const char **name);

/**
 * @brief Store a named 64-bit number with the state (e.g. a reader's offset in
 * its input), so that it is saved atomically together with the statistics
 * it accounts for.
 * @param stats the state.
 * @param name the cursor's name (rules as for series names).
 * @param value its value.
 * @return 0; -EINVAL; -ENOSPC beyond 64 cursors; -ENOMEM.
 * @since 1.0
 */
int selfseq_stats_set_cursor(struct selfseq_stats *stats, const char *name, uint64_t value);

/**
 * @brief Read a named number stored with selfseq_stats_set_cursor().
 * @param stats the state.
 * @param name the cursor's name.
 * @param[out] value its value.
 * @return 0; -ENOENT when it was never set; -EINVAL.
 * @since 1.0
 */
int selfseq_stats_get_cursor(const struct selfseq_stats *stats, const char *name,
			     uint64_t *value);

/**
 * @brief Write a series as CSV: a header line, then one line per slot:
 * `slot,day,time,mean,sigma,weight` (day Mon..Sun and time HH:MM of the slot's
 * start in UTC; mean, sigma and weight empty for a slot without values).
 * @param stats the state.
 * @param series the series name.
 * @param fd where to write (not closed).
 * @return 0; -ENOENT for an unknown series; errors of write(2); -EINVAL; -ENOMEM.
 * @since 1.0
 */
int selfseq_stats_export_csv(const struct selfseq_stats *stats, const char *series, int fd);

/**
 * @brief Save the state atomically: temporary file in the same directory,
 * fsync, rename over @p path, fsync of the directory. After a crash @p path
 * holds the old state or the new one. The file (doc/stats-format.md) ends in
 * an XXH64 checksum of its content.
 * @param stats the state.
 * @param path the file; its directory must exist.
 * @return 0; -EINVAL; -ENOMEM; errors of open(2), write(2), fsync(2), rename(2).
 * @since 1.0
 */
int selfseq_stats_save(const struct selfseq_stats *stats, const char *path);

/**
 * @brief Load a state saved by selfseq_stats_save(), trusting nothing in it.
 * @param path the file.
 * @param[out] stats the state, with the options it was saved with.
 * @param[out] msg if not NULL, on failure a message naming the byte offset
 * and what is wrong there (e.g. `byte 4100: slot 9000 past the week`).
 * @param msglen room in @p msg.
 * @return 0, or a negative errno and then nothing is allocated:
 * -ENOENT and other errors of open(2) and read(2); -ENOMSG: not a stats file;
 * -EPROTO: an unsupported major version; -EBADMSG: truncated, bad checksum,
 * trailing bytes or a malformed field; -EFBIG: larger than 256 MiB; -ENOMEM;
 * -EINVAL.
 * @since 1.0
 */
int selfseq_stats_load(const char *path, struct selfseq_stats **stats, char *msg, size_t msglen);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SELFSEQ_SELFSEQ_STATS_H */
