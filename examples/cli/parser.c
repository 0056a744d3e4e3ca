/* SPDX-License-Identifier: MIT */
/*
 * The state a file is parsed with, apart from where its bytes come from:
 * messages naming file:line, the processes of a multi-process file, call
 * numbers and names checked against the alphabet, and the split into
 * lines. input.c feeds it files; fuzz/ feeds it buffers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "cli.h"
#include "parse.h"
#include "progress.h"
#include "syscall-names.h"
#include "syscall-seccomp.h"

#define PARSE_SHOWN_ERRORS 20		/* skipped errors printed before going quiet */

struct pid_entry {
	uint32_t pid;
	struct proc *proc;
	UT_hash_handle hh;
};

static void parse_vmsg(struct parser *ps, const char *kind, const char *fmt, va_list ap)
{
	progress_clear();
	if (ps->line)
		fprintf(stderr, "%s: %s:%llu: %s", cli_prog, ps->file, (unsigned long long)ps->line,
			kind);
	else
		fprintf(stderr, "%s: %s: %s", cli_prog, ps->file, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int parse_error(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->trial) {
		ps->fatal = CLI_EXIT_INPUT;
		return -1;
	}
	if (ps->o->skip_errors) {
		if (ps->o->skipped < PARSE_SHOWN_ERRORS) {
			va_start(ap, fmt);
			parse_vmsg(ps, "skipped: ", fmt, ap);
			va_end(ap);
		} else if (ps->o->skipped == PARSE_SHOWN_ERRORS) {
			progress_clear();
			cli_warn("further malformed input is skipped without a message");
		}
		ps->o->skipped++;
		return 0;
	}
	va_start(ap, fmt);
	parse_vmsg(ps, "", fmt, ap);
	va_end(ap);
	ps->fatal = CLI_EXIT_INPUT;
	return -1;
}

void parse_fatal(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	ps->fatal = CLI_EXIT_INPUT;
	if (ps->trial)
		return;
	va_start(ap, fmt);
	parse_vmsg(ps, "", fmt, ap);
	va_end(ap);
	ps->fatal = CLI_EXIT_INPUT;
}

static void proc_name(struct parser *ps, struct proc *p, size_t reuse)
{
	size_t len = strlen(ps->file) + 40;

	free(p->t.name);
	p->t.name = cli_malloc(len);
	if (!p->has_pid)
		snprintf(p->t.name, len, "%s", ps->file);
	else if (reuse > 1)
		snprintf(p->t.name, len, "%s:%u#%zu", ps->file, p->pid, reuse);
	else
		snprintf(p->t.name, len, "%s:%u", ps->file, p->pid);
}

static size_t proc_reuse_count(struct parser *ps, uint32_t pid)
{
	size_t i, n = 0;

	for (i = 0; i < ps->nprocs; i++)
		n += ps->procs[i]->has_pid && ps->procs[i]->pid == pid;
	return n;
}

static void proc_index(struct parser *ps, struct proc *p)
{
	struct pid_entry *e;

	HASH_FIND(hh, ps->pids, &p->pid, sizeof(p->pid), e);
	if (!e) {
		e = cli_calloc(1, sizeof(*e));
		e->pid = p->pid;
		HASH_ADD(hh, ps->pids, pid, sizeof(e->pid), e);
	}
	e->proc = p;
}

struct proc *parse_proc_new(struct parser *ps, uint32_t pid, int has_pid)
{
	struct proc *p = cli_calloc(1, sizeof(*p));

	p->pid = pid;
	p->has_pid = has_pid;
	p->t.file = ps->file;
	p->t.family = ps->family;
	cli_grow(&ps->procs, &ps->procs_cap, ps->nprocs + 1, sizeof(*ps->procs));
	ps->procs[ps->nprocs++] = p;
	ps->live++;
	if (has_pid) {
		proc_index(ps, p);
		proc_name(ps, p, proc_reuse_count(ps, pid));
	} else {
		proc_name(ps, p, 0);
	}
	return p;
}

struct proc *parse_proc(struct parser *ps, uint32_t pid, int has_pid)
{
	struct pid_entry *e;

	if (ps->last && ps->last->pid == pid && ps->last->has_pid == has_pid && !ps->last->exited)
		return ps->last;
	if (!has_pid) {
		size_t i;

		for (i = 0; i < ps->nprocs; i++)
			if (!ps->procs[i]->has_pid)
				return ps->last = ps->procs[i];
		return ps->last = parse_proc_new(ps, 0, 0);
	}
	HASH_FIND(hh, ps->pids, &pid, sizeof(pid), e);
	if (e && !e->proc->exited)
		return ps->last = e->proc;
	return ps->last = parse_proc_new(ps, pid, 1);
}

void parse_proc_set_pid(struct parser *ps, struct proc *p, uint32_t pid)
{
	p->pid = pid;
	p->has_pid = 1;
	proc_index(ps, p);
	proc_name(ps, p, proc_reuse_count(ps, pid));
}

int parse_push(struct parser *ps, struct proc *p, uint64_t call, const char *text, size_t len)
{
	if (call >= ps->o->alphabet)
		return parse_error(ps, "call number %.*s is out of range (calls must be below %u)",
				   (int)(len > 40 ? 40 : len), text, ps->o->alphabet);
	if (p->t.n == p->t.cap)
		cli_grow(&p->t.calls, &p->t.cap, p->t.n + 1, sizeof(*p->t.calls));
	p->t.calls[p->t.n++] = (uint32_t)call;
	return 0;
}

int parse_call_name(struct parser *ps, const char *name, size_t len, uint32_t *call)
{
	char buf[64];
	int nr;

	if (!ps->o->arch_known) {
		ps->o->arch = ss_arch_native();
		ps->o->arch_known = 1;
	}
	if (len >= sizeof(buf))
		return parse_error(ps, "'%.40s...' is not a system call name", name) ? -1 : 1;
	memcpy(buf, name, len);
	buf[len] = 0;
	if (!ps->o->arch && strncmp(buf, "syscall_", 8)) {
		parse_fatal(ps, "call names need an architecture to be numbered "
				"(--arch, or a profile that has one)");
		return -1;
	}
	nr = ss_syscall_number(ps->o->arch, buf);
	if (nr < 0)
		nr = ss_seccomp_syscall_number(ps->o->arch, buf);
	if (nr < 0)
		return parse_error(ps, "unknown system call '%s' on %s", buf,
				   ss_arch_name(ps->o->arch) ? ss_arch_name(ps->o->arch) : "?") ? -1 : 1;
	if ((uint32_t)nr >= ps->o->alphabet)
		return parse_error(ps, "call %s is number %d, out of range (calls must be below %u)",
				   buf, nr, ps->o->alphabet) ? -1 : 1;
	*call = (uint32_t)nr;
	return 0;
}

/* Split buf[0, len) into lines for a line parser; returns the bytes consumed. */
static size_t parse_lines(struct parser *ps, const char *buf, size_t len, int final,
			  int (*fn)(struct parser *, const char *, size_t))
{
	const char *p = buf, *end = buf + len;

	while (p < end && !ps->fatal) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n;

		if (!nl && !final)
			break;
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		ps->line++;
		if (n && p[n - 1] == '\r')
			n--;
		fn(ps, p, n);
		p = nl ? nl + 1 : end;
	}
	return (size_t)(p - buf);
}

size_t parse_buffer(struct parser *ps, const char *buf, size_t len, int final)
{
	switch (ps->format) {
	case FMT_ADFA:
		return parse_adfa(ps, buf, len, final);
	case FMT_UNM:
		return parse_lines(ps, buf, len, final, parse_unm_line);
	case FMT_STRACE:
		return parse_lines(ps, buf, len, final, parse_strace_line);
	case FMT_NAMES:
		return parse_lines(ps, buf, len, final, parse_names_line);
	default:
		return len;
	}
}

void parser_free(struct parser *ps)
{
	struct pid_entry *e, *tmp;
	size_t i;

	HASH_ITER(hh, ps->pids, e, tmp) {
		HASH_DEL(ps->pids, e);
		free(e);
	}
	for (i = 0; i < ps->nprocs; i++) {
		free(ps->procs[i]->t.name);
		free(ps->procs[i]->t.calls);
		free(ps->procs[i]);
	}
	free(ps->procs);
	free(ps->children);
}
