"""Background jobs for evaluation: worker threads, cancellation, results on the loop.

Evaluations run on worker threads so the event loop keeps answering
requests (the evaluator's loop yields the GIL regularly, and every
evaluation has a budget). Each job gets a :class:`threading.Event` it must
poll (the evaluator does, every few hundred steps); jobs are grouped by a
key (usually a document URI) so that an edit cancels everything that was
computing on the old text.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Enough threads that a runaway file evaluation does not delay a hover's
# evaluation; every job is bounded by its budget anyway.
WORKERS = 4


class Job:
    """One background computation and its cancellation flag."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.cancel = threading.Event()


class JobRunner:
    """Runs jobs on a thread pool and delivers results to asyncio awaiters."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nixls-eval")
        self._running: dict[str, set[Job]] = {}
        self._lock = threading.Lock()
        self._active = 0  # jobs executing on a thread right now

    async def run(self, key: str, fn: Callable[[threading.Event], T]) -> T:
        """Run ``fn(cancel_flag)`` on a worker thread and await its result.

        If the awaiting task is cancelled (``$/cancelRequest``, a newer
        evaluation), the flag is set so the evaluation stops promptly.
        """
        job = Job(key)
        with self._lock:
            self._running.setdefault(key, set()).add(job)
        loop = asyncio.get_running_loop()

        def work() -> T:
            with self._lock:
                self._active += 1
            try:
                return fn(job.cancel)
            finally:
                with self._lock:
                    self._active -= 1

        try:
            return await loop.run_in_executor(self._pool, work)
        except asyncio.CancelledError:
            job.cancel.set()
            raise
        finally:
            with self._lock:
                group = self._running.get(key)
                if group is not None:
                    group.discard(job)
                    if not group:
                        del self._running[key]

    @property
    def active(self) -> int:
        """How many jobs are executing on worker threads (cancelled ones until they stop)."""
        with self._lock:
            return self._active

    def cancel(self, key: str) -> int:
        """Signal every running job of ``key`` to stop; returns how many."""
        with self._lock:
            jobs = list(self._running.get(key, ()))
        for job in jobs:
            job.cancel.set()
        return len(jobs)

    def cancel_all(self) -> None:
        """Signal every running job to stop (shutdown)."""
        with self._lock:
            jobs = [j for group in self._running.values() for j in group]
        for job in jobs:
            job.cancel.set()

    def shutdown(self) -> None:
        """Cancel everything and release the threads."""
        self.cancel_all()
        self._pool.shutdown(wait=False, cancel_futures=True)


def describe(exc: BaseException) -> str:
    """A one-line description of an unexpected failure (for logs and errors)."""
    return f"{type(exc).__name__}: {exc}"
