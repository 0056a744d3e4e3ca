#!/usr/bin/env python3
"""The API reference covers what Doxygen's own warnings do not.

Doxygen (test 'doxygen') fails on an undocumented symbol, parameter or
return value. This checks the rest of the project's rules for every public
declaration in include/selfseq/*.h: functions, structs (opaque ones too)
and SELFSEQ_* macros carry `@since`; a function returning `int` names its
errors (a negative errno such as -EINVAL in its @return); an opaque handle
says how it is released and what may run concurrently on it.

usage: doc-api.py SRCDIR
"""
import glob
import os
import re
import sys

COMMENT = r'/\*\*(?:(?!\*/).)*\*/'


def main():
    src = sys.argv[1]
    failures = []
    counts = {'functions': 0, 'structs': 0, 'macros': 0}
    for h in sorted(glob.glob(os.path.join(src, 'include', 'selfseq', '*.h'))):
        name = os.path.relpath(h, src)
        text = open(h, encoding='utf-8').read()
        lines = text.split('\n')

        def doc_before(pos):
            """The doc comment ending right before offset POS, or ''."""
            head = text[:pos].rstrip()
            if not head.endswith('*/'):
                return ''
            start = head.rfind('/**')
            return head[start:] if start >= 0 else ''

        def where(pos):
            return '%s:%d' % (name, text.count('\n', 0, pos) + 1)

        # Function declarations: a return type, selfseq_name(, at the start of a line.
        for m in re.finditer(r'^([a-z][\w ]*?[\s*]+)(selfseq_\w+)\(', text, re.M):
            counts['functions'] += 1
            doc = doc_before(m.start())
            ret = m.group(1).strip()
            if not doc:
                failures.append('%s: %s has no doc comment' % (where(m.start()), m.group(2)))
                continue
            if '@since' not in doc:
                failures.append('%s: %s has no @since' % (where(m.start()), m.group(2)))
            if ret == 'int' and not re.search(r'@return(?:(?!@since).)*-E[A-Z0-9]+', doc, re.S):
                failures.append('%s: %s returns int but names no error in @return' %
                                (where(m.start()), m.group(2)))
        # Structs: definitions and opaque declarations.
        for m in re.finditer(r'^struct (selfseq_\w+)\s*(;|\{)', text, re.M):
            counts['structs'] += 1
            doc = doc_before(m.start())
            if '@since' not in doc:
                failures.append('%s: struct %s has no doc comment with @since' %
                                (where(m.start()), m.group(1)))
            if m.group(2) == ';' and not ('free' in doc or 'close' in doc) or \
                    m.group(2) == ';' and 'Thread safety' not in doc:
                failures.append('%s: opaque struct %s: say how it is released and its '
                                'thread safety' % (where(m.start()), m.group(1)))
        # Macros: a trailing /**< */ or a doc comment on the lines before.
        for i, line in enumerate(lines):
            m = re.match(r'#define (SELFSEQ_\w+)', line)
            if not m or m.group(1).endswith('_H'):
                continue
            counts['macros'] += 1
            pos = sum(len(x) + 1 for x in lines[:i])
            doc = line[line.find('/**<'):] if '/**<' in line else doc_before(pos)
            if '@since' not in doc:
                failures.append('%s:%d: macro %s has no doc comment with @since' %
                                (name, i + 1, m.group(1)))
    for f in failures:
        print('FAIL:', f)
    print('checked %(functions)d functions, %(structs)d structs, %(macros)d macros' % counts)
    if counts['functions'] < 50:
        print('FAIL: too few functions found: is the parser broken?')
        return 1
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
