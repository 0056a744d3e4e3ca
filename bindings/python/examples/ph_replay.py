#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Replay the MIT lpr traces through pH's state machine with chosen
parameters, on the traces' own clock, and report what the parameters did
(doc/tuning.md quotes its output).

The 2,766 normal print jobs were recorded over two weeks (18 Feb to 4 Mar
1997); each file name carries the job's start time, taken here as UTC. The
jobs are fed in time order to one lpr profile in monitor mode, each process
(PID) of a job as a process of the profile, every call at the job's start
time; then the 1,001 runs of the lprcp attack, one hour after the last job.

Usage: ph_replay.py [--window 9] [--set NAME=VALUE,...]... [DATA_DIR]

DATA_DIR holds mit-lpr/real and mit-lpr/lprcp-intrusion.int.gz, as
scripts/unpack-data.sh leaves them. Without it the shared data is unpacked
into $SELFSEQ_UNPACK_DIR (or a temporary directory); without the data the
script exits with 77. Each --set is one run, e.g.
--set normal_wait_ns=86400000000000,anomaly_limit=30; without --set, pH's
defaults. normal_wait may be given in days as normal_wait_days, and
normalize_days=N plays the operator who runs `normalize` N days after the
first job, score_days=N switches the processes of later jobs to score mode
(tested against what was learnt so far, learning nothing).
"""

import argparse
import calendar
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))     # run from a source checkout too
import selfseq  # noqa: E402  pylint: disable=wrong-import-position

DAY_NS = 86400 * 10**9
NAME_RE = re.compile(r'-(\d\d)([A-Z][a-z][a-z])(\d{4})-(\d\d)(\d\d)(\d\d)-\d+\.log\.int\.gz$')
MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}


def find_data(arg):
    """The directory holding mit-lpr/: the argument, or unpacked by scripts/unpack-data.sh."""
    if arg:
        return arg
    root = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
    dest = os.environ.get("SELFSEQ_UNPACK_DIR") or tempfile.mkdtemp(prefix="lpr-")
    r = subprocess.run(["sh", os.path.join(root, "scripts", "unpack-data.sh"), dest], check=False)
    if r.returncode == 77:
        print("ph_replay: MIT lpr data not available; skipped")
        sys.exit(77)
    r.check_returncode()
    return dest


def jobs(real):
    """(start time in ns, path) of every print job, in time order."""
    out = []
    for name in os.listdir(real):
        m = NAME_RE.search(name)
        if m:
            d, mon, y, hh, mm, ss = m.groups()
            t = calendar.timegm((int(y), MONTHS[mon], int(d), int(hh), int(mm), int(ss)))
            out.append((t * 10**9, os.path.join(real, name)))
    return sorted(out)


def day(ns):
    return time.strftime("%d %b %H:%M", time.gmtime(ns // 10**9)) if ns else "never"


def run(window, changes, normal_jobs, attack):
    """One replay; returns a dict of what happened."""
    normalize_at = changes.pop("normalize_days", None)
    score_at = changes.pop("score_days", None)
    prof = selfseq.Profile(window=window, key="/usr/bin/lpr")
    prof.set_params(**changes)
    if normalize_at is not None:
        normalize_at = normal_jobs[0][0] + normalize_at * DAY_NS
    if score_at is not None:
        score_at = normal_jobs[0][0] + score_at * DAY_NS
    mode = "monitor"
    r = dict(last_new=0, first_frozen=0, first_normal=0, normal_events=0, thaws=0,
             jobs_while_normal=0, fa_jobs=0, fa_calls=0, anomaly_limit=0, tolerize=0,
             attack_detected=0, attack_while_normal=0)
    in_attack = False

    def feed(trace, now):
        proc = prof.process(mode)
        anomalous = tolerized = 0
        for c in trace:
            ev = proc.feed(c, now_ns=now)
            f = ev.flags
            if f:
                if f & selfseq.EventFlag.NEW_SEQUENCE and not in_attack:
                    r["last_new"] = now
                if f & selfseq.EventFlag.FROZEN:
                    r["first_frozen"] = r["first_frozen"] or now
                if f & selfseq.EventFlag.NORMAL:
                    r["normal_events"] += 1
                    r["first_normal"] = r["first_normal"] or now
                if f & selfseq.EventFlag.THAWED:
                    r["thaws"] += 1
                if f & selfseq.EventFlag.ANOMALY_LIMIT and not in_attack:
                    r["anomaly_limit"] += 1
                if f & selfseq.EventFlag.TOLERIZE_LIMIT:
                    tolerized = 1
                if f & selfseq.EventFlag.ANOMALOUS:
                    anomalous += 1
        proc.close()
        if not in_attack:
            r["tolerize"] += tolerized
        return anomalous

    for now, path in normal_jobs:
        if normalize_at is not None and now >= normalize_at:
            prof.normalize(now)
            r["first_normal"] = r["first_normal"] or now
            normalize_at = None
        if score_at is not None and now >= score_at:
            mode = "score"
        was_normal = prof.normal or mode == "score"
        anomalous = sum(feed(t, now) for t in selfseq.read_unm(path))
        if was_normal:
            r["jobs_while_normal"] += 1
            r["fa_jobs"] += anomalous > 0
            r["fa_calls"] += anomalous
    now = normal_jobs[-1][0] + 3600 * 10**9
    in_attack = True
    for t in attack:
        r["attack_while_normal"] += prof.normal or mode == "score"
        anomalous = feed(t, now)
        r["attack_detected"] += anomalous > 0
    prof.close()
    return r


def parse_set(text):
    changes = {}
    for item in filter(None, text.split(",")):
        name, value = item.split("=", 1)
        if name == "normal_wait_days":
            name, value = "normal_wait_ns", float(value) * DAY_NS
        changes[name] = float(value) if name.endswith("_days") else int(value)
    return changes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--window", type=int, default=9)
    ap.add_argument("--set", action="append", default=[], dest="sets")
    ap.add_argument("data", nargs="?")
    a = ap.parse_args()
    data = find_data(a.data)
    normal_jobs = jobs(os.path.join(data, "mit-lpr", "real"))
    attack = selfseq.read_unm(os.path.join(data, "mit-lpr", "lprcp-intrusion.int.gz"))
    print("%d print jobs %s .. %s, then %d lprcp runs; window %d" %
          (len(normal_jobs), day(normal_jobs[0][0]), day(normal_jobs[-1][0]), len(attack),
           a.window))
    print("| parameters | last new pair | frozen (thaws) | normal from | jobs tested | "
          "jobs with anomalies | anomalous calls | anomaly_limit hit | "
          "processes over tolerize_limit | lprcp runs tested | lprcp runs detected |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for text in a.sets or [""]:
        r = run(a.window, parse_set(text), normal_jobs, attack)
        frozen = "never" if not r["first_frozen"] else "%s (%d)" % (day(r["first_frozen"]),
                                                                    r["thaws"])
        normal = day(r["first_normal"])
        if r["first_normal"] and not r["normal_events"]:
            normal += " (normalize)"
        print("| %s | %s | %s | %s | %d | %d | %d | %d | %d | %d | %d |" % (
            text or "pH's defaults", day(r["last_new"]), frozen, normal,
            r["jobs_while_normal"], r["fa_jobs"], r["fa_calls"], r["anomaly_limit"],
            r["tolerize"], r["attack_while_normal"], r["attack_detected"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
