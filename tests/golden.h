/* SPDX-License-Identifier: MIT */
/*
 * The golden profile: a small profile built the same way every time, whose
 * encoding is committed as tests/data/golden-v1.prof and dumped in
 * doc/profile-format.md, so any change to the bytes of format v1 shows.
 */
#ifndef SELFSEQ_TESTS_GOLDEN_H
#define SELFSEQ_TESTS_GOLDEN_H

#include <selfseq/selfseq.h>

/* Build it; 0 or a negative errno. */
int golden_profile(struct selfseq_profile **out);

#endif
