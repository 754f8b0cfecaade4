"""How a theme module declares its builtins (the table is built in :mod:`.table`).

A builtin is a generator function (see :mod:`evaluator.vm.values` for the
protocol) marked with :func:`builtin`; a constant is a module-level
:class:`Constant` made by :func:`constant` or :func:`context_constant`.
Declaring changes no shared state: :func:`evaluator.builtins.table.build`
collects the declarations of the theme modules it lists.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evaluator.vm.context import EvalContext
from evaluator.vm.values import Frame, PrimOp

# The attributes :func:`builtin` sets on the function it marks.
PRIMOP_ATTR = "__nix_primop__"
GLOBAL_ATTR = "__nix_global__"


def builtin(
    name: str, arity: int, *, global_: bool = False, doc: str = ""
) -> Callable[[Callable[..., Frame]], Callable[..., Frame]]:
    """Mark a generator function as `builtins.<name>`.

    ``global_`` also makes it visible as a plain name (`map`, `toString`...).
    Every builtin is also visible globally as ``__<name>`` like in Nix,
    except the global ones.
    """

    def mark(fn: Callable[..., Frame]) -> Callable[..., Frame]:
        setattr(fn, PRIMOP_ATTR, PrimOp(name, arity, fn, doc or inspect.cleandoc(fn.__doc__ or "")))
        setattr(fn, GLOBAL_ATTR, global_)
        return fn

    return mark


@dataclass(frozen=True)
class Constant:
    """A non-function builtin; ``factory`` computes it per evaluation if given."""

    name: str
    value: Any
    global_: bool = False
    factory: Callable[[EvalContext], Any] | None = None


def constant(name: str, value: Any, *, global_: bool = False) -> Constant:
    """A builtin constant such as `true` or `nixVersion` (bind it at module level)."""
    return Constant(name, value, global_)


def context_constant(
    name: str, factory: Callable[[EvalContext], Any], *, global_: bool = False
) -> Constant:
    """A constant computed per evaluation from its EvalContext (bind it at module level)."""
    return Constant(name, None, global_, factory)
