/* SPDX-License-Identifier: MIT */
/*
 * The commands that look at the statistics rather than the events: show
 * (a table), export (CSV from the library), add (one value, e.g. to seed a
 * baseline from another system's history).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfengine.h"

static const char *level_name(uint32_t level)
{
	static const char *const w[] = { "unknown", "normal", "dev1", "dev2", "anomalous" };

	return level <= SELFSEQ_STATS_ANOMALOUS ? w[level] : "?";
}

static void slot_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%a %Y-%m-%d %H:%M", &tm);
}

static void show_class(const char *what, const struct selfseq_stats_class *c)
{
	char when[64];

	slot_time(c->time_s, when, sizeof(when));
	printf("  %-8s %s  value %lld  mean %.2f  sigma %.2f  dev %+.2f  %s%s%s\n", what, when,
	       (long long)c->value, (double)c->mean_micro / SELFSEQ_STATS_MICRO,
	       (double)c->sigma_micro / SELFSEQ_STATS_MICRO,
	       (double)c->dev_micro / SELFSEQ_STATS_MICRO,
	       c->direction > 0 ? "high " : c->direction < 0 ? "low " : "", level_name(c->level),
	       c->weight_micro ? "" : " (no history)");
}

int cmd_show(const struct opts *o)
{
	struct selfseq_stats_opts so = { .sz = sizeof(so) };
	struct selfseq_stats_class c = { .sz = sizeof(c) };
	static const char *const cursors[] = { "events.counted", "events.acked", "events.line" };
	struct state st;
	const char *series;
	uint64_t v;
	int rc = state_open(&st, o->state, &o->stats_opts, 0);

	if (rc)
		return rc;
	selfseq_stats_get_opts(st.stats, &so);
	printf("%s: slots of %u s, ageing %.3f per week, sigma floor %.3f, min weight %.3f\n",
	       o->state, so.slot_seconds, (double)so.ageing_ppm / SELFSEQ_STATS_MICRO,
	       (double)so.sigma_floor_micro / SELFSEQ_STATS_MICRO,
	       (double)so.min_weight_micro / SELFSEQ_STATS_MICRO);
	for (size_t i = 0; i < sizeof(cursors) / sizeof(cursors[0]); i++)
		if (!selfseq_stats_get_cursor(st.stats, cursors[i], &v))
			printf("%s %llu\n", cursors[i], (unsigned long long)v);
	for (uint32_t i = 0; !selfseq_stats_get_series(st.stats, i, &series); i++) {
		printf("%s\n", series);
		if (!selfseq_stats_get_last(st.stats, series, &c))
			show_class("latest", &c);
		if (!selfseq_stats_get_current(st.stats, series, &c))
			show_class("partial", &c);
	}
	state_close(&st);
	return fflush(stdout) ? EXIT_STATE : EXIT_OK;
}

/* Standard output for "-" or none, else the file (created 0644, truncated). */
int open_output(const char *path)
{
	int fd;

	if (!path || !strcmp(path, "-"))
		return STDOUT_FILENO;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fprintf(stderr, "selfseq-cfengine: %s: %s\n", path, strerror(errno));
	return fd;
}

int cmd_export(const struct opts *o)
{
	struct state st;
	int rc, err, fd;

	if (!o->series) {
		fprintf(stderr, "selfseq-cfengine: export needs --series NAME (see 'show')\n");
		return EXIT_USAGE;
	}
	rc = state_open(&st, o->state, &o->stats_opts, 0);
	if (rc)
		return rc;
	fd = open_output(o->output);
	if (fd < 0) {
		state_close(&st);
		return EXIT_USAGE;
	}
	err = selfseq_stats_export_csv(st.stats, o->series, fd);
	if (err)
		fprintf(stderr, "selfseq-cfengine: %s: %s\n", o->series,
			err == -ENOENT ? "no such series (see 'show')" : strerror(-err));
	if (fd != STDOUT_FILENO && close(fd) && !err)
		err = -errno;
	state_close(&st);
	return err ? (err == -ENOENT ? EXIT_USAGE : EXIT_STATE) : EXIT_OK;
}

int cmd_add(const struct opts *o)
{
	struct selfseq_stats_class c = { .sz = sizeof(c) };
	struct state st;
	int rc, err;

	if (!o->series || !o->have_value) {
		fprintf(stderr, "selfseq-cfengine: add needs --series NAME and --value N\n");
		return EXIT_USAGE;
	}
	rc = state_open(&st, o->state, &o->stats_opts, 1);
	if (rc)
		return rc;
	err = selfseq_stats_add(st.stats, o->series, o->time, o->value, &c);
	if (err) {
		fprintf(stderr, "selfseq-cfengine: %s: %s\n", o->series,
			err == -EINVAL ? "not a valid series name (1..128 printable bytes, no "
					 "space, comma, quote or backslash)" : strerror(-err));
		state_close(&st);
		return EXIT_USAGE;
	}
	rc = state_save(&st);
	state_close(&st);
	if (!rc)
		show_class(o->series, &c);
	return rc;
}
