/* SPDX-License-Identifier: MIT */
/*
 * A byte stream from a file or stdin, gunzipped on the fly when it starts
 * with the gzip magic, so every format reads compressed input the same way.
 */
#ifndef SELFSEQ_CLI_SOURCE_H
#define SELFSEQ_CLI_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

struct source;

/* Open @path ("-": stdin). NULL with errno set on failure. */
struct source *source_open(const char *path);
/*
 * Read up to @len bytes. Returns the count, 0 at the end, -1 on a read
 * error (errno) or -2 on corrupt gzip data (source_error() says what).
 */
ssize_t source_read(struct source *s, void *buf, size_t len);
const char *source_error(const struct source *s);
/*
 * The whole of a plain (not gzip) regular file mapped read-only, or NULL
 * (then read it). The mapping lasts until source_close().
 */
const char *source_map(struct source *s, size_t *len);
/* Size of a plain regular file (a hint for buffers), 0 if unknown. */
size_t source_size_hint(const struct source *s);
void source_close(struct source *s);

#endif /* SELFSEQ_CLI_SOURCE_H */
