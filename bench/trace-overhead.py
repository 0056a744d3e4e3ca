#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What each system-call tracer adds to every call of a syscall-heavy workload.

The workload is bench/getppid-bench (getppid(2) in a loop, the cheapest call), run:
  plain                  no tracer
  selfseq-trace          selfseq-trace monitor --no-store (perf rings, pH on every call)
  perf record            perf record -e raw_syscalls:sys_enter (the same samples, to a file)
  strace                 strace -f -o /dev/null
  perf trace             perf trace -o FILE
Each configuration runs REPS times, interleaved, and the median is reported:
  cpu ns/call   the workload's own CPU time per call (getppid-bench's figure): what the
                kernel does in the traced process (the sample, the ptrace stops' entry/exit)
  wall ns/call  elapsed time of the whole run per call, tracer start-up and ending included:
                what a traced program experiences, tracer's own work (on another CPU) aside
  added         the difference to plain, per call
  lost          samples the tracer says it lost (selfseq-trace: PERF_RECORD_LOST counts;
                perf record: calls made minus samples written); for selfseq-trace also its own
                CPU time per call (reading, decoding, merging, pH), spent on another CPU
strace and perf trace are 10 to 100 times slower, so they run CALLS/20 calls.

usage: bench/trace-overhead.py BUILD_DIR [CALLS] [REPS]     (root: perf_event_open)
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run(cmd, calls):
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, timeout=3600)
    wall = (time.monotonic() - t0) * 1e9 / calls
    if p.returncode != 0:
        raise SystemExit('%s failed (%d):\n%s' % (' '.join(cmd), p.returncode,
                                                  p.stderr.decode(errors='replace')))
    out = p.stdout.decode() + p.stderr.decode()
    m = re.search(r'getppid: best ([0-9.]+) ns/call', out)
    if not m:
        raise SystemExit('no getppid-bench line in:\n' + out)
    return float(m.group(1)), wall, out


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 5000000
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    slow_calls = max(calls // 20, 50000)
    bench = os.path.join(build, 'bench', 'getppid-bench')
    trace = os.path.join(build, 'examples', 'trace', 'selfseq-trace')
    tmp = tempfile.mkdtemp(prefix='trace-overhead-')
    perf = shutil.which('perf')
    strace = shutil.which('strace')

    def work(n):
        return [bench, '-n', str(n), '-r', '1']

    def lost_selfseq(out, n):
        s = json.loads(out.strip().split('\n')[-1])
        return '%d (of %d calls; tracer CPU %.0f ns/call)' % (
            s['lost'], s['calls'] + s['lost'], s['tracer_cpu_s'] * 1e9 / max(s['calls'], 1))

    def lost_perf_record(out, n):
        rep = subprocess.run([perf, 'report', '--stats', '-i', os.path.join(tmp, 'perf.data')],
                             capture_output=True).stdout.decode()
        m = re.search(r'SAMPLE events:\s+(\d+)', rep)
        got = int(m.group(1)) if m else 0
        return '%d (of about %d calls)' % (max(n - got, 0), n)

    def lost_perf_trace(out, n):
        try:
            with open(os.path.join(tmp, 'perf-trace.out'), errors='replace') as f:
                text = f.read()
        except OSError:
            return '?'
        lost = sum(int(x) for x in re.findall(r'LOST (\d+) events', text))
        return '%d' % lost

    configs = [('plain', calls, lambda n: work(n), None)]
    configs.append(('selfseq-trace', calls,
                    lambda n: [trace, 'monitor', '--no-store', '-o', '/dev/null',
                               '--summary=json', '--'] + work(n), lost_selfseq))
    if perf:
        configs.append(('perf record', calls,
                        lambda n: [perf, 'record', '-q', '--no-buildid', '-e',
                                   'raw_syscalls:sys_enter', '-o', os.path.join(tmp, 'perf.data'),
                                   '--'] + work(n), lost_perf_record))
    if strace:
        configs.append(('strace -f', slow_calls,
                        lambda n: [strace, '-f', '-o', '/dev/null'] + work(n), None))
    if perf:
        configs.append(('perf trace', slow_calls,
                        lambda n: [perf, 'trace', '-o', os.path.join(tmp, 'perf-trace.out'),
                                   '--'] + work(n), lost_perf_trace))
    results = {name: [] for name, _, _, _ in configs}
    lost = {}
    for r in range(reps):
        for name, n, cmd, lostf in configs:
            cpu, wall, out = run(cmd(n), n)
            results[name].append((cpu, wall))
            if lostf:
                lost.setdefault(name, []).append(lostf(out, n))
    shutil.rmtree(tmp, ignore_errors=True)
    base_cpu = statistics.median(c for c, _ in results['plain'])
    base_wall = statistics.median(w for _, w in results['plain'])
    print('getppid x %d (strace, perf trace: x %d), median of %d runs, %s, %d CPUs, load %.1f'
          % (calls, slow_calls, reps, os.uname().release, os.cpu_count(), os.getloadavg()[0]))
    print('%-14s %12s %12s %12s %12s  %s' % ('tracer', 'cpu ns/call', 'added', 'wall ns/call',
                                             'added', 'lost samples (each run)'))
    for name, n, _, _ in configs:
        cpu = statistics.median(c for c, _ in results[name])
        wall = statistics.median(w for _, w in results[name])
        print('%-14s %12.0f %12.0f %12.0f %12.0f  %s' % (
            name, cpu, cpu - base_cpu, wall, wall - base_wall, ', '.join(lost.get(name, ['-']))))


if __name__ == '__main__':
    main()
