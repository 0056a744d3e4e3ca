/* SPDX-License-Identifier: MIT */
/*
 * The golden profile (see golden.h). Only the public API and fixed inputs:
 * the paper's example traces (i386 numbers), window 4, learned until the
 * profile freezes and becomes normal by itself, then the paper's test trace
 * (anomalies, and new pairs in the training set only), so every header field
 * is non-zero and both sets and their difference appear in the file. Never change it: the committed file must match.
 */
#include "golden.h"

enum { OPEN = 5, READ = 3, MMAP = 90, GETRLIMIT = 76, CLOSE = 6 };
#define N_NORMAL 8u

int golden_profile(struct selfseq_profile **out)
{
	static const uint32_t normal[N_NORMAL] = { OPEN, READ, MMAP, MMAP, OPEN, GETRLIMIT, MMAP, CLOSE };
	static const uint32_t later[] = { OPEN, READ, MMAP, OPEN, OPEN, GETRLIMIT, MMAP, CLOSE };
	struct selfseq_profile_opts opts = {
		.sz = sizeof(opts), .window = 4, .alphabet = 512, .lfc_frame = 64,
		.arch = 0x40000003u,	/* AUDIT_ARCH_I386 */
	};
	struct selfseq_params params = { .sz = sizeof(params) };
	struct selfseq_profile *p;
	struct selfseq_process *proc;
	uint64_t now = 1000000000ull;
	size_t i;
	int err;

	err = selfseq_profile_new(&opts, &p);
	if (err)
		return err;
	err = selfseq_profile_get_params(p, &params);
	/* Freeze fast and wait little, so normal_time is set by the state machine. */
	params.normal_factor = 2;
	params.normal_factor_den = 1;
	params.normal_wait_ns = 50;
	params.anomaly_limit = 20;
	params.delay_factor = 3;
	if (!err)
		err = selfseq_profile_set_params(p, &params);
	if (!err)
		err = selfseq_profile_set_key(p, "/usr/bin/example");
	if (!err)
		err = selfseq_process_new(p, &proc);
	if (err) {
		selfseq_profile_free(p);
		return err;
	}
	/* Three runs of the normal trace: it freezes, then becomes normal. */
	for (i = 0; !err && i < 3 * N_NORMAL; i++) {
		if (i % N_NORMAL == 0)
			selfseq_process_reset(proc);
		err = selfseq_process_feed(proc, normal[i % N_NORMAL], now + 10 * i, NULL);
	}
	selfseq_process_reset(proc);
	for (i = 0; !err && i < sizeof(later) / sizeof(later[0]); i++)
		err = selfseq_process_feed(proc, later[i], now + 1000 + i, NULL);
	selfseq_process_free(proc);
	if (err) {
		selfseq_profile_free(p);
		return err;
	}
	*out = p;
	return 0;
}
