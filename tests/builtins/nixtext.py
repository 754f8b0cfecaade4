"""Test helpers: read simple Nix literals and print values as nix-instantiate does.

Only what the driver-based tests need (strings, ints, floats, Booleans, null,
lists and sets of those). Whole-program fixture tests use the real pipeline.
"""

from __future__ import annotations

import re
from typing import Any

from evaluator.vm.values import Attrs, CtxStr, NixList, NixPath, Thunk

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)


def read_string(lit: str) -> str:
    """The value of a double-quoted Nix string literal without interpolation."""
    out = []
    i = 1
    while i < len(lit) - 1:
        c = lit[i]
        if c == "\\":
            nxt = lit[i + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def string_args(expr: str) -> tuple[str, list[str]]:
    """Split ``builtins.NAME "a" "b"`` into the name and its string arguments."""
    m = re.match(r"builtins\.(\S+) ", expr)
    assert m is not None, expr
    args = [read_string(a.group(0)) for a in _STRING.finditer(expr, m.end())]
    return m.group(1), args


def show_string(s: str) -> str:
    """A string as Nix prints it."""
    s = (
        s.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "\\${")
    )
    return f'"{s}"'


def show(v: Any) -> str:
    """A (deeply evaluated) value as ``nix-instantiate --eval --strict`` prints it."""
    if type(v) is Thunk:
        assert v.code is None
        v = v.value
    if v is None:
        return "null"
    if type(v) is bool:
        return "true" if v else "false"
    if type(v) is int:
        return str(v)
    if type(v) is float:
        text = f"{v:.6g}"
        return text
    if type(v) is str or type(v) is CtxStr:
        return show_string(str.__str__(v))
    if type(v) is NixPath:
        return v.path
    if type(v) is NixList:
        return "[ " + "".join(show(x) + " " for x in v) + "]"
    if type(v) is Attrs:
        return "{ " + "".join(f"{k} = {show(v[k])}; " for k in sorted(v)) + "}"
    raise AssertionError(f"cannot show {v!r}")
