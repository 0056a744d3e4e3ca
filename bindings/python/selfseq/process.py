# SPDX-License-Identifier: MIT
"""Process: one monitored process fed through pH's algorithm
(``struct selfseq_process``), and the Event each call produces."""

import ctypes
import enum
import time
from ctypes import byref

from . import _native
from ._calls import as_call, as_calls, as_u64
from ._handle import Handle, closed
from ._native import lib as _lib
from .errors import SelfseqError, check
from .profile import Profile, StateFlag

__all__ = ["Process", "Event", "EventFlag", "Mode"]


class Mode(enum.IntEnum):
    """How feeding a process treats its profile (``SELFSEQ_MODE_*``)."""
    MONITOR = 0     #: pH's whole algorithm: learn, freeze, become normal, test, limits
    TRAIN = 1       #: learn only; nothing is tested
    SCORE = 2       #: fixed profile: test only (testing set if normal, else training set)


class EventFlag(enum.IntFlag):
    """What a call did (``SELFSEQ_EVENT_*``); test with ``EventFlag.X in event.flags``."""
    ANOMALOUS = 0x01        #: at least one pair missing from the testing set
    NEW_SEQUENCE = 0x02     #: added a pair to the training set
    FROZEN = 0x04           #: the profile froze
    THAWED = 0x08           #: a new pair cancelled a freeze
    NORMAL = 0x10           #: the profile became normal
    ANOMALY_LIMIT = 0x20    #: anomaly limit exceeded: normal monitoring stopped
    TOLERIZE_LIMIT = 0x40   #: LFC exceeded the tolerize limit: training discarded


class Event:
    """What feeding one call did (``struct selfseq_event``).

    Attributes:
        call: the call fed.
        flags: :class:`EventFlag` bits.
        misses: its pairs missing from the testing set (0 unless normal, or
            in SCORE mode the set it was tested against).
        lfc: the process's locality frame count after this call.
        max_lfc: the process's highest LFC so far.
        state: the profile's :class:`StateFlag` after this call.
        delay: pH's delay, ``2**lfc * delay_factor`` (0 when off).
    """

    __slots__ = {
        "call": "The call fed.",
        "_flags": "SELFSEQ_EVENT_* bits.",
        "misses": "Its pairs missing from the set it was tested against.",
        "lfc": "The process's locality frame count after this call.",
        "max_lfc": "The process's highest LFC so far.",
        "_state": "SELFSEQ_STATE_* bits.",
        "delay": "pH's delay, 2**lfc * delay_factor (0 when off).",
    }

    @classmethod
    def _from_c(cls, e):
        self = cls.__new__(cls)
        self.call = e.call
        self._flags = e.flags
        self.misses = e.misses
        self.lfc = e.lfc
        self.max_lfc = e.max_lfc
        self._state = e.state
        self.delay = e.delay
        return self

    @property
    def flags(self):
        """The :class:`EventFlag` bits of this call."""
        return EventFlag(self._flags)

    @property
    def state(self):
        """The profile's :class:`StateFlag` after this call."""
        return StateFlag(self._state)

    @property
    def anomalous(self):
        """True if the call had a pair missing from the testing set."""
        return bool(self._flags & EventFlag.ANOMALOUS)

    @property
    def new_sequence(self):
        """True if the call added a pair to the training set."""
        return bool(self._flags & EventFlag.NEW_SEQUENCE)

    def __repr__(self):
        return (f"Event(call={self.call}, flags={self.flags!r}, misses={self.misses}, "
                f"lfc={self.lfc}, max_lfc={self.max_lfc}, state={self.state!r}, "
                f"delay={self.delay})")


def _mode(mode):
    if isinstance(mode, str):
        try:
            return Mode[mode.upper()]
        except KeyError:
            raise ValueError(f"mode must be 'monitor', 'train' or 'score', not {mode!r}") \
                from None
    if isinstance(mode, bool) or not isinstance(mode, int):
        raise TypeError(f"mode must be a Mode or a str, not {type(mode).__name__}")
    try:
        return Mode(mode)
    except ValueError:
        raise ValueError(f"mode must be 0, 1 or 2, not {mode}") from None


class Process:
    """A monitored process: its window of recent calls, its locality frame,
    and the profile of its executable (kept alive while attached).

    Args:
        profile: the :class:`Profile` to attach to.
        mode: ``"monitor"`` (pH's whole algorithm, the default), ``"train"``
            or ``"score"``, or a :class:`Mode`.

    Like the C library, a Process takes no lock: feed it from one thread.
    Processes of the same profile must be fed from one thread at a time too.
    """

    __slots__ = ("_h", "_profile", "_mode", "_event", "__weakref__")

    def __init__(self, profile, mode="monitor"):
        if not isinstance(profile, Profile):
            raise TypeError(f"Process needs a Profile, not {type(profile).__name__}")
        m = _mode(mode)
        out = ctypes.c_void_p()
        check(_lib.process_new(profile._ptr(), byref(out)), "Process")  # pylint: disable=protected-access
        # The process must be freed (detached) before its profile.
        self._h = Handle(out.value, _lib.process_free, (profile._h,))  # pylint: disable=protected-access
        self._profile = profile
        self._mode = Mode.MONITOR
        self._event = _native.new(_native.Event)
        if m != Mode.MONITOR:
            self.mode = m

    def _ptr(self):
        p = self._h.ptr
        if p is None:
            raise closed("Process")
        return p

    def close(self):
        """Detach from the profile and free the C process now (also done when
        the object is collected)."""
        self._h.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def feed(self, call, now_ns=None):
        """Feed one system call through pH's algorithm.

        Args:
            call: the call number.
            now_ns: the time in nanoseconds (the clock is the caller's: use
                the trace's timestamps for recorded traces); None for
                ``time.time_ns()``.
        Returns:
            The :class:`Event`.
        Raises:
            SelfseqError: ERANGE for a call >= alphabet; ENOMEM if the
                training set could not grow (the call was still tested).
        """
        c = as_call(call)
        now = time.time_ns() if now_ns is None else as_u64(now_ns, "now_ns")
        ev = self._event
        rc = _lib.process_feed(self._ptr(), c, now, byref(ev))
        if rc < 0:
            raise SelfseqError(-rc, f"feed({c})")
        return Event._from_c(ev)

    @property
    def mode(self):
        """The :class:`Mode`; assign a Mode or ``"monitor"``/``"train"``/``"score"``."""
        return self._mode

    @mode.setter
    def mode(self, mode):
        m = _mode(mode)
        check(_lib.process_set_mode(self._ptr(), int(m)), lambda: f"mode {m!r}")
        self._mode = m

    @property
    def profile(self):
        """The attached :class:`Profile`. Assigning another one re-attaches the
        process (as after execve): its window and LFC restart.

        Raises:
            SelfseqError: EINVAL if the new profile's frame is larger than
                this process was made for.
        """
        return self._profile

    @profile.setter
    def profile(self, profile):
        if not isinstance(profile, Profile):
            raise TypeError(f"profile must be a Profile, not {type(profile).__name__}")
        check(_lib.process_set_profile(self._ptr(), profile._ptr()),  # pylint: disable=protected-access
              "set profile")
        self._h.set_deps((profile._h,))  # pylint: disable=protected-access
        self._profile = profile

    @property
    def window(self):
        """The recent calls (at most window-1, oldest first) as a tuple.
        Assign an iterable of calls to replace them (e.g. a forked child
        continuing its parent's window); only the last window-1 are kept."""
        buf = (ctypes.c_uint32 * 32)()
        n = check(_lib.process_get_window(self._ptr(), ctypes.addressof(buf), 32), "window")
        return tuple(buf[:n])

    @window.setter
    def window(self, calls):
        c = as_calls(calls, "window")
        check(_lib.process_set_window(self._ptr(), c.address, c.n), "set window")

    def reset(self):
        """Forget the window and the locality frame."""
        _lib.process_reset(self._ptr())

    def __repr__(self):
        if self._h.ptr is None:
            return "<selfseq.Process closed>"
        return f"<selfseq.Process mode={self._mode.name.lower()} window={list(self.window)}>"
