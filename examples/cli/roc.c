/* SPDX-License-Identifier: MIT */
/*
 * ROC curves by sweeping the threshold over every distinct score, from
 * the highest down; the area is the trapezoid sum, which equals the
 * Mann-Whitney statistic with ties counted half.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "roc.h"

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static double *sorted_desc(const double *v, size_t n)
{
	double *c = cli_malloc(n * sizeof(*c));

	if (n)
		memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_desc);
	return c;
}

void roc_compute(const double *neg, size_t nneg, const double *pos, size_t npos, struct roc *r)
{
	double *sn = sorted_desc(neg, nneg), *sp = sorted_desc(pos, npos);
	size_t i = 0, j = 0;
	double area = 0;

	memset(r, 0, sizeof(*r));
	r->nneg = nneg;
	r->npos = npos;
	r->pts = cli_malloc((nneg + npos + 2) * sizeof(*r->pts));
	r->pts[r->n++] = (struct roc_point){ 0, 0, INFINITY };
	while (i < nneg || j < npos) {
		double t = i == nneg ? sp[j] : j == npos ? sn[i] : sn[i] > sp[j] ? sn[i] : sp[j];
		struct roc_point *last = &r->pts[r->n - 1], *p;

		while (i < nneg && sn[i] >= t)
			i++;
		while (j < npos && sp[j] >= t)
			j++;
		p = &r->pts[r->n++];
		p->threshold = t;
		p->fpr = nneg ? (double)i / (double)nneg : 0;
		p->tpr = npos ? (double)j / (double)npos : 0;
		area += (p->fpr - last->fpr) * (p->tpr + last->tpr) / 2;
	}
	r->auc = nneg && npos ? area : NAN;
	free(sn);
	free(sp);
}

double roc_detection_at(const struct roc *r, double fa, double *threshold, double *fpr)
{
	size_t i, best = 0;

	for (i = 0; i < r->n; i++)
		if (r->pts[i].fpr <= fa + 1e-12 && r->pts[i].tpr > r->pts[best].tpr)
			best = i;
	if (threshold)
		*threshold = r->pts[best].threshold;
	if (fpr)
		*fpr = r->pts[best].fpr;
	return r->pts[best].tpr;
}

void roc_free(struct roc *r)
{
	free(r->pts);
	memset(r, 0, sizeof(*r));
}
