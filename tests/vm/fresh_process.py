"""Running a test's function in a new Python process (for checks of the resident set)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def in_fresh_process(file: str, name: str) -> None:
    """Run function ``name`` of the module at ``file`` in a new Python process.

    Checks of the resident set need a process that does not hold freed
    memory from earlier tests: a long test process reuses it, and its RSS
    then does not grow where the check expects growth.
    """
    code = f"import runpy; runpy.run_path({file!r})[{name!r}]()"
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
