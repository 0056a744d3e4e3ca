/* SPDX-License-Identifier: MIT */
/*
 * Reading a trace file of whitespace-separated decimal call numbers (the
 * ADFA-LD format) into one array, for the benchmark programs.
 */
#ifndef SELFSEQ_BENCH_TRACE_FILE_H
#define SELFSEQ_BENCH_TRACE_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Read every call of @path into a malloc'd array (*calls, *n). Calls must be
 * below @alphabet. On error prints "path:line: what" to stderr and returns -1.
 */
int trace_file_read(const char *path, uint32_t alphabet, uint32_t **calls, size_t *n);

#endif
