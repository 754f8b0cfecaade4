"""The running evaluation's budget: its limits, and the checks Python code
makes against it between two requests to the loop.

Apart from :mod:`evaluator.vm.loop` (which sets :data:`ACTIVE` for a run), so
that code walking values (printing, equality, coercion) can check the budget
without importing the loop.
"""

from __future__ import annotations

import contextvars
import time
from typing import Protocol

from evaluator.vm import memory
from evaluator.vm.errors import BudgetExceeded, Cancelled, NixError

# Approximate sizes (bytes) for :func:`charge`.
LIST_ITEM_SIZE = 8
ATTR_SIZE = 48


class CancelFlag(Protocol):
    """Anything with ``is_set()``, e.g. :class:`threading.Event`."""

    def is_set(self) -> bool: ...


class Budget:
    """Limits of one evaluation; ``None`` means unlimited.

    ``timeout`` is in seconds from the start of :func:`run`. ``max_memory``
    bounds :attr:`allocated`, an estimate in bytes fed by :func:`charge`
    (list lengths, string lengths, attribute counts), and the growth of the
    process's resident memory since the first :func:`run` (``rss_base``).
    ``max_call_depth``
    bounds nested function calls, tail calls included (each counts one
    deeper than the frame it replaces), as Nix's ``max-call-depth`` does:
    an endless tail recursion stops; ``None`` or 0 means unlimited.
    """

    # A plain class, not a dataclass: importing `dataclasses` (inspect, ast,
    # dis) was a tenth of the start-up of `nixls eval`.
    __slots__ = (
        "max_steps",
        "timeout",
        "max_memory",
        "max_call_depth",
        "cancel",
        "steps",
        "allocated",
        "deadline",
        "rss_base",
        "rss_next",
    )

    def __init__(
        self,
        max_steps: int | None = None,
        timeout: float | None = None,
        max_memory: int | None = None,
        max_call_depth: int | None = None,
        cancel: CancelFlag | None = None,
        steps: int = 0,
        allocated: int = 0,
        deadline: float | None = None,
        rss_base: int | None = None,
        rss_next: float = 0.0,
    ) -> None:
        self.max_steps = max_steps
        self.timeout = timeout
        self.max_memory = max_memory
        self.max_call_depth = max_call_depth
        self.cancel = cancel
        self.steps = steps
        self.allocated = allocated
        self.deadline = deadline
        self.rss_base = rss_base
        self.rss_next = rss_next

    def __repr__(self) -> str:
        # As the dataclass it was: the limits and the counts, no internals.
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__[:7])
        return f"Budget({fields})"

    def check(self) -> NixError | None:
        """The error to raise if a limit is exceeded or cancellation asked."""
        if self.cancel is not None and self.cancel.is_set():
            return Cancelled()
        if self.max_steps is not None and self.steps > self.max_steps:
            return BudgetExceeded("evaluation budget exceeded (steps)")
        if self.deadline is not None and time.monotonic() > self.deadline:
            return BudgetExceeded("evaluation budget exceeded (time)")
        if self.max_memory is not None and (
            self.allocated > self.max_memory or memory.over_limit(self)
        ):
            return BudgetExceeded("evaluation budget exceeded (memory)")
        return None


ACTIVE: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "nixls_active_budget", default=None
)


def charge(size: int) -> None:
    """Count ``size`` approximate bytes against the running evaluation's budget.

    Called by builtins and generated code *before* building large values,
    so a runaway allocation stops with a clean error instead of exhausting
    memory; a long builtin that charges as it goes sees cancellation here.
    """
    budget = ACTIVE.get()
    if budget is not None:
        budget.allocated += size
        if budget.max_memory is not None and budget.allocated > budget.max_memory:
            raise BudgetExceeded("evaluation budget exceeded (memory)")
        if budget.cancel is not None and budget.cancel.is_set():
            raise Cancelled()


def checkpoint(steps: int = 1024, size: int = 0) -> None:
    """For Python code walking a value without yielding to the loop (printing,
    coercion, equality, ...): count ``steps`` and ``size`` bytes, then check
    the budget and cancellation as the loop does. Call it every ``steps`` items.
    """
    budget = ACTIVE.get()
    if budget is not None:
        budget.steps += steps
        budget.allocated += size
        problem = budget.check()
        if problem is not None:
            raise problem
