#!/bin/sh
# The one test command (README, .ci/run): installs what is needed, builds with
# warnings as errors and runs every test suite; runs the compiled suites, and
# the programs the CLI and audit suites start, again under valgrind; runs
# every suite again in an address+undefined sanitizer build; and, when clang
# is installed, gives each libFuzzer target a short run (20 s). About 10
# minutes on 2 cores.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh

meson setup build-test --wipe -Dwerror=true -Dbuildtype=debugoptimized >/dev/null 2>&1 ||
	meson setup build-test -Dwerror=true -Dbuildtype=debugoptimized
meson compile -C build-test
meson test -C build-test --print-errorlogs --num-processes 2

# Valgrind memcheck (the 'valgrind' test setup in meson.build) on the suites of
# compiled tests; the other suites drive the programs from Python or shell.
meson test -C build-test --setup valgrind --print-errorlogs --num-processes 2 \
	--suite unit --suite format --suite monitor --suite stats --suite fuzz
# ... and the 'memcheck' setup on the suites that drive selfseq and
# selfseq-audit from Python: each program they start runs under memcheck.
meson test -C build-test --setup memcheck --print-errorlogs --num-processes 2 \
	--suite cli --suite audit

# Every suite under ASan+UBSan. Only kmod-qemu is left out, by tests/meson.build:
# its statically linked guest programs cannot carry the sanitizer runtimes.
meson setup build-asan --wipe -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debug >/dev/null 2>&1 ||
	meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
meson compile -C build-asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	meson test -C build-asan --print-errorlogs --num-processes 2

# libFuzzer smoke: 20 s per target, two at a time (fuzz/run-fuzzers.sh; a
# failing input lands in fuzz/regressions/ and fails this run).
if command -v clang >/dev/null 2>&1; then
	CC=clang meson setup build-fuzz --wipe -Dfuzzing=libfuzzer -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized >/dev/null 2>&1 ||
		CC=clang meson setup build-fuzz -Dfuzzing=libfuzzer -Db_sanitize=address,undefined \
			-Db_lundef=false -Dbuildtype=debugoptimized
	sh fuzz/run-fuzzers.sh -t 20 -j 2 -b build-fuzz
else
	echo "test.sh: clang not installed: libFuzzer smoke skipped (the corpora ran in suite 'fuzz')"
fi
