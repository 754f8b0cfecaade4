"""Limits for Python code that walks Nix values without the loop's help.

Printing, coercion to strings, JSON and XML, equality and deep forcing walk
values of any size in plain Python loops: they call :func:`checkpoint`
every :data:`EVERY` items, so steps, time, memory and cancellation are
checked as the loop checks them. Values can be cyclic (``let s = { inherit
s; }; in s``): a walk that follows one without remembering what it saw nests
forever, so nesting beyond :data:`MAX_DEPTH` ends with the error C++ Nix
gives when its native stack overflows.
"""

from __future__ import annotations

from evaluator.vm.budget import checkpoint
from evaluator.vm.errors import NixError

__all__ = ["EVERY", "MAX_DEPTH", "checkpoint", "too_deep"]

EVERY = 1024  # items between two budget checks (a power of two: `n & (EVERY - 1)`)

# Nix 2.26's `toJSON` overflows its stack between 70,000 and 100,000 nested lists.
MAX_DEPTH = 100_000


def too_deep() -> NixError:
    """The error of a walk nested beyond :data:`MAX_DEPTH`."""
    return NixError("stack overflow (possible infinite recursion)")
