/* SPDX-License-Identifier: MIT */
/*
 * The cooperation with CFEngine (Begnum & Burgess 2003): each run reads the
 * anomaly lines the front end appended since the last run, counts them into
 * the time-of-week statistics, and tells the agent
 *  - that sequence anomalies happened and are not yet acknowledged (a
 *    semaphore: the class stays set on every run until the policy, having
 *    responded, runs `selfseq-cfengine ack` with the token of that run);
 *  - which live processes they came from (pid reuse is checked against
 *    /proc/PID/exe), for process-selection promises;
 *  - how each series stands against the same time of week.
 * `measure` does the same reading and prints one number per series for
 * cf-monitord's own weekly statistics instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uthash.h>

#include "cfengine.h"
#include "events.h"

#define CUR_ID "events.id"
#define CUR_STATS "events.counted"
#define CUR_ACK "events.acked"
#define CUR_LINE "events.line"
#define SERIES_TOTAL "anomalies"
#define SERIES_EXE "anomalies:"
#define SERIES_PROCS "anomalous_processes"
#define MAX_PIDS 4096

struct pidinfo {
	uint32_t pid;
	uint32_t count, max_lfc;
	int64_t last;
	char exe[EVENT_EXE_MAX];
	UT_hash_handle hh;
};

/* A process that reported an anomaly since the last run (for SERIES_PROCS). */
struct freshpid {
	uint32_t pid;
	UT_hash_handle hh;
};

struct run {
	const struct opts *o;
	struct state st;
	struct events_file ev;
	int ev_err;		/* negative errno when the events file could not be read */
	uint64_t counted, acked, line, end;
	uint64_t unacked;	/* anomaly lines not yet acknowledged (listed) */
	uint64_t skipped;	/* unacknowledged bytes not read (beyond --max-read) */
	uint64_t lost;		/* new bytes never counted (beyond --max-read) */
	uint64_t read, bad, dropped_series;
	int reset;		/* the events file was replaced or truncated */
	struct pidinfo *pids;
	uint32_t npids;
	struct freshpid *fresh;	/* pids of the lines counted in this run */
	uint32_t nfresh;
	struct event evbuf;
};

static void feed(struct run *r, const char *series, int64_t t)
{
	int err = selfseq_stats_feed(r->st.stats, series, t, 1);

	if (err == -ENOSPC || err == -EINVAL)
		r->dropped_series++;
}

static void note_pid(struct run *r, const struct event *e)
{
	struct pidinfo *p;

	HASH_FIND(hh, r->pids, &e->pid, sizeof(e->pid), p);
	if (!p) {
		if (r->npids >= MAX_PIDS)
			return;
		p = calloc(1, sizeof(*p));
		if (!p)
			return;
		p->pid = e->pid;
		HASH_ADD(hh, r->pids, pid, sizeof(p->pid), p);
		r->npids++;
	}
	p->count++;
	if (e->lfc > p->max_lfc)
		p->max_lfc = e->lfc;
	if (e->time_s >= p->last) {
		p->last = e->time_s;
		/* The latest exe: a pid that exec'd reports its new program. */
		snprintf(p->exe, sizeof(p->exe), "%s", e->exe);
	}
}

static void note_fresh_pid(struct run *r, uint32_t pid)
{
	struct freshpid *f;

	HASH_FIND(hh, r->fresh, &pid, sizeof(pid), f);
	if (f || r->nfresh >= MAX_PIDS || !(f = calloc(1, sizeof(*f))))
		return;
	f->pid = pid;
	HASH_ADD(hh, r->fresh, pid, sizeof(f->pid), f);
	r->nfresh++;
}

static int on_line(void *ctx, uint64_t off, const char *line, size_t len, int toolong)
{
	struct run *r = ctx;
	int fresh = off >= r->counted, acked = off < r->acked;
	struct event *e = &r->evbuf;
	char err[200];
	int kind = 0;

	if (fresh)
		r->line++;
	if (acked && !fresh)
		return 0;
	if (!toolong) {
		kind = event_parse(line, len, e, err, sizeof(err));
		if (kind > 0)
			return 0;	/* a state change or summary, not an anomaly */
	}
	if (toolong || kind < 0) {
		if (fresh) {
			r->bad++;
			fprintf(stderr, "selfseq-cfengine: %s:%llu: %s, line skipped\n", r->o->events,
				(unsigned long long)r->line, toolong ? "line too long" : err);
		}
		return 0;
	}
	if (!e->has_time)
		e->time_s = r->o->now;
	if (fresh) {
		r->read++;
		if (e->has_pid)
			note_fresh_pid(r, e->pid);
		feed(r, SERIES_TOTAL, e->time_s);
		if (r->o->per_exe && e->exe[0]) {
			char name[SELFSEQ_STATS_NAME_MAX + 1];

			snprintf(name, sizeof(name), SERIES_EXE "%.*s",
				 (int)(SELFSEQ_STATS_NAME_MAX - sizeof(SERIES_EXE) + 1), e->exe);
			/* Series names are printable ASCII without separators. */
			for (char *c = name; *c; c++)
				if (*c <= ' ' || *c >= 0x7f || *c == ',' || *c == '"' || *c == '\\')
					*c = '_';
			feed(r, name, e->time_s);
		}
	}
	if (!acked) {
		r->unacked++;
		note_pid(r, e);
	}
	return 0;
}

static uint64_t cursor(struct selfseq_stats *s, const char *name)
{
	uint64_t v = 0;

	selfseq_stats_get_cursor(s, name, &v);
	return v;
}

/* Read what is new, count it, save. 0 or an EXIT_* code. */
static int update(struct run *r, const struct opts *o)
{
	struct selfseq_stats *s;
	uint64_t id, start;
	int rc, err;

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->ev.fd = -1;
	rc = state_open(&r->st, o->state, &o->stats_opts, 1);
	if (rc)
		return rc;
	s = r->st.stats;
	id = cursor(s, CUR_ID);
	r->counted = cursor(s, CUR_STATS);
	r->acked = cursor(s, CUR_ACK);
	r->line = cursor(s, CUR_LINE);

	err = events_open(o->events, &r->ev);
	if (err) {
		r->ev_err = err;
		fprintf(stderr, "selfseq-cfengine: %s: %s\n", o->events, strerror(-err));
		r->end = r->counted;
		goto finish;
	}
	if ((id && r->ev.id != id) || r->counted > r->ev.size || r->acked > r->ev.size) {
		/* Not the file we read last time: everything in it is new. */
		r->reset = 1;
		r->counted = r->acked = r->line = 0;
		fprintf(stderr, "selfseq-cfengine: %s was replaced or truncated; reading it from "
				"the start\n", o->events);
	}
	start = r->counted < r->acked ? r->counted : r->acked;
	if (r->ev.size - start > o->max_read) {
		uint64_t from;

		err = events_line_start(&r->ev, r->ev.size - o->max_read, &from);
		if (err) {
			r->ev_err = err;
			goto finish;
		}
		if (r->acked < from)
			r->skipped = from - r->acked;
		if (r->counted < from) {
			r->lost = from - r->counted;
			fprintf(stderr, "selfseq-cfengine: %s: %llu bytes beyond --max-read not counted\n",
				o->events, (unsigned long long)r->lost);
			r->counted = from;
		}
		start = from;
	}
	r->end = start;
	err = events_scan(&r->ev, start, on_line, r, &r->end);
	if (err) {
		r->ev_err = err;
		fprintf(stderr, "selfseq-cfengine: %s: %s\n", o->events, strerror(-err));
	}
	if (r->end < r->counted)
		r->end = r->counted;
	/*
	 * A gauge, one value per run: the processes that reported anomalies
	 * since the last run, i.e. that had a non-zero LFC at some point of it.
	 */
	if (!err) {
		err = selfseq_stats_add(s, SERIES_PROCS, o->now, r->nfresh, NULL);
		if (err == -ENOSPC || err == -EINVAL)
			r->dropped_series++;
	}
	if (selfseq_stats_set_cursor(s, CUR_ID, r->ev.id) ||
	    selfseq_stats_set_cursor(s, CUR_STATS, r->end) ||
	    selfseq_stats_set_cursor(s, CUR_ACK, r->acked) ||
	    selfseq_stats_set_cursor(s, CUR_LINE, r->line))
		return EXIT_STATE;
finish:
	selfseq_stats_set_time(s, o->now);
	return state_save(&r->st);
}

static void run_free(struct run *r)
{
	struct pidinfo *p, *tmp;
	struct freshpid *f, *ftmp;

	HASH_ITER(hh, r->pids, p, tmp) {
		HASH_DEL(r->pids, p);
		free(p);
	}
	HASH_ITER(hh, r->fresh, f, ftmp) {
		HASH_DEL(r->fresh, f);
		free(f);
	}
	events_close(&r->ev);
	state_close(&r->st);
}

/* Module protocol values end at the line; control bytes would start a new one. */
static void put_value(const char *v)
{
	size_t n = 0;

	for (; *v && n < 4000; v++, n++)
		putchar((unsigned char)*v < 0x20 || *v == 0x7f ? '?' : *v);
}

static void var(const struct opts *o, const char *name, const char *value)
{
	printf("=%s_%s=", o->prefix, name);
	put_value(value);
	putchar('\n');
}

static void var_u64(const struct opts *o, const char *name, uint64_t v)
{
	printf("=%s_%s=%llu\n", o->prefix, name, (unsigned long long)v);
}

static void var_micro(const struct opts *o, const char *name, int64_t v)
{
	printf("=%s_%s=%.2f\n", o->prefix, name, (double)v / SELFSEQ_STATS_MICRO);
}

/* Is @pid still the process that reported the anomaly? */
static int pid_current(const struct opts *o, const struct pidinfo *p)
{
	char path[64], exe[PATH_MAX + 16];
	ssize_t n;

	if (p->pid <= 1 || p->pid == (uint32_t)getpid() || p->pid == (uint32_t)getppid())
		return 0;
	snprintf(path, sizeof(path), "/proc/%u", p->pid);
	if (access(path, F_OK))
		return 0;
	if (!o->exe_check || !p->exe[0])
		return 1;
	snprintf(path, sizeof(path), "/proc/%u/exe", p->pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0) {
		if (errno == EACCES || errno == EPERM) {
			fprintf(stderr, "selfseq-cfengine: cannot check the program of pid %u (%s): "
					"listed unchecked\n", p->pid, strerror(errno));
			return 1;
		}
		return 0;	/* a zombie or kernel thread: nothing to signal */
	}
	exe[n] = 0;
	if (n > 10 && !strcmp(exe + n - 10, " (deleted)"))
		exe[n - 10] = 0;
	return !strcmp(exe, p->exe);
}

static int pid_cmp(const void *a, const void *b)
{
	const struct pidinfo *x = *(const struct pidinfo *const *)a;
	const struct pidinfo *y = *(const struct pidinfo *const *)b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void print_pids(const struct opts *o, struct run *r)
{
	struct pidinfo **live = calloc(r->npids ? r->npids : 1, sizeof(*live)), *p, *tmp;
	uint32_t n = 0, gone = 0, max_lfc = 0;
	char name[64];

	if (!live)
		return;
	HASH_ITER(hh, r->pids, p, tmp) {
		if (pid_current(o, p))
			live[n++] = p;
		else
			gone++;
	}
	qsort(live, n, sizeof(*live), pid_cmp);
	printf("=%s_anomalous_pids_csv=", o->prefix);
	for (uint32_t i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", live[i]->pid);
	putchar('\n');
	/* CFEngine 3.21 refuses an empty list literal, so the list is only given when not empty. */
	if (n) {
		printf("+%s_anomalous_process\n", o->prefix);
		printf("@%s_anomalous_pids= {", o->prefix);
		for (uint32_t i = 0; i < n; i++)
			printf("%s \"%u\"", i ? "," : "", live[i]->pid);
		puts(" }");
	}
	var_u64(o, "anomalous_pid_count", n);
	var_u64(o, "gone_pid_count", gone);
	for (uint32_t i = 0; i < n; i++) {
		p = live[i];
		snprintf(name, sizeof(name), "lfc[%u]", p->pid);
		var_u64(o, name, p->max_lfc);
		snprintf(name, sizeof(name), "count[%u]", p->pid);
		var_u64(o, name, p->count);
		snprintf(name, sizeof(name), "exe[%u]", p->pid);
		var(o, name, p->exe);
		if (p->max_lfc > max_lfc)
			max_lfc = p->max_lfc;
	}
	var_u64(o, "max_lfc", max_lfc);
	free(live);
}

static const char *level_word(uint32_t level)
{
	static const char *const w[] = { "unknown", "normal", "dev1", "dev2", "anomalous" };

	return level <= SELFSEQ_STATS_ANOMALOUS ? w[level] : "unknown";
}

/*
 * The class set follows cf-monitord's: one of _normal or _dev1, plus _dev2
 * beyond two deviations, plus _anomalous beyond three, after the direction.
 */
static void print_series(const struct opts *o, struct selfseq_stats *s, const char *series)
{
	struct selfseq_stats_class last = { .sz = sizeof(last) }, cur = { .sz = sizeof(cur) };
	const struct selfseq_stats_class *c;
	int has_last = !selfseq_stats_get_last(s, series, &last);
	int has_cur = !selfseq_stats_get_current(s, series, &cur);
	char canon[2 * SELFSEQ_STATS_NAME_MAX], name[3 * SELFSEQ_STATS_NAME_MAX];
	const char *dir;

	if (!has_last && !has_cur)
		return;
	canonify(canon, sizeof(canon), series);
	c = &last;
	/* A partial count can only grow: a high level already reached stands. */
	if (has_cur && cur.direction > 0 && cur.level > SELFSEQ_STATS_NORMAL &&
	    (!has_last || last.direction <= 0 || cur.level > last.level))
		c = &cur;
	else if (!has_last)
		c = NULL;
	if (has_cur) {
		snprintf(name, sizeof(name), "%s_current", canon);
		printf("=%s_%s=%lld\n", o->prefix, name, (long long)cur.value);
	}
	if (!c)
		return;
	snprintf(name, sizeof(name), "%s_value", canon);
	printf("=%s_%s=%lld\n", o->prefix, name, (long long)c->value);
	snprintf(name, sizeof(name), "%s_mean", canon);
	var_micro(o, name, c->mean_micro);
	snprintf(name, sizeof(name), "%s_sigma", canon);
	var_micro(o, name, c->sigma_micro);
	snprintf(name, sizeof(name), "%s_dev", canon);
	var_micro(o, name, c->dev_micro);
	snprintf(name, sizeof(name), "%s_level", canon);
	var(o, name, level_word(c->level));
	if (c->level == SELFSEQ_STATS_UNKNOWN)
		return;
	dir = c->direction > 0 ? "high" : c->direction < 0 ? "low" : "normal";
	printf("+%s_%s_%s\n", o->prefix, canon, dir);
	printf("+%s_%s_%s_%s\n", o->prefix, canon, dir,
	       c->level == SELFSEQ_STATS_NORMAL ? "normal" : "dev1");
	if (c->level >= SELFSEQ_STATS_DEV2)
		printf("+%s_%s_%s_dev2\n", o->prefix, canon, dir);
	if (c->level >= SELFSEQ_STATS_ANOMALOUS)
		printf("+%s_%s_%s_anomalous\n", o->prefix, canon, dir);
}

int cmd_module(const struct opts *o)
{
	struct run *r = calloc(1, sizeof(*r));
	const char *series;
	int rc;

	if (!r)
		return EXIT_STATE;
	rc = update(r, o);
	printf("^context=%s\n^meta=source=libselfseq\n", o->context);
	if (rc && !r->st.stats) {
		/* Without the state nothing is known; say so rather than stay silent. */
		printf("+%s_state_unreadable\n", o->prefix);
		run_free(r);
		free(r);
		return rc;
	}
	if (r->unacked || r->skipped)
		printf("+%s_sequence_anomaly\n", o->prefix);
	var_u64(o, "anomalies_unacked", r->unacked);
	var_u64(o, "unacked_bytes_unread", r->skipped);
	printf("=%s_ack_token=%016llx:%llu\n", o->prefix, (unsigned long long)r->ev.id,
	       (unsigned long long)r->end);
	var_u64(o, "events_read", r->read);
	var_u64(o, "events_bad", r->bad);
	print_pids(o, r);
	for (uint32_t i = 0; !selfseq_stats_get_series(r->st.stats, i, &series); i++)
		print_series(o, r->st.stats, series);
	if (r->ev_err) {
		printf("+%s_events_unreadable\n", o->prefix);
		var(o, "events_error", strerror(-r->ev_err));
	}
	if (r->st.recovered) {
		printf("+%s_state_recovered\n", o->prefix);
		var(o, "state_error", r->st.msg);
	}
	if (rc)
		printf("+%s_state_unsaved\n", o->prefix);
	if (r->dropped_series)
		var_u64(o, "series_dropped", r->dropped_series);
	run_free(r);
	free(r);
	/* The agent reads the classes either way; errors are in them. */
	return fflush(stdout) ? EXIT_STATE : EXIT_OK;
}

int cmd_measure(const struct opts *o)
{
	struct run *r = calloc(1, sizeof(*r));
	struct selfseq_stats_class c = { .sz = sizeof(c) };
	const char *series;
	char canon[2 * SELFSEQ_STATS_NAME_MAX];
	int rc;

	if (!r)
		return EXIT_STATE;
	rc = update(r, o);
	if (rc && !r->st.stats) {
		run_free(r);
		free(r);
		return rc;
	}
	for (uint32_t i = 0; !selfseq_stats_get_series(r->st.stats, i, &series); i++) {
		if (o->series && strcmp(o->series, series))
			continue;
		canonify(canon, sizeof(canon), series);
		if (selfseq_stats_get_last(r->st.stats, series, &c))
			c.value = 0;
		printf("%s_%s=%lld\n", o->prefix, canon, (long long)c.value * o->scale);
	}
	/* A series the events have not named yet still measures 0, so the promise matches. */
	if (o->series && selfseq_stats_get_last(r->st.stats, o->series, &c) == -ENOENT &&
	    selfseq_stats_get_current(r->st.stats, o->series, &c) == -ENOENT) {
		canonify(canon, sizeof(canon), o->series);
		printf("%s_%s=0\n", o->prefix, canon);
	}
	if (!rc && r->ev_err)
		rc = EXIT_EVENTS;
	run_free(r);
	free(r);
	if (fflush(stdout))
		return EXIT_STATE;
	return rc;
}

int cmd_ack(const struct opts *o)
{
	unsigned long long id, off;
	struct state st;
	uint64_t cur_id = 0, counted = 0, acked = 0;
	char tail;
	int rc;

	if (!o->token || sscanf(o->token, "%llx:%llu%c", &id, &off, &tail) != 2) {
		fprintf(stderr, "selfseq-cfengine: ack needs --token ID:OFFSET as the module printed "
				"it in %s_ack_token\n", o->prefix);
		return EXIT_USAGE;
	}
	rc = state_open(&st, o->state, &o->stats_opts, 0);
	if (rc)
		return rc;
	selfseq_stats_get_cursor(st.stats, CUR_ID, &cur_id);
	selfseq_stats_get_cursor(st.stats, CUR_STATS, &counted);
	selfseq_stats_get_cursor(st.stats, CUR_ACK, &acked);
	if (id != cur_id || off > counted) {
		fprintf(stderr, "selfseq-cfengine: token %s is not for the events file read last "
				"(it was replaced since): nothing acknowledged\n", o->token);
		state_close(&st);
		return EXIT_STALE;
	}
	if (off > acked) {
		selfseq_stats_set_cursor(st.stats, CUR_ACK, off);
		rc = state_save(&st);
	}
	state_close(&st);
	if (!rc)
		printf("selfseq-cfengine: anomalies up to byte %llu acknowledged\n", off);
	return rc;
}
