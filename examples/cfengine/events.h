/* SPDX-License-Identifier: MIT */
/*
 * The anomaly lines the front ends write (selfseq-audit --json, selfseq-trace
 * --json): one JSON object per anomalous call with at least `time` and `pid`,
 * usually `ppid`, `uid`, `exe`, `syscall`, `nr`, `misses`, `lfc`, `state`.
 * The file is read incrementally from byte offsets; only complete lines
 * (ending in a newline) are read, so a line being written is left for the
 * next run.
 */
#ifndef SELFSEQ_CFENGINE_EVENTS_H
#define SELFSEQ_CFENGINE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#define EVENT_EXE_MAX 4096	/* PATH_MAX */
#define EVENT_LINE_MAX 65536

struct event {
	int64_t time_s;
	uint32_t pid, ppid, uid, nr, misses, lfc;
	int has_time, has_pid, has_ppid, has_uid, has_lfc;
	int other;		/* a "type" other than "anomaly" (selfseq-audit's state and summary lines) */
	int exe_hex;		/* exe came from "exe_hex" (a path that is not UTF-8) */
	char exe[EVENT_EXE_MAX];
	char syscall[64];
	char state[16];
};

/*
 * Parse one line; 0 for an anomaly, 1 for another kind of report (a "type"
 * member other than "anomaly", as selfseq-audit writes for state changes and
 * its summary), or -1 with a message in @err (column included).
 */
int event_parse(const char *line, size_t len, struct event *ev, char *err, size_t errlen);

/* ISO 8601 UTC time as the front ends write it (2026-11-22T14:00:00.123456Z, or an offset). */
int event_parse_time(const char *s, int64_t *out);

struct events_file {
	int fd;
	uint64_t size;
	/* XXH64 of the first line: tells a replaced or rewritten file from a grown one. 0: no line yet. */
	uint64_t id;
};

/* Open and identify the file; 0 or a negative errno. */
int events_open(const char *path, struct events_file *f);
void events_close(struct events_file *f);

/*
 * Call @cb for each complete line starting at or after @start (which must be
 * a line start) up to the size seen at open. A line longer than
 * EVENT_LINE_MAX is passed with @len 0 and @toolong set. *@end is the offset
 * after the last complete line. 0 or a negative errno (from read or @cb).
 */
typedef int (*events_line_cb)(void *ctx, uint64_t off, const char *line, size_t len, int toolong);
int events_scan(const struct events_file *f, uint64_t start, events_line_cb cb, void *ctx,
		uint64_t *end);

/* The first line start at or after @off (for skipping ahead); @off itself if it follows a newline. */
int events_line_start(const struct events_file *f, uint64_t off, uint64_t *out);

#endif /* SELFSEQ_CFENGINE_EVENTS_H */
