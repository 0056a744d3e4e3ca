/* SPDX-License-Identifier: MIT */
/*
 * selfseq-score-traces: the C baseline for bench/python-score.py. Reads two
 * directories of ADFA-LD trace files (one trace per file, files in name
 * order), trains a database on the first, then times scoring every trace of
 * the second one by one with selfseq_db_score(), keeping each result, which
 * is exactly the work `[db.score(t, lfc_frame=F) for t in traces]` does
 * from Python. Prints one line a script can read:
 *
 *   traces=4372 calls=2122085 mismatches=151893 anomalous=79362 max_lfc_sum=123 \
 *     wall_ms=12.3 cpu_ms=12.1
 *
 * The times are the best of -r repetitions (CLOCK_MONOTONIC and
 * CLOCK_PROCESS_CPUTIME_ID); the sums let the caller check that both sides
 * computed the same scores.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <selfseq/selfseq.h>

#include "trace-file.h"

struct trace {
	uint32_t *calls;
	size_t n;
};

struct traces {
	struct trace *t;
	size_t n;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of @dir, in name order; exits with a message on error. */
static struct traces read_dir(const char *dir, uint32_t alphabet)
{
	struct traces out = { 0 };
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		exit(1);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				fputs("out of memory\n", stderr);
				exit(1);
			}
		}
		names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[n]) {
			fputs("out of memory\n", stderr);
			exit(1);
		}
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	out.t = calloc(n ? n : 1, sizeof(*out.t));
	if (!out.t) {
		fputs("out of memory\n", stderr);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		if (trace_file_read(names[i], alphabet, &out.t[i].calls, &out.t[i].n))
			exit(1);
		free(names[i]);
	}
	free(names);
	out.n = n;
	return out;
}

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void usage(void)
{
	fputs("usage: selfseq-score-traces [-w WINDOW] [-l LFC_FRAME] [-r REPS] TRAIN_DIR "
	      "TEST_DIR\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t window = 6, frame = 128, alphabet = 1024;
	unsigned reps = 5, r;
	double best_wall = 1e300, best_cpu = 1e300;
	struct traces train, test;
	struct selfseq_score *scores;
	struct selfseq_db *db;
	uint64_t calls = 0, mism = 0, anom = 0, lfc = 0;
	size_t i;
	int c, err;

	while ((c = getopt(argc, argv, "w:l:r:")) != -1) {
		switch (c) {
		case 'w':
			window = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'l':
			frame = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			reps = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 || reps == 0)
		usage();
	train = read_dir(argv[optind], alphabet);
	test = read_dir(argv[optind + 1], alphabet);

	{
		struct selfseq_db_opts o = { .sz = sizeof(o), .window = window,
					     .alphabet = alphabet };

		err = selfseq_db_new(&o, &db);
		for (i = 0; !err && i < train.n; i++)
			err = selfseq_db_add(db, train.t[i].calls, train.t[i].n);
		if (err) {
			fprintf(stderr, "training: %s\n", selfseq_strerror(err));
			return 1;
		}
	}
	scores = calloc(test.n ? test.n : 1, sizeof(*scores));
	if (!scores) {
		fputs("out of memory\n", stderr);
		return 1;
	}
	for (r = 0; r < reps; r++) {
		struct selfseq_score_opts so = { .sz = sizeof(so), .lfc_frame = frame };
		double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);

		for (i = 0; i < test.n; i++) {
			scores[i].sz = sizeof(scores[i]);
			err = selfseq_db_score(db, test.t[i].calls, test.t[i].n, &so, &scores[i]);
			if (err) {
				fprintf(stderr, "scoring: %s\n", selfseq_strerror(err));
				return 1;
			}
		}
		w0 = clock_ms(CLOCK_MONOTONIC) - w0;
		c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if (w0 < best_wall)
			best_wall = w0;
		if (c0 < best_cpu)
			best_cpu = c0;
	}
	for (i = 0; i < test.n; i++) {
		calls += scores[i].calls;
		mism += scores[i].mismatches;
		anom += scores[i].anomalous_calls;
		lfc += scores[i].max_lfc;
	}
	printf("traces=%zu calls=%llu mismatches=%llu anomalous=%llu max_lfc_sum=%llu "
	       "wall_ms=%.2f cpu_ms=%.2f\n", test.n, (unsigned long long)calls,
	       (unsigned long long)mism, (unsigned long long)anom, (unsigned long long)lfc,
	       best_wall, best_cpu);
	selfseq_db_free(db);
	for (i = 0; i < train.n; i++)
		free(train.t[i].calls);
	for (i = 0; i < test.n; i++)
		free(test.t[i].calls);
	free(train.t);
	free(test.t);
	free(scores);
	return 0;
}
