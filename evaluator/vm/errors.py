"""Nix evaluation errors.

Raised inside frames (generated code or builtins); the loop adds the Nix
trace as the error travels up the frame stack. Only :class:`CatchableError`
(``throw``, ``assert``) is caught by ``builtins.tryEval``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class NixError(Exception):
    """An evaluation error with a location and a Nix-level trace.

    ``span`` is ``(source, start, end)`` where ``source`` is the
    :class:`evaluator.syntax.source.Source`-like object of the file (or
    ``None``); ``trace`` collects ``(message, span)`` pairs, innermost
    first, printed as ``while evaluating ...`` lines.
    """

    def __init__(self, message: str, span: tuple[Any, int, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.trace: list[tuple[str, tuple[Any, int, int] | None]] = []

    def add_trace(
        self,
        message: str,
        span: tuple[Any, int, int] | None,
        *,
        full_only: bool = False,
        always: bool = False,
    ) -> None:
        """Record that this error happened while evaluating something.

        ``full_only``: an entry Nix collects only with ``--show-trace`` (a
        function call); ``always``: one Nix prints even after it cuts a brief
        trace short (``addErrorContext``'s)."""
        self.trace.append((message, span))
        if full_only:
            self.__dict__.setdefault("full_trace_only", set()).add(len(self.trace) - 1)
        if always:
            self.__dict__.setdefault("always_shown", set()).add(len(self.trace) - 1)

    def locate(self, span: tuple[Any, int, int] | None) -> NixError:
        """Set the span if none is known yet; returns self for `raise`."""
        if self.span is None:
            self.span = span
        return self


class CatchableError(NixError):
    """Errors `tryEval` catches."""


class ThrownError(CatchableError):
    """`throw "msg"`."""


class AssertionFailed(CatchableError):
    """`assert false; ...`."""


class EvalTypeError(NixError):
    """A value of the wrong type (`expected a set but found a string: "x"`)."""


class UsageError(NixError):
    """A wrong setting given to Nix (an unknown hash algorithm): the
    command line adds a hint to see its ``--help``, as Nix does."""


class AbortError(NixError):
    """`abort "msg"`: not catchable."""


class InfiniteRecursion(NixError):
    """A thunk forced while it is being forced."""

    def __init__(self, span: tuple[Any, int, int] | None = None) -> None:
        super().__init__("infinite recursion encountered", span)


class BudgetExceeded(NixError):
    """Steps, time or memory budget exhausted; never catchable."""


class Cancelled(NixError):
    """The evaluation was cancelled from outside (e.g. the document changed)."""

    def __init__(self) -> None:
        super().__init__("evaluation cancelled")


def suggest(err: NixError, names: Iterable[str], query: str) -> NixError:
    """Attach Nix's "Did you mean" suggestions: up to five of ``names`` at most two
    edits away from ``query``, nearest first. Returns ``err`` for `raise`."""
    ranked = sorted((_distance(query, name), name) for name in names)
    err.__dict__["suggestions"] = [name for d, name in ranked[:5] if d <= 2]
    return err


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short attribute names: quadratic is fine)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


class DependsOnUnknown(NixError):
    """The value needed is unknown here (see :class:`evaluator.vm.values.Unknown`).

    Not an error in the code: whoever asked learns *what* it depends on from
    ``unknown``, not from the message.
    """

    def __init__(self, unknown: Any, span: tuple[Any, int, int] | None = None) -> None:
        super().__init__(f"depends on {unknown.description}", span)
        self.unknown = unknown
