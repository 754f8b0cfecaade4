"""Python's cyclic garbage collector, tuned while evaluations run and restored after.

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
from types import TracebackType

GC_THRESHOLD = 200_000


class GcTuning:
    """A context manager: the raised threshold inside, the host's outside."""

    def __init__(self, threshold: int = GC_THRESHOLD) -> None:
        self.threshold = threshold
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: tuple[int, int, int] | None = None

    def __enter__(self) -> GcTuning:
        with self._lock:
            if self._depth == 0:
                current = gc.get_threshold()
                # A host that already collects less often keeps its setting.
                if current[0] < self.threshold:
                    self._saved = current
                    gc.set_threshold(self.threshold, current[1], current[2])
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
            if self._depth == 0 and self._saved is not None:
                gc.set_threshold(*self._saved)
                self._saved = None


# The tuning every run of the loop enters (see :func:`evaluator.vm.loop.run`).
EVALUATION_GC = GcTuning()
