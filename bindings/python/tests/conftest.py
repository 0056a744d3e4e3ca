# SPDX-License-Identifier: MIT
"""pytest setup for the selfseq binding: import path, data sets, helpers.

Environment (meson's test sets them; all optional when run by hand):
  SELFSEQ_LIBRARY       the libselfseq.so.1 under test
  SELFSEQ_STRUCT_LAYOUT the struct-layout program built from the C header
  SELFSEQ_UNPACK_DIR    where scripts/unpack-data.sh unpacks the trace data
  SELFSEQ_DATA          the shared data directory (read by unpack-data.sh)
"""

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """The unpacked trace data (ADFA-LD, MIT lpr); skips when the data is absent."""
    dest = os.environ.get("SELFSEQ_UNPACK_DIR") or str(tmp_path_factory.mktemp("data"))
    script = os.path.join(ROOT, "scripts", "unpack-data.sh")
    r = subprocess.run(["sh", script, dest], capture_output=True, text=True, check=False)
    if r.returncode == 77:
        pytest.skip("trace data not available: " + r.stderr.strip())
    assert r.returncode == 0, r.stderr
    return dest


@pytest.fixture(scope="session")
def adfa_dir(data_dir):
    """The unpacked ADFA-LD directory."""
    return os.path.join(data_dir, "ADFA-LD")


# The 1996 paper's worked example, with i386-like numbers.
OPEN, READ, MMAP, GETRLIMIT, CLOSE = 5, 3, 90, 76, 6
PAPER_NORMAL = [OPEN, READ, MMAP, MMAP, OPEN, GETRLIMIT, MMAP, CLOSE]
PAPER_TEST = [OPEN, READ, MMAP, OPEN, OPEN, GETRLIMIT, MMAP, CLOSE]
