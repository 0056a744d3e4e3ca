/* SPDX-License-Identifier: MIT */
/*
 * The baseline of the selfseq-audit throughput benchmark: a bare libauparse
 * loop over the same files, the way selfseq-audit opens them (one
 * AUSOURCE_FILE_ARRAY stream), visiting every record of every event and
 * only reading its type. What selfseq-audit adds on top is its own cost.
 *
 * usage: audit-bare FILE...   (prints events, records, SYSCALL records)
 */
#include <stdio.h>

#include <auparse.h>
#include <libaudit.h>

int main(int argc, char **argv)
{
	unsigned long long events = 0, records = 0, syscalls = 0;
	auparse_state_t *au;

	if (argc < 2) {
		fprintf(stderr, "usage: audit-bare FILE...\n");
		return 2;
	}
	au = auparse_init(AUSOURCE_FILE_ARRAY, (const char **)(argv + 1));
	if (!au) {
		perror("auparse_init");
		return 1;
	}
	while (auparse_next_event(au) > 0) {
		events++;
		if (auparse_first_record(au) <= 0)
			continue;
		do {
			records++;
			if (auparse_get_type(au) == AUDIT_SYSCALL)
				syscalls++;
		} while (auparse_next_record(au) > 0);
	}
	auparse_destroy(au);
	printf("%llu events, %llu records, %llu SYSCALL records\n", events, records, syscalls);
	return 0;
}
