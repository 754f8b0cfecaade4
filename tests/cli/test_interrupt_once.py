"""Ctrl-C is told once, even when the grace timer fires after the normal exit path printed.

Under load the command's own "interrupted" line and the 0.1 s exit timer
raced, and the line came twice. The child here makes the race certain: it
prints through the normal path, then stays inside the interrupt guard until
the timer ends the process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.cli.nixls_run import ROOT, environment

CHILD = textwrap.dedent(
    """
    import os, signal, threading, time
    from nixls.cli.interrupt import cancel_on_sigint, say_interrupted

    flag = threading.Event()
    with cancel_on_sigint(flag):
        os.kill(os.getpid(), signal.SIGINT)
        while not flag.is_set():
            time.sleep(0.001)
        say_interrupted()  # the normal path: the evaluation saw the cancel flag
        time.sleep(60)  # a slow exit: the grace timer fires and ends the process
    """
)


def _python(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter of this checkout."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment(),
        timeout=120,
    )


def test_the_interrupted_line_is_printed_once_when_the_exit_timer_fires_late() -> None:
    proc = _python(CHILD)
    assert (proc.returncode, proc.stderr) == (130, "error: interrupted by the user\n")


def test_the_line_is_printed_once_when_both_paths_print_in_turn() -> None:
    # The second order of the race, in one process: the timer's path first
    # (said, then os._exit, which is left out here), then the command's.
    child = textwrap.dedent(
        """
        import io, threading
        from nixls.cli import interrupt

        with interrupt.cancel_on_sigint(threading.Event()):
            buf = io.StringIO()
            interrupt.say_interrupted(buf)
            interrupt.say_interrupted(buf)
        print(repr(buf.getvalue()))
        """
    )
    proc = _python(child)
    assert (proc.returncode, proc.stdout) == (0, "'error: interrupted by the user\\n'\n")
