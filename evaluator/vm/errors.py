"""Nix evaluation errors.

Raised inside frames (generated code or builtins); the loop adds the Nix
trace as the error travels up the frame stack. Only :class:`CatchableError`
(``throw``, ``assert``) is caught by ``builtins.tryEval``.
"""

from __future__ import annotations

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

    def add_trace(self, message: str, span: tuple[Any, int, int] | None) -> None:
        """Record that this error happened while evaluating something."""
        self.trace.append((message, span))

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
    """A value of the wrong type (`value is a string while a set was expected`)."""


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


class DependsOnUnknown(NixError):
    """The value needed is unknown here (see :class:`evaluator.vm.values.Unknown`).

    Not an error in the code: whoever asked learns *what* it depends on from
    ``unknown``, not from the message.
    """

    def __init__(self, unknown: Any, span: tuple[Any, int, int] | None = None) -> None:
        super().__init__(f"depends on {unknown.description}", span)
        self.unknown = unknown
