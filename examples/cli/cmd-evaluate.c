/* SPDX-License-Identifier: MIT */
/*
 * selfseq evaluate: the papers' experiment on labelled traces. For each
 * window, train a pair database on the normal traces, score the held-out
 * normal and the attack traces, and sweep an alarm threshold over three
 * measures: % mismatches (the paper's), anomalous calls, maximum LFC
 * (pH's). Reports ROC AUC, detection at fixed false-alarm rates, per
 * attack family, and the growth curve; eval-report.c writes it out.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eval.h"
#include "input.h"
#include "progress.h"

const char *const eval_measure_names[M_COUNT] = {
	[M_PERCENT] = "% mismatches",
	[M_ANOMALOUS] = "anomalous calls",
	[M_LFC] = "max LFC",
};

static void evaluate_usage(FILE *f)
{
	fprintf(f,
		"Usage: selfseq evaluate [OPTION]... --normal PATH --test-normal PATH --attack PATH\n"
		"Train on normal traces, score held-out normal and attack traces, and report\n"
		"ROC AUC and detection rates for %% mismatches, anomalous calls and max LFC.\n"
		"Attack traces in subdirectories are grouped into families by directory name\n"
		"(a trailing _N is dropped). Each PATH option may be given several times.\n"
		"\n"
		"      --normal PATH       training traces (normal behaviour)\n"
		"      --test-normal PATH  held-out normal traces (false alarms)\n"
		"      --attack PATH       attack traces (detections)\n"
		"  -w, --window LIST       window sizes (default 5,6,9,11)\n"
		"      --fa LIST           false-alarm rates in percent to report (default 1,5,10)\n"
		"      --family-fa PCT     false-alarm rate of the per-family table (default 10)\n"
		"      --published TEXT    a published result 'LABEL:FA%%:DETECTION%%' to compare with\n"
		"  -l, --lfc-frame N       locality frame for max LFC (default 128)\n"
		"  -o, --output REPORT     markdown report (default evaluation.md)\n"
		"      --plots DIR         directory of the SVG plots (default: REPORT without .md)\n"
		"      --prefix TEXT       prefix of the plot file names\n"
		"      --title TEXT        title of the report\n"
		"  -f, --format FORMAT     auto, unm, adfa, strace or names (default auto)\n"
		"  -a, --arch ARCH         numbering of the calls: x86_64, i386, aarch64, ... or none\n"
		"      --on-error ACTION   malformed input: fail (default) or skip\n"
		"  -q, --quiet             no progress line\n"
		"  -h, --help              this help\n");
}

enum {
	OPT_NORMAL = 0x200, OPT_TEST, OPT_ATTACK, OPT_FA, OPT_FAMILY_FA, OPT_PUBLISHED,
	OPT_PLOTS, OPT_PREFIX, OPT_TITLE,
};

static int add_path(struct eval_set *s, char *path)
{
	if (s->npaths == EVAL_MAX_PATHS) {
		cli_error("at most %d paths per set", EVAL_MAX_PATHS);
		return -1;
	}
	s->paths[s->npaths++] = path;
	return 0;
}

static int parse_published(struct eval *ev, const char *arg)
{
	struct eval_published *p;
	const char *c2 = strrchr(arg, ':'), *c1;
	char *end;

	if (ev->npublished == EVAL_MAX_PUBLISHED) {
		cli_error("at most %d --published results", EVAL_MAX_PUBLISHED);
		return -1;
	}
	p = &ev->published[ev->npublished];
	for (c1 = c2 ? c2 - 1 : NULL; c1 && c1 >= arg && *c1 != ':'; c1--)
		;
	if (!c2 || !c1 || c1 < arg || c1 == arg || (size_t)(c1 - arg) >= sizeof(p->label))
		goto bad;
	memcpy(p->label, arg, (size_t)(c1 - arg));
	p->label[c1 - arg] = 0;
	p->fa = strtod(c1 + 1, &end) / 100;
	if (end != c2 || p->fa < 0 || p->fa > 1)
		goto bad;
	p->det = strtod(c2 + 1, &end) / 100;
	if (*end || c2[1] == 0 || p->det < 0 || p->det > 1)
		goto bad;
	ev->npublished++;
	return 0;
bad:
	cli_error("--published takes 'LABEL:FA%%:DETECTION%%', e.g. 'Creech & Hu 2014:15:90', "
		  "not '%s'", arg);
	return -1;
}

static int parse_fa(const char *arg, double *out, int max)
{
	uint32_t v[EVAL_MAX_FA];
	int i, n = cli_parse_list(arg, 0, 100, "--fa", v, max);

	for (i = 0; i < n; i++)
		out[i] = v[i] / 100.0;
	return n;
}

static char *join_args(int argc, char **argv)
{
	size_t len = 16;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 3;
	s = cli_malloc(len);
	strcpy(s, "selfseq");
	for (i = 0; i < argc; i++) {
		int quote = strpbrk(argv[i], " &|;'\"$") != NULL;

		strcat(s, quote ? " '" : " ");
		strcat(s, argv[i]);
		if (quote)
			strcat(s, "'");
	}
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Family index of every attack trace; traces outside subdirectories form "(none)". */
static void eval_families(struct eval *ev)
{
	const struct tracelist *tl = &ev->attack.tl;
	size_t i, j;

	ev->fam_of = cli_calloc(tl->n, sizeof(*ev->fam_of));
	ev->families = cli_calloc(tl->n + 1, sizeof(*ev->families));
	for (i = 0; i < tl->n; i++) {
		const char *f = tl->v[i].family ? tl->v[i].family : "(none)";

		for (j = 0; j < ev->nfam && strcmp(ev->families[j], f); j++)
			;
		if (j == ev->nfam)
			ev->families[ev->nfam++] = cli_strdup(f);
	}
	qsort(ev->families, ev->nfam, sizeof(*ev->families), cmp_str);
	ev->fam_count = cli_calloc(ev->nfam + 1, sizeof(*ev->fam_count));
	for (i = 0; i < tl->n; i++) {
		const char *f = tl->v[i].family ? tl->v[i].family : "(none)";

		for (j = 0; strcmp(ev->families[j], f); j++)
			;
		ev->fam_of[i] = j;
		ev->fam_count[j]++;
	}
}

static int score_set(const struct selfseq_db *db, const struct tracelist *tl, uint32_t frame,
		     uint8_t **misses, size_t *cap, double *out[M_COUNT])
{
	size_t i;
	int m;

	for (m = 0; m < M_COUNT; m++)
		out[m] = cli_calloc(tl->n, sizeof(double));
	for (i = 0; i < tl->n; i++) {
		struct selfseq_score s;
		uint32_t max_lfc;
		int err = cli_score(db, tl->v[i].calls, tl->v[i].n, frame, misses, cap, &s, &max_lfc);

		if (err) {
			cli_error("%s: cannot score: %s", tl->v[i].name, selfseq_strerror(err));
			return -1;
		}
		out[M_PERCENT][i] =
			s.max_mismatches ? 100.0 * (double)s.mismatches / (double)s.max_mismatches : 0;
		out[M_ANOMALOUS][i] = (double)s.anomalous_calls;
		out[M_LFC][i] = (double)max_lfc;
		progress_calls(tl->v[i].n);
	}
	return 0;
}

static int eval_window(struct eval *ev, struct eval_window *w, uint32_t alphabet)
{
	struct selfseq_db_opts o = { .sz = sizeof(o), .window = w->window, .alphabet = alphabet };
	const struct tracelist *atl = &ev->attack.tl;
	struct selfseq_db *db = NULL;
	uint8_t *misses = NULL;
	size_t cap = 0, i, f;
	double *sub;
	char phase[64];
	int m, rc = -1, err;

	snprintf(phase, sizeof(phase), "window %u", w->window);
	progress_phase(phase);
	err = selfseq_db_new(&o, &db);
	for (i = 0; i < ev->normal.tl.n && !err; i++)
		err = selfseq_db_add(db, ev->normal.tl.v[i].calls, ev->normal.tl.v[i].n);
	if (!err)
		err = growth_compute(&ev->normal.tl, w->window, alphabet, 400, &w->growth);
	if (err) {
		cli_error("window %u: %s", w->window, selfseq_strerror(err));
		goto out;
	}
	w->pairs = selfseq_db_get_pairs(db);
	w->distinct_calls = selfseq_db_get_calls(db);
	if (score_set(db, &ev->test.tl, ev->lfc_frame, &misses, &cap, w->neg) ||
	    score_set(db, atl, ev->lfc_frame, &misses, &cap, w->pos))
		goto out;
	for (m = 0; m < M_COUNT; m++)
		roc_compute(w->neg[m], ev->test.tl.n, w->pos[m], atl->n, &w->roc[m]);
	w->fam_roc = cli_calloc(ev->nfam * M_COUNT + 1, sizeof(*w->fam_roc));
	sub = cli_calloc(atl->n + 1, sizeof(*sub));
	for (f = 0; f < ev->nfam; f++)
		for (m = 0; m < M_COUNT; m++) {
			size_t n = 0;

			for (i = 0; i < atl->n; i++)
				if (ev->fam_of[i] == f)
					sub[n++] = w->pos[m][i];
			roc_compute(w->neg[m], ev->test.tl.n, sub, n, &w->fam_roc[f * M_COUNT + m]);
		}
	free(sub);
	rc = 0;
out:
	free(misses);
	selfseq_db_free(db);
	return rc;
}

static int read_set(struct eval_set *s, struct input_opts *in)
{
	int rc;

	progress_phase(s->label);
	rc = input_read(s->paths, s->npaths, in, tracelist_add, &s->tl);
	if (!rc && !s->tl.n) {
		cli_error("no %s traces in %s%s", s->label, s->paths[0], s->npaths > 1 ? " ..." : "");
		rc = CLI_EXIT_INPUT;
	}
	return rc;
}

static void eval_free(struct eval *ev)
{
	size_t f;
	int i, m;

	for (i = 0; i < ev->nw; i++) {
		struct eval_window *w = &ev->w[i];

		for (m = 0; m < M_COUNT; m++) {
			free(w->neg[m]);
			free(w->pos[m]);
			roc_free(&w->roc[m]);
		}
		if (w->fam_roc)
			for (f = 0; f < ev->nfam * M_COUNT; f++)
				roc_free(&w->fam_roc[f]);
		free(w->fam_roc);
		growth_free(&w->growth);
	}
	for (f = 0; f < ev->nfam; f++)
		free(ev->families[f]);
	free(ev->families);
	free(ev->fam_of);
	free(ev->fam_count);
	free(ev->command);
	tracelist_free(&ev->normal.tl);
	tracelist_free(&ev->test.tl);
	tracelist_free(&ev->attack.tl);
}

/* The summary on stdout: AUC per window and measure. */
static void eval_print(const struct eval *ev)
{
	int i, m, k;

	printf("window\tmeasure\tauc");
	for (k = 0; k < ev->nfa; k++)
		printf("\tdet@%g%%", ev->fa[k] * 100);
	putchar('\n');
	for (i = 0; i < ev->nw; i++)
		for (m = 0; m < M_COUNT; m++) {
			printf("%u\t%s\t%.4f", ev->w[i].window, eval_measure_names[m],
			       ev->w[i].roc[m].auc);
			for (k = 0; k < ev->nfa; k++)
				printf("\t%.4f",
				       roc_detection_at(&ev->w[i].roc[m], ev->fa[k], NULL, NULL));
			putchar('\n');
		}
}

int cmd_evaluate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "normal", required_argument, NULL, OPT_NORMAL },
		{ "test-normal", required_argument, NULL, OPT_TEST },
		{ "attack", required_argument, NULL, OPT_ATTACK },
		{ "window", required_argument, NULL, 'w' },
		{ "fa", required_argument, NULL, OPT_FA },
		{ "family-fa", required_argument, NULL, OPT_FAMILY_FA },
		{ "published", required_argument, NULL, OPT_PUBLISHED },
		{ "lfc-frame", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "plots", required_argument, NULL, OPT_PLOTS },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "help", no_argument, NULL, 'h' },
		INPUT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static struct eval ev;
	struct input_opts in;
	uint32_t v;
	int opt, i, rc;

	memset(&ev, 0, sizeof(ev));
	ev.normal.label = "normal";
	ev.test.label = "held-out normal";
	ev.attack.label = "attack";
	ev.windows[0] = 5, ev.windows[1] = 6, ev.windows[2] = 9, ev.windows[3] = 11;
	ev.nw = 4;
	ev.fa[0] = 0.01, ev.fa[1] = 0.05, ev.fa[2] = 0.10;
	ev.nfa = 3;
	ev.family_fa = 0.10;
	ev.lfc_frame = SELFSEQ_DEFAULT_LFC_FRAME;
	ev.report = "evaluation.md";
	ev.prefix = "";
	ev.title = "Evaluation";
	input_opts_init(&in);
	while ((opt = getopt_long(argc, argv, "w:l:o:h" INPUT_SHORTOPTS, longopts, NULL)) != -1) {
		int r = input_option(opt, optarg, &in);

		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r)
			continue;
		switch (opt) {
		case OPT_NORMAL:
			r = add_path(&ev.normal, optarg);
			break;
		case OPT_TEST:
			r = add_path(&ev.test, optarg);
			break;
		case OPT_ATTACK:
			r = add_path(&ev.attack, optarg);
			break;
		case 'w':
			ev.nw = cli_parse_list(optarg, SELFSEQ_WINDOW_MIN, SELFSEQ_WINDOW_MAX,
					       "--window", ev.windows, EVAL_MAX_WINDOWS);
			r = ev.nw < 0 ? -1 : 0;
			break;
		case OPT_FA:
			ev.nfa = parse_fa(optarg, ev.fa, EVAL_MAX_FA);
			r = ev.nfa < 0 ? -1 : 0;
			break;
		case OPT_FAMILY_FA:
			r = cli_parse_u32(optarg, 0, 100, "--family-fa", &v);
			ev.family_fa = v / 100.0;
			break;
		case OPT_PUBLISHED:
			r = parse_published(&ev, optarg);
			break;
		case 'l':
			r = cli_parse_u32(optarg, 1, SELFSEQ_LFC_FRAME_MAX, "--lfc-frame",
					  &ev.lfc_frame);
			break;
		case 'o':
			ev.report = optarg;
			break;
		case OPT_PLOTS:
			ev.plots = optarg;
			break;
		case OPT_PREFIX:
			ev.prefix = optarg;
			break;
		case OPT_TITLE:
			ev.title = optarg;
			break;
		case 'h':
			evaluate_usage(stdout);
			return CLI_EXIT_OK;
		default:
			evaluate_usage(stderr);
			return CLI_EXIT_USAGE;
		}
		if (r)
			return CLI_EXIT_USAGE;
	}
	if (!ev.normal.npaths || !ev.test.npaths || !ev.attack.npaths || optind != argc) {
		cli_error(optind != argc ? "evaluate takes its traces through --normal, --test-normal "
					   "and --attack" :
					   "evaluate needs --normal, --test-normal and --attack");
		evaluate_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	ev.command = join_args(argc, argv);
	rc = read_set(&ev.normal, &in);
	if (!rc)
		rc = read_set(&ev.test, &in);
	if (!rc)
		rc = read_set(&ev.attack, &in);
	ev.arch = in.arch_known ? in.arch : 0;
	if (!rc) {
		eval_families(&ev);
		progress_start(in.progress);
		for (i = 0; i < ev.nw && !rc; i++) {
			ev.w[i].window = ev.windows[i];
			if (eval_window(&ev, &ev.w[i], in.alphabet))
				rc = CLI_EXIT_SYSTEM;
		}
		progress_stop();
	}
	if (!rc) {
		eval_print(&ev);
		if (eval_report(&ev))
			rc = CLI_EXIT_SYSTEM;
	}
	eval_free(&ev);
	return rc;
}
