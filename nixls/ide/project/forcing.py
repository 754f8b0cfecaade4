"""Forcing a file's value deeply for diagnostics, without the closures of the derivations in it.

A package file's value is a derivation whose ``buildInputs`` are other
derivations, each with their own inputs: forcing everything would evaluate
the package's whole closure (all of nixpkgs' bootstrap for a real one) and
report other files' problems here. So a derivation *inside* the value is
forced to a set and no further; the value itself, even a derivation, is
forced through. Iterative, with the evaluator's budget checkpoints, like
:func:`evaluator.vm.deep_force.deep_force`.
"""

from __future__ import annotations

from typing import Any

from evaluator.vm import walk
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, Frame, NixList, Thunk


def _forced(x: Any) -> Frame:
    if type(x) is Thunk:
        return x.value if x.code is None else (yield x)
    return x


def _is_derivation(attrs: Attrs) -> Frame:
    kind = attrs.get("type")
    if kind is None:
        return False
    kind = yield from _forced(kind)
    return isinstance(kind, str) and str.__str__(kind) == "derivation"


def force_except_closures(v: Any) -> Frame:
    """Force ``v`` deeply, stopping at the derivations it contains (not ``v`` itself)."""
    root = v = yield from _forced(v)
    seen: set[int] = set()
    todo: list[Any] = [v]
    n = 0
    while todo:
        x = yield from _forced(todo.pop())
        n += 1
        if not n & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY)
        if type(x) is not NixList and type(x) is not Attrs or id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, NixList):
            todo.extend(reversed(x))
        elif isinstance(x, Attrs) and (x is root or not (yield from _is_derivation(x))):
            for name, item in reversed(list(x.items())):
                try:
                    todo.append((yield from _forced(item)))
                except NixError as e:
                    e.add_trace(f"while evaluating the attribute '{name}'", None)
                    raise
    return root
