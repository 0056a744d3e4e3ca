/* SPDX-License-Identifier: MIT */
/*
 * Reading the front ends' anomaly lines: field extraction from one JSON
 * object, their ISO 8601 times, and incremental reading of the file from a
 * byte offset with an identity (hash of the first line) that survives the
 * file growing but not it being replaced.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "events.h"
#include "jsonl.h"

static int two(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

int event_parse_time(const char *s, int64_t *out)
{
	int y1, y2, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	struct tm tm = { 0 };
	time_t t;

	if (strlen(s) < 19 || two(s, &y1) || two(s + 2, &y2) || s[4] != '-' || two(s + 5, &mo) ||
	    s[7] != '-' || two(s + 8, &d) || (s[10] != 'T' && s[10] != ' ') || two(s + 11, &h) ||
	    s[13] != ':' || two(s + 14, &mi) || s[16] != ':' || two(s + 17, &sec))
		return -1;
	s += 19;
	if (*s == '.' || *s == ',') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s == '+' ? 1 : -1;
		if (two(s + 1, &oh))
			return -1;
		s += 3;
		if (*s == ':')
			s++;
		if (two(s, &om))
			return -1;
		s += 2;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
	    oh > 23 || om > 59)
		return -1;
	tm.tm_year = y1 * 100 + y2 - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (int64_t)t - sign * (oh * 3600 + om * 60);
	return 0;
}

struct parse_ctx {
	struct event *ev;
	char *err;
	size_t errlen;
	int bad;
};

static int want_u32(struct parse_ctx *c, const char *key, const struct jl_value *v, uint32_t *out,
		    int *has)
{
	if (v->type == JL_NULL)
		return 0;
	if (v->type != JL_NUMBER || !v->is_uint || v->uint > UINT32_MAX) {
		snprintf(c->err, c->errlen, "\"%s\" is not a number from 0 to 4294967295", key);
		return 1;
	}
	*out = (uint32_t)v->uint;
	if (has)
		*has = 1;
	return 0;
}

static void copy_str(char *dst, size_t room, const struct jl_value *v)
{
	size_t n = v->len < room - 1 ? v->len : room - 1;

	memcpy(dst, v->str, n);
	dst[n] = 0;
}

static int member(void *ctx, const char *key, const struct jl_value *v)
{
	struct parse_ctx *c = ctx;
	struct event *ev = c->ev;

	if (!strcmp(key, "time")) {
		if (v->type == JL_STRING) {
			if (event_parse_time(v->str, &ev->time_s)) {
				snprintf(c->err, c->errlen, "\"time\" is not an ISO 8601 time: \"%.40s\"",
					 v->str);
				return 1;
			}
		} else if (v->type == JL_NUMBER && isfinite(v->num) && fabs(v->num) < 1e15) {
			ev->time_s = (int64_t)floor(v->num);
		} else {
			snprintf(c->err, c->errlen, "\"time\" is neither a time string nor seconds");
			return 1;
		}
		ev->has_time = 1;
	} else if (!strcmp(key, "pid")) {
		return want_u32(c, key, v, &ev->pid, &ev->has_pid);
	} else if (!strcmp(key, "ppid")) {
		return want_u32(c, key, v, &ev->ppid, &ev->has_ppid);
	} else if (!strcmp(key, "uid")) {
		return want_u32(c, key, v, &ev->uid, &ev->has_uid);
	} else if (!strcmp(key, "nr")) {
		return want_u32(c, key, v, &ev->nr, NULL);
	} else if (!strcmp(key, "misses")) {
		return want_u32(c, key, v, &ev->misses, NULL);
	} else if (!strcmp(key, "lfc")) {
		return want_u32(c, key, v, &ev->lfc, &ev->has_lfc);
	} else if (!strcmp(key, "type") && v->type == JL_STRING) {
		ev->other = strcmp(v->str, "anomaly") != 0;
	} else if (!strcmp(key, "exe") && v->type == JL_STRING) {
		if (!ev->exe_hex)
			copy_str(ev->exe, sizeof(ev->exe), v);
	} else if (!strcmp(key, "exe_hex") && v->type == JL_STRING) {
		/* The path's real bytes, where "exe" had to replace some. */
		size_t n = 0;

		for (size_t i = 0; i + 1 < v->len && n + 1 < sizeof(ev->exe); i += 2) {
			unsigned b;

			if (sscanf(v->str + i, "%2x", &b) != 1)
				break;
			ev->exe[n++] = (char)b;
		}
		ev->exe[n] = 0;
		ev->exe_hex = 1;
	} else if ((!strcmp(key, "syscall") || !strcmp(key, "call")) && v->type == JL_STRING) {
		copy_str(ev->syscall, sizeof(ev->syscall), v);
	} else if (!strcmp(key, "state") && v->type == JL_STRING) {
		copy_str(ev->state, sizeof(ev->state), v);
	}
	return 0;
}

int event_parse(const char *line, size_t len, struct event *ev, char *err, size_t errlen)
{
	struct parse_ctx c = { .ev = ev, .err = err, .errlen = errlen };
	const char *msg = NULL;
	size_t pos = 0;
	int r;

	memset(ev, 0, offsetof(struct event, exe));
	ev->exe[0] = ev->syscall[0] = ev->state[0] = 0;
	r = jl_parse_object(line, len, member, &c, &pos, &msg);
	if (r < 0) {
		snprintf(err, errlen, "column %zu: %s", pos + 1, msg);
		return -1;
	}
	if (r > 0)
		return -1;
	if (ev->other)
		return 1;
	if (!ev->has_pid) {
		snprintf(err, errlen, "no \"pid\"");
		return -1;
	}
	return 0;
}

int events_open(const char *path, struct events_file *f)
{
	struct stat st;
	char *buf;
	ssize_t n;

	memset(f, 0, sizeof(*f));
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f->fd < 0)
		return -errno;
	if (fstat(f->fd, &st) || !S_ISREG(st.st_mode)) {
		int err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;

		close(f->fd);
		f->fd = -1;
		return err;
	}
	f->size = (uint64_t)st.st_size;
	buf = malloc(EVENT_LINE_MAX);
	if (!buf)
		return -ENOMEM;
	n = pread(f->fd, buf, EVENT_LINE_MAX, 0);
	if (n > 0) {
		char *nl = memchr(buf, '\n', (size_t)n);

		if (nl)
			f->id = XXH64(buf, (size_t)(nl - buf + 1), 0);
		else if (n == EVENT_LINE_MAX)
			f->id = XXH64(buf, (size_t)n, 0);
		/* Keep 0 out of the range of real identities. */
		if ((nl || n == EVENT_LINE_MAX) && !f->id)
			f->id = 1;
	}
	free(buf);
	return n < 0 ? -errno : 0;
}

void events_close(struct events_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int events_line_start(const struct events_file *f, uint64_t off, uint64_t *out)
{
	char buf[4096];

	if (off == 0 || off >= f->size) {
		*out = off < f->size ? off : f->size;
		return 0;
	}
	/* Is the byte before a newline? Then @off starts a line. */
	off--;
	while (off < f->size) {
		ssize_t n = pread(f->fd, buf, sizeof(buf), (off_t)off);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		nl = memchr(buf, '\n', (size_t)n);
		if (nl) {
			*out = off + (uint64_t)(nl - buf) + 1;
			return 0;
		}
		off += (uint64_t)n;
	}
	*out = f->size;
	return 0;
}

int events_scan(const struct events_file *f, uint64_t start, events_line_cb cb, void *ctx,
		uint64_t *end)
{
	const size_t cap = EVENT_LINE_MAX + 65536;
	char *buf = malloc(cap);
	uint64_t off = start, line_off = start;
	size_t have = 0;
	uint64_t dropped = 0;	/* bytes of an overlong line already thrown away */
	int err = 0;

	*end = start;
	if (!buf)
		return -ENOMEM;
	while (off < f->size) {
		size_t want = cap - have;
		ssize_t n;
		size_t used = 0;

		if (want > f->size - off)
			want = (size_t)(f->size - off);
		n = pread(f->fd, buf + have, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;	/* truncated under us: stop at what we have */
		off += (uint64_t)n;
		have += (size_t)n;
		for (;;) {
			char *nl = memchr(buf + used, '\n', have - used);
			size_t len;

			if (!nl)
				break;
			len = (size_t)(nl - (buf + used));
			if (dropped || len > EVENT_LINE_MAX)
				err = cb(ctx, line_off, NULL, 0, 1);
			else
				err = cb(ctx, line_off, buf + used, len, 0);
			if (err)
				goto out;
			used += len + 1;
			line_off += dropped + len + 1;
			dropped = 0;
			*end = line_off;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
		if (have > EVENT_LINE_MAX) {
			/* A line longer than any anomaly line: drop its bytes until its newline. */
			dropped += have;
			have = 0;
		}
	}
out:
	free(buf);
	return err;
}
