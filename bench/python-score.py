#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""python-score.py: what scoring ADFA-LD from Python costs, against C doing
the same work.

Two comparisons, each the best of --reps runs, in wall time and CPU time
(the CPU time is the fairer figure on a machine shared with other jobs):

1. scoring: the 4,372 validation traces, already in memory, scored one by
   one with ``[db.score(t, lfc_frame=F) for t in traces]``, against
   build/bench/selfseq-score-traces doing the same selfseq_db_score() loop
   in C; with the CLI's locality frame (128) and without (0). The score sums
   of both sides must agree.
2. end to end: a fresh ``python3`` running python-score-job.py, which
   loads the profile, reads the validation directory (selfseq.read_adfa),
   scores the traces and writes the JSON lines of
   ``selfseq score --json --total``, against that CLI command itself, both
   writing to /dev/null; then where the Python time
   goes (interpreter start and import, reading and parsing, scoring, JSON).

Usage (after `meson compile -C BUILD` and scripts/unpack-data.sh BUILD/tests/data):
  SELFSEQ_LIBRARY=BUILD/libselfseq/libselfseq.so.1 python3 bench/python-score.py \
      --build BUILD [--data DIR] [--window 6] [--reps 5]

Prints one line per comparison, e.g.
  scoring lfc_frame=128 traces=4372 calls=2122085 python_cpu_ms=70.1 c_cpu_ms=65.2 \
      ratio_cpu=1.08 python_wall_ms=... c_wall_ms=... ratio_wall=...
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def best_of(reps, fn):
    """(best wall ms, best cpu ms, last result) of calling fn() reps times in-process."""
    wall = cpu = float("inf")
    result = None
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        wall = min(wall, (time.perf_counter() - w0) * 1e3)
        cpu = min(cpu, (time.process_time() - c0) * 1e3)
    return wall, cpu, result


def best_of_process(reps, argv, env=None):
    """(best wall ms, best cpu ms) of running argv reps times, output to /dev/null."""
    wall = cpu = float("inf")
    for _ in range(reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        with open(os.devnull, "wb") as null:
            subprocess.run(argv, stdout=null, check=True, env=env)
        w = (time.perf_counter() - w0) * 1e3
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        c = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1e3
        wall, cpu = min(wall, w), min(cpu, c)
    return wall, cpu


def line(kind, fields):
    print(kind + " " + " ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in fields.items()), flush=True)


def scoring(args, selfseq, train, test, frame):
    db = selfseq.Database(window=args.window)
    for t in train:
        db.add(t)
    score = db.score
    py_wall, py_cpu, scores = best_of(args.reps, lambda: [score(t, lfc_frame=frame)
                                                           for t in test])
    many_wall, many_cpu, many = best_of(args.reps, lambda: db.score_many(test, lfc_frame=frame))
    if many != scores:
        sys.exit("python-score: score_many() and score() disagree")
    exe = os.path.join(args.build, "bench", "selfseq-score-traces")
    out = subprocess.run([exe, "-w", str(args.window), "-l", str(frame), "-r", str(args.reps),
                          os.path.join(args.adfa, "Training_Data_Master"),
                          os.path.join(args.adfa, "Validation_Data_Master")],
                         capture_output=True, text=True, check=True).stdout
    c = dict(re.findall(r"(\w+)=([\d.]+)", out))
    mine = (sum(s.calls for s in scores), sum(s.mismatches for s in scores),
            sum(s.anomalous_calls for s in scores),
            sum(s.max_lfc or 0 for s in scores))
    theirs = (int(c["calls"]), int(c["mismatches"]), int(c["anomalous"]),
              int(c["max_lfc_sum"]))
    if mine != theirs:
        sys.exit(f"python-score: Python and C disagree: {mine} != {theirs}")
    c_wall, c_cpu = float(c["wall_ms"]), float(c["cpu_ms"])
    line("scoring", {"lfc_frame": frame, "traces": len(test), "calls": mine[0],
                     "python_cpu_ms": py_cpu, "c_cpu_ms": c_cpu, "ratio_cpu": py_cpu / c_cpu,
                     "python_wall_ms": py_wall, "c_wall_ms": c_wall,
                     "ratio_wall": py_wall / c_wall,
                     "python_ns_per_call": py_cpu * 1e6 / mine[0]})
    line("scoring_many", {"lfc_frame": frame, "traces": len(test), "calls": mine[0],
                          "python_cpu_ms": many_cpu, "c_cpu_ms": c_cpu,
                          "ratio_cpu": many_cpu / c_cpu, "python_wall_ms": many_wall,
                          "c_wall_ms": c_wall, "ratio_wall": many_wall / c_wall})


def job_env(args):
    """The environment of a fresh Python job: the binding on its path, and
    bytecode cached (in the data directory) as an installed package has it,
    even where PYTHONDONTWRITEBYTECODE is set."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "bindings", "python"),
               PYTHONPYCACHEPREFIX=os.path.join(args.tmp, "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def breakdown(args, selfseq):
    """Where the end-to-end Python time goes, measured in this interpreter."""
    val = os.path.join(args.adfa, "Validation_Data_Master")
    prof = os.path.join(args.tmp, f"adfa-w{args.window}.prof")
    # The first run also writes the bytecode cache: the best of a few.
    startup = min(float(subprocess.run(
        [sys.executable, "-c", "import resource, selfseq; r = resource.getrusage("
         "resource.RUSAGE_SELF); print((r.ru_utime + r.ru_stime) * 1e3)"],
        capture_output=True, text=True, check=True, env=job_env(args)).stdout)
        for _ in range(args.reps + 1))
    _, read_cpu, traces = best_of(args.reps, lambda: selfseq.read_adfa(val))
    p = selfseq.Profile.load(prof)
    db, frame = p.train, p.lfc_frame
    _, score_cpu, scores = best_of(args.reps, lambda: [db.score(t, lfc_frame=frame)
                                                        for t in traces])
    dumps = json.dumps
    _, out_cpu, _ = best_of(args.reps, lambda: "".join(
        f'{{"trace":{dumps(t.name)},"calls":{s.calls},"mismatches":{s.mismatches},'
        f'"max_mismatches":{s.max_mismatches},"percent":{s.percent:.4f},'
        f'"anomalous_calls":{s.anomalous_calls},"max_lfc":{s.max_lfc}}}\n'
        for t, s in zip(traces, scores)))
    line("python-breakdown", {"startup_import_cpu_ms": startup,
                              "read_adfa_cpu_ms": read_cpu, "score_cpu_ms": score_cpu,
                              "json_lines_cpu_ms": out_cpu})


def end_to_end(args):
    cli = os.path.join(args.build, "examples", "cli", "selfseq")
    if not os.access(cli, os.X_OK):
        print(f"end-to-end skipped: no CLI at {cli}")
        return
    prof = os.path.join(args.tmp, f"adfa-w{args.window}.prof")
    val = os.path.join(args.adfa, "Validation_Data_Master")
    subprocess.run([cli, "train", "-q", "-w", str(args.window), "-a", "i386", "-f", "adfa",
                    "-o", prof, os.path.join(args.adfa, "Training_Data_Master")], check=True)
    cli_argv = [cli, "score", "-q", "-j", "-t", "-f", "adfa", "-p", prof, val]
    py_argv = [sys.executable, os.path.join(HERE, "python-score-job.py"), prof, val]
    env = job_env(args)
    # Same totals on both sides before timing.
    cli_total = subprocess.run(cli_argv, capture_output=True, text=True,
                               check=True).stdout.splitlines()[-1]
    py_total = subprocess.run(py_argv, capture_output=True, text=True, check=True,
                              env=env).stdout.splitlines()[-1]
    keys = ("calls", "mismatches", "max_mismatches", "anomalous_calls", "max_lfc")
    a, b = json.loads(cli_total), json.loads(py_total)
    if [a[k] for k in keys] != [b[k] for k in keys]:
        sys.exit(f"python-score: totals differ: CLI {cli_total} Python {py_total}")
    c_wall, c_cpu = best_of_process(args.reps, cli_argv)
    p_wall, p_cpu = best_of_process(args.reps, py_argv, env)
    line("end-to-end", {"calls": a["calls"], "python_cpu_ms": p_cpu, "cli_cpu_ms": c_cpu,
                        "ratio_cpu": p_cpu / c_cpu, "python_wall_ms": p_wall,
                        "cli_wall_ms": c_wall, "ratio_wall": p_wall / c_wall})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--data", help="unpacked data (default BUILD/tests/data)")
    ap.add_argument("--window", type=int, default=6)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    import selfseq  # pylint: disable=import-outside-toplevel
    args.data = args.data or os.path.join(args.build, "tests", "data")
    r = subprocess.run(["sh", os.path.join(ROOT, "scripts", "unpack-data.sh"), args.data],
                       check=False)
    if r.returncode == 77:
        print("python-score: no trace data; skipped")
        sys.exit(77)
    r.check_returncode()
    args.adfa = os.path.join(args.data, "ADFA-LD")
    args.tmp = args.data
    print(f"# selfseq {selfseq.library_version()} from {selfseq.library_path()}, "
          f"window {args.window}, best of {args.reps}", flush=True)
    train = selfseq.read_adfa(os.path.join(args.adfa, "Training_Data_Master"))
    test = selfseq.read_adfa(os.path.join(args.adfa, "Validation_Data_Master"))
    for frame in (128, 0):
        scoring(args, selfseq, train, test, frame)
    end_to_end(args)
    if os.path.exists(os.path.join(args.tmp, f"adfa-w{args.window}.prof")):
        breakdown(args, selfseq)


if __name__ == "__main__":
    main()
