# SPDX-License-Identifier: MIT
"""Database: a set of lookahead pairs (``struct selfseq_db``) and scoring against it."""

import array
import ctypes
import errno
import threading
from collections import namedtuple
from ctypes import byref

from . import _native
from ._calls import U32_MAX, as_call, as_calls, as_u32
from ._handle import Handle, closed
from ._native import lib as _lib
from .errors import SelfseqError, check
from .score import UNPACK, Score

__all__ = ["Database", "Pair"]

Pair = namedtuple("Pair", "call prev distance")
Pair.__doc__ = """One lookahead pair: ``prev`` was seen ``distance`` calls before ``call``."""

# Looked up once: Database.score() is the hot path.
_score = _lib.db_score
_unpack = UNPACK
_new_tuple = tuple.__new__
_SCORE_SZ = ctypes.sizeof(_native.Score)
_OPTS_SZ = ctypes.sizeof(_native.ScoreOpts)
_CScore = _native.Score
_CScoreOpts = _native.ScoreOpts
# Each thread scores into its own C result and options structs, made once:
# the C call runs without the GIL, so threads must not share them.
_tls = threading.local()


def _tls_bufs():
    out = _native.new(_CScore)
    opts = _native.new(_CScoreOpts)
    _tls.bufs = bufs = (out, ctypes.addressof(out), opts, ctypes.addressof(opts))
    return bufs


class _ViewHandle:
    """A pair set owned by a profile: valid while the profile is open."""

    __slots__ = ("_ptr", "deps")

    def __init__(self, ptr, owner):
        self._ptr = ptr
        self.deps = (owner,)

    @property
    def ptr(self):
        """The C pointer, or None once the owning profile is closed."""
        return self._ptr if self.deps[0].ptr is not None else None


class Database:
    """A lookahead-pair database: for a window of ``w`` calls, which call was
    seen ``d = 1..w-1`` calls before which (Forrest et al. 1996).

    ``Database(window=6, alphabet=1024)`` is empty; calls are the integers
    ``0..alphabet-1``; it grows as it learns (``add``). A trace is anything
    the binding accepts as calls: an iterable of ints or a buffer of integers
    (``array.array``, numpy arrays, ``bytes``), see :mod:`selfseq`.

    ``len(db)`` is the number of (call, prev, distance) pairs held, iterating
    gives them as :class:`Pair` (as ``pairs()`` does), and
    ``(call, prev, distance) in db`` tests one.

    Like the C library, a Database takes no lock: do not change it from one
    thread while another uses it. Scoring one database from many threads at
    once is safe (the C calls run without the GIL).

    Args:
        window: 2..32 calls (lookahead ``window - 1``); 0 means 9.
        alphabet: 1..1024 distinct call numbers; 0 means 1024.
        capacity: initial room in distinct calls (0: small); it grows.

    Raises:
        TypeError: a non-integer argument.
        SelfseqError: EINVAL for values the library refuses.
    """

    __slots__ = ("_h", "_readonly", "__weakref__")

    def __init__(self, window=6, alphabet=1024, *, capacity=0):
        opts = _native.new(_native.DbOpts, window=as_u32(window, "window"),
                           alphabet=as_u32(alphabet, "alphabet"),
                           capacity=as_u32(capacity, "capacity"))
        out = ctypes.c_void_p()
        check(_lib.db_new(byref(opts), byref(out)),
              lambda: f"Database(window={window}, alphabet={alphabet}, capacity={capacity})")
        self._h = Handle(out.value, _lib.db_free)
        self._readonly = None

    @classmethod
    def _view(cls, ptr, owner, label):
        """A read-only Database over a pair set another object owns."""
        self = cls.__new__(cls)
        self._h = _ViewHandle(ptr, owner)
        self._readonly = label
        return self

    def _ptr(self):
        p = self._h.ptr
        if p is None:
            raise closed("Database" if self._readonly is None else "Profile")
        return p

    def _wptr(self):
        if self._readonly is not None:
            raise TypeError(f"{self._readonly} is read-only")
        return self._ptr()

    def close(self):
        """Free the C database now (also done when the object is collected).
        Read-only views of a profile's pair sets are not closed by this."""
        if self._readonly is None:
            self._h.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # Properties

    @property
    def window(self):
        """Window size in calls (2..32)."""
        return _lib.db_get_window(self._ptr())

    @property
    def alphabet(self):
        """Number of call numbers: calls are 0..alphabet-1."""
        return _lib.db_get_alphabet(self._ptr())

    @property
    def distinct_calls(self):
        """Number of distinct calls the database has seen."""
        return _lib.db_get_calls(self._ptr())

    @property
    def memory(self):
        """Bytes of memory the C database holds."""
        return _lib.db_get_memory(self._ptr())

    @property
    def readonly(self):
        """True for a profile's training or testing set (change the profile instead)."""
        return self._readonly is not None

    def __len__(self):
        return _lib.db_get_pairs(self._ptr())

    def __repr__(self):
        if self._h.ptr is None:
            return "<selfseq.Database closed>"
        ro = " read-only" if self._readonly else ""
        return (f"<selfseq.Database{ro} window={self.window} alphabet={self.alphabet} "
                f"pairs={len(self)} distinct_calls={self.distinct_calls}>")

    # Errors

    def _calls_error(self, rc, calls, op):
        """The SelfseqError for a failed call on a trace, naming a bad call's index."""
        if -rc == errno.ERANGE:
            alphabet = self.alphabet
            for i, v in enumerate(calls.values()):
                if v >= alphabet:
                    return SelfseqError(errno.ERANGE,
                                        f"{op}: call {v} at index {i} >= alphabet {alphabet}")
        return SelfseqError(-rc, op)

    # Learning and testing

    def add(self, trace):
        """Learn every lookahead pair of a trace.

        The first calls pair only with the calls before them in ``trace``
        (a trace's start is not a call).

        Raises:
            SelfseqError: ERANGE for a call >= alphabet (nothing is added);
                ENOMEM.
        """
        p = self._wptr()
        c = as_calls(trace)
        rc = _lib.db_add(p, c.address, c.n)
        if rc < 0:
            raise self._calls_error(rc, c, "add")

    def add_window(self, window_calls):
        """Learn the pairs of one window: its last call with each call before it.

        Args:
            window_calls: 1..window calls, oldest first.
        Raises:
            SelfseqError: EINVAL for a bad length, ERANGE, ENOMEM.
        """
        p = self._wptr()
        c = as_calls(window_calls, "window_calls")
        rc = _lib.db_add_window(p, c.address, c.n)
        if rc < 0:
            raise self._calls_error(rc, c, f"add_window of {c.n} calls")

    def test(self, window_calls):
        """Count the pairs of one window that the database lacks.

        Args:
            window_calls: 1..window calls, oldest first; the last is the
                current call.
        Returns:
            The number of missing pairs (0..len(window_calls)-1).
        Raises:
            SelfseqError: EINVAL for a bad length, ERANGE.
        """
        p = self._ptr()
        c = as_calls(window_calls, "window_calls")
        rc = _lib.db_test_window(p, c.address, c.n)
        if rc < 0:
            raise self._calls_error(rc, c, f"test of {c.n} calls")
        return rc

    def score(self, trace, *, misses=False, lfc_frame=0):
        """Score a trace against the database in one C call (O(n·k), no Python loop).

        Args:
            trace: the calls, oldest first.
            misses: also return each call's missing pairs (``Score.misses``).
            lfc_frame: if not 0, compute ``Score.max_lfc`` over frames of
                this many calls (pH uses 128).
        Returns:
            A :class:`Score`.
        Raises:
            SelfseqError: ERANGE for a call >= alphabet; EINVAL for a bad frame.
        """
        # The hot path of any evaluation: every line here is paid per trace.
        p = self._h.ptr
        if p is None:
            self._ptr()
        if isinstance(trace, array.array) and trace.typecode == "I":
            address, n = trace.buffer_info()
            calls = None
        else:
            calls = as_calls(trace)
            address, n = calls.address, calls.n
        try:
            out, out_addr, opts, opts_addr = _tls.bufs
        except AttributeError:
            out, out_addr, opts, opts_addr = _tls_bufs()
        buf = None
        if misses:
            o = _CScoreOpts()
            o.sz = _OPTS_SZ
            o.lfc_frame = as_u32(lfc_frame, "lfc_frame")
            buf = array.array("B", bytes(n))
            o.misses = buf.buffer_info()[0] if n else None
            rc = _score(p, address, n, ctypes.addressof(o), out_addr)
        elif lfc_frame:
            opts.lfc_frame = lfc_frame if type(lfc_frame) is int and 0 < lfc_frame <= U32_MAX \
                else as_u32(lfc_frame, "lfc_frame")  # pylint: disable=unidiomatic-typecheck
            rc = _score(p, address, n, opts_addr, out_addr)
        else:
            if type(lfc_frame) is not int:  # pylint: disable=unidiomatic-typecheck
                as_u32(lfc_frame, "lfc_frame")      # 0.0, None, "": TypeError
            rc = _score(p, address, n, None, out_addr)
        if rc < 0:
            if calls is None:
                calls = as_calls(trace)
            raise self._calls_error(rc, calls, "score")
        _, c, m, mx, a, ppm, lfc = _unpack(out)
        return _new_tuple(Score, (c, m, mx, a, ppm, lfc if lfc_frame else None, buf))

    def score_many(self, traces, *, lfc_frame=0):
        """Score many traces with one C call (``selfseq_db_score_many()``).

        The fast way to score a corpus: the traces are joined into one uint32
        buffer at C speed and scored in a single call, so nothing is paid per
        trace in C calls; only the result tuples are built in Python.

        Args:
            traces: an iterable of traces, each as accepted by :meth:`score`.
            lfc_frame: as in :meth:`score`.
        Returns:
            A list of :class:`Score`, one per trace, in order (without per-call misses).
        Raises:
            SelfseqError: ERANGE for a call >= alphabet (naming trace and index).
            TypeError: a trace that is not a sequence or buffer of integers.
        """
        p = self._ptr()
        frame = as_u32(lfc_frame, "lfc_frame")
        joined = array.array("I")
        ends = array.array("Q")
        for t in traces:
            if isinstance(t, array.array) and t.typecode == "I":
                joined.extend(t)
            else:
                c = as_calls(t)
                if c.n:
                    joined.frombytes(ctypes.string_at(c.address, 4 * c.n))
            ends.append(len(joined))
        n = len(ends)
        if not n:
            return []
        opts = _native.new(_CScoreOpts)
        opts.lfc_frame = frame
        out = (_CScore * n)()
        out[0].sz = ctypes.sizeof(_CScore)
        rc = _lib.db_score_many(p, joined.buffer_info()[0] if joined else None,
                                ends.buffer_info()[0], n, ctypes.addressof(opts),
                                ctypes.addressof(out))
        if rc < 0:
            if -rc == errno.ERANGE:
                alphabet, start = self.alphabet, 0
                for i, end in enumerate(ends):
                    for j in range(start, end):
                        if joined[j] >= alphabet:
                            raise SelfseqError(errno.ERANGE, f"score_many: call {joined[j]} at "
                                               f"index {j - start} of trace {i} >= alphabet {alphabet}")
                    start = end
            raise SelfseqError(-rc, "score_many")
        raw = memoryview(out).cast("B")
        size = ctypes.sizeof(_CScore)
        return [_new_tuple(Score, (c, m, mx, a, ppm, lfc if frame else None, None))
                for _, c, m, mx, a, ppm, lfc in
                (_unpack(raw, i * size) for i in range(n))]

    def distances(self, call, prev):
        """The distances at which ``prev`` was seen before ``call``, ascending.

        Raises:
            SelfseqError: ERANGE if a call is >= alphabet.
        """
        mask = check(_lib.db_get_distances(self._ptr(), as_call(call), as_call(prev, "prev")),
                     lambda: f"distances({call}, {prev}) with alphabet {self.alphabet}")
        return tuple(d + 1 for d in range(32) if mask >> d & 1)

    def __contains__(self, pair):
        try:
            call, prev, distance = pair
        except (TypeError, ValueError):
            return False
        p = self._ptr()
        try:
            call, prev, distance = as_call(call), as_call(prev), as_call(distance)
        except (TypeError, SelfseqError):
            return False
        if not 1 <= distance <= 31:
            return False
        mask = _lib.db_get_distances(p, call, prev)
        return mask >= 0 and bool(mask >> (distance - 1) & 1)

    def pairs(self):
        """Iterate over the pairs as :class:`Pair` (call, prev, distance), by
        call, then prev, then distance. The database must not change meanwhile
        (RuntimeError if it does)."""
        cursor = ctypes.c_uint64(0)
        cell = _native.Pair()
        start = len(self)
        while True:
            p = self._ptr()
            rc = _lib.db_next_pair(p, byref(cursor), byref(cell))
            if rc == -errno.ENOENT:
                return
            check(rc, "pairs")
            if _lib.db_get_pairs(p) != start:
                raise RuntimeError("Database changed during iteration")
            mask, d = cell.distances, 1
            while mask:
                if mask & 1:
                    yield Pair(cell.call, cell.prev, d)
                mask >>= 1
                d += 1

    __iter__ = pairs

    def __eq__(self, other):
        if not isinstance(other, Database):
            return NotImplemented
        return (self.window == other.window and self.alphabet == other.alphabet
                and len(self) == len(other) and list(self.pairs()) == list(other.pairs()))

    __hash__ = None

    # Set operations

    def _compatible(self, other, op):
        if not isinstance(other, Database):
            raise TypeError(f"{op} needs a Database, not {type(other).__name__}")
        return (f"{op}: window {self.window} / {other.window}, "
                f"alphabet {self.alphabet} / {other.alphabet}")

    def merge(self, other):
        """Add every pair of ``other`` (union, in place).

        Raises:
            TypeError: ``other`` is not a Database.
            SelfseqError: EINVAL if windows or alphabets differ; ENOMEM
                (then this database is unchanged).
        """
        detail = self._compatible(other, "merge")
        check(_lib.db_merge(self._wptr(), other._ptr()), detail)  # pylint: disable=protected-access

    def diff(self, other):
        """A new Database of the pairs of this one that ``other`` lacks.

        Raises:
            TypeError: ``other`` is not a Database.
            SelfseqError: EINVAL if windows or alphabets differ; ENOMEM.
        """
        detail = self._compatible(other, "diff")
        out = Database(self.window, self.alphabet)
        check(_lib.db_diff(out._ptr(), self._ptr(), other._ptr()), detail)  # pylint: disable=protected-access
        return out

    def copy(self):
        """A new, writable Database with the same window, alphabet and pairs."""
        out = Database(self.window, self.alphabet)
        check(_lib.db_merge(out._ptr(), self._ptr()), "copy")  # pylint: disable=protected-access
        return out

    def clear(self):
        """Remove every pair and call (window and alphabet stay)."""
        _lib.db_reset(self._wptr())
