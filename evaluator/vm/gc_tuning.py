"""Python's cyclic garbage collector, tuned while evaluations run and restored after.

Three context managers (one counted base), one per kind of work: :data:`EVALUATION_GC` raises
the collection threshold while the loop runs; :data:`ONE_SHOT_GC` replaces it
when the process ends after its evaluation (``nixls eval``): collections by
memory growth, generational by hand with ``gc.freeze``; :data:`FRONT_END_GC` pauses
the collector while a file is compiled (parse, analysis, code generation,
CPython's ``compile()``), which allocates a large tree of long-lived
objects and frees almost none: every collection would rescan it for
nothing (37% of the front-end on a 4.7 MB file).

Evaluation allocates many small container objects (thunks, closures,
frames); with CPython's default threshold the cyclic collector runs every
700 allocations and takes up to 40% of the time. While at least one
evaluation runs, young-generation collections happen every
:data:`GC_THRESHOLD` allocations instead; when the last one ends, the
threshold the host had is put back. (The collector is one per process, so
the tuning is shared by evaluations that overlap on several threads.)
"""

from __future__ import annotations

import gc
import threading
import time
from types import TracebackType
from typing import Self

from evaluator.vm import memory

GC_THRESHOLD = 200_000


class _Counted:
    """A context manager applied by the first of overlapping entries and
    undone by the last exit (counted and locked: blocks may overlap on
    several threads, and the collector is one per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0

    def __enter__(self) -> Self:
        with self._lock:
            if self._depth == 0:
                self._apply()
            self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                self._undo()

    def _apply(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class GcTuning(_Counted):
    """A context manager: the raised threshold inside, the host's outside."""

    def __init__(self, threshold: int = GC_THRESHOLD) -> None:
        super().__init__()
        self.threshold = threshold
        self._saved: tuple[int, int, int] | None = None

    def _apply(self) -> None:
        current = gc.get_threshold()
        # A host that already collects less often keeps its setting.
        if current[0] < self.threshold:
            self._saved = current
            gc.set_threshold(self.threshold, current[1], current[2])

    def _undo(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None


class GcPause(_Counted):
    """A context manager: the cyclic collector off inside, as it was outside
    (re-enabled only if it was enabled when the first overlapping block began).

    When the collector comes back on, what the block allocated is moved to
    the oldest generation at once (``gc.freeze`` then ``gc.unfreeze``, both
    constant time): otherwise the first allocation after it runs a young
    collection that traverses every object made inside (0.6 s after a 16 s
    evaluation of 300 modules, or a compiled file's whole tree), to promote
    data that lives on anyway.

    While :attr:`keep_frozen` is set (by :class:`GcByMemory`, in a process
    that ends after its evaluation), leaving the block freezes everything
    alive instead: the compiled code and tables it made are kept for the
    rest of the process, and later collections never examine them.
    """

    def __init__(self) -> None:
        super().__init__()
        self._resume = False
        self.keep_frozen = False

    def _apply(self) -> None:
        self._resume = gc.isenabled()
        gc.disable()

    def _undo(self) -> None:
        if self.keep_frozen:
            gc.freeze()
        if self._resume:
            self._resume = False
            gc.freeze()
            gc.unfreeze()
            gc.enable()


GROWTH = 512 << 20  # bytes of growth between two full collections of ONE_SHOT_GC
YOUNG = 64 << 20  # bytes of growth between two collections of what is not frozen
POLL_EVERY = 0.02  # seconds between two reads of the resident set


class GcByMemory(GcPause):
    """A context manager: the collector off inside, except for collections
    that :meth:`poll` runs when the process grows; as it was outside.

    Generational by hand: a *young* collection (every ``young`` bytes of
    growth) examines only what is not frozen, then freezes the survivors,
    so each object is examined about once however long the evaluation runs;
    ``pause`` (the front end's) freezes what it built when it ends. A *full*
    collection (everything unfrozen first: frozen objects that died since
    are found) runs when the process has grown by ``growth`` bytes, or
    doubled, since the last one.

    Growth by more than ``young`` bytes between two polls (the loop polls
    every few hundred steps, so one builtin call made it: `range`, `genList`
    or `map` building a large value, which is alive) is frozen without a
    young collection: examining it would cost as much as it took to build
    (0.4 s of a 4 s run for a million element thunks) and find nothing; a full
    collection still examines it.
    """

    def __init__(
        self, growth: int = GROWTH, young: int = YOUNG, pause: GcPause | None = None
    ) -> None:
        super().__init__()
        self.growth = growth
        self.young = young
        self.pause = pause
        self.active = False
        self.collections = [0, 0]  # young and full collections run (the tests read them)
        self.bursts = 0  # growths frozen without a young collection
        self._limit = 0
        self._young_limit = 0
        self._next_poll = 0.0
        self._seen = 0  # the resident set the last poll read
        self._step = growth

    def __call__(self, growth: int) -> GcByMemory:
        """This policy with ``growth`` bytes between full collections, for one block."""
        self._step = growth
        return self

    def _apply(self) -> None:
        super()._apply()
        now = memory.rss() or 0
        self._limit = now + self._step
        self._young_limit = now + min(self.young, self._step)
        self._seen = now
        if self.pause is not None:
            self.pause.keep_frozen = True
        self.active = True

    def poll(self) -> None:
        """Collect if the process has grown enough (cheap when it has not)."""
        if not self.active:
            return
        now = time.monotonic()
        if now < self._next_poll:
            return
        self._next_poll = now + POLL_EVERY
        current = memory.rss()
        if current is None:
            return
        burst, self._seen = current - self._seen > min(self.young, self._step), current
        if current <= self._young_limit:
            return
        full = current > self._limit
        if full:
            gc.unfreeze()
        elif burst:  # alive (see the class's docstring): frozen unexamined
            gc.freeze()
            self.bursts += 1
            self._young_limit = current + min(self.young, self._step)
            return
        gc.collect()  # the frozen objects are not examined
        gc.freeze()
        self.collections[full] += 1
        after = memory.rss() or current
        self._seen = after
        if full:
            self._limit = max(after * 2, after + self._step)
        self._young_limit = after + min(self.young, self._step)

    def _undo(self) -> None:
        self.active = False
        if self.pause is not None:
            self.pause.keep_frozen = False
        self._step = self.growth
        gc.unfreeze()  # the host's objects back in its oldest generation
        super()._undo()


# The pause every compilation of a file (or of a deferred unit) enters.
FRONT_END_GC = GcPause()

# The tuning every run of the loop enters (see :func:`evaluator.vm.loop.run`).
EVALUATION_GC = GcTuning()

# The policy of a run in a process that ends after it (``run(one_shot=True)``).
ONE_SHOT_GC = GcByMemory(pause=FRONT_END_GC)
