#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerate the committed seed corpora (fuzz/corpus/<target>/).

Usage: fuzz/make-seeds.py BUILD_DIR
BUILD_DIR holds a built libselfseq (for the profile seeds, made through the
Python binding). Seeds are small on purpose: cuts of the repository's own
test fixtures (tests/cli/data, tests/trace) and synthetic
inputs from a fixed pseudo-random generator, so the output is the same on
every run. Each target's input layout is described at the top of its
fuzz-<target>.c; the first bytes of most seeds are that layout's flags.
The audit-record seeds are made by hand from tests/audit (not here).
"""
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def fixture(*path):
    with open(os.path.join(ROOT, *path), "rb") as f:
        return f.read()


def lines(data, first, count):
    return b"".join(data.splitlines(keepends=True)[first:first + count])


def profiles(build):
    os.environ.setdefault("SELFSEQ_LIBRARY", os.path.join(build, "libselfseq", "libselfseq.so.1"))
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    import selfseq  # noqa: E402

    out("profile", "golden-v1", b"\x00" + fixture("tests", "data", "golden-v1.prof"))
    rng = random.Random(1)
    for i, (window, alphabet, calls, normal, key) in enumerate([
            (2, 1, 8, False, None), (6, 8, 60, False, "/bin/ls"), (9, 64, 300, True, "/usr/bin/x"),
            (11, 400, 200, True, None), (17, 1024, 150, False, "k" * 40), (32, 32, 400, True, "/a")]):
        p = selfseq.Profile(window=window, alphabet=alphabet, key=key)
        proc = p.process()
        for n in range(calls):
            proc.feed(rng.randrange(min(alphabet, 12)), now_ns=n * 1000)
        if normal:
            p.normalize(now_ns=calls * 1000)
            for n in range(calls // 3):
                proc.feed(rng.randrange(alphabet), now_ns=(calls + n) * 1000)
        data = p.encode()
        # flag 1: the target rewrites size and checksum, so mutations reach the sections
        out("profile", "w%d-a%d" % (window, alphabet), bytes([1]) + data)
        if i == 2:
            out("profile", "w9-failing-alloc", bytes([2 | (5 << 2)]) + data)
        proc.close()
        p.close()


def api():
    rng = random.Random(2)
    for i in range(24):
        n = rng.choice([16, 40, 120, 400, 900])
        out("api", "random-%02d" % i, bytes(rng.randrange(256) for _ in range(n)))
    # header: alphabet sel, budget, window, frame, capacity; then opcodes with parameters
    add = lambda db, calls: bytes([0, db, 0, len(calls)]) + bytes(calls)
    score = lambda db, calls: bytes([2, db, 5, 0, len(calls)]) + bytes(calls)
    trace = [0, 1, 2, 3, 0, 1, 2, 3, 4, 0, 1, 5, 2, 3]
    seq = bytes([10, 0, 4, 30, 10]) + add(0, trace) + add(1, trace[::-1]) + score(0, trace[3:]) + \
        bytes([4, 0]) + bytes([5, 0]) + bytes([7, 0, 0, 1, 0, 0, 0, 0, len(trace)]) + bytes(trace) + \
        bytes([9, 0, 0]) + bytes([7, 0, 0, 1, 0, 0, 0, 0, len(trace)]) + bytes(trace[::-1]) + \
        bytes([11, 0, 3, 0]) + bytes([12, 0]) + bytes([13 | 0x80, 0, 50, 0, 200, 0]) + bytes(range(200))
    out("api", "paper-ops", seq)
    out("api", "failing-alloc", bytes([10, 230, 7, 20, 10]) + seq[5:])
    out("api", "big-alphabet", bytes([250, 0, 7, 30, 0xff, 0x03, 100]) + seq[5:])


def unm():
    rng = random.Random(3)
    for i, procs in enumerate([1, 2, 5]):
        text = []
        for _ in range(80):
            text.append("%d %d\n" % (100 + rng.randrange(procs), rng.choice([2, 3, 5, 6, 45, 90, 91, 5, 3])))
        out("unm", "interleaved-%d" % procs, bytes([0, 40, 0]) + "".join(text).encode())
    out("unm", "malformed", bytes([1, 9, 0]) + b"1 2\n1 x\n\n# c\n1 2 3\n99999999999999999999 4\n2 1023\n2 1024\r\n3 5")
    out("unm", "small-alphabet", bytes([4, 3, 0]) + b"7 1\n7 15\n8 16\n7 2\n")


def adfa():
    rng = random.Random(4)
    for i, n in enumerate([10, 90, 400]):
        calls = [rng.choice([3, 4, 5, 6, 45, 91, 102, 192, 195, 240, 265]) for _ in range(n)]
        out("adfa", "trace-%d" % n, bytes([0, i * 37, 0]) + (" ".join(map(str, calls)) + " \n").encode())
    out("adfa", "malformed", bytes([1, 5, 0]) + b"1 2 3a 4 -5 99999999999 1023 1024\n6\t7  8\r\n9")
    out("adfa", "long-numbers", bytes([0, 100, 0]) + b" ".join(b"%d" % (i * 97 % 1100) for i in range(200)))


def strace():
    out("strace", "paper-train", bytes([8, 50, 0]) + fixture("tests", "cli", "data", "paper-train.strace"))
    out("strace", "paper-test", bytes([0, 20, 0]) + fixture("tests", "cli", "data", "paper-test.strace"))
    f = fixture("tests", "cli", "data", "strace-f-o.txt")
    out("strace", "strace-f-o-head", bytes([0, 0, 4]) + lines(f, 0, 60))
    out("strace", "strace-f-o-middle", bytes([1, 77, 1]) + lines(f, 400, 60))
    out("strace", "edge-lines", bytes([1, 90, 0]) + (
        b"1234  execve(\"/bin/true\", [\"true\"], 0x7ffd /* 20 vars */) = 0\n"
        b"1234  read(3,  <unfinished ...>\n"
        b"1235  clone(child_stack=NULL, flags=CLONE_CHILD) = 1236\n"
        b"1234  <... read resumed>\"x\", 1) = 1\n"
        b"1236  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---\n"
        b"1236  +++ exited with 0 +++\n"
        b"10:00:00.123456 openat(AT_FDCWD, \"/etc\", O_RDONLY) = 3 <0.000010>\n"
        b"[pid  1237] write(1, \"hi\\n\", 3) = 3\n"
        b"write(1, \"a) = 1\", 6 <unfinished ...>) = ?\n"
        b"nosuchcall(1) = -1 ENOSYS (Function not implemented)\n"
        b"syscall_0x1ff(1) = -1 ENOSYS\n"
        b"1238  exit_group(0)                     = ?\n"
        b"1238  +++ killed by SIGKILL +++\n"))


def rec_split(data):
    """Header+formats, and the records with their ring prefixes, of a recording."""
    nformats = struct.unpack_from("<I", data, 12)[0]
    pos = 32
    for _ in range(nformats):
        pos += 8 + struct.unpack_from("<I", data, pos + 4)[0]
    head, recs = data[:pos], []
    while pos + 16 <= len(data):
        size = struct.unpack_from("<H", data, pos + 8 + 6)[0]
        recs.append(data[pos:pos + 8 + size])
        pos += 8 + size
    return head, recs


def rec_formats(fmtdir):
    roles = ["sys_enter", "sched_process_exec", "sched_process_fork", "sched_process_exit"]
    d = os.path.join(ROOT, "tests", "trace", "formats", fmtdir)
    b = b""
    n = 0
    for role, name in enumerate(roles):
        path = os.path.join(d, name + ".format")
        if os.path.exists(path):
            text = open(path, "rb").read()
            b += struct.pack("<II", role, len(text)) + text
            n += 1
    return n, b


def perf():
    for name in ["victim-normal", "victim-threads"]:
        data = fixture("tests", "trace", name + ".rec")
        head, recs = rec_split(data)
        out("perf", name + "-head", head + b"".join(recs[:60]))
        out("perf", name + "-tail", head + b"".join(recs[-40:]))
    head, recs = rec_split(fixture("tests", "trace", "victim-normal.rec"))
    if os.path.isdir(os.path.join(ROOT, "tests", "trace", "formats", "linux-6.1")):
        n, fmts = rec_formats("linux-6.1")
        out("perf", "victim-normal-6.1-formats",
            head[:12] + struct.pack("<I", n) + head[16:32] + fmts + b"".join(recs[:50]))
    out("perf", "header-only", head)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    profiles(sys.argv[1])
    api()
    unm()
    adfa()
    strace()
    perf()


if __name__ == "__main__":
    main()
