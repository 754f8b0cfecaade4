"""Run `nixls` as a user does: a subprocess (``python -m nixls``) of this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data" / "samples"


def command(*args: str) -> list[str]:
    """The argv of `nixls ARGS...`."""
    return [sys.executable, "-m", "nixls", *args]


def environment() -> dict[str, str]:
    """The environment `nixls` runs in: this checkout first on the path, no NIX_PATH."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("NIX_PATH", None)
    return env


def nixls(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `nixls ARGS...` to completion, capturing its output."""
    return subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment(),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
