"""The table of builtins, built from the declarations of the theme modules.

:data:`THEMES` lists every module that declares builtins; :func:`build`
collects their :func:`~evaluator.builtins.registry.builtin` functions and
:class:`~evaluator.builtins.registry.Constant` values into a
:class:`BuiltinTable`. :data:`TABLE` is that table, built once from code
(it never changes); :meth:`BuiltinTable.for_context` gives one evaluation's
`builtins`, with the constants that depend on its context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from evaluator.builtins import (
    arith,
    attrs,
    context,
    control,
    derivations,
    environment,
    fetchers,
    flakes,
    hashing,
    imports,
    io,
    json,
    lists,
    paths,
    regex,
    strings,
    toml,
    types,
    versions,
    xml,
)
from evaluator.builtins.globals import enabled
from evaluator.builtins.registry import GLOBAL_ATTR, PRIMOP_ATTR, Constant
from evaluator.vm.context import EvalContext
from evaluator.vm.values import Attrs

# Every module of this package that declares builtins.
# fmt: off
THEMES: tuple[ModuleType, ...] = (
    arith, attrs, context, control, derivations, environment, fetchers, flakes, hashing, imports,
    io, json, lists, paths, regex, strings, toml, types, versions, xml,
)
# fmt: on


@dataclass
class BuiltinTable:
    """Every builtin: ``values`` as in `builtins.<name>` (for a default context),
    ``globals`` the names visible without `builtins.` mapped to their key
    (``"__typeOf"`` -> ``"typeOf"``), ``dynamic`` the constants computed
    per evaluation."""

    values: dict[str, Any] = field(default_factory=dict)
    globals: dict[str, str] = field(default_factory=dict)
    dynamic: dict[str, Callable[[EvalContext], Any]] = field(default_factory=dict)

    def add(self, name: str, value: Any, global_: bool) -> None:
        """Add one builtin (visible as ``__name`` unless ``global_``)."""
        self.values[name] = value
        self.globals[name if global_ else "__" + name] = name

    def for_context(self, ctx: EvalContext) -> dict[str, Any]:
        """The builtins of one evaluation: name -> value, including `builtins`.

        Builtins of experimental features ``ctx`` does not enable are left
        out; context-dependent constants are computed from ``ctx``; the result
        (whose `builtins` set contains itself) is cached in ``ctx.extra``.
        """
        cached = ctx.extra.get("builtins_table")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        features = ctx.experimental_features
        table = {k: v for k, v in self.values.items() if k != "builtins" and enabled(k, features)}
        for name, factory in self.dynamic.items():
            table[name] = factory(ctx)
        _add_builtins_set(table, features)
        ctx.extra["builtins_table"] = table
        return table


def _add_builtins_set(table: dict[str, Any], features: frozenset[str] = frozenset()) -> None:
    # Builtins of features not enabled stay out of the set.
    builtins_set = Attrs(sorted((k, v) for k, v in table.items() if enabled(k, features)))
    builtins_set["builtins"] = builtins_set
    table["builtins"] = builtins_set


def build(modules: Iterable[ModuleType] = THEMES) -> BuiltinTable:
    """Collect the builtins declared in ``modules``."""
    out = BuiltinTable()
    default = EvalContext()
    for module in modules:
        for value in vars(module).values():
            primop = getattr(value, PRIMOP_ATTR, None)
            if primop is not None:
                out.add(primop.name, primop, getattr(value, GLOBAL_ATTR))
            elif type(value) is Constant:
                if value.factory is not None:
                    out.dynamic[value.name] = value.factory
                    out.add(value.name, value.factory(default), value.global_)
                else:
                    out.add(value.name, value.value, value.global_)
    _add_builtins_set(out.values)
    out.globals["builtins"] = "builtins"
    return out


TABLE = build()
# The same, as the mappings callers used before the table was an object.
BUILTINS = TABLE.values
GLOBALS = TABLE.globals


def all_builtins() -> dict[str, Any]:
    """Every builtin: name -> value as in `builtins.<name>` (default context)."""
    return TABLE.values


def builtins_for(ctx: EvalContext) -> dict[str, Any]:
    """The builtins of one evaluation (see :meth:`BuiltinTable.for_context`)."""
    return TABLE.for_context(ctx)
