# SPDX-License-Identifier: MIT
"""selfseq: Python binding of libselfseq, system-call sequence anomaly
detection (Forrest et al. 1996 lookahead pairs; Somayaji's pH).

Pure ctypes over the C library ``libselfseq.so.1``: no compiler needed. The
library is found, in this order, at ``$SELFSEQ_LIBRARY`` (a path; nothing
else is tried when it is set), through the dynamic loader's path
(``LD_LIBRARY_PATH``, ``/etc/ld.so.cache``), and in the ``libdir`` that
``pkg-config selfseq`` reports.

Quick start (the 1996 paper's worked example)::

    >>> import selfseq
    >>> db = selfseq.Database(window=4)
    >>> db.add([5, 3, 90, 90, 5, 76, 90, 6])   # open read mmap mmap open getrlimit mmap close
    >>> s = db.score([5, 3, 90, 5, 5, 76, 90, 6])
    >>> s.mismatches, s.max_mismatches, round(s.percent)
    (4, 18, 22)

Traces: every function taking calls accepts any iterable of ints, and reads
buffers of integers without a Python loop: ``array.array`` (typecode ``'I'``
is used in place, others are converted), numpy arrays (uint32 C-contiguous
ones in place, other integer dtypes converted by numpy; numpy is never
imported by this package), ``memoryview`` and other buffer-protocol objects
with native-order integer formats. ``bytes`` and ``bytearray`` are buffers
of unsigned bytes: one call per byte (calls 0..255). A value outside
0..2**32-1 raises SelfseqError(ERANGE), a call >= the alphabet
SelfseqError(ERANGE) naming its index, and a non-integer (a float, a str, a
float array) TypeError, all before the C library is called.

Errors from the C library raise :class:`SelfseqError` (an ``OSError``) with
``errno``, ``name`` (e.g. ``"ERANGE"``) and the library's message.
Objects free their C memory when collected, or at once with ``close()`` or
a ``with`` block.
"""

from ._native import lib as _lib
from .database import Database, Pair
from .errors import SelfseqError
from .lfc import LocalityFrame
from .process import Event, EventFlag, Mode, Process
from .profile import Params, Profile, ProfileState, StateFlag
from .readers import Trace, TraceFormatError, read_adfa, read_unm
from .score import Score
from .stream import Stream

__all__ = [
    "Database", "Pair", "Score", "Stream", "LocalityFrame",
    "Profile", "Params", "ProfileState", "StateFlag",
    "Process", "Event", "EventFlag", "Mode",
    "Trace", "TraceFormatError", "read_adfa", "read_unm",
    "SelfseqError", "max_mismatches", "library_version", "library_path",
    "WINDOW_MIN", "WINDOW_MAX", "ALPHABET_MAX", "LFC_FRAME_MAX",
]

__version__ = "1.0.0"

WINDOW_MIN = 2          #: smallest window
WINDOW_MAX = 32         #: largest window
ALPHABET_MAX = 1024     #: largest alphabet
LFC_FRAME_MAX = 65536   #: largest locality frame


def library_version():
    """The loaded C library's version as a tuple ``(major, minor, micro)``."""
    v = _lib.version()
    return (v >> 16, (v >> 8) & 0xFF, v & 0xFF)


def library_path():
    """The path (or soname) the C library was loaded from."""
    return _lib.path


def max_mismatches(window, calls):
    """The most pairs a trace of ``calls`` calls can miss with this window:
    ``k(L - (k+1)/2)`` for ``L >= k``, ``L(L-1)/2`` below (``k = window-1``);
    0 for a window outside 2..32."""
    from ._calls import as_u32, as_u64  # pylint: disable=import-outside-toplevel
    return _lib.max_mismatches(as_u32(window, "window"), as_u64(calls, "calls"))
