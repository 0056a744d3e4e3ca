/* SPDX-License-Identifier: MIT */
/*
 * selfseq-bench: how fast libselfseq trains and scores, and how much memory
 * a database takes. Reads one trace file (whitespace-separated call numbers,
 * the ADFA-LD format), then for each window size trains a database on the
 * whole trace and scores the trace against it, and prints one line a script
 * can read:
 *
 *   window=9 calls=2122085 pairs=33739 train_ns=3.4 score_ns=1.8 bytes=36376
 *
 * ns are per call, the best of -r repetitions (monotonic clock); bytes is
 * selfseq_db_get_memory(). Then one line for the memory of a database
 * trained on a synthetic trace of exactly 100 distinct calls at window 9:
 *
 *   distinct=100 window=9 bytes=13176
 *
 * --baseline adds the same lines with `impl=naive` for a pH-style plain
 * implementation (naive.c), after checking that both count the same pairs
 * and mismatches.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <selfseq/selfseq.h>

#include "naive.h"
#include "trace-file.h"

#define MAX_WINDOWS 32

struct bench {
	const uint32_t *calls;
	size_t n;
	uint32_t alphabet;
	unsigned reps;
};

struct result {
	uint64_t pairs;
	double train_ns, score_ns;	/* best per call */
	size_t bytes;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die_err(const char *what, int err)
{
	fprintf(stderr, "selfseq-bench: %s: %s\n", what, selfseq_strerror(err));
	exit(1);
}

static struct selfseq_db *lib_train(uint32_t window, uint32_t alphabet, const uint32_t *calls,
				    size_t n)
{
	struct selfseq_db_opts o = { .sz = sizeof(o), .window = window, .alphabet = alphabet };
	struct selfseq_db *db;
	int err = selfseq_db_new(&o, &db);

	if (err)
		die_err("selfseq_db_new", err);
	err = selfseq_db_add(db, calls, n);
	if (err)
		die_err("selfseq_db_add", err);
	return db;
}

static uint64_t lib_score(const struct selfseq_db *db, const uint32_t *calls, size_t n,
			  uint64_t *anomalous)
{
	struct selfseq_score s = { .sz = sizeof(s) };
	int err = selfseq_db_score(db, calls, n, NULL, &s);

	if (err)
		die_err("selfseq_db_score", err);
	*anomalous = s.anomalous_calls;
	return s.mismatches;
}

static struct result bench_lib(const struct bench *b, uint32_t window)
{
	struct result r = { .train_ns = 1e30, .score_ns = 1e30 };
	uint64_t anom;

	for (unsigned i = 0; i < b->reps; i++) {
		double t0 = now_ns(), t1;
		struct selfseq_db *db = lib_train(window, b->alphabet, b->calls, b->n);

		t1 = now_ns();
		if (t1 - t0 < r.train_ns)
			r.train_ns = t1 - t0;
		t0 = now_ns();
		if (lib_score(db, b->calls, b->n, &anom) != 0) {
			fprintf(stderr, "selfseq-bench: a trained trace has mismatches\n");
			exit(1);
		}
		t1 = now_ns();
		if (t1 - t0 < r.score_ns)
			r.score_ns = t1 - t0;
		r.pairs = selfseq_db_get_pairs(db);
		r.bytes = selfseq_db_get_memory(db);
		selfseq_db_free(db);
	}
	return r;
}

static struct naive_db *naive_trained(uint32_t window, uint32_t alphabet, const uint32_t *calls,
				      size_t n)
{
	struct naive_db *db = naive_new(window, alphabet);

	if (!db || naive_train(db, calls, n)) {
		fprintf(stderr, "selfseq-bench: naive: out of memory or window %u too large\n",
			window);
		exit(1);
	}
	return db;
}

static struct result bench_naive(const struct bench *b, uint32_t window)
{
	struct result r = { .train_ns = 1e30, .score_ns = 1e30 };
	uint64_t anom;

	for (unsigned i = 0; i < b->reps; i++) {
		double t0 = now_ns(), t1;
		struct naive_db *db = naive_trained(window, b->alphabet, b->calls, b->n);

		t1 = now_ns();
		if (t1 - t0 < r.train_ns)
			r.train_ns = t1 - t0;
		t0 = now_ns();
		if (naive_score(db, b->calls, b->n, &anom) != 0) {
			fprintf(stderr, "selfseq-bench: naive: a trained trace has mismatches\n");
			exit(1);
		}
		t1 = now_ns();
		if (t1 - t0 < r.score_ns)
			r.score_ns = t1 - t0;
		r.pairs = naive_pairs(db);
		r.bytes = naive_memory(db);
		naive_free(db);
	}
	return r;
}

/* Both implementations must agree: train on the first tenth, score everything. */
static void cross_check(const struct bench *b, uint32_t window)
{
	size_t part = b->n / 10;
	struct selfseq_db *db = lib_train(window, b->alphabet, b->calls, part);
	struct naive_db *nv = naive_trained(window, b->alphabet, b->calls, part);
	uint64_t la, na, lm = lib_score(db, b->calls, b->n, &la);
	uint64_t nm = naive_score(nv, b->calls, b->n, &na);

	if (lm != nm || la != na || selfseq_db_get_pairs(db) != naive_pairs(nv)) {
		fprintf(stderr, "selfseq-bench: window %u: libselfseq and naive disagree "
			"(mismatches %llu/%llu, anomalous %llu/%llu)\n", window,
			(unsigned long long)lm, (unsigned long long)nm,
			(unsigned long long)la, (unsigned long long)na);
		exit(1);
	}
	selfseq_db_free(db);
	naive_free(nv);
}

static void print(uint32_t window, size_t n, const struct result *r, const char *impl)
{
	printf("window=%u calls=%zu pairs=%llu train_ns=%.1f score_ns=%.1f bytes=%zu%s%s\n",
	       window, n, (unsigned long long)r->pairs, r->train_ns / (double)n,
	       r->score_ns / (double)n, r->bytes, impl ? " impl=" : "", impl ? impl : "");
}

/*
 * A trace of 100 000 calls over exactly 100 distinct call numbers spread
 * through 0..459 (x86_64's range), drawn with a fixed xorshift generator,
 * every number appearing at least once.
 */
static uint32_t *synthetic_100(size_t *n)
{
	const size_t len = 100000;
	uint32_t *t = malloc(len * sizeof(*t)), x = 2463534242u;

	if (!t)
		exit(1);
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		t[i] = (uint32_t)((i < 100 ? i : x % 100) * 37 % 460);
	}
	*n = len;
	return t;
}

static int parse_windows(const char *arg, uint32_t *w, unsigned *nw)
{
	char *end;

	*nw = 0;
	for (;;) {
		unsigned long v = strtoul(arg, &end, 10);

		if (end == arg || v < SELFSEQ_WINDOW_MIN || v > SELFSEQ_WINDOW_MAX ||
		    *nw == MAX_WINDOWS)
			return -1;
		w[(*nw)++] = (uint32_t)v;
		if (*end == '\0')
			return 0;
		if (*end != ',')
			return -1;
		arg = end + 1;
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: selfseq-bench [-w W[,W...]] [-a ALPHABET] [-r REPS] [--baseline] TRACE\n"
		   "  -w  window sizes (default 5,6,9,11)\n"
		   "  -a  alphabet: calls are 0..ALPHABET-1 (default 1024)\n"
		   "  -r  repetitions; the best is printed (default 7)\n"
		   "  --baseline  also measure a plain pH-style implementation (impl=naive)\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "baseline", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint32_t windows[MAX_WINDOWS] = { 5, 6, 9, 11 }, *calls, *syn;
	unsigned nwin = 4, baseline = 0;
	struct bench b = { .alphabet = SELFSEQ_DEFAULT_ALPHABET, .reps = 7 };
	struct selfseq_db *db;
	size_t n, syn_n;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "w:a:r:bh", longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (parse_windows(optarg, windows, &nwin)) {
				fprintf(stderr, "selfseq-bench: bad -w '%s': windows are %d..%d\n",
					optarg, SELFSEQ_WINDOW_MIN, SELFSEQ_WINDOW_MAX);
				return 2;
			}
			break;
		case 'a':
			b.alphabet = (uint32_t)strtoul(optarg, &end, 10);
			if (*end || b.alphabet < 460 || b.alphabet > SELFSEQ_ALPHABET_MAX) {
				fprintf(stderr, "selfseq-bench: bad -a '%s': 460..%d\n", optarg,
					SELFSEQ_ALPHABET_MAX);
				return 2;
			}
			break;
		case 'r':
			b.reps = (unsigned)strtoul(optarg, &end, 10);
			if (*end || b.reps < 1 || b.reps > 1000) {
				fprintf(stderr, "selfseq-bench: bad -r '%s': 1..1000\n", optarg);
				return 2;
			}
			break;
		case 'b':
			baseline = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (trace_file_read(argv[optind], b.alphabet, &calls, &n))
		return 1;
	b.calls = calls;
	b.n = n;

	for (unsigned i = 0; i < nwin; i++) {
		struct result r = bench_lib(&b, windows[i]);

		print(windows[i], n, &r, NULL);
		if (baseline) {
			if (windows[i] > 17) {
				fprintf(stderr, "selfseq-bench: naive: window %u not supported\n",
					windows[i]);
				continue;
			}
			cross_check(&b, windows[i]);
			r = bench_naive(&b, windows[i]);
			print(windows[i], n, &r, "naive");
		}
		fflush(stdout);
	}

	syn = synthetic_100(&syn_n);
	db = lib_train(9, b.alphabet, syn, syn_n);
	if (selfseq_db_get_calls(db) != 100) {
		fprintf(stderr, "selfseq-bench: synthetic trace has %u distinct calls\n",
			selfseq_db_get_calls(db));
		return 1;
	}
	printf("distinct=100 window=9 bytes=%zu\n", selfseq_db_get_memory(db));
	selfseq_db_free(db);
	if (baseline) {
		struct naive_db *nv = naive_trained(9, b.alphabet, syn, syn_n);

		printf("distinct=100 window=9 bytes=%zu impl=naive\n", naive_memory(nv));
		naive_free(nv);
	}
	free(syn);
	free(calls);
	return 0;
}
