/* SPDX-License-Identifier: MIT */
/* The trace-format fuzz targets (UNM, ADFA, strace) share one driver: cli-target.c. */
#ifndef SELFSEQ_FUZZ_CLI_TARGET_H
#define SELFSEQ_FUZZ_CLI_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"

int fuzz_cli_parse(const uint8_t *data, size_t size, enum trace_format format);

#endif
