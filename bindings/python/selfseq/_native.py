# SPDX-License-Identifier: MIT
"""Loading libselfseq.so.1 and the ctypes mirrors of its C declarations.

Private to the package. Every struct here mirrors one in
include/selfseq/selfseq.h field for field; the extensible ones get their
``sz`` from ``ctypes.sizeof`` of the mirror, so the library reads and writes
exactly what this binding knows about. tests/test_layout.py compares the
mirrors with the C compiler's view of the header.
"""

import ctypes
import os

from ctypes import (POINTER, Structure, c_char_p, c_int, c_size_t,
                    c_uint32, c_uint64, c_void_p)

SONAME = "libselfseq.so.1"
ABI_MAJOR = 1


class DbOpts(Structure):
    """struct selfseq_db_opts"""
    _fields_ = [("sz", c_size_t), ("window", c_uint32), ("alphabet", c_uint32),
                ("capacity", c_uint32), ("allocator", c_void_p)]


class Pair(Structure):
    """struct selfseq_pair"""
    _fields_ = [("call", c_uint32), ("prev", c_uint32), ("distances", c_uint32)]


class Score(Structure):
    """struct selfseq_score"""
    _fields_ = [("sz", c_size_t), ("calls", c_uint64), ("mismatches", c_uint64),
                ("max_mismatches", c_uint64), ("anomalous_calls", c_uint64),
                ("ppm", c_uint32), ("max_lfc", c_uint32)]


class ScoreOpts(Structure):
    """struct selfseq_score_opts"""
    _fields_ = [("sz", c_size_t), ("misses", c_void_p), ("lfc_frame", c_uint32)]


class StreamOpts(Structure):
    """struct selfseq_stream_opts"""
    _fields_ = [("sz", c_size_t), ("window", c_uint32), ("lfc_frame", c_uint32),
                ("allocator", c_void_p)]


class ProfileOpts(Structure):
    """struct selfseq_profile_opts"""
    _fields_ = [("sz", c_size_t), ("window", c_uint32), ("alphabet", c_uint32),
                ("lfc_frame", c_uint32), ("arch", c_uint32), ("allocator", c_void_p)]


class Params(Structure):
    """struct selfseq_params"""
    _fields_ = [("sz", c_size_t), ("normal_factor", c_uint32),
                ("normal_factor_den", c_uint32), ("normal_wait_ns", c_uint64),
                ("anomaly_limit", c_uint32), ("tolerize_limit", c_uint32),
                ("delay_factor", c_uint32)]


class ProfileState(Structure):
    """struct selfseq_profile_state"""
    _fields_ = [("sz", c_size_t), ("flags", c_uint32), ("window", c_uint32),
                ("alphabet", c_uint32), ("lfc_frame", c_uint32), ("arch", c_uint32),
                ("tasks", c_uint32), ("count", c_uint64), ("train_count", c_uint64),
                ("last_mod_count", c_uint64), ("sequences", c_uint64),
                ("anomalies", c_uint64), ("normal_time_ns", c_uint64),
                ("train_pairs", c_uint32), ("test_pairs", c_uint32)]


class Event(Structure):
    """struct selfseq_event"""
    _fields_ = [("sz", c_size_t), ("call", c_uint32), ("flags", c_uint32),
                ("misses", c_uint32), ("lfc", c_uint32), ("max_lfc", c_uint32),
                ("state", c_uint32), ("delay", c_uint64)]


#: Every extensible struct, by C name (for the layout test).
EXTENSIBLE = {
    "selfseq_db_opts": DbOpts,
    "selfseq_score": Score,
    "selfseq_score_opts": ScoreOpts,
    "selfseq_stream_opts": StreamOpts,
    "selfseq_profile_opts": ProfileOpts,
    "selfseq_params": Params,
    "selfseq_profile_state": ProfileState,
    "selfseq_event": Event,
}
#: Every mirrored struct, by C name.
STRUCTS = dict(EXTENSIBLE, selfseq_pair=Pair)


def new(struct_type, **fields):
    """An instance of an extensible struct mirror with ``sz`` set."""
    s = struct_type(**fields)
    s.sz = ctypes.sizeof(struct_type)
    return s


_h = c_void_p          # an opaque handle
_p = c_void_p          # a data pointer passed as an integer address
_int, _u32, _u64, _sz = c_int, c_uint32, c_uint64, c_size_t

# name: (restype, argtypes). Handles and data pointers are passed as integers.
_PROTOTYPES = {
    "selfseq_version": (_u32, []),
    "selfseq_strerror": (c_char_p, [_int]),
    "selfseq_max_mismatches": (_u64, [_u32, _u64]),

    "selfseq_db_new": (_int, [POINTER(DbOpts), POINTER(_h)]),
    "selfseq_db_free": (None, [_h]),
    "selfseq_db_reset": (None, [_h]),
    "selfseq_db_get_window": (_u32, [_h]),
    "selfseq_db_get_alphabet": (_u32, [_h]),
    "selfseq_db_get_pairs": (_u32, [_h]),
    "selfseq_db_get_calls": (_u32, [_h]),
    "selfseq_db_get_memory": (_sz, [_h]),
    "selfseq_db_add": (_int, [_h, _p, _sz]),
    "selfseq_db_add_window": (_int, [_h, _p, _sz]),
    "selfseq_db_test_window": (_int, [_h, _p, _sz]),
    "selfseq_db_get_distances": (_int, [_h, _u32, _u32]),
    "selfseq_db_merge": (_int, [_h, _h]),
    "selfseq_db_diff": (_int, [_h, _h, _h]),
    "selfseq_db_next_pair": (_int, [_h, POINTER(_u64), POINTER(Pair)]),
    # Struct pointers as addresses: Database.score() passes cached per-thread structs.
    "selfseq_db_score": (_int, [_h, _p, _sz, _p, _p]),
    "selfseq_db_score_many": (_int, [_h, _p, _p, _sz, _p, _p]),

    "selfseq_stream_new": (_int, [POINTER(StreamOpts), POINTER(_h)]),
    "selfseq_stream_free": (None, [_h]),
    "selfseq_stream_reset": (None, [_h]),
    "selfseq_stream_feed": (_int, [_h, _h, _u32]),
    "selfseq_stream_get_score": (_int, [_h, POINTER(Score)]),

    "selfseq_lfc_new": (_int, [_u32, _p, POINTER(_h)]),
    "selfseq_lfc_free": (None, [_h]),
    "selfseq_lfc_reset": (None, [_h]),
    "selfseq_lfc_add": (_u32, [_h, _int]),
    "selfseq_lfc_get": (_u32, [_h]),
    "selfseq_lfc_get_max": (_u32, [_h]),
    "selfseq_lfc_get_frame": (_u32, [_h]),

    "selfseq_profile_new": (_int, [POINTER(ProfileOpts), POINTER(_h)]),
    "selfseq_profile_free": (None, [_h]),
    "selfseq_profile_get_params": (_int, [_h, POINTER(Params)]),
    "selfseq_profile_set_params": (_int, [_h, POINTER(Params)]),
    "selfseq_profile_get_state": (_int, [_h, POINTER(ProfileState)]),
    "selfseq_profile_get_train": (_h, [_h]),
    "selfseq_profile_get_test": (_h, [_h]),
    "selfseq_profile_merge_train": (_int, [_h, _h]),
    "selfseq_profile_normalize": (_int, [_h, _u64]),
    "selfseq_profile_sensitize": (None, [_h]),
    "selfseq_profile_tolerize": (None, [_h]),
    "selfseq_profile_set_key": (_int, [_h, c_char_p]),
    "selfseq_profile_get_key": (c_char_p, [_h]),
    "selfseq_profile_encode": (_int, [_h, _p, _sz, POINTER(_sz)]),
    "selfseq_profile_decode": (_int, [_p, _sz, _p, POINTER(_h)]),
    "selfseq_profile_load": (_int, [c_char_p, _p, POINTER(_h)]),
    "selfseq_profile_save": (_int, [_h, c_char_p]),

    "selfseq_process_new": (_int, [_h, POINTER(_h)]),
    "selfseq_process_free": (None, [_h]),
    "selfseq_process_set_profile": (_int, [_h, _h]),
    "selfseq_process_reset": (None, [_h]),
    "selfseq_process_set_mode": (_int, [_h, _u32]),
    "selfseq_process_get_window": (_int, [_h, _p, _sz]),
    "selfseq_process_set_window": (_int, [_h, _p, _sz]),
    "selfseq_process_feed": (_int, [_h, _u32, _u64, POINTER(Event)]),
    "selfseq_calls_decode": (_int, [_p, _sz, _u32, _p, _sz, POINTER(_sz), POINTER(_sz)]),
}

# Symbols a library built before the profile file layer landed may lack;
# the calls that need them raise NotImplementedError instead of the import failing.
_OPTIONAL = frozenset({
    "selfseq_profile_set_key", "selfseq_profile_get_key", "selfseq_profile_encode",
    "selfseq_profile_decode", "selfseq_profile_load", "selfseq_profile_save",
    "selfseq_profile_merge_train",
})


class Lib:
    """The loaded library: one attribute per C function (None if optional and absent)."""

    def __init__(self, cdll, path):
        self.cdll = cdll
        self.path = path
        for name, (restype, argtypes) in _PROTOTYPES.items():
            try:
                fn = getattr(cdll, name)
            except AttributeError:
                if name in _OPTIONAL:
                    setattr(self, name[len("selfseq_"):], None)
                    continue
                raise ImportError(f"{path}: symbol {name} missing; not libselfseq 1.x?")
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name[len("selfseq_"):], fn)


def _pkg_config_libdir():
    """The libdir pkg-config knows for selfseq, or None."""
    # Imported here: only this fallback needs them, and they cost import time.
    import shutil  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    exe = shutil.which("pkg-config") or shutil.which("pkgconf")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--variable=libdir", "selfseq"], capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    libdir = out.stdout.strip()
    return libdir if out.returncode == 0 and libdir else None


def _open():
    """Find and open libselfseq.so.1; ImportError saying where it looked."""
    env = os.environ.get("SELFSEQ_LIBRARY")
    if env:
        # An explicit choice is never second-guessed with another copy.
        try:
            return ctypes.CDLL(env), env
        except OSError as e:
            raise ImportError(f"SELFSEQ_LIBRARY={env}: cannot load: {e}") from None
    tried = []
    try:
        return ctypes.CDLL(SONAME), SONAME
    except OSError as e:
        tried.append(f"{SONAME} (loader path): {e}")
    libdir = _pkg_config_libdir()
    if libdir:
        path = os.path.join(libdir, SONAME)
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path} (pkg-config selfseq): {e}")
    else:
        tried.append("pkg-config selfseq: not found")
    raise ImportError("libselfseq not found; set SELFSEQ_LIBRARY to the library's path. Tried: "
                      + "; ".join(tried))


def load():
    """Open the library, declare its functions and check its major version."""
    cdll, path = _open()
    lib = Lib(cdll, path)
    major = lib.version() >> 16
    if major != ABI_MAJOR:
        raise ImportError(f"{path}: libselfseq major version {major}, this binding needs "
                          f"{ABI_MAJOR}")
    return lib


lib = load()
