/* SPDX-License-Identifier: MIT */
/*
 * The two-thread file reader's handoff (handoff.c): SYSCALL records copied
 * by the reading thread, processed in order by a worker.
 */
#ifndef SELFSEQ_AUDIT_HANDOFF_H
#define SELFSEQ_AUDIT_HANDOFF_H

#include <auparse.h>

struct ss_app;
struct ss_handoff;

/* Start the worker; NULL when no thread can be had (then process inline). */
struct ss_handoff *ss_handoff_start(struct ss_app *a);
/*
 * Queue the SYSCALL record under @au's cursor. Always queued, in order: a
 * record without text or that cannot be copied is queued as such, and the
 * worker reports it as the inline pipeline would.
 */
void ss_handoff_record(struct ss_handoff *h, auparse_state_t *au);
/* The event just queued is complete: the worker drains the reorder buffer after it. */
void ss_handoff_event_end(struct ss_handoff *h);
/* Hand over what is left, wait for the worker and free everything (NULL: nothing). */
void ss_handoff_finish(struct ss_handoff *h);

#endif /* SELFSEQ_AUDIT_HANDOFF_H */
