#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hex dump of the golden file in doc/profile-format.md matches
tests/data/golden-v1.prof byte for byte.

usage: check-golden-doc.py DOC GOLDEN   check (exit 0 or 1)
       check-golden-doc.py --print GOLDEN   print the dump to paste into DOC
"""
import re
import sys

BEGIN, END = '<!-- golden-v1 begin -->', '<!-- golden-v1 end -->'


def dump(data):
    return ['%04x: %s' % (i, ' '.join('%02x' % b for b in data[i:i + 16]))
            for i in range(0, len(data), 16)]


def main(argv):
    if len(argv) == 3 and argv[1] == '--print':
        with open(argv[2], 'rb') as f:
            print('\n'.join(dump(f.read())))
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding='utf-8') as f:
        doc = f.read()
    with open(argv[2], 'rb') as f:
        want = dump(f.read())
    if doc.count(BEGIN) != 1 or doc.count(END) != 1:
        print('%s: no single golden-v1 dump between markers' % argv[1])
        return 1
    start = doc.index(BEGIN)
    block = doc[start:doc.index(END)]
    line0 = doc.count('\n', 0, start) + 1
    have = [(line0 + n, l.strip()) for n, l in enumerate(block.splitlines())
            if re.match(r'^[0-9a-f]{4}: ', l.strip())]
    for i, w in enumerate(want):
        if i >= len(have):
            print('%s: dump ends early; missing "%s"' % (argv[1], w))
            return 1
        if have[i][1] != w:
            print('%s:%d: "%s", the file has "%s"' % (argv[1], have[i][0], have[i][1], w))
            return 1
    if len(have) > len(want):
        print('%s:%d: dump longer than the file' % (argv[1], have[len(want)][0]))
        return 1
    print('%d dump lines match %s' % (len(want), argv[2]))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
