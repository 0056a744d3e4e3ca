/* SPDX-License-Identifier: MIT */
/*
 * Trace file reader for the benchmarks: the whole file is read at once
 * and parsed by hand, so a 2 M-call file loads in milliseconds and a bad
 * byte is reported with its line.
 */
#include "trace-file.h"

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
	size_t len, i = 0, count = 0, line = 1;
	uint32_t *out;
	char *buf = slurp(path, &len);

	if (!buf)
		return -1;
	/* At most one call per two bytes (a digit and a separator), plus one. */
	out = malloc((len / 2 + 1) * sizeof(*out));
	if (!out) {
		fprintf(stderr, "%s: out of memory\n", path);
		free(buf);
		return -1;
	}
	while (i < len) {
		unsigned char c = (unsigned char)buf[i];
		uint64_t v = 0;

		if (c == '\n' || c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
			line += c == '\n';
			i++;
			continue;
		}
		if (c < '0' || c > '9') {
			fprintf(stderr, "%s:%zu: unexpected byte 0x%02x (byte offset %zu)\n",
				path, line, c, i);
			goto fail;
		}
		while (i < len && buf[i] >= '0' && buf[i] <= '9' && v < alphabet)
			v = v * 10 + (uint64_t)(buf[i++] - '0');
		if (v >= alphabet) {
			fprintf(stderr, "%s:%zu: call number outside the alphabet 0..%u\n",
				path, line, alphabet - 1);
			goto fail;
		}
		out[count++] = (uint32_t)v;
	}
	free(buf);
	*calls = out;
	*n = count;
	return 0;
fail:
	free(buf);
	free(out);
	return -1;
}
