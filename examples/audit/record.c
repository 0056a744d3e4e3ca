/* SPDX-License-Identifier: MIT */
/*
 * The record parser path: a SYSCALL record under libauparse's cursor to a
 * struct ss_call. libauparse assembles the events and gives the stamp and
 * the record's raw text (without ENRICHED interpretations); the fields
 * are scanned here in one pass over that text: walking libauparse's field
 * list costs about a third of its whole parsing time (measured with
 * bench/), and auparse_find_field rescans and can wander into the next
 * record. Every number is checked, so hostile or truncated logs give a
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

/* Digits of @s[0..len) only: no sign, no blanks, no overflow (strtoul accepts all three). */
static int ss_parse_u64(const char *s, size_t len, unsigned base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return -1;
	for (i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int ss_parse_u32(const char *s, size_t len, unsigned base, uint32_t *out)
{
	uint64_t v;

	if (ss_parse_u64(s, len, base, UINT32_MAX, &v))
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

int ss_audit_unescape_n(const char *in, size_t len, char *out, size_t max)
{
	size_t n = 0, i;

	if (!len || (len == 6 && !memcmp(in, "(null)", 6)))
		return -1;
	if (*in == '"') {
		/* The kernel quotes only strings without quotes: one pair, at the ends. */
		if (len < 2 || in[len - 1] != '"' || memchr(in + 1, '"', len - 2) ||
		    memchr(in + 1, '\0', len - 2) || len - 2 > max)
			return -1;
		n = len - 2;
		memcpy(out, in + 1, n);
		out[n] = '\0';
		return (int)n;
	}
	if (len % 2)
		return -1;
	for (i = 0; i < len; i += 2) {
		int hi = ss_hexval(in[i]), lo = ss_hexval(in[i + 1]);

		if (hi < 0 || lo < 0 || n == max || (hi == 0 && lo == 0))
			return -1;
		out[n++] = (char)(hi << 4 | lo);
	}
	out[n] = '\0';
	return (int)n;
}

int ss_audit_unescape(const char *in, char *out, size_t max)
{
	return in ? ss_audit_unescape_n(in, strlen(in), out, max) : -1;
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
	const char *text = auparse_get_record_text(au);

	if (!ts || !text) {
		memset(out, 0, sizeof(*out));
		*field = "msg";
		return SS_SKIP_FIELD;
	}
	return ss_record_parse_text(text, ts, out, exe, field);
}

enum ss_skip ss_record_parse_text(const char *text, const au_event_t *ts, struct ss_call *out,
				  char *exe, const char **field)
{
	const char *p;
	unsigned seen = 0;

	memset(out, 0, sizeof(*out));
	out->auid = out->uid = UINT32_MAX;
	*field = NULL;
	out->sec = ts->sec < 0 ? 0 : (uint64_t)ts->sec;
	out->ms = ts->milli;
	out->serial = ts->serial;
	out->host = ts->host;

	/*
	 * The fields follow the stamp's "): ". SYSCALL values hold no blank
	 * (the kernel hex-encodes untrusted strings that would), so a field is
	 * NAME=VALUE up to the next blank. The first occurrence of a name counts.
	 */
	p = strstr(text, "): ");
	if (!p) {
		*field = "msg";
		return SS_SKIP_FIELD;
	}
	p += 3;
	while (*p) {
		const char *name, *eq, *val, *end;
		size_t nlen, vlen;
		int bad = 0;
		unsigned bit = 0;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		name = p;
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		p = end;
		/* Most fields are none of ours: decide on the first letter. */
		if (!strchr("aepsu", name[0]))
			continue;
		eq = memchr(name, '=', (size_t)(end - name));
		if (!eq)
			continue;
		nlen = (size_t)(eq - name);
		val = eq + 1;
		vlen = (size_t)(end - val);
#define SS_IS(lit) (nlen == sizeof(lit) - 1 && !memcmp(name, lit, sizeof(lit) - 1))
		switch (name[0]) {
		case 'a':
			if (SS_IS("arch") && !(seen & (bit = F_ARCH)))
				bad = ss_parse_u32(val, vlen, 16, &out->arch);
			else if (SS_IS("auid") && !(seen & (bit = F_AUID)))
				bad = ss_parse_u32(val, vlen, 10, &out->auid);
			break;
		case 'e':
			if (SS_IS("exe") && !(seen & (bit = F_EXE))) {
				if (ss_audit_unescape_n(val, vlen, exe, SS_EXE_MAX) < 0) {
					*field = "exe";
					return SS_SKIP_EXE;
				}
				out->exe = exe;
			}
			break;
		case 'p':
			if (SS_IS("pid") && !(seen & (bit = F_PID)))
				bad = ss_parse_u32(val, vlen, 10, &out->pid);
			else if (SS_IS("ppid") && !(seen & (bit = F_PPID)))
				bad = ss_parse_u32(val, vlen, 10, &out->ppid);
			break;
		case 's':
			if (SS_IS("syscall") && !(seen & (bit = F_SYSCALL))) {
				bad = ss_parse_u32(val, vlen, 10, &out->nr);
			} else if (SS_IS("success") && !(out->flags & SS_CALL_HAS_SUCCESS)) {
				out->flags |= SS_CALL_HAS_SUCCESS;
				if (vlen == 2 && !memcmp(val, "no", 2))
					out->flags |= SS_CALL_FAILED;
			}
			break;
		case 'u':
			if (SS_IS("uid") && !(seen & (bit = F_UID)))
				bad = ss_parse_u32(val, vlen, 10, &out->uid);
			break;
		default:
			break;
		}
#undef SS_IS
		if (bad) {
			static const struct {
				unsigned bit;
				const char *name;
			} names[] = {
				{ F_ARCH, "arch" }, { F_AUID, "auid" }, { F_PID, "pid" },
				{ F_PPID, "ppid" }, { F_SYSCALL, "syscall" }, { F_UID, "uid" },
			};
			size_t i;

			for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				if (names[i].bit == bit)
					*field = names[i].name;
			return SS_SKIP_NUMBER;
		}
		/* Only a field actually taken counts as seen. */
		if (bit && !(seen & bit) && !(bit == F_EXE && !out->exe))
			seen |= bit;
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
