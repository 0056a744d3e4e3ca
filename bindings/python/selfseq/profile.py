# SPDX-License-Identifier: MIT
"""Profile: pH's per-executable profile (``struct selfseq_profile``), its
parameters and state, and its file format."""

import ctypes
import enum
import errno
import os
import time
from ctypes import byref

from . import _native
from ._calls import as_u32, as_u64
from ._handle import Handle, closed
from ._native import lib as _lib
from .database import Database
from .errors import SelfseqError, check

__all__ = ["Profile", "Params", "ProfileState", "StateFlag"]

_WEEK_NS = 7 * 24 * 3600 * 10**9


class StateFlag(enum.IntFlag):
    """A profile's state bits (``SELFSEQ_STATE_*``); no bit set means training."""
    FROZEN = 0x1    #: no new pair for a while; becomes normal after normal_wait
    NORMAL = 0x2    #: calls are tested against the testing set


class _Record:
    """Named integer fields compared by value: the base of :class:`Params`
    and :class:`ProfileState` (plain classes: the dataclasses module costs
    more import time than the rest of the package)."""

    __slots__ = ()
    _defaults = {}

    def __init__(self, *args, **kw):
        names = self.__slots__
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__} takes at most {len(names)} values")
        values = dict(zip(names, args))
        for k, v in kw.items():
            if k not in names:
                raise TypeError(f"{type(self).__name__} has no field {k!r}")
            if k in values:
                raise TypeError(f"{type(self).__name__} got {k!r} twice")
            values[k] = v
        for k in names:
            if k not in values:
                if k not in self._defaults:
                    raise TypeError(f"{type(self).__name__} needs {k!r}")
                values[k] = self._defaults[k]
            object.__setattr__(self, k, values[k])

    def as_dict(self):
        """The fields as a dict, in declaration order."""
        return {k: getattr(self, k) for k in self.__slots__}

    def replace(self, **changes):
        """A copy with some fields changed (like ``dataclasses.replace``)."""
        return type(self)(**{**self.as_dict(), **changes})

    def __eq__(self, other):
        if type(other) is not type(self):  # pylint: disable=unidiomatic-typecheck
            return NotImplemented
        return self.as_dict() == other.as_dict()

    def __repr__(self):
        return f"{type(self).__name__}(" + ", ".join(f"{k}={getattr(self, k)!r}"
                                                      for k in self.__slots__) + ")"


class Params(_Record):
    """pH's tunable parameters (``struct selfseq_params``); defaults are pH's.
    Mutable; ``Params(...)`` takes the fields by position or by name.

    Attributes:
        normal_factor: freeze when ``train_count * normal_factor_den >
            (train_count - last_mod_count) * normal_factor``.
        normal_factor_den: denominator of that ratio (not 0).
        normal_wait_ns: time frozen before becoming normal (pH: a week).
        anomaly_limit: normal monitoring stops when the profile's anomaly
            count exceeds it.
        tolerize_limit: the training set is discarded when a process's LFC
            exceeds it.
        delay_factor: pH's delay is ``2**LFC * delay_factor``; 0 is off.
    """
    __slots__ = {
        "normal_factor": "Numerator of the freeze ratio (pH: 128).",
        "normal_factor_den": "Denominator of the freeze ratio, not 0 (pH: 32).",
        "normal_wait_ns": "Time frozen before becoming normal (pH: a week).",
        "anomaly_limit": "Anomalies after which normal monitoring stops (pH: 30).",
        "tolerize_limit": "LFC above which the training set is discarded (pH: 12).",
        "delay_factor": "pH's delay is 2**LFC * delay_factor; 0 is off.",
    }
    _defaults = {"normal_factor": 128, "normal_factor_den": 32, "normal_wait_ns": _WEEK_NS,
                 "anomaly_limit": 30, "tolerize_limit": 12, "delay_factor": 0}
    __hash__ = None                     # mutable

    def _to_c(self):
        c = _native.new(_native.Params)
        for name in self.__slots__:
            conv = as_u64 if name == "normal_wait_ns" else as_u32
            setattr(c, name, conv(getattr(self, name), name))
        return c

    @classmethod
    def _from_c(cls, c):
        return cls(*(getattr(c, name) for name in cls.__slots__))


class ProfileState(_Record):
    """A snapshot of a profile's state and counters (``struct selfseq_profile_state``);
    read-only.

    Attributes:
        flags: :class:`StateFlag` bits.
        window, alphabet, lfc_frame, arch: the profile's fixed properties.
        tasks: processes attached now.
        count: calls seen in total.
        train_count: training calls since training (re)started.
        last_mod_count: training calls since the last new pair.
        sequences: training windows that added a pair.
        anomalies: anomalous calls since normal monitoring started.
        normal_time_ns: when a frozen profile may become normal (the
            clock of the ``now_ns`` values it was fed).
        train_pairs, test_pairs: pairs in the training and testing sets.
    """
    __slots__ = {
        "flags": "StateFlag bits (none: training).",
        "window": "Window size in calls.",
        "alphabet": "Call numbers allowed: 0 .. alphabet - 1.",
        "lfc_frame": "Locality frame of the profile's processes.",
        "arch": "Audit architecture of the call numbers (0: unspecified).",
        "tasks": "Processes attached now.",
        "count": "Calls seen in total.",
        "train_count": "Training calls since training (re)started.",
        "last_mod_count": "Training calls since the last new pair.",
        "sequences": "Training windows that added a pair.",
        "anomalies": "Anomalous calls since normal monitoring started.",
        "normal_time_ns": "When a frozen profile may become normal.",
        "train_pairs": "Pairs in the training set.",
        "test_pairs": "Pairs in the testing set.",
    }

    def __setattr__(self, name, value):
        raise AttributeError(f"ProfileState is read-only (cannot set {name!r})")

    def __delattr__(self, name):
        raise AttributeError(f"ProfileState is read-only (cannot delete {name!r})")

    def __hash__(self):
        return hash(tuple(self.as_dict().values()))

    @property
    def frozen(self):
        """True while frozen (waiting to become normal)."""
        return StateFlag.FROZEN in self.flags

    @property
    def normal(self):
        """True while calls are tested against the testing set."""
        return StateFlag.NORMAL in self.flags


def _now(now_ns):
    """The caller's time, or the wall clock (profiles outlive boots, so not a monotonic one)."""
    return time.time_ns() if now_ns is None else as_u64(now_ns, "now_ns")


def _path(path):
    """(bytes for C, str for messages) of a path-like argument."""
    try:
        p = os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be str, bytes or os.PathLike, not "
                        f"{type(path).__name__}") from None
    b = os.fsencode(p)
    if b"\0" in b:
        raise ValueError("embedded null byte in path")
    return b, os.fsdecode(p)


def _need(fn, name):
    if fn is None:
        raise NotImplementedError(f"the loaded libselfseq ({_lib.path}) has no {name}")
    return fn


class Profile:
    """One profile per executable, as in pH: a training and a testing pair
    set, pH's counters and state, and its parameters.

    Feed it through :class:`Process` objects (``profile.process()``), one
    per monitored process. A new profile is training, with pH's defaults.

    Args:
        window: 2..32 calls (pH: 9).
        alphabet: 1..1024 call numbers.
        lfc_frame: locality frame of its processes (pH: 128).
        arch: the audit architecture the call numbers belong to (e.g.
            0xc000003e for x86_64, 0x40000003 for i386), 0 if unknown.
        key: the executable path or other name it belongs to (saved with it).

    Raises:
        TypeError: a non-integer argument.
        SelfseqError: EINVAL for values the library refuses.
    """

    __slots__ = ("_h", "__weakref__")

    def __init__(self, window=9, alphabet=1024, *, lfc_frame=128, arch=0, key=None):
        opts = _native.new(_native.ProfileOpts, window=as_u32(window, "window"),
                           alphabet=as_u32(alphabet, "alphabet"),
                           lfc_frame=as_u32(lfc_frame, "lfc_frame"), arch=as_u32(arch, "arch"))
        out = ctypes.c_void_p()
        check(_lib.profile_new(byref(opts), byref(out)),
              lambda: f"Profile(window={window}, alphabet={alphabet}, lfc_frame={lfc_frame})")
        self._h = Handle(out.value, _lib.profile_free)
        if key is not None:
            self.key = key

    @classmethod
    def _adopt(cls, ptr):
        self = cls.__new__(cls)
        self._h = Handle(ptr, _lib.profile_free)
        return self

    def _ptr(self):
        p = self._h.ptr
        if p is None:
            raise closed("Profile")
        return p

    def close(self):
        """Free the C profile now (also done when the object is collected).

        Raises:
            SelfseqError: EBUSY while processes are attached (close them first).
        """
        if self._h.ptr is None:
            return
        tasks = self.state.tasks
        if tasks:
            raise SelfseqError(errno.EBUSY, f"close: {tasks} processes are attached")
        self._h.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # Files and bytes

    @classmethod
    def load(cls, path):
        """Load a profile file (the format of doc/profile-format.md).

        Raises:
            SelfseqError: with ``filename`` set; ENOENT (also a
                FileNotFoundError), EACCES, EBADMSG for a corrupt file, ENOMSG
                for a file that is not a profile, EPROTO for an unsupported
                version, EFBIG, ...
        """
        b, name = _path(path)
        out = ctypes.c_void_p()
        check(_need(_lib.profile_load, "selfseq_profile_load")(b, None, byref(out)), "load",
              name)
        return cls._adopt(out.value)

    def save(self, path):
        """Save the profile atomically: ``path`` holds the old or the new
        content, never a mix, whatever happens.

        Raises:
            SelfseqError: with ``filename`` set (errors of open, write,
                fsync and rename).
        """
        b, name = _path(path)
        check(_need(_lib.profile_save, "selfseq_profile_save")(self._ptr(), b), "save", name)

    def encode(self):
        """The profile in the file format, as bytes (equal profiles give equal bytes)."""
        enc = _need(_lib.profile_encode, "selfseq_profile_encode")
        p = self._ptr()
        needed = ctypes.c_size_t(0)
        rc = enc(p, None, 0, byref(needed))
        if rc != -errno.ENOSPC:
            check(rc, "encode")
        buf = ctypes.create_string_buffer(needed.value)
        check(enc(p, ctypes.addressof(buf), needed.value, byref(needed)), "encode")
        return buf.raw[:needed.value]

    @classmethod
    def decode(cls, data):
        """A profile from bytes in the file format (any bytes-like object).

        Raises:
            TypeError: ``data`` is not bytes-like.
            SelfseqError: EBADMSG, ENOMSG, EPROTO, EOVERFLOW, EFBIG, ... as
                for load().
        """
        dec = _need(_lib.profile_decode, "selfseq_profile_decode")
        if not isinstance(data, bytes):
            try:
                data = memoryview(data).tobytes()
            except TypeError:
                raise TypeError(f"decode needs bytes-like data, not "
                                f"{type(data).__name__}") from None
        out = ctypes.c_void_p()
        check(dec(data, len(data), None, byref(out)), lambda: f"decode of {len(data)} bytes")
        return cls._adopt(out.value)

    def __reduce__(self):
        # Pickling goes through the file format, so it carries everything saved.
        return (Profile.decode, (self.encode(),))

    # Parameters and state

    @property
    def params(self):
        """A copy of the :class:`Params`; assign a Params to change them (or
        use ``set_params``)."""
        c = _native.new(_native.Params)
        check(_lib.profile_get_params(self._ptr(), byref(c)), "params")
        return Params._from_c(c)  # pylint: disable=protected-access

    @params.setter
    def params(self, params):
        if not isinstance(params, Params):
            raise TypeError(f"params must be a selfseq.Params, not {type(params).__name__}")
        c = params._to_c()  # pylint: disable=protected-access
        check(_lib.profile_set_params(self._ptr(), byref(c)), lambda: repr(params))

    def set_params(self, **changes):
        """Change some parameters by name, e.g. ``set_params(anomaly_limit=50)``.

        Raises:
            TypeError: an unknown name or a non-integer value.
            SelfseqError: EINVAL (e.g. ``normal_factor_den=0``).
        """
        self.params = self.params.replace(**changes)

    @property
    def state(self):
        """A :class:`ProfileState` snapshot."""
        c = _native.new(_native.ProfileState)
        check(_lib.profile_get_state(self._ptr(), byref(c)), "state")
        kw = {name: getattr(c, name) for name in ProfileState.__slots__}
        kw["flags"] = StateFlag(kw["flags"])
        return ProfileState(**kw)

    @property
    def window(self):
        """Window size in calls."""
        return self.state.window

    @property
    def alphabet(self):
        """Number of call numbers."""
        return self.state.alphabet

    @property
    def lfc_frame(self):
        """Locality frame of the profile's processes."""
        return self.state.lfc_frame

    @property
    def arch(self):
        """Audit architecture id of the call numbers (0 if unknown)."""
        return self.state.arch

    @property
    def frozen(self):
        """True while frozen."""
        return self.state.frozen

    @property
    def normal(self):
        """True while normal (calls tested against the testing set)."""
        return self.state.normal

    @property
    def key(self):
        """The executable path or name the profile belongs to (str), or None.
        Assign a str (or bytes) to set it, None to clear it."""
        k = _need(_lib.profile_get_key, "selfseq_profile_get_key")(self._ptr())
        return None if k is None else os.fsdecode(k)

    @key.setter
    def key(self, key):
        setk = _need(_lib.profile_set_key, "selfseq_profile_set_key")
        if key is None:
            b = None
        elif isinstance(key, (str, bytes)):
            b = os.fsencode(key)
            if b"\0" in b:
                raise ValueError("embedded null byte in key")
        else:
            raise TypeError(f"key must be str, bytes or None, not {type(key).__name__}")
        check(setk(self._ptr(), b), lambda: f"key of {len(b or b'')} bytes")

    @property
    def train(self):
        """The training set, as a read-only :class:`Database`."""
        return Database._view(_lib.profile_get_train(self._ptr()), self._h,  # pylint: disable=protected-access
                              "a profile's training set")

    @property
    def test(self):
        """The testing set (the one normal monitoring uses), as a read-only :class:`Database`."""
        return Database._view(_lib.profile_get_test(self._ptr()), self._h,  # pylint: disable=protected-access
                              "a profile's testing set")

    def merge_train(self, database):
        """Add every pair of a :class:`Database` to the training set (a union),
        e.g. to build a profile offline from recorded traces. A new pair
        cancels a freeze as when pH learns one; the testing set is unchanged
        until ``normalize()``.

        Raises:
            TypeError: ``database`` is not a Database.
            SelfseqError: EINVAL if its window or alphabet differ; ENOMEM.
        """
        if not isinstance(database, Database):
            raise TypeError(f"merge_train needs a Database, not {type(database).__name__}")
        merge = _need(_lib.profile_merge_train, "selfseq_profile_merge_train")
        check(merge(self._ptr(), database._ptr()),  # pylint: disable=protected-access
              lambda: f"merge_train: window {self.window} / {database.window}, "
                      f"alphabet {self.alphabet} / {database.alphabet}")

    # Operator actions

    def normalize(self, now_ns=None):
        """Start normal monitoring now: the training set becomes the testing set.

        Args:
            now_ns: the time in nanoseconds on the clock the profile is fed
                with; None for ``time.time_ns()``.
        Raises:
            SelfseqError: ENOMEM (the profile is unchanged).
        """
        check(_lib.profile_normalize(self._ptr(), _now(now_ns)), "normalize")

    def sensitize(self):
        """Forget recently learned behaviour (discard the training set)."""
        _lib.profile_sensitize(self._ptr())

    def tolerize(self):
        """Accept recent behaviour: stop normal monitoring, keep training."""
        _lib.profile_tolerize(self._ptr())

    def process(self, mode="monitor"):
        """A new :class:`Process` attached to this profile (see Process)."""
        from .process import Process  # pylint: disable=import-outside-toplevel
        return Process(self, mode)

    def __repr__(self):
        if self._h.ptr is None:
            return "<selfseq.Profile closed>"
        s = self.state
        state = "normal" if s.normal else "frozen" if s.frozen else "training"
        key = self.key if _lib.profile_get_key else None
        return (f"<selfseq.Profile {state} window={s.window} alphabet={s.alphabet} "
                f"train_pairs={s.train_pairs} test_pairs={s.test_pairs}"
                f"{'' if key is None else ' key=' + repr(key)}>")
