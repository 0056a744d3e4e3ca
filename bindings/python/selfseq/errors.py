# SPDX-License-Identifier: MIT
"""SelfseqError: a negative errno from libselfseq, as a Python exception."""

import errno as _errno

from ._native import lib as _lib

__all__ = ["SelfseqError"]


class SelfseqError(OSError):
    """An error reported by libselfseq (a negative errno from a C call).

    Attributes:
        errno: the positive error number, e.g. ``errno.ERANGE``.
        name: its C name, e.g. ``"ERANGE"`` (``"E?"`` for a number this
            Python does not know).
        strerror: the library's own description (``selfseq_strerror()``),
            followed by the context this binding adds (which argument, call,
            index or file).
        filename: the file concerned, for profile load/save, else None.
        detail: the binding's context alone (or None).

    It is an ``OSError``; errors about files are raised as subclasses that
    are also ``FileNotFoundError``, ``PermissionError``,
    ``IsADirectoryError``, ``NotADirectoryError`` or ``FileExistsError``
    as Python's own would be, so ``except FileNotFoundError`` works.
    """

    def __new__(cls, err, detail=None, filename=None):
        err = abs(err)
        if cls is SelfseqError:
            # The subclass that is also the matching builtin, e.g. FileNotFoundError.
            cls = _BY_ERRNO.get(err, cls)
        text = _lib.strerror(-err).decode()
        if detail:
            text = f"{text}: {detail}"
        if filename is None:
            self = super().__new__(cls, err, text)
        else:
            self = super().__new__(cls, err, text, filename)
        self.detail = detail
        return self

    def __init__(self, err, detail=None, filename=None):  # pylint: disable=unused-argument
        # OSError.__new__ has set errno, strerror and filename from the arguments.
        super().__init__()

    def __reduce__(self):
        return (SelfseqError, (self.errno, self.detail, self.filename))

    @property
    def name(self):
        """The C name of the error, e.g. ``"ERANGE"``."""
        return _errno.errorcode.get(self.errno, "E?")

    def __str__(self):
        s = f"[{self.name}] {self.strerror}"
        if self.filename is not None:
            s += f": {self.filename!r}"
        return s


def _subclass(base):
    return type(f"Selfseq{base.__name__}", (SelfseqError, base), {
        "__doc__": f"A SelfseqError that is also a {base.__name__}.",
        "__module__": __name__})


_BY_ERRNO = {}
for _base, _codes in ((FileNotFoundError, (_errno.ENOENT,)),
                      (PermissionError, (_errno.EACCES, _errno.EPERM)),
                      (IsADirectoryError, (_errno.EISDIR,)),
                      (NotADirectoryError, (_errno.ENOTDIR,)),
                      (FileExistsError, (_errno.EEXIST,))):
    _cls = _subclass(_base)
    for _code in _codes:
        _BY_ERRNO[_code] = _cls


def check(rc, detail=None, filename=None):
    """Return a non-negative C return code; raise SelfseqError for a negative one."""
    if rc < 0:
        raise SelfseqError(-rc, detail() if callable(detail) else detail, filename)
    return rc
