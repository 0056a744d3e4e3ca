/* SPDX-License-Identifier: MIT */
/*
 * The record parser path: a SYSCALL record under libauparse's cursor to a
 * struct ss_call. Fields are walked once in order (auparse_find_field
 * would rescan from the start for each, and can wander into the next
 * record); every number is checked, so hostile or truncated logs give a
 * named reason and never a crash.
 */
#include <string.h>

#include <libaudit.h>

#include "record.h"

static const char *const ss_skip_names[SS_SKIP_COUNT] = {
	[SS_SKIP_NONE] = "none",
	[SS_SKIP_LINE] = "unparsable_line",
	[SS_SKIP_FIELD] = "missing_field",
	[SS_SKIP_NUMBER] = "bad_number",
	[SS_SKIP_ARCH] = "unknown_arch",
	[SS_SKIP_EXE] = "bad_exe",
	[SS_SKIP_RANGE] = "call_out_of_range",
	[SS_SKIP_LATE] = "out_of_order",
	[SS_SKIP_LIMIT] = "over_limit",
	[SS_SKIP_PROFILE] = "unreadable_profile",
	[SS_SKIP_NOPROFILE] = "no_profile",
};

const char *ss_skip_name(enum ss_skip why)
{
	return (unsigned)why < SS_SKIP_COUNT ? ss_skip_names[why] : "unknown";
}

/* Digits only, no sign, no blanks, no overflow (strtoul accepts all three). */
static int ss_parse_u64(const char *s, unsigned base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int ss_parse_u32(const char *s, unsigned base, uint32_t *out)
{
	uint64_t v;

	if (ss_parse_u64(s, base, UINT32_MAX, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int ss_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int ss_audit_unescape(const char *in, char *out, size_t max)
{
	size_t n = 0;

	if (!in || !*in || !strcmp(in, "(null)"))
		return -1;
	if (*in == '"') {
		const char *end = strchr(in + 1, '"');

		/* The kernel quotes only strings without quotes: one pair, at the ends. */
		if (!end || end[1] || (size_t)(end - in - 1) > max)
			return -1;
		n = (size_t)(end - in - 1);
		memcpy(out, in + 1, n);
		out[n] = '\0';
		return (int)n;
	}
	for (; in[0]; in += 2) {
		int hi = ss_hexval(in[0]), lo = hi < 0 ? -1 : ss_hexval(in[1]);

		if (lo < 0 || n == max || (hi == 0 && lo == 0))
			return -1;
		out[n++] = (char)(hi << 4 | lo);
	}
	if (!n)
		return -1;
	out[n] = '\0';
	return (int)n;
}

/* libaudit's verdict on an architecture, remembered for the last one asked. */
static int ss_arch_known(uint32_t arch)
{
	static uint32_t last_arch;
	static int last_known;

	if (arch != last_arch || !last_known) {
		last_known = audit_elf_to_machine(arch) >= 0;
		last_arch = arch;
	}
	return last_known;
}

/* Fields we need; a bit each, to tell a missing one from a bad one. */
enum {
	F_ARCH = 1 << 0, F_SYSCALL = 1 << 1, F_PID = 1 << 2, F_PPID = 1 << 3,
	F_AUID = 1 << 4, F_UID = 1 << 5, F_EXE = 1 << 6,
};

enum ss_skip ss_record_parse(auparse_state_t *au, struct ss_call *out, char *exe,
			     const char **field)
{
	const au_event_t *ts = auparse_get_timestamp(au);
	unsigned seen = 0;
	int more;

	memset(out, 0, sizeof(*out));
	out->auid = out->uid = UINT32_MAX;
	*field = NULL;
	if (!ts) {
		*field = "msg";
		return SS_SKIP_FIELD;
	}
	out->sec = ts->sec < 0 ? 0 : (uint64_t)ts->sec;
	out->ms = ts->milli;
	out->serial = ts->serial;
	out->host = ts->host;

	for (more = auparse_first_field(au); more > 0; more = auparse_next_field(au)) {
		const char *name = auparse_get_field_name(au);
		const char *val = auparse_get_field_str(au);
		int bad = 0;

		if (!name || !val)
			continue;
		switch (name[0]) {
		case 'a':
			if (!strcmp(name, "arch")) {
				bad = ss_parse_u32(val, 16, &out->arch);
				seen |= F_ARCH;
			} else if (!strcmp(name, "auid")) {
				bad = ss_parse_u32(val, 10, &out->auid);
				seen |= F_AUID;
			}
			break;
		case 'e':
			if (!strcmp(name, "exe")) {
				if (ss_audit_unescape(val, exe, SS_EXE_MAX) < 0) {
					*field = "exe";
					return SS_SKIP_EXE;
				}
				out->exe = exe;
				seen |= F_EXE;
			}
			break;
		case 'p':
			if (!strcmp(name, "pid")) {
				bad = ss_parse_u32(val, 10, &out->pid);
				seen |= F_PID;
			} else if (!strcmp(name, "ppid")) {
				bad = ss_parse_u32(val, 10, &out->ppid);
				seen |= F_PPID;
			}
			break;
		case 's':
			if (!strcmp(name, "syscall")) {
				bad = ss_parse_u32(val, 10, &out->nr);
				seen |= F_SYSCALL;
			} else if (!strcmp(name, "success")) {
				out->flags |= SS_CALL_HAS_SUCCESS;
				if (!strcmp(val, "no"))
					out->flags |= SS_CALL_FAILED;
			}
			break;
		case 'u':
			if (!strcmp(name, "uid")) {
				bad = ss_parse_u32(val, 10, &out->uid);
				seen |= F_UID;
			}
			break;
		default:
			break;
		}
		if (bad) {
			*field = name;
			return SS_SKIP_NUMBER;
		}
	}
	if (!(seen & F_ARCH)) {
		*field = "arch";
		return SS_SKIP_FIELD;
	}
	if (!(seen & F_SYSCALL)) {
		*field = "syscall";
		return SS_SKIP_FIELD;
	}
	if (!(seen & F_PID)) {
		*field = "pid";
		return SS_SKIP_FIELD;
	}
	if (!(seen & F_EXE)) {
		*field = "exe";
		return SS_SKIP_EXE;
	}
	if (!ss_arch_known(out->arch)) {
		*field = "arch";
		return SS_SKIP_ARCH;
	}
	return SS_SKIP_NONE;
}
