# SPDX-License-Identifier: MIT
"""Readers for recorded traces: ADFA-LD files and UNM ``PID SYSCALL`` files.

Both return lists of :class:`Trace` (an ``array.array('I')`` with a
``name``), ready for ``Database.add``/``score`` without any conversion.
Files may be gzip-compressed; a directory is read recursively, files in
name order. Parsing runs in C-level loops (split, json, map), never a Python
statement per call.
"""

import array
import bisect
import json
import os

__all__ = ["Trace", "TraceFormatError", "read_adfa", "read_unm"]

_ADFA_CHARS = b"0123456789 \t\n\r\v\f"     # what bytes.split() splits on, and digits
_DIGITS_SPACE = b"0123456789 "


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
    with open(path, "rb") as f:
        data = f.read()
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


def _adfa_trace(data, path):
    """The Trace of one ADFA-LD file's bytes."""
    if data.translate(None, _ADFA_CHARS):
        raise _bad_token(data, path)
    text = data.strip()
    if not text.translate(None, _DIGITS_SPACE) and b"  " not in text:
        # The usual file: numbers separated by single spaces. Turning it into
        # a JSON list costs one replace, where split() would make an object
        # per call.
        try:
            return Trace(json.loads(b"[" + text.replace(b" ", b",") + b"]"), path)
        except ValueError:
            pass                        # leading zeros: the general path
        except OverflowError:
            raise _too_large(text.split(), data, path) from None
    return Trace(_numbers(data.split(), data, path), path)


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
    return [_adfa_trace(_read(f), f) for f in _files(path)]


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

