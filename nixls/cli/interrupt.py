"""Ctrl-C during an evaluation: stop it cleanly, exit with status 130.

SIGINT sets the evaluation's cancel flag, so the loop stops at its next
budget check (well under a millisecond of work) and the command prints one
line. If the command has not finished :data:`GRACE` seconds later (a long
builtin that never reaches a check, or unwinding and freeing a very deep
stack), the process prints the same line and exits at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

MESSAGE = "error: interrupted by the user"
EXIT_INTERRUPTED = 130
GRACE = 0.1  # seconds the cancel flag gets before the process leaves


def _leave_now() -> None:
    print(MESSAGE, file=sys.stderr, flush=True)
    os._exit(EXIT_INTERRUPTED)


@contextmanager
def cancel_on_sigint(flag: threading.Event) -> Iterator[None]:
    """While active, SIGINT sets ``flag``, then ends the process if still running."""
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

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        for timer in timers:
            timer.cancel()
        signal.signal(signal.SIGINT, previous)
