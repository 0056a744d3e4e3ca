/* SPDX-License-Identifier: MIT */
/*
 * `plot`: a series' average week as in Begnum & Burgess's Figure 2, the
 * mean per time-of-week slot with +/- one standard deviation as error bars
 * (hourly, so that 2016 five-minute bars do not merge into a band). Drawn
 * with the CLI's SVG writer (examples/cli/svg.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfengine.h"
#include "svg.h"

int cmd_plot(const struct opts *o)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	struct selfseq_stats_opts so = { .sz = sizeof(so) };
	struct selfseq_stats_slot info = { .sz = sizeof(info) };
	double *x = NULL, *y = NULL, *err = NULL;
	char title[300], ylabel[300];
	uint32_t nslots, every;
	struct state st;
	size_t n = 0;
	int rc;

	if (!o->series) {
		fprintf(stderr, "selfseq-cfengine: plot needs --series NAME (see 'show')\n");
		return EXIT_USAGE;
	}
	rc = state_open(&st, o->state, &o->stats_opts, 0);
	if (rc)
		return rc;
	selfseq_stats_get_opts(st.stats, &so);
	nslots = SELFSEQ_STATS_WEEK_SECONDS / so.slot_seconds;
	every = nslots > 168 ? nslots / 168 : 1;
	x = calloc(nslots, sizeof(*x));
	y = calloc(nslots, sizeof(*y));
	err = calloc(nslots, sizeof(*err));
	if (!x || !y || !err) {
		rc = EXIT_STATE;
		goto out;
	}
	for (uint32_t k = 0; k < nslots; k++) {
		int e = selfseq_stats_get_slot(st.stats, o->series, k, &info);

		if (e == -ENOENT) {
			fprintf(stderr, "selfseq-cfengine: %s: no such series (see 'show')\n", o->series);
			rc = EXIT_USAGE;
			goto out;
		}
		if (e || !info.weight_micro)
			continue;
		x[n] = (double)k * so.slot_seconds / 86400.0;
		y[n] = (double)info.mean_micro / SELFSEQ_STATS_MICRO;
		/* A bar of zero height would not show; a tiny one keeps the tick. */
		err[n] = k % every ? 0 : (double)info.sigma_micro / SELFSEQ_STATS_MICRO + 1e-9;
		n++;
	}
	snprintf(title, sizeof(title), "%s", o->title ? o->title : o->series);
	snprintf(ylabel, sizeof(ylabel), "%s per %u s (mean, +/- 1 sigma)", o->series,
		 so.slot_seconds);
	{
		struct svg_series s = { .label = "weekly average", .x = x, .y = y, .n = n, .err = err };
		struct svg_plot p = {
			.title = title,
			.xlabel = "time of week (UTC)",
			.ylabel = ylabel,
			.xmin = 0,
			.xmax = 7,
			.xnames = days,
			.nxnames = 7,
		};

		if (svg_write(!o->output || !strcmp(o->output, "-") ? "/dev/stdout" : o->output, &p,
			      &s, 1)) {
			fprintf(stderr, "selfseq-cfengine: %s: %s\n", o->output ? o->output : "stdout",
				strerror(errno));
			rc = EXIT_STATE;
		}
	}
out:
	free(x);
	free(y);
	free(err);
	state_close(&st);
	return rc;
}
