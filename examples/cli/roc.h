/* SPDX-License-Identifier: MIT */
/*
 * ROC analysis of an anomaly score: normal traces are the negatives,
 * attacks the positives, an alarm is a score at or above the threshold.
 */
#ifndef SELFSEQ_CLI_ROC_H
#define SELFSEQ_CLI_ROC_H

#include <stddef.h>

struct roc_point {
	double fpr, tpr;	/* false-alarm and detection rates, 0..1 */
	double threshold;	/* alarm when score >= threshold */
};

struct roc {
	struct roc_point *pts;	/* from (0,0) to (1,1), one per distinct score */
	size_t n;
	double auc;		/* area under the curve; ties count half; NaN without both classes */
	size_t nneg, npos;
};

/* Build the curve; the score arrays are not changed. */
void roc_compute(const double *neg, size_t nneg, const double *pos, size_t npos, struct roc *r);
/*
 * Best detection rate whose false-alarm rate is at most @fa (no
 * interpolation between thresholds); its threshold and actual false-alarm
 * rate go to *threshold and *fpr when not NULL.
 */
double roc_detection_at(const struct roc *r, double fa, double *threshold, double *fpr);
void roc_free(struct roc *r);

#endif /* SELFSEQ_CLI_ROC_H */
