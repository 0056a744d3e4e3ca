#!/bin/sh
# The one test command (README, .ci/run): installs what is needed, builds with
# warnings as errors, runs every test suite, then runs the tests again in an
# address+undefined sanitizer build.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh

meson setup build-test --wipe -Dwerror=true -Dbuildtype=debugoptimized >/dev/null 2>&1 ||
	meson setup build-test -Dwerror=true -Dbuildtype=debugoptimized
meson compile -C build-test
meson test -C build-test --print-errorlogs --num-processes 2

meson setup build-asan --wipe -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debug >/dev/null 2>&1 ||
	meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
meson compile -C build-asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite slow
