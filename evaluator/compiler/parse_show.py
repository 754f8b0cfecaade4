"""An expression printed as ``nix-instantiate --parse`` (Nix 2.26) prints it.

Nix prints its internal expression tree: operators desugared (``a - b`` is
``(__sub a b)``, ``a < b`` is ``(__lessThan a b)``, ``<p>`` is
``(__findFile __nixPath "p")``, `|>` a call), attribute sets with their
nested paths merged and their attributes sorted by name (``inherit``
first), lambda formals sorted, relative paths made absolute, and
parentheses around every compound expression.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from typing import Protocol

from evaluator.compiler.bindings import (
    DynamicEntry,
    InheritEntry,
    MergedAttrs,
    NestedEntry,
    ValueEntry,
)
from evaluator.syntax import nodes as n

_SUGAR = {"-": "__sub", "*": "__mul", "/": "__div"}
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def literal(s: str) -> str:
    """A string literal as Nix prints it (``${`` escaped, other `$` kept)."""
    out = ['"']
    for i, ch in enumerate(s):
        if ch == "$" and s.startswith("{", i + 1):
            out.append("\\$")
        else:
            out.append(_ESCAPES.get(ch, ch))
    out.append('"')
    return "".join(out)


def binary(op: str, a: str, b: str) -> str:
    """A binary operation on shown operands, desugared as Nix's parser does."""
    if op in _SUGAR:
        return f"({_SUGAR[op]} {a} {b})"
    if op == "<":
        return f"(__lessThan {a} {b})"
    if op == ">":
        return f"(__lessThan {b} {a})"
    if op == "<=":
        return f"(! (__lessThan {b} {a}))"
    if op == ">=":
        return f"(! (__lessThan {a} {b}))"
    return f"({a} {op} {b})"


@functools.cache
def _ident() -> re.Pattern[str]:
    # Compiled on first use: every process that compiles imports this module
    # (assertion messages), few print an expression (`re.compile`: ~0.7 M).
    return re.compile(r"[a-zA-Z_][a-zA-Z0-9_'-]*")


def _name(name: str) -> str:
    return name if _ident().fullmatch(name) and name not in ("or",) else literal(name)


class Merged(Protocol):
    """What printing needs of an analysis: the merged bindings of each set."""

    @property
    def bindings(self) -> Mapping[n.Node, MergedAttrs]: ...


class ParseShow:
    """Prints one analysed tree; ``base_dir`` makes relative paths absolute.

    Nix shows expressions this way in ``--parse`` output and in messages
    (``while evaluating the condition of the assertion '…'``)."""

    def __init__(self, analysis: Merged, base_dir: str, home: str = "") -> None:
        self.analysis = analysis
        self.base_dir = base_dir
        self.home = home

    def show(self, e: n.Node) -> str:
        """The `--parse` text of ``e``."""
        method = getattr(self, "_" + type(e).__name__, None)
        if method is None:
            raise ValueError(f"cannot show {type(e).__name__}")
        text: str = method(e)
        return text

    def _Paren(self, e: n.Paren) -> str:
        return self.show(e.expr)

    def _Int(self, e: n.Int) -> str:
        return str(e.value)

    def _Float(self, e: n.Float) -> str:
        return f"{e.value:g}"

    def _Var(self, e: n.Var) -> str:
        return e.name

    def _CurPos(self, e: n.CurPos) -> str:
        return "__curPos"

    def _Uri(self, e: n.Uri) -> str:
        return literal(e.value)

    def _SearchPath(self, e: n.SearchPath) -> str:
        return f"(__findFile __nixPath {literal(e.path)})"

    def _concat(self, parts: list[str]) -> str:
        return "(" + " + ".join(parts) + ")"

    def _Str(self, e: n.Str) -> str:
        if not e.parts:
            return '""'
        if len(e.parts) == 1 and isinstance(e.parts[0], str):
            return literal(e.parts[0])
        return self._concat([literal(p) if isinstance(p, str) else self.show(p) for p in e.parts])

    def _Path(self, e: n.Path) -> str:
        first = e.parts[0]
        assert isinstance(first, str)
        if first.startswith("~"):
            first = self.home + first[1:]
        elif not first.startswith("/"):
            first = os.path.normpath(os.path.join(self.base_dir, first)) + (
                "/" if first.endswith("/") else ""
            )
        else:
            slash = "/" if len(first) > 1 and first.endswith("/") else ""
            first = os.path.normpath(first) + slash
        if len(e.parts) == 1:
            return first
        rest = [literal(p) if isinstance(p, str) else self.show(p) for p in e.parts[1:]]
        return self._concat([first, *rest])

    def _key(self, k: n.StaticKey | n.DynamicKey) -> str:
        if isinstance(k, n.StaticKey):
            return _name(k.name)
        return '"${' + self.show(k.expr) + '}"'

    def _Select(self, e: n.Select) -> str:
        s = f"({self.show(e.expr)})." + ".".join(self._key(k) for k in e.path)
        return s + (f" or ({self.show(e.default)})" if e.default is not None else "")

    def _HasAttr(self, e: n.HasAttr) -> str:
        return f"(({self.show(e.expr)}) ? " + ".".join(self._key(k) for k in e.path) + ")"

    def _Apply(self, e: n.Apply) -> str:
        args: list[n.Node] = []
        fn: n.Node = e
        while isinstance(fn, n.Apply):
            args.append(fn.arg)
            fn = fn.fn
            while isinstance(fn, n.Paren) and isinstance(fn.expr, n.Apply):
                fn = fn.expr
        args.reverse()
        return "(" + " ".join(self.show(x) for x in [fn, *args]) + ")"

    def _Unary(self, e: n.Unary) -> str:
        if e.op == "!":
            return f"(! {self.show(e.expr)})"
        return f"(__sub 0 {self.show(e.expr)})"

    def _Binary(self, e: n.Binary) -> str:
        op = e.op
        if op == "|>":
            return f"({self.show(e.right)} {self.show(e.left)})"
        if op == "<|":
            return f"({self.show(e.left)} {self.show(e.right)})"
        return binary(op, self.show(e.left), self.show(e.right))

    def _If(self, e: n.If) -> str:
        return f"(if {self.show(e.cond)} then {self.show(e.then)} else {self.show(e.else_)})"

    def _Assert(self, e: n.Assert) -> str:
        return f"assert {self.show(e.cond)}; {self.show(e.body)}"

    def _With(self, e: n.With) -> str:
        return f"(with {self.show(e.env)}; {self.show(e.body)})"

    def _List(self, e: n.List) -> str:
        return "[ " + "".join(f"({self.show(x)}) " for x in e.items) + "]"

    def _Lambda(self, e: n.Lambda) -> str:
        s = "("
        if e.formals is not None:
            seen: dict[str, n.Formal] = {}
            for f in e.formals.entries:
                seen.setdefault(f.name.name, f)
            items = [
                name + (f" ? {self.show(f.default)}" if f.default is not None else "")
                for name, f in sorted(seen.items())
            ]
            if e.formals.ellipsis:
                items.append("...")
            s += "{ " + ", ".join(items) + " }" if items else "{ }"
            if e.param is not None:
                s += " @ "
        if e.param is not None:
            s += e.param.name
        return s + f": {self.show(e.body)})"

    def _AttrSet(self, e: n.AttrSet) -> str:
        merged = self.analysis.bindings[e]
        return self.attrs(merged, e.rec)

    def attrs(self, merged: MergedAttrs, rec: bool) -> str:
        """A set: ``rec { ... }`` / ``{ }``."""
        body = self.bindings(merged)
        prefix = "rec " if rec else ""
        return prefix + ("{ " + body + "}" if body else "{ }")

    def _Let(self, e: n.Let) -> str:
        return f"(let {self.bindings(self.analysis.bindings[e])}in {self.show(e.body)})"

    def _LegacyLet(self, e: n.LegacyLet) -> str:
        return f"({self.attrs(self.analysis.bindings[e], True)}).body"

    def bindings(self, merged: MergedAttrs) -> str:
        """The bindings of a set or `let`, as Nix's ``showBindings`` orders them."""
        entries = sorted(merged.static.items())
        out: list[str] = []
        plain = [name for name, en in entries if isinstance(en, InheritEntry) and en.source is None]
        if plain:
            out.append("inherit " + " ".join(_name(x) for x in plain) + "; ")
        for source in merged.inherit_sources:
            names = [
                _name(name)
                for name, en in entries
                if isinstance(en, InheritEntry) and en.source is source
            ]
            if names:
                out.append(f"inherit ({self.show(source.expr)}) " + " ".join(names) + "; ")
        for name, en in entries:
            if isinstance(en, ValueEntry):
                out.append(f"{_name(name)} = {self.show(en.value)}; ")
            elif isinstance(en, NestedEntry):
                out.append(f"{_name(name)} = {self.attrs(en.attrs, False)}; ")
        for dyn in merged.dynamic:
            out.append(f"{self._key(dyn.key)} = {self._dynamic_value(dyn)}; ")
        return "".join(out)

    def _dynamic_value(self, dyn: DynamicEntry) -> str:
        if isinstance(dyn.value, MergedAttrs):
            return self.attrs(dyn.value, False)
        return self.show(dyn.value)

    def _Error(self, e: n.Error) -> str:
        raise ValueError("syntax error")
