"""Background jobs for evaluation: worker threads, cancellation, results on the loop.

Evaluations run on worker threads so the event loop keeps answering
requests (the evaluator's loop yields the GIL regularly, and every
evaluation has a budget). Each job gets a :class:`threading.Event` it must
poll (the evaluator does, every few hundred steps); jobs are grouped by a
key (usually a document URI) so that an edit cancels everything that was
computing on the old text.

At most ``workers`` jobs hold a slot at once. A cancelled job whose thread
has not stopped within ``GRACE`` seconds is abandoned: its awaiter gets
the caller's "cancelled" answer and its slot is given back, so a runaway
evaluation that ignores its flag cannot starve the others. Abandoned
threads are bounded too (new jobs wait beyond ``MAX_ABANDONED``), and every
worker is a daemon thread, so the process can always exit.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Enough threads that a runaway file evaluation does not delay a hover's
# evaluation; every job is bounded by its budget anyway.
WORKERS = 4
# Cancelled jobs whose threads still run, beyond which new jobs wait.
MAX_ABANDONED = 16
# How long a cancelled job may take to stop before it is abandoned (seconds).
GRACE = 0.5


class Job:
    """One background computation and its cancellation flag."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.cancel = threading.Event()
        self.holds_slot = False
        self.abandoned: asyncio.Future[None] | None = None
        # Set while the job waits for a slot: stopping it answers at once.
        self.waiter: asyncio.Future[None] | None = None

    def stop(self) -> None:
        """Set the flag; abandon the job if its thread has not stopped after ``GRACE``.

        A job still waiting for a slot is woken, so it answers "stopped" now
        instead of when some other job frees a slot."""
        self.cancel.set()
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.get_loop().call_soon_threadsafe(_settle, waiter)
        abandoned = self.abandoned
        if abandoned is not None and not abandoned.done():
            abandoned.get_loop().call_later(GRACE, _settle, abandoned)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class JobRunner:
    """Runs jobs on daemon threads and delivers results to asyncio awaiters."""

    def __init__(self, workers: int = WORKERS, max_abandoned: int = MAX_ABANDONED) -> None:
        self._workers = workers
        self._max_abandoned = max_abandoned
        self._running: dict[str, set[Job]] = {}
        self._lock = threading.Lock()
        self._active = 0  # threads executing a job right now
        self._slots_used = 0  # jobs holding a slot (loop side)
        self._waiters: list[asyncio.Future[None]] = []
        self._closed = False

    async def run(
        self, key: str, fn: Callable[[threading.Event], T], abandoned: Callable[[], T]
    ) -> T:
        """Run ``fn(cancel_flag)`` on a worker thread and await its result.

        If the awaiting task is cancelled (``$/cancelRequest``, a newer
        evaluation), the flag is set so the evaluation stops promptly. A job
        cancelled through :meth:`cancel` before it got a worker, or that does
        not stop within ``GRACE``, answers ``abandoned()`` instead.
        """
        if self._closed:
            return abandoned()
        job = Job(key)
        job.abandoned = asyncio.get_running_loop().create_future()
        with self._lock:
            self._running.setdefault(key, set()).add(job)
        try:
            if not await self._acquire(job):
                return abandoned()  # stopped (an edit) while it waited for a slot
            future = self._start(job, fn)
            waits: set[asyncio.Future[Any]] = {future, job.abandoned}
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            if future.done():
                return future.result()
            log.warning("nixls: an evaluation of %s did not stop when cancelled", key)
            return abandoned()
        except asyncio.CancelledError:
            job.stop()
            raise
        finally:
            self._release(job)
            with self._lock:
                group = self._running.get(key)
                if group is not None:
                    group.discard(job)
                    if not group:
                        del self._running[key]

    async def _acquire(self, job: Job) -> bool:
        """Take a slot; False if the job was stopped first."""
        while not self._has_room():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            job.waiter = waiter
            try:
                await waiter
            finally:
                job.waiter = None
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if job.cancel.is_set():
                # The wake may have been meant for a slot just freed: pass it on.
                if self._has_room():
                    self._wake()
                return False
        if job.cancel.is_set():
            return False
        job.holds_slot = True
        self._slots_used += 1
        return True

    def _has_room(self) -> bool:
        with self._lock:
            abandoned = max(0, self._active - self._slots_used)
        return self._slots_used < self._workers and abandoned < self._max_abandoned

    def _release(self, job: Job) -> None:
        if job.holds_slot:
            job.holds_slot = False
            self._slots_used -= 1
            self._wake()

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
                return

    def _start(self, job: Job, fn: Callable[[threading.Event], T]) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def deliver(ok: bool, value: Any) -> None:
            if future.done():
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def work() -> None:
            try:
                result: Any = fn(job.cancel)
                ok = True
            except BaseException as exc:  # delivered to the awaiter, as an executor would
                result, ok = exc, False
            finally:
                with self._lock:
                    self._active -= 1
            try:
                loop.call_soon_threadsafe(deliver, ok, result)
                loop.call_soon_threadsafe(self._wake)
            except RuntimeError:
                pass  # the loop is closed: nobody waits any more

        with self._lock:
            self._active += 1
        threading.Thread(target=work, name=f"nixls-eval {job.key}", daemon=True).start()
        return future

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
            job.stop()
        return len(jobs)

    def cancel_all(self) -> None:
        """Signal every running job to stop (shutdown)."""
        with self._lock:
            jobs = [j for group in self._running.values() for j in group]
        for job in jobs:
            job.stop()

    def shutdown(self) -> None:
        """Cancel everything; later jobs are refused."""
        self._closed = True
        self.cancel_all()


def describe(exc: BaseException) -> str:
    """A one-line description of an unexpected failure (for logs and errors)."""
    return f"{type(exc).__name__}: {exc}"
