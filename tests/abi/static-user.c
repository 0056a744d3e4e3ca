/* SPDX-License-Identifier: MIT */
/*
 * A program linked against the installed-style libselfseq.a that defines
 * symbols named like the library's internal helpers (with other types).
 * It links only if the static library exports nothing but its API, and it
 * must then use its own ss_alloc, not the library's.
 */
#include <stdio.h>
#include <stdlib.h>

#include <selfseq/selfseq.h>

void *ss_alloc(size_t n);
int ss_opts_check(void);
int ss_window_test(int x);

int selfseq__xxh64 = 7;
const char selfseq__default_allocator[] = "the program's own";

void *ss_alloc(size_t n)
{
	return malloc(n + 1);
}

int ss_opts_check(void)
{
	return 42;
}

int ss_window_test(int x)
{
	return x * 2;
}

int main(void)
{
	/* Forrest et al.'s example: 4 mismatches out of 18. */
	const uint32_t train[] = { 0, 1, 2, 2, 0, 3, 2, 4 }, test[] = { 0, 1, 2, 0, 0, 3, 2, 4 };
	struct selfseq_db_opts o = { .sz = sizeof(o), .window = 4, .alphabet = 8 };
	struct selfseq_score s = { .sz = sizeof(s) };
	struct selfseq_profile *p, *q;
	struct selfseq_db *db;
	unsigned char buf[4096];
	size_t n;
	void *mine = ss_alloc(3);

	if (selfseq_db_new(&o, &db) || selfseq_db_add(db, train, 8) ||
	    selfseq_db_score(db, test, 8, NULL, &s) || s.mismatches != 4 || s.max_mismatches != 18) {
		fprintf(stderr, "static-user: the paper's example failed\n");
		return 1;
	}
	selfseq_db_free(db);
	/* Encoding checksums with xxh64: libxxhash comes from Libs.private. */
	if (selfseq_profile_new(NULL, &p) || selfseq_profile_encode(p, buf, sizeof(buf), &n) ||
	    selfseq_profile_decode(buf, n, NULL, &q)) {
		fprintf(stderr, "static-user: profile round trip failed\n");
		return 1;
	}
	selfseq_profile_free(p);
	selfseq_profile_free(q);
	if (ss_opts_check() != 42 || ss_window_test(2) != 4 || selfseq__xxh64 != 7 || !mine) {
		fprintf(stderr, "static-user: the program's own symbols were not used\n");
		return 1;
	}
	free(mine);
	printf("static-user: linked against libselfseq.a %u.%u.%u, no symbol clash\n",
	       selfseq_version() >> 16, selfseq_version() >> 8 & 0xff, selfseq_version() & 0xff);
	return 0;
}
