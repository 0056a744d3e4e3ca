/* SPDX-License-Identifier: MIT */
/*
 * Traces kept in memory, for the commands that go over the same traces
 * several times (evaluate: one pass per window; growth).
 */
#ifndef SELFSEQ_CLI_TRACELIST_H
#define SELFSEQ_CLI_TRACELIST_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

struct tracelist {
	struct trace *v;	/* name, family and calls owned by the list */
	size_t n, cap;
	uint64_t calls;
};

/* A trace_cb that takes the trace into the list (a struct tracelist * as @ctx). */
int tracelist_add(void *ctx, struct trace *t);
void tracelist_free(struct tracelist *tl);

#endif /* SELFSEQ_CLI_TRACELIST_H */
