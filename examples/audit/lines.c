/* SPDX-License-Identifier: MIT */
/* Skipped-line accounting over a sliding ring of "seen" bits. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lines.h"

void ss_lines_init(struct ss_lines *l, const char *name, FILE *warn, uint32_t warn_max)
{
	l->name = name;
	l->base = 1;
	l->bits = NULL;
	l->skipped = l->late = 0;
	l->warn = warn;
	l->warned = 0;
	l->warn_max = warn_max;
	l->marked = l->max_line = 0;
	l->last = NULL;
	l->last_len = l->last_cap = 0;
}

void ss_lines_free(struct ss_lines *l)
{
	free(l->bits);
	free(l->last);
	l->bits = NULL;
	l->last = NULL;
	l->last_cap = 0;
}

static int ss_bit_test_clear(uint64_t *bits, uint64_t line)
{
	uint64_t i = line % SS_LINES_RING, m = 1ull << (i % 64);
	int set = !!(bits[i / 64] & m);

	bits[i / 64] &= ~m;
	return set;
}

/* Settle lines up to (not including) @upto. */
static void ss_lines_settle(struct ss_lines *l, uint64_t upto)
{
	for (; l->base < upto; l->base++) {
		if (l->bits && ss_bit_test_clear(l->bits, l->base))
			continue;
		l->skipped++;
		if (!l->warn)
			continue;
		if (l->warned < l->warn_max)
			fprintf(l->warn, "%s:%" PRIu64 ": not an audit record, skipped\n",
				l->name, l->base);
		else if (l->warned == l->warn_max)
			fprintf(l->warn, "%s: more unparsable lines, not shown\n", l->name);
		l->warned++;
	}
}

int ss_lines_mark(struct ss_lines *l, uint64_t line)
{
	uint64_t i;

	if (!line)
		return 0;
	if (line < l->base) {
		/* Counted as skipped when it fell out of the ring; it was not. */
		if (l->skipped)
			l->skipped--;
		l->late++;
		l->marked++;
		return 0;
	}
	if (!l->bits) {
		l->bits = calloc(SS_LINES_RING / 64, sizeof(uint64_t));
		if (!l->bits)
			return -ENOMEM;
	}
	if (line >= l->base + SS_LINES_RING)
		ss_lines_settle(l, line - SS_LINES_RING + 1);
	i = line % SS_LINES_RING;
	if (!(l->bits[i / 64] & (1ull << (i % 64))))
		l->marked++;
	l->bits[i / 64] |= 1ull << (i % 64);
	if (line > l->max_line)
		l->max_line = line;
	return 0;
}

void ss_lines_keep_text(struct ss_lines *l, uint64_t line, const char *text)
{
	if (line == l->max_line && text) {
		size_t len = strlen(text);

		if (len + 1 > l->last_cap) {
			char *n = realloc(l->last, len + 1);

			if (n) {
				l->last = n;
				l->last_cap = len + 1;
			}
		}
		if (len + 1 <= l->last_cap) {
			memcpy(l->last, text, len + 1);
			l->last_len = len;
		} else {
			l->last_len = 0;	/* unknown: the tail check gives up */
		}
	}
}

/* Bytes read backwards at most when looking for the last record's line. */
#define SS_TAIL_MAX (1u << 20)

int ss_lines_tail(struct ss_lines *l, int fd, uint64_t *total)
{
	struct stat st;
	size_t len, want = l->last_len;
	char *buf, *end;
	off_t off;
	uint64_t after = 0, max = l->max_line;	/* marking EOE lines moves max_line */
	int found = 0;

	if (!l->max_line || !want || l->marked != l->max_line || l->skipped)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return -1;
	len = (size_t)st.st_size < SS_TAIL_MAX ? (size_t)st.st_size : SS_TAIL_MAX;
	off = st.st_size - (off_t)len;
	buf = malloc(len + 1);
	if (!buf)
		return -1;
	if (pread(fd, buf, len, off) != (ssize_t)len) {
		free(buf);
		return -1;
	}
	end = buf + len;
	/* Walk the lines from the last one back; a final line may lack its newline. */
	if (end > buf && end[-1] == '\n')
		end--;
	for (;;) {
		char *nl = memrchr(buf, '\n', (size_t)(end - buf));
		char *start = nl ? nl + 1 : buf;
		size_t n = (size_t)(end - start);
		char *gs;

		if (!nl && off > 0)
			break;	/* the line may begin before what was read */
		gs = memchr(start, 0x1d, n);	/* ENRICHED: the raw part ends here */
		if ((gs ? (size_t)(gs - start) : n) == want && !memcmp(start, l->last, want)) {
			found = 1;
			break;
		}
		after++;
		if (ss_lines_is_eoe(start, n))
			ss_lines_mark(l, max + after);
		if (!nl)
			break;
		end = nl;
	}
	free(buf);
	if (!found)
		return -1;
	*total = max + after;
	return 0;
}

void ss_lines_finish(struct ss_lines *l, uint64_t total)
{
	ss_lines_settle(l, total + 1);
}

int ss_lines_is_eoe(const char *head, size_t len)
{
	static const char eoe[] = "type=EOE ";
	const char *sp;

	/* name_format: "node=NAME type=EOE msg=..." */
	if (len >= 5 && !memcmp(head, "node=", 5)) {
		sp = memchr(head, ' ', len);
		if (!sp)
			return 0;
		len -= (size_t)(sp + 1 - head);
		head = sp + 1;
	}
	return len >= sizeof(eoe) - 1 && !memcmp(head, eoe, sizeof(eoe) - 1);
}
