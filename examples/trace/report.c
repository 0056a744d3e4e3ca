/* SPDX-License-Identifier: MIT */
/*
 * Anomaly and state reports (see report.h). ppid and auid are read from
 * /proc when the report is written (a process is re-parented when its
 * parent exits); the values cached at exec or fork are the fallback.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "proc.h"
#include "report.h"
#include "syscall-names.h"

const char *report_state_name(uint32_t state)
{
	if (state & SELFSEQ_STATE_NORMAL)
		return "normal";
	if (state & SELFSEQ_STATE_FROZEN)
		return "frozen";
	return "training";
}

void report_time(uint64_t ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char base[32];

	gmtime_r(&s, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03uZ", base, (unsigned)(ns % 1000000000ull / 1000000));
}

/* Bytes JSON cannot carry as they are: then the path is also given in hex (exe_hex). */
static int needs_hex(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 1;
	return 0;
}

/* Words of --text: quoted when needed, as selfseq-audit does. */
static void text_string(FILE *f, const char *s)
{
	if (!*s || strpbrk(s, " \t\"\\") || needs_hex(s))
		json_string(f, s);
	else
		fputs(s, f);
}

static uint32_t read_auid(uint32_t pid)
{
	char path[64];
	unsigned v;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%u/loginuid", pid);
	f = fopen(path, "re");
	if (!f)
		return UINT32_MAX;
	n = fscanf(f, "%u", &v);
	fclose(f);
	return n == 1 ? v : UINT32_MAX;
}

static void report_head(const struct report *r, const char *type, const struct task *t,
			uint32_t nr, uint64_t now_ns, const struct selfseq_event *ev)
{
	const char *call = ss_syscall_name(t->arch, nr), *arch = ss_arch_name(t->arch);
	const char *exe = t->exe ? t->exe : "";
	uint32_t pid = t->tgid ? t->tgid : t->tid, ppid, uid, auid = read_auid(pid);
	char when[48];
	FILE *f = r->out;

	if (proc_status(pid, &ppid, &uid)) {
		ppid = t->ppid;
		uid = t->uid;
	}
	report_time(now_ns, when, sizeof(when));
	if (r->text) {
		fprintf(f, "%s %s pid=%u tid=%u ppid=%u auid=%u uid=%u exe=", when, type, pid, t->tid,
			ppid, auid, uid);
		text_string(f, exe);
		fprintf(f, " arch=%s call=%s(%u) misses=%u lfc=%u state=%s", arch ? arch : "unknown",
			call ? call : "unknown", nr, ev->misses, ev->lfc, report_state_name(ev->state));
		return;
	}
	fprintf(f, "{\"type\":\"%s\",\"time\":\"%s\",\"pid\":%u,\"tid\":%u,\"ppid\":%u,\"auid\":%u,"
		"\"uid\":%u,\"exe\":", type, when, pid, t->tid, ppid, auid, uid);
	json_string(f, exe);
	if (needs_hex(exe)) {
		const unsigned char *p;

		fputs(",\"exe_hex\":\"", f);
		for (p = (const unsigned char *)exe; *p; p++)
			fprintf(f, "%02X", *p);
		fputc('"', f);
	}
	fprintf(f, ",\"arch\":\"%s\",\"call\":", arch ? arch : "unknown");
	if (call)
		json_string(f, call);
	else
		fputs("null", f);
	fprintf(f, ",\"nr\":%u,\"misses\":%u,\"lfc\":%u,\"max_lfc\":%u,\"state\":\"%s\",\"mode\":\"%s\"",
		nr, ev->misses, ev->lfc, ev->max_lfc, report_state_name(ev->state), r->mode);
}

static void report_end(const struct report *r)
{
	fputs(r->text ? "\n" : "}\n", r->out);
	/* A reader tailing the file sees each report at once. */
	fflush(r->out);
}

void report_anomaly(const struct report *r, const struct task *t, uint32_t nr,
		    uint64_t now_ns, const struct selfseq_event *ev)
{
	report_head(r, "anomaly", t, nr, now_ns, ev);
	if (ev->flags & (SELFSEQ_EVENT_ANOMALY_LIMIT | SELFSEQ_EVENT_TOLERIZE_LIMIT))
		fprintf(r->out, r->text ? " limit=%s" : ",\"limit\":\"%s\"",
			ev->flags & SELFSEQ_EVENT_TOLERIZE_LIMIT ? "tolerize_limit" : "anomaly_limit");
	if (ev->delay)
		fprintf(r->out, r->text ? " delay_ms=%llu" : ",\"delay_ms\":%llu",
			(unsigned long long)ev->delay);
	report_end(r);
}

void report_state(const struct report *r, const struct task *t, uint32_t nr, uint64_t now_ns,
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

	if (!r->state_events)
		return;
	report_head(r, "state", t, nr, now_ns, ev);
	fputs(r->text ? " changes=" : ",\"changes\":[", r->out);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(ev->flags & names[i].flag))
			continue;
		fprintf(r->out, r->text ? "%s%s" : "%s\"%s\"", first ? "" : ",", names[i].name);
		first = 0;
	}
	if (!r->text)
		fputc(']', r->out);
	report_end(r);
}
