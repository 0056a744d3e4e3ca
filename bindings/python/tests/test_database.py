# SPDX-License-Identifier: MIT
"""Database: learning, testing, set operations, iteration, lifetime; Stream
and LocalityFrame against it."""

import array
import gc
import random
import threading

import pytest
import selfseq

from conftest import PAPER_NORMAL, PAPER_TEST


def random_trace(rng, n, alphabet=40):
    # Some structure (loops) so that pairs repeat, as in real traces.
    out, i = [], 0
    while len(out) < n:
        if rng.random() < 0.7 and out:
            out.extend(out[max(0, i - 5):i + rng.randrange(1, 6)])
        else:
            out.append(rng.randrange(alphabet))
        i = len(out) // 2
    return out[:n]


def test_defaults_and_properties():
    db = selfseq.Database()
    assert (db.window, db.alphabet, len(db), db.distinct_calls) == (6, 1024, 0, 0)
    assert db.memory > 0 and not db.readonly and not db
    db.add([1, 2, 3])
    assert len(db) == 3 and db.distinct_calls == 3 and db
    assert "window=6" in repr(db)


@pytest.mark.parametrize("window", range(2, 33))
def test_every_window(window):
    db = selfseq.Database(window=window, alphabet=64)
    trace = list(range(40))
    db.add(trace)
    k = window - 1
    assert len(db) == sum(min(k, i) for i in range(40))
    assert db.score(trace).mismatches == 0


@pytest.mark.parametrize("kw", [{"window": 1}, {"window": 33}, {"alphabet": 1025},
                                {"window": -1}, {"window": 2**32}, {"capacity": 2**33}])
def test_bad_options(kw):
    with pytest.raises(selfseq.SelfseqError) as e:
        selfseq.Database(**kw)
    assert e.value.name == "EINVAL"


@pytest.mark.parametrize("kw", [{"window": "6"}, {"window": 6.0}, {"alphabet": None},
                                {"capacity": [1]}])
def test_option_types(kw):
    with pytest.raises(TypeError):
        selfseq.Database(**kw)


def test_alphabet_edges():
    db = selfseq.Database(window=3, alphabet=1024)
    db.add([0, 1023, 0])
    assert (1023, 0, 1) in db and (0, 0, 2) in db
    with pytest.raises(selfseq.SelfseqError) as e:
        db.add([0, 1024])
    assert e.value.name == "ERANGE" and "call 1024 at index 1" in str(e.value)
    assert len(db) == 3          # nothing of the bad trace was added


def test_add_window_and_test():
    db = selfseq.Database(window=4, alphabet=512)
    db.add(PAPER_NORMAL)
    assert db.test([90, 5, 5]) == 1
    assert db.test([3, 90, 5, 5]) == 1
    assert db.test([5, 3, 90, 5]) == 2
    assert db.test([6]) == 0
    db.add_window([3, 90, 5, 5])
    assert db.test([3, 90, 5, 5]) == 0
    for bad in ([], [1, 2, 3, 4, 5]):
        with pytest.raises(selfseq.SelfseqError) as e:
            db.test(bad)
        assert e.value.name == "EINVAL"
    with pytest.raises(selfseq.SelfseqError) as e:
        db.add_window([1, 600])
    assert e.value.name == "ERANGE"


def test_contains_and_distances():
    db = selfseq.Database(window=3, alphabet=16)
    db.add([1, 2, 3])
    assert (2, 1, 1) in db and (3, 1, 2) in db
    assert (3, 1, 1) not in db and (99, 1, 1) not in db and (3, 1, 0) not in db
    assert "x" not in db and (1, 2) not in db and (-1, 1, 1) not in db
    assert db.distances(3, 1) == (2,) and db.distances(1, 3) == ()
    with pytest.raises(selfseq.SelfseqError):
        db.distances(16, 1)
    with pytest.raises(TypeError):
        db.distances("a", 1)


def test_merge_diff_copy_eq():
    a = selfseq.Database(window=4, alphabet=512)
    b = selfseq.Database(window=4, alphabet=512)
    a.add(PAPER_NORMAL)
    b.add(PAPER_TEST)
    only_a, only_b = a.diff(b), b.diff(a)
    assert set(only_a) == set(a) - set(b) and set(only_b) == set(b) - set(a)
    union = a.copy()
    assert union == a and union is not a
    union.merge(b)
    assert set(union) == set(a) | set(b)
    assert union.diff(a) == only_b
    assert union != a and a != "a"
    with pytest.raises(selfseq.SelfseqError) as e:
        a.merge(selfseq.Database(window=5, alphabet=512))
    assert e.value.name == "EINVAL" and "window 4 / 5" in str(e.value)
    with pytest.raises(TypeError):
        a.merge([1, 2])
    with pytest.raises(TypeError):
        a.diff(None)
    a.clear()
    assert len(a) == 0 and a.window == 4


def test_pairs_order_and_mutation():
    db = selfseq.Database(window=3, alphabet=16)
    db.add([4, 1, 4, 2, 4])
    pairs = list(db.pairs())
    assert pairs == sorted(pairs) and len(pairs) == len(db)
    assert list(db) == pairs
    it = db.pairs()
    next(it)
    db.add([9, 8, 7])
    with pytest.raises(RuntimeError):
        list(it)


def test_score_options():
    db = selfseq.Database(window=4, alphabet=512)
    db.add(PAPER_NORMAL)
    s = db.score(PAPER_TEST, misses=True, lfc_frame=2)
    assert s.max_lfc == 2 and len(s.misses) == 8
    assert s.as_dict() == {"calls": 8, "mismatches": 4, "max_mismatches": 18,
                           "percent": pytest.approx(22.222, abs=1e-3),
                           "anomalous_calls": 3, "max_lfc": 2,
                           "misses": [0, 0, 0, 2, 1, 1, 0, 0]}
    assert db.score([], misses=True).misses.tolist() == []
    with pytest.raises(selfseq.SelfseqError) as e:
        db.score(PAPER_TEST, lfc_frame=65537)
    assert e.value.name == "EINVAL"
    for frame in ("128", 1.5, 0.0, None):
        with pytest.raises(TypeError):
            db.score(PAPER_TEST, lfc_frame=frame)


@pytest.mark.parametrize("window", [2, 6, 9, 17, 32])
def test_stream_matches_batch(window):
    rng = random.Random(window)
    db = selfseq.Database(window=window, alphabet=64)
    for _ in range(5):
        db.add(random_trace(rng, 300))
    st = selfseq.Stream(db, lfc_frame=16)
    for _ in range(5):
        trace = random_trace(rng, 400, alphabet=50)
        st.reset()
        misses = [st.feed(c) for c in trace]
        batch = db.score(trace, misses=True, lfc_frame=16)
        assert misses == batch.misses.tolist()
        assert st.score == selfseq.Score(
            batch.calls, batch.mismatches, batch.max_mismatches, batch.anomalous_calls,
            batch.ppm, batch.max_lfc)


def test_stream_errors():
    db = selfseq.Database(window=4, alphabet=8)
    st = selfseq.Stream(db)
    assert st.database is db and st.score.max_lfc is None
    with pytest.raises(selfseq.SelfseqError) as e:
        st.feed(8)
    assert e.value.name == "ERANGE"
    with pytest.raises(TypeError):
        st.feed(1.5)
    with pytest.raises(TypeError):
        selfseq.Stream([1, 2])
    with pytest.raises(selfseq.SelfseqError):
        selfseq.Stream(db, lfc_frame=10**6)


def test_locality_frame():
    lfc = selfseq.LocalityFrame(4)
    assert lfc.frame == 4
    counts = [lfc.add(a) for a in [1, 1, 0, 1, 0, 0, 0, 0, 1]]
    assert counts == [1, 2, 2, 3, 2, 1, 1, 0, 1]
    assert lfc.count == 1 and lfc.max == 3
    lfc.reset()
    assert (lfc.count, lfc.max) == (0, 0)
    assert selfseq.LocalityFrame(0).frame == 128
    with pytest.raises(selfseq.SelfseqError):
        selfseq.LocalityFrame(65537)
    with pytest.raises(TypeError):
        selfseq.LocalityFrame("4")


def test_close_and_context():
    with selfseq.Database(window=3) as db:
        db.add([1, 2])
    with pytest.raises(ValueError):
        len(db)
    with pytest.raises(ValueError):
        db.score([1])
    db.close()                   # twice is fine
    assert "closed" in repr(db)
    st = selfseq.Stream(selfseq.Database())
    st.close()
    with pytest.raises(ValueError):
        st.feed(1)


def test_many_threads_score_one_database():
    rng = random.Random(1)
    db = selfseq.Database(window=6, alphabet=64)
    db.add(random_trace(rng, 5000))
    traces = [random_trace(rng, 2000) for _ in range(8)]
    expected = [db.score(t, lfc_frame=32) for t in traces]
    results = [None] * len(traces)

    def work(i):
        for _ in range(20):
            results[i] = db.score(traces[i], lfc_frame=32)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(traces))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_collection_frees():
    for _ in range(200):
        db = selfseq.Database()
        db.add(range(100))
        st = selfseq.Stream(db)
        st.feed(1)
        del db, st
    gc.collect()


def test_score_many_equals_score_one_by_one():
    db = selfseq.Database(window=6, alphabet=64)
    db.add([1, 2, 3, 4, 5, 6, 1, 2, 3, 7] * 20)
    traces = [array.array("I", [1, 2, 3, 4, 5, 9, 9]), [], [3, 2, 1], range(60),
              array.array("H", [1, 2, 3, 4, 5, 6])]
    for frame in (0, 4, 128, 300):
        many = db.score_many(traces, lfc_frame=frame)
        assert many == [db.score(t, lfc_frame=frame) for t in traces]
    assert db.score_many([]) == []
    assert db.score_many(iter(traces))[3].calls == 60


def test_score_many_errors_name_trace_and_index():
    db = selfseq.Database(window=3, alphabet=10)
    with pytest.raises(selfseq.SelfseqError) as e:
        db.score_many([[1, 2], [3, 4, 10]])
    assert e.value.name == "ERANGE"
    assert "index 2 of trace 1" in str(e.value)
    with pytest.raises(TypeError):
        db.score_many([[1, "x"]])
