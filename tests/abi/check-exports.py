#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The library exports exactly what the version script lists, and the
version script lists exactly what the sources mark with SELFSEQ_EXPORT
(doc/abi-policy.md).

usage: check-exports.py MAPFILE SHARED_LIB SRCDIR

Checked:
 - the version script: nodes named LIBSELFSEQ_<major>.<minor>, each symbol
   in one node only, every symbol selfseq_<name> (never the selfseq__
   internal prefix), and the first node ends with `local: *;`;
 - the shared library's dynamic symbol table: its defined symbols are the
   script's, each bound to the version node the script puts it in;
 - the sources under SRCDIR/libselfseq: the functions defined with
   SELFSEQ_EXPORT are the script's symbols.
"""
import os
import re
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    return 1


def parse_map(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    text = re.sub(r"#[^\n]*", "", text)
    nodes, errors = {}, []
    first = None
    for m in re.finditer(r"([A-Za-z0-9_.]+)\s*\{(.*?)\}\s*([A-Za-z0-9_.]*)\s*;", text, re.S):
        name, body = m.group(1), m.group(2)
        first = first or name
        if not re.fullmatch(r"LIBSELFSEQ_\d+\.\d+", name):
            errors.append("version node %s is not named LIBSELFSEQ_<major>.<minor>" % name)
        scope, syms = None, []
        for tok in re.findall(r"[A-Za-z0-9_*]+\s*:|[^;:\s]+\s*;", body):
            tok = tok.strip()
            if tok.endswith(":"):
                scope = tok[:-1].strip()
            elif scope == "global":
                syms.append(tok[:-1].strip())
            elif scope == "local" and tok[:-1].strip() != "*":
                errors.append("%s: local symbol %s listed; local: *; alone is expected"
                              % (name, tok[:-1].strip()))
        if name == first and not re.search(r"local\s*:\s*\*\s*;", body):
            errors.append("%s: no 'local: *;' (everything unlisted must stay hidden)" % name)
        nodes[name] = syms
    if not nodes:
        errors.append("no version node in %s" % path)
    owner = {}
    for node, syms in nodes.items():
        for s in syms:
            if s in owner:
                errors.append("%s is in both %s and %s" % (s, owner[s], node))
            owner[s] = node
            if not re.fullmatch(r"selfseq_[a-z0-9][a-z0-9_]*", s):
                errors.append("%s (%s) is not a selfseq_ public name" % (s, node))
    return owner, errors


def exported(lib):
    out = subprocess.run(["readelf", "--dyn-syms", "--wide", lib], check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) < 8 or not f[0].endswith(":") or f[6] == "UND":
            continue
        if f[4] not in ("GLOBAL", "WEAK") or f[3] in ("SECTION", "FILE"):
            continue
        name = f[7]
        if "@" in name:
            sym, ver = re.split(r"@@?", name, maxsplit=1)
        else:
            sym, ver = name, None
        if f[6] == "ABS" and (sym == ver or ver is None and sym.startswith("LIBSELFSEQ_")):
            continue  # the version node's own definition
        syms[sym] = ver
    return syms


def markers(srcdir):
    found = {}
    pat = re.compile(r"\bSELFSEQ_EXPORT\b([^;{]*?)\b(selfseq_[A-Za-z0-9_]+)\s*\(", re.S)
    for root, _, files in os.walk(os.path.join(srcdir, "libselfseq")):
        for fn in files:
            if not fn.endswith(".c"):
                continue
            path = os.path.join(root, fn)
            for m in pat.finditer(open(path).read()):
                found.setdefault(m.group(2), os.path.relpath(path, srcdir))
    return found


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    mapfile, lib, srcdir = sys.argv[1:]
    owner, errors = parse_map(mapfile)
    rc = 0
    for e in errors:
        rc |= fail(e)
    dyn = exported(lib)
    for s in sorted(set(dyn) - set(owner)):
        rc |= fail("%s is exported by %s but not in the version script"
                   % (s, os.path.basename(lib)))
    for s in sorted(set(owner) - set(dyn)):
        rc |= fail("%s is in the version script but not exported (missing SELFSEQ_EXPORT "
                   "or not built)" % s)
    for s in sorted(set(owner) & set(dyn)):
        if dyn[s] != owner[s]:
            rc |= fail("%s is exported with version %s, the script puts it in %s"
                       % (s, dyn[s], owner[s]))
    marked = markers(srcdir)
    for s in sorted(set(marked) - set(owner)):
        rc |= fail("%s is marked SELFSEQ_EXPORT in %s but not in the version script"
                   % (s, marked[s]))
    for s in sorted(set(owner) - set(marked)):
        rc |= fail("%s is in the version script but no source defines it with SELFSEQ_EXPORT" % s)
    if not rc:
        print("%d symbols: exported == version script == SELFSEQ_EXPORT markers; nodes %s"
              % (len(owner), ", ".join(sorted(set(owner.values())))))
    return rc


if __name__ == "__main__":
    sys.exit(main())
