# SPDX-License-Identifier: MIT
"""The README's example runs as written (on the real data sets)."""

import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))


def test_readme_example(data_dir, tmp_path, monkeypatch):
    with open(os.path.join(HERE, "..", "README.md"), encoding="utf-8") as f:
        code = re.search(r"```python\n(.*?)```", f.read(), re.S).group(1)
    for name in ("ADFA-LD", "mit-lpr"):
        os.symlink(os.path.join(data_dir, name), tmp_path / name)
    monkeypatch.chdir(tmp_path)
    scope = {}
    exec(compile(code, "README.md", "exec"), scope)  # pylint: disable=exec-used
    assert (scope["s"].mismatches, scope["s"].max_mismatches) == (4, 18)
    assert scope["prof2"].key == "/usr/sbin/sendmail"
    assert len(scope["scores"]) == 746 and len(scope["lpr"]) > 1
