# SPDX-License-Identifier: MIT
"""Where `import selfseq` finds libselfseq.so.1: SELFSEQ_LIBRARY, the loader
path, pkg-config (each in a fresh interpreter)."""

import os
import subprocess
import sys

import pytest
import selfseq

PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE = "import selfseq; print(selfseq.library_path()); print(selfseq.library_version())"


def run(env_changes, code=PROBE):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SELFSEQ_LIBRARY", "LD_LIBRARY_PATH", "PKG_CONFIG_PATH")}
    env.update(env_changes, PYTHONPATH=PKG)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=False)


@pytest.fixture(name="built")
def built_library():
    path = os.environ.get("SELFSEQ_LIBRARY")
    if not path:
        pytest.skip("SELFSEQ_LIBRARY not set (meson test sets it)")
    return os.path.abspath(path)


def loader_finds_it():
    """True if libselfseq.so.1 is installed where the loader looks by default."""
    return run({}, "import ctypes; ctypes.CDLL('libselfseq.so.1')").returncode == 0


def test_explicit_path(built):
    r = run({"SELFSEQ_LIBRARY": built})
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == built


def test_explicit_bad_path_is_not_second_guessed(tmp_path):
    r = run({"SELFSEQ_LIBRARY": str(tmp_path / "nope.so")})
    assert r.returncode != 0
    assert "ImportError: SELFSEQ_LIBRARY=" in r.stderr


def test_loader_path(built):
    r = run({"LD_LIBRARY_PATH": os.path.dirname(built)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "libselfseq.so.1"


def test_pkg_config(built, tmp_path):
    if loader_finds_it():
        pytest.skip("libselfseq.so.1 is installed: the loader finds it before pkg-config")
    libdir = tmp_path / "lib"
    libdir.mkdir()
    os.symlink(built, libdir / "libselfseq.so.1")
    (tmp_path / "selfseq.pc").write_text(
        f"libdir={libdir}\nName: selfseq\nDescription: test\nVersion: 1.0.0\n"
        "Libs: -L${libdir} -lselfseq\n")
    r = run({"PKG_CONFIG_PATH": str(tmp_path), "PKG_CONFIG_LIBDIR": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == str(libdir / "libselfseq.so.1")


def test_not_found_says_where_it_looked(tmp_path):
    if loader_finds_it():
        pytest.skip("libselfseq.so.1 is installed")
    r = run({"PKG_CONFIG_PATH": str(tmp_path), "PKG_CONFIG_LIBDIR": str(tmp_path)})
    assert r.returncode != 0
    assert "libselfseq not found; set SELFSEQ_LIBRARY" in r.stderr
    assert "pkg-config" in r.stderr


def test_version():
    assert selfseq.library_version() >= (1, 0, 0)
