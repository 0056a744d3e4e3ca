/* SPDX-License-Identifier: MIT */
/*
 * selfseq evaluate's results, shared by the computation (cmd-evaluate.c)
 * and the report writer (eval-report.c).
 */
#ifndef SELFSEQ_CLI_EVAL_H
#define SELFSEQ_CLI_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "growth.h"
#include "roc.h"
#include "tracelist.h"

/* The three anomaly measures swept. */
enum { M_PERCENT, M_ANOMALOUS, M_LFC, M_COUNT };
extern const char *const eval_measure_names[M_COUNT];

#define EVAL_MAX_WINDOWS 31
#define EVAL_MAX_FA 16
#define EVAL_MAX_PUBLISHED 8
#define EVAL_MAX_PATHS 64

struct eval_set {
	const char *label;
	char *paths[EVAL_MAX_PATHS];
	int npaths;
	struct tracelist tl;
};

struct eval_window {
	uint32_t window;
	uint32_t pairs, distinct_calls;	/* the trained database */
	double *neg[M_COUNT];		/* held-out normal traces' scores */
	double *pos[M_COUNT];		/* attack traces' scores */
	struct roc roc[M_COUNT];
	struct roc *fam_roc;		/* [family * M_COUNT + measure] */
	struct growth growth;
};

struct eval_published {
	char label[128];
	double fa, det;			/* fractions */
};

struct eval {
	struct eval_set normal, test, attack;
	uint32_t windows[EVAL_MAX_WINDOWS];
	int nw;
	double fa[EVAL_MAX_FA];		/* operating points, fractions */
	int nfa;
	double family_fa;
	struct eval_published published[EVAL_MAX_PUBLISHED];
	int npublished;
	uint32_t lfc_frame;
	uint32_t arch;
	const char *title, *report, *plots, *prefix;
	char *command;			/* the command line, for the report */
	char **families;		/* sorted; attack traces without a directory: "(none)" */
	size_t nfam;
	size_t *fam_of;			/* attack trace -> family */
	size_t *fam_count;
	struct eval_window w[EVAL_MAX_WINDOWS];
};

/* Write the markdown report and its SVG plots; 0 or -1 after a message. */
int eval_report(const struct eval *ev);

#endif /* SELFSEQ_CLI_EVAL_H */
