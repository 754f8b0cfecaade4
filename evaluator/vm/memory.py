"""The process's real memory: measured during an evaluation, given back after.

The memory budget counts an estimate of what an evaluation allocates
(:func:`evaluator.vm.budget.charge`); estimates miss what Python really spends
on objects, so the budget also bounds the growth of the resident set since
the evaluation started, read from ``/proc/self/statm`` (kept open: ~3 microseconds
a read, and only every :data:`RSS_EVERY` seconds). Where that file does not exist
the estimate alone applies.

After a failed or large evaluation, :func:`release` runs the cyclic garbage
collector (thunks and closures form cycles) and asks the C allocator to
return freed pages, so a long-running server's memory comes back down.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from typing import Any

RSS_EVERY = 0.01  # seconds between two reads of the resident set size

try:
    _PAGE = os.sysconf("SC_PAGE_SIZE")
except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
    _PAGE = 4096


# `/proc/self/statm` kept open, with the process it was opened in: reading
# it again from offset 0 gives the current figures, ~7x cheaper than opening
# it each time (a one-shot home-manager run reads it ~700 times). A forked
# child opens its own (the descriptor names the parent's entry).
_statm: list[int] = [-1, -1]  # descriptor, pid
_statm_lock = threading.Lock()


def rss() -> int | None:
    """The resident set size of this process in bytes, if it can be read."""
    fd, pid = _statm
    try:
        if pid != os.getpid():
            fd = _open_statm()
        return int(os.pread(fd, 128, 0).split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _open_statm() -> int:
    with _statm_lock:  # threads of a server may read it first together
        fd, pid = _statm
        if pid != os.getpid():
            if fd >= 0:
                os.close(fd)
                _statm[0] = -1
            fd = os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)
            _statm[:] = [fd, os.getpid()]
        return fd


def over_limit(budget: Any) -> bool:
    """Whether the process grew by more than ``budget.max_memory`` since
    ``budget.rss_base`` (checked at most every :data:`RSS_EVERY` seconds)."""
    now = time.monotonic()
    if now < budget.rss_next:
        return False
    budget.rss_next = now + RSS_EVERY
    current = rss()
    if current is None:
        return False
    if budget.rss_base is None:
        budget.rss_base = current
        return False
    return bool(current - budget.rss_base > budget.max_memory)


def _trim() -> Any:
    # The C library's symbols as the process already has them (glibc); no
    # `find_library`, which runs a subprocess. ctypes is imported here, when
    # first needed: start-up does without it.
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError, TypeError):
        return None


_malloc_trim: list[Any] = []


def release() -> None:
    """Free what a finished evaluation left behind, and give pages back to the OS."""
    global _floor
    gc.collect()
    if not _malloc_trim:
        _malloc_trim.append(_trim())
    if _malloc_trim[0] is not None:
        _malloc_trim[0](0)
    now = rss()
    if now is not None and (_floor is None or now < _floor):
        _floor = now


# The lowest resident set seen after a release (or at the first check): what
# a long-running host comes back to when nothing large is held.
_floor: int | None = None


def release_if_grown(since: int | None, slack: int) -> bool:
    """:func:`release` if the process grew by more than ``slack`` bytes since
    ``since`` (an earlier :func:`rss`). Called once the evaluation that grew
    it is over and nothing of it is referenced any more."""
    now = rss()
    if since is None or now is None or now - since <= slack:
        return False
    release()
    return True


def release_above_floor(slack: int) -> bool:
    """:func:`release` if the process is more than ``slack`` bytes above its
    floor (e.g. after a large document is closed: its tree is freed, but
    the pages stay with the process until they are given back)."""
    global _floor
    now = rss()
    if now is None:
        return False
    if _floor is None:
        _floor = now
        return False
    if now - _floor <= slack:
        return False
    release()
    return True
