/* SPDX-License-Identifier: MIT */
/*
 * One audit SYSCALL record reduced to what the detector needs, and the
 * reasons a record or line can be skipped (counted in the summary).
 */
#ifndef SELFSEQ_AUDIT_RECORD_H
#define SELFSEQ_AUDIT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <auparse.h>

/* Why something read was not fed to a profile. Keep ss_skip_name() in step. */
enum ss_skip {
	SS_SKIP_NONE = 0,
	SS_SKIP_LINE,		/* a line libauparse could not parse as a record */
	SS_SKIP_FIELD,		/* SYSCALL record without arch, syscall or pid */
	SS_SKIP_NUMBER,		/* a malformed number in arch, syscall, pid, ... */
	SS_SKIP_ARCH,		/* an architecture libaudit does not know */
	SS_SKIP_EXE,		/* exe= missing, (null), or badly encoded */
	SS_SKIP_RANGE,		/* call number outside the profile's alphabet */
	SS_SKIP_LATE,		/* older than a call already fed for the process */
	SS_SKIP_LIMIT,		/* over --max-processes, --max-profiles or the name table */
	SS_SKIP_PROFILE,	/* the stored profile is unreadable (left untouched) */
	SS_SKIP_NOPROFILE,	/* score mode: no stored profile for the executable */
	SS_SKIP_COUNT
};

/* Short name of a skip reason, for the summary (JSON keys). */
const char *ss_skip_name(enum ss_skip why);

/* Longest executable path accepted (PATH_MAX without its NUL). */
#define SS_EXE_MAX 4095

/* A SYSCALL record. */
struct ss_call {
	uint64_t sec;		/* audit(SEC.MS:SERIAL) */
	uint64_t serial;
	uint32_t ms;
	uint32_t arch;		/* AUDIT_ARCH_* */
	uint32_t nr;		/* syscall number in @arch's table */
	uint32_t pid;		/* the process (thread group) id */
	uint32_t ppid;
	uint32_t auid;		/* 4294967295 when unset */
	uint32_t uid;
	uint32_t flags;		/* SS_CALL_* */
	const char *exe;	/* decoded path, NUL-terminated */
	const char *host;	/* node= when the log names machines, else NULL */
};

#define SS_CALL_HAS_SUCCESS 0x1u	/* success= was present (absent for exit_group) */
#define SS_CALL_FAILED 0x2u		/* success=no */

/*
 * Parse the SYSCALL record under @au's cursor into @out. The decoded exe
 * is written to @exe (SS_EXE_MAX + 1 bytes) and out->exe points there.
 * Returns SS_SKIP_NONE, or why the record cannot be used; *@field names the
 * offending field then.
 */
enum ss_skip ss_record_parse(auparse_state_t *au, struct ss_call *out, char *exe,
			     const char **field);

/* The same from a record's raw text and its event's stamp (the fuzz target's entry). */
enum ss_skip ss_record_parse_text(const char *text, const au_event_t *ts, struct ss_call *out,
				  char *exe, const char **field);

/*
 * Decode an audit "untrusted string" value: "quoted", or hex without
 * quotes (when the value held a quote, a blank, a control or a non-ASCII
 * byte). Writes at most @max bytes plus a NUL. Returns the length, or -1
 * for (null), an odd or bad hex string, an embedded NUL or a longer value.
 */
int ss_audit_unescape(const char *in, char *out, size_t max);
/* The same for @len bytes at @in (no NUL needed). */
int ss_audit_unescape_n(const char *in, size_t len, char *out, size_t max);

#endif /* SELFSEQ_AUDIT_RECORD_H */
