/* SPDX-License-Identifier: MIT */
/* Interned strings in a uthash table; the string lives in the entry itself. */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#define HASH_NONFATAL_OOM 1
/* XXH3 hashes a short path in a few dozen instructions, Jenkins in hundreds (bench/). */
#define HASH_FUNCTION(keyptr, keylen, hashv) \
	((hashv) = (unsigned)XXH3_64bits((keyptr), (size_t)(keylen)))
#include <uthash.h>

#include "names.h"

struct ss_name {
	UT_hash_handle hh;
	int warned;
	char s[];
};

struct ss_names {
	struct ss_name *table;
	size_t n, max;
};

struct ss_names *ss_names_new(size_t max)
{
	struct ss_names *t = calloc(1, sizeof(*t));

	if (t)
		t->max = max;
	return t;
}

void ss_names_free(struct ss_names *t)
{
	struct ss_name *e, *tmp;

	if (!t)
		return;
	HASH_ITER(hh, t->table, e, tmp) {
		HASH_DEL(t->table, e);
		free(e);
	}
	free(t);
}

static struct ss_name *ss_name_of(const char *s)
{
	return (struct ss_name *)(void *)((char *)(uintptr_t)s - offsetof(struct ss_name, s));
}

const char *ss_names_get(struct ss_names *t, const char *s)
{
	struct ss_name *e;
	size_t len = strlen(s);

	HASH_FIND(hh, t->table, s, len, e);
	if (e)
		return e->s;
	if (t->n >= t->max)
		return NULL;
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return NULL;
	e->warned = 0;
	memcpy(e->s, s, len + 1);
	HASH_ADD_KEYPTR(hh, t->table, e->s, len, e);
	if (!e->hh.tbl) {	/* uthash could not grow (HASH_NONFATAL_OOM) */
		free(e);
		return NULL;
	}
	t->n++;
	return e->s;
}

int ss_names_warn_once(struct ss_names *t, const char *s)
{
	struct ss_name *e = ss_name_of(s);

	(void)t;
	if (e->warned)
		return 0;
	e->warned = 1;
	return 1;
}

size_t ss_names_count(const struct ss_names *t)
{
	return t->n;
}
