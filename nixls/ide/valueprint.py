"""Shallow printing of Nix values for hovers and inlay hints.

A value is shown as Nix, but only to a small depth and length: deeper
structures are summarised (``«list of 3»``, ``«set of 12 attributes»``),
long lists and sets end with ``…``, long strings are cut. Printing forces
what it shows through a caller-supplied function (the evaluator's force
with the request's budget), so an error or a budget overrun inside one
attribute shows as ``«error: …»`` there instead of failing the hover, and
a part that needs an unknown argument as ``«depends on argument x»``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evaluator.vm.errors import Cancelled, DependsOnUnknown, NixError
from evaluator.vm.printer import attr_name, escape_string, format_float
from evaluator.vm.values import (
    Attrs,
    Closure,
    CtxStr,
    NixList,
    NixPath,
    PrimOp,
    PrimOpApp,
    Thunk,
    type_name,
)

Force = Callable[[Any], Any]


@dataclass(frozen=True)
class Limits:
    """How much of a value to show."""

    depth: int = 1  # nesting levels shown in full
    items: int = 8  # list items / attributes shown per level
    string: int = 120  # characters of a string
    total: int = 400  # characters overall (a last resort against width)


def _summary(value: Any) -> str:
    if type(value) is NixList:
        n = len(value)
        return f"«list of {n}»" if n else "[ ]"
    if type(value) is Attrs:
        n = len(value)
        if value.get("type") == "derivation" and type(value.get("type")) is str:
            return "«derivation»"
        return f"«set of {n} attribute{'s' if n != 1 else ''}»" if n else "{ }"
    return _scalar(value)


def _scalar(value: Any) -> str:
    t = type(value)
    if t is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if t is int:
        return str(value)
    if t is float:
        return format_float(value)
    if t is str or t is CtxStr:
        return escape_string(value)
    if t is NixPath:
        return str(value.path)
    if t is Closure:
        return "«lambda»"
    if t is PrimOp:
        return f"«primop {value.name}»"
    if t is PrimOpApp:
        return f"«primop-app {value.op.name}»"
    return f"«{type_name(value)}»"


def shallow(value: Any, force: Force, limits: Limits | None = None) -> str:
    """Print ``value`` (already forced) shallowly, forcing children as shown."""
    lim = limits or Limits()
    text = _print(value, force, lim, lim.depth)
    if len(text) > lim.total:
        text = text[: lim.total - 1] + "…"
    return text


def _forced(thunk: Any, force: Force) -> tuple[Any, str | None]:
    """(value, None) or (None, printed error) for one child."""
    if type(thunk) is not Thunk:
        return thunk, None
    try:
        return force(thunk), None
    except Cancelled:
        raise
    except DependsOnUnknown as err:
        return None, f"«depends on argument {err.unknown.argument}»"
    except NixError as err:
        return None, f"«error: {err.message}»"


def _print(value: Any, force: Force, lim: Limits, depth: int) -> str:
    # Recursion is bounded by ``lim.depth`` (a small constant), not by the value.
    t = type(value)
    if t is str or t is CtxStr:
        if len(value) > lim.string:
            return escape_string(value[: lim.string])[:-1] + '…"'
        return escape_string(value)
    if t is NixList:
        if not value:
            return "[ ]"
        if depth <= 0:
            return _summary(value)
        parts: list[str] = []
        for item in value[: lim.items]:
            forced, err = _forced(item, force)
            parts.append(err if err is not None else _print(forced, force, lim, depth - 1))
        if len(value) > lim.items:
            parts.append("…")
        return "[ " + " ".join(parts) + " ]"
    if t is Attrs:
        if not value:
            return "{ }"
        if depth <= 0:
            return _summary(value)
        entries: list[str] = []
        names = sorted(value)
        for name in names[: lim.items]:
            forced, err = _forced(value[name], force)
            shown = err if err is not None else _print(forced, force, lim, depth - 1)
            entries.append(f"{attr_name(name)} = {shown};")
        if len(names) > lim.items:
            entries.append("…")
        return "{ " + " ".join(entries) + " }"
    return _scalar(value)


def describe_type(value: Any) -> str:
    """The Nix type of a forced value, with a size for lists and sets."""
    t = type(value)
    if t is NixList:
        return f"list ({len(value)} items)"
    if t is Attrs:
        return f"set ({len(value)} attributes)"
    if t is Closure and value.formals is not None:
        return "lambda (with formals)"
    return type_name(value)
