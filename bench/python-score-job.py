#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""python-score-job.py PROFILE DIR: the Python side of python-score.py's
end-to-end comparison, written as a user would write it: load a profile,
read an ADFA-LD directory, score every trace and print what
`selfseq score --json --total` prints. Nothing else is imported, so the
time measured is the job's, not the benchmark's.
"""
import sys
from json import dumps

import selfseq


def main(profile_path, directory):
    prof = selfseq.Profile.load(profile_path)
    db = prof.test if prof.normal else prof.train
    frame = prof.lfc_frame
    calls = mism = maxm = anom = lfc = 0
    out = []
    traces = selfseq.read_adfa(directory)
    for t, s in zip(traces, db.score_many(traces, lfc_frame=frame)):
        out.append(f'{{"trace":{dumps(t.name)},"calls":{s.calls},"mismatches":{s.mismatches},'
                   f'"max_mismatches":{s.max_mismatches},"percent":{s.percent:.4f},'
                   f'"anomalous_calls":{s.anomalous_calls},"max_lfc":{s.max_lfc}}}\n')
        calls += s.calls
        mism += s.mismatches
        maxm += s.max_mismatches
        anom += s.anomalous_calls
        lfc = max(lfc, s.max_lfc)
    pct = 100.0 * mism / maxm if maxm else 0.0
    out.append(f'{{"trace":"total","calls":{calls},"mismatches":{mism},'
               f'"max_mismatches":{maxm},"percent":{pct:.4f},'
               f'"anomalous_calls":{anom},"max_lfc":{lfc}}}\n')
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
