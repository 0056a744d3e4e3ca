/* SPDX-License-Identifier: MIT */
/*
 * Trace file reader for the benchmarks: the whole file is read at once and
 * decoded by the library (selfseq_calls_decode()), so a 2 M-call file loads
 * in milliseconds and a bad token is reported with its line.
 */
#include "trace-file.h"

#include <selfseq/selfseq-text.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, got = 0, r;
	char *buf = NULL, *nb;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (!buf || got == cap) {
			cap = buf ? cap * 2 : cap;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = fread(buf + got, 1, cap - got, f);
		got += r;
		if (r == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*len = got;
	return buf;
fail:
	fprintf(stderr, "%s: %s\n", path, strerror(errno ? errno : ENOMEM));
	free(buf);
	fclose(f);
	return NULL;
}

int trace_file_read(const char *path, uint32_t alphabet, uint32_t **calls, size_t *n)
{
	size_t len, count, used, line = 1;
	uint32_t *out;
	char *buf = slurp(path, &len);
	int err;

	if (!buf)
		return -1;
	/* At most one call per two bytes (a digit and a separator), plus one. */
	out = malloc((len / 2 + 1) * sizeof(*out));
	if (!out) {
		fprintf(stderr, "%s: out of memory\n", path);
		free(buf);
		return -1;
	}
	err = selfseq_calls_decode(buf, len, alphabet, out, len / 2 + 1, &count, &used);
	if (err) {
		for (size_t i = 0; i < used; i++)
			line += buf[i] == '\n';
		fprintf(stderr, "%s:%zu: %s (byte offset %zu)\n", path, line,
			err == -ERANGE ? "call number outside the alphabet" : "not a call number", used);
		free(buf);
		free(out);
		return -1;
	}
	free(buf);
	*calls = out;
	*n = count;
	return 0;
}
