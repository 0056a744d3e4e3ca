/* SPDX-License-Identifier: MIT */
/*
 * Runs a fuzz target without libFuzzer: each file named, and each file of
 * each directory named (in name order, dot files and README* skipped),
 * goes once through LLVMFuzzerTestOneInput. This is how the committed seed
 * corpora and regression inputs run as ordinary tests with any compiler.
 * A missing directory counts as empty (a target may have no regressions
 * yet); no input at all is an error, so a lost corpus cannot pass.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static size_t run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, r;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (!buf) {
				fprintf(stderr, "%s: out of memory\n", path);
				exit(1);
			}
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
	} while (r);
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		exit(1);
	}
	fclose(f);
	/* An exact-size copy, so a read past the end is caught by sanitizers and valgrind. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			fprintf(stderr, "%s: out of memory\n", path);
			exit(1);
		}
		if (len)
			memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 1;
}

static int skip_name(const struct dirent *d)
{
	return d->d_name[0] != '.' && strncmp(d->d_name, "README", 6) != 0;
}

static size_t run_path(const char *path)
{
	struct dirent **ents;
	struct stat st;
	size_t n = 0;
	int i, count;

	if (stat(path, &st)) {
		if (errno == ENOENT) {
			printf("%s: no such directory, no inputs\n", path);
			return 0;
		}
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	count = scandir(path, &ents, skip_name, alphasort);
	if (count < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (i = 0; i < count; i++) {
		size_t len = strlen(path) + strlen(ents[i]->d_name) + 2;
		char *child = malloc(len);

		if (!child) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		snprintf(child, len, "%s/%s", path, ents[i]->d_name);
		n += run_path(child);
		free(child);
		free(ents[i]);
	}
	free(ents);
	return n;
}

int main(int argc, char **argv)
{
	size_t n = 0;
	int i;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		size_t got = run_path(argv[i]);

		printf("%s: %zu input%s\n", argv[i], got, got == 1 ? "" : "s");
		n += got;
	}
	if (!n) {
		fprintf(stderr, "no inputs: a seed corpus is missing\n");
		return 1;
	}
	return 0;
}
