#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""abidiff of the built library against the committed baseline
(tests/abi/libselfseq.abi, made by update-baseline.sh): no incompatible
change (doc/abi-policy.md).

usage: check-abidiff.py BASELINE SHARED_LIB HEADERS_DIR

Allowed: new functions (in a new version node), and members appended at the
end of an extensible struct (one whose first member is `size_t sz`: the
library reads and writes only within the caller's sz). Anything else abidiff
reports (a removed or changed function, a struct that is not extensible
changing, a member changing or moving) fails. Extensible structs must never
be embedded by value in another public struct (their growth would move the
outer struct's members), which is checked here too.

Exit 77 (skipped) when abidiff is missing or the library has no DWARF
(a build without -g): there is nothing to compare then.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def public_structs(headers):
    """name -> body of every struct selfseq_* defined in the public headers."""
    structs = {}
    for fn in sorted(os.listdir(headers)):
        if fn.endswith(".h"):
            text = open(os.path.join(headers, fn)).read()
            text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
            for m in re.finditer(r"\bstruct\s+(selfseq_\w+)\s*\{(.*?)\};", text, re.S):
                structs[m.group(1)] = m.group(2)
    return structs


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    baseline, lib, headers = sys.argv[1:]
    if not shutil.which("abidiff"):
        print("SKIP: abidiff not installed (Debian: abigail-tools)")
        return 77
    sections = subprocess.run(["readelf", "-S", "-W", lib], capture_output=True, text=True,
                              check=True).stdout
    if ".debug_info" not in sections:
        print("SKIP: %s has no DWARF (built without -g)" % lib)
        return 77
    if not os.path.exists(baseline):
        print("FAIL: no baseline %s (tests/abi/update-baseline.sh makes it)" % baseline)
        return 1

    structs = public_structs(headers)
    extensible = sorted(n for n, body in structs.items()
                        if re.match(r"\s*size_t\s+sz\s*;", body))
    rc = 0
    for name, body in structs.items():
        for inner in re.findall(r"\bstruct\s+(selfseq_\w+)\s+(?!\*)\w+\s*(?:\[[^]]*\])?\s*;", body):
            if inner in extensible:
                print("FAIL: struct %s embeds extensible struct %s by value" % (name, inner))
                rc = 1

    with tempfile.TemporaryDirectory() as tmp:
        supp = os.path.join(tmp, "extensible.abignore")
        with open(supp, "w") as f:
            # Types not defined in a public header are the library's own
            # (opaque handles' layouts, internal helpers): they may change.
            # (--headers-dir does not do this: it fails on the relative
            # paths meson's builds leave in DWARF.)
            f.write("[suppress_type]\n"
                    "  source_location_not_regexp = .*include/selfseq/[^/]*\\.h\n")
            f.write("# Extensible structs grow at their end (doc/abi-policy.md).\n"
                    "[suppress_type]\n"
                    "  type_kind = struct\n"
                    "  name_regexp = ^(%s)$\n"
                    "  has_data_member_inserted_at = end\n"
                    "  has_size_change = yes\n" % "|".join(extensible))
        common = ["abidiff", "--suppressions", supp, baseline, lib]
        # Everything, for the log: added functions are expected in a new minor version.
        full = subprocess.run(common, capture_output=True, text=True)
        print(full.stdout, end="")
        print(full.stderr, end="", file=sys.stderr)
        # Without additions nothing may remain.
        strict = subprocess.run(common[:1] + ["--no-added-syms"] + common[1:],
                                capture_output=True, text=True)
    if full.returncode & 3 or strict.returncode & 3:
        print("FAIL: abidiff could not compare (exit %d)" % full.returncode)
        return 1
    if full.returncode & 8:
        print("FAIL: abidiff reports an incompatible change (a symbol was removed?)")
        rc = 1
    elif strict.returncode & 4:
        print("FAIL: changes other than added functions and appended members of "
              "extensible structs:")
        print(strict.stdout, end="")
        rc = 1
    if not rc:
        print("ABI compatible with %s (%d extensible structs may grow at their end)"
              % (os.path.basename(baseline), len(extensible)))
    return rc


if __name__ == "__main__":
    sys.exit(main())
