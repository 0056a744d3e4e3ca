/* SPDX-License-Identifier: MIT */
/*
 * strace output: one call per line, in every leader strace prints
 * ("[pid N] " on stderr with -f, "N  " with -f -o, -t/-tt/-ttt/-r
 * timestamps, -n "[ nr]", -i "[ip]"), "<unfinished ...>" calls completed
 * by "<... NAME resumed>" lines, "+++ exited/killed +++" ends of
 * processes, "--- SIG ---" signals, "strace:" messages and -k stack lines.
 *
 * A call is counted once, where it starts (the unfinished line), which is
 * the order the process made its calls in. On stderr strace drops the
 * "[pid N]" prefix while only one process is traced, so lines without a
 * prefix belong to the first process (whose pid shows up later, see
 * strace_proc()) or to the only process still alive.
 *
 * A personality change ("[ Process PID=N runs in 32 bit mode. ]") means
 * the calls of one trace come from two numberings: refused.
 */
#define _GNU_SOURCE	/* memmem */
#include <string.h>

#include "cli.h"
#include "parse.h"

enum sl_kind { SL_BAD, SL_CALL, SL_RESUMED, SL_EXIT, SL_SKIP, SL_PERSONALITY };

struct sl {
	int has_pid;
	uint32_t pid;
	enum sl_kind kind;
	const char *name;	/* call name (SL_CALL, SL_RESUMED) */
	size_t name_len;
	int unfinished;		/* SL_CALL ending in "<unfinished ...>" */
	const char *body, *end;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

static int is_ident(char c)
{
	return ((unsigned)(c | 0x20) - 'a') < 26 || is_digit(c) || c == '_';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static int starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}

static int read_pid(const char **pp, const char *end, uint32_t *pid)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p == end || !is_digit(*p))
		return -1;
	while (p < end && is_digit(*p)) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return -1;
		p++;
	}
	*pid = (uint32_t)v;
	*pp = p;
	return 0;
}

/* Split a line into its leader and body and tell what the body is. */
static void sl_split(const char *s, size_t len, struct sl *l)
{
	const char *p = s, *end = s + len, *q;

	memset(l, 0, sizeof(*l));
	while (end > p && is_blank(end[-1]))
		end--;
	p = skip_blanks(p, end);
	if (p == end)
		return;
	if (starts(p, end, "[pid")) {
		p = skip_blanks(p + 4, end);
		if (read_pid(&p, end, &l->pid) || p == end || *p != ']')
			return;
		l->has_pid = 1;
		p = skip_blanks(p + 1, end);
	} else if (p < end && is_digit(*p)) {
		/* "PID  " (-o with -f): digits and then a blank; a timestamp has '.' or ':'. */
		q = p;
		while (q < end && is_digit(*q))
			q++;
		if (q < end && is_blank(*q)) {
			read_pid(&p, end, &l->pid);
			l->has_pid = 1;
			p = skip_blanks(p, end);
		}
	}
	if (p < end && is_digit(*p)) {
		/* A timestamp: -t 12:34:56, -tt 12:34:56.123456, -ttt or -r 1.000123. */
		q = p;
		while (q < end && (is_digit(*q) || *q == '.' || *q == ':'))
			q++;
		if (q == end || !is_blank(*q))
			return;
		p = skip_blanks(q, end);
	}
	if (starts(p, end, "[ Process PID=")) {
		l->kind = SL_PERSONALITY;
		l->body = p;
		l->end = end;
		return;
	}
	if (p < end && *p == '[') {
		/* -n "[ 257] " or -i "[00007f0123456789] " */
		q = memchr(p, ']', (size_t)(end - p));
		if (!q)
			return;
		p = skip_blanks(q + 1, end);
	}
	l->body = p;
	l->end = end;
	if (starts(p, end, "<... ")) {
		l->name = p + 5;
		for (q = l->name; q < end && is_ident(*q); q++)
			;
		l->name_len = (size_t)(q - l->name);
		if (l->name_len && starts(q, end, " resumed>"))
			l->kind = SL_RESUMED;
		return;
	}
	if (starts(p, end, "+++ ")) {
		l->kind = SL_EXIT;
		return;
	}
	if (starts(p, end, "--- ") || starts(p, end, "strace: ") || starts(p, end, "> ")) {
		l->kind = SL_SKIP;
		return;
	}
	for (q = p; q < end && is_ident(*q); q++)
		;
	if (q == p || q == end || *q != '(')
		return;
	l->kind = SL_CALL;
	l->name = p;
	l->name_len = (size_t)(q - p);
	l->unfinished = end - q >= 16 && !memcmp(end - 16, "<unfinished ...>", 16);
}

int parse_strace_shape(const char *s, size_t len)
{
	struct sl l;

	sl_split(s, len, &l);
	return l.kind != SL_BAD;
}

static int is_fork(const char *name, size_t len)
{
	return (len == 5 && !memcmp(name, "clone", 5)) || (len == 6 && !memcmp(name, "clone3", 6)) ||
	       (len == 4 && !memcmp(name, "fork", 4)) || (len == 5 && !memcmp(name, "vfork", 5));
}

/* The child pid a fork-like call returned ("... = 1234"), or 0. */
static uint32_t fork_result(const struct sl *l)
{
	const char *p, *eq = NULL;
	uint32_t pid;

	for (p = l->body; p + 3 <= l->end; p++)
		if (p[0] == ' ' && p[1] == '=' && p[2] == ' ')
			eq = p + 3;
	if (!eq || read_pid(&eq, l->end, &pid))
		return 0;
	return pid;
}

static int is_child(const struct parser *ps, uint32_t pid)
{
	size_t i;

	for (i = 0; i < ps->nchildren; i++)
		if (ps->children[i] == pid)
			return 1;
	return 0;
}

/* The process a line belongs to; NULL after an error. */
static struct proc *strace_proc(struct parser *ps, const struct sl *l)
{
	struct proc *u = ps->unprefixed;
	size_t i;

	if (l->has_pid) {
		ps->prefixed_seen = 1;
		if (u && !u->has_pid && !u->exited && !(ps->last && ps->last->has_pid &&
							  ps->last->pid == l->pid)) {
			int known = 0;

			for (i = 0; i < ps->nprocs; i++)
				known |= ps->procs[i]->has_pid && ps->procs[i]->pid == l->pid &&
					 !ps->procs[i]->exited;
			/*
			 * A new pid while the first process has none yet: it is that
			 * process unless it is one of its children (a fork result seen,
			 * or a fork still unfinished and this is not its resumption).
			 */
			if (!known && !is_child(ps, l->pid) &&
			    !(u->pending && u->pending_fork && l->kind != SL_RESUMED)) {
				parse_proc_set_pid(ps, u, l->pid);
				return ps->last = u;
			}
		}
		return parse_proc(ps, l->pid, 1);
	}
	if (!ps->prefixed_seen)
		return ps->unprefixed = parse_proc(ps, 0, 0);
	if (ps->live == 1) {
		if (ps->last && !ps->last->exited)
			return ps->last;
		for (i = 0; i < ps->nprocs; i++)
			if (!ps->procs[i]->exited)
				return ps->last = ps->procs[i];
	}
	parse_error(ps, "a line without a [pid N] prefix while %zu processes are traced", ps->live);
	return NULL;
}

static void add_child(struct parser *ps, uint32_t pid)
{
	cli_grow(&ps->children, &ps->children_cap, ps->nchildren + 1, sizeof(uint32_t));
	ps->children[ps->nchildren++] = pid;
}

/*
 * strace's own messages go straight to stderr, so on stderr one can land
 * in the middle of a call line: "clone(...SIGCHLDstrace: Process 12956
 * attached", the line then ending on the next one, " <unfinished ...>".
 * Returns where the message starts (len if none) and notes an attached
 * process as a child of the process whose pid is not known yet.
 */
static size_t strace_message(struct parser *ps, const char *s, size_t len)
{
	static const char msg[] = "strace: Process ";
	const char *m = memmem(s, len, msg, sizeof(msg) - 1), *p;
	uint32_t pid;

	if (!m)
		return len;
	p = m + sizeof(msg) - 1;
	if (!read_pid(&p, s + len, &pid) && starts(p, s + len, " attached"))
		add_child(ps, pid);
	return (size_t)(m - s);
}

int parse_strace_line(struct parser *ps, const char *s, size_t len)
{
	struct proc *p;
	uint32_t call = 0, child;
	size_t cut;
	struct sl l;
	int r, interrupted = 0;

	if (skip_blanks(s, s + len) == s + len)
		return 0;	/* blank line */
	cut = strace_message(ps, s, len);
	if (cut < len) {
		if (skip_blanks(s, s + cut) == s + cut)
			return 0;	/* the message alone */
		len = cut;
		interrupted = 1;
	}
	sl_split(s, len, &l);
	if (l.kind == SL_BAD && l.body && starts(l.body, l.end, "<unfinished ...>"))
		return 0;	/* the end of a line a message interrupted */
	if (interrupted && l.kind == SL_CALL)
		l.unfinished = 1;	/* interrupted: its "resumed" line follows */
	switch (l.kind) {
	case SL_BAD:
		return parse_error(ps, "not a line of strace output: '%.*s'",
				   (int)(len > 60 ? 60 : len), s);
	case SL_SKIP:
		return 0;
	case SL_PERSONALITY:
		parse_fatal(ps, "mixed architectures: '%.*s'; the numbering of the calls changes "
				"inside the trace (trace each architecture separately)",
			    (int)(l.end - l.body), l.body);
		return -1;
	default:
		break;
	}
	p = strace_proc(ps, &l);
	if (!p)
		return ps->fatal ? -1 : 0;
	if (l.kind == SL_EXIT) {
		if (!p->exited) {
			p->exited = 1;
			ps->live--;
		}
		return 0;
	}
	if (l.kind == SL_RESUMED && p->pending) {
		/* Counted when it started. */
		p->pending = 0;
	} else {
		r = parse_call_name(ps, l.name, l.name_len, &call);
		if (r)
			return r < 0 ? -1 : 0;
		if (parse_push(ps, p, call, l.name, l.name_len))
			return -1;
		if (l.kind == SL_CALL && l.unfinished) {
			p->pending = 1;
			p->pending_call = call;
			p->pending_fork = is_fork(l.name, l.name_len);
		}
	}
	if (p == ps->unprefixed && !p->has_pid && is_fork(l.name, l.name_len) &&
	    (child = fork_result(&l)) != 0)
		add_child(ps, child);
	return 0;
}
