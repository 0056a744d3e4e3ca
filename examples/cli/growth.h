/* SPDX-License-Identifier: MIT */
/*
 * The database growth curve (Forrest et al. 1996, Figure 1): distinct
 * lookahead pairs against calls seen while training on traces in order.
 */
#ifndef SELFSEQ_CLI_GROWTH_H
#define SELFSEQ_CLI_GROWTH_H

#include <stddef.h>
#include <stdint.h>

#include "tracelist.h"

struct growth {
	double *calls, *pairs;	/* the curve's points, from (0, 0) */
	size_t n, cap;
};

/*
 * Train a fresh database of @window over @tl, recording about @points
 * points evenly spread over the calls (and the last one). 0 or a negative
 * errno from the library.
 */
int growth_compute(const struct tracelist *tl, uint32_t window, uint32_t alphabet, size_t points,
		   struct growth *g);
void growth_free(struct growth *g);

#endif /* SELFSEQ_CLI_GROWTH_H */
