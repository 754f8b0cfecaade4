"""Evaluated values kept across requests, so that `lib` is evaluated once.

Each request used to evaluate in a fresh :class:`EvalContext`, so every
hover or completion after `lib.` evaluated nixpkgs' lib again (hundreds of
milliseconds). A :class:`Session` keeps, per document path, what does not
depend on the document's text: the evaluation context (its imported files,
already evaluated as far as earlier requests forced them) and the values
of the file's supplied arguments (``autoArgs`` and the like), so the texts
of a document (edits, completion's patched text) share them.

A session is replaced when what its values depend on changes: the eval
settings, the workspace folders, or the text of another open document
(which an evaluation may import). Evaluations of one session run one at a
time (thunks are not shared between threads while running); a request
that cannot have the session quickly evaluates in a fresh context, as
before. Thunks interrupted by a budget or a cancellation are restored by
the evaluator's loop, so a session stays usable after one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evaluator.vm.context import EvalContext

if TYPE_CHECKING:
    from nixls.ide.live import Request

# How long a request waits for another evaluation of the same session.
WAIT = 1.0


@dataclass(eq=False)
class Session:
    """Evaluation state shared by the requests of one document."""

    key: tuple[Any, ...]
    context: EvalContext
    args: dict[str, Any] = field(default_factory=dict)  # argument text -> its thunk
    lock: threading.Lock = field(default_factory=threading.Lock)


class Sessions:
    """Sessions by document path (a bounded number, least recently used dropped)."""

    def __init__(self, max_sessions: int = 8) -> None:
        self._by_path: OrderedDict[str | None, Session] = OrderedDict()
        self._max = max_sessions
        self._lock = threading.Lock()

    def get(
        self, path: str | None, key: tuple[Any, ...], make_context: Callable[[], EvalContext]
    ) -> Session:
        """The session of ``path``; a new one if ``key`` (what it depends on) changed."""
        with self._lock:
            found = self._by_path.get(path)
            if found is not None and found.key == key:
                self._by_path.move_to_end(path)
                return found
            session = self._by_path[path] = Session(key, make_context())
            self._by_path.move_to_end(path)
            while len(self._by_path) > self._max:
                self._by_path.popitem(last=False)
            return session

    def clear(self) -> None:
        """Drop every session (e.g. files changed on disk)."""
        with self._lock:
            self._by_path.clear()


def others_stamp(documents: dict[str, Any], uri: str) -> tuple[tuple[str, int], ...]:
    """The generations of the open documents other than ``uri`` (what imports may read)."""
    return tuple(sorted((u, d.generation) for u, d in documents.items() if u != uri))


@contextmanager
def held(request: Request) -> Iterator[bool]:
    """Run a request in its session, if it has one and it is free soon (yields whether)."""
    session = request.session
    if session is None or not session.lock.acquire(timeout=WAIT):
        yield False
        return
    request.context = session.context
    request.env.arg_cache = session.args
    try:
        yield True
    finally:
        session.lock.release()
