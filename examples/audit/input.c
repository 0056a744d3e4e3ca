/* SPDX-License-Identifier: MIT */
/*
 * Inputs: log files through libauparse's file source (one stream over all
 * files, so an event split by log rotation is reassembled), and a stream
 * (stdin, or auditd's pipe to a plugin) through its feed interface with a
 * one-second timer, so the last event is delivered when the input goes
 * quiet, not only when the next one arrives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "handoff.h"

static uint64_t ss_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

/* Live or long runs: save profiles every --save-interval seconds; SIGHUP: now. */
void ss_periodic(struct ss_app *a)
{
	static uint64_t next;
	uint64_t now;

	if (a->hup && *a->hup) {
		*a->hup = 0;
		ss_save_profiles(a, "SIGHUP");
		if (a->o.output && a->out != stdout) {
			/* Reopen, so logrotate can move the file away. */
			FILE *f = fopen(a->o.output, "a");

			if (f) {
				fclose(a->out);
				a->out = f;
			}
		}
	}
	if (!a->o.save_interval_s || a->o.cmd == SS_CMD_SCORE || a->o.cmd == SS_CMD_EXTRACT)
		return;
	now = ss_now_s();
	if (!next)
		next = now + a->o.save_interval_s;
	if (now >= next) {
		ss_save_profiles(a, "periodic");
		next = now + a->o.save_interval_s;
	}
}

/* Bytes of a line's start kept to recognise it (EOE records are short). */
#define SS_HEAD 64

/*
 * Count the newlines of @buf into *@nl, and mark EOE lines as read in @l;
 * @head keeps the start of a line cut by the end of the buffer.
 */
static void ss_scan_lines(struct ss_lines *l, const char *buf, size_t len, uint64_t *nl,
			  char *head, size_t *headlen)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *q = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((q ? q : end) - p);

		if (q && !*headlen) {
			/* The whole line is here: no copy (the common case). */
			++*nl;
			if (ss_lines_is_eoe(p, n))
				ss_lines_mark(l, *nl);
			p = q + 1;
			continue;
		}
		if (*headlen < SS_HEAD) {
			size_t take = n < SS_HEAD - *headlen ? n : SS_HEAD - *headlen;

			memcpy(head + *headlen, p, take);
			*headlen += take;
		}
		if (!q)
			break;
		++*nl;
		if (ss_lines_is_eoe(head, *headlen))
			ss_lines_mark(l, *nl);
		*headlen = 0;
		p = q + 1;
	}
}

/* Lines in a file (the last one counted even without its newline); EOE lines marked. */
static int ss_count_lines(const char *path, struct ss_lines *l, uint64_t *lines)
{
	static char buf[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t n = 0;
	char last = '\n', head[SS_HEAD];
	size_t headlen = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		ss_scan_lines(l, buf, (size_t)r, &n, head, &headlen);
		last = buf[r - 1];
	}
	close(fd);
	if (r < 0)
		return -errno;
	if (last != '\n' && ss_lines_is_eoe(head, headlen))
		ss_lines_mark(l, n + 1);
	*lines = n + (last != '\n');
	return 0;
}

/*
 * The number of lines of a log file that was read to its end. Counting
 * them again would read the whole file a second time (several per cent of
 * the run, bench/): when every line up to the last record's came from a
 * record, only the end of the file is read (ss_lines_tail()).
 */
static int ss_lines_end(const char *path, struct ss_lines *l, uint64_t *total)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = -1;

	if (fd >= 0) {
		r = ss_lines_tail(l, fd, total);
		close(fd);
	}
	return r ? ss_count_lines(path, l, total) : 0;
}

int ss_read_files(struct ss_app *a, char **paths, size_t n)
{
	struct ss_lines *lines = calloc(n ? n : 1, sizeof(*lines));
	struct ss_lines **lp = calloc(n ? n : 1, sizeof(*lp));
	const char **ok = calloc(n + 1, sizeof(*ok));
	auparse_state_t *au = NULL;
	struct ss_handoff *h;
	size_t i, nok = 0;
	uint64_t events = 0;
	int r = 0;

	if (!lines || !lp || !ok) {
		fprintf(stderr, "selfseq-audit: out of memory\n");
		r = -ENOMEM;
		goto out;
	}
	/* libauparse skips a file it cannot open without a word: check first. */
	for (i = 0; i < n; i++) {
		struct stat st;
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fstat(fd, &st) || S_ISDIR(st.st_mode)) {
			fprintf(stderr, "selfseq-audit: %s: %s\n", paths[i],
				fd < 0 ? strerror(errno) : "is a directory");
			a->input_failed = 1;
			if (fd >= 0)
				close(fd);
			continue;
		}
		close(fd);
		ss_lines_init(&lines[nok], paths[i], stderr, a->o.warn_max);
		lp[nok] = &lines[nok];
		ok[nok++] = paths[i];
	}
	if (!nok)
		goto out;
	au = auparse_init(AUSOURCE_FILE_ARRAY, ok);
	if (!au) {
		fprintf(stderr, "selfseq-audit: cannot open the audit logs: %s\n", strerror(errno));
		a->input_failed = 1;
		r = -errno;
		goto out;
	}
	/* The pipeline after libauparse runs on a second thread, when there is one. */
	h = ss_handoff_start(a);
	while (!*a->stop) {
		int e = auparse_next_event(au);

		if (e == 0)
			break;
		if (e < 0) {
			fprintf(stderr, "selfseq-audit: reading the audit logs: %s\n",
				strerror(errno));
			a->input_failed = 1;
			break;
		}
		ss_pipeline_event(a, au, lp, ok, nok, h);
		if (!h && !(++events & 4095))
			ss_periodic(a);
	}
	ss_handoff_finish(h);
	ss_pipeline_drain(a, 1);
	for (i = 0; i < nok; i++) {
		uint64_t total = 0;

		/* Interrupted: the unread rest of the files is not "skipped". */
		if (*a->stop)
			total = lines[i].max_line;
		else if (ss_lines_end(ok[i], &lines[i], &total))
			total = lines[i].max_line;
		ss_lines_finish(&lines[i], total);
		a->lines += total;
		a->skipped[SS_SKIP_LINE] += lines[i].skipped;
	}
out:
	if (au)
		auparse_destroy(au);
	for (i = 0; i < nok; i++)
		ss_lines_free(&lines[i]);
	free(lines);
	free(lp);
	free(ok);
	return r;
}

struct ss_feed_ctx {
	struct ss_app *a;
	struct ss_lines *lines;
};

static void ss_feed_cb(auparse_state_t *au, auparse_cb_event_t type, void *data)
{
	struct ss_feed_ctx *ctx = data;

	if (type == AUPARSE_CB_EVENT_READY)
		ss_pipeline_event(ctx->a, au, &ctx->lines, NULL, 1, NULL);
}

int ss_read_stream(struct ss_app *a, int fd, int live)
{
	static char buf[1 << 16];
	struct ss_lines lines;
	struct ss_feed_ctx ctx = { a, &lines };
	auparse_state_t *au;
	uint64_t nl = 0;
	char last = '\n', head[SS_HEAD];
	size_t headlen = 0;
	int r = 0;

	(void)live;
	ss_lines_init(&lines, "<stdin>", stderr, a->o.warn_max);
	au = auparse_init(AUSOURCE_FEED, NULL);
	if (!au) {
		fprintf(stderr, "selfseq-audit: libauparse: %s\n", strerror(errno));
		return -errno;
	}
	auparse_set_eoe_timeout(a->o.eoe_timeout_s);
	auparse_add_callback(au, ss_feed_cb, &ctx, NULL);
	while (!*a->stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t got;
		int p = poll(&pfd, 1, 1000);

		if (p < 0 && errno != EINTR) {
			fprintf(stderr, "selfseq-audit: poll: %s\n", strerror(errno));
			r = -errno;
			break;
		}
		ss_periodic(a);
		if (p <= 0) {
			/* Quiet input: complete what has waited long enough, then release it. */
			if (auparse_feed_has_data(au))
				auparse_feed_age_events(au);
			ss_pipeline_drain(a, !auparse_feed_has_data(au));
			fflush(a->out);
			continue;
		}
		got = read(fd, buf, sizeof(buf));
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "selfseq-audit: reading the input: %s\n", strerror(errno));
			a->input_failed = 1;
			r = -errno;
			break;
		}
		if (got == 0)
			break;
		ss_scan_lines(&lines, buf, (size_t)got, &nl, head, &headlen);
		last = buf[got - 1];
		if (auparse_feed(au, buf, (size_t)got)) {
			fprintf(stderr, "selfseq-audit: libauparse refused input: %s\n",
				strerror(errno));
			a->input_failed = 1;
		}
	}
	/* End of input or a signal: everything read is still processed. */
	auparse_flush_feed(au);
	ss_pipeline_drain(a, 1);
	if (last != '\n' && ss_lines_is_eoe(head, headlen))
		ss_lines_mark(&lines, nl + 1);
	nl += last != '\n';
	ss_lines_finish(&lines, nl);
	a->lines += nl;
	a->skipped[SS_SKIP_LINE] += lines.skipped;
	ss_lines_free(&lines);
	auparse_destroy(au);
	return r;
}
