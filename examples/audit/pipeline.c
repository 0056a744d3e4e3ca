/* SPDX-License-Identifier: MIT */
/*
 * From a libauparse event to calls in kernel order: every record's line is
 * marked as read, SYSCALL records are parsed, their strings interned, and
 * the calls go through the reorder buffer to the tracker.
 */
#include <string.h>

#include <libaudit.h>

#include "audit.h"
#include "handoff.h"

/* The line tracker of the file the current record came from. */
static struct ss_lines *ss_lines_for(auparse_state_t *au, struct ss_lines *lines_of_file[],
				     const char *const files[], size_t nfiles)
{
	static const char *last_name;
	static size_t last_index;
	const char *name;
	size_t i;

	if (nfiles == 1)
		return lines_of_file[0];
	name = auparse_get_filename(au);
	if (!name)
		return NULL;
	if (name == last_name && last_index < nfiles)
		return lines_of_file[last_index];
	for (i = 0; i < nfiles; i++)
		if (!strcmp(files[i], name)) {
			last_name = name;
			last_index = i;
			return lines_of_file[i];
		}
	return NULL;
}

/* Count a skipped SYSCALL record, and name it on stderr up to --warn-max of a kind. */
static void ss_skip_record(struct ss_app *a, const char *file, unsigned line, enum ss_skip why,
			   const char *field)
{
	uint64_t seen = a->skipped[why]++;

	if (seen > a->o.warn_max)
		return;
	if (seen == a->o.warn_max) {
		fprintf(stderr, "selfseq-audit: more records skipped as %s, not shown\n",
			ss_skip_name(why));
		return;
	}
	fprintf(stderr, "%s:%u: SYSCALL record skipped (%s%s%s)\n", file ? file : "<stdin>",
		line, ss_skip_name(why), field ? ": field " : "", field ? field : "");
}

void ss_pipeline_syscall_text(struct ss_app *a, const char *text, const au_event_t *ts,
			      const char *file, unsigned line)
{
	struct ss_call c;
	const char *field = "msg";
	enum ss_skip why = SS_SKIP_FIELD;

	a->syscall_records++;
	if (text && ts)
		why = ss_record_parse_text(text, ts, &c, a->exe_buf, &field);
	if (why == SS_SKIP_NONE) {
		int had_host = c.host != NULL;

		c.exe = ss_names_get(a->names, c.exe);
		if (had_host)
			c.host = ss_names_get(a->names, c.host);
		if (!c.exe || (had_host && !c.host)) {
			/* The name table is full (--max-names) or memory is short. */
			why = SS_SKIP_LIMIT;
			field = c.exe ? "node" : "exe";
		} else if (ss_reorder_push(&a->reorder, &c)) {
			why = SS_SKIP_LIMIT;
			field = NULL;
		}
	}
	if (why != SS_SKIP_NONE)
		ss_skip_record(a, file, line, why, field);
}

void ss_pipeline_syscall_skip(struct ss_app *a, const char *file, unsigned line,
			      enum ss_skip why, const char *field)
{
	a->syscall_records++;
	ss_skip_record(a, file, line, why, field);
}

/* The SYSCALL record under @au's cursor, here and now. */
static void ss_pipeline_syscall(struct ss_app *a, auparse_state_t *au)
{
	ss_pipeline_syscall_text(a, auparse_get_record_text(au), auparse_get_timestamp(au),
				 auparse_get_filename(au), auparse_get_line_number(au));
}

void ss_pipeline_event(struct ss_app *a, auparse_state_t *au, struct ss_lines *lines_of_file[],
		       const char *const files[], size_t nfiles, struct ss_handoff *h)
{
	struct ss_lines *last_l = NULL;
	const char *last_text = NULL;
	uint64_t last_line = 0;

	a->events++;
	if (auparse_first_record(au) <= 0)
		return;
	do {
		struct ss_lines *l = ss_lines_for(au, lines_of_file, files, nfiles);
		unsigned line = auparse_get_line_number(au);

		a->records++;
		if (l) {
			ss_lines_mark(l, line);
			/* The text of the event's last line is kept below, once per event. */
			if (l != last_l || line > last_line) {
				if (last_l && l != last_l)
					ss_lines_keep_text(last_l, last_line, last_text);
				last_l = l;
				last_line = line;
				last_text = auparse_get_record_text(au);
			}
		}
		if (auparse_get_type(au) == AUDIT_SYSCALL) {
			if (h)
				ss_handoff_record(h, au);
			else
				ss_pipeline_syscall(a, au);
		}
	} while (auparse_next_record(au) > 0);
	/* The records stay valid until the next event is read. */
	if (last_l)
		ss_lines_keep_text(last_l, last_line, last_text);
	if (h)
		ss_handoff_event_end(h);
	else
		ss_pipeline_drain(a, 0);
}

void ss_pipeline_drain(struct ss_app *a, int all)
{
	struct ss_call c;

	while (ss_reorder_pop(&a->reorder, all, &c))
		ss_track_call(a, &c);
}
