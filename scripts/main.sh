#!/bin/sh
# The main job (README): installs what is needed, builds an optimised
# libselfseq, then
#  1. the live demonstration: selfseq-trace learns a small demo server's
#     normal sessions from kernel tracepoints, then reports the anomalous
#     calls of an exploit-like request (needs root or CAP_PERFMON);
#  2. Forrest et al.'s table on real recorded data: ADFA-LD, unpacked from
#     ../shared/data (or $SELFSEQ_DATA) into the build directory.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
[ -d build-main ] || meson setup build-main -Dbuildtype=release
meson compile -C build-main
sh scripts/demo-trace.sh build-main
echo
echo "== Forrest et al.'s measures on ADFA-LD (train on Training, score Validation and Attack)"
sh scripts/unpack-data.sh build-main/data
build-main/examples/paper-table build-main/data/ADFA-LD
