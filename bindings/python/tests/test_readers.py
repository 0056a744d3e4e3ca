# SPDX-License-Identifier: MIT
"""read_adfa and read_unm on small files, malformed files, and the real data sets."""

import gzip
import os
import pickle

import pytest
import selfseq


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_adfa_file_and_directory(tmp_path):
    write(tmp_path / "b" / "UTD-2.txt", b"6 6 63 6 42 120 \n")
    write(tmp_path / "a.txt", b" 1 2\n3\t4   5")
    write(tmp_path / "b" / "UTD-1.txt.gz", gzip.compress(b"7 8 9"))
    write(tmp_path / "empty.txt", b"")
    traces = selfseq.read_adfa(tmp_path)
    assert [os.path.relpath(t.name, tmp_path) for t in traces] == \
        ["a.txt", "b/UTD-1.txt.gz", "b/UTD-2.txt", "empty.txt"]
    assert [t.tolist() for t in traces] == [[1, 2, 3, 4, 5], [7, 8, 9],
                                            [6, 6, 63, 6, 42, 120], []]
    one = selfseq.read_adfa(tmp_path / "a.txt")
    assert len(one) == 1 and one[0].typecode == "I" and isinstance(one[0], selfseq.Trace)
    assert "calls=5" in repr(one[0])


def test_adfa_leading_zeros_and_big_numbers(tmp_path):
    assert selfseq.read_adfa(write(tmp_path / "z.txt", b"007 0 10"))[0].tolist() == [7, 0, 10]
    assert selfseq.read_adfa(write(tmp_path / "m.txt", b"4294967295"))[0].tolist() == \
        [4294967295]
    with pytest.raises(selfseq.TraceFormatError) as e:
        selfseq.read_adfa(write(tmp_path / "big.txt", b"1 2\n3 4294967296\n"))
    assert e.value.lineno == 2 and "4294967296" in str(e.value)


@pytest.mark.parametrize("data,line", [(b"1 2 x 3", 1), (b"1 2\n3 -4\n", 2),
                                       (b"1\n2\n3.5", 3), (b"1 2 +3", 1), (b"1_000", 1)])
def test_adfa_malformed(tmp_path, data, line):
    path = write(tmp_path / "bad.txt", data)
    with pytest.raises(selfseq.TraceFormatError) as e:
        selfseq.read_adfa(path)
    assert isinstance(e.value, ValueError)
    assert e.value.filename == str(path) and e.value.lineno == line
    assert str(e.value).startswith(f"{path}:{line}: ")


def test_adfa_corrupt_gzip_and_missing(tmp_path):
    with pytest.raises(selfseq.TraceFormatError):
        selfseq.read_adfa(write(tmp_path / "x.gz", b"\x1f\x8b garbage"))
    with pytest.raises(FileNotFoundError):
        selfseq.read_adfa(tmp_path / "nope.txt")


def test_unm_split_by_pid(tmp_path):
    data = b"7174 4\n7174 2  \n7175 66\n\n7174 5\n7175 67\r\n7176 1\n7175 68"
    traces = selfseq.read_unm(write(tmp_path / "lpr.int", data))
    assert [t.name.rsplit(":", 1)[1] for t in traces] == ["7174", "7175", "7176"]
    assert [t.tolist() for t in traces] == [[4, 2, 5], [66, 67, 68], [1]]
    gz = selfseq.read_unm(write(tmp_path / "lpr.int.gz", gzip.compress(data)))
    assert [t.tolist() for t in gz] == [t.tolist() for t in traces]


def test_unm_many_interleaved_pids(tmp_path):
    lines, expected = [], {}
    for i in range(3000):
        pid = 100 + (i * 7) % 13
        lines.append(b"%d %d" % (pid, i % 500))
        expected.setdefault(pid, []).append(i % 500)
    traces = selfseq.read_unm(write(tmp_path / "many", b"\n".join(lines)))
    got = {int(t.name.rsplit(":", 1)[1]): t.tolist() for t in traces}
    assert got == expected
    assert [int(t.name.rsplit(":", 1)[1]) for t in traces] == list(expected)


@pytest.mark.parametrize("data,line", [(b"1 2\n3\n", 2), (b"1 2\n3 4 5\n", 2),
                                       (b"1 2\n\n1 x\n", 3), (b"a b\n", 1)])
def test_unm_malformed(tmp_path, data, line):
    path = write(tmp_path / "bad", data)
    with pytest.raises(selfseq.TraceFormatError) as e:
        selfseq.read_unm(path)
    assert e.value.lineno == line


def test_trace_pickles_with_its_name():
    t = selfseq.Trace([1, 2, 3], name="x:1")
    u = pickle.loads(pickle.dumps(t))
    assert u == t and u.name == "x:1" and isinstance(u, selfseq.Trace)


def test_adfa_ld_counts(adfa_dir):
    # The data README's counts.
    for sub, files, calls in (("Training_Data_Master", 833, 308077),
                              ("Validation_Data_Master", 4372, 2122085),
                              ("Attack_Data_Master", 746, 317388)):
        traces = selfseq.read_adfa(os.path.join(adfa_dir, sub))
        assert (len(traces), sum(map(len, traces))) == (files, calls), sub


def test_mit_lpr(data_dir):
    real = os.path.join(data_dir, "mit-lpr", "real")
    names = sorted(os.listdir(real))[:50]
    per_file = [selfseq.read_unm(os.path.join(real, n)) for n in names]
    # A few print jobs recorded nothing; the others have one or more processes.
    assert sum(1 for traces in per_file if traces) >= 45
    assert all(len(t) for traces in per_file for t in traces)
    attack = selfseq.read_unm(os.path.join(data_dir, "mit-lpr", "lprcp-intrusion.int.gz"))
    assert len(attack) > 1 and max(max(t) for t in attack if len(t)) < 1024
