/* SPDX-License-Identifier: MIT */
/*
 * Finding tracefs (mounting it at /sys/kernel/tracing when it is not
 * mounted anywhere) and reading event format files from it.
 */
#ifndef SELFSEQ_TRACE_TRACEFS_H
#define SELFSEQ_TRACE_TRACEFS_H

#include <stddef.h>

#include "tp-format.h"

/*
 * Store the tracefs directory in @dir. Looks in /proc/mounts, then the two
 * usual places, then mounts tracefs at /sys/kernel/tracing. Returns 0, or
 * a negative errno with a message in @err (-EACCES: tracefs is there but
 * not readable by us).
 */
int tracefs_find(char *dir, size_t dirlen, char *err, size_t errlen);

/*
 * Read events/@sys/@event/format under @dir and parse it. On success *text
 * (if not NULL) receives the file's text (malloc'd, NUL-terminated) and
 * *textlen its length. Returns 0, -ENOENT when the event does not exist,
 * or another negative errno, with a message naming the file in @err.
 */
int tracefs_read_format(const char *dir, const char *sys, const char *event,
			struct tp_format *fmt, char **text, size_t *textlen, char *err,
			size_t errlen);

/* Read a whole small file into a malloc'd NUL-terminated buffer; 0 or -errno. */
int tracefs_slurp(const char *path, char **text, size_t *len);

#endif /* SELFSEQ_TRACE_TRACEFS_H */
