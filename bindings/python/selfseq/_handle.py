# SPDX-License-Identifier: MIT
"""Ownership of C objects: freed exactly once, never before what depends on them.

A Handle owns one C pointer and the function that frees it. ``deps`` are
the Handles that must outlive it (a process depends on its profile): each
counts its live dependents in ``users``. Reference counting alone would free
them in the right order, but when the Python wrappers die in a garbage
cycle, the collector runs the finalizers of everything in the cycle in an
unspecified order (PEP 442), so a profile's finalizer may run before its
process's. A Handle finalized while it still has users is therefore only
marked orphaned, and freed when its last user is freed.
"""


class Handle:
    """One owned C object (``ptr`` is None once freed)."""

    __slots__ = ("ptr", "_free", "deps", "users", "orphaned", "__weakref__")

    def __init__(self, ptr, free, deps=()):
        self.ptr = ptr
        self._free = free
        self.users = 0
        self.orphaned = False
        self.deps = ()
        self.set_deps(deps)

    def set_deps(self, deps):
        """Replace the Handles this one depends on (e.g. a process attached elsewhere)."""
        old = self.deps
        for d in deps:
            d.users += 1
        self.deps = tuple(deps)
        for d in old:
            d.release()

    def release(self):
        """One dependent is gone; free now if this was waiting for it."""
        self.users -= 1
        if self.orphaned and self.users == 0:
            self._free_now()

    def close(self):
        """Free the C object now, or as soon as its last dependent is freed.
        Later calls do nothing."""
        if self.users:
            self.orphaned = True
        else:
            self._free_now()

    def _free_now(self):
        ptr, self.ptr = self.ptr, None
        if ptr is not None and self._free is not None:
            self._free(ptr)
        deps, self.deps = self.deps, ()
        for d in deps:
            d.release()

    def __del__(self):
        self.close()


class ClosedError(ValueError):
    """An operation on an object after its close() (like I/O on a closed file)."""


def closed(kind):
    """The error for using a closed @p kind."""
    return ClosedError(f"operation on a closed {kind}")
