/* SPDX-License-Identifier: MIT */
/* Traces kept in memory: the list takes over each trace's call array. */
#include <stdlib.h>

#include "cli.h"
#include "tracelist.h"

int tracelist_add(void *ctx, struct trace *t)
{
	struct tracelist *tl = ctx;
	struct trace *d;

	cli_grow(&tl->v, &tl->cap, tl->n + 1, sizeof(*tl->v));
	d = &tl->v[tl->n++];
	*d = *t;
	d->name = cli_strdup(t->name);
	d->file = NULL;
	d->family = t->family ? cli_strdup(t->family) : NULL;
	t->calls = NULL;	/* taken */
	t->n = t->cap = 0;
	tl->calls += d->n;
	return CLI_EXIT_OK;
}

void tracelist_free(struct tracelist *tl)
{
	size_t i;

	for (i = 0; i < tl->n; i++) {
		free(tl->v[i].name);
		free((char *)tl->v[i].family);
		free(tl->v[i].calls);
	}
	free(tl->v);
	tl->v = NULL;
	tl->n = tl->cap = 0;
	tl->calls = 0;
}
