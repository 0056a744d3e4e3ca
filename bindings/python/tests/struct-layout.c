/* SPDX-License-Identifier: MIT */
/*
 * Prints the size and field offsets of every public struct the Python
 * binding mirrors, as the C compiler sees include/selfseq/selfseq.h, one
 * line per field: "struct field offset size" (field "-" for the struct's
 * own size). test_layout.py compares them with the ctypes mirrors.
 */
#include <stddef.h>
#include <stdio.h>

#include <selfseq/selfseq.h>

#define S(s) printf("%s - 0 %zu\n", #s, sizeof(struct s))
#define F(s, f) printf("%s %s %zu %zu\n", #s, #f, offsetof(struct s, f), \
			sizeof(((struct s *)0)->f))

int main(void)
{
	S(selfseq_db_opts);
	F(selfseq_db_opts, sz);
	F(selfseq_db_opts, window);
	F(selfseq_db_opts, alphabet);
	F(selfseq_db_opts, capacity);
	F(selfseq_db_opts, allocator);

	S(selfseq_pair);
	F(selfseq_pair, call);
	F(selfseq_pair, prev);
	F(selfseq_pair, distances);

	S(selfseq_score);
	F(selfseq_score, sz);
	F(selfseq_score, calls);
	F(selfseq_score, mismatches);
	F(selfseq_score, max_mismatches);
	F(selfseq_score, anomalous_calls);
	F(selfseq_score, ppm);
	F(selfseq_score, max_lfc);

	S(selfseq_score_opts);
	F(selfseq_score_opts, sz);
	F(selfseq_score_opts, misses);
	F(selfseq_score_opts, lfc_frame);

	S(selfseq_stream_opts);
	F(selfseq_stream_opts, sz);
	F(selfseq_stream_opts, window);
	F(selfseq_stream_opts, lfc_frame);
	F(selfseq_stream_opts, allocator);

	S(selfseq_profile_opts);
	F(selfseq_profile_opts, sz);
	F(selfseq_profile_opts, window);
	F(selfseq_profile_opts, alphabet);
	F(selfseq_profile_opts, lfc_frame);
	F(selfseq_profile_opts, arch);
	F(selfseq_profile_opts, allocator);

	S(selfseq_params);
	F(selfseq_params, sz);
	F(selfseq_params, normal_factor);
	F(selfseq_params, normal_factor_den);
	F(selfseq_params, normal_wait_ns);
	F(selfseq_params, anomaly_limit);
	F(selfseq_params, tolerize_limit);
	F(selfseq_params, delay_factor);

	S(selfseq_profile_state);
	F(selfseq_profile_state, sz);
	F(selfseq_profile_state, flags);
	F(selfseq_profile_state, window);
	F(selfseq_profile_state, alphabet);
	F(selfseq_profile_state, lfc_frame);
	F(selfseq_profile_state, arch);
	F(selfseq_profile_state, tasks);
	F(selfseq_profile_state, count);
	F(selfseq_profile_state, train_count);
	F(selfseq_profile_state, last_mod_count);
	F(selfseq_profile_state, sequences);
	F(selfseq_profile_state, anomalies);
	F(selfseq_profile_state, normal_time_ns);
	F(selfseq_profile_state, train_pairs);
	F(selfseq_profile_state, test_pairs);

	S(selfseq_event);
	F(selfseq_event, sz);
	F(selfseq_event, call);
	F(selfseq_event, flags);
	F(selfseq_event, misses);
	F(selfseq_event, lfc);
	F(selfseq_event, max_lfc);
	F(selfseq_event, state);
	F(selfseq_event, delay);

	/* Constants the binding copies. */
	printf("const WINDOW_MIN %d 0\n", SELFSEQ_WINDOW_MIN);
	printf("const WINDOW_MAX %d 0\n", SELFSEQ_WINDOW_MAX);
	printf("const ALPHABET_MAX %d 0\n", SELFSEQ_ALPHABET_MAX);
	printf("const LFC_FRAME_MAX %d 0\n", SELFSEQ_LFC_FRAME_MAX);
	printf("const STATE_FROZEN %u 0\n", SELFSEQ_STATE_FROZEN);
	printf("const STATE_NORMAL %u 0\n", SELFSEQ_STATE_NORMAL);
	printf("const EVENT_ANOMALOUS %u 0\n", SELFSEQ_EVENT_ANOMALOUS);
	printf("const EVENT_NEW_SEQUENCE %u 0\n", SELFSEQ_EVENT_NEW_SEQUENCE);
	printf("const EVENT_FROZEN %u 0\n", SELFSEQ_EVENT_FROZEN);
	printf("const EVENT_THAWED %u 0\n", SELFSEQ_EVENT_THAWED);
	printf("const EVENT_NORMAL %u 0\n", SELFSEQ_EVENT_NORMAL);
	printf("const EVENT_ANOMALY_LIMIT %u 0\n", SELFSEQ_EVENT_ANOMALY_LIMIT);
	printf("const EVENT_TOLERIZE_LIMIT %u 0\n", SELFSEQ_EVENT_TOLERIZE_LIMIT);
	printf("const MODE_MONITOR %u 0\n", SELFSEQ_MODE_MONITOR);
	printf("const MODE_TRAIN %u 0\n", SELFSEQ_MODE_TRAIN);
	printf("const MODE_SCORE %u 0\n", SELFSEQ_MODE_SCORE);
	printf("const DEFAULT_NORMAL_FACTOR %d 0\n", SELFSEQ_DEFAULT_NORMAL_FACTOR);
	printf("const DEFAULT_NORMAL_FACTOR_DEN %d 0\n", SELFSEQ_DEFAULT_NORMAL_FACTOR_DEN);
	printf("const DEFAULT_NORMAL_WAIT_NS %llu 0\n",
	       (unsigned long long)SELFSEQ_DEFAULT_NORMAL_WAIT_NS);
	printf("const DEFAULT_ANOMALY_LIMIT %d 0\n", SELFSEQ_DEFAULT_ANOMALY_LIMIT);
	printf("const DEFAULT_TOLERIZE_LIMIT %d 0\n", SELFSEQ_DEFAULT_TOLERIZE_LIMIT);
	printf("const DEFAULT_DELAY_FACTOR %d 0\n", SELFSEQ_DEFAULT_DELAY_FACTOR);
	return 0;
}
