# SPDX-License-Identifier: MIT
"""The binding against what the C side writes and reports.

- tests/data/golden-v1.prof was written by the C program tests/gen-golden.c;
  the same steps through the binding must give the same bytes, and the
  binding must read that file back field for field.
- examples/adfa_roc.py must report the AUCs that `selfseq evaluate` (C)
  reports in doc/evaluation.md for the same data and window.
"""

import os
import re
import subprocess
import sys

import selfseq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
GOLDEN = os.path.join(ROOT, "tests", "data", "golden-v1.prof")

OPEN, READ, MMAP, GETRLIMIT, CLOSE = 5, 3, 90, 76, 6


def golden_profile():
    """tests/golden.c's steps, through the binding."""
    normal = [OPEN, READ, MMAP, MMAP, OPEN, GETRLIMIT, MMAP, CLOSE]
    later = [OPEN, READ, MMAP, OPEN, OPEN, GETRLIMIT, MMAP, CLOSE]
    p = selfseq.Profile(window=4, alphabet=512, lfc_frame=64, arch=0x40000003,
                        key="/usr/bin/example")
    p.set_params(normal_factor=2, normal_factor_den=1, normal_wait_ns=50,
                 anomaly_limit=20, delay_factor=3)
    proc = p.process()
    now = 1000000000
    for i in range(3 * len(normal)):
        if i % len(normal) == 0:
            proc.reset()
        proc.feed(normal[i % len(normal)], now + 10 * i)
    proc.reset()
    for i, call in enumerate(later):
        proc.feed(call, now + 1000 + i)
    return p


def test_same_bytes_as_the_c_golden_file(tmp_path):
    with open(GOLDEN, "rb") as f:
        golden = f.read()
    p = golden_profile()
    assert p.encode() == golden
    path = tmp_path / "golden.prof"
    p.save(path)
    assert path.read_bytes() == golden


def test_reads_the_c_golden_file():
    q = selfseq.Profile.load(GOLDEN)
    p = golden_profile()
    assert q.key == "/usr/bin/example" and q.arch == 0x40000003
    assert q.window == 4 and q.alphabet == 512 and q.lfc_frame == 64
    assert q.normal and q.state == p.state and q.params == p.params
    assert q.train == p.train and q.test == p.test and len(q.test) < len(q.train)


def test_example_matches_c_evaluation(data_dir):
    # doc/evaluation.md, ADFA-LD, window 6 (selfseq evaluate): 0.606, 0.579, 0.597.
    env = dict(os.environ, SELFSEQ_UNPACK_DIR=data_dir)
    r = subprocess.run([sys.executable, os.path.join(ROOT, "bindings", "python", "examples",
                                                     "adfa_roc.py"), "--windows", "6"],
                       capture_output=True, text=True, env=env, check=False, timeout=600)
    assert r.returncode == 0, r.stderr
    auc = {m.group(1).strip(): float(m.group(2))
           for m in re.finditer(r"^\s+6\s+(.+?)\s+(0\.\d{3})\s", r.stdout, re.M)}
    assert auc == {"percent mismatches": 0.606, "anomalous calls": 0.579,
                   "max LFC (128)": 0.597}, r.stdout
