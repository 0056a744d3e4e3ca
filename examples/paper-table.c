/* SPDX-License-Identifier: MIT */
/*
 * paper-table: the table of Forrest et al. 1996 for recorded traces. Trains
 * a lookahead-pair database on normal traces, scores test traces against it
 * and prints, for windows 5, 6 and 11: mismatches, the maximum possible, the
 * percentage, anomalous calls and the highest locality frame count (LFC).
 *
 *   paper-table [ADFA_DIR]        train on ADFA_DIR/Training_Data_Master,
 *                                 test Validation_Data_Master (normal) and
 *                                 Attack_Data_Master (attacks)
 *   paper-table TRAIN_FILE TEST_FILE
 *
 * Trace files hold decimal call numbers separated by white space (ADFA-LD).
 * An example for users of the library: it uses only <selfseq/selfseq.h>.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <selfseq/selfseq.h>

#define ALPHABET 1024	/* ADFA-LD numbers are i386 calls, all below 1024 */
#define LFC_FRAME 128	/* pH's locality frame */

struct trace { char *path; uint32_t *calls; size_t n; };
struct set { const char *name; struct trace *t; size_t n; };

static void *xrealloc(void *p, size_t size)
{
	if (!(p = realloc(p, size))) {
		fputs("paper-table: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* Read one trace file; bad input is reported as file:line and ends the program. */
static void read_trace(struct trace *t)
{
	FILE *f = fopen(t->path, "r");
	size_t cap = 0, line = 1, digits = 0;
	uint32_t v = 0;
	int c;

	if (!f) {
		fprintf(stderr, "%s: %s\n", t->path, strerror(errno));
		exit(1);
	}
	t->calls = NULL;
	t->n = 0;
	do {
		c = getc(f);
		if (c >= '0' && c <= '9') {
			v = v * 10 + (uint32_t)(c - '0');
			if (v >= ALPHABET) {
				fprintf(stderr, "%s:%zu: call number above %d\n", t->path, line,
					ALPHABET - 1);
				exit(1);
			}
			digits++;
			continue;
		}
		if (digits) {
			if (t->n == cap)
				t->calls = xrealloc(t->calls, (cap = cap ? cap * 2 : 1024) * 4);
			t->calls[t->n++] = v;
			v = 0;
			digits = 0;
		}
		line += c == '\n';
		if (c != EOF && !isspace(c)) {
			fprintf(stderr, "%s:%zu: unexpected byte 0x%02x\n", t->path, line, c);
			exit(1);
		}
	} while (c != EOF);
	fclose(f);
}

/* A set from the files matching @pattern (in name order), or from one file. */
static void load_set(struct set *s, const char *name, const char *pattern, int is_glob)
{
	glob_t g = { 0 };

	s->name = name;
	if (is_glob && glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr, "paper-table: no trace matches %s\n", pattern);
		exit(1);
	}
	s->n = is_glob ? g.gl_pathc : 1;
	s->t = xrealloc(NULL, s->n * sizeof(*s->t));
	for (size_t i = 0; i < s->n; i++) {
		s->t[i].path = strdup(is_glob ? g.gl_pathv[i] : pattern);
		read_trace(&s->t[i]);
	}
	globfree(&g);
}

static void free_set(struct set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->t[i].path);
		free(s->t[i].calls);
	}
	free(s->t);
}

static void check(int err, const char *what)
{
	if (err < 0) {
		fprintf(stderr, "paper-table: %s: %s\n", what, selfseq_strerror(err));
		exit(1);
	}
}

/* Score every trace of @s on its own and print the totals as one row. */
static void score_set(const struct selfseq_db *db, const struct set *s)
{
	struct selfseq_score_opts opts = { .sz = sizeof(opts), .lfc_frame = LFC_FRAME };
	uint64_t calls = 0, mism = 0, max = 0, anom = 0, ppm_sum = 0;
	uint32_t max_lfc = 0;
	size_t flagged = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct selfseq_score r = { .sz = sizeof(r) };

		check(selfseq_db_score(db, s->t[i].calls, s->t[i].n, &opts, &r), s->t[i].path);
		calls += r.calls;
		mism += r.mismatches;
		max += r.max_mismatches;
		anom += r.anomalous_calls;
		ppm_sum += r.ppm;
		flagged += r.anomalous_calls > 0;
		if (r.max_lfc > max_lfc)
			max_lfc = r.max_lfc;
	}
	printf("%6u  %-7s %6zu %8llu %10llu %10llu %6.2f %7.2f %9llu %7u %6zu %5.1f%%\n",
	       selfseq_db_get_window(db), s->name, s->n, (unsigned long long)calls,
	       (unsigned long long)mism, (unsigned long long)max,
	       max ? 100.0 * (double)mism / (double)max : 0.0,
	       s->n ? (double)ppm_sum / 1e4 / (double)s->n : 0.0, (unsigned long long)anom,
	       max_lfc, flagged, s->n ? 100.0 * (double)flagged / (double)s->n : 0.0);
}

int main(int argc, char **argv)
{
	static const uint32_t windows[] = { 5, 6, 11 };
	struct set train, test[2];
	size_t ntest = 2, i, w;
	uint64_t train_calls = 0;

	if (argc == 3) {
		load_set(&train, "train", argv[1], 0);
		load_set(&test[0], "test", argv[2], 0);
		ntest = 1;
	} else if (argc <= 2) {
		const char *dir = argc == 2 ? argv[1] : PAPER_TABLE_ADFA_DIR;
		char pat[3][4096];
		struct stat st;

		if (stat(dir, &st) != 0) {
			fprintf(stderr, "paper-table: no ADFA-LD in %s; unpack it with "
				"scripts/unpack-data.sh DEST (then DEST/ADFA-LD)\n", dir);
			return 77;
		}
		snprintf(pat[0], sizeof(pat[0]), "%s/Training_Data_Master/*.txt", dir);
		snprintf(pat[1], sizeof(pat[1]), "%s/Validation_Data_Master/*.txt", dir);
		snprintf(pat[2], sizeof(pat[2]), "%s/Attack_Data_Master/*/*.txt", dir);
		load_set(&train, "train", pat[0], 1);
		load_set(&test[0], "normal", pat[1], 1);
		load_set(&test[1], "attack", pat[2], 1);
	} else {
		fputs("usage: paper-table [ADFA_DIR] | paper-table TRAIN_FILE TEST_FILE\n", stderr);
		return 2;
	}
	for (i = 0; i < train.n; i++)
		train_calls += train.t[i].n;
	printf("Trained on %zu trace(s), %llu calls; LFC frame %d; %% = mismatches / max; "
	       "flagged = traces with an anomalous call.\n", train.n,
	       (unsigned long long)train_calls, LFC_FRAME);
	printf("window  set     traces    calls mismatches        max      %%  mean %%"
	       " anomalous max LFC  flagged\n");
	for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct selfseq_db_opts opts = { .sz = sizeof(opts), .window = windows[w],
						.alphabet = ALPHABET };
		struct selfseq_db *db;

		check(selfseq_db_new(&opts, &db), "selfseq_db_new");
		/* Each trace is added on its own: the start of a trace pairs with nothing. */
		for (i = 0; i < train.n; i++)
			check(selfseq_db_add(db, train.t[i].calls, train.t[i].n), train.t[i].path);
		for (i = 0; i < ntest; i++)
			score_set(db, &test[i]);
		selfseq_db_free(db);
	}
	free_set(&train);
	for (i = 0; i < ntest; i++)
		free_set(&test[i]);
	return 0;
}
