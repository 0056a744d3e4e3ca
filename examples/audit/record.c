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
#define _GNU_SOURCE
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

/*
 * Digits of @s[0..len) only: no sign, no blanks, no overflow (strtoul
 * accepts all three). At most 16 digits are looked at, so the 64-bit
 * accumulator cannot overflow and no division is needed.
 */
static inline int ss_parse_u32(const char *s, size_t len, unsigned base, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 16)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned c = (unsigned char)s[i], d;

		if (c - '0' < 10)
			d = c - '0';
		else if (base == 16 && (c | 0x20) - 'a' < 6)
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v * base + d;
	}
	if (v > UINT32_MAX)
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
	F_BEFORE_EXE = F_ARCH | F_SYSCALL | F_PID | F_PPID | F_AUID | F_UID,
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

/* The field named @name (with its '=') among the last 4 fields of @p, or NULL. */
static const char *ss_field_from_end(const char *p, const char *name, size_t len)
{
	const char *end = p + strlen(p);
	int i;

	for (i = 0; i < 4 && end > p; i++) {
		const char *sp = memrchr(p, ' ', (size_t)(end - p));
		const char *tok = sp ? sp + 1 : p;

		if ((size_t)(end - tok) >= len && !memcmp(tok, name, len))
			return tok;
		if (!sp)
			break;
		end = sp;
	}
	return NULL;
}

enum ss_skip ss_record_parse_text(const char *text, const au_event_t *ts, struct ss_call *out,
				  char *exe, const char **field)
{
	const char *p;
	unsigned seen = 0;
	int tried_tail = 0;

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
	for (p = strchr(text, ')'); p && (p[1] != ':' || p[2] != ' '); p = strchr(p + 1, ')'))
		;
	if (!p) {
		*field = "msg";
		return SS_SKIP_FIELD;
	}
	p += 3;
	while (*p) {
		const char *tok, *val = NULL, *end;
		size_t vlen;
		unsigned bit = 0;
		uint32_t *num = NULL;
		unsigned base = 10;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		tok = p;
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		p = end;
		/*
		 * Names compared by hand: this loop runs for every field of
		 * every record, and library calls per field were most of the
		 * parser's cost (bench/). NAME(tok, "arch=") is true when the
		 * token starts with it; "pid=" does not match "ppid=".
		 */
#define SS_NAME(t, lit) \
	((size_t)(end - (t)) >= sizeof(lit) - 1 && !memcmp((t), (lit), sizeof(lit) - 1))
		switch (tok[0]) {
		case 'a':
			if (SS_NAME(tok, "arch=")) {
				bit = F_ARCH, num = &out->arch, base = 16;
				val = tok + 5;
			} else if (SS_NAME(tok, "auid=")) {
				bit = F_AUID, num = &out->auid;
				val = tok + 5;
			} else if (tok[1] == '0' && tok[2] == '=' && !(seen & F_PPID)) {
				/*
				 * The kernel writes a0..a3 and items= before ppid=: one
				 * search skips the four fields we do not read (if there is
				 * no ppid=, the fields are read one by one as usual).
				 */
				const char *q = strstr(end, " ppid=");

				if (q)
					p = q;
			}
			break;
		case 'e':
			if (SS_NAME(tok, "exe=") && !(seen & F_EXE)) {
				val = tok + 4;
				if (ss_audit_unescape_n(val, (size_t)(end - val), exe, SS_EXE_MAX) < 0) {
					*field = "exe";
					return SS_SKIP_EXE;
				}
				out->exe = exe;
				seen |= F_EXE;
			}
			break;
		case 'p':
			if (SS_NAME(tok, "pid=")) {
				bit = F_PID, num = &out->pid;
				val = tok + 4;
			} else if (SS_NAME(tok, "ppid=")) {
				bit = F_PPID, num = &out->ppid;
				val = tok + 5;
			}
			break;
		case 's':
			if (SS_NAME(tok, "syscall=")) {
				bit = F_SYSCALL, num = &out->nr;
				val = tok + 8;
			} else if (SS_NAME(tok, "success=") && !(out->flags & SS_CALL_HAS_SUCCESS)) {
				out->flags |= SS_CALL_HAS_SUCCESS;
				if (end - tok == 10 && tok[8] == 'n' && tok[9] == 'o')
					out->flags |= SS_CALL_FAILED;
			}
			break;
		case 'u':
			if (SS_NAME(tok, "uid=")) {
				bit = F_UID, num = &out->uid;
				val = tok + 4;
			}
			break;
		default:
			break;
		}
#undef SS_NAME
		/* The first occurrence of a name counts. */
		if (num && !(seen & bit)) {
			vlen = (size_t)(end - val);
			if (ss_parse_u32(val, vlen, base, num)) {
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
			seen |= bit;
		}
		if (seen & F_EXE)
			break;	/* exe= is the last field we need (only key= follows) */
		if ((seen & F_BEFORE_EXE) == F_BEFORE_EXE && !tried_tail) {
			/*
			 * The kernel writes gid= ... comm= between uid= and exe=, and
			 * after exe= only key= (and subj= with an LSM): look for exe=
			 * among the last fields, from the end (no value holds a blank).
			 */
			const char *e = ss_field_from_end(p, "exe=", 4);

			tried_tail = 1;
			if (e)
				p = e;
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
