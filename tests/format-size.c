/* SPDX-License-Identifier: MIT */
/*
 * Size on disk of real profiles (the bound: a program of 100
 * distinct calls at window 9 fits in 8 KiB). Reads a directory of ADFA-LD
 * traces (one trace per file, decimal i386 call numbers), learns them with
 * selfseq_db_add() in file-name order, and prints the encoded size of:
 * the whole training set as one profile, and the traces taken in order
 * while they keep the profile within 100 distinct calls. Each before and
 * after normalizing (testing set = training set). Fails if the 100-call
 * profile exceeds 8 KiB.
 *
 * usage: format-size DIR [WINDOW]
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <selfseq/selfseq.h>

#define ALPHABET 1024u
#define MAX_CALLS 100u

struct trace {
	uint32_t *calls;
	size_t n;
};

static int read_trace(const char *path, struct trace *t)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	unsigned long v;
	uint32_t *grown;
	int c;

	t->calls = NULL;
	t->n = 0;
	if (!f)
		return -errno;
	while ((c = fscanf(f, "%lu", &v)) == 1) {
		if (v >= ALPHABET) {
			fprintf(stderr, "%s: call %lu outside the alphabet\n", path, v);
			fclose(f);
			return -ERANGE;
		}
		if (t->n == cap) {
			cap = cap ? 2 * cap : 1024;
			grown = realloc(t->calls, cap * sizeof(*t->calls));
			if (!grown) {
				fclose(f);
				return -ENOMEM;
			}
			t->calls = grown;
		}
		t->calls[t->n++] = (uint32_t)v;
	}
	if (c != EOF)
		fprintf(stderr, "%s: not a trace of numbers after call %zu\n", path, t->n);
	fclose(f);
	return c == EOF ? 0 : -EINVAL;
}

/* Encoded size of a profile holding @db as its training set, and once normal. */
static int report(const char *what, const struct selfseq_db *db, uint32_t window, size_t *normal)
{
	struct selfseq_profile_opts opts = { .sz = sizeof(opts), .window = window,
					     .alphabet = ALPHABET, .arch = 0x40000003u };
	struct selfseq_profile *p;
	size_t train;
	int err;

	err = selfseq_profile_new(&opts, &p);
	if (!err)
		err = selfseq_profile_set_key(p, "/adfa-ld/training");
	if (!err)
		err = selfseq_profile_merge_train(p, db);
	if (!err && selfseq_profile_encode(p, NULL, 0, &train) != -ENOSPC)
		err = -EINVAL;
	if (!err)
		err = selfseq_profile_normalize(p, 0);
	if (!err && selfseq_profile_encode(p, NULL, 0, normal) != -ENOSPC)
		err = -EINVAL;
	if (!err)
		printf("%s, window %u: %u calls, %u pairs: %zu bytes (training), %zu bytes (normal)\n",
		       what, window, selfseq_db_get_calls(db), selfseq_db_get_pairs(db), train,
		       *normal);
	selfseq_profile_free(p);
	return err;
}

int main(int argc, char **argv)
{
	struct selfseq_db_opts opts = { .sz = sizeof(opts), .alphabet = ALPHABET };
	struct selfseq_db *all, *some;
	struct dirent **names;
	unsigned char seen[ALPHABET] = { 0 }, mark[ALPHABET];
	uint32_t distinct = 0, fresh;
	int n, i, used = 0, files = 0, err = 0;
	size_t size100, size_all;
	char path[4096];
	struct trace t;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s DIR [WINDOW]\n", argv[0]);
		return 2;
	}
	opts.window = argc > 2 ? (uint32_t)atoi(argv[2]) : 9;
	if (selfseq_db_new(&opts, &all) || selfseq_db_new(&opts, &some)) {
		fprintf(stderr, "%s: bad window %u\n", argv[0], opts.window);
		return 2;
	}
	n = scandir(argv[1], &names, NULL, alphasort);
	if (n < 0) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < n && !err; i++) {
		if (names[i]->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]->d_name);
		err = read_trace(path, &t);
		if (err) {
			free(t.calls);
			break;
		}
		files++;
		err = selfseq_db_add(all, t.calls, t.n);
		/* Calls this trace would add to the 100-call profile. */
		memset(mark, 0, sizeof(mark));
		fresh = 0;
		for (size_t j = 0; j < t.n; j++)
			if (!seen[t.calls[j]] && !mark[t.calls[j]]) {
				mark[t.calls[j]] = 1;
				fresh++;
			}
		if (!err && distinct + fresh <= MAX_CALLS) {
			err = selfseq_db_add(some, t.calls, t.n);
			for (size_t j = 0; j < t.n; j++)
				seen[t.calls[j]] = 1;
			distinct += fresh;
			used++;
		}
		free(t.calls);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[1], selfseq_strerror(err));
		return 1;
	}
	printf("%s: %d traces\n", argv[1], files);
	snprintf(path, sizeof(path), "first traces within %u calls (%d)", MAX_CALLS, used);
	err = report(path, some, opts.window, &size100);
	if (!err)
		err = report("all traces", all, opts.window, &size_all);
	selfseq_db_free(all);
	selfseq_db_free(some);
	if (err) {
		fprintf(stderr, "%s\n", selfseq_strerror(err));
		return 1;
	}
	if (opts.window == 9 && size100 > 8192) {
		printf("FAIL: %zu bytes for %u calls at window 9, more than 8 KiB\n", size100,
		       distinct);
		return 1;
	}
	return 0;
}
