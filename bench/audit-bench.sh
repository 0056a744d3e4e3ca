#!/bin/bash
# SPDX-License-Identifier: MIT
#
# selfseq-audit throughput against a bare libauparse loop over the same log.
#
# usage: bench/audit-bench.sh BUILD_DIR [RECORDS [RUNS [WORKDIR]]]
#   RECORDS  SYSCALL records in the generated log (default 1000000)
#   RUNS     timed runs of each program, alternating (default 7)
#   WORKDIR  where the logs and the profile store go (default /tmp/selfseq-audit-bench)
#
# Generates (once, reused when present) a training log (seed 1) and a log to
# score (seed 2: the same programs with other random variations), trains a
# profile store on the first, then alternates `audit-bare LOG` and
# `selfseq-audit score -s STORE LOG > /dev/null`, and prints for each the
# minimum and median wall and CPU (user+sys) seconds and the added share.
# The minimum is the figure least disturbed by other load on the machine.
set -eu

build=$(realpath "$1")
records=${2:-1000000}
runs=${3:-7}
work=${4:-/tmp/selfseq-audit-bench}
gen=$build/bench/audit-loggen
bare=$build/bench/audit-bare
tool=$build/examples/audit/selfseq-audit

mkdir -p "$work"
train=$work/train-$records.log
log=$work/score-$records.log
[ -s "$train" ] || "$gen" -n "$records" -s 1 > "$train"
[ -s "$log" ] || "$gen" -n "$records" -s 2 > "$log"
rm -rf "$work/store"
"$tool" train -s "$work/store" -q --max-processes=0 "$train"

echo "log: $log ($(stat -c %s "$log") bytes, $(grep -c '^type=SYSCALL' "$log") SYSCALL records," \
     "$(wc -l < "$log") lines)"
"$bare" "$log"
"$tool" score -s "$work/store" --max-processes=0 --summary=text "$log" 2>&1 >/dev/null |
	sed -n '2,6p'

# One warm-up each (page cache), then alternate.
"$bare" "$log" > /dev/null
"$tool" score -s "$work/store" -q --max-processes=0 "$log" > /dev/null || true
: > "$work/times"
for _ in $(seq "$runs"); do
	/usr/bin/time -f "bare %e %U %S" -a -o "$work/times" "$bare" "$log" > /dev/null
	/usr/bin/time -f "score %e %U %S" -a -o "$work/times" \
		"$tool" score -s "$work/store" -q --max-processes=0 "$log" > /dev/null || true
done
python3 - "$work/times" "$(grep -c '^type=SYSCALL' "$log")" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if line.startswith('Command exited'):   # score exits 1 when it reports anomalies
        continue
    name, wall, user, sys_ = line.split()
    rows.setdefault(name, []).append((float(wall), float(user) + float(sys_)))
n = int(sys.argv[2])
stat = {}
for name in ('bare', 'score'):
    walls = [w for w, c in rows[name]]
    cpus = [c for w, c in rows[name]]
    stat[name] = (min(walls), statistics.median(walls), min(cpus), statistics.median(cpus))
    print('%-6s wall min %6.2f s  median %6.2f s   cpu min %6.2f s  median %6.2f s'
          '   (%.0f ns per SYSCALL record, cpu min)' % ((name,) + stat[name] +
                                                      (stat[name][2] / n * 1e9,)))
for i, what in ((0, 'wall min'), (2, 'cpu min'), (3, 'cpu median')):
    print('selfseq-audit score adds %+.1f%% (%s)' %
          ((stat['score'][i] / stat['bare'][i] - 1) * 100, what))
EOF
