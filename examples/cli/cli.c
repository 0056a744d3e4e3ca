/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the selfseq commands: messages, allocation, number
 * options, profiles on disk.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <selfseq/selfseq-file.h>

#include "cli.h"
#include "syscall-names.h"

/* Arrays this big ask for transparent huge pages. */
#define CLI_HUGE_ARRAY (4u << 20)
/* Traces this long are scored on two threads. */
#define CLI_SCORE_PARALLEL (1u << 18)

const char *cli_prog = "selfseq";

static void cli_vmsg(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", cli_prog, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmsg("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmsg("warning: ", fmt, ap);
	va_end(ap);
}

static void cli_oom(void)
{
	cli_error("out of memory");
	exit(CLI_EXIT_SYSTEM);
}

void *cli_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		cli_oom();
	return p;
}

void *cli_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		cli_oom();
	return p;
}

void *cli_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		cli_oom();
	return p;
}

char *cli_strdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		cli_oom();
	return d;
}

void cli_grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void **p = pp;
	size_t c = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			cli_oom();
		c *= 2;
	}
	*p = cli_realloc(*p, c * size);
	*cap = c;
	if (c * size >= CLI_HUGE_ARRAY) {
		/* Big arrays fill fast: 2 MiB pages spare hundreds of page faults per MiB. */
		uintptr_t lo = ((uintptr_t)*p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
		uintptr_t hi = ((uintptr_t)*p + c * size) & ~(uintptr_t)((2u << 20) - 1);

		if (hi > lo)
			madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	}
}

int cli_parse_u32(const char *s, uint32_t lo, uint32_t hi, const char *what, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!s || *s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	cli_error("%s must be a number from %u to %u, not '%s'", what, lo, hi, s ? s : "");
	return -1;
}

int cli_parse_list(const char *s, uint32_t lo, uint32_t hi, const char *what, uint32_t *out,
		   int max)
{
	char *copy = cli_strdup(s), *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max) {
			cli_error("at most %d values for %s", max, what);
			n = -1;
			break;
		}
		if (cli_parse_u32(tok, lo, hi, what, &out[n])) {
			n = -1;
			break;
		}
		n++;
	}
	if (n == 0) {
		cli_error("%s: empty list", what);
		n = -1;
	}
	free(copy);
	return n;
}

struct selfseq_profile *cli_profile_load(const char *path)
{
	struct selfseq_profile *p = NULL;
	int err = selfseq_profile_load(path, NULL, &p);

	if (err) {
		cli_error("%s: cannot load profile: %s", path,
			  err == -ENOENT || err == -EACCES || err == -EISDIR ? strerror(-err) :
									       selfseq_strerror(err));
		return NULL;
	}
	return p;
}

int cli_profile_save(const struct selfseq_profile *p, const char *path)
{
	int err = selfseq_profile_save(p, path);

	if (err) {
		cli_error("%s: cannot save profile: %s", path, selfseq_strerror(err));
		return -1;
	}
	return 0;
}

void cli_profile_state(const struct selfseq_profile *p, struct selfseq_profile_state *st)
{
	memset(st, 0, sizeof(*st));
	st->sz = sizeof(*st);
	selfseq_profile_get_state(p, st);
}

const struct selfseq_db *cli_profile_db(const struct selfseq_profile *p)
{
	struct selfseq_profile_state st;

	cli_profile_state(p, &st);
	return st.flags & SELFSEQ_STATE_NORMAL ? selfseq_profile_get_test(p) :
						 selfseq_profile_get_train(p);
}

const char *cli_call_name(uint32_t arch, uint32_t call, char *buf, size_t len)
{
	const char *name = arch ? ss_syscall_name(arch, call) : NULL;

	if (name)
		return name;
	snprintf(buf, len, "%u", call);
	return buf;
}

struct score_half {
	const struct selfseq_db *db;
	const uint32_t *calls;
	size_t n;
	uint8_t *misses;
	struct selfseq_score s;
	int err;
};

static void *score_half_run(void *arg)
{
	struct score_half *h = arg;
	struct selfseq_score_opts so = { .sz = sizeof(so), .misses = h->misses };

	h->s.sz = sizeof(h->s);
	h->err = selfseq_db_score(h->db, h->calls, h->n, &so, &h->s);
	return NULL;
}

/*
 * A long trace is scored as two halves on two threads (scoring only reads
 * the database, which the library allows concurrently), each writing its
 * own part of @misses. The second half starts k calls early so that its
 * calls see their full history; those k calls, which it scores with a
 * shortened history, are scored again afterwards from 2k calls back, and
 * the totals corrected.
 */
static int score_halves(const struct selfseq_db *db, const uint32_t *calls, size_t n,
			uint8_t *misses, struct selfseq_score *s)
{
	size_t k = selfseq_db_get_window(db) - 1, mid = n / 2, i;
	struct score_half a = { db, calls, mid - k, misses, { 0 }, 0 };
	struct score_half b = { db, calls + mid - k, n - mid + k, misses + mid - k, { 0 }, 0 };
	uint8_t edge[2 * SELFSEQ_WINDOW_MAX];
	struct score_half e = { db, calls + mid - 2 * k, 2 * k, edge, { 0 }, 0 };
	pthread_t tid;

	if (pthread_create(&tid, NULL, score_half_run, &b))
		return 1;	/* not started: the caller scores in one piece */
	score_half_run(&a);
	score_half_run(&e);
	pthread_join(tid, NULL);
	if (a.err || b.err || e.err)
		return a.err ? a.err : b.err ? b.err : e.err;
	for (i = 0; i < k; i++) {
		uint8_t *m = misses + mid - k + i;

		b.s.mismatches = b.s.mismatches - *m + edge[k + i];
		b.s.anomalous_calls = b.s.anomalous_calls - (*m != 0) + (edge[k + i] != 0);
		*m = edge[k + i];
	}
	s->calls = n;
	s->mismatches = a.s.mismatches + b.s.mismatches;
	s->anomalous_calls = a.s.anomalous_calls + b.s.anomalous_calls;
	s->max_mismatches = selfseq_max_mismatches(selfseq_db_get_window(db), n);
	s->ppm = s->max_mismatches ? (uint32_t)(s->mismatches * 1000000u / s->max_mismatches) : 0;
	return 0;
}

int cli_score(const struct selfseq_db *db, const uint32_t *calls, size_t n, uint32_t frame,
	      uint8_t **misses, size_t *misses_cap, struct selfseq_score *s, uint32_t *max_lfc)
{
	struct selfseq_score_opts so = { .sz = sizeof(so) };
	uint32_t lfc = 0, max = 0;
	const uint8_t *m;
	size_t i;
	int err = 1;

	cli_grow(misses, misses_cap, n, 1);
	so.misses = *misses;
	memset(s, 0, sizeof(*s));
	s->sz = sizeof(*s);
	if (n >= CLI_SCORE_PARALLEL)
		err = score_halves(db, calls, n, *misses, s);
	if (err > 0)
		err = selfseq_db_score(db, calls, n, &so, s);
	if (err)
		return err;
	/*
	 * pH's locality frame count, from the misses: the scorer's own
	 * lfc_frame option scores every call twice more, and feeding
	 * selfseq_lfc_add() costs a call per call; this loop is the same
	 * count (anomalous calls among the last @frame) in one cheap pass.
	 */
	m = *misses;
	for (i = 0; i < n; i++) {
		lfc += m[i] != 0;
		if (i >= frame)
			lfc -= m[i - frame] != 0;
		if (lfc > max)
			max = lfc;
	}
	*max_lfc = max;
	return 0;
}

uint64_t cli_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
