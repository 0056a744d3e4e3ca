# SPDX-License-Identifier: MIT
"""Readers for recorded traces: ADFA-LD files and UNM ``PID SYSCALL`` files.

Both return lists of :class:`Trace` (an ``array.array('I')`` with a
``name``), ready for ``Database.add``/``score`` without any conversion.
Files may be gzip-compressed; a directory is read recursively, files in
name order. ADFA-LD text is decoded by the C library's decoder (the one the
``selfseq`` CLI uses, so both accept the same files); UNM files are parsed
in C-level loops (split, json, map). Never a Python statement per call.
"""

import array
import bisect
import ctypes
import errno
import json
import os

from ._native import lib as _lib

_decode = _lib.calls_decode
_new_array = array.array.__new__

__all__ = ["Trace", "TraceFormatError", "read_adfa", "read_unm"]

_ADFA_CHARS = b"0123456789 \t\n\r\v\f"     # what bytes.split() splits on, and digits
_READ_SIZE = 1 << 16                        # most trace files fit one read


class Trace(array.array):
    """A trace: an ``array.array('I')`` of call numbers with a ``name``
    (the file, plus ``:PID`` for UNM files)."""

    def __new__(cls, calls=(), name=None):
        self = super().__new__(cls, "I", calls)
        self.name = name
        return self

    def __init__(self, calls=(), name=None):  # pylint: disable=unused-argument
        super().__init__()

    def __repr__(self):
        return f"<selfseq.Trace {self.name!r} calls={len(self)}>"


class TraceFormatError(ValueError):
    """A trace file that does not parse; ``filename`` and ``lineno`` say where."""

    def __init__(self, filename, lineno, message):
        super().__init__(f"{filename}:{lineno}: {message}")
        self.filename = filename
        self.lineno = lineno


def _files(path):
    """The files to read under @p path, in name order."""
    p = os.fspath(path)
    if not os.path.isdir(p):
        return [p]
    out = []
    for root, dirs, names in os.walk(p):
        dirs.sort()
        out.extend(os.path.join(root, n) for n in sorted(names))
    out.sort()
    return out


def _read(path):
    """The bytes of a file, gunzipped when it starts with the gzip magic."""
    # os.read on a raw descriptor: the io stack's objects cost more than the
    # read itself for the thousands of small files of a data set.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        data = os.read(fd, _READ_SIZE)
        if len(data) == _READ_SIZE:
            chunks = [data]
            while chunks[-1]:
                chunks.append(os.read(fd, 1 << 20))
            data = b"".join(chunks)
    finally:
        os.close(fd)
    if data[:2] == b"\x1f\x8b":
        import gzip  # pylint: disable=import-outside-toplevel
        import zlib  # pylint: disable=import-outside-toplevel
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise TraceFormatError(path, 0, f"corrupt gzip data: {e}") from None
    return data


def _lineno(data, offset):
    return data.count(b"\n", 0, offset) + 1


def _bad_token(data, path, what="call numbers are decimal integers"):
    """TraceFormatError at the first byte that is neither a digit nor whitespace."""
    import re  # pylint: disable=import-outside-toplevel
    m = re.search(rb"[^0-9\s]", data)
    off = m.start() if m else 0
    return TraceFormatError(path, _lineno(data, off), f"unexpected {data[off:off + 1]!r}: {what}")


def _too_large(tokens, data, path):
    for tok in tokens:
        if int(tok) > 0xFFFFFFFF:
            return TraceFormatError(path, _lineno(data, data.find(tok)),
                                    f"call number {int(tok)} is larger than 4294967295")
    return TraceFormatError(path, 0, "call number larger than 4294967295")


def _numbers(tokens, data, path):
    """array('I') of decimal tokens (already checked to be digits)."""
    try:
        # The json scanner turns digits into ints fastest; it refuses leading zeros.
        values = json.loads(b"[" + b",".join(tokens) + b"]")
    except ValueError:
        values = map(int, tokens)
    try:
        return array.array("I", values)
    except OverflowError:
        raise _too_large(tokens, data, path) from None


class _Decoder:
    """selfseq_calls_decode() with its output array and counters kept
    between files, so a file costs one C call and one copy of its calls."""

    def __init__(self):
        self.ncalls = ctypes.c_size_t()
        self.used = ctypes.c_size_t()
        self.refs = ctypes.byref(self.ncalls), ctypes.byref(self.used)
        self._grow(1 << 14)

    def _grow(self, cap):
        self.out = array.array("I", bytes(4 * cap))
        self.addr = self.out.buffer_info()[0]
        self.view = memoryview(self.out).cast("B")

    def trace(self, data, path):
        """The Trace of one ADFA-LD file's bytes."""
        cap = len(data) // 2 + 1            # every number but the last takes two bytes
        if len(self.out) < cap:
            self._grow(max(cap, 2 * len(self.out)))
        rc = _decode(data, len(data), 0, self.addr, cap, *self.refs)
        t = _new_array(Trace, "I")
        t.name = path
        t.frombytes(self.view[:4 * self.ncalls.value])
        if rc:
            raise _decode_error(data, self.used.value, rc, path)
        return t


def _decode_error(data, offset, rc, path):
    """TraceFormatError for the token at @p offset that stopped the decoder."""
    end = offset
    while end < len(data) and data[end:end + 1] not in b" \t\n\r\v\f":
        end += 1
    token = data[offset:end]
    if -rc == errno.ERANGE:
        return TraceFormatError(path, _lineno(data, offset),
                                f"call number {int(token)} is larger than 4294967295")
    bad = next((i for i, c in enumerate(token) if not 48 <= c <= 57), 0)
    return TraceFormatError(path, _lineno(data, offset + bad),
                            f"unexpected {token[bad:bad + 1]!r}: call numbers are decimal integers")


def read_adfa(path):
    """Read ADFA-LD traces: each file is one trace of whitespace-separated
    call numbers.

    Args:
        path: a file or a directory (read recursively, files in name order).
    Returns:
        A list of :class:`Trace`, one per file, named by the file's path.
    Raises:
        TraceFormatError: a token that is not a decimal number, or a number
            beyond 32 bits (with file and line).
        OSError: a file that cannot be read.
    """
    decoder = _Decoder()
    return [decoder.trace(_read(f), f) for f in _files(path)]


def _unm_bad_line(data, lines, counts, path):
    for i, n in enumerate(counts):
        if n not in (0, 2):
            return TraceFormatError(path, i + 1, f"expected 'PID SYSCALL', got "
                                    f"{lines[i].strip()[:60]!r}")
    return _bad_token(data, path, "PID and SYSCALL are decimal integers")


def read_unm(path):
    """Read UNM traces: lines of ``PID SYSCALL``, several processes per file,
    possibly interleaved; each process becomes one trace, in the order of
    its first line.

    Args:
        path: a file or a directory (read recursively, files in name order).
    Returns:
        A list of :class:`Trace` named ``FILE:PID``.
    Raises:
        TraceFormatError: a line that is not two decimal numbers (with file
            and line).
        OSError: a file that cannot be read.
    """
    traces = []
    for f in _files(path):
        data = _read(f)
        tokens = data.split()
        lines = data.split(b"\n")
        counts = list(map(len, map(bytes.split, lines)))
        if not set(counts) <= {0, 2} or data.translate(None, _ADFA_CHARS):
            raise _unm_bad_line(data, lines, counts, f)
        pids, calls = tokens[0::2], tokens[1::2]
        order = list(dict.fromkeys(pids))
        if len(order) == 1:
            groups = {order[0]: calls}
        else:
            # Group without a Python loop per call: a stable sort by pid keeps
            # each process's calls in order; then slice each pid's run.
            idx = sorted(range(len(pids)), key=pids.__getitem__)
            by_pid = list(map(calls.__getitem__, idx))
            sorted_pids = list(map(pids.__getitem__, idx))
            groups, start = {}, 0
            for pid in sorted(order):
                end = bisect.bisect_right(sorted_pids, pid, start)
                groups[pid] = by_pid[start:end]
                start = end
        for pid in order:
            traces.append(Trace(_numbers(groups[pid], data, f), f"{f}:{int(pid)}"))
    return traces

