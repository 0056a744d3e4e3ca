# SPDX-License-Identifier: MIT
"""Score: the paper's measures for one scored trace."""

import ctypes
import struct
from collections import namedtuple

from ._native import Score as _CScore

__all__ = ["Score"]

_ScoreFields = namedtuple("_ScoreFields", "calls mismatches max_mismatches anomalous_calls ppm "
                          "max_lfc misses", defaults=(0, None, None))

#: Reads a whole struct selfseq_score in one call (sz, 4 x uint64, 2 x uint32):
#: much cheaper than reading the ctypes fields one by one.
_LAYOUT = struct.Struct("@N4QII")
if _LAYOUT.size != ctypes.sizeof(_CScore):
    raise ImportError("selfseq: struct selfseq_score layout mismatch")
UNPACK = _LAYOUT.unpack_from


for _name, _doc in (("calls", "Calls scored (the trace's length)."),
                   ("mismatches", "Lookahead pairs of the trace missing from the database."),
                   ("max_mismatches", "The most pairs a trace this long can miss."),
                   ("anomalous_calls", "Calls with at least one missing pair."),
                   ("ppm", "Mismatches per million of the maximum (the C library's int)."),
                   ("max_lfc", "Highest locality frame count, or None if not asked for."),
                   ("misses", "array('B') of each call's missing pairs, or None.")):
    getattr(_ScoreFields, _name).__doc__ = _doc


class Score(_ScoreFields):
    """The result of scoring a trace (``selfseq_db_score()``), named like the
    keys of ``selfseq score --json``. A named tuple (read-only, comparable,
    unpackable) of:

    Attributes:
        calls: calls scored (the trace's length).
        mismatches: lookahead pairs of the trace missing from the database.
        max_mismatches: the most pairs a trace this long can miss,
            ``k(L - (k+1)/2)`` for ``L >= k`` (``k = window - 1``),
            ``L(L-1)/2`` below.
        anomalous_calls: calls with at least one missing pair.
        ppm: mismatches per million of the maximum, as the C library
            computes it (an int).
        max_lfc: the highest locality frame count over the trace, or None
            when no ``lfc_frame`` was asked for.
        misses: with ``misses=True``, an ``array.array('B')`` holding each
            call's missing pairs (0..window-1); else None.
    """

    __slots__ = ()

    @property
    def percent(self):
        """Mismatches as a percentage of the maximum (a float; 0.0 when the
        maximum is 0). The paper's example: 4 of 18 is 22.2%."""
        m = self.max_mismatches
        return 100.0 * self.mismatches / m if m else 0.0

    def as_dict(self):
        """The measures as a dict with the CLI's JSON keys (``calls``,
        ``mismatches``, ``max_mismatches``, ``percent``, ``anomalous_calls``,
        ``max_lfc``, and ``misses`` as a list when present)."""
        d = {"calls": self.calls, "mismatches": self.mismatches,
             "max_mismatches": self.max_mismatches, "percent": self.percent,
             "anomalous_calls": self.anomalous_calls, "max_lfc": self.max_lfc}
        if self.misses is not None:
            d["misses"] = self.misses.tolist()
        return d

    def __repr__(self):
        lfc = "" if self.max_lfc is None else f", max_lfc={self.max_lfc}"
        return (f"Score(calls={self.calls}, mismatches={self.mismatches}, "
                f"max_mismatches={self.max_mismatches}, percent={self.percent:.1f}, "
                f"anomalous_calls={self.anomalous_calls}{lfc})")
