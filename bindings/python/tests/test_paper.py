# SPDX-License-Identifier: MIT
"""The worked example of Forrest et al. 1996, verbatim (doc/concepts.md)."""

import pytest
import selfseq

from conftest import (CLOSE, GETRLIMIT, MMAP, OPEN, PAPER_NORMAL, PAPER_TEST, READ)

# The paper's table: row = earlier call, then the calls at distance 1, 2, 3.
TABLE = {
    OPEN: ([READ, GETRLIMIT], [MMAP], [MMAP, CLOSE]),
    READ: ([MMAP], [MMAP], [OPEN]),
    MMAP: ([MMAP, OPEN, CLOSE], [OPEN, GETRLIMIT], [GETRLIMIT, MMAP]),
    GETRLIMIT: ([MMAP], [CLOSE], []),
    CLOSE: ([], [], []),
}


@pytest.fixture(name="db")
def paper_db():
    db = selfseq.Database(window=4, alphabet=512)   # k = 3
    db.add(PAPER_NORMAL)
    return db


def test_score(db):
    s = db.score(PAPER_TEST)
    assert (s.calls, s.mismatches, s.max_mismatches, s.anomalous_calls) == (8, 4, 18, 3)
    assert round(s.percent) == 22
    assert s.ppm == 222222
    assert s.max_lfc is None and s.misses is None


def test_per_call_misses(db):
    # The misplaced open misses 2 pairs, the next two calls one each.
    s = db.score(PAPER_TEST, misses=True)
    assert s.misses.tolist() == [0, 0, 0, 2, 1, 1, 0, 0]


def test_table(db):
    expected = {selfseq.Pair(call, prev, d + 1)
                for prev, cols in TABLE.items() for d, calls in enumerate(cols) for call in calls}
    assert set(db.pairs()) == expected
    assert len(db) == len(expected) == 17
    assert db.distinct_calls == 5
    assert db.distances(READ, OPEN) == (1,)
    assert db.distances(MMAP, OPEN) == (2, 3)
    assert (GETRLIMIT, OPEN, 1) in db and (CLOSE, OPEN, 1) not in db


def test_max_mismatches():
    assert selfseq.max_mismatches(4, 8) == 18
    assert selfseq.max_mismatches(4, 2) == 1        # L < k: L(L-1)/2
    assert selfseq.max_mismatches(1, 8) == 0        # bad window


def test_stream_agrees(db):
    st = selfseq.Stream(db, lfc_frame=128)
    assert [st.feed(c) for c in PAPER_TEST] == [0, 0, 0, 2, 1, 1, 0, 0]
    s = st.score
    assert (s.calls, s.mismatches, s.max_mismatches, s.anomalous_calls, s.max_lfc) == \
        (8, 4, 18, 3, 3)
    assert s == db.score(PAPER_TEST, lfc_frame=128)


@pytest.mark.parametrize("window", [2, 5, 6, 9, 11, 32])
def test_own_trace_scores_zero(window):
    db = selfseq.Database(window=window)
    db.add(PAPER_NORMAL * 3)
    s = db.score(PAPER_NORMAL * 3)
    assert s.mismatches == 0 and s.anomalous_calls == 0
    assert s.max_mismatches == selfseq.max_mismatches(window, 24)
