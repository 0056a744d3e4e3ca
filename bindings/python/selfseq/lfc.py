# SPDX-License-Identifier: MIT
"""LocalityFrame: the locality frame count (``struct selfseq_lfc``)."""

import ctypes
from ctypes import byref

from ._calls import as_u32
from ._handle import Handle, closed
from ._native import lib as _lib
from .errors import check

__all__ = ["LocalityFrame"]


class LocalityFrame:
    """How many of the last ``frame`` calls were anomalous (pH's LFC), in O(1) per call.

    Args:
        frame: 1..65536 calls; 0 means 128 (pH's).
    Raises:
        TypeError: a non-integer frame.
        SelfseqError: EINVAL for a frame the library refuses.
    """

    __slots__ = ("_h",)

    def __init__(self, frame=128):
        f = as_u32(frame, "frame")
        out = ctypes.c_void_p()
        check(_lib.lfc_new(f, None, byref(out)), lambda: f"LocalityFrame({f})")
        self._h = Handle(out.value, _lib.lfc_free)

    def _ptr(self):
        p = self._h.ptr
        if p is None:
            raise closed("LocalityFrame")
        return p

    def close(self):
        """Free the C counter now (also done when the object is collected)."""
        self._h.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def add(self, anomalous):
        """Record whether the next call was anomalous (any true value is).

        Returns:
            The count after this call.
        """
        return _lib.lfc_add(self._ptr(), 1 if anomalous else 0)

    @property
    def count(self):
        """Anomalous calls among the last ``frame``."""
        return _lib.lfc_get(self._ptr())

    @property
    def max(self):
        """Highest count since the start or the last reset."""
        return _lib.lfc_get_max(self._ptr())

    @property
    def frame(self):
        """The frame size in calls."""
        return _lib.lfc_get_frame(self._ptr())

    def reset(self):
        """Clear the frame, the count and the maximum."""
        _lib.lfc_reset(self._ptr())

    def __repr__(self):
        if self._h.ptr is None:
            return "<selfseq.LocalityFrame closed>"
        return f"<selfseq.LocalityFrame frame={self.frame} count={self.count} max={self.max}>"
