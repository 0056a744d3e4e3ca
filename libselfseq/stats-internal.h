/* SPDX-License-Identifier: MIT */
/*
 * The statistics state in memory, shared by the model (stats.c) and its
 * file format (stats-file.c).
 */
#ifndef SELFSEQ_STATS_INTERNAL_H
#define SELFSEQ_STATS_INTERNAL_H

#include <selfseq/selfseq-stats.h>

/* One time-of-week slot: weighted sums, West's algorithm. */
struct ss_slot {
	double w;	/* sum of weights; 0: never seen a value */
	double m;	/* weighted mean */
	double s;	/* weighted sum of squared deviations: variance = s / w */
	int64_t week;	/* week of the last value */
};

/* A classification, in doubles until it leaves the library. */
struct ss_class {
	int64_t time_s;
	int64_t value;
	double mean, sigma, dev, weight;
	uint32_t level;
	int32_t direction;
	uint32_t slot;
};

/* Series flag: fed events (selfseq_stats_feed), summed per slot. */
#define SS_SERIES_COUNTER 0x1u
/* Series flag (file only): the latest classification is present. */
#define SS_SERIES_HAS_LAST 0x2u

struct ss_series {
	char *name;
	uint32_t flags;
	int has_last;
	int64_t open_start;	/* counters: start of the slot being summed */
	int64_t open_value;	/* counters: its sum so far */
	struct ss_class last;	/* latest classification */
	struct ss_slot *slots;	/* nslots of them */
};

struct ss_cursor {
	char *name;
	uint64_t value;
};

struct selfseq_stats {
	struct selfseq_stats_opts opts;
	uint32_t nslots;
	double ageing, floor, min_weight;
	struct ss_series *series;	/* sorted by name */
	uint32_t nseries, cap;
	struct ss_cursor *cursors;
	uint32_t ncursors;
};

int ss_stats_name_ok(const char *name);
int ss_stats_opts_check(const struct selfseq_stats_opts *in, struct selfseq_stats_opts *out);
int ss_stats_create(const struct selfseq_stats_opts *o, struct selfseq_stats **out);
struct ss_series *ss_stats_find(const struct selfseq_stats *s, const char *name, uint32_t *pos);
int ss_stats_get_or_create(struct selfseq_stats *s, const char *name, struct ss_series **out);
int64_t ss_to_micro(double x);

#endif /* SELFSEQ_STATS_INTERNAL_H */
