"""Evaluations cannot run away: Ctrl-C stops them at once, endless recursion stops by itself.

These run `nixls eval` as a subprocess, as a user's shell does.
"""

from __future__ import annotations

import os
import platform
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.cli.nixls_run import ROOT, command, environment, nixls

# Endless and very long evaluations; each prints "trace: started" to stderr
# once the evaluation runs, so the test knows when to press Ctrl-C.
STARTED = 'builtins.trace "started"'
LONG = {
    "tail recursion": f"{STARTED} (let f = x: f x; in f 1)",
    "deep recursion": f"{STARTED} (let f = n: 1 + f (n + 1); in f 0)",
    "long builtin": f"{STARTED} (builtins.length (builtins.genList (x: x * x) 100000000))",
    "sort": f"{STARTED} (builtins.sort (a: b: a > b) (builtins.genList (x: x) 10000000))",
}


def _cpu_seconds(pid: int) -> float:
    """CPU time a running process has used so far (``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _interrupt_after_start(expr: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``expr``, press Ctrl-C once it runs: the outcome, and the CPU seconds
    the process used after the signal (how much it ran on; on a loaded
    machine wall time says more about the other processes than about it)."""
    proc = subprocess.Popen(
        command("eval", "--max-call-depth", "0", "-E", expr),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=environment(),
    )
    assert proc.stderr is not None and proc.stdout is not None
    first = proc.stderr.readline()
    assert first == "trace: started\n", first
    while _cpu_seconds(proc.pid) < 0.3:  # well into the evaluation
        time.sleep(0.02)
    at_signal = _cpu_seconds(proc.pid)
    proc.send_signal(signal.SIGINT)
    watchdog = threading.Timer(60, proc.kill)  # an interrupt that never lands
    watchdog.start()
    try:
        err = proc.stderr.read()
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        watchdog.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    after = usage.ru_utime + usage.ru_stime - at_signal
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), after


@pytest.mark.parametrize("name", sorted(LONG))
def test_sigint_stops_an_evaluation_with_130_within_half_a_second(name: str) -> None:
    done, cpu_after = _interrupt_after_start(LONG[name])
    assert done.returncode == 130
    assert done.stderr == "error: interrupted by the user\n"  # one line, no traceback
    assert done.stdout == ""
    assert cpu_after < 0.5, f"{name}: ran {cpu_after:.3f} CPU s after SIGINT"


def test_endless_tail_recursion_stops_at_the_default_call_depth() -> None:
    # The child's CPU time, not wall time: a loaded machine stretches wall time.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = nixls("eval", "-E", "let f = x: f x; in f 1", timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert proc.returncode == 1
    # The first line is what C++ Nix 2.26.3 prints for this expression.
    assert proc.stderr.startswith("error: stack overflow; max-call-depth exceeded\n")
    assert "«string»:1:" in proc.stderr
    assert elapsed < 30, f"took {elapsed:.1f} s of CPU"


def test_endless_non_tail_recursion_stops_too() -> None:
    proc = nixls("eval", "--max-call-depth", "10000", "-E", "let f = x: 1 + f x; in f 1")
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: stack overflow; max-call-depth exceeded\n")
    # Located at the recursive call, as Nix does (`f x`, column 16).
    assert "at «string»:1:16:" in proc.stderr


def test_deep_recursion_of_100000_works_by_default() -> None:
    proc = nixls("eval", "-E", "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 100000")
    assert (proc.returncode, proc.stdout) == (0, "100000\n"), proc.stderr


@pytest.mark.parametrize("tail", [True, False])
def test_max_call_depth_counts_every_call_tail_calls_included(tail: bool) -> None:
    body = "f (n - 1)" if tail else "1 + f (n - 1)"
    expr = f"let f = n: if n == 0 then 0 else {body}; in f 150"
    assert nixls("eval", "--max-call-depth", "200", "-E", expr).returncode == 0
    deep = nixls("eval", "--max-call-depth", "100", "-E", expr)
    assert deep.returncode == 1
    assert "max-call-depth exceeded" in deep.stderr


def test_max_call_depth_0_means_no_limit() -> None:
    endless = "let f = x: f x; in f 1"
    limited = nixls("eval", "--max-call-depth", "1000", "--max-steps", "20000", "-E", endless)
    assert limited.stderr.startswith("error: stack overflow; max-call-depth exceeded")
    unlimited = nixls("eval", "--max-call-depth", "0", "--max-steps", "20000", "-E", endless)
    assert unlimited.returncode == 1
    assert unlimited.stderr.startswith("error: evaluation budget exceeded (steps)")


def _wait_reading_stdin(pid: int, timeout: float = 120) -> None:
    """Until the process sits in ``read(0, …)`` (Linux ``/proc/PID/syscall``)."""
    read = {"x86_64": "0", "aarch64": "63"}.get(platform.machine())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            call = Path(f"/proc/{pid}/syscall").read_text().split()
        except OSError:
            call = []
        if read is None or not call:  # not knowable here: give it time instead
            time.sleep(2)
            return
        if call[:2] == [read, "0x0"]:
            return
        time.sleep(0.05)
    raise AssertionError("the command never read its standard input")


@pytest.mark.parametrize("args", [("parse", "-"), ("eval", "-")])
def test_sigint_while_reading_stdin_exits_130(args: tuple[str, ...]) -> None:
    # Not an evaluation: the command waits for input when Ctrl-C comes.
    proc = subprocess.Popen(
        command(*args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=environment(),
        # As from a terminal, whatever the suite's own disposition (a shell
        # starting it in the background ignores SIGINT, and children inherit).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    _wait_reading_stdin(proc.pid)  # started (however long that takes) and blocked
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)  # before closing its stdin
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, out, err) == (130, "", "error: interrupted by the user\n")
