# SPDX-License-Identifier: MIT
"""The ctypes mirrors and constants match include/selfseq/selfseq.h as the C
compiler sees it (struct-layout.c, built by meson)."""

import ctypes
import os
import subprocess

import pytest
import selfseq
from selfseq import EventFlag, Mode, Params, StateFlag, _native


@pytest.fixture(name="layout", scope="module")
def c_layout():
    exe = os.environ.get("SELFSEQ_STRUCT_LAYOUT")
    if not exe:
        pytest.skip("SELFSEQ_STRUCT_LAYOUT not set (meson test sets it)")
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    structs, consts = {}, {}
    for line in out.splitlines():
        kind, field, a, b = line.split()
        if kind == "const":
            consts[field] = int(a)
        else:
            structs.setdefault(kind, {})[field] = (int(a), int(b))
    return structs, consts


def test_structs(layout):
    structs, _ = layout
    assert set(structs) == set(_native.STRUCTS)
    for name, fields in structs.items():
        mirror = _native.STRUCTS[name]
        assert ctypes.sizeof(mirror) == fields.pop("-")[1], name
        got = {f: (getattr(mirror, f).offset, getattr(mirror, f).size)
               for f, _ in mirror._fields_}  # pylint: disable=protected-access
        assert got == fields, name


def test_constants(layout):
    _, c = layout
    assert (selfseq.WINDOW_MIN, selfseq.WINDOW_MAX, selfseq.ALPHABET_MAX,
            selfseq.LFC_FRAME_MAX) == (c["WINDOW_MIN"], c["WINDOW_MAX"], c["ALPHABET_MAX"],
                                       c["LFC_FRAME_MAX"])
    assert {f.name: int(f) for f in StateFlag} == {
        k[6:]: v for k, v in c.items() if k.startswith("STATE_")}
    assert {f.name: int(f) for f in EventFlag} == {
        k[6:]: v for k, v in c.items() if k.startswith("EVENT_")}
    assert {m.name: int(m) for m in Mode} == {
        k[5:]: v for k, v in c.items() if k.startswith("MODE_")}
    assert Params() == Params(c["DEFAULT_NORMAL_FACTOR"], c["DEFAULT_NORMAL_FACTOR_DEN"],
                              c["DEFAULT_NORMAL_WAIT_NS"], c["DEFAULT_ANOMALY_LIMIT"],
                              c["DEFAULT_TOLERIZE_LIMIT"], c["DEFAULT_DELAY_FACTOR"])


def test_sz_is_the_mirror_size():
    for mirror in _native.EXTENSIBLE.values():
        assert _native.new(mirror).sz == ctypes.sizeof(mirror)


def test_library():
    assert selfseq.library_version()[0] == 1
    assert selfseq.library_path()
