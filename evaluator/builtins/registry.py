"""The table of builtins, filled by the theme modules of this package.

A builtin is a generator function (see :mod:`evaluator.vm.values` for the
protocol) registered with :func:`builtin`; constants with :func:`constant`.
:func:`all_builtins` imports every theme module once and returns the table.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

from evaluator.builtins.globals import enabled
from evaluator.vm.context import EvalContext
from evaluator.vm.values import Attrs, Frame, PrimOp

# name (without `__`) -> PrimOp or constant value, as in `builtins.<name>`.
BUILTINS: dict[str, Any] = {}
# Names visible without `builtins.` (C++ Nix 2.8's global builtins), mapped
# to the key in BUILTINS they alias (e.g. "__typeOf" -> "typeOf").
GLOBALS: dict[str, str] = {}

# Constants whose value depends on the evaluation (`nixPath`, `currentTime`,
# `currentSystem`, `storeDir`): name -> function of the EvalContext. BUILTINS
# holds their value for a default context; :func:`builtins_for` the real one.
DYNAMIC: dict[str, Callable[[EvalContext], Any]] = {}

_loaded = False


def builtin(
    name: str, arity: int, *, global_: bool = False, doc: str = ""
) -> Callable[[Callable[..., Frame]], Callable[..., Frame]]:
    """Register a generator function as `builtins.<name>`.

    ``global_`` also makes it visible as a plain name (`map`, `toString`...).
    Every builtin is also visible globally as ``__<name>`` like in Nix,
    except the global ones.
    """

    def register(fn: Callable[..., Frame]) -> Callable[..., Frame]:
        BUILTINS[name] = PrimOp(name, arity, fn, doc or inspect.cleandoc(fn.__doc__ or ""))
        _register_global(name, global_)
        return fn

    return register


def constant(name: str, value: Any, *, global_: bool = False) -> None:
    """Register a non-function builtin such as `true` or `nixVersion`."""
    BUILTINS[name] = value
    _register_global(name, global_)


def context_constant(
    name: str, factory: Callable[[EvalContext], Any], *, global_: bool = False
) -> None:
    """Register a constant computed per evaluation from its EvalContext."""
    DYNAMIC[name] = factory
    BUILTINS[name] = factory(EvalContext())
    _register_global(name, global_)


def builtins_for(ctx: EvalContext) -> dict[str, Any]:
    """The builtins of one evaluation: name -> value, including `builtins`.

    Builtins of experimental features ``ctx`` does not enable are left out;
    context-dependent constants are computed from ``ctx``; the `builtins`
    attribute set (which contains itself) is built once per context and
    cached in ``ctx.extra``.
    """
    cached = ctx.extra.get("builtins_table")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    features = ctx.experimental_features
    table = {k: v for k, v in all_builtins().items() if enabled(k, features)}
    for name, factory in DYNAMIC.items():
        table[name] = factory(ctx)
    attrs = Attrs(sorted(table.items()))
    attrs["builtins"] = attrs
    table["builtins"] = attrs
    ctx.extra["builtins_table"] = table
    return table


def _register_global(name: str, global_: bool) -> None:
    if global_:
        GLOBALS[name] = name
    else:
        GLOBALS["__" + name] = name


def all_builtins() -> dict[str, Any]:
    """Every builtin (feature-gated ones too), after importing all theme modules."""
    global _loaded
    if not _loaded:
        _loaded = True
        package = importlib.import_module("evaluator.builtins")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name != "registry":
                importlib.import_module(f"evaluator.builtins.{info.name}")
        # The static `builtins` set (default context); see builtins_for.
        default = frozenset[str]()
        attrs = Attrs(
            sorted((k, v) for k, v in BUILTINS.items() if k != "builtins" and enabled(k, default))
        )
        attrs["builtins"] = attrs
        BUILTINS["builtins"] = attrs
        GLOBALS["builtins"] = "builtins"
    return BUILTINS
