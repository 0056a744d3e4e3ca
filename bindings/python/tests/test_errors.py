# SPDX-License-Identifier: MIT
"""SelfseqError carries the C error; wrong types never reach C."""

import errno
import pickle

import pytest
import selfseq
from selfseq.errors import check


def test_attributes():
    e = selfseq.SelfseqError(errno.ERANGE, "score: call 2000 at index 3")
    assert isinstance(e, OSError) and e.errno == errno.ERANGE and e.name == "ERANGE"
    assert e.strerror == "call number outside the alphabet: score: call 2000 at index 3"
    assert str(e).startswith("[ERANGE] call number outside the alphabet")
    assert e.detail == "score: call 2000 at index 3" and e.filename is None
    assert selfseq.SelfseqError(-errno.EBADMSG).errno == errno.EBADMSG   # sign ignored
    assert selfseq.SelfseqError(4242).name == "E?"


@pytest.mark.parametrize("code,base", [(errno.ENOENT, FileNotFoundError),
                                       (errno.EACCES, PermissionError),
                                       (errno.EPERM, PermissionError),
                                       (errno.EISDIR, IsADirectoryError),
                                       (errno.ENOTDIR, NotADirectoryError),
                                       (errno.EEXIST, FileExistsError)])
def test_file_errors_are_builtin_subclasses(code, base):
    e = selfseq.SelfseqError(code, "load", "/x")
    assert isinstance(e, base) and isinstance(e, selfseq.SelfseqError)
    assert e.filename == "/x" and e.name == errno.errorcode[code]


def test_pickle():
    e = selfseq.SelfseqError(errno.ENOENT, "load", "/x")
    f = pickle.loads(pickle.dumps(e))
    assert type(f) is type(e) and (f.errno, f.strerror, f.filename) == \
        (e.errno, e.strerror, e.filename)


def test_check():
    assert check(5) == 5 and check(0) == 0
    with pytest.raises(selfseq.SelfseqError) as e:
        check(-errno.ENOMEM, lambda: "lazy detail")
    assert e.value.name == "ENOMEM" and "lazy detail" in str(e.value)


def _db():
    return selfseq.Database(window=4, alphabet=16)


# Each wrong-typed argument raises TypeError in Python before any C call.
WRONG = {
    "Database(window)": lambda: selfseq.Database(window="4"),
    "Database(alphabet)": lambda: selfseq.Database(alphabet=16.0),
    "add": lambda: _db().add("1 2 3"),
    "add floats": lambda: _db().add([1.0, 2.0]),
    "add_window": lambda: _db().add_window(None),
    "test": lambda: _db().test(4),
    "score": lambda: _db().score(object()),
    "score lfc_frame": lambda: _db().score([1], lfc_frame=1.5),
    "distances": lambda: _db().distances(1, "2"),
    "merge": lambda: _db().merge({}),
    "Stream": lambda: selfseq.Stream("db"),
    "Stream.feed": lambda: selfseq.Stream(_db()).feed([1]),
    "LocalityFrame": lambda: selfseq.LocalityFrame(frame=b"8"),
    "Profile(window)": lambda: selfseq.Profile(window=[9]),
    "Profile(arch)": lambda: selfseq.Profile(arch="x86_64"),
    "Profile.key": lambda: setattr(selfseq.Profile(), "key", 1),
    "Profile.params": lambda: setattr(selfseq.Profile(), "params", None),
    "Profile.load": lambda: selfseq.Profile.load(None),
    "Profile.decode": lambda: selfseq.Profile.decode(7),
    "Profile.normalize": lambda: selfseq.Profile().normalize(now_ns=1.0),
    "Process": lambda: selfseq.Process(_db()),
    "Process.feed": lambda: selfseq.Profile().process().feed("open", 0),
    "Process.feed time": lambda: selfseq.Profile().process().feed(1, "now"),
    "Process.window": lambda: setattr(selfseq.Profile().process(), "window", "123"),
    "max_mismatches": lambda: selfseq.max_mismatches("6", 10),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_types_raise_type_error(name):
    with pytest.raises(TypeError):
        WRONG[name]()


@pytest.mark.parametrize("value", [-1, 2**32])
def test_unrepresentable_integers_are_refused(value):
    # ctypes would silently truncate them; the binding refuses them first.
    with pytest.raises(selfseq.SelfseqError) as e:
        selfseq.Database(window=value)
    assert e.value.name == "EINVAL"
    with pytest.raises(selfseq.SelfseqError) as e:
        selfseq.Profile().process().feed(value, 0)
    assert e.value.name == "ERANGE"
