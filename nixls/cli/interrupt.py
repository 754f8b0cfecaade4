"""Ctrl-C during an evaluation: stop it cleanly, exit with status 130.

SIGINT sets the evaluation's cancel flag, so the loop stops at its next
budget check (well under a millisecond of work) and the command prints one
line. If the command has not finished :data:`GRACE` seconds later (a long
builtin that never reaches a check, or unwinding and freeing a very deep
stack), the process prints the same line and exits at once. The line is
printed once whichever comes first: both paths go through :func:`say_interrupted`.
"""

from __future__ import annotations

# The C module behind `signal`, which makes three enums at import: a
# millisecond of every command's start-up, for one handler.
import _signal
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

MESSAGE = "error: interrupted by the user"
EXIT_INTERRUPTED = 130
GRACE = 0.1  # seconds the cancel flag gets before the process leaves


# The normal exit path and the grace timer race (under load the timer can
# fire after the command printed the line but before the process is gone):
# whichever comes first prints, the other stays silent.
_said_lock = threading.Lock()
_said = False


def say_interrupted(stream: TextIO | None = None) -> None:
    """Print :data:`MESSAGE` to ``stream`` (stderr) unless it was already printed."""
    global _said
    with _said_lock:
        if _said:
            return
        _said = True
        print(MESSAGE, file=sys.stderr if stream is None else stream, flush=True)


def _leave_now() -> None:
    say_interrupted()
    os._exit(EXIT_INTERRUPTED)


@contextmanager
def cancel_on_sigint(flag: threading.Event) -> Iterator[None]:
    """While active, SIGINT sets ``flag``, then ends the process if still running."""
    global _said
    with _said_lock:
        _said = False  # a new evaluation: its interruption is told again
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only delivered to the main thread
        return
    timers: list[threading.Timer] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if flag.is_set():
            raise KeyboardInterrupt
        flag.set()
        timer = threading.Timer(GRACE, _leave_now)
        timer.daemon = True
        timers.append(timer)
        timer.start()

    previous = _signal.signal(_signal.SIGINT, handler)
    try:
        yield
    finally:
        for timer in timers:
            timer.cancel()
        _signal.signal(_signal.SIGINT, previous)
