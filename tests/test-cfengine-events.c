/* SPDX-License-Identifier: MIT */
/*
 * selfseq-cfengine's reader of anomaly lines: both front ends' JSON, escapes,
 * times, errors with their column, other report types, and incremental
 * reading (complete lines only, overlong lines, skipping ahead).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <unistd.h>

#include "events.h"

static struct event ev;

static int parse(const char *line, char *err, size_t errlen)
{
	return event_parse(line, strlen(line), &ev, err, errlen);
}

static void front_end_lines(void **state)
{
	char err[200];
	(void)state;

	/* selfseq-trace */
	assert_int_equal(parse("{\"time\":\"2026-11-22T14:24:33.754274Z\",\"pid\":15328,\"tid\":15328,"
			       "\"ppid\":15326,\"uid\":0,\"exe\":\"/usr/bin/x\",\"arch\":\"x86_64\","
			       "\"syscall\":\"uname\",\"nr\":63,\"misses\":8,\"lfc\":1,"
			       "\"state\":\"normal\"}", err, sizeof(err)), 0);
	assert_int_equal(ev.time_s, 1795357473);
	assert_int_equal(ev.pid, 15328);
	assert_int_equal(ev.ppid, 15326);
	assert_int_equal(ev.nr, 63);
	assert_int_equal(ev.lfc, 1);
	assert_string_equal(ev.exe, "/usr/bin/x");
	assert_string_equal(ev.syscall, "uname");
	assert_string_equal(ev.state, "normal");
	/* selfseq-audit: "call", "uid":null-free, exe_hex for a path that is not UTF-8 */
	assert_int_equal(parse("{\"type\":\"anomaly\",\"time\":\"2026-11-22T14:18:29.634Z\","
			       "\"serial\":268,\"pid\":3862,\"ppid\":3839,\"auid\":4294967295,"
			       "\"uid\":0,\"exe\":\"/tmp/a\\ufffd\",\"exe_hex\":\"2f746d702f61ff\","
			       "\"arch\":\"x86_64\",\"call\":null,\"nr\":41,\"misses\":8,\"lfc\":2,"
			       "\"max_lfc\":2,\"state\":\"normal\",\"mode\":\"score\"}", err,
			       sizeof(err)), 0);
	assert_string_equal(ev.exe, "/tmp/a\xff");
	assert_int_equal(ev.pid, 3862);
	/* Reports that are not anomalies are recognised, not errors. */
	assert_int_equal(parse("{\"type\":\"frozen\",\"pid\":5}", err, sizeof(err)), 1);
	assert_int_equal(parse("{\"type\":\"summary\",\"lines\":3}", err, sizeof(err)), 1);
	/* Escapes, nesting, unknown members. */
	assert_int_equal(parse(" {\"pid\":7,\"exe\":\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\","
			       "\"x\":[1,{\"y\":[true,false,null,-1.5e3]}],\"time\":1700000000.9} ",
			       err, sizeof(err)), 0);
	assert_string_equal(ev.exe, "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(ev.time_s, 1700000000);
}

static void bad_lines(void **state)
{
	static const struct {
		const char *line, *msg;
	} cases[] = {
		{ "", "column 1: not a JSON object" },
		{ "not json", "column 1: not a JSON object" },
		{ "{\"pid\":1", "column 9: expected ',' or '}'" },
		{ "{\"pid\":1}x", "column 10: trailing characters" },
		{ "{\"pid\":01}", "column 9: expected ',' or '}'" },
		{ "{\"pid\":-1}", "\"pid\" is not a number" },
		{ "{\"pid\":4294967296}", "\"pid\" is not a number" },
		{ "{\"pid\":99999999999999999999999}", "\"pid\" is not a number" },
		{ "{\"pid\":\"7\"}", "\"pid\" is not a number" },
		{ "{\"time\":\"yesterday\",\"pid\":1}", "\"time\" is not an ISO 8601 time" },
		{ "{\"time\":\"2026-13-01T00:00:00Z\",\"pid\":1}", "\"time\" is not an ISO" },
		{ "{\"exe\":\"x\"}", "no \"pid\"" },
		{ "{\"exe\":\"\\ud800\",\"pid\":1}", "lone high surrogate" },
		{ "{\"exe\":\"\\q\",\"pid\":1}", "unknown escape" },
		{ "{\"exe\":\"a\tb\",\"pid\":1}", "control character" },
		{ "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\"pid\":1}",
		  "nested too deeply" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[200] = "";

		if (parse(cases[i].line, err, sizeof(err)) != -1 || !strstr(err, cases[i].msg))
			fail_msg("'%s': got \"%s\", expected \"%s\"", cases[i].line, err, cases[i].msg);
	}
}

static void times(void **state)
{
	int64_t t;
	(void)state;

	assert_int_equal(event_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(event_parse_time("2024-01-01T00:00:00.5Z", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(event_parse_time("2024-01-01 01:00:00+01:00", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(event_parse_time("2023-12-31T19:00:00-0500", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(event_parse_time("2024-01-01T00:00:00", &t), 0);
	assert_int_equal(t, 1704067200);
	assert_int_equal(event_parse_time("2024-01-01T00:00:00.Z", &t), -1);
	assert_int_equal(event_parse_time("2024-01-01T24:00:00Z", &t), -1);
	assert_int_equal(event_parse_time("2024-01-01T00:00:00Zx", &t), -1);
	assert_int_equal(event_parse_time("2024-01-01", &t), -1);
}

struct seen {
	int n, toolong;
	uint64_t offs[16];
	char lines[16][64];
};

static int collect(void *ctx, uint64_t off, const char *line, size_t len, int toolong)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->offs[s->n] = off;
		snprintf(s->lines[s->n], sizeof(s->lines[0]), "%.*s", (int)(len < 60 ? len : 60),
			 line ? line : "");
	}
	s->n++;
	s->toolong += toolong;
	return 0;
}

static void incremental_reading(void **state)
{
	char path[] = "/tmp/selfseq-events-XXXXXX";
	int fd = mkstemp(path);
	struct events_file f;
	struct seen s;
	uint64_t end, start;
	size_t big = EVENT_LINE_MAX + 70000;
	char *long_line = malloc(big + 1);
	(void)state;

	assert_true(fd >= 0 && long_line);
	assert_int_equal(write(fd, "{\"pid\":1}\n{\"pid\":2}\n{\"pid\":3", 28), 28);
	assert_int_equal(events_open(path, &f), 0);
	assert_true(f.id != 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(events_scan(&f, 0, collect, &s, &end), 0);
	/* The torn last line waits for its newline. */
	assert_int_equal(s.n, 2);
	assert_int_equal(end, 20);
	assert_string_equal(s.lines[1], "{\"pid\":2}");
	assert_int_equal(s.offs[1], 10);
	events_close(&f);

	/* It is completed, then a line longer than any anomaly line, then one more. */
	memset(long_line, 'x', big);
	long_line[big] = '\n';
	assert_int_equal(write(fd, "}\n", 2), 2);
	assert_int_equal(write(fd, long_line, big + 1), (ssize_t)big + 1);
	assert_int_equal(write(fd, "{\"pid\":4}\n", 10), 10);
	assert_int_equal(events_open(path, &f), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(events_scan(&f, end, collect, &s, &end), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.lines[0], "{\"pid\":3}");
	assert_int_equal(s.toolong, 1);
	assert_int_equal(s.offs[1], 30);
	assert_int_equal(s.offs[2], 30 + big + 1);
	assert_string_equal(s.lines[2], "{\"pid\":4}");
	assert_int_equal(end, f.size);
	/* Skipping ahead lands on the next line start. */
	assert_int_equal(events_line_start(&f, 12, &start), 0);
	assert_int_equal(start, 20);
	assert_int_equal(events_line_start(&f, 20, &start), 0);
	assert_int_equal(start, 20);
	assert_int_equal(events_line_start(&f, 31, &start), 0);
	assert_int_equal(start, 30 + big + 1);
	events_close(&f);

	/* The same first line keeps the identity; a new one changes it. */
	{
		uint64_t id = f.id;

		assert_int_equal(events_open(path, &f), 0);
		assert_true(f.id == id);
		events_close(&f);
		assert_int_equal(pwrite(fd, "{\"pid\":9}", 9, 0), 9);
		assert_int_equal(events_open(path, &f), 0);
		assert_true(f.id != id);
		events_close(&f);
	}
	close(fd);
	unlink(path);
	assert_int_equal(events_open(path, &f), -ENOENT);
	free(long_line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(front_end_lines),
		cmocka_unit_test(bad_lines),
		cmocka_unit_test(times),
		cmocka_unit_test(incremental_reading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
