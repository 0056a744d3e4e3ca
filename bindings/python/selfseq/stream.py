# SPDX-License-Identifier: MIT
"""Stream: scoring a trace one call at a time (``struct selfseq_stream``)."""

import ctypes
from ctypes import byref

from . import _native
from ._calls import as_call, as_u32
from ._handle import Handle, closed
from ._native import lib as _lib
from .database import Database
from .errors import check
from .score import Score

__all__ = ["Stream"]


class Stream:
    """Score calls as they come, with the same totals as ``Database.score()``
    on the whole trace.

    Args:
        database: the :class:`Database` to test against (kept referenced;
            it may go on learning between calls).
        lfc_frame: if not 0, track the locality frame count over this many
            calls (``score.max_lfc``).

    Raises:
        TypeError: ``database`` is not a Database, or a non-integer frame.
        SelfseqError: EINVAL for a frame the library refuses.
    """

    __slots__ = ("_h", "_db", "_lfc_frame")

    def __init__(self, database, *, lfc_frame=0):
        if not isinstance(database, Database):
            raise TypeError(f"Stream needs a Database, not {type(database).__name__}")
        frame = as_u32(lfc_frame, "lfc_frame")
        opts = _native.new(_native.StreamOpts, window=database.window, lfc_frame=frame)
        out = ctypes.c_void_p()
        check(_lib.stream_new(byref(opts), byref(out)), lambda: f"Stream(lfc_frame={frame})")
        self._h = Handle(out.value, _lib.stream_free)
        self._db = database
        self._lfc_frame = frame

    def _ptr(self):
        p = self._h.ptr
        if p is None:
            raise closed("Stream")
        return p

    def close(self):
        """Free the C stream now (also done when the object is collected)."""
        self._h.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def database(self):
        """The Database the calls are tested against."""
        return self._db

    def feed(self, call):
        """Score the next call.

        Returns:
            Its number of missing pairs (0..window-1).
        Raises:
            SelfseqError: ERANGE for a call >= the database's alphabet.
        """
        c = as_call(call)
        return check(_lib.stream_feed(self._ptr(), self._db._ptr(), c),  # pylint: disable=protected-access
                     lambda: f"feed({c}) with alphabet {self._db.alphabet}")

    @property
    def score(self):
        """The :class:`Score` totals since the start or the last reset
        (``misses`` is None: see ``feed``'s return values)."""
        s = _native.new(_native.Score)
        check(_lib.stream_get_score(self._ptr(), byref(s)), "score")
        return Score(s.calls, s.mismatches, s.max_mismatches, s.anomalous_calls, s.ppm,
                     s.max_lfc if self._lfc_frame else None)

    def reset(self):
        """Forget the window and the totals: a new trace starts."""
        _lib.stream_reset(self._ptr())
