/* SPDX-License-Identifier: MIT */
/*
 * Medium-term statistics (selfseq-stats.h): per time-of-week slot weighted
 * means and variances of named series with geometric ageing of earlier
 * weeks, classification in sigma units, counter series summed per slot.
 * Userland only, so doubles are used inside; the ABI carries fixed point.
 * The state file format lives in stats-file.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/deps.h"
#include "stats-internal.h"

/* Epoch (Thursday) + 3 days = Monday 1969-12-29 + 1 week: slot 0 is Monday 00:00 UTC. */
#define SS_MONDAY_OFFSET (3 * 86400)
#define SS_TIME_LIMIT ((int64_t)1 << 62)

static int64_t ss_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int ss_stats_name_ok(const char *name)
{
	size_t n = 0;

	if (!name)
		return 0;
	for (; name[n]; n++) {
		unsigned char c = (unsigned char)name[n];

		if (c <= 0x20 || c >= 0x7f || c == ',' || c == '"' || c == '\\')
			return 0;
		if (n >= SELFSEQ_STATS_NAME_MAX)
			return 0;
	}
	return n > 0;
}

int ss_stats_opts_check(const struct selfseq_stats_opts *in, struct selfseq_stats_opts *out)
{
	struct selfseq_stats_opts o = { .sz = sizeof(o) };

	if (in) {
		size_t sz = in->sz;

		if (sz < sizeof(size_t))
			return -EINVAL;
		if (sz > sizeof(o)) {
			const unsigned char *tail = (const unsigned char *)in + sizeof(o);

			for (size_t i = 0; i < sz - sizeof(o); i++)
				if (tail[i])
					return -EINVAL;
			sz = sizeof(o);
		}
		memcpy(&o, in, sz);
		o.sz = sizeof(o);
	}
	if (!o.slot_seconds)
		o.slot_seconds = SELFSEQ_STATS_DEFAULT_SLOT_SECONDS;
	if (!o.ageing_ppm)
		o.ageing_ppm = SELFSEQ_STATS_DEFAULT_AGEING_PPM;
	if (!o.sigma_floor_micro)
		o.sigma_floor_micro = SELFSEQ_STATS_DEFAULT_SIGMA_FLOOR_MICRO;
	if (!o.min_weight_micro)
		o.min_weight_micro = SELFSEQ_STATS_DEFAULT_MIN_WEIGHT_MICRO;
	if (!o.max_series)
		o.max_series = SELFSEQ_STATS_DEFAULT_MAX_SERIES;
	if (o.slot_seconds < SELFSEQ_STATS_MIN_SLOT_SECONDS ||
	    o.slot_seconds > SELFSEQ_STATS_WEEK_SECONDS ||
	    SELFSEQ_STATS_WEEK_SECONDS % o.slot_seconds)
		return -EINVAL;
	if (o.ageing_ppm > SELFSEQ_STATS_MICRO || o.max_series > SELFSEQ_STATS_MAX_SERIES)
		return -EINVAL;
	/* Bounded so that their squares and sums stay exact enough in doubles. */
	if (o.sigma_floor_micro > ((uint64_t)1 << 53) || o.min_weight_micro > ((uint64_t)1 << 53))
		return -EINVAL;
	*out = o;
	return 0;
}

int ss_stats_create(const struct selfseq_stats_opts *o, struct selfseq_stats **out)
{
	struct selfseq_stats *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->opts = *o;
	s->nslots = SELFSEQ_STATS_WEEK_SECONDS / o->slot_seconds;
	s->ageing = (double)o->ageing_ppm / SELFSEQ_STATS_MICRO;
	s->floor = (double)o->sigma_floor_micro / SELFSEQ_STATS_MICRO;
	s->min_weight = (double)o->min_weight_micro / SELFSEQ_STATS_MICRO;
	*out = s;
	return 0;
}

SELFSEQ_EXPORT int selfseq_stats_new(const struct selfseq_stats_opts *opts,
				     struct selfseq_stats **out)
{
	struct selfseq_stats_opts o;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	err = ss_stats_opts_check(opts, &o);
	if (err)
		return err;
	return ss_stats_create(&o, out);
}

SELFSEQ_EXPORT void selfseq_stats_free(struct selfseq_stats *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nseries; i++) {
		free(s->series[i].name);
		free(s->series[i].slots);
	}
	for (uint32_t i = 0; i < s->ncursors; i++)
		free(s->cursors[i].name);
	free(s->series);
	free(s->cursors);
	free(s);
}

/* Copy @n bytes of @src into the caller's struct of size @sz (which starts with sz). */
static int ss_copy_out(void *dst, size_t sz, const void *src, size_t n)
{
	if (sz < sizeof(size_t))
		return -EINVAL;
	memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
	       (sz < n ? sz : n) - sizeof(size_t));
	if (sz > n)
		memset((char *)dst + n, 0, sz - n);
	return 0;
}

SELFSEQ_EXPORT int selfseq_stats_get_opts(const struct selfseq_stats *s,
					  struct selfseq_stats_opts *opts)
{
	if (!s || !opts)
		return -EINVAL;
	return ss_copy_out(opts, opts->sz, &s->opts, sizeof(s->opts));
}

SELFSEQ_EXPORT int selfseq_stats_get_slot_index(const struct selfseq_stats *s, int64_t t,
						uint32_t *slot, int64_t *week)
{
	int64_t rel;

	if (!s || t >= SS_TIME_LIMIT || t <= -SS_TIME_LIMIT)
		return -EINVAL;
	rel = t + SS_MONDAY_OFFSET;
	if (week)
		*week = ss_floor_div(rel, SELFSEQ_STATS_WEEK_SECONDS);
	if (slot)
		*slot = (uint32_t)((rel - ss_floor_div(rel, SELFSEQ_STATS_WEEK_SECONDS) *
					      SELFSEQ_STATS_WEEK_SECONDS) / s->opts.slot_seconds);
	return 0;
}

/* Start of the slot containing @t. */
static int64_t ss_slot_start(const struct selfseq_stats *s, int64_t t)
{
	int64_t rel = t + SS_MONDAY_OFFSET;

	return ss_floor_div(rel, s->opts.slot_seconds) * s->opts.slot_seconds - SS_MONDAY_OFFSET;
}

struct ss_series *ss_stats_find(const struct selfseq_stats *s, const char *name, uint32_t *pos)
{
	uint32_t lo = 0, hi = s->nseries;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->series[mid].name, name);

		if (!c) {
			if (pos)
				*pos = mid;
			return &s->series[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (pos)
		*pos = lo;
	return NULL;
}

/* Find or create; the array stays sorted by name. */
int ss_stats_get_or_create(struct selfseq_stats *s, const char *name, struct ss_series **out)
{
	struct ss_series *sr;
	uint32_t pos;

	if (!ss_stats_name_ok(name))
		return -EINVAL;
	sr = ss_stats_find(s, name, &pos);
	if (sr) {
		*out = sr;
		return 0;
	}
	if (s->nseries >= s->opts.max_series)
		return -ENOSPC;
	if (s->nseries == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 8;
		struct ss_series *n = realloc(s->series, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->series = n;
		s->cap = cap;
	}
	sr = &s->series[pos];
	memmove(sr + 1, sr, (s->nseries - pos) * sizeof(*sr));
	memset(sr, 0, sizeof(*sr));
	sr->name = strdup(name);
	sr->slots = calloc(s->nslots, sizeof(*sr->slots));
	if (!sr->name || !sr->slots) {
		free(sr->name);
		free(sr->slots);
		memmove(sr, sr + 1, (s->nseries - pos) * sizeof(*sr));
		return -ENOMEM;
	}
	s->nseries++;
	*out = sr;
	return 0;
}

int64_t ss_to_micro(double x)
{
	double v = x * SELFSEQ_STATS_MICRO;

	if (!(v == v))
		return 0;
	if (v >= 9.2e18)
		return INT64_MAX;
	if (v <= -9.2e18)
		return INT64_MIN;
	return (int64_t)llround(v);
}

/* Classify @value against @slot (its history as it is now). */
static void ss_classify(const struct selfseq_stats *s, const struct ss_slot *sl, uint32_t slot,
			int64_t start, int64_t value, struct ss_class *c)
{
	double var = sl->w > 0 ? sl->s / sl->w : 0.0;
	double dev, adev;

	memset(c, 0, sizeof(*c));
	c->time_s = start;
	c->value = value;
	c->slot = slot;
	c->weight = sl->w;
	c->mean = sl->m;
	c->sigma = sqrt(var);
	if (sl->w <= 0 || sl->w < s->min_weight) {
		c->level = SELFSEQ_STATS_UNKNOWN;
		return;
	}
	dev = ((double)value - sl->m) / sqrt(var + s->floor * s->floor);
	c->dev = dev;
	c->direction = dev > 0 ? 1 : dev < 0 ? -1 : 0;
	adev = fabs(dev);
	c->level = adev <= 1.0 ? SELFSEQ_STATS_NORMAL :
		   adev <= 2.0 ? SELFSEQ_STATS_DEV1 :
		   adev <= 3.0 ? SELFSEQ_STATS_DEV2 : SELFSEQ_STATS_ANOMALOUS;
}

static int ss_class_out(const struct ss_class *c, struct selfseq_stats_class *out)
{
	struct selfseq_stats_class v = {
		.sz = sizeof(v),
		.time_s = c->time_s,
		.value = c->value,
		.mean_micro = ss_to_micro(c->mean),
		.sigma_micro = ss_to_micro(c->sigma),
		.dev_micro = ss_to_micro(c->dev),
		.weight_micro = (uint64_t)ss_to_micro(c->weight),
		.level = c->level,
		.direction = c->direction,
		.slot = c->slot,
	};

	return ss_copy_out(out, out->sz, &v, sizeof(v));
}

/*
 * West's weighted incremental mean and variance; an older week's sums are
 * scaled by ageing^weeks first, so a value n weeks old weighs ageing^n.
 */
static void ss_learn(const struct selfseq_stats *s, struct ss_slot *sl, int64_t week, double x)
{
	double d;

	if (sl->w > 0 && week > sl->week) {
		double f = pow(s->ageing, (double)(week - sl->week));

		sl->w *= f;
		sl->s *= f;
	}
	if (sl->w <= 0 || week > sl->week)
		sl->week = week;
	sl->w += 1.0;
	d = x - sl->m;
	sl->m += d / sl->w;
	sl->s += d * (x - sl->m);
	if (sl->s < 0)	/* rounding */
		sl->s = 0;
}

static int ss_check_time(int64_t t)
{
	return t < SS_TIME_LIMIT && t > -SS_TIME_LIMIT;
}

static void ss_add(struct selfseq_stats *s, struct ss_series *sr, int64_t t, int64_t value)
{
	uint32_t slot;
	int64_t week;

	selfseq_stats_get_slot_index(s, t, &slot, &week);
	ss_classify(s, &sr->slots[slot], slot, ss_slot_start(s, t), value, &sr->last);
	sr->has_last = 1;
	ss_learn(s, &sr->slots[slot], week, (double)value);
}

SELFSEQ_EXPORT int selfseq_stats_add(struct selfseq_stats *s, const char *series, int64_t t,
				     int64_t value, struct selfseq_stats_class *cls)
{
	struct ss_series *sr;
	int err;

	if (!s || !ss_check_time(t) || (cls && cls->sz < sizeof(size_t)))
		return -EINVAL;
	err = ss_stats_get_or_create(s, series, &sr);
	if (err)
		return err;
	ss_add(s, sr, t, value);
	return cls ? ss_class_out(&sr->last, cls) : 0;
}

SELFSEQ_EXPORT int selfseq_stats_test(const struct selfseq_stats *s, const char *series, int64_t t,
				      int64_t value, struct selfseq_stats_class *cls)
{
	const struct ss_series *sr;
	struct ss_class c;
	uint32_t slot;

	if (!s || !series || !cls || !ss_check_time(t))
		return -EINVAL;
	sr = ss_stats_find(s, series, NULL);
	if (!sr)
		return -ENOENT;
	selfseq_stats_get_slot_index(s, t, &slot, NULL);
	ss_classify(s, &sr->slots[slot], slot, ss_slot_start(s, t), value, &c);
	return ss_class_out(&c, cls);
}

/* Finish the open slot of a counter and the empty ones up to (not including) @start. */
static void ss_close_until(struct selfseq_stats *s, struct ss_series *sr, int64_t start)
{
	int64_t t = sr->open_start;

	if (start <= t)
		return;
	ss_add(s, sr, t, sr->open_value);
	t += s->opts.slot_seconds;
	/* Beyond a week of empty slots, the older ones would only be overwritten. */
	if (start - t > (int64_t)SELFSEQ_STATS_WEEK_SECONDS)
		t = start - SELFSEQ_STATS_WEEK_SECONDS;
	for (; t < start; t += s->opts.slot_seconds)
		ss_add(s, sr, t, 0);
	sr->open_start = start;
	sr->open_value = 0;
}

SELFSEQ_EXPORT int selfseq_stats_feed(struct selfseq_stats *s, const char *series, int64_t t,
				      int64_t n)
{
	struct ss_series *sr;
	int64_t start;
	int err;

	if (!s || n < 0 || !ss_check_time(t))
		return -EINVAL;
	err = ss_stats_get_or_create(s, series, &sr);
	if (err)
		return err;
	start = ss_slot_start(s, t);
	if (!(sr->flags & SS_SERIES_COUNTER)) {
		sr->flags |= SS_SERIES_COUNTER;
		sr->open_start = start;
		sr->open_value = 0;
	} else if (start > sr->open_start) {
		ss_close_until(s, sr, start);
	}
	sr->open_value = n > INT64_MAX - sr->open_value ? INT64_MAX : sr->open_value + n;
	return 0;
}

SELFSEQ_EXPORT int selfseq_stats_set_time(struct selfseq_stats *s, int64_t now)
{
	int64_t start;

	if (!s || !ss_check_time(now))
		return -EINVAL;
	start = ss_slot_start(s, now);
	for (uint32_t i = 0; i < s->nseries; i++) {
		struct ss_series *sr = &s->series[i];

		if (sr->flags & SS_SERIES_COUNTER)
			ss_close_until(s, sr, start);
	}
	return 0;
}

SELFSEQ_EXPORT int selfseq_stats_get_last(const struct selfseq_stats *s, const char *series,
					  struct selfseq_stats_class *cls)
{
	const struct ss_series *sr;

	if (!s || !series || !cls)
		return -EINVAL;
	sr = ss_stats_find(s, series, NULL);
	if (!sr || !sr->has_last)
		return -ENOENT;
	return ss_class_out(&sr->last, cls);
}

SELFSEQ_EXPORT int selfseq_stats_get_current(const struct selfseq_stats *s, const char *series,
					     struct selfseq_stats_class *cls)
{
	const struct ss_series *sr;
	struct ss_class c;
	uint32_t slot;

	if (!s || !series || !cls)
		return -EINVAL;
	sr = ss_stats_find(s, series, NULL);
	if (!sr || !(sr->flags & SS_SERIES_COUNTER))
		return -ENOENT;
	selfseq_stats_get_slot_index(s, sr->open_start, &slot, NULL);
	ss_classify(s, &sr->slots[slot], slot, sr->open_start, sr->open_value, &c);
	return ss_class_out(&c, cls);
}

SELFSEQ_EXPORT int selfseq_stats_get_slot(const struct selfseq_stats *s, const char *series,
					  uint32_t slot, struct selfseq_stats_slot *info)
{
	const struct ss_series *sr;
	const struct ss_slot *sl;
	struct selfseq_stats_slot v = { .sz = sizeof(v) };

	if (!s || !series || !info)
		return -EINVAL;
	sr = ss_stats_find(s, series, NULL);
	if (!sr)
		return -ENOENT;
	if (slot >= s->nslots)
		return -ERANGE;
	sl = &sr->slots[slot];
	v.slot = slot;
	if (sl->w > 0) {
		v.weight_micro = (uint64_t)ss_to_micro(sl->w);
		v.mean_micro = ss_to_micro(sl->m);
		v.sigma_micro = ss_to_micro(sqrt(sl->s / sl->w));
		v.week = sl->week;
	}
	return ss_copy_out(info, info->sz, &v, sizeof(v));
}

SELFSEQ_EXPORT int selfseq_stats_get_series(const struct selfseq_stats *s, uint32_t index,
					    const char **name)
{
	if (!s || !name)
		return -EINVAL;
	if (index >= s->nseries)
		return -ENOENT;
	*name = s->series[index].name;
	return 0;
}

SELFSEQ_EXPORT int selfseq_stats_set_cursor(struct selfseq_stats *s, const char *name,
					    uint64_t value)
{
	struct ss_cursor *c;

	if (!s || !ss_stats_name_ok(name))
		return -EINVAL;
	for (uint32_t i = 0; i < s->ncursors; i++) {
		if (!strcmp(s->cursors[i].name, name)) {
			s->cursors[i].value = value;
			return 0;
		}
	}
	if (s->ncursors >= SELFSEQ_STATS_MAX_CURSORS)
		return -ENOSPC;
	c = realloc(s->cursors, (s->ncursors + 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	s->cursors = c;
	c = &s->cursors[s->ncursors];
	c->name = strdup(name);
	if (!c->name)
		return -ENOMEM;
	c->value = value;
	s->ncursors++;
	return 0;
}

SELFSEQ_EXPORT int selfseq_stats_get_cursor(const struct selfseq_stats *s, const char *name,
					    uint64_t *value)
{
	if (!s || !name || !value)
		return -EINVAL;
	for (uint32_t i = 0; i < s->ncursors; i++) {
		if (!strcmp(s->cursors[i].name, name)) {
			*value = s->cursors[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

SELFSEQ_EXPORT int selfseq_stats_export_csv(const struct selfseq_stats *s, const char *series,
					    int fd)
{
	static const char days[7][4] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	const struct ss_series *sr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err = 0;

	if (!s || !series || fd < 0)
		return -EINVAL;
	sr = ss_stats_find(s, series, NULL);
	if (!sr)
		return -ENOENT;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fputs("slot,day,time,mean,sigma,weight\n", f);
	for (uint32_t i = 0; i < s->nslots; i++) {
		const struct ss_slot *sl = &sr->slots[i];
		uint32_t sec = i * s->opts.slot_seconds;

		fprintf(f, "%u,%s,%02u:%02u,", i, days[sec / 86400], sec % 86400 / 3600,
			sec % 3600 / 60);
		if (sl->w > 0)
			fprintf(f, "%.6f,%.6f,%.6f\n", sl->m, sqrt(sl->s / sl->w), sl->w);
		else
			fputs(",,\n", f);
	}
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		off += (size_t)n;
	}
	free(buf);
	return err;
}
