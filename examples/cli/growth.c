/* SPDX-License-Identifier: MIT */
/*
 * Growth curves. A trace is added piece by piece; each piece is given
 * the k calls before it again, whose own pairs are already in the
 * database, so the pieces add exactly the pairs of the whole trace.
 */
#include <stdlib.h>

#include <selfseq/selfseq.h>

#include "cli.h"
#include "growth.h"

static void growth_point(struct growth *g, uint64_t calls, uint32_t pairs)
{
	if (g->n == g->cap) {
		size_t cap = g->cap;

		cli_grow(&g->calls, &cap, g->n + 1, sizeof(double));
		cli_grow(&g->pairs, &g->cap, g->n + 1, sizeof(double));
	}
	g->calls[g->n] = (double)calls;
	g->pairs[g->n] = (double)pairs;
	g->n++;
}

int growth_compute(const struct tracelist *tl, uint32_t window, uint32_t alphabet, size_t points,
		   struct growth *g)
{
	struct selfseq_db_opts o = { .sz = sizeof(o), .window = window, .alphabet = alphabet };
	struct selfseq_db *db;
	uint64_t seen = 0, step, next;
	size_t i;
	int err = selfseq_db_new(&o, &db);

	if (err)
		return err;
	step = tl->calls / (points ? points : 1);
	if (!step)
		step = 1;
	next = step;
	growth_point(g, 0, 0);
	for (i = 0; i < tl->n && !err; i++) {
		const struct trace *t = &tl->v[i];
		size_t at = 0;

		while (at < t->n && !err) {
			size_t piece = t->n - at, back = at < window - 1 ? at : window - 1;

			if (seen + piece > next)
				piece = (size_t)(next - seen);
			err = selfseq_db_add(db, t->calls + at - back, piece + back);
			at += piece;
			seen += piece;
			if (seen == next) {
				growth_point(g, seen, selfseq_db_get_pairs(db));
				next += step;
			}
		}
	}
	if (!err && g->calls[g->n - 1] != (double)seen)
		growth_point(g, seen, selfseq_db_get_pairs(db));
	selfseq_db_free(db);
	return err;
}

void growth_free(struct growth *g)
{
	free(g->calls);
	free(g->pairs);
	g->calls = g->pairs = NULL;
	g->n = g->cap = 0;
}
