/* SPDX-License-Identifier: MIT */
/*
 * Writes the golden profile (golden.c) to the file named on the command
 * line. Run it only on purpose, when format v1 deliberately gains a minor
 * version, then update doc/profile-format.md with the new dump.
 */
#include <stdio.h>

#include <selfseq/selfseq-file.h>

#include "golden.h"

int main(int argc, char **argv)
{
	struct selfseq_profile *p;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	err = golden_profile(&p);
	if (!err)
		err = selfseq_profile_save(p, argv[1]);
	selfseq_profile_free(p);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[1], selfseq_strerror(err));
		return 1;
	}
	return 0;
}
