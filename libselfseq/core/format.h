/* SPDX-License-Identifier: MIT */
/*
 * Constants of the profile file format v1 (doc/profile-format.md is the
 * normative description; these names follow it). Shared by format.c and the
 * tests that forge files; never installed.
 */
#ifndef SELFSEQ_CORE_FORMAT_H
#define SELFSEQ_CORE_FORMAT_H

/* PNG-style: a high byte, CR LF, ^Z and LF catch text-mode and 7-bit mangling. */
#define SS_FMT_MAGIC "\x89SSQ\r\n\x1a\n"
#define SS_FMT_MAGIC_LEN 8u
#define SS_FMT_MAJOR 1u
#define SS_FMT_MINOR 0u

/* Header field offsets (v1.0). */
#define SS_FMT_OFF_MAJOR 8u
#define SS_FMT_OFF_MINOR 10u
#define SS_FMT_OFF_HEADER_SIZE 12u
#define SS_FMT_OFF_FILE_SIZE 16u
#define SS_FMT_OFF_RESERVED0 20u
#define SS_FMT_OFF_STATE 24u
#define SS_FMT_OFF_WINDOW 28u
#define SS_FMT_OFF_ALPHABET 32u
#define SS_FMT_OFF_LFC_FRAME 36u
#define SS_FMT_OFF_ARCH 40u
#define SS_FMT_OFF_RESERVED1 44u
#define SS_FMT_OFF_COUNT 48u
#define SS_FMT_OFF_TRAIN_COUNT 56u
#define SS_FMT_OFF_LAST_MOD_COUNT 64u
#define SS_FMT_OFF_SEQUENCES 72u
#define SS_FMT_OFF_ANOMALIES 80u
#define SS_FMT_OFF_NORMAL_TIME 88u
#define SS_FMT_OFF_NORMAL_FACTOR 96u
#define SS_FMT_OFF_NORMAL_FACTOR_DEN 100u
#define SS_FMT_OFF_NORMAL_WAIT 104u
#define SS_FMT_OFF_ANOMALY_LIMIT 112u
#define SS_FMT_OFF_TOLERIZE_LIMIT 116u
#define SS_FMT_OFF_DELAY_FACTOR 120u
#define SS_FMT_OFF_RESERVED2 124u
#define SS_FMT_HEADER_V1 128u

/* Section: u32 type, u32 payload length, payload. */
#define SS_FMT_SECTION_HEAD 8u
#define SS_FMT_SEC_KEY 1u
#define SS_FMT_SEC_CALLS 2u
#define SS_FMT_SEC_TRAIN 3u
#define SS_FMT_SEC_TEST 4u
/* An unknown section with this bit set cannot be skipped by an older reader. */
#define SS_FMT_SEC_CRITICAL 0x80000000u

/* XXH64 (seed 0) of everything before it, at the end of the file. */
#define SS_FMT_CHECKSUM 8u
#define SS_FMT_SEED 0u

/* State bits a v1 file may carry (SELFSEQ_STATE_*). */
#define SS_FMT_STATE_MASK 0x3u

/*
 * No valid v1 file is larger: alphabet 1024, window 32, every cell set in
 * both sets is about 8.4 MiB. Readers refuse bigger inputs before reading.
 */
#define SS_FMT_MAX_BYTES (16u << 20)

#endif /* SELFSEQ_CORE_FORMAT_H */
