# SPDX-License-Identifier: MIT
"""Score: the paper's measures for one scored trace."""

import ctypes

from ._native import Score as _CScore

__all__ = ["Score"]


class Score:
    """The result of scoring a trace (``selfseq_db_score()``), named like the
    keys of ``selfseq score --json``.

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

    __slots__ = ("calls", "mismatches", "max_mismatches", "anomalous_calls", "ppm",
                 "max_lfc", "misses")

    def __init__(self, calls=0, mismatches=0, max_mismatches=0, anomalous_calls=0, ppm=0,
                 max_lfc=None, misses=None):
        self.calls = calls
        self.mismatches = mismatches
        self.max_mismatches = max_mismatches
        self.anomalous_calls = anomalous_calls
        self.ppm = ppm
        self.max_lfc = max_lfc
        self.misses = misses

    @classmethod
    def _from_c(cls, s, lfc, misses):
        # Hot path of Database.score(): no keyword arguments, no checks.
        self = cls.__new__(cls)
        self.calls = s.calls
        self.mismatches = s.mismatches
        self.max_mismatches = s.max_mismatches
        self.anomalous_calls = s.anomalous_calls
        self.ppm = s.ppm
        self.max_lfc = s.max_lfc if lfc else None
        self.misses = misses
        return self

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

    def _key(self):
        return (self.calls, self.mismatches, self.max_mismatches, self.anomalous_calls,
                self.ppm, self.max_lfc,
                None if self.misses is None else self.misses.tobytes())

    def __eq__(self, other):
        if not isinstance(other, Score):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None

    def __repr__(self):
        lfc = "" if self.max_lfc is None else f", max_lfc={self.max_lfc}"
        return (f"Score(calls={self.calls}, mismatches={self.mismatches}, "
                f"max_mismatches={self.max_mismatches}, percent={self.percent:.1f}, "
                f"anomalous_calls={self.anomalous_calls}{lfc})")


#: sizeof(struct selfseq_score) as this binding knows it, and an empty one to copy.
_EMPTY = _CScore()
_EMPTY.sz = ctypes.sizeof(_CScore)
EMPTY_C = bytes(_EMPTY)
