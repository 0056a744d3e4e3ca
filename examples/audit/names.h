/* SPDX-License-Identifier: MIT */
/*
 * Interned strings (executable paths, host names): one copy each, so calls
 * held in the reorder buffer and processes can point at them and compare
 * them by pointer. Bounded: beyond @max strings nothing new is added.
 */
#ifndef SELFSEQ_AUDIT_NAMES_H
#define SELFSEQ_AUDIT_NAMES_H

#include <stddef.h>

struct ss_names;

struct ss_names *ss_names_new(size_t max);
void ss_names_free(struct ss_names *t);

/* The interned copy of @s; NULL when the table is full or memory is short. */
const char *ss_names_get(struct ss_names *t, const char *s);

/* Mark @s (an interned string) as warned about; returns 1 the first time, then 0. */
int ss_names_warn_once(struct ss_names *t, const char *s);

size_t ss_names_count(const struct ss_names *t);

#endif /* SELFSEQ_AUDIT_NAMES_H */
