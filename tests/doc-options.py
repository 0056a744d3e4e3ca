#!/usr/bin/env python3
"""Every command-line option the documentation shows exists.

Finds each invocation of an installed program (selfseq, selfseq-audit,
selfseq-trace, selfseq-kctl, selfseq-cfengine) in README.md, doc/*.md, the
READMEs under examples/ and bindings/, and the man pages, takes the options
written after the program's name (up to the end of the command), and checks
that each one appears in that program's --help output (for selfseq, the
--help of the command used; for selfseq-audit rules, its own --help). A
documented option the program does not know fails the test.

Only code is read in Markdown (fenced blocks, indented blocks, `inline`
spans), so prose naming another tool's options is not mistaken for a
command; in man pages every line is read, after the roff escapes are undone.
Whether each man page's OPTIONS section matches --help is checked by the
front ends' own tests (cli-help, audit, trace-help-vs-man, kctl-man,
cfengine-man), not here.

usage: doc-options.py SRCDIR NAME=PATH...
"""
import glob
import os
import re
import subprocess
import sys

PROG_RE = re.compile(r'(?<![\w.-])(?:[\w./-]*/)?(selfseq(?:-audit|-trace|-kctl|-cfengine)?)(?![\w.(/-])')
OPT_RE = re.compile(r'(?<![\w-])(--[A-Za-z][\w-]*|-[A-Za-z0-9])')
# Words that end a command: shell separators; `--` ends the options.
STOP = {'|', '||', '&&', ';', '&', ')', '--', '#'}
CLI_COMMANDS = {'train', 'score', 'show', 'merge', 'diff', 'dump', 'evaluate', 'growth'}

failures = []
helps = {}


def help_text(prog, path, sub):
    """--help of PROG (of its command SUB where it has its own), cached."""
    key = (prog, sub)
    if key not in helps:
        args = [path] + ([sub] if sub else []) + ['--help']
        r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=30)
        if r.returncode != 0:
            failures.append('%s exits %d' % (' '.join(args), r.returncode))
        helps[key] = set(OPT_RE.findall(r.stdout))
        if not helps[key]:
            failures.append('no options found in the output of ' + ' '.join(args))
    return helps[key]


def known_options(prog, path, words):
    """Options PROG accepts in an invocation starting with WORDS."""
    first = words[0] if words else ''
    if prog == 'selfseq':
        if first in CLI_COMMANDS:
            return help_text(prog, path, first)
        if first.startswith('-'):
            return help_text(prog, path, None)
        # A placeholder (COMMAND, [OPTION]...): any command's options.
        opts = set(help_text(prog, path, None))
        for c in CLI_COMMANDS:
            opts |= help_text(prog, path, c)
        return opts
    if prog == 'selfseq-audit' and first == 'rules':
        return help_text(prog, path, 'rules')
    return help_text(prog, path, None)


def check_fragment(text, where, progs, seen):
    """Check every invocation inside one piece of code."""
    matches = list(PROG_RE.finditer(text))
    for i, m in enumerate(matches):
        prog = m.group(1)
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        words = []
        for w in text[m.end():end].split():
            w = w.strip('"\'`')
            if w in STOP or w.startswith(('>', '<', '2>', '$(', '`')) or w.endswith(')'):
                break
            words.append(w)
        if prog not in progs:
            failures.append('%s: %s is not a program this test knows' % (where, prog))
            continue
        opts = known_options(prog, progs[prog], words)
        seen[prog] = seen.get(prog, 0) + 1
        for w in words:
            if not w.startswith('-') or w in ('-', '--'):
                continue
            o = w.split('=', 1)[0]
            mo = re.match(r'--[A-Za-z][\w-]*|-[A-Za-z0-9]', o)
            if not mo:
                continue
            o = mo.group(0)
            if o not in opts:
                failures.append('%s: `%s %s`: %s is not in %s --help' %
                                (where, prog, ' '.join(words), o, prog))


def markdown_code(path):
    """(line number, code) for fenced blocks, indented blocks and inline spans."""
    out = []
    fence = None
    skip = False
    prev_blank = True
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    buf, start = '', 0
    for n, line in enumerate(lines, 1):
        if fence is not None:
            if line.lstrip().startswith(fence):
                fence = None
                continue
            if skip:
                continue
            # A trailing backslash continues a shell command.
            if line.endswith('\\'):
                if not buf:
                    start = n
                buf += line[:-1] + ' '
                continue
            out.append((start if buf else n, buf + line))
            buf = ''
            continue
        mf = re.match(r'\s*(```+|~~~+)\s*(\w*)', line)
        if mf:
            fence = mf.group(1)
            # Program code (C, Python) holds no command lines.
            skip = mf.group(2) in ('c', 'python', 'json')
            continue
        if (line.startswith('    ') or line.startswith('\t')) and prev_blank:
            out.append((n, line))
            continue  # an indented block continues while lines stay indented
        prev_blank = line.strip() == ''
        for span in re.findall(r'`([^`]+)`', line):
            out.append((n, span))
    return out


def roff_lines(path):
    """(line number, text) of a man page with fonts and escapes undone."""
    out = []
    cont, start = '', 0
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('.\\"'):
                continue
            m = re.match(r'\.(B|I|BR|RB|BI|IB|RI|IR|SM|SB)\s+(.*)', line)
            if m:
                args = re.findall(r'"([^"]*)"|(\S+)', m.group(2))
                parts = [a or b for a, b in args]
                line = (' ' if len(m.group(1)) == 1 else '').join(parts)
            elif line.startswith('.'):
                continue
            line = re.sub(r'\\f[BIRP]|\\f\(..|\\&|\\\(..', '', line)
            line = line.replace('\\-', '-').replace('\\e', '\\')
            # \c joins the next line; a shell line ending in a backslash goes on.
            if line.endswith('\\c') or line.endswith('\\'):
                if not cont:
                    start = n
                cont += line[:-2] if line.endswith('\\c') else line[:-1] + ' '
                continue
            out.append((start if cont else n, cont + line))
            cont = ''
    return out


def main():
    src = sys.argv[1]
    progs = dict(a.split('=', 1) for a in sys.argv[2:])
    seen = {}
    docs = [os.path.join(src, 'README.md')] + sorted(glob.glob(os.path.join(src, 'doc', '*.md'))) \
        + sorted(glob.glob(os.path.join(src, 'examples', '*', 'README.md'))) \
        + sorted(glob.glob(os.path.join(src, 'bindings', '*', 'README.md')))
    for md in docs:
        for n, code in markdown_code(md):
            check_fragment(code, '%s:%d' % (os.path.relpath(md, src), n), progs, seen)
    for man in sorted(glob.glob(os.path.join(src, 'doc', 'man', '*.1'))):
        for n, text in roff_lines(man):
            check_fragment(text, '%s:%d' % (os.path.relpath(man, src), n), progs, seen)
    for prog in progs:
        if not seen.get(prog):
            failures.append('no documented invocation of %s found (is the parser broken?)' % prog)
    for f in failures:
        print('FAIL:', f)
    print('%d documented invocations checked: %s' % (
        sum(seen.values()), ', '.join('%s %d' % kv for kv in sorted(seen.items()))))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
