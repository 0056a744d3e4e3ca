#!/bin/sh
# Regenerate the ABI baseline tests/abi/libselfseq.abi from a build of the
# current sources. Only when a release fixes the ABI (doc/abi-policy.md):
# the baseline is what later builds must stay compatible with.
# usage: tests/abi/update-baseline.sh [BUILD_DIR]   (default build-abi, debugoptimized)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build-abi}
[ -f "$build/build.ninja" ] || meson setup "$build" "$src" -Dbuildtype=debugoptimized >/dev/null
ninja -C "$build" libselfseq/libselfseq.so.1.0.0 >/dev/null
# Every type is kept, with its source location: check-abidiff.py tells the
# public ones (defined in include/selfseq/) from the library's own by it.
abidw --no-corpus-path --no-comp-dir-path --type-id-style hash --out-file "$src/tests/abi/libselfseq.abi" "$build/libselfseq/libselfseq.so.1"
echo "wrote tests/abi/libselfseq.abi from $build/libselfseq/libselfseq.so.1 ($(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?'))"
