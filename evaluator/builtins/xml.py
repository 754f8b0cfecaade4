"""`toXML` and the XML document of `nix-instantiate --eval --xml`, as C++ Nix 2.8 writes them."""

from __future__ import annotations

from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import charge
from evaluator.vm import ops
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
    "\r": "&#xD;",
    "\t": "&#x9;",
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
    return {"path": str(path), "line": str(line), "column": str(col)}


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
    while stack:
        depth, item, is_line = stack.pop()
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
            lines.append(pad + _tag("float", {"value": f"{item:g}"}, True))
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
            fattrs = _closure_position(item) if location else {}
            lines.append(pad + _tag("function", fattrs, False))
            inner = pad + "  "
            if item.formals is not None:
                pattrs: dict[str, str] = {}
                if item.ellipsis:
                    pattrs["ellipsis"] = "1"
                if item.param:
                    pattrs["name"] = item.param
                lines.append(inner + _tag("attrspat", pattrs, False))
                for name in sorted(item.formals):
                    lines.append(inner + "  " + _tag("attr", {"name": name}, True))
                lines.append(inner + "</attrspat>")
            else:
                lines.append(inner + _tag("varpat", {"name": item.param or ""}, True))
            lines.append(pad + "</function>")
        else:
            # Builtins (and anything unknown) are not serialised, as in Nix.
            lines.append(pad + "<unevaluated />")
    lines.append("</expr>")
    text = "\n".join(lines) + "\n"
    charge(len(text))
    return make_str(text, frozenset(ctx))


def _push_attrs(
    stack: list[tuple[int, Any, bool]], attrs: Attrs, depth: int, location: bool
) -> None:
    names = sorted(attrs)
    for name in reversed(names):
        xattrs = {"name": name}
        if location and attrs.positions is not None and name in attrs.positions:
            file, line, col = attrs.positions[name]
            xattrs.update(path=str(file), line=str(line), column=str(col))
        stack.append((depth, "</attr>", True))
        stack.append((depth + 1, attrs[name], False))
        stack.append((depth, _tag("attr", xattrs, False), True))


@builtin("toXML", 1)
def to_xml(v: Any) -> Frame:
    """`toXML x`: `x` (evaluated deeply) as an XML document in Nix's own format."""
    return (yield from xml_document(v, strict=True, location=False))
