"""Computing store paths writes nothing: no store, no cache, no home files.

The whole store corpus is evaluated in a fresh interpreter with a
read-only, empty HOME and an audit hook recording every file-system write
(``no_writes_driver.py``). The only writes allowed are inside the test's
temporary directory, where ``XDG_CACHE_HOME`` points (the parser caches its
tables there); nothing may touch a store, HOME or the source tree.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_evaluating_the_corpus_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(stat.S_IRUSR | stat.S_IXUSR)
    canary = tmp_path / "canary"
    cases = sorted(str(p) for p in (HERE / "cases").glob("*.nix"))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    try:
        proc = subprocess.run(
            [sys.executable, str(HERE / "no_writes_driver.py"), str(canary), *cases],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        home.chmod(stat.S_IRWXU)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert ["open", str(canary)] in report["writes"]
    outside = [w for w in report["writes"] if not w[1].startswith(str(tmp_path) + "/")]
    assert outside == []
    # Every case ran (errors are expected outcomes for the .err cases).
    assert len(report["codes"]) == len(cases)
    assert sum(code == 0 for code in report["codes"].values()) >= 60
    assert list(home.iterdir()) == []
