# SPDX-License-Identifier: MIT
"""Profile, Process and Event: pH's state machine through the binding, the
parameters, operator actions, modes, the C file format and lifetimes."""

import gc
import os
import pickle

import pytest
import selfseq
from selfseq import EventFlag, Mode, StateFlag

from conftest import PAPER_NORMAL, PAPER_TEST


def fast_profile(**kw):
    """A profile that becomes normal after 1000 ns frozen."""
    p = selfseq.Profile(window=4, alphabet=512, **kw)
    p.set_params(normal_wait_ns=1000)
    return p


def run_until_normal(proc, trace, t=0):
    """Feed @trace repeatedly with 10 ns per call until the profile becomes normal."""
    events = []
    for _ in range(200):
        proc.reset()            # each repetition is a separate run
        for c in trace:
            t += 10
            ev = proc.feed(c, t)
            events.append(ev)
            if EventFlag.NORMAL in ev.flags:
                return events, t
    raise AssertionError("profile never became normal")


def test_defaults():
    p = selfseq.Profile()
    s = p.state
    assert (s.window, s.alphabet, s.lfc_frame, s.arch, s.tasks) == (9, 1024, 128, 0, 0)
    assert s.flags == StateFlag(0) and not s.frozen and not s.normal
    assert p.params == selfseq.Params()
    assert p.params.normal_wait_ns == 7 * 24 * 3600 * 10**9
    assert p.key is None and not p.frozen and not p.normal
    assert "training" in repr(p)


def test_params():
    p = selfseq.Profile()
    p.set_params(anomaly_limit=50, delay_factor=3)
    assert (p.params.anomaly_limit, p.params.delay_factor) == (50, 3)
    params = p.params.replace(tolerize_limit=20)
    p.params = params
    assert p.params == params
    with pytest.raises(selfseq.SelfseqError) as e:
        p.set_params(normal_factor_den=0)
    assert e.value.name == "EINVAL"
    assert p.params == params                    # unchanged
    with pytest.raises(TypeError):
        p.set_params(no_such_param=1)
    with pytest.raises(TypeError):
        p.set_params(anomaly_limit="1")
    with pytest.raises(TypeError):
        p.params = {"anomaly_limit": 1}
    with pytest.raises(selfseq.SelfseqError):
        p.set_params(anomaly_limit=-1)


def test_params_record():
    # Params: by position or name, compared by value, mutable, readable repr.
    q = selfseq.Params(128, 32, anomaly_limit=7)
    assert q.anomaly_limit == 7 and q.tolerize_limit == 12 and q != selfseq.Params()
    assert q.replace(anomaly_limit=30) == selfseq.Params()
    q.delay_factor = 2
    assert "delay_factor=2" in repr(q) and q.as_dict()["delay_factor"] == 2
    with pytest.raises(TypeError):
        selfseq.Params(1, 2, 3, 4, 5, 6, 7)
    with pytest.raises(TypeError):
        selfseq.Params(1, normal_factor=2)
    with pytest.raises(AttributeError):
        q.no_such_param = 1


def test_state_is_read_only():
    s = selfseq.Profile().state
    with pytest.raises(AttributeError):
        s.count = 5
    assert s == selfseq.Profile().state and hash(s) == hash(selfseq.Profile().state)


def test_bad_profile_options():
    for kw in ({"window": 1}, {"alphabet": 2000}, {"lfc_frame": 70000}):
        with pytest.raises(selfseq.SelfseqError) as e:
            selfseq.Profile(**kw)
        assert e.value.name == "EINVAL"
    with pytest.raises(TypeError):
        selfseq.Profile(window="9")


def test_train_freeze_normal_and_anomaly():
    p = fast_profile()
    proc = p.process()
    events, t = run_until_normal(proc, PAPER_NORMAL)
    flags = [ev.flags for ev in events]
    assert any(EventFlag.NEW_SEQUENCE in f for f in flags)
    assert any(EventFlag.FROZEN in f for f in flags)
    assert p.normal and p.state.test_pairs == len(p.test) == 17
    assert p.test == p.train
    proc.reset()
    seen = [proc.feed(c, t + 1) for c in PAPER_TEST]
    assert [ev.misses for ev in seen] == [0, 0, 0, 2, 1, 1, 0, 0]
    assert [ev.anomalous for ev in seen] == [False] * 3 + [True] * 3 + [False] * 2
    assert seen[-1].lfc == 3 and seen[-1].max_lfc == 3
    assert seen[-1].state == StateFlag.NORMAL
    assert p.state.anomalies == 3


def test_tolerize_limit_discards_training():
    p = fast_profile()
    p.set_params(tolerize_limit=2)
    proc = p.process()
    _, t = run_until_normal(proc, PAPER_NORMAL)
    proc.reset()
    evs = [proc.feed(c, t + 1) for c in [6, 6, 6, 6, 3, 3, 3]]
    assert any(EventFlag.TOLERIZE_LIMIT in ev.flags for ev in evs)


def test_delay():
    p = fast_profile()
    p.set_params(delay_factor=5)
    proc = p.process()
    _, t = run_until_normal(proc, PAPER_NORMAL)
    proc.reset()
    ev = [proc.feed(c, t + 1) for c in PAPER_TEST][4]
    assert ev.lfc == 2 and ev.delay == 4 * 5


def test_operator_actions():
    p = fast_profile()
    proc = p.process()
    for c in PAPER_NORMAL:
        proc.feed(c, 0)
    p.normalize(now_ns=5)
    assert p.normal and len(p.test) == 17
    p.tolerize()
    assert not p.normal and len(p.train) == 17
    p.sensitize()
    assert len(p.train) == 0 and p.state.train_count == 0
    p.normalize()                                 # wall clock
    assert p.normal
    with pytest.raises(TypeError):
        p.normalize(now_ns="now")


def test_modes():
    p = fast_profile()
    trainer = p.process("train")
    assert trainer.mode == Mode.TRAIN
    for c in PAPER_NORMAL:
        trainer.feed(c, 0)
    assert len(p.train) == 17 and not p.normal
    scorer = selfseq.Process(p, Mode.SCORE)
    misses = [scorer.feed(c, 0).misses for c in PAPER_TEST]
    assert misses == [0, 0, 0, 2, 1, 1, 0, 0]          # against the training set
    assert len(p.train) == 17                            # nothing learnt
    scorer.mode = "monitor"
    assert scorer.mode is Mode.MONITOR
    for bad in ("watch", 7):
        with pytest.raises(ValueError):
            p.process(bad)
    with pytest.raises(TypeError):
        p.process(1.0)


def test_window_and_profile_switch():
    a, b = fast_profile(), fast_profile(lfc_frame=64)
    proc = a.process()
    for c in [1, 2, 3, 4, 5]:
        proc.feed(c, 0)
    assert proc.window == (3, 4, 5)
    proc.window = [7, 8, 9, 10]
    assert proc.window == (8, 9, 10)
    assert a.state.tasks == 1
    proc.profile = b
    assert proc.profile is b and proc.window == () and a.state.tasks == 0
    assert b.state.tasks == 1
    with pytest.raises(selfseq.SelfseqError):
        proc.window = [600]
    with pytest.raises(TypeError):
        proc.profile = "b"
    proc.reset()
    with pytest.raises(selfseq.SelfseqError) as e:
        proc.feed(512, 0)
    assert e.value.name == "ERANGE"
    with pytest.raises(TypeError):
        proc.feed("open")
    with pytest.raises(TypeError):
        selfseq.Process(None)


def test_close_order_and_lifetimes():
    p = fast_profile()
    proc = p.process()
    with pytest.raises(selfseq.SelfseqError) as e:
        p.close()
    assert e.value.name == "EBUSY"
    train = p.train
    proc.close()
    with pytest.raises(ValueError):
        proc.feed(1, 0)
    p.close()
    with pytest.raises(ValueError):
        len(train)                      # a view dies with its profile
    with pytest.raises(ValueError):
        p.state
    assert "closed" in repr(p) and "closed" in repr(proc)
    with pytest.raises(TypeError):
        train.add([1])


def test_views_are_read_only():
    p = fast_profile()
    for view in (p.train, p.test):
        assert view.readonly
        for op in (lambda v: v.add([1, 2]), lambda v: v.add_window([1]), lambda v: v.clear(),
                   lambda v: v.merge(selfseq.Database(4, 512))):
            with pytest.raises(TypeError):
                op(view)
        view.close()                    # does nothing to the profile
    assert len(p.train) == 0


def test_garbage_collection_in_any_order():
    # Processes keep their profile's C object alive whatever is collected first.
    for _ in range(50):
        p = fast_profile()
        procs = [p.process() for _ in range(3)]
        view = p.test
        del p
        for pr in procs:
            pr.feed(1, 0)
        cycle = [procs, view]
        cycle.append(cycle)
        del procs, view, cycle
    gc.collect()


def test_key():
    p = selfseq.Profile(key="/usr/bin/lpr")
    assert p.key == "/usr/bin/lpr"
    p.key = b"/bin/\xff"
    assert p.key == os.fsdecode(b"/bin/\xff")
    p.key = None
    assert p.key is None
    with pytest.raises(selfseq.SelfseqError) as e:
        p.key = ""
    assert e.value.name == "EINVAL"
    with pytest.raises(selfseq.SelfseqError) as e:
        p.key = "x" * 5000
    assert e.value.name == "ENAMETOOLONG"
    with pytest.raises(ValueError):
        p.key = "a\0b"
    with pytest.raises(TypeError):
        p.key = 5


def trained_profile():
    p = fast_profile(arch=0x40000003, key="/usr/sbin/sendmail")
    p.set_params(anomaly_limit=44, delay_factor=2)
    proc = p.process()
    _, t = run_until_normal(proc, PAPER_NORMAL)
    proc.reset()
    for c in PAPER_TEST + [6, 5, 3]:
        proc.feed(c, t + 1)
    proc.close()
    return p


def assert_same_profile(a, b):
    assert a.state == b.state
    assert a.params == b.params
    assert a.key == b.key
    assert a.train == b.train and a.test == b.test
    assert a.encode() == b.encode()


def test_file_round_trip(tmp_path):
    p = trained_profile()
    path = tmp_path / "sendmail.prof"
    p.save(path)
    q = selfseq.Profile.load(path)
    assert_same_profile(p, q)
    assert q.normal and q.arch == 0x40000003 and len(q.test) == 17
    q.save(str(path))                              # str paths too, over an existing file
    assert_same_profile(p, selfseq.Profile.load(os.fsencode(str(path))))
    assert not [f for f in os.listdir(tmp_path) if f != "sendmail.prof"]


def test_bytes_and_pickle_round_trip():
    p = trained_profile()
    assert_same_profile(p, selfseq.Profile.decode(p.encode()))
    assert_same_profile(p, selfseq.Profile.decode(bytearray(p.encode())))
    assert_same_profile(p, pickle.loads(pickle.dumps(p)))


def test_load_errors(tmp_path):
    missing = tmp_path / "none.prof"
    with pytest.raises(FileNotFoundError) as e:
        selfseq.Profile.load(missing)
    assert isinstance(e.value, selfseq.SelfseqError)
    assert e.value.name == "ENOENT" and e.value.filename == str(missing)
    junk = tmp_path / "junk.prof"
    junk.write_bytes(b"not a profile at all, just text\n" * 4)
    with pytest.raises(selfseq.SelfseqError) as e:
        selfseq.Profile.load(junk)
    assert e.value.name == "ENOMSG" and e.value.filename == str(junk)
    data = trained_profile().encode()
    cut = tmp_path / "cut.prof"
    cut.write_bytes(data[:-3])
    with pytest.raises(selfseq.SelfseqError) as e:
        selfseq.Profile.load(cut)
    assert e.value.name == "EBADMSG"
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x10
    with pytest.raises(selfseq.SelfseqError) as e:
        selfseq.Profile.decode(flipped)
    assert e.value.name == "EBADMSG"
    with pytest.raises(selfseq.SelfseqError):
        selfseq.Profile.load(tmp_path)               # a directory
    with pytest.raises(TypeError):
        selfseq.Profile.load(42)
    with pytest.raises(TypeError):
        selfseq.Profile.decode("text")
    with pytest.raises(ValueError):
        selfseq.Profile.load("a\0b")


def test_save_errors(tmp_path):
    p = selfseq.Profile()
    with pytest.raises(selfseq.SelfseqError) as e:
        p.save(tmp_path / "no" / "such" / "dir.prof")
    assert e.value.name == "ENOENT" and isinstance(e.value, FileNotFoundError)


def test_merge_train_builds_a_profile_offline():
    db = selfseq.Database(window=4, alphabet=512)
    db.add(PAPER_NORMAL)
    p = selfseq.Profile(window=4, alphabet=512)
    p.merge_train(db)
    assert p.train == db and len(p.test) == 0
    p.normalize(0)
    scorer = p.process("score")
    misses = [scorer.feed(c, 1).misses for c in PAPER_TEST]
    assert misses == [0, 0, 0, 2, 1, 1, 0, 0]
    with pytest.raises(selfseq.SelfseqError) as e:
        p.merge_train(selfseq.Database(window=5, alphabet=512))
    assert e.value.name == "EINVAL"
    with pytest.raises(TypeError):
        p.merge_train(PAPER_NORMAL)
