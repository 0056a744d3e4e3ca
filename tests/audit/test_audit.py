#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""selfseq-audit on recorded audit logs (tests/audit/*.log, real auditd 3.0.9
recordings of tests/audit/victim.c, RAW and ENRICHED, plus the logs
make-derived.py edits from raw.log).

The call sequences extracted per process are checked twice: against the
committed expected/*.jsonl files, and against a small independent reader
written here (a regex parser of the log lines, sorted by audit stamp, with
the same process rules), so a bug shared by the tool and its golden files
still shows. Run by meson: test_audit.py SELFSEQ_AUDIT DATA_DIR
"""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

BIN = None
# `meson test --setup memcheck` runs selfseq-audit under valgrind through this prefix.
WRAP = shlex.split(os.environ.get('SELFSEQ_TEST_WRAPPER', ''))
DATA = None

# Numbers the independent reader needs (the tool takes them from libaudit).
EXECVE = {0xc000003e: (59, 322), 0x40000003: (11, 358)}
EXIT_GROUP = {0xc000003e: 231, 0x40000003: 252}
ARCH_NAME = {0xc000003e: 'x86_64', 0x40000003: 'i386'}


def run(args, stdin=None, input_bytes=None, check_rc=None, cwd=None):
    p = subprocess.run(WRAP + [BIN] + args, stdin=stdin, input=input_bytes, capture_output=True,
                       cwd=cwd, timeout=120)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError('%s: rc %d, stderr:\n%s' % (args, p.returncode,
                                                         p.stderr.decode(errors='replace')))
    return p


def summary(p):
    """The JSON summary: the last line of stderr."""
    lines = p.stderr.decode(errors='replace').strip().split('\n')
    s = json.loads(lines[-1])
    assert s['type'] == 'summary'
    return s


def jsonl(data):
    return [json.loads(l) for l in data.decode().split('\n') if l]


def data(name):
    return os.path.join(DATA, name)


# --- the independent reader -------------------------------------------------

LINE = re.compile(rb'^(?:node=(\S+) )?type=(\S+) msg=audit\((\d+)\.(\d+):(\d+)\): ?(.*)$')
FIELD = re.compile(rb'(\w+)=("[^"]*"|\S+)')


def decode_exe(v):
    if v.startswith(b'"'):
        return v[1:-1].decode('utf-8', 'replace')
    return bytes.fromhex(v.decode()).decode('utf-8', 'replace')


def oracle(paths):
    """Per-process runs of the SYSCALL records of @paths read as one stream."""
    calls = []
    for path in paths:
        with open(path, 'rb') as f:
            for raw in f:
                line = raw.rstrip(b'\n').split(b'\x1d')[0]
                m = LINE.match(line)
                if not m or m.group(2) != b'SYSCALL':
                    continue
                fields = dict(FIELD.findall(m.group(6)))
                calls.append({
                    'key': (int(m.group(3)), int(m.group(4)), int(m.group(5))),
                    'node': m.group(1).decode() if m.group(1) else None,
                    'pid': int(fields[b'pid']),
                    'arch': int(fields[b'arch'], 16),
                    'nr': int(fields[b'syscall']),
                    'ok': fields.get(b'success', b'yes') == b'yes',
                    'exe': decode_exe(fields[b'exe']),
                })
    calls.sort(key=lambda c: c['key'])
    runs, live = [], {}
    for c in calls:
        k = (c['node'], c['pid'])
        execs = c['ok'] and c['nr'] in EXECVE[c['arch']]
        r = live.get(k)
        if r and r['pending'] and not execs and r['exe'] == c['exe'] and r['arch'] != c['arch']:
            # 64-bit execve of a 32-bit program: the run moves, execve renumbered
            r['arch'] = c['arch']
            r['calls'] = [EXECVE[c['arch']][0]]
        elif not r or execs or r['exe'] != c['exe'] or r['arch'] != c['arch']:
            r = {'node': c['node'], 'pid': c['pid'], 'exe': c['exe'], 'arch': c['arch'],
                 'calls': [], 'pending': False}
            runs.append(r)
            live[k] = r
        r['calls'].append(c['nr'])
        r['pending'] = execs
        if c['nr'] == EXIT_GROUP[c['arch']]:
            del live[k]
    out = []
    for r in runs:
        d = {'pid': r['pid']}
        if r['node']:
            d['node'] = r['node']
        d.update({'arch': ARCH_NAME[r['arch']], 'exe': r['exe'], 'calls': r['calls']})
        out.append(d)
    return out


def strip_names(runs):
    return [{k: v for k, v in r.items() if k != 'names'} for r in runs]


class Extract(unittest.TestCase):
    """Exact call sequences per process."""

    def check(self, name, expected_name=None, args=None):
        p = run(['extract', '--summary=json'] + (args or [data(name)]), check_rc=0)
        with open(data('expected/%s.jsonl' % (expected_name or name)), 'rb') as f:
            self.assertEqual(p.stdout.decode(), f.read().decode())
        return p

    def test_raw_enriched_node(self):
        for name in ('raw', 'enriched', 'node', 'train', 'other'):
            with self.subTest(log=name):
                p = self.check(name, args=[data(name + '.log')])
                self.assertEqual(strip_names(jsonl(p.stdout)), oracle([data(name + '.log')]))
                s = summary(p)
                self.assertEqual(s['skipped'], 0)
                self.assertEqual(s['calls'], s['syscall_records'])

    def test_content(self):
        runs = jsonl(run(['extract', '-q', data('raw.log')], check_rc=0).stdout)
        by_exe = {}
        for r in runs:
            by_exe.setdefault((r['exe'], r['arch']), []).append(r)
        v64 = by_exe[('/tmp/auditrec/victim64', 'x86_64')]
        self.assertEqual(len(v64), 2)
        # normal path: open, read to EOF, close, write the size, exit
        self.assertEqual(v64[0]['names'][0], 'execve')
        self.assertEqual(v64[0]['names'][-6:],
                         ['openat', 'read', 'read', 'close', 'write', 'exit_group'])
        self.assertEqual(v64[1]['names'][-8:], ['munmap', 'mkdir', 'rmdir', 'socket',
                                                'close', 'chdir', 'getppid', 'exit_group'])
        # hex-encoded paths (a blank; a quote and a non-ASCII byte) are decoded
        v32 = by_exe[('/tmp/auditrec/victim 32', 'i386')]
        self.assertEqual(v32[0]['calls'][0], 11)           # i386 execve, renumbered
        self.assertEqual(v32[0]['names'][-3:], ['close', 'write', 'exit_group'])
        self.assertNotIn(('/tmp/auditrec/victim 32', 'x86_64'), by_exe)
        self.assertIn(("/tmp/auditrec/vict'im \u00e964", 'x86_64'), by_exe)
        # exit_group has no exit= field and still ends the run
        self.assertTrue(all(r['names'][-1] == 'exit_group'
                            for r in v64 + v32))

    def test_same_sequences_any_way_in(self):
        with open(data('expected/raw.jsonl'), 'rb') as f:
            want = f.read()
        rot = data('rotated')
        cases = {
            'interleaved': [data('interleaved.log')],
            'rotated dir': [rot],
            'rotated glob order': [os.path.join(rot, n)
                                   for n in ('audit.log', 'audit.log.1', 'audit.log.2')],
        }
        for what, args in cases.items():
            with self.subTest(input=what):
                p = run(['extract', '--summary=json'] + args, check_rc=0)
                self.assertEqual(p.stdout, want)
                self.assertEqual(summary(p)['skipped'], 0)
        for name in ('raw-eoe.log', 'interleaved.log', 'raw.log'):
            with self.subTest(stdin=name), open(data(name), 'rb') as f:
                p = run(['extract', '--summary=json', '-'], stdin=f, check_rc=0)
                self.assertEqual(p.stdout, want)
                self.assertEqual(summary(p)['skipped'], 0)
        # the oracle agrees on the edited logs as well
        self.assertEqual(strip_names(jsonl(want)), oracle([data('interleaved.log')]))
        self.assertEqual(strip_names(jsonl(want)),
                         oracle([os.path.join(rot, n) for n in
                                 ('audit.log.2', 'audit.log.1', 'audit.log')]))

    def test_trailing_lines(self):
        # lines after the last record are found from the end of the file
        with open(data('raw.log'), 'rb') as f:
            raw = f.read()
        cases = [(b'', 0, 445), (b'junk\n\ntype=SYSCALL msg=audit(1', 3, 448),
                 (b'type=EOE msg=audit(1795357110.200:456): \n', 0, 446),
                 (b'junk\ntype=EOE msg=audit(1795357110.200:456): ', 1, 447)]
        with tempfile.TemporaryDirectory() as tmp:
            for tail, skipped, lines in cases:
                with self.subTest(tail=tail):
                    path = os.path.join(tmp, 'audit.log')
                    with open(path, 'wb') as f:
                        f.write(raw + tail)
                    for args, stdin in (([path], None), (['-'], path)):
                        f = open(stdin, 'rb') if stdin else None
                        p = run(['extract', '--summary=json'] + args, stdin=f, check_rc=0)
                        if f:
                            f.close()
                        s = summary(p)
                        self.assertEqual(s['skipped_by_reason']['unparsable_line'], skipped)
                        self.assertEqual(s['lines'], lines)

    def test_reorder_window(self):
        with open(data('expected/raw.jsonl'), 'rb') as f:
            want = f.read()
        # late.log: one event's records come after 10 younger events
        for args in ([data('late.log')], ['-']):
            with self.subTest(args=args), open(data('late.log'), 'rb') as f:
                p = run(['extract', '--summary=json'] + args, stdin=f, check_rc=0)
                self.assertEqual(p.stdout, want)
                self.assertEqual(summary(p)['skipped'], 0)
                # without the window the late call is refused, never fed out of order
                f.seek(0)
                p = run(['extract', '--summary=json', '--reorder-window=0'] + args, stdin=f,
                        check_rc=0)
                s = summary(p)
                self.assertEqual(s['skipped_by_reason']['out_of_order'], 1)
                self.assertEqual(s['calls'] + 1, s['syscall_records'])
                got, ref = jsonl(p.stdout), jsonl(want)
                self.assertEqual([len(r['calls']) for r in got],
                                 [len(r['calls']) - (r['pid'] == 3861 and
                                                     r['exe'].endswith('victim64'))
                                  for r in ref])

    def test_malformed(self):
        p = self.check('malformed', args=[data('malformed.log')])
        s = summary(p)
        self.assertEqual(s['skipped_by_reason'], {
            'unparsable_line': 4, 'missing_field': 6, 'bad_number': 5, 'unknown_arch': 1,
            'bad_exe': 5, 'call_out_of_range': 0, 'out_of_order': 0, 'over_limit': 0,
            'unreadable_profile': 0, 'no_profile': 0})
        err = p.stderr.decode()
        for where in ('malformed.log:21: not an audit record', 'malformed.log:26: not an',
                      'malformed.log:50: SYSCALL record skipped (unknown_arch',
                      'malformed.log:54: SYSCALL record skipped (bad_exe',
                      'malformed.log:467: SYSCALL record skipped (missing_field: field syscall'):
            self.assertIn(where, err)
        # the victims' sequences are untouched by the bad records around them
        with open(data('expected/raw.jsonl'), 'rb') as f:
            raw = jsonl(f.read())
        got = jsonl(p.stdout)
        self.assertEqual([r for r in got if r['pid'] != 424243], raw)
        self.assertEqual([r['calls'] for r in got if r['pid'] == 424243], [[5000]])


class Profiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='selfseq-audit-test-')
        self.store = os.path.join(self.tmp, 'store')

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def train(self, *extra):
        return run(['train', '-s', self.store, '--summary=json'] + list(extra) +
                   [data('train.log')], check_rc=0)

    def profile(self, *parts):
        return os.path.join(self.store, *parts, '%profile')

    def test_train_score(self):
        s = summary(self.train())
        self.assertEqual(s['profiles_saved'], s['profiles'])
        self.assertTrue(os.path.isfile(self.profile('tmp', 'auditrec', 'victim64')))
        # the 32-bit program's profile is kept apart, under its architecture
        self.assertTrue(os.path.isfile(self.profile('tmp', 'auditrec', 'victim 32',
                                                    '%25arch-40000003')))
        self.assertFalse(os.path.exists(self.profile('tmp', 'auditrec', 'victim 32')))
        p = run(['score', '-s', self.store, '--summary=json', data('other.log')], check_rc=1)
        got = jsonl(p.stdout)
        want = {('x86_64', n) for n in ('mkdir', 'rmdir', 'socket', 'close', 'chdir',
                                         'getppid', 'exit_group')}
        want |= {('i386', n) for n in ('mkdir', 'rmdir', 'socketcall', 'close', 'chdir',
                                        'getppid', 'exit_group')}
        self.assertEqual({(a['arch'], a['call']) for a in got}, want)
        self.assertEqual(len(got), 14)
        for a in got:
            self.assertEqual(set(a), {'type', 'time', 'serial', 'pid', 'ppid', 'auid', 'uid',
                                      'exe', 'arch', 'call', 'nr', 'misses', 'lfc', 'max_lfc',
                                      'state', 'mode'})
            self.assertEqual(a['type'], 'anomaly')
            self.assertGreater(a['misses'], 0)
            self.assertRegex(a['time'], r'^2026-11-22T14:18:\d\d\.\d{3}Z$')
        # the normal run of victim64 in other.log (pid 4021) is not reported
        self.assertNotIn(4021, {a['pid'] for a in got})
        # the LFC counts the burst
        lfcs = [a['lfc'] for a in got if a['pid'] == 4019]
        self.assertEqual(lfcs, list(range(1, 8)))
        s = summary(p)
        self.assertEqual(s['anomalies'], 14)
        self.assertEqual(s['profiles_saved'], 0)      # score learns nothing
        # text output carries the same facts
        p = run(['score', '-s', self.store, '-t', '-q', data('other.log')], check_rc=1)
        lines = p.stdout.decode().strip().split('\n')
        self.assertEqual(len(lines), 14)
        self.assertRegex(lines[0], r'^2026-11-22T14:18:33\.\d{3}Z anomaly serial=\d+ pid=4019 '
                         r'ppid=\d+ auid=4294967295 uid=0 exe=/tmp/auditrec/victim64 '
                         r'arch=x86_64 call=mkdir\(83\) misses=\d+ lfc=1 state=training$')
        self.assertIn('exe=/tmp/auditrec/victim\\x2032', p.stdout.decode())

    def test_monitor_normal_then_anomaly(self):
        # factor 64/32: frozen once over half the training calls added nothing
        self.train('--normal-wait=0', '--normal-factor=64')
        p = run(['monitor', '-s', self.store, '--normal-wait=0', '--state-events',
                 '--summary=json', data('other.log')], check_rc=1)
        got = jsonl(p.stdout)
        anomalies = [a for a in got if a['type'] == 'anomaly']
        states = [a for a in got if a['type'] == 'state']
        self.assertTrue(any('normal' in s['changes'] for s in states))
        self.assertTrue(anomalies)
        self.assertTrue(all(a['state'] == 'normal' and a['mode'] == 'monitor'
                            for a in anomalies))
        self.assertIn('mkdir', {a['call'] for a in anomalies})

    def test_plugin_stdin(self):
        self.train('--normal-wait=0', '--normal-factor=64')
        out = os.path.join(self.tmp, 'anomalies.jsonl')
        with open(data('other.log'), 'rb') as f:
            log = f.read()
        # the plugin stream has EOE records after each event
        lines, eoe = log.split(b'\n'), []
        for i, l in enumerate(lines):
            eoe.append(l)
            m = re.search(rb'msg=audit\(([^)]*)\)', l)
            if m and l.startswith(b'type=PROCTITLE'):
                eoe.append(b'type=EOE msg=audit(' + m.group(1) + b'): ')
        p = run(['plugin', '-s', self.store, '--normal-wait=0', '-o', out,
                 '--summary=json'], input_bytes=b'\n'.join(eoe), check_rc=1)
        s = summary(p)
        self.assertEqual(s['skipped'], 0)
        self.assertEqual(p.stdout, b'')
        with open(out, 'rb') as f:
            got = jsonl(f.read())
        self.assertEqual(len(got), s['anomalies'])
        self.assertIn('mkdir', {a['call'] for a in got})

    def test_signal_saves_everything(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(signal=sig):
                shutil.rmtree(self.store, ignore_errors=True)
                proc = subprocess.Popen(WRAP + [BIN, 'train', '-s', self.store, '--summary=json',
                                         '-'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
                with open(data('train.log'), 'rb') as f:
                    log = f.read()
                proc.stdin.write(log)
                proc.stdin.flush()
                # the input stays open: only the signal ends the run. Wait until
                # the process has read it all (its read(2) byte count).
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    with open('/proc/%d/io' % proc.pid) as f:
                        rchar = int(re.search(r'rchar: (\d+)', f.read()).group(1))
                    if rchar >= len(log):
                        break
                    time.sleep(0.05)
                time.sleep(0.2)
                proc.send_signal(sig)
                out, err = proc.communicate(timeout=30)
                proc.stdin.close()
                self.assertEqual(proc.returncode, 0, err)
                s = json.loads(err.decode().strip().split('\n')[-1])
                self.assertEqual(s['calls'], s['syscall_records'])
                with open(data('train.log'), 'rb') as f:
                    self.assertEqual(s['syscall_records'], f.read().count(b'type=SYSCALL'))
                self.assertEqual(s['profiles_saved'], s['profiles'])
                self.assertTrue(os.path.isfile(self.profile('tmp', 'auditrec', 'victim64')))
                # what was saved is what a run to the end saves
                p = run(['score', '-s', self.store, '--summary=json', data('train.log')],
                        check_rc=0)
                self.assertEqual(summary(p)['anomalies'], 0)

    def test_live_stream_flushes_quiet_input(self):
        # A stream that stops in the middle of an event (its PROCTITLE never
        # comes): the call is still scored, after --eoe-timeout, while the
        # input stays open, and the report is on stdout at once.
        self.train()
        with open(data('other.log'), 'rb') as f:
            lines = f.read().split(b'\n')
        cut = next(i for i, l in enumerate(lines)
                   if l.startswith(b'type=SYSCALL') and b' syscall=83 ' in l and b'pid=4019 ' in l)
        proc = subprocess.Popen(WRAP + [BIN, 'score', '-s', self.store, '--eoe-timeout=1', '-q', '-'],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        try:
            proc.stdin.write(b'\n'.join(lines[:cut + 1]) + b'\n')
            proc.stdin.flush()
            os.set_blocking(proc.stdout.fileno(), False)
            got, deadline = b'', time.monotonic() + 30
            while b'"call":"mkdir"' not in got and time.monotonic() < deadline:
                time.sleep(0.1)
                got += proc.stdout.read() or b''
            self.assertIn(b'"call":"mkdir"', got)
            self.assertIsNone(proc.poll())      # still reading its input
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
            proc.stdin.close()
        self.assertEqual(proc.returncode, 1)     # anomalies were reported

    def test_periodic_save(self):
        # --save-interval: profiles reach the store while the run goes on
        proc = subprocess.Popen(WRAP + [BIN, 'train', '-s', self.store, '--save-interval=1', '-q', '-'],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            with open(data('train.log'), 'rb') as f:
                proc.stdin.write(f.read())
            proc.stdin.flush()
            path = self.profile('tmp', 'auditrec', 'victim64')
            deadline = time.monotonic() + 30
            while not os.path.exists(path) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertTrue(os.path.isfile(path))
            self.assertIsNone(proc.poll())
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0)

    def test_corrupt_profile_untouched(self):
        self.train()
        path = self.profile('tmp', 'auditrec', 'victim64')
        with open(path, 'rb') as f:
            blob = bytearray(f.read())
        blob[len(blob) // 2] ^= 0x5a
        with open(path, 'wb') as f:
            f.write(blob)
        p = run(['train', '-s', self.store, '--summary=json', data('train.log')], check_rc=0)
        s = summary(p)
        self.assertEqual(s['skipped_by_reason']['unreadable_profile'], 3 * 35)
        self.assertIn('profile of /tmp/auditrec/victim64 (x86_64) unreadable', p.stderr.decode())
        self.assertEqual(p.stderr.decode().count('unreadable:'), 1)   # warned once
        with open(path, 'rb') as f:
            self.assertEqual(f.read(), bytes(blob))

    def test_limits(self):
        cases = [(['--max-processes=1'], 'over_limit'), (['--max-profiles=1'], 'over_limit'),
                 (['--max-names=1'], 'over_limit'), (['--alphabet=100'], 'call_out_of_range')]
        for extra, reason in cases:
            with self.subTest(opts=extra):
                p = run(['monitor', '--no-store', '--summary=json'] + extra + [data('raw.log')],
                        check_rc=0)
                s = summary(p)
                self.assertGreater(s['skipped_by_reason'][reason], 0)
                self.assertEqual(s['calls'] + s['skipped'], s['syscall_records'])
        with open(data('expected/raw.jsonl'), 'rb') as f:
            big = sum(1 for r in jsonl(f.read()) for c in r['calls'] if c >= 100)
        s = summary(run(['train', '--no-store', '--summary=json', '--alphabet=100',
                         data('raw.log')], check_rc=0))
        self.assertEqual(s['skipped_by_reason']['call_out_of_range'], big)

    def test_config_file(self):
        cfg = os.path.join(self.tmp, 'audit.conf')
        out = os.path.join(self.tmp, 'out.txt')
        self.train('--normal-wait=0')
        with open(cfg, 'w') as f:
            f.write('# test\nstore = %s\noutput=%s\n  text\nsummary = json\n'
                    'normal-wait = 0\n' % (self.store, out))
        p = run(['score', '--config', cfg, data('other.log')], check_rc=1)
        with open(out) as f:
            self.assertEqual(len(f.read().strip().split('\n')), 14)
        self.assertEqual(summary(p)['anomalies'], 14)
        with open(cfg, 'a') as f:
            f.write('no-such-option = 1\n')
        p = run(['score', '--config=' + cfg, data('other.log')], check_rc=2)
        with open(cfg, 'w') as f:
            f.write('= 3\n')
        p = run(['score', '-c', cfg, data('other.log')], check_rc=2)
        self.assertIn('audit.conf:1: not an option line', p.stderr.decode())


class Commands(unittest.TestCase):
    def test_rules(self):
        p = run(['rules', '--exe', '/usr/bin/foo', '--uid', '1000', '--auid', '0',
                 '--exclude', '/usr/bin/selfseq-audit', '--arch', 'both'], check_rc=0)
        rules = [l for l in p.stdout.decode().split('\n') if l and not l.startswith('#')]
        self.assertEqual(rules, [
            '-A never,exit -F arch=b64 -S all -F exe=/usr/bin/selfseq-audit',
            '-A never,exit -F arch=b32 -S all -F exe=/usr/bin/selfseq-audit',
            '-a always,exit -F arch=b64 -S all -F exe=/usr/bin/foo -k selfseq',
            '-a always,exit -F arch=b32 -S all -F exe=/usr/bin/foo -k selfseq',
            '-a always,exit -F arch=b64 -S all -F uid=1000 -k selfseq',
            '-a always,exit -F arch=b32 -S all -F uid=1000 -k selfseq',
            '-a always,exit -F arch=b64 -S all -F auid=0 -k selfseq',
            '-a always,exit -F arch=b32 -S all -F auid=0 -k selfseq',
        ])
        p = run(['rules', '--exe', '/usr/bin/foo', '--delete', '--arch=b64', '-k', 'k1'],
                check_rc=0)
        rules = [l for l in p.stdout.decode().split('\n') if l and not l.startswith('#')]
        self.assertEqual(rules, [
            '-d never,exit -F arch=b64 -S all -F exe=' + os.path.realpath(BIN),
            '-d always,exit -F arch=b64 -S all -F exe=/usr/bin/foo -k k1'])
        run(['rules'], check_rc=2)
        run(['rules', '--exe', 'relative/path'], check_rc=2)
        run(['rules', '--exe', '/with space'], check_rc=2)
        run(['rules', '--uid', 'no-such-user-xyz'], check_rc=2)

    def test_usage_and_errors(self):
        run([], check_rc=2)
        run(['frobnicate'], check_rc=2)
        run(['train', '--window=40', data('raw.log')], check_rc=2)
        run(['train', '--window=-1', data('raw.log')], check_rc=2)
        run(['plugin', data('raw.log')], check_rc=2)
        p = run(['extract', '-q', '/nonexistent/audit.log'], check_rc=3)
        self.assertIn('/nonexistent/audit.log', p.stderr.decode())
        run(['--version'], check_rc=0)

    def test_help_matches_man_page(self):
        helptext = run(['--help'], check_rc=0).stdout.decode()
        helptext += run(['rules', '--help'], check_rc=0).stdout.decode()
        man = os.path.join(DATA, '..', '..', 'doc', 'man', 'selfseq-audit.1')
        with open(man) as f:
            page = f.read().replace('\\-', '-')
        in_help = set(re.findall(r'--([a-z][a-z-]+)', helptext))
        in_man = set(re.findall(r'^\.B[RI]? --([a-z][a-z-]+)', page, re.M)) | \
            set(re.findall(r'^\.BR -\w ", " --([a-z][a-z-]+)', page, re.M))
        self.assertEqual(in_help, in_man)
        for cmd in ('train', 'monitor', 'score', 'extract', 'plugin', 'rules'):
            self.assertIn(cmd, helptext)
            self.assertIn('.B ' + cmd, page)


if __name__ == '__main__':
    BIN = os.path.abspath(sys.argv[1])
    DATA = os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
