# SPDX-License-Identifier: MIT
"""Traces as buffers and iterables: the zero-copy fast path, conversions,
range checks and type errors, all before the C library is called."""

import array
import ctypes
import struct

import pytest
import selfseq
from selfseq import _calls

from conftest import PAPER_NORMAL, PAPER_TEST

EXPECTED = (8, 4, 18, 3)


@pytest.fixture(name="db")
def paper_db():
    db = selfseq.Database(window=4, alphabet=512)
    db.add(PAPER_NORMAL)
    return db


def measures(s):
    return (s.calls, s.mismatches, s.max_mismatches, s.anomalous_calls)


def test_array_u32_is_used_in_place(db):
    a = array.array("I", PAPER_TEST)
    c = _calls.as_calls(a)
    assert c.address == a.buffer_info()[0] and c.n == 8 and not c.copied
    assert measures(db.score(a)) == EXPECTED


def test_writable_u32_buffer_is_used_in_place(db):
    raw = bytearray(struct.pack("=8I", *PAPER_TEST))
    mv = memoryview(raw).cast("I")
    c = _calls.as_calls(mv)
    assert not c.copied and c.values().tolist() == PAPER_TEST
    assert measures(db.score(mv)) == EXPECTED
    del c
    mv.release()        # raises BufferError if the binding still pinned it
    raw.append(0)


def test_readonly_u32_buffer_is_copied(db):
    mv = memoryview(struct.pack("=8I", *PAPER_TEST)).cast("I")
    c = _calls.as_calls(mv)
    assert c.copied and c.values().tolist() == PAPER_TEST
    assert measures(db.score(mv)) == EXPECTED


@pytest.mark.parametrize("typecode", "bBhHiIlLqQ")
def test_array_typecodes(db, typecode):
    a = array.array(typecode, PAPER_TEST)
    assert _calls.as_calls(a).values().tolist() == PAPER_TEST
    assert measures(db.score(a)) == EXPECTED


def test_bytes_are_one_call_per_byte(db):
    for b in (bytes(PAPER_TEST), bytearray(PAPER_TEST), memoryview(bytes(PAPER_TEST))):
        assert measures(db.score(b)) == EXPECTED
    assert _calls.as_calls(b"\xff\x00").values().tolist() == [255, 0]


def test_strided_buffer(db):
    a = array.array("I", [x for c in PAPER_TEST for x in (c, 999)])
    mv = memoryview(a)[::2]
    assert not mv.c_contiguous
    assert measures(db.score(mv)) == EXPECTED


@pytest.mark.parametrize("fmt", ["<I", "=H", "<q", "@Q", "=b"])
def test_explicit_native_order_formats(fmt):
    raw = bytearray(struct.pack(fmt[0] + "3" + fmt[1], 1, 2, 3))
    mv = memoryview(raw).cast("B").cast(fmt[1]) if fmt[0] == "@" else None
    if mv is None:
        # memoryview.cast cannot produce '<' or '=' formats: ctypes arrays do.
        ctype = {"I": ctypes.c_uint32, "H": ctypes.c_uint16, "q": ctypes.c_int64,
                 "b": ctypes.c_int8}[fmt[1]]
        arr = (ctype * 3)(1, 2, 3)
        mv = memoryview(arr)
    assert _calls.as_calls(mv).values().tolist() == [1, 2, 3]


@pytest.mark.parametrize("trace", [
    list(PAPER_TEST), tuple(PAPER_TEST), iter(PAPER_TEST), (c for c in PAPER_TEST),
    [True * c for c in PAPER_TEST], range(0),
])
def test_iterables(db, trace):
    s = db.score(trace)
    if isinstance(trace, range):
        assert s.calls == 0 and s.max_mismatches == 0 and s.percent == 0.0
    else:
        assert measures(s) == EXPECTED


def test_int_like_elements(db):
    class Num:
        def __init__(self, v):
            self.v = v

        def __index__(self):
            return self.v
    assert measures(db.score([Num(c) for c in PAPER_TEST])) == EXPECTED


@pytest.mark.parametrize("trace", [[], (), b"", array.array("I"), array.array("q"),
                                   memoryview(b"")])
def test_empty(db, trace):
    s = db.score(trace)
    assert (s.calls, s.mismatches, s.max_mismatches) == (0, 0, 0)
    db.add(trace)


@pytest.mark.parametrize("trace", [
    [1, -1], [1, 2**32], array.array("q", [3, -5]), array.array("Q", [3, 2**32]),
    array.array("i", [7, -1]), array.array("b", [1, -128]), array.array("h", [-2]),
])
def test_values_outside_uint32(db, trace):
    with pytest.raises(selfseq.SelfseqError) as e:
        db.score(trace)
    assert e.value.name == "ERANGE" and "index" in str(e.value)


def test_call_outside_alphabet_names_index(db):
    for trace in ([1, 2, 512], array.array("I", [1, 2, 512]), array.array("H", [1, 2, 512])):
        with pytest.raises(selfseq.SelfseqError) as e:
            db.score(trace)
        assert e.value.name == "ERANGE" and e.value.errno == 34
        assert "call 512 at index 2" in str(e.value)


@pytest.mark.parametrize("trace", [
    "abc", 5, None, 3.5, [1.0, 2.0], [1, "2"], [object()], array.array("d", [1.0]),
    array.array("f", [1.0]), array.array("u", "ab"),
])
def test_wrong_types(db, trace):
    with pytest.raises(TypeError):
        db.score(trace)
    with pytest.raises(TypeError):
        db.add(trace)


def test_two_dimensional_buffer(db):
    mv = memoryview(bytearray(16)).cast("I", (2, 2))
    with pytest.raises(ValueError):
        db.score(mv)


class TestNumpy:
    """numpy arrays, when numpy is installed (it is never required)."""

    @pytest.fixture(autouse=True)
    def _numpy(self):
        self.np = pytest.importorskip("numpy")  # pylint: disable=attribute-defined-outside-init

    def test_uint32_in_place(self, db):
        np = self.np
        a = np.array(PAPER_TEST, dtype=np.uint32)
        c = _calls.as_calls(a)
        assert c.address == a.ctypes.data and not c.copied
        assert measures(db.score(a)) == EXPECTED

    def test_readonly_uint32_in_place(self, db):
        np = self.np
        a = np.array(PAPER_TEST, dtype=np.uint32)
        a.setflags(write=False)
        c = _calls.as_calls(a)
        assert c.address == a.ctypes.data and not c.copied
        assert measures(db.score(a)) == EXPECTED

    @pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "uint16", "int32", "int64",
                                       "uint64", ">u4", ">i8"])
    def test_other_dtypes(self, db, dtype):
        a = self.np.array(PAPER_TEST, dtype=dtype)
        assert measures(db.score(a)) == EXPECTED

    def test_strided(self, db):
        a = self.np.array([x for c in PAPER_TEST for x in (c, 7)], dtype="uint32")[::2]
        assert measures(db.score(a)) == EXPECTED

    @pytest.mark.parametrize("values,dtype", [([1, -1], "int64"), ([1, 2**32], "uint64"),
                                              ([-3], "int8")])
    def test_out_of_range(self, db, values, dtype):
        with pytest.raises(selfseq.SelfseqError) as e:
            db.score(self.np.array(values, dtype=dtype))
        assert e.value.name == "ERANGE"

    @pytest.mark.parametrize("dtype", ["float64", "bool", "complex64"])
    def test_not_integers(self, db, dtype):
        with pytest.raises(TypeError):
            db.score(self.np.zeros(3, dtype=dtype))

    def test_scalar_and_2d(self, db):
        np = self.np
        with pytest.raises(TypeError):
            db.score(np.uint32(5))
        with pytest.raises(ValueError):
            db.score(np.zeros((2, 2), dtype=np.uint32))

    def test_numpy_ints_in_a_list(self, db):
        np = self.np
        assert measures(db.score([np.int64(c) for c in PAPER_TEST])) == EXPECTED
