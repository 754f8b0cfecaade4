"""Values printed exactly as ``nix-instantiate --eval`` (C++ Nix 2.8) prints them.

- attributes sorted by name; a name is quoted unless it is an identifier
  (``[A-Za-z_][A-Za-z0-9_'-]*``), and ``if`` is quoted (Nix 2.8 quotes only
  that keyword);
- strings escaped as Nix source (``"``, ``\\``, ``\\n``, ``\\r``, ``\\t``,
  ``\\${``); other characters are written as they are;
- floats as C++ streams print doubles (``%g``, 6 significant digits; NaN
  with its sign as ``-nan``);
- a non-empty list or set printed a second time is ``«repeated»``;
- unevaluated values are ``<CODE>``, functions ``<LAMBDA>``, builtins
  ``<PRIMOP>`` / ``<PRIMOP-APP>``.

Printing is iterative (an explicit stack), so deep values are fine; it
forces nothing (the caller forces first: :mod:`evaluator.vm.ops` reports
values through this module, so this one does not use it).
"""

from __future__ import annotations

import math
from typing import Any

from evaluator.vm import walk
from evaluator.vm.values import (
    Attrs,
    Closure,
    CtxStr,
    NixList,
    NixPath,
    PrimOp,
    PrimOpApp,
    Thunk,
)

# Identifiers and escapes by string methods: compiling two regexes was ~1 M
# instructions of every process's start-up (tests/vm/test_printer_text.py
# checks both against the regexes they replace).
_IDENT_PUNCTUATION = str.maketrans("", "", "_'-")


def format_float(f: float) -> str:
    """A float as C++ ``std::ostream << double`` prints it (``%g``)."""
    if math.isnan(f):
        return "-nan" if math.copysign(1.0, f) < 0 else "nan"
    return format(f, "g")


def escape_string(s: str) -> str:
    """A Nix string literal for ``s``, as the value printer writes it."""
    if '"' in s or "\\" in s or "\n" in s or "\r" in s or "\t" in s or "${" in s:
        # (Backslashes first: the others add backslashes not to be doubled.)
        s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        s = s.replace("\r", "\\r").replace("\t", "\\t").replace("${", "\\${")
    return '"' + s + '"'


def attr_name(name: str) -> str:
    """An attribute name as printed in a set (quoted unless an identifier)."""
    if name != "if" and is_identifier(name):
        return name
    return escape_string(name)


def is_identifier(name: str) -> bool:
    """Whether ``name`` matches ``[A-Za-z_][A-Za-z0-9_'-]*``."""
    if not name or not name.isascii() or not (name[0].isalpha() or name[0] == "_"):
        return False
    rest = name[1:].translate(_IDENT_PUNCTUATION)
    return not rest or rest.isalnum()


def _scalar(v: Any) -> str | None:
    t = type(v)
    if t is int:
        return str(v)
    if t is bool:
        return "true" if v else "false"
    if t is str or t is CtxStr:
        return escape_string(v)
    if v is None:
        return "null"
    if t is float:
        return format_float(v)
    if t is NixPath:
        return str(v.path)
    if t is Closure:
        return "<LAMBDA>"
    if t is PrimOp:
        return "<PRIMOP>"
    if t is PrimOpApp:
        return "<PRIMOP-APP>"
    return None


def function_text(v: Any) -> str | None:
    """How Nix 2.26 shows a function in messages and traces (``«lambda f @ FILE:L:C»``,
    ``«primop map»``, ``«partially applied primop map»``); None for other values."""
    t = type(v)
    if t is Closure:
        name = f" {v.name}" if v.name else ""
        where = ""
        if v.span is not None and hasattr(v.span[0], "line_col"):
            line, col = v.span[0].line_col(v.span[1])
            where = f" @ {v.span[0].location_name}:{line}:{col}"
        return f"«lambda{name}{where}»"
    if t is PrimOp:
        return f"«primop {v.name}»"
    if t is PrimOpApp:
        return f"«partially applied primop {v.op.name}»"
    return None


def render(value: Any, *, shown: bool = False) -> str:
    """The printed form of an (already forced, as far as wanted) value.

    Unevaluated thunks print as ``<CODE>``; nothing is forced here. With
    ``shown`` (messages and `trace`, as Nix 2.26 prints them there) thunks
    are ``«thunk»`` and functions say what and where they are.
    """
    out: list[str] = []
    seen: set[int] = set()
    # Work items: a value to print, or literal text.
    stack: list[tuple[bool, Any]] = [(False, value)]
    n = 0
    while stack:
        is_text, item = stack.pop()
        n += 1
        if not n & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY, sum(map(len, out[-walk.EVERY :])))
        if is_text:
            out.append(item)
            continue
        v = item
        # Nix tells a list printed again by its elements' storage, which for
        # lists of one or two elements is inside the Value holding the list:
        # then the place holding it counts (a thunk, or the list itself).
        key = id(item)
        if type(v) is Thunk:
            if v.code is not None:
                out.append("«thunk»" if shown else "<CODE>")
                continue
            v = v.value
        text = function_text(v) if shown else None
        if text is None:
            text = _scalar(v)
        if text is not None:
            out.append(text)
            continue
        t = type(v)
        if t is NixList:
            if v:
                if len(v) > 2:
                    key = id(v)
                if key in seen:
                    out.append("«repeated»")
                    continue
                seen.add(key)
            out.append("[ ")
            todo: list[tuple[bool, Any]] = [(True, "]")]
            for elem in reversed(v):
                todo.append((True, " "))
                todo.append((False, elem))
            stack.extend(todo)
            continue
        if t is Attrs:
            if v:
                if id(v) in seen:
                    out.append("«repeated»")
                    continue
                seen.add(id(v))
            out.append("{ ")
            todo = [(True, "}")]
            for name in sorted(v, reverse=True):
                todo.append((True, "; "))
                todo.append((False, v[name]))
                todo.append((True, attr_name(name) + " = "))
            stack.extend(todo)
            continue
        out.append("<UNKNOWN>")
    return "".join(out)


# Nix 2.26 prints at most this many attributes and list items in a message
# (counted over the whole value, each once it is printed).
MESSAGE_ITEMS = 10


def message_text(value: Any) -> str:
    """A value as Nix 2.26 shows it in an error message: like ``render(shown=True)``,
    but past :data:`MESSAGE_ITEMS` attributes (or list items) the rest of each set
    (or list) is ``«N attributes elided»``."""
    out: list[str] = []
    printed = {"attrs": 0, "list": 0}
    seen: set[int] = set()
    # Open containers: [kind, entries, next index, a child is being printed].
    stack: list[list[Any]] = []

    def start(v: Any) -> None:
        if type(v) is Thunk and v.code is None:
            v = v.value
        t = type(v)
        if (t is Attrs or t is NixList) and v:
            if id(v) in seen:
                out.append("«repeated»")
                return
            seen.add(id(v))
            if t is Attrs:
                out.append("{ ")
                stack.append(["attrs", [(n, v[n]) for n in sorted(v)], 0, False])
            else:
                out.append("[ ")
                stack.append(["list", list(v), 0, False])
            return
        out.append(render(v, shown=True))

    start(value)
    while stack:
        frame = stack[-1]
        kind, entries, i, busy = frame
        if busy:
            out.append("; " if kind == "attrs" else " ")
            printed[kind] += 1
            frame[3] = False
        if i == len(entries) or printed[kind] >= MESSAGE_ITEMS:
            left = len(entries) - i
            if left:
                noun = ("attribute" if kind == "attrs" else "item") + ("s" if left != 1 else "")
                out.append(f"«{left} {noun} elided» ")
            out.append("}" if kind == "attrs" else "]")
            stack.pop()
            continue
        frame[2] = i + 1
        frame[3] = True
        if kind == "attrs":
            name, v = entries[i]
            out.append(attr_name(name) + " = ")
        else:
            v = entries[i]
        start(v)
    return "".join(out)
