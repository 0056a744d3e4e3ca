/* SPDX-License-Identifier: MIT */
/**
 * @file selfseq-text.h
 * @brief Traces recorded as text (userland only): call numbers written as
 * decimal numbers separated by whitespace, the format of ADFA-LD's trace
 * files.
 *
 * One parser for every user of the format: the `selfseq` command line tool
 * reads ADFA-LD files with it, and so does the Python binding, so both
 * accept and refuse exactly the same text. It keeps no state: any number of
 * threads may call it at once.
 */
#ifndef SELFSEQ_SELFSEQ_TEXT_H
#define SELFSEQ_SELFSEQ_TEXT_H

#include <selfseq/selfseq.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @defgroup text Traces as text (userland)
 * @{ */

/**
 * @brief Decode call numbers written as whitespace-separated decimal text.
 *
 * Tokens are separated by any run of spaces, tabs, newlines, carriage
 * returns, vertical tabs and form feeds; each token must be a decimal
 * number (digits only: no sign, leading zeros allowed). Decoding stops at
 * the first token that is not such a number, at the first number not below
 * @p limit, or at the first number that does not fit in @p calls; @p used
 * then says where that token starts, so a caller can report it (its line is
 * one more than the newlines before it), skip it, and decode the rest with
 * another call. Numbers before it are stored.
 *
 * A caller that reads a file in pieces passes pieces that end in
 * whitespace (or at the end of the file), so that no number is split.
 *
 * @param text the text; it need not be NUL-terminated, and a NUL byte in it
 * is an invalid token. NULL only when @p len is 0.
 * @param len bytes of @p text.
 * @param limit numbers must be below this, e.g. a database's alphabet
 * (selfseq_db_get_alphabet()); 0 allows every number up to UINT32_MAX.
 * @param calls where the numbers go, in order.
 * @param cap room in @p calls; `len / 2 + 1` always suffices.
 * @param[out] ncalls numbers stored.
 * @param[out] used bytes decoded: @p len on success, else the offset in
 * @p text of the token that stopped decoding.
 * @return 0 when all of @p text was decoded;
 * -EBADMSG: a token that is not a decimal number;
 * -ERANGE: a number not below @p limit (or above UINT32_MAX);
 * -ENOSPC: @p calls is full and another number follows;
 * -EINVAL: a NULL pointer (nothing is written then).
 * @since 1.0
 */
int selfseq_calls_decode(const char *text, size_t len, uint32_t limit, uint32_t *calls,
			 size_t cap, size_t *ncalls, size_t *used);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* SELFSEQ_SELFSEQ_TEXT_H */
