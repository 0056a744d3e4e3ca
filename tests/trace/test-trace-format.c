/* SPDX-License-Identifier: MIT */
/*
 * Tracepoint format parsing and field reading (examples/trace/tp-format.c)
 * and sample decoding with the formats of two kernels (decode.c): the 6.18
 * files of tests/trace/formats/linux-6.18 and the 6.1 layouts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "tp-format.h"
#include "tracefs.h"

static const char *srcdir = ".";

static void load(const char *kernel, const char *event, struct tp_format *f)
{
	char path[512], *text = NULL, err[200];
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/formats/%s/%s.format", srcdir, kernel, event);
	assert_int_equal(tracefs_slurp(path, &text, &len), 0);
	if (tp_format_parse(text, len, f, err, sizeof(err)))
		fail_msg("%s: %s", path, err);
	free(text);
}

static void test_sys_enter(void **state)
{
	struct tp_format f;
	const struct tp_field *x;

	(void)state;
	load("linux-6.18", "sys_enter", &f);
	assert_string_equal(f.name, "sys_enter");
	assert_int_equal(f.id, 443);
	assert_int_equal(f.nfields, 6);
	x = tp_format_field(&f, "common_type");
	assert_non_null(x);
	assert_int_equal(x->offset, 0);
	assert_int_equal(x->size, 2);
	assert_int_equal(x->kind, TP_FIELD_INT);
	x = tp_format_field(&f, "id");
	assert_non_null(x);
	assert_int_equal(x->offset, 8);
	assert_int_equal(x->size, 8);
	assert_int_equal(x->is_signed, 1);
	x = tp_format_field(&f, "args");
	assert_non_null(x);
	assert_int_equal(x->kind, TP_FIELD_ARRAY);
	assert_int_equal(x->offset, 16);
	assert_int_equal(x->size, 48);
	assert_null(tp_format_field(&f, "print"));
}

static void test_sched_two_kernels(void **state)
{
	struct tp_format f;
	const struct tp_field *x;

	(void)state;
	load("linux-6.18", "sched_process_fork", &f);
	x = tp_format_field(&f, "child_comm");
	assert_int_equal(x->kind, TP_FIELD_DATA_LOC);
	assert_int_equal(tp_format_field(&f, "child_pid")->offset, 20);
	load("linux-6.1", "sched_process_fork", &f);
	x = tp_format_field(&f, "child_comm");
	assert_int_equal(x->kind, TP_FIELD_ARRAY);
	assert_int_equal(x->size, 16);
	assert_int_equal(tp_format_field(&f, "child_pid")->offset, 44);
	load("linux-6.18", "sched_process_exit", &f);
	assert_non_null(tp_format_field(&f, "group_dead"));
	load("linux-6.1", "sched_process_exit", &f);
	assert_null(tp_format_field(&f, "group_dead"));
	load("linux-6.18", "sched_process_exec", &f);
	assert_int_equal(tp_format_field(&f, "filename")->kind, TP_FIELD_DATA_LOC);
}

static void put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void test_read_fields(void **state)
{
	struct tp_format f;
	unsigned char raw[64];
	char s[32];
	int64_t v;

	(void)state;
	load("linux-6.18", "sched_process_exec", &f);
	memset(raw, 0, sizeof(raw));
	put16(raw, 365);
	put32(raw + 4, 1234);
	put32(raw + 8, 20u | 10u << 16);	/* "/bin/true\0" at 20 */
	put32(raw + 12, (uint32_t)-5);	/* signed pid */
	put32(raw + 16, 77);
	memcpy(raw + 20, "/bin/true", 10);
	assert_int_equal(tp_read_int(tp_format_field(&f, "pid"), raw, 32, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(tp_read_int(tp_format_field(&f, "common_type"), raw, 32, &v), 0);
	assert_int_equal(v, 365);
	assert_int_equal(tp_read_str(tp_format_field(&f, "filename"), raw, 32, s, sizeof(s)), 0);
	assert_string_equal(s, "/bin/true");
	/* Truncated output buffer: still NUL-terminated. */
	assert_int_equal(tp_read_str(tp_format_field(&f, "filename"), raw, 32, s, 5), 0);
	assert_string_equal(s, "/bin");
	/* The string points past the record: refused, not read. */
	assert_int_equal(tp_read_str(tp_format_field(&f, "filename"), raw, 25, s, sizeof(s)),
			 -EBADMSG);
	/* A field beyond the record. */
	assert_int_equal(tp_read_int(tp_format_field(&f, "old_pid"), raw, 18, &v), -EBADMSG);
	/* An array is not a number. */
	load("linux-6.18", "sched_process_exit", &f);
	assert_int_equal(tp_read_int(tp_format_field(&f, "comm"), raw, 64, &v), -EBADMSG);
}

static void test_rel_loc(void **state)
{
	const char *text = "name: x\nID: 9\nformat:\n"
			   "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
			   "\tfield:__rel_loc char[] name;\toffset:8;\tsize:4;\tsigned:0;\n";
	struct tp_format f;
	unsigned char raw[32];
	char err[100], s[16];

	(void)state;
	assert_int_equal(tp_format_parse(text, strlen(text), &f, err, sizeof(err)), 0);
	assert_int_equal(tp_format_field(&f, "name")->kind, TP_FIELD_REL_LOC);
	memset(raw, 0, sizeof(raw));
	put32(raw + 8, 4u | 3u << 16);	/* relative to the field's end (12): at 16 */
	memcpy(raw + 16, "ab", 3);
	assert_int_equal(tp_read_str(tp_format_field(&f, "name"), raw, sizeof(raw), s, sizeof(s)), 0);
	assert_string_equal(s, "ab");
}

static void expect_error(const char *text, const char *needle)
{
	struct tp_format f;
	char err[200];

	assert_int_equal(tp_format_parse(text, strlen(text), &f, err, sizeof(err)), -EBADMSG);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not contain '%s'", err, needle);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("name: x\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n",
		     "no 'ID:' line");
	expect_error("ID: 3\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n",
		     "no 'name:' line");
	expect_error("name: x\nID: 3\nformat:\n", "no fields");
	expect_error("name: x\nID: zz\n", "line 2: bad ID");
	expect_error("name: x\nID: 3\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n"
		     "\tfield:int a;\toffset:4;\tsize:4;\tsigned:1;\n", "line 5: field a declared twice");
	expect_error("name: x\nID: 3\nformat:\n\tfield:int a\toffset:0;\n", "line 4: field declaration without ';'");
	expect_error("name: x\nID: 3\nformat:\n\tfield:int a;\tsize:4;\toffset:0;\n",
		     "line 4: field a: expected 'offset:N; size:N;'");
	expect_error("name: x\nID: 3\nformat:\n\tfield:__data_loc char[] s;\toffset:8;\tsize:2;\tsigned:0;\n",
		     "size 4");
	expect_error("name: x\nID: 3\nformat:\n\tfield:int a;\toffset:65535;\tsize:4;\tsigned:0;\n",
		     "out of range");
	expect_error("name: x\nID: 3\nformat:\n\tfield:int ;\toffset:0;\tsize:4;\tsigned:0;\n",
		     "cannot read the field name");
}

/* A PERF_RECORD_SAMPLE with TID|TIME|CPU|RAW around @raw. */
static size_t make_sample(unsigned char *buf, uint32_t pid, uint32_t tid, uint64_t time,
			  const unsigned char *raw, uint32_t rawlen)
{
	struct perf_event_header h;
	size_t n = sizeof(h) + 28 + rawlen;

	n = (n + 7) & ~(size_t)7;
	memset(buf, 0, n);
	h.type = PERF_RECORD_SAMPLE;
	h.misc = 0;
	h.size = (uint16_t)n;
	memcpy(buf, &h, sizeof(h));
	put32(buf + 8, pid);
	put32(buf + 12, tid);
	memcpy(buf + 16, &time, 8);
	put32(buf + 24, 1);
	put32(buf + 32, rawlen);
	memcpy(buf + 36, raw, rawlen);
	return n;
}

static void test_decode_61(void **state)
{
	struct tp_format enter, exec, fork, exit;
	struct decoder d;
	unsigned char raw[64], rec[160];
	char fn[64], err[200];
	struct tev ev;

	(void)state;
	load("linux-6.1", "sys_enter", &enter);
	load("linux-6.1", "sched_process_exec", &exec);
	load("linux-6.1", "sched_process_fork", &fork);
	load("linux-6.1", "sched_process_exit", &exit);
	assert_int_equal(decoder_init(&d, &enter, &exec, &fork, &exit, err, sizeof(err)), 0);
	assert_null(d.f_exit_dead);

	memset(raw, 0, sizeof(raw));
	put16(raw, 313);
	memcpy(raw + 8, "parent", 7);
	put32(raw + 24, 100);
	memcpy(raw + 28, "child", 6);
	put32(raw + 44, 101);
	make_sample(rec, 100, 100, 5000, raw, 48);
	assert_int_equal(decode_record(&d, (void *)rec, &ev, fn, sizeof(fn), err, sizeof(err)), 1);
	assert_int_equal(ev.kind, TEV_FORK);
	assert_int_equal(ev.u.fork.parent, 100);
	assert_int_equal(ev.u.fork.child, 101);
	assert_int_equal(ev.time, 5000);
	assert_int_equal(ev.cpu, 1);

	memset(raw, 0, sizeof(raw));
	put16(raw, 315);
	put32(raw + 24, 101);
	make_sample(rec, 101, 101, 6000, raw, 32);
	assert_int_equal(decode_record(&d, (void *)rec, &ev, fn, sizeof(fn), err, sizeof(err)), 1);
	assert_int_equal(ev.kind, TEV_EXIT);
	assert_int_equal(ev.u.exit.pid, 101);
	assert_int_equal(ev.u.exit.group_dead, -1);

	memset(raw, 0, sizeof(raw));
	put16(raw, 21);
	{
		int64_t nr = 110;

		memcpy(raw + 8, &nr, 8);
	}
	make_sample(rec, 7, 8, 7000, raw, 64);
	assert_int_equal(decode_record(&d, (void *)rec, &ev, fn, sizeof(fn), err, sizeof(err)), 1);
	assert_int_equal(ev.kind, TEV_SYSCALL);
	assert_int_equal(ev.u.sys.nr, 110);
	assert_int_equal(ev.pid, 7);
	assert_int_equal(ev.tid, 8);

	/* An unknown tracepoint id: not ours, ignored. */
	put16(raw, 999);
	make_sample(rec, 7, 8, 7000, raw, 64);
	assert_int_equal(decode_record(&d, (void *)rec, &ev, fn, sizeof(fn), err, sizeof(err)), 0);

	/* A raw size larger than the record. */
	put16(raw, 21);
	make_sample(rec, 7, 8, 7000, raw, 64);
	put32(rec + 32, 200);
	assert_int_equal(decode_record(&d, (void *)rec, &ev, fn, sizeof(fn), err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "raw size 200"));

	/* A raw record too short for the id field. */
	make_sample(rec, 7, 8, 7000, raw, 12);
	assert_int_equal(decode_record(&d, (void *)rec, &ev, fn, sizeof(fn), err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "'id'"));
}

static void test_decode_lost(void **state)
{
	struct tp_format enter;
	struct decoder d;
	unsigned char rec[48];
	struct perf_event_header h = { PERF_RECORD_LOST, 0, 48 };
	uint64_t lost = 1234, t = 99;
	char fn[8], err[200];
	struct tev ev;

	(void)state;
	load("linux-6.18", "sys_enter", &enter);
	assert_int_equal(decoder_init(&d, &enter, NULL, NULL, NULL, err, sizeof(err)), 0);
	memset(rec, 0, sizeof(rec));
	memcpy(rec, &h, 8);
	memcpy(rec + 16, &lost, 8);
	put32(rec + 24, 5);
	put32(rec + 28, 6);
	memcpy(rec + 32, &t, 8);
	put32(rec + 40, 1);
	assert_int_equal(decode_record(&d, (void *)rec, &ev, fn, sizeof(fn), err, sizeof(err)), 1);
	assert_int_equal(ev.kind, TEV_LOST);
	assert_int_equal(ev.u.lost.count, 1234);
	assert_int_equal(ev.time, 99);
	assert_int_equal(ev.cpu, 1);
	h.size = 40;
	memcpy(rec, &h, 8);
	assert_int_equal(decode_record(&d, (void *)rec, &ev, fn, sizeof(fn), err, sizeof(err)),
			 -EBADMSG);
}

static void test_decoder_missing_field(void **state)
{
	const char *text = "name: sys_enter\nID: 3\nformat:\n"
			   "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
			   "\tfield:long nr;\toffset:8;\tsize:8;\tsigned:1;\n";
	struct tp_format f;
	struct decoder d;
	char err[200];

	(void)state;
	assert_int_equal(tp_format_parse(text, strlen(text), &f, err, sizeof(err)), 0);
	assert_int_equal(decoder_init(&d, &f, NULL, NULL, NULL, err, sizeof(err)), -EBADMSG);
	assert_non_null(strstr(err, "no integer field 'id'"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sys_enter),
		cmocka_unit_test(test_sched_two_kernels),
		cmocka_unit_test(test_read_fields),
		cmocka_unit_test(test_rel_loc),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_decode_61),
		cmocka_unit_test(test_decode_lost),
		cmocka_unit_test(test_decoder_missing_field),
	};

	if (argc > 1)
		srcdir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
