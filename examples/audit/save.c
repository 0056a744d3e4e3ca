/* SPDX-License-Identifier: MIT */
/* Saving the monitor's changed profiles, with a message naming what failed. */
#include "audit.h"

void ss_save_profiles(struct ss_app *a, const char *why)
{
	int r;

	/* Score mode uses fixed profiles; extract has none. */
	if (!a->mon || !a->o.store_dir || a->o.cmd == SS_CMD_SCORE || a->o.cmd == SS_CMD_EXTRACT)
		return;
	r = selfseq_monitor_save(a->mon);
	if (r < 0) {
		fprintf(stderr, "selfseq-audit: saving profiles to %s (%s): %s; "
			"the unsaved ones are retried at the next save\n", a->o.store_dir, why,
			selfseq_strerror(r));
		a->save_failed = 1;
	}
}
