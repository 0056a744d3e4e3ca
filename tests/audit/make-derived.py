#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Derive the edited test logs from raw.log, a real auditd recording.

The outputs are committed; this script says exactly how they were made.
Run from tests/audit:  python3 make-derived.py

  malformed.log    raw.log with bad lines and bad SYSCALL records inserted
  interleaved.log  raw.log with the records of neighbouring events interleaved
                   and events out of order, all within auparse's window
  rotated/         raw.log split into audit.log.2, audit.log.1, audit.log with
                   events cut across the files
  raw-eoe.log      raw.log with the EOE records auditd sends plugins (and never
                   writes to disk) after each event
  late.log         raw.log with one of victim64's events moved 10 events later
                   (well within 2 s): libauparse hands it over after younger
                   events of the same process, the reorder window restores it
"""
import os
import re

STAMP = re.compile(r'msg=audit\(([0-9]+\.[0-9]+:[0-9]+)\)')


def read(name):
    with open(name, 'rb') as f:
        return f.read().split(b'\n')[:-1]


def stamp(line):
    m = STAMP.search(line.decode('latin-1'))
    return m.group(1) if m else None


def events(lines):
    """Group lines into events by stamp, keeping the first-seen order."""
    order, by = [], {}
    for ln in lines:
        s = stamp(ln)
        if s not in by:
            by[s] = []
            order.append(s)
        by[s].append(ln)
    return [by[s] for s in order]


def write(name, lines, final_newline=True):
    with open(name, 'wb') as f:
        f.write(b'\n'.join(lines) + (b'\n' if final_newline else b''))


SYS = ('type=SYSCALL msg=audit(1795357109.630:{serial}): arch={arch} syscall={nr} '
       'success=yes exit=0 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid={pid} auid=4294967295 '
       'uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 '
       'comm="bad" exe={exe} key=(null)')


def bad(serial, arch='c000003e', nr='0', pid='424242', exe='"/usr/bin/bad"'):
    return SYS.format(serial=serial, arch=arch, nr=nr, pid=pid, exe=exe).encode()


def malformed(lines):
    out = []
    inserts = {
        # after line 20 (inside victim64's first run): lines libauparse drops
        20: [b'garbage line here',
             b'',
             b'   ',
             b'type=SYSCALL msg=audit(179535710',
             b'type=SYSCALL msg=audit(1795357109.630:900001 arch=c000003e syscall=0',
             b'x' * 20000],
        # SYSCALL records the parser must refuse, each for its own reason
        40: [bad(900010, nr='abc'),                     # bad_number
             bad(900011, pid='-5'),                     # bad_number
             bad(900012, nr='99999999999'),             # bad_number (overflow)
             bad(900013, arch='deadbeef'),              # unknown_arch
             bad(900014, arch='zz'),                    # bad_number
             bad(900015, exe='(null)'),                 # bad_exe
             bad(900016, exe='2F62696'),                # bad_exe: odd hex
             bad(900017, exe='2F0062'),                 # bad_exe: NUL inside
             bad(900018, exe='"/usr/bin/unterminated'),  # bad_exe
             bad(900019, pid='3861', nr='abc'),         # bad_number, victim's pid
             SYS.format(serial=900020, arch='c000003e', nr=1, pid=424242,
                        exe='"/x"').replace(' exe="/x"', '').encode(),  # bad_exe: no exe
             SYS.format(serial=900021, arch='c000003e', nr=1, pid=424242,
                        exe='"/x"').replace(' syscall=1', '').encode(),  # missing_field
             SYS.format(serial=900022, arch='c000003e', nr=1, pid=424242,
                        exe='"/x"').replace(' pid=424242', '').encode(),  # missing_field
             SYS.format(serial=900023, arch='c000003e', nr=1, pid=424242,
                        exe='"/x"').replace(' arch=c000003e', '').encode(),  # missing_field
             # a well-formed call of another program with a huge number
             bad(900030, nr='5000', pid='424243', exe='"/usr/bin/big"')],
    }
    for i, ln in enumerate(lines, 1):
        out.append(ln)
        out.extend(inserts.get(i, []))
    # the log ends in the middle of a record, without a newline
    out.append(b'type=SYSCALL msg=audit(1795357110.300:900099): arch=c000003e sysc')
    return out


def interleaved(lines):
    """Swap neighbouring events and push each event's last record one event later."""
    evs = [e for e in events(lines)]
    out, i = [], 0
    while i < len(evs):
        a = evs[i]
        b = evs[i + 1] if i + 1 < len(evs) else None
        if b and len(a) > 1 and len(b) > 1 and stamp(a[0]) and stamp(b[0]):
            # b's records first, then a's, with a's tail after b's tail:
            # a1 b1 a2.. b2.. interleaved
            out.append(b[0])
            out.append(a[0])
            out.extend(b[1:])
            out.extend(a[1:])
            i += 2
        else:
            out.extend(a)
            i += 1
    return out


def rotated(lines):
    n = len(lines)
    # cut inside events: a SYSCALL line ends one file, its PROCTITLE starts the next
    cuts = []
    for target in (n // 3, 2 * n // 3):
        j = target
        while not lines[j].startswith(b'type=SYSCALL'):
            j += 1
        cuts.append(j + 1)
    return [lines[:cuts[0]], lines[cuts[0]:cuts[1]], lines[cuts[1]:]]


def with_eoe(lines):
    out = []
    for ev in events(lines):
        out.extend(ev)
        s = stamp(ev[0])
        if s and len(ev) > 1:
            out.append(('type=EOE msg=audit(%s): ' % s).encode())
    return out


def late(lines):
    evs = events(lines)
    # the 30th event: inside victim64's first run
    k = 30
    assert b'victim64' in evs[k][0], evs[k][0][:80]
    moved = evs.pop(k)
    evs.insert(k + 10, moved)
    return [ln for ev in evs for ln in ev]


def main():
    lines = read('raw.log')
    write('malformed.log', malformed(lines), final_newline=False)
    write('interleaved.log', interleaved(lines))
    os.makedirs('rotated', exist_ok=True)
    parts = rotated(lines)
    write('rotated/audit.log.2', parts[0])
    write('rotated/audit.log.1', parts[1])
    write('rotated/audit.log', parts[2])
    write('raw-eoe.log', with_eoe(lines))
    write('late.log', late(lines))


if __name__ == '__main__':
    main()
