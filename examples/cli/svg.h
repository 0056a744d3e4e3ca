/* SPDX-License-Identifier: MIT */
/*
 * A small SVG line-plot writer (axes, ticks, labels, several series, a
 * legend, optional error bars and named x ticks) for the evaluation report
 * and selfseq-cfengine's weekly plots: no plotting library needed.
 */
#ifndef SELFSEQ_CLI_SVG_H
#define SELFSEQ_CLI_SVG_H

#include <stddef.h>

struct svg_series {
	const char *label;
	const double *x, *y;
	size_t n;
	/* Optional: a vertical error bar y +/- err[i] at each point whose err[i] > 0. */
	const double *err;
};

struct svg_plot {
	const char *title, *xlabel, *ylabel;
	/* Axis ranges; max <= min: from the data (starting at 0). */
	double xmin, xmax, ymin, ymax;
	int diagonal;		/* grey y = x line (chance level of a ROC) */
	const double *xmarks;	/* dotted vertical lines (e.g. false-alarm operating points) */
	size_t nxmarks;
	/* Optional: x ticks at the integers, tick i labelled xnames[i] (e.g. weekdays). */
	const char *const *xnames;
	size_t nxnames;
};

/* Write the plot to @path; 0 or -1 with errno. */
int svg_write(const char *path, const struct svg_plot *p, const struct svg_series *s, size_t n);

#endif /* SELFSEQ_CLI_SVG_H */
