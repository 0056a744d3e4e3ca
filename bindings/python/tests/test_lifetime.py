# SPDX-License-Identifier: MIT
"""C objects are freed once, and a profile never before its processes, even
when the collector finalizes a garbage cycle in an arbitrary order."""

import gc

import pytest
import selfseq
from selfseq._handle import Handle


def test_handle_waits_for_its_users():
    freed = []
    profile = Handle("profile", freed.append)
    process = Handle("process", freed.append, (profile,))
    profile.close()                       # finalized first, as a cycle may do
    assert freed == [] and profile.orphaned and profile.ptr == "profile"
    process.close()
    assert freed == ["process", "profile"]
    process.close()
    profile.close()
    assert freed == ["process", "profile"]


def test_handle_re_attach():
    freed = []
    a, b = Handle("a", freed.append), Handle("b", freed.append)
    proc = Handle("proc", freed.append, (a,))
    proc.set_deps((b,))
    assert (a.users, b.users) == (0, 1)
    a.close()
    assert freed == ["a"]
    b.close()
    assert freed == ["a"]
    del proc
    gc.collect()
    assert freed == ["a", "proc", "b"]


@pytest.mark.parametrize("first", ["profile", "process"])
def test_handles_in_a_garbage_cycle(first):
    freed = []
    for _ in range(20):
        profile = Handle("profile", freed.append)
        process = Handle("process", freed.append, (profile,))
        holder = {"a": profile, "b": process} if first == "profile" else \
            {"b": process, "a": profile}
        holder["self"] = holder
        del profile, process, holder
    gc.collect()
    pairs = [freed[i:i + 2] for i in range(0, len(freed), 2)]
    assert pairs == [["process", "profile"]] * 20


def test_wrappers_in_a_garbage_cycle():
    # Under AddressSanitizer (meson's b_sanitize=address) a wrong order is a
    # use-after-free report; without it this at least runs the paths.
    for _ in range(100):
        p = selfseq.Profile(window=4, alphabet=64)
        procs = [p.process() for _ in range(3)]
        for pr in procs:
            pr.feed(1, 0)
        junk = [p, procs, p.train, p.test]
        junk.append(junk)
        del p, procs, pr, junk
    gc.collect()
