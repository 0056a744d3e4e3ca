/* SPDX-License-Identifier: MIT */
/*
 * The reading driver: walks the command-line paths, opens each file
 * (gzip or plain, or stdin), picks its format, feeds the format parser
 * big buffers (parser.c), and hands the finished traces on. Messages name
 * file:line.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "parse.h"
#include "progress.h"
#include "source.h"

#define INPUT_CHUNK (1u << 20)		/* bytes read per step */
#define INPUT_LINE_MAX (64u << 20)	/* longest line or number run accepted */
#define INPUT_DETECT (64u << 10)	/* bytes looked at to guess a format */
#define INPUT_PARALLEL (4u << 20)	/* ADFA files this big are parsed on two threads */

static const char *const format_names[] = {
	[FMT_AUTO] = "auto", [FMT_UNM] = "unm", [FMT_ADFA] = "adfa",
	[FMT_STRACE] = "strace", [FMT_NAMES] = "names",
};

int input_format_parse(const char *s, enum trace_format *fmt)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcmp(s, format_names[i])) {
			*fmt = (enum trace_format)i;
			return 0;
		}
	return -1;
}

const char *input_format_name(enum trace_format fmt)
{
	return format_names[fmt];
}

int input_on_error_parse(const char *s, struct input_opts *o)
{
	if (!strcmp(s, "skip"))
		o->skip_errors = 1;
	else if (!strcmp(s, "fail"))
		o->skip_errors = 0;
	else
		return -1;
	return 0;
}

/*
 * Pick the file's format from its first bytes (when not forced) and open
 * the traces every file of that format has: 0 to go on, 1 when the file
 * is empty (one empty trace, so it shows up in the results), or
 * CLI_EXIT_INPUT.
 */
static int input_begin(struct parser *ps, const char *buf, size_t len, int final)
{
	if (ps->format == FMT_AUTO) {
		ps->format = parse_detect(buf, len, final);
		if (ps->format == FMT_AUTO && len == 0) {
			parse_proc(ps, 0, 0);
			return 1;
		}
		if (ps->format == FMT_AUTO) {
			cli_error("%s: cannot tell the trace format; use --format unm|adfa|strace|names",
				  ps->file);
			return CLI_EXIT_INPUT;
		}
	}
	if (ps->format == FMT_ADFA || ps->format == FMT_NAMES)
		parse_proc(ps, 0, 0);	/* one trace per file, even when empty */
	return 0;
}

/* Read a file that is not mapped: buffers of INPUT_CHUNK, lines carried over. */
static int input_stream(struct parser *ps, struct source *src)
{
	size_t cap = INPUT_CHUNK, start = 0, end = 0;
	int final = 0, begun = 0, rc = CLI_EXIT_OK;
	char *buf = cli_malloc(cap);

	while (!final && !rc) {
		ssize_t r;
		size_t used;

		if (start) {
			memmove(buf, buf + start, end - start);
			end -= start;
			start = 0;
		}
		if (end == cap) {
			if (cap >= INPUT_LINE_MAX) {
				parse_fatal(ps, "a line or number is longer than %u MiB",
					    INPUT_LINE_MAX >> 20);
				break;
			}
			cli_grow(&buf, &cap, cap * 2, 1);
		}
		r = source_read(src, buf + end, cap - end);
		if (r < 0) {
			cli_error("%s: %s", ps->file, r == -1 ? strerror(errno) : source_error(src));
			rc = CLI_EXIT_INPUT;
			break;
		}
		end += (size_t)r;
		final = r == 0;
		if (!begun) {
			if (!final && end < INPUT_DETECT)
				continue;
			rc = input_begin(ps, buf, end, final);
			begun = 1;
			if (rc)
				break;
		}
		used = parse_buffer(ps, buf + start, end - start, final);
		start += used;
		progress_bytes((uint64_t)used);
		if (ps->fatal)
			rc = ps->fatal;
	}
	free(buf);
	return rc == 1 ? CLI_EXIT_OK : rc;
}

struct adfa_half {
	struct parser ps;
	const char *buf;
	size_t len;
};

static void *adfa_half_run(void *arg)
{
	struct adfa_half *h = arg;

	parse_proc(&h->ps, 0, 0);
	parse_adfa(&h->ps, h->buf, h->len, 1);
	return NULL;
}

/*
 * A big ADFA file parsed as two halves on two threads, the second half's
 * calls then appended to the first's. Both halves are trial runs: on any
 * problem the caller parses the file again the ordinary way, which reports
 * it with its line number. Returns 0 when done, -1 otherwise.
 */
static int parse_adfa_halves(struct parser *ps, const char *buf, size_t len)
{
	struct adfa_half h = { .ps = { .o = ps->o, .file = ps->file, .family = ps->family,
				       .format = FMT_ADFA, .trial = 1 } };
	struct proc *pr = ps->procs[0], *pr2;
	size_t mid = len / 2;
	pthread_t tid;

	while (mid < len && buf[mid] != ' ' && buf[mid] != '\n')
		mid++;
	if (mid == len)
		return -1;
	h.buf = buf + mid;
	h.len = len - mid;
	/* Room for both halves now: growing later would copy the first half. */
	cli_grow(&pr->t.calls, &pr->t.cap, len / 2 + 2, sizeof(uint32_t));
	if (pthread_create(&tid, NULL, adfa_half_run, &h))
		return -1;
	ps->trial = 1;
	parse_adfa(ps, buf, mid, 1);
	ps->trial = 0;
	pthread_join(tid, NULL);
	pr2 = h.ps.procs[0];
	if (!ps->fatal && !h.ps.fatal) {
		cli_grow(&pr->t.calls, &pr->t.cap, pr->t.n + pr2->t.n, sizeof(uint32_t));
		memcpy(pr->t.calls + pr->t.n, pr2->t.calls, pr2->t.n * sizeof(uint32_t));
		pr->t.n += pr2->t.n;
		ps->line += h.ps.line - 1;
	}
	parser_free(&h.ps);
	if (ps->fatal || h.ps.fatal) {
		pr->t.n = 0;
		ps->line = 0;
		ps->fatal = 0;
		return -1;
	}
	return 0;
}

/* Read one file through its parser; the traces go to @cb at the end of the file. */
static int input_file(const char *path, const char *family, struct input_opts *o, trace_cb cb,
		      void *ctx)
{
	struct parser ps = { .o = o, .file = path, .family = family, .format = o->format };
	struct source *src = source_open(path);
	const char *map;
	size_t len, i;
	int rc;

	if (!src) {
		cli_error("%s: %s", path, strerror(errno));
		return CLI_EXIT_INPUT;
	}
	map = source_map(src, &len);
	if (map) {
		/* The whole file at once: no copies, no carry-over between buffers. */
		rc = input_begin(&ps, map, len, 1);
		if (!rc) {
			if (ps.format != FMT_ADFA || len < INPUT_PARALLEL ||
			    parse_adfa_halves(&ps, map, len))
				parse_buffer(&ps, map, len, 1);
			progress_bytes((uint64_t)len);
			rc = ps.fatal;
		}
		rc = rc == 1 ? CLI_EXIT_OK : rc;
	} else {
		rc = input_stream(&ps, src);
	}
	source_close(src);
	o->files++;
	progress_file();
	for (i = 0; i < ps.nprocs && rc == CLI_EXIT_OK; i++) {
		o->calls += ps.procs[i]->t.n;
		progress_calls(ps.procs[i]->t.n);
		rc = cb(ctx, &ps.procs[i]->t);
	}
	parser_free(&ps);
	return rc;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* The family of a file: its first directory below the argument, without a trailing "_<n>". */
static char *family_of(const char *rel)
{
	const char *slash = strchr(rel, '/');
	char *f;
	size_t n, j;

	if (!slash)
		return NULL;
	n = (size_t)(slash - rel);
	f = cli_malloc(n + 1);
	memcpy(f, rel, n);
	f[n] = 0;
	for (j = n; j > 0 && f[j - 1] >= '0' && f[j - 1] <= '9'; j--)
		;
	if (j > 1 && j < n && f[j - 1] == '_')
		f[j - 1] = 0;
	return f;
}

static int input_walk(const char *path, size_t root_len, struct input_opts *o, trace_cb cb,
		      void *ctx, int depth)
{
	struct dirent **ents;
	struct stat st;
	int n, i, rc = CLI_EXIT_OK;

	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (depth > 64) {
			cli_error("%s: directories nested too deep", path);
			return CLI_EXIT_INPUT;
		}
		n = scandir(path, &ents, skip_dot, name_cmp);
		if (n < 0) {
			cli_error("%s: %s", path, strerror(errno));
			return CLI_EXIT_INPUT;
		}
		for (i = 0; i < n; i++) {
			size_t len = strlen(path) + strlen(ents[i]->d_name) + 2;
			char *child = cli_malloc(len);

			snprintf(child, len, "%s%s%s", path,
				 path[strlen(path) - 1] == '/' ? "" : "/", ents[i]->d_name);
			if (!rc)
				rc = input_walk(child, root_len, o, cb, ctx, depth + 1);
			free(child);
			free(ents[i]);
		}
		free(ents);
		return rc;
	}
	{
		char *family = depth ? family_of(path + root_len) : NULL;

		rc = input_file(path, family, o, cb, ctx);
		free(family);
	}
	return rc;
}

int input_read(char *const *paths, int npaths, struct input_opts *o, trace_cb cb, void *ctx)
{
	int i, rc = CLI_EXIT_OK;

	progress_start(o->progress);
	for (i = 0; i < npaths && rc == CLI_EXIT_OK; i++) {
		size_t root_len = strlen(paths[i]);

		while (root_len && paths[i][root_len - 1] == '/')
			root_len--;
		rc = input_walk(paths[i], root_len + 1, o, cb, ctx, 0);
	}
	progress_stop();
	if (o->skipped)
		cli_warn("%llu malformed line%s or token%s skipped", (unsigned long long)o->skipped,
			 o->skipped == 1 ? "" : "s", o->skipped == 1 ? "" : "s");
	return rc;
}
