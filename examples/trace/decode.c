/* SPDX-License-Identifier: MIT */
/*
 * perf record decoding (see decode.h). Layouts, from <linux/perf_event.h>:
 *   PERF_RECORD_SAMPLE with TID|TIME|CPU|RAW:
 *     { u32 pid, tid; u64 time; u32 cpu, res; u32 size; char data[size]; }
 *   PERF_RECORD_LOST: { u64 id; u64 lost; struct sample_id; }
 *   PERF_RECORD_MMAP: { u32 pid, tid; u64 addr, len, pgoff; char filename[]; struct sample_id; }
 *   sample_id (sample_id_all) with TID|TIME|CPU: { u32 pid, tid; u64 time; u32 cpu, res; }
 * The raw data is the tracepoint's record: common_type (the event id) first.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

#define SAMPLE_FIXED 28u	/* pid, tid, time, cpu, res, raw size */
#define SAMPLE_ID_SIZE 24u

static const struct tp_field *need_int(const struct tp_format *f, const char *name, int *bad,
				       char *err, size_t errlen)
{
	const struct tp_field *x = tp_format_field(f, name);

	if (!x || (x->kind != TP_FIELD_INT)) {
		if (!*bad)
			snprintf(err, errlen, "tracepoint %s: no integer field '%s' in its format",
				 f->name, name);
		*bad = 1;
		return NULL;
	}
	return x;
}

int decoder_init(struct decoder *d, const struct tp_format *enter, const struct tp_format *exec,
		 const struct tp_format *fork, const struct tp_format *exit, char *err,
		 size_t errlen)
{
	int bad = 0;

	memset(d, 0, sizeof(*d));
	d->enter = *enter;
	d->f_type = need_int(&d->enter, "common_type", &bad, err, errlen);
	d->f_id = need_int(&d->enter, "id", &bad, err, errlen);
	if (exec) {
		d->exec = *exec;
		d->have_exec = 1;
		d->f_exec_file = tp_format_field(&d->exec, "filename");
		if (!d->f_exec_file || d->f_exec_file->kind == TP_FIELD_INT) {
			if (!bad)
				snprintf(err, errlen, "tracepoint %s: no string field 'filename'",
					 exec->name);
			bad = 1;
		}
		d->f_exec_pid = need_int(&d->exec, "pid", &bad, err, errlen);
		d->f_exec_old = need_int(&d->exec, "old_pid", &bad, err, errlen);
	}
	if (fork) {
		d->fork = *fork;
		d->have_fork = 1;
		d->f_fork_parent = need_int(&d->fork, "parent_pid", &bad, err, errlen);
		d->f_fork_child = need_int(&d->fork, "child_pid", &bad, err, errlen);
	}
	if (exit) {
		d->exit = *exit;
		d->have_exit = 1;
		d->f_exit_pid = need_int(&d->exit, "pid", &bad, err, errlen);
		/* group_dead appeared after 6.1: optional. */
		d->f_exit_dead = tp_format_field(&d->exit, "group_dead");
		if (d->f_exit_dead && d->f_exit_dead->kind != TP_FIELD_INT)
			d->f_exit_dead = NULL;
	}
	return bad ? -EBADMSG : 0;
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static int bad_field(char *err, size_t errlen, const char *ev, const char *field)
{
	snprintf(err, errlen, "%s sample: field '%s' lies outside the raw data", ev, field);
	return -EBADMSG;
}

static int decode_sample(const struct decoder *d, const unsigned char *body, size_t len,
			 struct tev *ev, char *filename, size_t fnlen, char *err, size_t errlen)
{
	const unsigned char *raw;
	uint32_t raw_size;
	int64_t type, a, b;

	if (len < SAMPLE_FIXED) {
		snprintf(err, errlen, "sample of %zu bytes, shorter than its fixed fields", len);
		return -EBADMSG;
	}
	ev->pid = rd32(body);
	ev->tid = rd32(body + 4);
	ev->time = rd64(body + 8);
	ev->cpu = rd32(body + 16);
	raw_size = rd32(body + 24);
	if (raw_size > len - SAMPLE_FIXED) {
		snprintf(err, errlen, "sample raw size %u exceeds the record (%zu bytes left)",
			 raw_size, len - SAMPLE_FIXED);
		return -EBADMSG;
	}
	raw = body + SAMPLE_FIXED;
	if (tp_read_int(d->f_type, raw, raw_size, &type)) {
		snprintf(err, errlen, "sample raw data of %u bytes has no common_type", raw_size);
		return -EBADMSG;
	}
	if ((uint64_t)type == d->enter.id) {
		if (tp_read_int(d->f_id, raw, raw_size, &a))
			return bad_field(err, errlen, d->enter.name, "id");
		ev->kind = TEV_SYSCALL;
		ev->u.sys.nr = a;
		return 1;
	}
	if (d->have_exec && (uint64_t)type == d->exec.id) {
		if (tp_read_int(d->f_exec_pid, raw, raw_size, &a))
			return bad_field(err, errlen, d->exec.name, "pid");
		if (tp_read_int(d->f_exec_old, raw, raw_size, &b))
			return bad_field(err, errlen, d->exec.name, "old_pid");
		if (tp_read_str(d->f_exec_file, raw, raw_size, filename, fnlen))
			return bad_field(err, errlen, d->exec.name, "filename");
		ev->kind = TEV_EXEC;
		ev->u.exec.pid = (uint32_t)a;
		ev->u.exec.old_pid = (uint32_t)b;
		ev->u.exec.arch = 0;
		ev->u.exec.exe = NULL;
		return 1;
	}
	if (d->have_fork && (uint64_t)type == d->fork.id) {
		if (tp_read_int(d->f_fork_parent, raw, raw_size, &a))
			return bad_field(err, errlen, d->fork.name, "parent_pid");
		if (tp_read_int(d->f_fork_child, raw, raw_size, &b))
			return bad_field(err, errlen, d->fork.name, "child_pid");
		ev->kind = TEV_FORK;
		ev->u.fork.parent = (uint32_t)a;
		ev->u.fork.child = (uint32_t)b;
		return 1;
	}
	if (d->have_exit && (uint64_t)type == d->exit.id) {
		if (tp_read_int(d->f_exit_pid, raw, raw_size, &a))
			return bad_field(err, errlen, d->exit.name, "pid");
		b = -1;
		if (d->f_exit_dead && tp_read_int(d->f_exit_dead, raw, raw_size, &b))
			return bad_field(err, errlen, d->exit.name, "group_dead");
		ev->kind = TEV_EXIT;
		ev->u.exit.pid = (uint32_t)a;
		ev->u.exit.group_dead = b < 0 ? -1 : b != 0;
		return 1;
	}
	return 0;
}

int decode_record(const struct decoder *d, const struct perf_event_header *rec, struct tev *ev,
		  char *filename, size_t fnlen, char *err, size_t errlen)
{
	const unsigned char *body = (const unsigned char *)(rec + 1);
	size_t len;

	memset(ev, 0, sizeof(*ev));
	if (rec->size < sizeof(*rec)) {
		snprintf(err, errlen, "record of %u bytes, shorter than its header", rec->size);
		return -EBADMSG;
	}
	len = rec->size - sizeof(*rec);
	switch (rec->type) {
	case PERF_RECORD_SAMPLE:
		return decode_sample(d, body, len, ev, filename, fnlen, err, errlen);
	case PERF_RECORD_LOST:
		if (len < 16 + SAMPLE_ID_SIZE) {
			snprintf(err, errlen, "LOST record of %u bytes, expected %u", rec->size,
				 (unsigned)(sizeof(*rec) + 16 + SAMPLE_ID_SIZE));
			return -EBADMSG;
		}
		ev->kind = TEV_LOST;
		ev->u.lost.count = rd64(body + 8);
		/* sample_id sits at the end of every non-sample record. */
		body += len - SAMPLE_ID_SIZE;
		ev->pid = rd32(body);
		ev->tid = rd32(body + 4);
		ev->time = rd64(body + 8);
		ev->cpu = rd32(body + 16);
		return 1;
	case PERF_RECORD_MMAP: {
		size_t n;

		if (len < 32 + 8 + SAMPLE_ID_SIZE) {
			snprintf(err, errlen, "MMAP record of %u bytes, too short", rec->size);
			return -EBADMSG;
		}
		n = len - 32 - SAMPLE_ID_SIZE;
		if (!memchr(body + 32, '\0', n)) {
			snprintf(err, errlen, "MMAP record: file name without its NUL");
			return -EBADMSG;
		}
		if (!fnlen)
			return -EINVAL;
		snprintf(filename, fnlen, "%s", (const char *)(body + 32));
		ev->kind = TEV_MMAP;
		ev->u.mmap.file = NULL;
		body += len - SAMPLE_ID_SIZE;
		ev->pid = rd32(body);
		ev->tid = rd32(body + 4);
		ev->time = rd64(body + 8);
		ev->cpu = rd32(body + 16);
		return 1;
	}
	default:
		return 0;
	}
}
