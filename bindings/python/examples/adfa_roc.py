#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ADFA-LD with lookahead pairs, notebook style: train a pair database on the
normal training traces, score the held-out normal (validation) and attack
traces, and print the ROC AUC of three anomaly measures.

Usage: adfa_roc.py [--windows 5,6,9,11] [ADFA_LD_DIR]

ADFA_LD_DIR is an unpacked ADFA-LD (the directory holding
Training_Data_Master, Validation_Data_Master and Attack_Data_Master).
Without it, scripts/unpack-data.sh unpacks the shared data into
$SELFSEQ_UNPACK_DIR (or a temporary directory); when the data is absent the
script says so and exits with 77, the "skipped" status of meson and automake.
"""

# %% Setup
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))     # run from a source checkout too
import selfseq  # noqa: E402  pylint: disable=wrong-import-position


def find_data(arg):
    """The ADFA-LD directory: the argument, or unpacked by scripts/unpack-data.sh."""
    if arg:
        return arg
    root = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
    dest = os.environ.get("SELFSEQ_UNPACK_DIR") or tempfile.mkdtemp(prefix="adfa-")
    r = subprocess.run(["sh", os.path.join(root, "scripts", "unpack-data.sh"), dest],
                       check=False)
    if r.returncode == 77:
        print("adfa_roc: ADFA-LD data not available; skipped")
        sys.exit(77)
    r.check_returncode()
    return os.path.join(dest, "ADFA-LD")


def roc_auc(normal, attack):
    """Area under the ROC curve: the chance that an attack trace scores higher
    than a normal one, ties counting half (the Mann-Whitney U statistic)."""
    ranked = sorted([(s, 0) for s in normal] + [(s, 1) for s in attack])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2          # ranks i+1..j share their mean
        rank_sum += avg_rank * sum(label for _, label in ranked[i:j])
        i = j
    n_a, n_n = len(attack), len(normal)
    return (rank_sum - n_a * (n_a + 1) / 2) / (n_a * n_n)


def detection_at(normal, attack, false_alarm_rate):
    """Share of attacks detected with the threshold that flags at most
    false_alarm_rate of the normal traces."""
    ranked = sorted(normal, reverse=True)
    allowed = int(false_alarm_rate * len(ranked))
    threshold = ranked[allowed] if allowed < len(ranked) else float("-inf")
    return sum(1 for s in attack if s > threshold) / len(attack)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--windows", default="6", help="comma-separated window sizes (default 6)")
    ap.add_argument("--lfc-frame", type=int, default=128)
    ap.add_argument("adfa", nargs="?")
    args = ap.parse_args()
    adfa = find_data(args.adfa)

    # %% Read the three parts (one trace per file; attacks are in family subdirectories)
    t0 = time.perf_counter()
    train = selfseq.read_adfa(os.path.join(adfa, "Training_Data_Master"))
    normal = selfseq.read_adfa(os.path.join(adfa, "Validation_Data_Master"))
    attack = selfseq.read_adfa(os.path.join(adfa, "Attack_Data_Master"))
    print(f"read {len(train)} training, {len(normal)} validation and {len(attack)} attack "
          f"traces ({sum(map(len, train + normal + attack)):,} calls) in "
          f"{time.perf_counter() - t0:.2f} s")

    # %% For each window: train, score, and compare the measures
    measures = {
        "percent mismatches": lambda s: s.percent,
        "anomalous calls": lambda s: s.anomalous_calls,
        f"max LFC ({args.lfc_frame})": lambda s: s.max_lfc,
    }
    print(f"{'window':>6}  {'measure':<20} {'AUC':>6} {'det@1%':>7} {'det@5%':>7} "
          f"{'det@10%':>7}")
    for window in (int(w) for w in args.windows.split(",")):
        t0 = time.perf_counter()
        db = selfseq.Database(window=window)
        for t in train:
            db.add(t)
        normal_scores = [db.score(t, lfc_frame=args.lfc_frame) for t in normal]
        attack_scores = [db.score(t, lfc_frame=args.lfc_frame) for t in attack]
        elapsed = time.perf_counter() - t0
        for name, measure in measures.items():
            n = [measure(s) for s in normal_scores]
            a = [measure(s) for s in attack_scores]
            print(f"{window:>6}  {name:<20} {roc_auc(n, a):6.3f} "
                  f"{detection_at(n, a, 0.01):7.1%} {detection_at(n, a, 0.05):7.1%} "
                  f"{detection_at(n, a, 0.10):7.1%}")
        print(f"{'':>6}  ({len(db):,} pairs; trained and scored in {elapsed:.2f} s)")


if __name__ == "__main__":
    main()
