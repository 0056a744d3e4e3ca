/* SPDX-License-Identifier: MIT */
/* Fuzz target: the selfseq CLI's UNM parser (see cli-target.c for the input layout and checks). */
#include "cli-target.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_cli_parse(data, size, FMT_UNM);
}
