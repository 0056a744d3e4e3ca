# SPDX-License-Identifier: MIT
"""Turning what users pass as a trace into a contiguous uint32 C array.

The C library takes ``const uint32_t *calls, size_t n``. What Python users
have is a list, an ``array.array``, a numpy array, ``bytes``... This module
gets a pointer to uint32 data with as little work as possible and never a
Python-level loop per call:

- zero copy: ``array.array`` of typecode ``'I'`` (or ``'L'`` where it is 4
  bytes), numpy arrays of dtype uint32 that are C-contiguous (also read-only
  ones), and any writable, contiguous buffer of unsigned 4-byte integers;
- one C-level pass: other integer buffers (numpy ``astype``, or byte-strided
  slice copies for 1, 2 and 8-byte items), with negative and too large values
  refused by byte tests, and any iterable of ints (``array.array('I', it)``).

``bytes`` and ``bytearray`` are buffers of unsigned bytes: one call per byte.
Values outside 0..2**32-1 raise SelfseqError(ERANGE); things that are not
integers raise TypeError, both before any C call.
"""

import array
import errno
import operator
import struct
import sys
from ctypes import addressof, c_char, string_at

from .errors import SelfseqError

U32_MAX = 0xFFFFFFFF
_LITTLE = sys.byteorder == "little"
_NATIVE = {c: (struct.calcsize(c), c.islower()) for c in "bBhHiIlLqQnN"}
_STANDARD = {c: (struct.calcsize("<" + c), c.islower()) for c in "bBhHiIlLqQ"}
_LOW7 = bytes(range(0x80))      # bytes whose top bit is clear


def _int_format(fmt):
    """(itemsize, signed) of a struct format holding one native-order integer, else None."""
    if len(fmt) == 1:
        return _NATIVE.get(fmt)
    if len(fmt) == 2:
        order, code = fmt
        if order == "@":
            return _NATIVE.get(code)
        native_order = "=<" if _LITTLE else "=>!"
        if order in native_order:
            return _STANDARD.get(code)
    return None


def _range_error(what, values):
    """SelfseqError(ERANGE) naming the first value outside uint32."""
    for i, v in enumerate(values):
        if not 0 <= v <= U32_MAX:
            return SelfseqError(errno.ERANGE,
                                f"{what}: call {v} at index {i} is outside 0..{U32_MAX}")
    return SelfseqError(errno.ERANGE, f"{what}: a call is outside 0..{U32_MAX}")


class Calls:
    """A trace as ``(address, n)`` of uint32 values, kept valid while this lives.

    ``keep`` holds whatever owns the memory (the caller's object or a copy),
    and, for writable buffers, the ctypes object that pins the export.
    ``copied`` says whether the data had to be converted.
    """

    __slots__ = ("address", "n", "keep", "copied")

    def __init__(self, address, n, keep, copied):
        self.address = address
        self.n = n
        self.keep = keep
        self.copied = copied

    def values(self):
        """The calls as a new array.array('I') (for error messages and tests)."""
        if not self.n:
            return array.array("I")
        return array.array("I", string_at(self.address, 4 * self.n))


def _pinned(buf, n, copied):
    """Calls over @p n uint32 in a writable, contiguous buffer (n > 0)."""
    holder = c_char.from_buffer(buf)
    return Calls(addressof(holder), n, (buf, holder), copied)


def _from_numpy(obj, what):
    """Calls from an object with __array_interface__ (numpy), or None to fall back."""
    try:
        ai = obj.__array_interface__
        shape, typestr = ai["shape"], ai["typestr"]
    except (AttributeError, KeyError, TypeError):
        return None
    if not shape:
        raise TypeError(f"{what} must be a sequence of calls, not a numpy scalar")
    if len(shape) != 1:
        raise ValueError(f"{what} must be one-dimensional, not of shape {tuple(shape)}")
    kind, size = typestr[1], int(typestr[2:])
    if kind not in "iu":
        raise TypeError(f"{what} must hold integers, not numpy dtype {typestr!r}")
    n = shape[0]
    if n == 0:
        return Calls(None, 0, None, False)
    native = typestr[0] in "|" + ("<" if _LITTLE else ">")
    if kind == "u" and size == 4 and native and ai.get("strides") is None:
        return Calls(ai["data"][0], n, obj, False)
    if (kind == "i" or size > 4) and (int(obj.min()) < 0 or int(obj.max()) > U32_MAX):
        raise _range_error(what, obj.tolist())
    conv = obj.astype("=u4", order="C")
    return Calls(conv.__array_interface__["data"][0], n, conv, True)


def _from_buffer(mv, what):
    """Calls from a memoryview of integers."""
    if mv.ndim != 1:
        if mv.ndim == 0:
            raise TypeError(f"{what} must be a sequence of calls, not a scalar buffer")
        raise ValueError(f"{what} must be one-dimensional, not of shape {mv.shape}")
    info = _int_format(mv.format)
    if info is None:
        raise TypeError(f"{what} must hold native-order integers, not buffer format "
                        f"{mv.format!r}")
    size, signed = info
    n = len(mv)
    if n == 0:
        return Calls(None, 0, None, False)
    raw = mv.cast("B") if mv.c_contiguous else memoryview(mv.tobytes())
    if not _LITTLE:
        try:
            return _from_array(array.array("I", mv), True)
        except OverflowError:
            raise _range_error(what, mv.tolist()) from None
    # Byte tests instead of per-value ones: a value fits uint32 when its bytes
    # above the fourth are zero and, if signed, its top bit is clear.
    bad = False
    if size == 8:
        bad = any(bytes(raw[j::8]).count(0) != n for j in range(4, 8))
    elif signed:
        bad = bool(bytes(raw[size - 1::size]).translate(None, _LOW7))
    if bad:
        raise _range_error(what, mv.tolist())
    if size == 4:
        if mv.c_contiguous and not mv.readonly:
            return _pinned(mv, n, False)
        return _pinned(bytearray(raw), n, True)
    out = bytearray(4 * n)
    for j in range(min(size, 4)):
        out[j::4] = raw[j::size]
    return _pinned(out, n, True)


def _from_array(arr, copied):
    """Calls from an array.array('I') (4-byte items)."""
    address, n = arr.buffer_info()
    return Calls(address if n else None, n, arr, copied)


def as_calls(obj, what="trace"):
    """Convert a trace to Calls; see the module docstring for what is accepted.

    @p what names the argument in error messages.
    """
    if isinstance(obj, array.array):
        if obj.typecode in "IL" and obj.itemsize == 4:
            return _from_array(obj, False)
        return _from_buffer(memoryview(obj), what)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return _from_buffer(memoryview(obj), what)
    if isinstance(obj, str):
        raise TypeError(f"{what} must be integers, not str")
    if hasattr(type(obj), "__array_interface__"):
        calls = _from_numpy(obj, what)
        if calls is not None:
            return calls
    try:
        mv = memoryview(obj)
    except TypeError:
        pass
    else:
        return _from_buffer(mv, what)
    try:
        arr = array.array("I", obj)
    except OverflowError:
        # Only sequences can be walked again to say where.
        values = obj if hasattr(obj, "__getitem__") and hasattr(obj, "__len__") else ()
        raise _range_error(what, values) from None
    except TypeError as e:
        raise TypeError(f"{what} must be an iterable of ints or a buffer of integers, "
                        f"not {type(obj).__name__} ({e})") from None
    return _from_array(arr, True)


def _index(value, what):
    """operator.index() with a TypeError naming the argument."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, not {type(value).__name__}") from None


def as_u32(value, what):
    """An int for a uint32_t argument: TypeError if not an integer,
    SelfseqError(EINVAL) outside 0..2**32-1 (what C would refuse too)."""
    v = _index(value, what)
    if not 0 <= v <= U32_MAX:
        raise SelfseqError(errno.EINVAL, f"{what} {v} is outside 0..{U32_MAX}")
    return v


def as_u64(value, what):
    """An int for a uint64_t argument (see as_u32)."""
    v = _index(value, what)
    if not 0 <= v <= 0xFFFFFFFFFFFFFFFF:
        raise SelfseqError(errno.EINVAL, f"{what} {v} is outside 0..2**64-1")
    return v


def as_call(value, what="call"):
    """An int for a single uint32_t call number: TypeError if not an integer,
    SelfseqError(ERANGE) if it cannot be a call number at all."""
    v = _index(value, what)
    if not 0 <= v <= U32_MAX:
        raise SelfseqError(errno.ERANGE, f"{what} {v} is outside 0..{U32_MAX}")
    return v
