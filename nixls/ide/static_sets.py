"""Attribute sets known without evaluating: for completion and go-to-definition.

``resolve_set(expr, unit)`` follows an expression to the attribute-set
literal(s) it denotes, when that can be seen from the source alone:
through parentheses, `let ... in`, `with`, `assert`, variables bound to
such expressions, selections `a.b.c`, `import ./file.nix` (into another
file) and `//` (later operands win). The merged bindings come from the
compiler (:func:`evaluator.compiler.bindings.merge_bindings`), so
`a.b = 1; a.c = 2;` is the nested set `{ b; c; }` exactly as Nix sees it.

Every chain of steps is bounded (cycles such as `let a = a; in a.x`
simply give up).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from evaluator.compiler.bindings import (
    InheritEntry,
    MergedAttrs,
    NestedEntry,
    StaticEntry,
    ValueEntry,
    merge_bindings,
)
from evaluator.compiler.model import GlobalRef, LocalRef
from evaluator.syntax import nodes
from nixls.ide.tree import unparen
from nixls.ide.workspace import Unit

# Steps (expression hops) allowed for one resolution; nesting of selections
# through other selections is bounded separately.
MAX_STEPS = 200
MAX_DEPTH = 16


Loader = Callable[[str], Unit | None]


@dataclass
class Layer:
    """One literal's merged bindings, in the file it is written in."""

    attrs: MergedAttrs
    unit: Unit


@dataclass
class StaticSet:
    """A set known statically: layers combined with `//` (last wins)."""

    layers: list[Layer]

    def names(self) -> list[str]:
        """Statically known attribute names, in definition order."""
        seen: dict[str, None] = {}
        for layer in self.layers:
            for name in layer.attrs.static:
                seen.setdefault(name, None)
        return list(seen)

    def member(self, name: str) -> Member | None:
        """The definition of ``name`` (the last layer that defines it)."""
        for layer in reversed(self.layers):
            entry = layer.attrs.static.get(name)
            if entry is not None:
                return Member(entry, layer.unit)
        return None


@dataclass
class Member:
    """One attribute of a static set."""

    entry: StaticEntry
    unit: Unit

    @property
    def key_span(self) -> tuple[int, int]:
        """Where the attribute's name is written."""
        return (self.entry.key.start, self.entry.key.end)

    @property
    def value(self) -> nodes.Node | None:
        """The expression giving the attribute's value, if it is written here."""
        if isinstance(self.entry, ValueEntry):
            return self.entry.value
        if isinstance(self.entry, InheritEntry) and self.entry.var is not None:
            return self.entry.var
        return None


def _merged(node: nodes.AttrSet | nodes.Let | nodes.LegacyLet) -> MergedAttrs:
    merged, _problems = merge_bindings(node)
    return merged


def path_literal_target(node: nodes.Path, base_file: str | None) -> str | None:
    """The absolute path a literal without interpolation denotes."""
    if not all(isinstance(p, str) for p in node.parts):
        return None
    text = "".join(p for p in node.parts if isinstance(p, str))
    if text.startswith("~/"):
        return os.path.normpath(os.path.join(os.path.expanduser("~"), text[2:]))
    if text.startswith("/"):
        return os.path.normpath(text)
    if base_file is None:
        return None
    return os.path.normpath(os.path.join(os.path.dirname(base_file), text))


def import_target(node: nodes.Node, unit: Unit) -> str | None:
    """For `import ./x.nix` (or `import ./dir`), the file it reads."""
    node = unparen(node)
    if not isinstance(node, nodes.Apply):
        return None
    fn = unparen(node.fn)
    if not (isinstance(fn, nodes.Var) and _is_global(fn, "import")):
        return None
    arg = unparen(node.arg)
    if not isinstance(arg, nodes.Path):
        return None
    target = path_literal_target(arg, unit.path)
    if target is not None and os.path.isdir(target):
        target = os.path.join(target, "default.nix")
    return target


def _is_global(var: nodes.Var, name: str) -> bool:
    res = var.resolution
    return isinstance(res, GlobalRef) and res.name == name


class _Resolver:
    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self.steps = 0

    def resolve(self, expr: nodes.Node, unit: Unit, depth: int) -> StaticSet | None:
        # Recursion only through nested selections / `//`, bounded by MAX_DEPTH.
        if depth > MAX_DEPTH:
            return None
        node: nodes.Node = expr
        while True:
            self.steps += 1
            if self.steps > MAX_STEPS:
                return None
            node = unparen(node)
            if isinstance(node, nodes.AttrSet):
                return StaticSet([Layer(_merged(node), unit)])
            if isinstance(node, nodes.Let):
                node = node.body
            elif isinstance(node, nodes.With | nodes.Assert):
                node = node.body
            elif isinstance(node, nodes.Var):
                res = node.resolution
                if not isinstance(res, LocalRef) or res.binding.value is None:
                    return None
                node = res.binding.value
            elif isinstance(node, nodes.Select):
                if node.default is not None:
                    return None
                member = self.select(node.expr, node.path, unit, depth + 1)
                if member is None:
                    return None
                if isinstance(member.entry, NestedEntry):
                    return StaticSet([Layer(member.entry.attrs, member.unit)])
                if isinstance(member.entry, InheritEntry) and member.entry.source is not None:
                    src = self.resolve(member.entry.source.expr, member.unit, depth + 1)
                    inner = src.member(member.entry.name) if src else None
                    if inner is None:
                        return None
                    member = inner
                    if isinstance(member.entry, NestedEntry):
                        return StaticSet([Layer(member.entry.attrs, member.unit)])
                value = member.value
                if value is None:
                    return None
                node, unit = value, member.unit
            elif isinstance(node, nodes.Apply):
                target = import_target(node, unit)
                loaded = self.loader(target) if target else None
                if loaded is None or loaded.parse_result is None:
                    return None
                node, unit = loaded.parse_result.root, loaded
            elif isinstance(node, nodes.Binary) and node.op == "//":
                left = self.resolve(node.left, unit, depth + 1)
                right = self.resolve(node.right, unit, depth + 1)
                if left is None and right is None:
                    return None
                layers = (left.layers if left else []) + (right.layers if right else [])
                return StaticSet(layers)
            else:
                return None

    def select(
        self, expr: nodes.Node, path: list[nodes.AttrKey], unit: Unit, depth: int
    ) -> Member | None:
        current = self.resolve(expr, unit, depth)
        member: Member | None = None
        for i, key in enumerate(path):
            if current is None or not isinstance(key, nodes.StaticKey):
                return None
            member = current.member(key.name)
            if member is None:
                return None
            if i == len(path) - 1:
                break
            current = self.member_set(member, depth + 1)
        return member

    def member_set(self, member: Member, depth: int) -> StaticSet | None:
        entry = member.entry
        if isinstance(entry, NestedEntry):
            return StaticSet([Layer(entry.attrs, member.unit)])
        if isinstance(entry, InheritEntry) and entry.source is not None:
            src = self.resolve(entry.source.expr, member.unit, depth + 1)
            inner = src.member(entry.name) if src else None
            return self.member_set(inner, depth + 1) if inner else None
        value = member.value
        return self.resolve(value, member.unit, depth + 1) if value is not None else None


def resolve_set(expr: nodes.Node, unit: Unit, loader: Loader) -> StaticSet | None:
    """The statically known set ``expr`` denotes, or None."""
    return _Resolver(loader).resolve(expr, unit, 0)


def resolve_member(
    expr: nodes.Node, path: list[nodes.AttrKey], unit: Unit, loader: Loader
) -> Member | None:
    """The definition of ``expr.path`` when statically known."""
    return _Resolver(loader).select(expr, path, unit, 0)


def member_set(member: Member, loader: Loader) -> StaticSet | None:
    """The set an attribute's value denotes, when statically known."""
    return _Resolver(loader).member_set(member, 0)


def entry_kind(entry: StaticEntry) -> str:
    """A short word for what kind of definition an entry is."""
    if isinstance(entry, NestedEntry):
        return "set"
    if isinstance(entry, InheritEntry):
        return "inherited"
    value = unparen(entry.value)
    if isinstance(value, nodes.Lambda):
        return "function"
    if isinstance(value, nodes.AttrSet):
        return "set"
    return "attribute"
