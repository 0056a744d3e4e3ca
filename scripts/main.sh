#!/bin/sh
# The main job (README): installs what is needed, builds an optimised
# libselfseq and runs the paper-table example on ADFA-LD (unpacked from
# ../shared/data into the build directory).
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
[ -d build-main ] || meson setup build-main -Dbuildtype=release
meson compile -C build-main
sh scripts/unpack-data.sh build-main/data
exec build-main/examples/paper-table --data build-main/data
