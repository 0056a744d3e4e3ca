#!/bin/sh
# SPDX-License-Identifier: MIT
#
# cli-throughput.sh [BUILD_DIR] [WINDOW...]: end-to-end speed of
# `selfseq score` on the concatenated ADFA-LD validation traces (one file,
# ADFA format, 2,122,085 calls), parsing included, measured with hyperfine.
#
# BUILD_DIR (default build-release) is configured as a release build if it
# is not one yet. The profile is trained on ADFA-LD's training traces with
# each WINDOW (default 6 9). Prints hyperfine's summary and the calls per
# second of its mean and of its fastest run. Exit 77 without the data.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-release}
[ $# -gt 0 ] && shift
windows=${*:-6 9}
calls=2122085

rc=0
sh "$root/scripts/unpack-data.sh" "$build/data" || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" --buildtype=release -Dtests=false >/dev/null
fi
ninja -C "$build" examples/cli/selfseq >/dev/null
selfseq=$build/examples/cli/selfseq
input=$build/data/adfa-validation.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
for w in $windows; do
	"$selfseq" train -q -w "$w" -a i386 -o "$tmp/w$w.prof" "$build/data/ADFA-LD/Training_Data_Master"
	hyperfine -N -w 5 -r 50 --export-json "$tmp/w$w.json" \
		"$selfseq score -p $tmp/w$w.prof $input" | grep -E 'Time|Range'
	python3 - "$tmp/w$w.json" "$calls" "$w" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))['results'][0]
n = int(sys.argv[2])
print('window %s: %.1f M calls/s (mean %.1f ms), %.1f M calls/s (fastest %.1f ms)' %
      (sys.argv[3], n / r['mean'] / 1e6, r['mean'] * 1e3, n / r['min'] / 1e6, r['min'] * 1e3))
EOF
done
