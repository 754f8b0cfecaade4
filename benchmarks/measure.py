"""Whole-process measurements shared by the benchmarks: CPU, wall, peak RSS.

Every number is taken from one child process (``os.wait4`` gives that
child's own rusage), so runs never mix. nixls runs as ``python -m nixls``
from this checkout; C++ Nix is ``nix226-instantiate`` (or ``$NIX_INSTANTIATE``)
and is optional: without it, the Nix columns stay empty.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    """One finished child process."""

    wall: float
    cpu: float  # user + system seconds of the child
    rss_mb: float  # its peak resident set
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """Whether the process exited with status 0."""
        return self.returncode == 0

    def error_line(self) -> str:
        """The last non-empty line of stderr (why it failed), shortened."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("error:")]
        if errors or lines:
            return (errors or lines)[-1][:120]
        return f"exit status {self.returncode}"


def run(
    cmd: Sequence[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Run:
    """Run ``cmd`` to completion and measure it alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        try:
            _, status, usage = _wait(proc.pid, timeout)
        except TimeoutError:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            status = -9
        wall = time.perf_counter() - start
        proc.returncode = 0  # reaped by wait4 above; keeps Popen from waiting again
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status) if status != -9 else -9
        return Run(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            rss_mb=usage.ru_maxrss / 1024,
            returncode=code,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


def _wait(pid: int, timeout: float | None) -> tuple[int, int, os.struct_rusage]:
    if timeout is None:
        return os.wait4(pid, 0)
    deadline = time.monotonic() + timeout
    while True:
        got, status, usage = os.wait4(pid, os.WNOHANG)
        if got == pid:
            return got, status, usage
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.01)


def nixls_env(cache_dir: Path | None = None) -> dict[str, str]:
    """Environment for a nixls child: this checkout first on the path.

    ``cache_dir`` becomes ``XDG_CACHE_HOME``: a fresh directory makes a cold
    run, a directory a previous run filled makes a warm one (nixls's cache of
    compiled files is there).
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if cache_dir is not None:
        env["XDG_CACHE_HOME"] = str(cache_dir)
    return env


def nixls_cmd(*args: str) -> list[str]:
    """The command line of ``nixls ARGS`` from this checkout."""
    return [sys.executable, "-m", "nixls", *args]


def nix_exe() -> str | None:
    """C++ Nix's ``nix-instantiate`` (2.26.3 here), or None when absent."""
    chosen = os.environ.get("NIX_INSTANTIATE")
    if chosen:
        return shutil.which(chosen)
    return shutil.which("nix226-instantiate")


def ratio(ours: float | None, theirs: float | None) -> float | None:
    """ours / theirs, with C++ Nix's time floored at 1 ms."""
    if ours is None or theirs is None:
        return None
    return ours / max(theirs, 0.001)


def summary(label: str, ratios: Sequence[float]) -> str:
    """``label: median X, worst Y (n rows)`` or a note that there is none."""
    if not ratios:
        return f"{label}: no ratio (C++ Nix missing or every row failed)"
    return (
        f"{label}: median {statistics.median(ratios):.1f}x, "
        f"worst {max(ratios):.1f}x ({len(ratios)} rows)"
    )


def fmt(value: float | None, spec: str = ".2f") -> str:
    """A number for a table cell, or ``-``."""
    return "-" if value is None else format(value, spec)
