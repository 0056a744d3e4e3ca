#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration tests of the selfseq command-line tool (suite 'cli').

Usage: test-cli.py GROUP SELFSEQ DATADIR MANPAGE REPO BUILDDIR

Each GROUP is one meson test. Inputs are written into a temporary
directory; tests/cli/data holds real strace captures (with strace's own
-C call counts) and the paper's worked example. The 'adfa-ld' and 'lpr'
groups need ../shared/data and exit 77 (skip) without it.
"""
import collections
import gzip
import json
import os
import pty
import re
import shlex
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

GROUP, SELFSEQ, DATA, MANPAGE, REPO, BUILD = sys.argv[1:7]
# `meson test --setup memcheck` runs selfseq under valgrind through this prefix.
WRAP = shlex.split(os.environ.get('SELFSEQ_TEST_WRAPPER', ''))
TMP = tempfile.mkdtemp(prefix='selfseq-cli-')
FAILS = []

# Exit codes (doc/man/selfseq.1, examples/cli/cli.h).
OK, DIFFER, USAGE, INPUT, PROFILE = 0, 1, 2, 3, 4


def run(*args, stdin=None, expect=OK):
    """Run selfseq; check the exit code; return (stdout, stderr)."""
    p = subprocess.run(WRAP + [SELFSEQ] + [str(a) for a in args], input=stdin,
                       capture_output=True, text=True)
    if p.returncode != expect:
        fail('selfseq %s: exit %d, expected %d\nstdout: %s\nstderr: %s' %
             (' '.join(map(str, args)), p.returncode, expect, p.stdout[-2000:],
              p.stderr[-2000:]))
    return p.stdout, p.stderr


def fail(msg):
    FAILS.append(msg)
    print('FAIL: ' + msg, file=sys.stderr)


def check(cond, msg):
    if not cond:
        fail(msg)


def write(name, text, gz=False):
    path = os.path.join(TMP, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    if gz:
        data = gzip.compress(data)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def dump(*args, **kw):
    """selfseq dump: {trace name: [calls]}."""
    out, _ = run('dump', *args, **kw)
    traces = collections.OrderedDict()
    for line in out.splitlines():
        name, n, calls = line.split('\t')
        traces[name] = calls.split() if calls else []
        check(len(traces[name]) == int(n), 'dump count of ' + name)
    return traces


def score_json(*args, **kw):
    out, err = run('score', '--json', *args, **kw)
    return [json.loads(line) for line in out.splitlines()], err


def train(prof, *args, **kw):
    return run('train', '-q', '-o', prof, *args, **kw)


# --------------------------------------------------------------------------
def test_paper():
    """Forrest et al. 1996's worked example, from strace output: k = 3 (w = 4),
    4 mismatches out of a maximum of 18 (22%)."""
    prof = os.path.join(TMP, 'paper.prof')
    train(prof, '-w', '4', os.path.join(DATA, 'paper-train.strace'))
    rows, _ = score_json('-p', prof, '--per-call', os.path.join(DATA, 'paper-test.strace'))
    r = rows[0]
    check(r['calls'] == 8 and r['mismatches'] == 4 and r['max_mismatches'] == 18,
          'paper: %s' % r)
    check(abs(r['percent'] - 22.2222) < 1e-3, 'paper percent %s' % r['percent'])
    # open, read, mmap, open, open, getrlimit, mmap, close: the misses are at
    # the 4th call (open: open+3 and read+2 missing), 5th (open+1 after open)
    # and 6th (getrlimit+3 after mmap).
    check([(c['pos'], c['call'], c['misses']) for c in r['per_call']] ==
          [(4, 'open', 2), (5, 'open', 1), (6, 'getrlimit', 1)], 'paper per call %s' % r)
    check(r['anomalous_calls'] == 3 and r['max_lfc'] == 3, 'paper anomalous %s' % r)
    out, _ = run('score', '-p', prof, os.path.join(DATA, 'paper-test.strace'))
    check(out.splitlines()[1].split('\t')[1:] == ['8', '4', '18', '22.22', '3', '3'],
          'paper table: ' + out)


# --------------------------------------------------------------------------
ALIASES = {'pread': 'pread64', 'pwrite': 'pwrite64'}  # libaudit's x86_64 spellings


def strace_counts(summary):
    counts = {}
    with open(summary) as f:
        for line in f:
            m = re.match(r'\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$', line)
            if m and m.group(2) != 'total':
                counts[m.group(2)] = int(m.group(1))
    return counts


def test_strace():
    # Real captures; strace -C counted the calls itself (exit_group never
    # returns, so -c leaves it out).
    for capture, summary in (('strace-f-o.txt', 'strace-f-o.summary'),
                             ('strace-f-stderr.txt.gz', 'strace-f-stderr.summary')):
        traces = dump('-a', 'x86_64', os.path.join(DATA, capture))
        check(len(traces) == 4, capture + ': 4 processes, got %s' % list(traces))
        check(all(re.search(r':\d+$', name) for name in traces), capture + ' names')
        ours = collections.Counter(ALIASES.get(c, c) for calls in traces.values()
                                   for c in calls if c != 'exit_group')
        check(ours == strace_counts(os.path.join(DATA, summary)),
              capture + ': counts differ from strace -C: %s' %
              (set(ours.items()) ^ set(strace_counts(os.path.join(DATA, summary)).items())))
        check(all(calls[-1] == 'exit_group' for calls in traces.values()),
              capture + ': every process ends in exit_group')
    # Every other line form strace prints, on stderr (first process without a
    # prefix until it forks), with -r, -t, -n, -i.
    text = '''\
     0.000000 execve("/bin/x", ["x"], 0x7ffd /* 3 vars */) = 0
     0.000100 brk(NULL)                 = 0x55
     0.000200 clone(child_stack=NULL, flags=SIGCHLDstrace: Process 501 attached
 <unfinished ...>
[pid   501]      0.000300 getpid()     = 501
[pid   500]      0.000400 <... clone resumed>) = 501
[pid   501]      0.000500 read(0,  <unfinished ...>
[pid   500]      0.000600 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---
[pid   500]      0.000700 wait4(-1,  <unfinished ...>
[pid   501]      0.000800 <... read resumed>"", 10) = 0
[pid   501]      0.000900 syscall_0x3e7(0x1, 0x2) = -1 ENOSYS (Function not implemented)
[pid   501]      0.001000 exit_group(0)  = ?
[pid   501]      0.001100 +++ exited with 0 +++
     0.001200 <... wait4 resumed>NULL, 0, NULL) = 501
     0.001300 exit_group(0)                 = ?
     0.001400 +++ exited with 0 +++
'''
    t = dump('-a', 'x86_64', '--format', 'strace', write('forms-r.txt', text))
    check(list(t.values()) == [['execve', 'brk', 'clone', 'wait4', 'exit_group'],
                               ['getpid', 'read', '999', 'exit_group']] and
          list(t) == [os.path.join(TMP, 'forms-r.txt:500'), os.path.join(TMP, 'forms-r.txt:501')],
          'strace stderr forms: %s' % t)
    text = '''\
700   12:00:01 [00007f0000000001] openat(AT_FDCWD, "/a", O_RDONLY) = 3
700   12:00:02 [00007f0000000002] close(3) = 0
700   12:00:03 [00007f0000000003] +++ killed by SIGKILL +++
700   12:00:04 [00007f0000000004] execve("/b", ["b"], 0x1 /* 0 vars */) = 0
701   12:00:05 [00007f0000000005] <... read resumed>"x", 1) = 1
701   12:00:06 [00007f0000000006] --- stopped by SIGSTOP ---
701   12:00:07 [00007f0000000007] +++ exited with 1 +++
'''
    t = dump('-a', 'x86_64', write('forms-t.txt', text))
    check(list(t.values()) == [['openat', 'close'], ['execve'], ['read']] and
          list(t)[1].endswith(':700#2'), 'strace -o -t -i forms, pid reuse: %s' % t)
    text = '''\
[ 257] openat(AT_FDCWD, "/a", O_RDONLY) = 3
[   0] read(3, "", 1) = 0
[ 231] exit_group(0) = ?
+++ exited with 0 +++
'''
    t = dump('-a', 'x86_64', write('forms-n.txt', text))
    check(list(t.values()) == [['openat', 'read', 'exit_group']], 'strace -n: %s' % t)
    # i386 names from the same file
    t = dump('-n', '-a', 'i386', write('forms-n.txt', text))
    check(list(t.values()) == [['295', '3', '252']], 'strace i386 numbers: %s' % t)


def test_formats():
    test_strace()
    # UNM: interleaved processes, trailing blanks as in the UNM files
    unm = '7174 4  \n7174 2\n7175 5\n7174 66 \n\n7175 5\n'
    t = dump(write('unm/a.int', unm))
    check(list(t.values()) == [['4', '2', '66'], ['5', '5']] and
          list(t) == [os.path.join(TMP, 'unm/a.int:7174'), os.path.join(TMP, 'unm/a.int:7175')],
          'unm: %s' % t)
    # ADFA: several lines, spaces and tabs, no final newline; long enough for
    # the block parser, with an odd length and 1..4-digit numbers
    nums = [(i * 37) % 1024 for i in range(5000)]
    text = ''
    for i, n in enumerate(nums):
        text += str(n) + ('\n' if i % 97 == 96 else '\t' if i % 31 == 30 else ' ')
    t = dump('-n', write('adfa/one.txt', text.rstrip()))
    check(list(t.values()) == [[str(n) for n in nums]], 'adfa long file')
    t = dump('-n', write('adfa/two.txt', '6 11 45\n33  192\n'))
    check(list(t.values()) == [['6', '11', '45', '33', '192']], 'adfa: %s' % t)
    # a big ADFA file goes through the two-thread parser
    big = [(i * 7919) % 1000 for i in range(3000000)]
    path = write('adfa-big.txt', ' '.join(map(str, big)) + '\n')
    out, _ = run('dump', '-n', path)
    check(out.split('\t')[2].split() == [str(n) for n in big], 'adfa big file')
    # names, with comments
    t = dump('-a', 'x86_64', write('names.txt', '# a comment\nopen\n\n  read  \nclose\n'))
    check(list(t.values()) == [['open', 'read', 'close']], 'names: %s' % t)
    # gzip (two members, as cat a.gz b.gz makes), detection after inflating
    data = gzip.compress(b'100 3\n100 4\n') + gzip.compress(b'100 5\n')
    t = dump(write('z/u.gz', data))
    check(list(t.values()) == [['3', '4', '5']], 'gzip members: %s' % t)
    # stdin, plain and compressed
    p = subprocess.run(WRAP + [SELFSEQ, 'dump', '-n', '-'], input=gzip.compress(b'1 2 3'),
                       capture_output=True)
    check(p.returncode == 0 and p.stdout == b'-\t3\t1 2 3\n', 'stdin gzip: %r' % p.stdout)
    t = dump('-n', '-', stdin='9 8\n7\n')
    check(list(t.values()) == [['9', '8', '7']], 'stdin: %s' % t)
    # directories, recursively, in name order, skipping dot files
    write('tree/b/2.txt', '2')
    write('tree/a/1.txt', '1 1')
    write('tree/a/c/3.txt', '3 3 3')
    write('tree/.hidden', 'garbage (')
    t = dump('-n', os.path.join(TMP, 'tree'))
    check([os.path.relpath(n, TMP) for n in t] == ['tree/a/1.txt', 'tree/a/c/3.txt', 'tree/b/2.txt'],
          'directory walk: %s' % list(t))
    # --format wins over detection: a one-line "PID CALL" file is ADFA unless told
    path = write('one-line', '42 7\n')
    check(list(dump('-n', path).values()) == [['42', '7']], 'one line: adfa')
    check(list(dump('-n', '-f', 'unm', path).items()) == [(path + ':42', ['7'])],
          'one line: --format unm')
    # empty files: one empty trace when detected (or ADFA/names), none for UNM
    path = write('empty', '')
    check(list(dump(path).values()) == [[]], 'empty file detected')
    check(dump('-f', 'unm', path) == {}, 'empty unm file')
    rows, _ = score_json('-p', os.path.join(TMP, 'paper.prof'), path)
    check(rows[0]['calls'] == 0 and rows[0]['percent'] == 0, 'empty trace score %s' % rows)
    check(dump('-f', 'unm', write('empty.gz', b'', gz=True)) == {}, 'empty gzip')


def test_errors():
    # malformed lines name file:line; fail by default (exit 3, no output),
    # skipped with --on-error=skip
    path = write('bad.adfa', '1 2 3\n4 x5 6\n7\n')
    out, err = run('dump', '-n', path, expect=INPUT)
    check(path + ":2: 'x5' is not a call number" in err and out == '', 'adfa error: ' + err)
    out, err = run('dump', '-n', '--on-error=skip', path)
    check(out.split('\t')[2].split() == ['1', '2', '3', '4', '6', '7'], 'adfa skip: ' + out)
    check(path + ':2:' in err and '1 malformed line or token skipped' in err, 'skip msg: ' + err)
    path = write('bad.unm', '10 1\n10 2\n10\n10 3 4\n10 5\n')
    _, err = run('dump', '-f', 'unm', path, expect=INPUT)
    check(path + ":3: expected 'PID CALL'" in err, 'unm error: ' + err)
    out, err = run('dump', '-f', 'unm', '--on-error', 'skip', path)
    check(out.split('\t')[2].split() == ['1', '2', '5'] and ':4:' in err, 'unm skip ' + out)
    path = write('bad.strace', 'open("/a", 0) = 3\nthis is not strace\nclose(3) = 0\n')
    _, err = run('dump', '-a', 'x86_64', '-f', 'strace', path, expect=INPUT)
    check(path + ':2: not a line of strace output' in err, 'strace error: ' + err)
    out, err = run('dump', '-a', 'x86_64', '-f', 'strace', '--on-error=skip', path)
    check(out.split('\t')[2].split() == ['open', 'close'] and path + ':2:' in err,
          'strace skip: %r %r' % (out, err))
    path = write('bad2.strace', 'open("/a", 0) = 3\nnosuchcall(1) = 0\n')
    _, err = run('dump', '-a', 'x86_64', path, expect=INPUT)
    check(path + ":2: unknown system call 'nosuchcall' on x86_64" in err, 'unknown call: ' + err)
    path = write('bad.names', 'open\nread\nno such call\nclose\n')
    _, err = run('dump', '-a', 'x86_64', '-f', 'names', path, expect=INPUT)
    check(path + ':3:' in err, 'names error: ' + err)
    out, err = run('dump', '-a', 'x86_64', '-f', 'names', '--on-error=skip', path)
    check(out.split('\t')[2].split() == ['open', 'read', 'close'] and path + ':3:' in err,
          'names skip: %r %r' % (out, err))
    # huge call numbers: out of the alphabet (1024), past 32 and 64 bits; in
    # the fast block parser (long file) and the careful one
    for huge in ('1024', '4294967296', '99999999999999999999999999'):
        for pad in (0, 200):
            path = write('huge.txt', '1 ' * pad + '5\n' + '1 ' * pad + huge + ' 3\n')
            _, err = run('dump', '-n', path, expect=INPUT)
            check('%s:2: call number %s is out of range' % (path, huge[:40]) in err,
                  'huge %s: %s' % (huge, err))
    path = write('huge.unm', '1 3\n1 70000\n')
    _, err = run('dump', path, expect=INPUT)
    check(path + ':2: call number 70000 is out of range' in err, 'huge unm: ' + err)
    path = write('bigpid.unm', '1 3\n99999999999 4\n')
    _, err = run('dump', '-f', 'unm', path, expect=INPUT)
    check(path + ':2: process id' in err, 'huge pid: ' + err)
    check(list(dump('-n', write('max.txt', '1023 0')).values()) == [['1023', '0']], '1023 ok')
    # undetectable, missing, corrupt gzip
    _, err = run('dump', write('prose.txt', 'hello world, (this) is = prose\n'), expect=INPUT)
    check('cannot tell the trace format' in err, 'undetectable: ' + err)
    _, err = run('dump', os.path.join(TMP, 'missing'), expect=INPUT)
    check('No such file' in err, 'missing: ' + err)
    path = write('trunc.gz', gzip.compress(b'1 2 3 ' * 1000)[:-20])
    _, err = run('dump', path, expect=INPUT)
    check(path + ': truncated gzip data' in err or 'gzip' in err, 'truncated gzip: ' + err)
    # names without an architecture
    path = write('names2.txt', 'open\nread\n')
    _, err = run('dump', '-a', 'none', path, expect=INPUT)
    check('need an architecture' in err, 'names without arch: ' + err)
    # mixed architectures: a personality change inside strace output ...
    path = write('mixed.strace', '''\
[pid  900] execve("/bin/x32", ["x32"], 0x1 /* 1 var */) = 0
[ Process PID=900 runs in 32 bit mode. ]
[pid  900] brk(NULL) = 0x8000
''')
    _, err = run('dump', '-a', 'x86_64', '--on-error=skip', path, expect=INPUT)
    check(path + ':2: mixed architectures' in err, 'mixed strace: ' + err)
    # ... against a profile, in train --append, merge and diff
    p64, p32 = os.path.join(TMP, 'x86_64.prof'), os.path.join(TMP, 'i386.prof')
    train(p64, '-a', 'x86_64', '-w', '4', os.path.join(DATA, 'paper-train.strace'))
    train(p32, '-a', 'i386', '-w', '4', os.path.join(DATA, 'paper-train.strace'))
    _, err = run('score', '-p', p64, '-a', 'i386', os.path.join(DATA, 'paper-test.strace'),
                 expect=INPUT)
    check('mixed architectures' in err, 'score mixed: ' + err)
    _, err = run('train', '--append', '-o', p64, '-a', 'i386',
                 os.path.join(DATA, 'paper-test.strace'), expect=INPUT)
    check('mixed architectures' in err, 'append mixed: ' + err)
    _, err = run('merge', '-o', os.path.join(TMP, 'm.prof'), p64, p32, expect=INPUT)
    check('mixed architectures' in err and not os.path.exists(os.path.join(TMP, 'm.prof')),
          'merge mixed: ' + err)
    _, err = run('diff', p64, p32, expect=INPUT)
    check('mixed architectures' in err, 'diff mixed: ' + err)
    # a bad profile
    bad = write('bad.prof', 'not a profile')
    _, err = run('score', '-p', bad, os.path.join(DATA, 'paper-test.strace'), expect=PROFILE)
    check(bad + ': cannot load profile' in err, 'bad profile: ' + err)
    # usage
    run('train', expect=USAGE)
    run('score', '-p', p64, expect=USAGE)
    run('train', '-w', '33', '-o', bad, 'x', expect=USAGE)
    run('dump', '--format', 'xml', 'x', expect=USAGE)
    run('nosuchcommand', expect=USAGE)


def test_commands():
    paper = os.path.join(DATA, 'paper-train.strace')
    test_file = os.path.join(DATA, 'paper-test.strace')
    a, b, ab = (os.path.join(TMP, n) for n in ('a.prof', 'b.prof', 'ab.prof'))
    train(a, '-w', '4', paper)
    train(b, '-w', '4', test_file)
    # --append: a + test = the union; then scoring the test trace finds nothing
    train(ab, '-w', '4', paper)
    train(ab, '--append', test_file)
    rows, _ = score_json('-p', ab, test_file)
    check(rows[0]['mismatches'] == 0, 'append: %s' % rows)
    _, err = run('train', '--append', '-w', '5', '-o', ab, test_file, expect=PROFILE)
    check('window 4' in err, 'append window: ' + err)
    # merge = union; diff of merge and --append result is empty
    m = os.path.join(TMP, 'merged.prof')
    run('merge', '-o', m, a, b)
    run('diff', m, ab)
    out, _ = run('diff', a, b, expect=DIFFER)
    lines = out.splitlines()
    check(lines[-1].startswith('# ') and any(l.startswith('> open +1 open') for l in lines) and
          any(l.startswith('< mmap +1 mmap') for l in lines), 'diff: ' + out)
    out, _ = run('diff', '--summary', a, b, expect=DIFFER)
    check(len(out.splitlines()) == 1, 'diff summary: ' + out)
    # show: header fields and the paper's database, each call with the calls
    # before it at their distances (worked out by hand from the trace)
    out, _ = run('show', a)
    lines = [' '.join(l.split()) for l in out.splitlines()]
    for want in ('window: 4 (lookahead 3)', 'state: training', 'architecture: x86_64 (0xc000003e)',
                 'anomaly_limit: 30', 'training set: 5 calls, 17 pairs',
                 'testing set: 0 calls, 0 pairs'):
        check(want in lines, 'show lacks %r: %s' % (want, out))
    pairs = {l.split(' <- ')[0]: set(l.split(' <- ')[1].split()) for l in lines if ' <- ' in l}
    check(pairs == {'read': {'open:1'}, 'open': {'read:3', 'mmap:1,2'},
                    'close': {'open:3', 'mmap:1', 'getrlimit:2'},
                    'mmap': {'read:1,2', 'open:2,3', 'mmap:1,3', 'getrlimit:1'},
                    'getrlimit': {'open:1', 'mmap:2,3'}}, 'show pairs: ' + out)
    # growth: monotone, ends at the trained pair count (17 for the paper's
    # training trace with w = 4: 8 calls, 3 + 2 + 1 + 5 * 3 pairs minus repeats)
    out, _ = run('growth', '-w', '4', '-n', '4', '-o', os.path.join(TMP, 'g.svg'), paper)
    pts = [tuple(map(int, l.split('\t'))) for l in out.splitlines()]
    check(pts[0] == (4, 0, 0) and pts[-1] == (4, 8, 17), 'growth ends: %s' % pts)
    check(all(p[1] <= q[1] and p[2] <= q[2] for p, q in zip(pts, pts[1:])), 'growth monotone')
    ET.parse(os.path.join(TMP, 'g.svg'))
    # LFC: max_lfc from the per-call misses with the profile's frame, and a frame option
    nums = ' '.join(str(i % 50) for i in range(2000))
    norm = os.path.join(TMP, 'lfc.prof')
    train(norm, '-w', '6', write('lfc-train.txt', nums))
    probe = ' '.join(str((i * 7) % 50 if 300 <= i < 420 else i % 50) for i in range(2000))
    path = write('lfc-test.txt', probe)
    for frame in (None, 16, 1000):
        args = ['-p', norm, '--per-call', path] + (['--lfc-frame', str(frame)] if frame else [])
        r = score_json(*args)[0][0]
        anomalous = {c['pos'] - 1 for c in r['per_call']}
        f = frame or 128
        want = max(sum(1 for j in range(i - f + 1, i + 1) if j in anomalous)
                   for i in range(2000))
        check(r['max_lfc'] == want and r['anomalous_calls'] == len(anomalous),
              'lfc frame %s: %s vs %s' % (f, r['max_lfc'], want))
    # a long trace (scored on two threads) against a plain reference scorer
    train_calls = [i % 50 for i in range(2000)]
    pairs = {(train_calls[i - d], train_calls[i], d) for i in range(len(train_calls))
             for d in range(1, 6) if i - d >= 0}
    long_calls = [(i * 13 + i // 7) % 60 for i in range(600000)]
    misses = [sum(1 for d in range(1, 6) if i - d >= 0 and
                  (long_calls[i - d], long_calls[i], d) not in pairs)
              for i in range(len(long_calls))]
    path = write('long.txt', ' '.join(map(str, long_calls)))
    r = score_json('-p', norm, '--per-call', path)[0][0]
    check(r['calls'] == 600000 and r['mismatches'] == sum(misses) and
          r['anomalous_calls'] == sum(1 for m in misses if m) and
          [(c['pos'], c['misses']) for c in r['per_call']] ==
          [(i + 1, m) for i, m in enumerate(misses) if m],
          'long trace: %d/%d mismatches' % (r['mismatches'], sum(misses)))
    out, _ = run('dump', '-n', path)
    check(out.split('\t')[1] == '600000', 'long dump')
    # the progress line: on a terminal only, off with -q, never on stdout
    for quiet in (False, True):
        err, out = progress_run(['score', '-p', a, '-f', 'adfa'] + (['-q'] if quiet else []) +
                                ['-'])
        shown = '\r\x1b[K' in err and 'M calls/s' in err
        check(shown != quiet and '\x1b' not in out and '"calls"' not in out and
              out.count('\n') == 2, 'progress (quiet=%s): %r / %r' % (quiet, err, out))


def progress_run(args):
    """selfseq with stderr on a terminal and stdin fed slowly; returns (stderr, stdout)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(WRAP + [SELFSEQ] + args, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    for _ in range(4):
        p.stdin.write(b'5 3 90 90 5 76 90 6\n' * 1000)
        p.stdin.flush()
        time.sleep(0.3)
    p.stdin.close()
    err = b''
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:     # EIO: the program closed the terminal
            break
        if not chunk:
            break
        err += chunk
    out = p.stdout.read()
    p.wait(timeout=60)
    os.close(master)
    return err.decode(errors='replace'), out.decode(errors='replace')


def test_json():
    prof = os.path.join(TMP, 'paper.prof')
    train(prof, '-w', '4', os.path.join(DATA, 'paper-train.strace'))
    keys = {'trace', 'calls', 'mismatches', 'max_mismatches', 'percent', 'anomalous_calls',
            'max_lfc'}
    unm = write('j.unm', '5 2\n6 0\n5 0\n6 1\n')
    rows, _ = score_json('-p', prof, '-a', 'x86_64', '--total',
                         os.path.join(DATA, 'paper-test.strace'), unm)
    check([set(r) for r in rows] == [keys] * 4, 'json keys: %s' % rows)
    check([r['trace'] for r in rows] ==
          [os.path.join(DATA, 'paper-test.strace'), unm + ':5', unm + ':6', 'total'],
          'json trace names: %s' % [r['trace'] for r in rows])
    total = rows[-1]
    for k in ('calls', 'mismatches', 'max_mismatches', 'anomalous_calls'):
        check(total[k] == sum(r[k] for r in rows[:-1]), 'total ' + k)
    check(total['max_lfc'] == max(r['max_lfc'] for r in rows[:-1]), 'total max_lfc')
    check(abs(total['percent'] - 100.0 * total['mismatches'] / total['max_mismatches']) < 1e-3,
          'total percent')
    check(all(isinstance(r['percent'], float) for r in rows), 'percent is a number')
    rows, _ = score_json('-p', prof, '--per-call', os.path.join(DATA, 'paper-test.strace'))
    check(set(rows[0]) == keys | {'per_call'} and
          set(rows[0]['per_call'][0]) == {'pos', 'call', 'nr', 'misses'}, 'per_call keys')
    # names that need escaping stay valid JSON
    odd = write('we"ird\\na\tme\x01.txt', '1 2')
    rows, _ = score_json('-p', prof, odd)
    check(rows[0]['trace'] == odd, 'escaped name %r' % rows[0]['trace'])


def long_options(text):
    return set(re.findall(r'--[a-z][a-z-]*[a-z]', text))


def test_help():
    """Each command's --help and its section of the man page name the same options."""
    with open(MANPAGE) as f:
        man = f.read().replace('\\-', '-')
    sections = re.split(r'^\.SS ', man, flags=re.M)
    commands = ['train', 'score', 'show', 'merge', 'diff', 'evaluate', 'growth', 'dump']
    for cmd in commands:
        sec = [s for s in sections if s.startswith(cmd + '\n')]
        check(len(sec) == 1, 'man page section for ' + cmd)
        if not sec:
            continue
        body = sec[0].split('\n.SH ')[0]
        out, _ = run(cmd, '--help')
        check(long_options(out) == long_options(body),
              '%s: --help and man page differ: %s' %
              (cmd, long_options(out) ^ long_options(body)))
    out, _ = run('--help')
    for cmd in commands:
        check(re.search(r'^  %s ' % cmd, out, re.M), 'selfseq --help lists ' + cmd)
        check(('.B selfseq ' + cmd) in man, 'man synopsis lists ' + cmd)
    for code in ('0', '1', '2', '3', '4', '5'):
        check(re.search(r'^\.B %s$' % code, man, re.M), 'man page exit status ' + code)
    out, _ = run('--version')
    check(out.startswith('selfseq '), 'version')


def test_evaluate():
    # normal: cycles of calls 0..39; attacks use calls the normal traces never
    # make (family "Smash", every trace detected) or only reorder normal calls
    # (family "Shuffle", at most partly detected); held-out normal: normal.
    for i in range(20):
        write('ev/normal/n%02d.txt' % i, ' '.join(str((j + i) % 40) for j in range(300)))
        write('ev/held/h%02d.txt' % i, ' '.join(str((j + 3 * i) % 40) for j in range(200 + i)))
    for i in range(5):
        write('ev/attack/Smash_%d/a.txt' % (i + 1),
              ' '.join(str(100 + j % 9 if 50 <= j < 80 else j % 40) for j in range(300)))
        write('ev/attack/Shuffle_%d/a.txt' % (i + 1),
              ' '.join(str((j * 3) % 40 if i % 2 and j < 40 else j % 40) for j in range(300)))
    report = os.path.join(TMP, 'ev-out', 'report.md')
    out, err = run('evaluate', '-q', '-w', '3,6', '--fa', '0,5,15',
                   '--published', 'Somebody 2024:15:90',
                   '--normal', os.path.join(TMP, 'ev/normal'),
                   '--test-normal', os.path.join(TMP, 'ev/held'),
                   '--attack', os.path.join(TMP, 'ev/attack'), '-o', report,
                   '--prefix', 't-', '--title', 'Synthetic')
    rows = [l.split('\t') for l in out.splitlines()[1:]]
    check(len(rows) == 6 and all(len(r) == 6 for r in rows), 'evaluate table: ' + out)
    with open(report) as f:
        md = f.read()
    for needle in ('# Synthetic', '| Shuffle | 5 |', '| Smash | 5 |', 'Somebody 2024',
                   '](report/t-roc-w3.svg)', '](report/t-growth.svg)', 'Best overall'):
        check(needle in md, 'report lacks %r' % needle)
    for svg in ('t-roc-w3.svg', 't-roc-w6.svg', 't-growth.svg'):
        ET.parse(os.path.join(TMP, 'ev-out', 'report', svg))
    # Smash traces have unseen calls: AUC 1 and full detection at 0% false
    # alarms for % mismatches, in the per-family table too.
    fam = re.search(r'### Window 6\n\n.*?\n\|---.*?\n(.*?)\n\n', md, re.S).group(1)
    smash = [l for l in fam.splitlines() if l.startswith('| Smash')][0]
    check(smash.split('|')[3].strip() == '1.000' and '100.0%' in smash, 'smash: ' + smash)
    _, err = run('evaluate', '--normal', TMP, expect=USAGE)


def adfa_root():
    dest = os.path.join(BUILD, 'data')
    rc = subprocess.run(['sh', os.path.join(REPO, 'scripts', 'unpack-data.sh'), dest]).returncode
    if rc == 77:
        print('no trace data: skipped')
        sys.exit(77)
    if rc:
        fail('unpack-data.sh failed: %d' % rc)
        sys.exit(1)
    return dest


def test_adfa_ld():
    d = adfa_root()
    adfa = os.path.join(d, 'ADFA-LD')
    prof = os.path.join(TMP, 'adfa.prof')
    _, err = run('train', '-w', '6', '-a', 'i386', '-o', prof,
                 os.path.join(adfa, 'Training_Data_Master'))
    check('833 traces, 308077 calls' in err, 'ADFA training: ' + err)
    rows, _ = score_json('-p', prof, '--total', os.path.join(adfa, 'Validation_Data_Master'))
    check(len(rows) == 4373 and rows[-1]['calls'] == 2122085, 'ADFA validation: %s' % rows[-1])
    rows, _ = score_json('-p', prof, os.path.join(d, 'adfa-validation.txt'))
    check(rows[0]['calls'] == 2122085, 'ADFA concatenated: %s' % rows)
    rows, _ = score_json('-p', prof, '--total', os.path.join(adfa, 'Attack_Data_Master'))
    check(len(rows) == 747 and rows[-1]['calls'] == 317388, 'ADFA attacks %s' % rows[-1])


def test_lpr():
    d = os.path.join(adfa_root(), 'mit-lpr')
    t = dump('-f', 'unm', os.path.join(d, 'lprcp-intrusion.int.gz'))
    check(len(t) == 1001 and sum(map(len, t.values())) == 165248, 'lprcp: %d traces' % len(t))
    prof = os.path.join(TMP, 'lpr.prof')
    real = os.path.join(d, 'real')
    # real/ also holds "tot", a wc -l listing: only the traces
    files = sorted(os.path.join(real, f) for f in os.listdir(real) if f.endswith('.log.int.gz'))
    check(len(files) == 2766, 'lpr normal files: %d' % len(files))
    _, err = run('train', '-w', '6', '-a', 'none', '-f', 'unm', '-o', prof, *files)
    check(re.search(r'\d+ traces, \d+ calls', err), 'lpr training: ' + err)
    rows, _ = score_json('-p', prof, '-f', 'unm', '--total',
                         os.path.join(d, 'lprcp-intrusion.int.gz'))
    check(rows[-1]['calls'] == 165248 and rows[-1]['mismatches'] > 0, 'lprcp: %s' % rows[-1])


GROUPS = {
    'paper': test_paper, 'formats': test_formats, 'errors': test_errors,
    'commands': test_commands, 'json': test_json, 'help': test_help,
    'evaluate': test_evaluate, 'adfa-ld': test_adfa_ld, 'lpr': test_lpr,
}

if GROUP in ('formats', 'errors'):
    test_paper()  # they score against the paper profile
GROUPS[GROUP]()
if FAILS:
    print('%d failure(s)' % len(FAILS), file=sys.stderr)
    sys.exit(1)
print('ok')
