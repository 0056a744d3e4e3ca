/* SPDX-License-Identifier: MIT */
/* JSON output: strings escaped per RFC 8259 (file names may hold anything). */
#ifndef SELFSEQ_CLI_JSON_H
#define SELFSEQ_CLI_JSON_H

#include <stdio.h>

/* Write @s as a quoted JSON string; bytes that are not valid UTF-8 become U+FFFD. */
void json_string(FILE *f, const char *s);

#endif /* SELFSEQ_CLI_JSON_H */
