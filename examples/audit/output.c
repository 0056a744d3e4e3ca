/* SPDX-License-Identifier: MIT */
/*
 * What selfseq-audit writes: anomalies (and, on request, profile state
 * changes) as JSON lines or readable text, and the end-of-run summary.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "../common/syscall-names.h"

/* Length of the valid UTF-8 sequence at @s (1..4), or 0. */
static size_t ss_utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static int ss_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = ss_utf8_len(p);

		if (!n)
			return 0;
		p += n;
	}
	return 1;
}

void ss_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n = ss_utf8_len(p);

		if (!n) {
			fputs("\\ufffd", f);	/* not UTF-8: see exe_hex */
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
		p++;
	}
	fputc('"', f);
}

static void ss_hex(FILE *f, const char *s)
{
	for (; *s; s++)
		fprintf(f, "%02X", (unsigned char)*s);
}

/* Text output: the path with anything unprintable as \xNN. */
static void ss_text_string(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void ss_format_time(char *buf, size_t len, uint64_t sec, uint32_t ms)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "%" PRIu64, sec);
		return;
	}
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03uZ", ms % 1000);
}

static const char *ss_state_name(uint32_t state)
{
	if (state & SELFSEQ_STATE_NORMAL)
		return "normal";
	if (state & SELFSEQ_STATE_FROZEN)
		return "frozen";
	return "training";
}

static const char *ss_mode_name(enum ss_cmd cmd)
{
	switch (cmd) {
	case SS_CMD_TRAIN:
		return "train";
	case SS_CMD_SCORE:
		return "score";
	default:
		return "monitor";
	}
}

/* The fields every report shares, as JSON members or text words. */
static void ss_report_head(struct ss_app *a, const char *type, const struct ss_call *c,
			   const char *exe, const struct selfseq_event *ev)
{
	const char *arch = ss_arch_name(c->arch);
	const char *call = ss_syscall_name(c->arch, c->nr);
	char when[48];
	FILE *f = a->out;

	ss_format_time(when, sizeof(when), c->sec, c->ms);
	if (a->o.text) {
		fprintf(f, "%s %s serial=%" PRIu64, when, type, c->serial);
		if (c->host) {
			fputs(" node=", f);
			ss_text_string(f, c->host);
		}
		fprintf(f, " pid=%u ppid=%u auid=%u uid=%u exe=", c->pid, c->ppid, c->auid, c->uid);
		ss_text_string(f, exe);
		fprintf(f, " arch=%s call=%s(%u) misses=%u lfc=%u state=%s", arch ? arch : "unknown",
			call ? call : "unknown", c->nr, ev->misses, ev->lfc, ss_state_name(ev->state));
		return;
	}
	fprintf(f, "{\"type\":\"%s\",\"time\":\"%s\",\"serial\":%" PRIu64, type, when, c->serial);
	if (c->host) {
		fputs(",\"node\":", f);
		ss_json_string(f, c->host);
	}
	fprintf(f, ",\"pid\":%u,\"ppid\":%u,\"auid\":%u,\"uid\":%u,\"exe\":", c->pid, c->ppid,
		c->auid, c->uid);
	ss_json_string(f, exe);
	if (!ss_utf8_valid(exe)) {
		fputs(",\"exe_hex\":\"", f);
		ss_hex(f, exe);
		fputc('"', f);
	}
	fprintf(f, ",\"arch\":\"%s\",\"call\":", arch ? arch : "unknown");
	if (call)
		ss_json_string(f, call);
	else
		fputs("null", f);
	fprintf(f, ",\"nr\":%u,\"misses\":%u,\"lfc\":%u,\"max_lfc\":%u,\"state\":\"%s\",\"mode\":\"%s\"",
		c->nr, ev->misses, ev->lfc, ev->max_lfc, ss_state_name(ev->state),
		ss_mode_name(a->o.cmd));
}

static void ss_report_end(struct ss_app *a)
{
	fputs(a->o.text ? "\n" : "}\n", a->out);
	/* Live readers (a SIEM tailing the file) should see each line at once. */
	if (a->o.cmd == SS_CMD_PLUGIN)
		fflush(a->out);
}

void ss_output_anomaly(struct ss_app *a, const struct ss_call *c, const char *exe,
		       const struct selfseq_event *ev)
{
	a->anomalies++;
	ss_report_head(a, "anomaly", c, exe, ev);
	if (ev->flags & (SELFSEQ_EVENT_ANOMALY_LIMIT | SELFSEQ_EVENT_TOLERIZE_LIMIT)) {
		const char *what = ev->flags & SELFSEQ_EVENT_TOLERIZE_LIMIT ? "tolerize_limit" :
									       "anomaly_limit";

		fprintf(a->out, a->o.text ? " limit=%s" : ",\"limit\":\"%s\"", what);
	}
	ss_report_end(a);
}

void ss_output_state(struct ss_app *a, const struct ss_call *c, const char *exe,
		     const struct selfseq_event *ev)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} names[] = {
		{ SELFSEQ_EVENT_FROZEN, "frozen" },
		{ SELFSEQ_EVENT_THAWED, "thawed" },
		{ SELFSEQ_EVENT_NORMAL, "normal" },
		{ SELFSEQ_EVENT_ANOMALY_LIMIT, "anomaly_limit" },
		{ SELFSEQ_EVENT_TOLERIZE_LIMIT, "tolerize_limit" },
	};
	size_t i;
	int first = 1;

	ss_report_head(a, "state", c, exe, ev);
	fputs(a->o.text ? " changes=" : ",\"changes\":[", a->out);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(ev->flags & names[i].flag))
			continue;
		fprintf(a->out, a->o.text ? "%s%s" : "%s\"%s\"", first ? "" : ",", names[i].name);
		first = 0;
	}
	if (!a->o.text)
		fputc(']', a->out);
	ss_report_end(a);
}

void ss_output_summary(struct ss_app *a, FILE *f)
{
	struct selfseq_monitor_stats st = { .sz = sizeof(st) };
	uint64_t skipped = 0;
	int i, first = 1;

	if (a->mon)
		selfseq_monitor_get_stats(a->mon, &st);
	for (i = 1; i < SS_SKIP_COUNT; i++)
		skipped += a->skipped[i];
	if (a->o.summary_json) {
		fprintf(f, "{\"type\":\"summary\",\"mode\":\"%s\",\"lines\":%" PRIu64
			",\"records\":%" PRIu64 ",\"syscall_records\":%" PRIu64
			",\"events\":%" PRIu64 ",\"calls\":%" PRIu64 ",\"skipped\":%" PRIu64
			",\"skipped_by_reason\":{",
			a->o.cmd == SS_CMD_EXTRACT ? "extract" : ss_mode_name(a->o.cmd), a->lines,
			a->records, a->syscall_records, a->events, a->calls, skipped);
		for (i = 1; i < SS_SKIP_COUNT; i++)
			fprintf(f, "%s\"%s\":%" PRIu64, i > 1 ? "," : "", ss_skip_name(i),
				a->skipped[i]);
		fprintf(f, "},\"processes\":%" PRIu64 ",\"executables\":%zu,\"profiles\":%" PRIu64
			",\"profiles_loaded\":%" PRIu64 ",\"profiles_saved\":%" PRIu64
			",\"save_errors\":%" PRIu64 ",\"anomalies\":%" PRIu64 "}\n",
			a->processes, a->names ? ss_names_count(a->names) : (size_t)0, st.profiles,
			st.profiles_loaded, st.profiles_saved, st.save_errors, a->anomalies);
		fflush(f);
		return;
	}
	fprintf(f, "selfseq-audit summary (%s):\n",
		a->o.cmd == SS_CMD_EXTRACT ? "extract" : ss_mode_name(a->o.cmd));
	fprintf(f, "  lines read:      %" PRIu64 "\n", a->lines);
	fprintf(f, "  records read:    %" PRIu64 " in %" PRIu64 " events (%" PRIu64 " SYSCALL)\n",
		a->records, a->events, a->syscall_records);
	fprintf(f, "  calls fed:       %" PRIu64 "\n", a->calls);
	fprintf(f, "  skipped:         %" PRIu64, skipped);
	for (i = 1; i < SS_SKIP_COUNT; i++) {
		if (!a->skipped[i])
			continue;
		fprintf(f, "%s%s %" PRIu64, first ? " (" : ", ", ss_skip_name(i), a->skipped[i]);
		first = 0;
	}
	fputs(first ? "\n" : ")\n", f);
	fprintf(f, "  processes:       %" PRIu64 "\n", a->processes);
	if (a->mon)
		fprintf(f, "  profiles:        %" PRIu64 " held, %" PRIu64 " loaded, %" PRIu64
			" saved, %" PRIu64 " save errors\n", st.profiles, st.profiles_loaded,
			st.profiles_saved, st.save_errors);
	fprintf(f, "  anomalies:       %" PRIu64 "\n", a->anomalies);
	fflush(f);
}
