/* SPDX-License-Identifier: MIT */
/*
 * selfseq evaluate's report: a markdown file with the tables, and SVG
 * plots (ROC curves per window, database growth) linked relative to it.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <selfseq/selfseq.h>

#include "cli.h"
#include "eval.h"
#include "svg.h"
#include "syscall-names.h"

static int mkdir_p(const char *dir)
{
	char *d = cli_strdup(dir), *p;
	int rc = 0;

	for (p = d + 1; *p && !rc; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(d, 0777) && errno != EEXIST)
				rc = -1;
			*p = '/';
		}
	if (!rc && mkdir(d, 0777) && errno != EEXIST)
		rc = -1;
	free(d);
	return rc;
}

/* @path relative to directory @from (both exist); a copy of @path if none is found. */
static char *relative_to(const char *from, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX], *out;
	size_t i = 0, common = 0, ups = 0, len;
	const char *p;

	if (!realpath(from, a) || !realpath(path, b))
		return cli_strdup(path);
	strcat(a, "/");
	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			common = i + 1;
		i++;
	}
	for (p = a + common; *p; p++)
		ups += *p == '/';
	len = ups * 3 + strlen(b + common) + 1;
	out = cli_malloc(len);
	out[0] = 0;
	while (ups--)
		strcat(out, "../");
	strcat(out, b + common);
	return out;
}

static char *dirname_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return cli_strdup(".");
	if (slash == path)
		return cli_strdup("/");
	d = cli_strdup(path);
	d[slash - path] = 0;
	return d;
}

static void pct(FILE *f, double v)
{
	if (isnan(v))
		fputs(" n/a |", f);
	else
		fprintf(f, " %.1f%% |", v * 100);
}

static void auc(FILE *f, double v, int bold)
{
	if (isnan(v))
		fputs(" n/a |", f);
	else
		fprintf(f, bold ? " **%.3f** |" : " %.3f |", v);
}

static int best_measure(const struct eval_window *w)
{
	int m, best = 0;

	for (m = 1; m < M_COUNT; m++)
		if (w->roc[m].auc > w->roc[best].auc)
			best = m;
	return best;
}

static void paths(FILE *f, const struct eval_set *s)
{
	int i;

	for (i = 0; i < s->npaths; i++)
		fprintf(f, "%s`%s`", i ? ", " : "", s->paths[i]);
}

static void report_data(FILE *f, const struct eval *ev)
{
	const struct eval_set *sets[3] = { &ev->normal, &ev->test, &ev->attack };
	size_t i;
	int k;

	fprintf(f, "## Data\n\n| set | traces | calls | from |\n|---|---:|---:|---|\n");
	for (k = 0; k < 3; k++) {
		fprintf(f, "| %s | %zu | %llu | ", sets[k]->label, sets[k]->tl.n,
			(unsigned long long)sets[k]->tl.calls);
		paths(f, sets[k]);
		fputs(" |\n", f);
	}
	fprintf(f, "\nCall numbering: %s.",
		ev->arch ? ss_arch_name(ev->arch) : "raw numbers (no architecture)");
	if (ev->nfam > 1 || (ev->nfam == 1 && strcmp(ev->families[0], "(none)"))) {
		fputs(" Attack families:", f);
		for (i = 0; i < ev->nfam; i++)
			fprintf(f, "%s %s (%zu)", i ? "," : "", ev->families[i], ev->fam_count[i]);
		fputc('.', f);
	}
	fputs("\n\n", f);
}

static void report_method(FILE *f, const struct eval *ev)
{
	fprintf(f,
		"## Method\n\n"
		"For each window a database of lookahead pairs is trained on every normal trace; "
		"each held-out normal and attack trace is then scored against it with three "
		"measures: **%% mismatches** (missing pairs over the most a trace of that length "
		"can miss, Forrest et al. 1996), **anomalous calls** (calls with at least one "
		"missing pair) and **max LFC** (the most anomalous calls among any %u consecutive "
		"calls, pH's locality frame count). A trace raises an alarm when its score is at or "
		"above a threshold, swept over every observed score. AUC is the area under the "
		"ROC curve (ties count half). *Detection at x%% FA* is the best detection rate "
		"over the thresholds whose false-alarm rate on the held-out normal traces is at "
		"most x%% (no interpolation between thresholds).\n\n",
		ev->lfc_frame);
}

static void report_results(FILE *f, const struct eval *ev, const char *plot_rel)
{
	int i, m, k;

	fputs("## Results\n\n| window | measure | AUC |", f);
	for (k = 0; k < ev->nfa; k++)
		fprintf(f, " det @ %g%% FA |", ev->fa[k] * 100);
	fputs("\n|---:|---|---:|", f);
	for (k = 0; k < ev->nfa; k++)
		fputs("---:|", f);
	fputc('\n', f);
	for (i = 0; i < ev->nw; i++) {
		const struct eval_window *w = &ev->w[i];
		int best = best_measure(w);

		for (m = 0; m < M_COUNT; m++) {
			fprintf(f, "| %u | %s |", w->window, eval_measure_names[m]);
			auc(f, w->roc[m].auc, m == best);
			for (k = 0; k < ev->nfa; k++)
				pct(f, roc_detection_at(&w->roc[m], ev->fa[k], NULL, NULL));
			fputc('\n', f);
		}
	}
	fputs("\nThe best AUC of each window is in bold.\n\n", f);
	{
		int bi = 0, bm = 0;
		double mean[M_COUNT] = { 0 };

		for (i = 0; i < ev->nw; i++)
			for (m = 0; m < M_COUNT; m++) {
				mean[m] += ev->w[i].roc[m].auc / ev->nw;
				if (ev->w[i].roc[m].auc > ev->w[bi].roc[bm].auc)
					bi = i, bm = m;
			}
		fprintf(f, "Best overall: window %u with %s (AUC %.3f). Mean AUC over the windows: ",
			ev->w[bi].window, eval_measure_names[bm], ev->w[bi].roc[bm].auc);
		for (m = 0; m < M_COUNT; m++)
			fprintf(f, "%s%s %.3f", m ? ", " : "", eval_measure_names[m], mean[m]);
		fputs(".\n\n", f);
	}
	for (i = 0; i < ev->nw; i++)
		fprintf(f, "![ROC curves, window %u](%s/%sroc-w%u.svg)\n", ev->w[i].window, plot_rel,
			ev->prefix, ev->w[i].window);
	fputc('\n', f);
}

static void report_families(FILE *f, const struct eval *ev)
{
	size_t fam;
	int i, m;

	if (ev->nfam < 2)
		return;
	fprintf(f, "## Per attack family\n\nAUC of each measure, and detection at %g%% false "
		   "alarms (the threshold chosen on all held-out normal traces).\n\n",
		ev->family_fa * 100);
	for (i = 0; i < ev->nw; i++) {
		const struct eval_window *w = &ev->w[i];

		fprintf(f, "### Window %u\n\n| family | traces |", w->window);
		for (m = 0; m < M_COUNT; m++)
			fprintf(f, " AUC %s |", eval_measure_names[m]);
		for (m = 0; m < M_COUNT; m++)
			fprintf(f, " det %s |", eval_measure_names[m]);
		fputs("\n|---|---:|", f);
		for (m = 0; m < 2 * M_COUNT; m++)
			fputs("---:|", f);
		fputc('\n', f);
		for (fam = 0; fam < ev->nfam; fam++) {
			fprintf(f, "| %s | %zu |", ev->families[fam], ev->fam_count[fam]);
			for (m = 0; m < M_COUNT; m++)
				auc(f, w->fam_roc[fam * M_COUNT + m].auc, 0);
			for (m = 0; m < M_COUNT; m++)
				pct(f, roc_detection_at(&w->fam_roc[fam * M_COUNT + m], ev->family_fa,
							NULL, NULL));
			fputc('\n', f);
		}
		fputc('\n', f);
	}
}

static void report_published(FILE *f, const struct eval *ev)
{
	int p, i, m;

	if (!ev->npublished)
		return;
	fputs("## Against published results\n\n"
	      "| published detector | false alarms | its detection | best here (window, measure) "
	      "| detection here |\n|---|---:|---:|---|---:|\n", f);
	for (p = 0; p < ev->npublished; p++) {
		const struct eval_published *pub = &ev->published[p];
		double best = -1, fpr = 0;
		int bi = 0, bm = 0;

		for (i = 0; i < ev->nw; i++)
			for (m = 0; m < M_COUNT; m++) {
				double fa, d = roc_detection_at(&ev->w[i].roc[m], pub->fa, NULL, &fa);

				if (d > best)
					best = d, bi = i, bm = m, fpr = fa;
			}
		fprintf(f, "| %s | %g%% | %g%% | %u, %s (at %.1f%% false alarms) | %.1f%% (%+.1f points) |\n",
			pub->label, pub->fa * 100, pub->det * 100, ev->w[bi].window,
			eval_measure_names[bm], fpr * 100, best * 100, (best - pub->det) * 100);
	}
	fputs("\nThe best of every window and measure is picked on the same held-out data it is "
	      "reported on, which flatters it slightly.\n\n", f);
}

static double share_zero(const double *v, size_t n)
{
	size_t i, z = 0;

	for (i = 0; i < n; i++)
		z += v[i] == 0;
	return n ? (double)z / (double)n : NAN;
}

static void report_growth(FILE *f, const struct eval *ev, const char *plot_rel)
{
	int i;

	fprintf(f, "## Database growth\n\nDistinct lookahead pairs against calls seen while "
		   "training on the normal traces in order (Forrest et al. 1996, Figure 1), and "
		   "the share of traces that miss no pair at all (no threshold can flag them).\n\n"
		   "| window | pairs | distinct calls | calls trained | held-out normal without a "
		   "miss | attacks without a miss |\n|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < ev->nw; i++) {
		fprintf(f, "| %u | %u | %u | %llu |", ev->w[i].window, ev->w[i].pairs,
			ev->w[i].distinct_calls, (unsigned long long)ev->normal.tl.calls);
		pct(f, share_zero(ev->w[i].neg[M_PERCENT], ev->test.tl.n));
		pct(f, share_zero(ev->w[i].pos[M_PERCENT], ev->attack.tl.n));
		fputc('\n', f);
	}
	fprintf(f, "\n![Database growth](%s/%sgrowth.svg)\n", plot_rel, ev->prefix);
}

static int write_plots(const struct eval *ev, const char *dir)
{
	struct svg_series s[EVAL_MAX_WINDOWS > M_COUNT ? EVAL_MAX_WINDOWS : M_COUNT];
	char path[PATH_MAX], title[256], labels[EVAL_MAX_WINDOWS][64];
	double *xs[M_COUNT], *ys[M_COUNT];
	int i, m;

	for (i = 0; i < ev->nw; i++) {
		const struct eval_window *w = &ev->w[i];
		struct svg_plot plot = {
			.title = title, .xlabel = "false-alarm rate (held-out normal traces)",
			.ylabel = "detection rate (attack traces)", .xmax = 1, .ymax = 1,
			.diagonal = 1, .xmarks = ev->fa, .nxmarks = (size_t)ev->nfa,
		};
		size_t j;
		int rc;

		snprintf(title, sizeof(title), "%s: ROC, window %u", ev->title, w->window);
		for (m = 0; m < M_COUNT; m++) {
			xs[m] = cli_malloc(w->roc[m].n * sizeof(double));
			ys[m] = cli_malloc(w->roc[m].n * sizeof(double));
			for (j = 0; j < w->roc[m].n; j++) {
				xs[m][j] = w->roc[m].pts[j].fpr;
				ys[m][j] = w->roc[m].pts[j].tpr;
			}
			snprintf(labels[m], sizeof(labels[m]), "%s (AUC %.3f)", eval_measure_names[m],
				 w->roc[m].auc);
			s[m] = (struct svg_series){ .label = labels[m], .x = xs[m], .y = ys[m],
						    .n = w->roc[m].n };
		}
		snprintf(path, sizeof(path), "%s/%sroc-w%u.svg", dir, ev->prefix, w->window);
		rc = svg_write(path, &plot, s, M_COUNT);
		for (m = 0; m < M_COUNT; m++) {
			free(xs[m]);
			free(ys[m]);
		}
		if (rc) {
			cli_error("%s: %s", path, strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < ev->nw; i++) {
		snprintf(labels[i], sizeof(labels[i]), "window %u", ev->w[i].window);
		s[i] = (struct svg_series){ .label = labels[i], .x = ev->w[i].growth.calls,
					    .y = ev->w[i].growth.pairs, .n = ev->w[i].growth.n };
	}
	snprintf(title, sizeof(title), "%s: database growth", ev->title);
	snprintf(path, sizeof(path), "%s/%sgrowth.svg", dir, ev->prefix);
	{
		struct svg_plot plot = { .title = title, .xlabel = "system calls seen (normal traces)",
					 .ylabel = "distinct lookahead pairs" };

		if (svg_write(path, &plot, s, (size_t)ev->nw)) {
			cli_error("%s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int eval_report(const struct eval *ev)
{
	char *report_dir = dirname_of(ev->report), *plots, *plot_rel;
	size_t len = strlen(ev->report);
	uint32_t v = selfseq_version();
	FILE *f;
	int rc = -1;

	if (ev->plots) {
		plots = cli_strdup(ev->plots);
	} else {
		plots = cli_strdup(ev->report);
		if (len > 3 && !strcmp(plots + len - 3, ".md"))
			plots[len - 3] = 0;
		else
			strcat(plots = cli_realloc(plots, len + 8), ".plots");
	}
	if (mkdir_p(plots)) {
		cli_error("%s: %s", plots, strerror(errno));
		goto out_dirs;
	}
	if (write_plots(ev, plots))
		goto out_dirs;
	plot_rel = relative_to(report_dir, plots);
	f = fopen(ev->report, "w");
	if (!f) {
		cli_error("%s: %s", ev->report, strerror(errno));
		goto out;
	}
	fprintf(f, "# %s\n\nProduced by `selfseq evaluate` (libselfseq %u.%u.%u):\n\n    %s\n\n",
		ev->title, v >> 16, (v >> 8) & 0xff, v & 0xff, ev->command);
	report_data(f, ev);
	report_method(f, ev);
	report_results(f, ev, plot_rel);
	report_families(f, ev);
	report_published(f, ev);
	report_growth(f, ev, plot_rel);
	if (ferror(f) | fclose(f)) {
		cli_error("%s: cannot write the report", ev->report);
		goto out;
	}
	rc = 0;
out:
	free(plot_rel);
out_dirs:
	free(plots);
	free(report_dir);
	return rc;
}
