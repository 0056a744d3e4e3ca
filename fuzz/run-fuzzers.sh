#!/bin/sh
# Run the libFuzzer targets for a while each and keep what they break.
#
# usage: fuzz/run-fuzzers.sh [-t SECONDS] [-j JOBS] [-b BUILD_DIR] [TARGET...]
#   -t  seconds per target (default 60)
#   -j  targets run at the same time (default 1)
#   -b  build directory (default build-fuzz; configured with clang,
#       -Dfuzzing=libfuzzer and address+undefined sanitizers if it is not)
#   TARGET  profile, api, unm, adfa, strace, audit-record, perf (default: all built)
#
# Each target starts from its seed corpus (fuzz/corpus/TARGET) and its
# regression inputs (fuzz/regressions/TARGET); what it discovers goes to
# BUILD_DIR/fuzz-work/TARGET (the committed corpus is left alone). A crash,
# leak, hang (over 10 s) or out-of-memory input is minimised into
# fuzz/regressions/TARGET/, where the standalone driver (suite 'fuzz') runs it
# from then on: fix the bug, then commit the input. Prints executions per
# second and coverage (libFuzzer's cov: and ft:) per target; exits 1 if any
# target failed.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
secs=60 jobs=1 build=build-fuzz
while getopts t:j:b: o; do
	case $o in
	t) secs=$OPTARG ;;
	j) jobs=$OPTARG ;;
	b) build=$OPTARG ;;
	*) sed -n '2,20p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
case $build in /*) ;; *) build=$src/$build ;; esac

all="profile api unm adfa strace audit-record perf"
[ $# -gt 0 ] || set -- $all

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" -Dfuzzing=libfuzzer -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
targets=
for t in "$@"; do
	if ninja -C "$build" -t targets all 2>/dev/null | grep -q "^fuzz/fuzz-$t:"; then
		targets="$targets $t"
	else
		echo "run-fuzzers: no target '$t' in this build (its front end is not built?)" >&2
	fi
done
[ -n "$targets" ] || { echo "run-fuzzers: $build has no libFuzzer targets (-Dfuzzing=libfuzzer?)" >&2; exit 1; }
ninja -C "$build" -j2 $(for t in $targets; do echo "fuzz/fuzz-$t"; done) >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
work=$build/fuzz-work

run_one() {
	t=$1
	mkdir -p "$work/$t" "$work/$t.artifacts"
	rm -f "$work/$t.artifacts"/*
	dict=
	[ -f "$src/fuzz/$t.dict" ] && dict=-dict=$src/fuzz/$t.dict
	dirs="$src/fuzz/corpus/$t"
	[ -d "$src/fuzz/regressions/$t" ] && dirs="$dirs $src/fuzz/regressions/$t"
	# -close_fd_mask=2: the parsers' messages go nowhere; libFuzzer keeps its own stderr for reports.
	"$build/fuzz/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$work/$t.artifacts/" \
		$dict "$work/$t" $dirs >"$work/$t.log" 2>&1 || true
	for a in "$work/$t.artifacts"/*; do
		[ -f "$a" ] || continue
		name=$(basename "$a")
		mkdir -p "$src/fuzz/regressions/$t"
		out=$src/fuzz/regressions/$t/$name
		case $name in
		crash-* | leak-*)
			"$build/fuzz/fuzz-$t" -minimize_crash=1 -max_total_time=30 -close_fd_mask=2 \
				-exact_artifact_path="$out" "$a" >"$work/$t.minimize.log" 2>&1 || true
			[ -f "$out" ] || cp "$a" "$out" ;;
		*) cp "$a" "$out" ;;
		esac
	done
}

# Up to $jobs targets at a time.
running=0
for t in $targets; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

status=0
printf '%-13s %8s %8s %8s %8s %6s  %s\n' target seconds exec/s cov ft corpus result
for t in $targets; do
	log=$work/$t.log
	line=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(echo "$line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	n=$(ls "$work/$t.artifacts" | wc -l)
	result=ok
	if [ "$n" -gt 0 ]; then
		result="$n failing input(s) -> fuzz/regressions/$t/ (log: $log)"
		status=1
	elif ! grep -q '^stat::number_of_executed_units' "$log"; then
		result="did not finish (log: $log)"
		status=1
	fi
	printf '%-13s %8s %8s %8s %8s %6s  %s\n' "$t" "$secs" "${eps:-?}" "${cov:-?}" "${ft:-?}" \
		"${corp:-?}" "$result"
done
exit $status
