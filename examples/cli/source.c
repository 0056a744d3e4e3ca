/* SPDX-License-Identifier: MIT */
/*
 * Byte streams for the trace readers: plain reads straight into the
 * caller's buffer (no extra copy on the fast path), or zlib inflate when
 * the stream starts with the gzip magic (also from stdin, which cannot
 * seek, hence the sniffing buffer rather than gzopen).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "source.h"

#define SOURCE_INBUF (256u * 1024u)

struct source {
	int fd;
	int gz;			/* inflating */
	int gz_end;		/* the last member ended and no input followed yet */
	int eof;		/* no more bytes from fd */
	z_stream zs;
	size_t size;		/* plain regular file size, 0 if unknown */
	void *map;		/* source_map() */
	const char *err;
	unsigned char *in;	/* sniffed or compressed bytes */
	size_t in_pos, in_len;
};

static ssize_t source_fill_raw(struct source *s)
{
	ssize_t r;

	if (s->in_pos == s->in_len)
		s->in_pos = s->in_len = 0;
	if (s->eof || s->in_len == SOURCE_INBUF)
		return 0;
	do
		r = read(s->fd, s->in + s->in_len, SOURCE_INBUF - s->in_len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r == 0)
		s->eof = 1;
	s->in_len += (size_t)r;
	return r;
}

struct source *source_open(const char *path)
{
	struct source *s = calloc(1, sizeof(*s));
	struct stat st;

	if (!s)
		return NULL;
	s->in = malloc(SOURCE_INBUF);
	if (!s->in) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (!strcmp(path, "-")) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0)
			goto fail;
	}
	if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	/* Two bytes decide; a short first read is retried until EOF. */
	while (s->in_len < 2 && !s->eof)
		if (source_fill_raw(s) < 0)
			goto fail;
	if (s->in_len >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		s->gz = 1;
		if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
			errno = ENOMEM;
			goto fail;
		}
	} else if (S_ISREG(st.st_mode)) {
		s->size = (size_t)st.st_size;
	}
	return s;
fail:
	{
		int e = errno;

		if (s->fd > 0)
			close(s->fd);
		free(s->in);
		free(s);
		errno = e;
	}
	return NULL;
}

const char *source_map(struct source *s, size_t *len)
{
	if (!s->size || s->gz)
		return NULL;
	if (!s->map) {
		/* Populated at once: one fault-in pass instead of one fault per page. */
		s->map = mmap(NULL, s->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, s->fd, 0);
		if (s->map == MAP_FAILED) {
			s->map = NULL;
			return NULL;
		}
	}
	*len = s->size;
	return s->map;
}

size_t source_size_hint(const struct source *s)
{
	return s->size;
}

const char *source_error(const struct source *s)
{
	return s->err ? s->err : "read error";
}

static ssize_t source_read_plain(struct source *s, void *buf, size_t len)
{
	ssize_t r;

	if (s->in_pos < s->in_len) {
		size_t n = s->in_len - s->in_pos;

		if (n > len)
			n = len;
		memcpy(buf, s->in + s->in_pos, n);
		s->in_pos += n;
		return (ssize_t)n;
	}
	if (s->eof)
		return 0;
	do
		r = read(s->fd, buf, len);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		s->eof = 1;
	return r;
}

/* After a gzip member: another member, zero padding (ignored) or garbage. */
static int source_next_member(struct source *s)
{
	for (;;) {
		while (s->in_pos < s->in_len && s->in[s->in_pos] == 0)
			s->in_pos++;
		if (s->in_pos < s->in_len)
			break;
		if (source_fill_raw(s) < 0)
			return -1;
		if (s->in_pos == s->in_len && s->eof)
			return 0;	/* clean end */
	}
	if (s->in[s->in_pos] != 0x1f) {
		s->err = "data after the end of the gzip stream";
		return -2;
	}
	inflateReset(&s->zs);
	s->gz_end = 0;
	return 1;
}

static ssize_t source_read_gz(struct source *s, void *buf, size_t len)
{
	size_t done = 0;

	if (len > UINT32_MAX)
		len = UINT32_MAX;
	while (done == 0) {
		int zr;

		if (s->gz_end) {
			int r = source_next_member(s);

			if (r <= 0)
				return r;
		}
		if (s->in_pos == s->in_len) {
			if (source_fill_raw(s) < 0)
				return -1;
			if (s->in_len == 0 && s->eof) {
				s->err = "truncated gzip data";
				return -2;
			}
		}
		s->zs.next_in = s->in + s->in_pos;
		s->zs.avail_in = (uInt)(s->in_len - s->in_pos);
		s->zs.next_out = buf;
		s->zs.avail_out = (uInt)len;
		zr = inflate(&s->zs, Z_NO_FLUSH);
		s->in_pos = s->in_len - s->zs.avail_in;
		done = len - s->zs.avail_out;
		if (zr == Z_STREAM_END) {
			s->gz_end = 1;
		} else if (zr == Z_BUF_ERROR) {
			if (s->eof && s->in_pos == s->in_len && !done) {
				s->err = "truncated gzip data";
				return -2;
			}
		} else if (zr != Z_OK) {
			s->err = s->zs.msg ? s->zs.msg : "corrupt gzip data";
			return -2;
		}
	}
	return (ssize_t)done;
}

ssize_t source_read(struct source *s, void *buf, size_t len)
{
	return s->gz ? source_read_gz(s, buf, len) : source_read_plain(s, buf, len);
}

void source_close(struct source *s)
{
	if (!s)
		return;
	if (s->gz)
		inflateEnd(&s->zs);
	if (s->map)
		munmap(s->map, s->size);
	if (s->fd > 0)
		close(s->fd);
	free(s->in);
	free(s);
}
