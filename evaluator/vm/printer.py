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

Printing is iterative (an explicit stack), so deep values are fine;
:func:`print_frame` forces first (deeply with ``strict``) and is a
generator frame for :func:`evaluator.vm.loop.run`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from evaluator.vm import ops, walk
from evaluator.vm.values import (
    Attrs,
    Closure,
    CtxStr,
    Frame,
    NixList,
    NixPath,
    PrimOp,
    PrimOpApp,
    Thunk,
)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_'-]*\Z")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\n\r\t]|\$\{')


def format_float(f: float) -> str:
    """A float as C++ ``std::ostream << double`` prints it (``%g``)."""
    if math.isnan(f):
        return "-nan" if math.copysign(1.0, f) < 0 else "nan"
    return format(f, "g")


def escape_string(s: str) -> str:
    """A Nix string literal for ``s``, as the value printer writes it."""
    if _NEEDS_ESCAPE.search(s) is None:
        return '"' + s + '"'
    out = _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), "\\${"), s)
    return '"' + out + '"'


def attr_name(name: str) -> str:
    """An attribute name as printed in a set (quoted unless an identifier)."""
    if name != "if" and _IDENT.match(name):
        return name
    return escape_string(name)


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


def render(value: Any) -> str:
    """The printed form of an (already forced, as far as wanted) value.

    Unevaluated thunks print as ``<CODE>``; nothing is forced here.
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
        if type(v) is Thunk:
            if v.code is not None:
                out.append("<CODE>")
                continue
            v = v.value
        text = _scalar(v)
        if text is not None:
            out.append(text)
            continue
        t = type(v)
        if t is NixList:
            if v:
                if id(v) in seen:
                    out.append("«repeated»")
                    continue
                seen.add(id(v))
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


def print_frame(value: Any, strict: bool) -> Frame:
    """Force ``value`` (deeply when ``strict``) and return its printed form."""
    if type(value) is Thunk:
        value = value.value if value.code is None else (yield value)
    if strict:
        value = yield from ops.deep_force(value)
    return render(value)
