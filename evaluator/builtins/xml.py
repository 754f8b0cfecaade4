"""`toXML` and the XML document of `nix-instantiate --eval --xml`, as C++ Nix 2.8 writes them."""

from __future__ import annotations

import re
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import charge
from evaluator.vm import ops, walk
from evaluator.vm.frames import NO_FILE
from evaluator.vm.printer import format_float
from evaluator.vm.values import (
    Attrs,
    Closure,
    CtxStr,
    Frame,
    NixList,
    NixPath,
    Thunk,
    make_str,
)

_ESCAPES = {
    '"': "&quot;",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "\n": "&#xA;",
}
_TABLE = str.maketrans(_ESCAPES)


def _tag(name: str, attrs: dict[str, str], empty: bool) -> str:
    # XML attributes are written sorted by name (a std::map in Nix).
    parts = [name] + [f'{k}="{str.__str__(v).translate(_TABLE)}"' for k, v in sorted(attrs.items())]
    return "<" + " ".join(parts) + (" />" if empty else ">")


def _closure_position(fn: Closure) -> dict[str, str]:
    span = fn.span
    if span is None or span[0] is None:
        return {}
    source = span[0]
    try:
        line, col = source.line_col(span[1])
        path = source.pos_file
    except (AttributeError, TypeError, ValueError):
        return {}
    if path == NO_FILE:  # an expression given as text: no path, as Nix 2.26
        return {"line": str(line), "column": str(col)}
    return {"path": str(path), "line": str(line), "column": str(col)}


_IDENT = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_'-]*)\s*([:@])")
_AT_AFTER = re.compile(r"\s*@\s*([A-Za-z_][A-Za-z0-9_'-]*)")


def closure_param(fn: Closure) -> str | None:
    """The argument name of a lambda: ``fn.param``, else read from its source text."""
    if fn.param is not None:
        return fn.param
    span = fn.span
    text = getattr(span[0], "text", None) if span is not None else None
    if span is None or not isinstance(text, bytes):
        return None
    src = text[span[1] : span[2]].decode("utf-8", "replace")
    m = _IDENT.match(src)
    if m is not None:
        return m.group(1)
    if fn.formals is None or not src.lstrip().startswith("{"):
        return None
    # `{ ... } @ name`: find the brace closing the formals (strings skipped).
    depth = 0
    i = 0
    while i < len(src):
        c = src[i]
        if c == '"':
            i += 1
            while i < len(src) and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                m = _AT_AFTER.match(src, i + 1)
                return m.group(1) if m is not None else None
        i += 1
    return None


def xml_document(v: Any, *, strict: bool = True, location: bool = False) -> Frame:
    """The XML document for ``v`` (forcing values when ``strict``); returns the text.

    ``location`` adds `path`/`line`/`column` attributes to attributes and
    functions whose position is known (the CLI's `--xml` without
    `--no-location`); `toXML` passes False.
    """
    lines: list[str] = ["<?xml version='1.0' encoding='utf-8'?>", "<expr>"]
    ctx: set[str] = set()
    drvs_seen: set[str] = set()
    # Work items: (depth, value, False) prints a value; (depth, text, True) a line.
    stack: list[tuple[int, Any, bool]] = [(1, v, False)]
    n = 0
    while stack:
        depth, item, is_line = stack.pop()
        n += 1
        if not n & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY, sum(map(len, lines[-walk.EVERY :])))
        if depth > walk.MAX_DEPTH:
            raise walk.too_deep()
        pad = "  " * depth
        if is_line:
            lines.append(pad + item)
            continue
        if type(item) is Thunk:
            if item.code is None:
                item = item.value
            elif strict:
                item = yield item
            else:
                lines.append(pad + "<unevaluated />")
                continue
        t = type(item)
        if t is int:
            lines.append(pad + _tag("int", {"value": str(item)}, True))
        elif t is bool:
            lines.append(pad + _tag("bool", {"value": "true" if item else "false"}, True))
        elif t is str or t is CtxStr:
            if t is CtxStr:
                ctx |= item.context
            lines.append(pad + _tag("string", {"value": item}, True))
        elif t is NixPath:
            lines.append(pad + _tag("path", {"value": item.path}, True))
        elif item is None:
            lines.append(pad + "<null />")
        elif t is float:
            lines.append(pad + _tag("float", {"value": format_float(item)}, True))
        elif t is NixList:
            lines.append(pad + "<list>")
            stack.append((depth, "</list>", True))
            for x in reversed(item):
                stack.append((depth + 1, x, False))
        elif t is Attrs:
            if (yield from ops.is_derivation(item)):
                xattrs: dict[str, str] = {}
                drv_path = ""
                for key, attr in (("drvPath", "drvPath"), ("outPath", "outPath")):
                    if attr in item:
                        a = item[attr]
                        if type(a) is Thunk:
                            if a.code is None:
                                a = a.value
                            elif strict:
                                a = yield a
                        if type(a) is str or type(a) is CtxStr:
                            xattrs[key] = a
                            if key == "drvPath":
                                drv_path = str.__str__(a)
                lines.append(pad + _tag("derivation", xattrs, False))
                stack.append((depth, "</derivation>", True))
                if drv_path and drv_path not in drvs_seen:
                    drvs_seen.add(drv_path)
                    _push_attrs(stack, item, depth + 1, location)
                else:
                    stack.append((depth + 1, "<repeated />", True))
            else:
                lines.append(pad + "<attrs>")
                stack.append((depth, "</attrs>", True))
                _push_attrs(stack, item, depth + 1, location)
        elif t is Closure:
            lines += _function_lines(item, pad, location)
        else:
            # Builtins (and anything unknown) are not serialised, as in Nix.
            lines.append(pad + "<unevaluated />")
    lines.append("</expr>")
    text = "\n".join(lines) + "\n"
    charge(len(text))
    return make_str(text, frozenset(ctx))


def _function_lines(fn: Closure, pad: str, location: bool) -> list[str]:
    """The `<function>` element of a closure: its pattern, not its body."""
    lines = [pad + _tag("function", _closure_position(fn) if location else {}, False)]
    inner = pad + "  "
    if fn.formals is not None:
        pattrs: dict[str, str] = {}
        if fn.ellipsis:
            pattrs["ellipsis"] = "1"
        param = closure_param(fn)
        if param:
            pattrs["name"] = param
        lines.append(inner + _tag("attrspat", pattrs, False))
        for name in sorted(fn.formals):
            lines.append(inner + "  " + _tag("attr", {"name": name}, True))
        lines.append(inner + "</attrspat>")
    else:
        lines.append(inner + _tag("varpat", {"name": closure_param(fn) or ""}, True))
    lines.append(pad + "</function>")
    return lines


def _push_attrs(
    stack: list[tuple[int, Any, bool]], attrs: Attrs, depth: int, location: bool
) -> None:
    names = sorted(attrs)
    for name in reversed(names):
        xattrs = {"name": name}
        if location and attrs.positions is not None and name in attrs.positions:
            file, line, col = attrs.positions[name]
            if file != NO_FILE:
                xattrs["path"] = str(file)
            xattrs.update(line=str(line), column=str(col))
        stack.append((depth, "</attr>", True))
        stack.append((depth + 1, attrs[name], False))
        stack.append((depth, _tag("attr", xattrs, False), True))


@builtin("toXML", 1)
def to_xml(v: Any) -> Frame:
    """`toXML x`: `x` (evaluated deeply) as an XML document in Nix's own format."""
    return (yield from xml_document(v, strict=True, location=False))
