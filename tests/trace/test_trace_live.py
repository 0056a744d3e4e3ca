#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""selfseq-trace under the real kernel (suite 'live'): trains on tests/trace/victim.c's
normal path and expects the exact anomaly on its other path; follows fork and exec;
attaches to a running pid; is not contaminated by an unrelated busy process; saves on
SIGINT; stops an anomalous process with --delay; a recording replays to the same result;
lost samples are counted; a 32-bit program's calls are kept apart; tracefs is mounted when
absent; an unprivileged user gets a message naming perf_event_paranoid.

Run by meson: test_trace_live.py SELFSEQ_TRACE VICTIM SOURCE_DIR
Exits 77 (skipped) when perf_event_open is refused here.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

BIN = VICTIM = SRCDIR = None
PERM = 6          # selfseq-trace's exit status for "not allowed to trace"


def run(args, check_rc=None, timeout=60):
    p = subprocess.run([BIN] + args, capture_output=True, timeout=timeout)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError('%s: rc %d, stderr:\n%s' % (args, p.returncode,
                                                         p.stderr.decode(errors='replace')))
    return p


def reports(data):
    return [json.loads(l) for l in data.decode().split('\n') if l.strip()]


def summary(p):
    s = json.loads(p.stderr.decode(errors='replace').strip().split('\n')[-1])
    assert s['type'] == 'summary', s
    return s


def wait_for(cond, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False


def attached(pid):
    """Whether selfseq-trace @pid has its perf events open (it traces from then on)."""
    try:
        fds = os.listdir('/proc/%d/fd' % pid)
    except OSError:
        return False
    for fd in fds:
        try:
            if 'perf_event' in os.readlink('/proc/%d/fd/%s' % (pid, fd)):
                return True
        except OSError:
            pass
    return False


def settle(tracer, seconds):
    """Wait until @tracer traces (a slow start on a loaded machine), then @seconds more."""
    assert wait_for(lambda: attached(tracer.pid) or tracer.poll() is not None, 20), \
        'selfseq-trace never opened its perf events'
    time.sleep(seconds)


def state_of(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return None


class Live(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='selfseq-trace-live-')
        self.store = os.path.join(self.dir, 'store')
        self.data = os.path.join(self.dir, 'data.txt')
        with open(self.data, 'w') as f:
            f.write('hello\n')
        self.victim = os.path.realpath(VICTIM)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def spawn(self, args, **kw):
        p = subprocess.Popen(args, **kw)
        self.procs.append(p)
        return p

    def train_normal(self, times=3, extra=()):
        for _ in range(times):
            run(['train', '-s', self.store, '--summary=json'] + list(extra) +
                ['--', VICTIM, 'normal', self.data], check_rc=0)

    def profile_path(self, exe):
        return os.path.join(self.store, exe.lstrip('/'), '%profile')

    def test_anomaly_on_other_path(self):
        self.train_normal()
        self.assertTrue(os.path.exists(self.profile_path(self.victim)))
        p = run(['score', '-s', self.store, '--summary=json', '--', VICTIM, 'normal', self.data],
                check_rc=0)
        self.assertEqual(reports(p.stdout), [])
        s = summary(p)
        self.assertEqual(s['processes'], 1)
        self.assertEqual(s['lost'], 0)
        self.assertGreater(s['tracked_calls'], 20)
        t = self.spawn([BIN, 'score', '-s', self.store, '--summary=json', '--', VICTIM, 'other',
                        self.data], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = t.communicate(timeout=60)
        self.assertEqual(t.returncode, 1, err)
        r = reports(out)
        self.assertTrue(r, err)
        first = r[0]
        self.assertEqual(first['ppid'], t.pid)   # the command is selfseq-trace's child
        self.assertEqual(first['type'], 'anomaly')
        self.assertEqual(first['call'], 'socket')
        self.assertEqual(first['exe'], self.victim)
        self.assertEqual(first['arch'], 'x86_64')
        self.assertEqual(first['mode'], 'score')
        self.assertEqual(first['pid'], first['tid'])
        self.assertGreater(first['misses'], 0)
        self.assertEqual(first['lfc'], 1)
        # Text output names the same call.
        p = run(['score', '-s', self.store, '--text', '--', VICTIM, 'other', self.data],
                check_rc=1)
        self.assertIn(b'call=socket(', p.stdout)

    def test_follow_fork(self):
        self.train_normal()
        p = run(['score', '-s', self.store, '--summary=json', '--', VICTIM, 'forkchild',
                 self.data], check_rc=1)
        r = reports(p.stdout)
        sock = [x for x in r if x['call'] == 'socket']
        self.assertEqual(len(sock), 1, r)
        child = sock[0]
        parents = {x['pid'] for x in r if x['call'] in ('clone', 'clone3', 'fork')}
        self.assertEqual(len(parents), 1, r)
        parent = parents.pop()
        self.assertNotEqual(child['pid'], parent)
        self.assertEqual(child['ppid'], parent)
        self.assertEqual(child['exe'], self.victim)
        s = summary(p)
        self.assertEqual(s['forks'], 1)
        self.assertEqual(s['processes'], 2)

    def test_follow_exec(self):
        sh = shutil.which('sh')
        true = shutil.which('true')
        p = run(['train', '-s', self.store, '--summary=json', '--', sh, '-c',
                 '"$0" normal "$1"; "$2"', VICTIM, self.data, true], check_rc=0)
        s = summary(p)
        self.assertEqual(s['execs'], 3)
        self.assertEqual(s['processes'], 3)
        for exe in (os.path.realpath(sh), self.victim, os.path.realpath(true)):
            self.assertTrue(os.path.exists(self.profile_path(exe)), exe)
        self.assertEqual(s['profiles_saved'], 3)

    def serve(self, trigger, stop, rounds=None):
        args = [VICTIM, 'serve', self.data, trigger, stop] + ([str(rounds)] if rounds else [])
        return args

    def test_attach_to_pid(self):
        trig, stop = os.path.join(self.dir, 'trigger'), os.path.join(self.dir, 'stop')
        run(['train', '-s', self.store, '--'] + self.serve(trig, stop, 25), check_rc=0)
        v = self.spawn(self.serve(trig, stop))
        time.sleep(0.2)
        t = self.spawn([BIN, 'score', '-s', self.store, '--summary=json', '-p', str(v.pid)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        settle(t, 0.7)   # attached: a few normal rounds go by
        open(trig, 'w').close()
        self.assertTrue(wait_for(lambda: not os.path.exists(trig)), 'victim never saw the trigger')
        time.sleep(0.2)
        open(stop, 'w').close()
        v.wait(timeout=10)
        out, err = t.communicate(timeout=20)   # ends by itself once its target is gone
        self.assertEqual(t.returncode, 1, err)
        r = reports(out)
        sock = [x for x in r if x['call'] == 'socket']
        self.assertEqual(len(sock), 1, r)
        self.assertEqual(sock[0]['pid'], v.pid)
        self.assertEqual(sock[0]['exe'], self.victim)
        # The normal rounds before the trigger were seen and were not anomalous.
        s = json.loads(err.decode().strip().split('\n')[-1])
        self.assertGreater(s['tracked_calls'], 50)
        # The first call off the normal path: access(TRIGGER) succeeds, then unlink(TRIGGER).
        self.assertEqual(r[0]['call'], 'unlink', r)

    def test_signal_saves(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=sig):
                shutil.rmtree(self.store, ignore_errors=True)
                trig = os.path.join(self.dir, 'trigger-%d' % sig)
                stop = os.path.join(self.dir, 'stop-%d' % sig)
                v = self.spawn(self.serve(trig, stop))
                t = self.spawn([BIN, 'train', '-s', self.store, '--summary=json', '-p',
                                str(v.pid)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                settle(t, 0.8)
                t.send_signal(sig)
                out, err = t.communicate(timeout=20)
                self.assertEqual(t.returncode, 0, err)
                s = json.loads(err.decode().strip().split('\n')[-1])
                self.assertEqual(s['profiles_saved'], 1)
                self.assertGreater(s['tracked_calls'], 20)
                self.assertTrue(os.path.exists(self.profile_path(self.victim)))
                self.assertIsNone(v.poll())   # the target keeps running
                open(stop, 'w').close()
                v.wait(timeout=10)

    def test_unrelated_busy_process(self):
        # The same program, busy on its other path, but not a descendant of the traced command.
        busy = self.spawn([VICTIM, 'busy', self.data, '4'])
        time.sleep(0.1)
        for _ in range(3):
            p = run(['train', '-s', self.store, '--summary=json', '--', VICTIM, 'normal',
                     self.data], check_rc=0)
            s = summary(p)
            self.assertEqual(s['processes'], 1)
            self.assertLess(s['calls'], 100)   # busy makes thousands of calls a second
        self.assertIsNone(busy.poll())
        p = run(['score', '-s', self.store, '--', VICTIM, 'other', self.data], check_rc=1)
        self.assertIn('socket', [x['call'] for x in reports(p.stdout)])
        busy.wait(timeout=10)

    def test_system_wide_with_exe_filter(self):
        # A busy unrelated program (dd, a call per byte) while -a traces everything.
        dd = self.spawn(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=100000000'],
                        stderr=subprocess.DEVNULL)
        time.sleep(0.1)
        p = run(['train', '-a', '-e', VICTIM, '-s', self.store, '--summary=json', '--', VICTIM,
                 'normal', self.data], check_rc=0)
        dd.kill()
        dd.wait()
        s = summary(p)
        self.assertEqual(s['lost'], 0)
        self.assertGreater(s['calls'], s['tracked_calls'])
        self.assertEqual(s['profiles_saved'], 1)
        self.assertTrue(os.path.exists(self.profile_path(self.victim)))
        self.assertFalse(os.path.exists(self.profile_path(os.path.realpath(shutil.which('dd')))))

    def test_delay_stops_process(self):
        trig, stop = os.path.join(self.dir, 'trigger'), os.path.join(self.dir, 'stop')
        # Long enough a run that the profile freezes and (normal wait 0) becomes normal.
        # (Its exit after the last round, never seen before, may already be reported.)
        p = run(['monitor', '-s', self.store, '--normal-wait=0', '--summary=json',
                 '--state-events', '--'] + self.serve(trig, stop, 60))
        self.assertIn(p.returncode, (0, 1), p.stderr)
        self.assertIn('normal', [c for x in reports(p.stdout) if x['type'] == 'state'
                                 for c in x['changes']])
        v = self.spawn(self.serve(trig, stop))
        t = self.spawn([BIN, 'monitor', '-s', self.store, '--normal-wait=0', '--delay=200',
                        '--max-delay=1500', '--summary=json', '-p', str(v.pid)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        settle(t, 0.7)
        open(trig, 'w').close()
        self.assertTrue(wait_for(lambda: state_of(v.pid) == 'T', 5), 'never stopped')
        self.assertTrue(wait_for(lambda: state_of(v.pid) not in ('T', None), 5), 'never resumed')
        open(stop, 'w').close()
        v.wait(timeout=10)
        out, err = t.communicate(timeout=20)
        r = [x for x in reports(out) if x['type'] == 'anomaly']
        self.assertTrue(r)
        self.assertEqual(r[0]['state'], 'normal')
        self.assertEqual(r[0]['delay_ms'], 400)   # 2^1 x 200
        self.assertIn(b'"anomalies"', err)

    def test_lost_samples_counted(self):
        # A one-page ring cannot keep up with a call per byte: the kernel drops samples and
        # says how many in LOST records, which the summary reports.
        dd = shutil.which('dd')
        p = run(['train', '-s', self.store, '--summary=json', '--ring-size=4K', '--', dd,
                 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=200000'], check_rc=0)
        s = summary(p)
        self.assertGreater(s['lost'], 0)
        self.assertGreater(s['lost_records'], 0)
        # What was read and what the kernel says it dropped are (about) all of dd's calls:
        # losses in the last moments before dd exits have no later record to report them.
        self.assertGreater(s['calls'] + s['lost'], 390000)
        self.assertLessEqual(s['calls'] + s['lost'], 400200)
        self.assertTrue(os.path.exists(self.profile_path(os.path.realpath(dd))))
        p = run(['train', '--no-store', '--ring-size=4K', '--', dd, 'if=/dev/zero',
                 'of=/dev/null', 'bs=1', 'count=200000'], check_rc=0)
        self.assertIn(b'LOST records (windows restarted', p.stderr)

    def test_record_replay(self):
        self.train_normal()
        rec = os.path.join(self.dir, 'run.rec')
        live = run(['score', '-s', self.store, '--summary=json', '--record', rec, '--', VICTIM,
                    'forkchild', self.data], check_rc=1)
        again = run(['score', '-s', self.store, '--summary=json', '--replay', rec], check_rc=1)
        a, b = summary(live), summary(again)
        for k in ('calls', 'tracked_calls', 'processes', 'forks', 'execs', 'anomalies'):
            self.assertEqual(a[k], b[k], k)
        strip = lambda rs: [(x['tid'], x['call'], x['misses'], x['lfc']) for x in rs]
        self.assertEqual(strip(reports(live.stdout)), strip(reports(again.stdout)))

    def test_i386_program_kept_apart(self):
        # A 32-bit program's calls arrive with i386 numbers: the ELF header at exec says so,
        # and its profile is kept apart from the 64-bit one.
        cc = shutil.which('cc') or shutil.which('gcc')
        v32 = os.path.join(self.dir, 'victim32')
        if not cc or subprocess.run([cc, '-m32', '-static', '-O2', '-o', v32,
                                     os.path.join(SRCDIR, 'victim.c'), '-lpthread'],
                                    capture_output=True).returncode:
            self.skipTest('no 32-bit compiler (gcc-multilib)')
        for _ in range(3):
            run(['train', '-s', self.store, '--', v32, 'normal', self.data], check_rc=0)
        self.train_normal()
        self.assertTrue(os.path.exists(os.path.join(self.store, v32.lstrip('/'),
                                                    '%25arch-40000003', '%profile')))
        p = run(['score', '-s', self.store, '--', v32, 'other', self.data], check_rc=1)
        r = reports(p.stdout)
        self.assertEqual(r[0]['arch'], 'i386', r)
        # glibc on i386 makes socket() a socketcall (102; on x86_64, 102 is getuid) or, in
        # newer builds, the direct socket call (359; x86_64's is 41): i386 numbers either way.
        self.assertIn((r[0]['call'], r[0]['nr']), [('socketcall', 102), ('socket', 359)], r)
        self.assertEqual(r[0]['exe'], v32)
        # The 64-bit victim's profile is its own.
        run(['score', '-s', self.store, '--', VICTIM, 'normal', self.data], check_rc=0)

    def test_mounts_tracefs(self):
        # In a private mount namespace without tracefs, selfseq-trace mounts it itself.
        if not shutil.which('unshare'):
            self.skipTest('no unshare')
        script = ('umount /sys/kernel/tracing 2>/dev/null; '
                  'if grep -q " tracefs " /proc/mounts; then echo STILL; exit 0; fi; '
                  '"$0" train --no-store --summary=none -- /bin/true && '
                  'grep " /sys/kernel/tracing tracefs " /proc/mounts')
        p = subprocess.run(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script,
                            BIN], capture_output=True, timeout=60)
        if b'STILL' in p.stdout:
            self.skipTest('tracefs is mounted elsewhere too')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b'tracefs', p.stdout)

    def test_unprivileged_user(self):
        if not shutil.which('setpriv'):
            self.skipTest('no setpriv')
        p = subprocess.run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', BIN,
                            'train', '--no-store', '--', '/bin/true'], capture_output=True,
                           timeout=30)
        if p.returncode == 0:
            self.skipTest('this kernel lets unprivileged users trace')
        self.assertEqual(p.returncode, PERM, p.stderr)
        self.assertIn(b'perf_event_paranoid', p.stderr)


def main():
    global BIN, VICTIM, SRCDIR
    BIN, VICTIM, SRCDIR = sys.argv[1], sys.argv[2], sys.argv[3]
    del sys.argv[1:4]
    probe = subprocess.run([BIN, 'train', '--no-store', '--summary=none', '--', '/bin/true'],
                           capture_output=True, timeout=60)
    if probe.returncode == PERM:
        sys.stderr.write('SKIP: perf_event_open refused here: %s' % probe.stderr.decode())
        sys.exit(77)
    if probe.returncode != 0:
        sys.stderr.write('selfseq-trace does not run: %s' % probe.stderr.decode())
        sys.exit(1)
    unittest.main(verbosity=2)


if __name__ == '__main__':
    main()
