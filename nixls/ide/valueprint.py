"""Shallow printing of Nix values for hovers and inlay hints.

A value is shown as Nix, but only to a small depth and length: deeper
structures are summarised (``«list of 3»``, ``«set of 12 attributes»``),
long lists and sets end with ``…``, long strings are cut. A big set (lib,
a package set) shows its first names and its size without forcing any
attribute; a derivation shows as `nix repl` does
(``«derivation /nix/store/…-hello-2.12.2.drv»``) with its name, version and
``meta.description``, forcing only those (and what its ``drvPath`` needs). Printing forces
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
    big: int = 32  # a set with more attributes is shown by its names only
    names: int = 24  # names shown of a big set


def _summary(value: Any) -> str:
    if type(value) is NixList:
        n = len(value)
        return f"«list of {n}»" if n else "[ ]"
    if type(value) is Attrs:
        n = len(value)
        kind = value.get("type")
        if type(kind) is Thunk and kind.code is None:
            kind = kind.value
        if kind == "derivation" and type(kind) in (str, CtxStr):
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
    if type(value) is Attrs and is_derivation(value, force):
        return _derivation(value, force, lim)
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
        names = sorted(value)
        if len(names) > lim.big:
            return _names_only(names, lim)
        entries: list[str] = []
        for name in names[: lim.items]:
            forced, err = _forced(value[name], force)
            shown = err if err is not None else _print(forced, force, lim, depth - 1)
            entries.append(f"{attr_name(name)} = {shown};")
        if len(names) > lim.items:
            entries.append("…")
        return "{ " + " ".join(entries) + " }"
    return _scalar(value)


def _names_only(names: list[str], lim: Limits) -> str:
    """A big set by its first names, values not forced."""
    shown = " ".join(f"{attr_name(n)} = …;" for n in names[: lim.names])
    return f"«{len(names)} attributes» {{ {shown} … }}"


def is_derivation(value: Attrs, force: Force) -> bool:
    """Whether a set is a derivation (`type = "derivation"`), forcing only `type`."""
    kind, err = _forced(value.get("type"), force) if "type" in value else (None, None)
    return err is None and type(kind) in (str, CtxStr) and kind == "derivation"


def _derivation(value: Attrs, force: Force, lim: Limits) -> str:
    """A derivation as `nix repl` shows it, then its name, version and description.

    Those three are forced first and ``drvPath`` last: it needs the
    derivations of every input, which may not fit in the budget, and the
    rest is still shown then.
    """
    lines = []
    for label, path in (
        ("name", ("name",)),
        ("version", ("version",)),
        ("meta.description", ("meta", "description")),
    ):
        shown = _at_path(value, path, force, lim)
        if shown is not None:
            lines.append(f"{label} = {shown};")
    drv, err = _forced(value.get("drvPath"), force)
    if err is None and type(drv) in (str, CtxStr):
        return "\n".join([f"«derivation {drv}»", *lines])
    if err is not None:
        lines.append(f"drvPath = {err};")
    return "\n".join(["«derivation»", *lines])


def _at_path(value: Any, path: tuple[str, ...], force: Force, lim: Limits) -> str | None:
    """The printed value at an attribute path (None if absent)."""
    for name in path:
        if type(value) is not Attrs or name not in value:
            return None
        value, err = _forced(value[name], force)
        if err is not None:
            return err
    return _print(value, force, lim, 0)


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
