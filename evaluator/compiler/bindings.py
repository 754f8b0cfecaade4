"""Binding lists merged the way C++ Nix 2.8's parser merges them.

A binding list (of an `AttrSet`, a `Let` or a `LegacyLet`) is turned into a
:class:`MergedAttrs`: the shape code generation compiles and scope analysis
walks, so that both agree on what each attribute is.

The structure
-------------
``MergedAttrs.static`` maps each statically known name, in first-definition
order, to one entry:

- :class:`ValueEntry`: ``name = value;`` (the last key of a path).
- :class:`InheritEntry`: ``inherit name;`` (``var`` is a synthetic `Var`
  reading ``name`` from the scope *around* the set, spanning the inherited
  name) or ``inherit (e) name;`` (``source`` is an :class:`InheritSource`,
  shared by every name of that one ``inherit``: evaluate ``source.expr``
  once, then select each name from it).
- :class:`NestedEntry`: an attribute set implied by a path, ``a.b = 1;``
  gives ``a`` a nested, non-recursive :class:`MergedAttrs` holding ``b``.

``MergedAttrs.dynamic`` lists the ``${e} = v;`` / ``"x${e}".y = v;``
entries (:class:`DynamicEntry`) in source order; a dynamic path component
followed by more keys gives a fresh nested set each time, as in Nix.

How definitions of one name combine (Nix 2.8's ``addAttr``)
-----------------------------------------------------------
- ``a.b = 1; a.c = 2;``: both go into the one nested set of ``a``.
- ``a = { b = 1; }; a.c = 2;``: a path walks *into* an attribute-set
  literal: ``c`` is added to the literal's own :class:`MergedAttrs` (the
  one recorded for that `AttrSet` node), so if the literal is ``rec`` the
  added value sees its attributes, exactly as Nix binds it.
- ``a.c = 2; a = { b = 1; };`` and ``a = { b = 1; }; a = { c = 2; };``:
  the later literal's static attributes are moved into the earlier set
  (a name both define as sets is merged again, level by level, as in
  Nix 2.26; the later literal is *absorbed*: it is never evaluated
  as an expression and its ``rec`` is ignored; its dynamic attributes join
  the earlier set's, as in Nix 2.26 (Nix 2.8 dropped them)).
- Anything else defining a name twice is a :class:`DuplicateAttr` problem;
  the first definition is kept and analysis carries on.

Parentheses around a literal are transparent (Nix 2.8 has no paren node).
Entry ``pos`` is the byte offset Nix reports for a definition: the start of
the attribute path, or for ``inherit`` the end of the keyword (of the
``)`` with a source), where Nix's grammar starts the name list. It is
computed from the entry's node, so it stays right when an edit of the
document shifts the tree (see :mod:`evaluator.compiler.incremental`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from evaluator.syntax import nodes

_T = TypeVar("_T")
_new: Callable[[type[_T]], _T] = object.__new__  # type: ignore[assignment]


class InheritSource:
    """The ``(e)`` of one ``inherit (e) a b;``: evaluated once for all names."""

    __slots__ = ("expr", "node")

    expr: nodes.Expr
    node: nodes.Inherit

    def __init__(self, expr: nodes.Expr, node: nodes.Inherit) -> None:
        self.expr = expr
        self.node = node


class ValueEntry:
    """``name = value;`` (``key`` is the last key of the path)."""

    __slots__ = ("name", "key", "node", "value")

    name: str
    key: nodes.StaticKey
    node: nodes.AttrDef
    value: nodes.Expr

    def __init__(
        self, name: str, key: nodes.StaticKey, node: nodes.AttrDef, value: nodes.Expr
    ) -> None:
        self.name = name
        self.key = key
        self.node = node
        self.value = value

    @property
    def pos(self) -> int:
        """Where Nix locates the definition: the start of its attribute path."""
        return self.node.path[0].start


class InheritEntry:
    """``inherit name;`` (``var`` set) or ``inherit (e) name;`` (``source`` set)."""

    __slots__ = ("name", "key", "node", "var", "source", "pos_offset")

    name: str
    key: nodes.StaticKey
    node: nodes.Inherit
    var: nodes.Var | None
    source: InheritSource | None
    # `pos` relative to `_pos_base`, so that it follows edits of the tree.
    pos_offset: int

    def __init__(
        self,
        name: str,
        key: nodes.StaticKey,
        node: nodes.Inherit,
        var: nodes.Var | None,
        source: InheritSource | None,
        pos_offset: int,
    ) -> None:
        self.name = name
        self.key = key
        self.node = node
        self.var = var
        self.source = source
        self.pos_offset = pos_offset

    @property
    def pos(self) -> int:
        """Where Nix 2.26 locates an inherited name: the name itself (2.8 used
        the gap after ``inherit`` or ``inherit (e)``, kept in ``pos_offset``)."""
        return self.key.start


class NestedEntry:
    """A set implied by attribute paths (``a.b = 1;``): ``node`` first made it."""

    __slots__ = ("name", "key", "node", "attrs")

    name: str
    key: nodes.StaticKey
    node: nodes.AttrDef
    attrs: MergedAttrs

    def __init__(
        self, name: str, key: nodes.StaticKey, node: nodes.AttrDef, attrs: MergedAttrs
    ) -> None:
        self.name = name
        self.key = key
        self.node = node
        self.attrs = attrs

    @property
    def pos(self) -> int:
        """The start of the attribute path of the definition that made the set."""
        return self.node.path[0].start


class DynamicEntry:
    """``${e} = value;``; ``value`` is a nested set when the path goes on."""

    __slots__ = ("key", "node", "value")

    key: nodes.DynamicKey
    node: nodes.AttrDef
    value: nodes.Expr | MergedAttrs

    def __init__(
        self, key: nodes.DynamicKey, node: nodes.AttrDef, value: nodes.Expr | MergedAttrs
    ) -> None:
        self.key = key
        self.node = node
        self.value = value

    @property
    def pos(self) -> int:
        """The start of the attribute path of the definition."""
        return self.node.path[0].start


StaticEntry = ValueEntry | InheritEntry | NestedEntry


def _pos_base(node: nodes.Inherit) -> int:
    # The names' position lies just after the keyword or the source's `)`:
    # nothing between this base and it can change without replacing `node`.
    return node.from_.end if node.from_ is not None else node.start


class MergedAttrs:
    """The merged bindings of one set, ``let`` or implied nested set.

    ``node`` is the `AttrSet` / `Let` / `LegacyLet`, or for a set implied by
    a path the `AttrDef` that first created it. ``rec`` tells whether the
    static names are in scope for the values (``rec { }``, ``let``).
    ``inherit_sources`` lists every :class:`InheritSource` of the entries
    (each once). ``absorbed`` lists literals merged into this one.
    ``rejected`` holds what duplicate definitions (an error) would have
    defined: not part of the set, but analysis still resolves the names in
    them for the editor.
    """

    __slots__ = (
        "node",
        "rec",
        "static",
        "dynamic",
        "inherit_sources",
        "absorbed",
        "dropped",
        "rejected",
    )

    node: nodes.Node
    rec: bool
    static: dict[str, StaticEntry]
    # The rest is empty in most sets: the shared empty tuple until something
    # is added (a list then, see `_grown`), which spares five empty lists
    # per set of a tree kept for the whole evaluation.
    dynamic: Sequence[DynamicEntry]
    inherit_sources: Sequence[InheritSource]
    absorbed: Sequence[nodes.AttrSet]
    dropped: Sequence[DynamicEntry]
    rejected: Sequence[nodes.Expr | StaticEntry]

    def __init__(self, node: nodes.Node, rec: bool) -> None:
        self.node = node
        self.rec = rec
        self.static = {}
        self.dynamic = self.inherit_sources = self.absorbed = self.dropped = self.rejected = ()


def _grown(items: Sequence[_T]) -> list[_T]:
    """A field of :class:`MergedAttrs` as a list to add to."""
    return items if isinstance(items, list) else list(items)


class DuplicateAttr:
    """An attribute defined twice, located as Nix 2.8 locates it.

    ``path`` is the attribute path Nix names in its message (keys of the
    offending definition, or just the clashing name when two literals are
    merged); ``span`` is where the error is reported, ``prev_pos`` /
    ``prev_span`` the definition it clashes with ("already defined at").
    """

    __slots__ = ("path", "span", "prev_pos", "prev_span", "pos")

    path: list[nodes.AttrKey]
    span: tuple[int, int]
    prev_pos: int
    prev_span: tuple[int, int]
    pos: int

    def __init__(
        self,
        path: list[nodes.AttrKey],
        span: tuple[int, int],
        prev_pos: int,
        prev_span: tuple[int, int],
        pos: int,
    ) -> None:
        self.path = path
        self.span = span
        self.prev_pos = prev_pos
        self.prev_span = prev_span
        self.pos = pos


SetNode = nodes.AttrSet | nodes.Let | nodes.LegacyLet


def unparen(expr: nodes.Node) -> nodes.Node:
    """``expr`` without enclosing parentheses."""
    while isinstance(expr, nodes.Paren):
        expr = expr.expr
    return expr


def _literal(expr: nodes.Node) -> nodes.AttrSet | None:
    inner = unparen(expr)
    return inner if isinstance(inner, nodes.AttrSet) else None


def entry_span(entry: StaticEntry) -> tuple[int, int]:
    """Where a definition is reported: its attribute path up to the name, or
    for ``inherit`` the inherited name."""
    if isinstance(entry, InheritEntry):
        return (entry.key.start, entry.key.end)
    return (entry.pos, entry.key.end)


class Merger:
    """Merges binding lists, caching one :class:`MergedAttrs` per node.

    Use one merger per tree: merging a later definition into an attribute
    set literal changes that literal's (cached) result.
    """

    def __init__(self, source: bytes | None = None) -> None:
        self.source = source
        self.cache: dict[nodes.Node, MergedAttrs] = {}
        self.problems: list[DuplicateAttr] = []
        self.absorbed_into: dict[nodes.AttrSet, MergedAttrs] = {}
        self.empty_inherits: list[nodes.Inherit] = []
        # Every literal a definition outside it walked into (`_mergeable`):
        # the only sets whose entries may lie outside their own text.
        self.entered: list[nodes.AttrSet] = []

    def attrs_of(self, node: SetNode) -> MergedAttrs:
        """The merged bindings of ``node`` (computed once)."""
        found = self.cache.get(node)
        if found is not None:
            return found
        # Literals bound directly as values may receive merged definitions,
        # so they are merged first; an explicit stack keeps deep nesting off
        # the Python stack.
        stack: list[tuple[SetNode, bool]] = [(node, False)]
        while stack:
            current, ready = stack.pop()
            if current in self.cache:
                continue
            if ready:
                self.cache[current] = self._merge(current)
                continue
            stack.append((current, True))
            for binding in current.bindings:
                if type(binding) is nodes.AttrDef:
                    lit = binding.value  # `_literal`, inline: once per binding
                    while type(lit) is nodes.Paren:
                        lit = lit.expr
                    if type(lit) is nodes.AttrSet and lit not in self.cache:
                        stack.append((lit, False))
        return self.cache[node]

    # ------------------------------------------------------------ merging

    def _merge(self, node: SetNode) -> MergedAttrs:
        rec = not isinstance(node, nodes.AttrSet) or node.rec
        merged = MergedAttrs(node=node, rec=rec)
        static = merged.static
        for binding in node.bindings:
            if type(binding) is nodes.AttrDef:
                path = binding.path
                if len(path) == 1:
                    # `name = value;`, most bindings: the general case below
                    # would walk an empty prefix.
                    key = path[0]
                    if type(key) is nodes.StaticKey and key.name not in static:
                        name = key.name
                        # Made without calling the class (one per binding).
                        entry = static[name] = _new(ValueEntry)
                        entry.name = name
                        entry.key = key
                        entry.node = binding
                        entry.value = binding.value
                        continue
                if path:
                    self._add_attr(merged, binding)
            elif isinstance(binding, nodes.Inherit):
                self._add_inherit(merged, binding)
        return merged

    def _add_inherit(self, merged: MergedAttrs, node: nodes.Inherit) -> None:
        if not node.names:
            self.empty_inherits.append(node)
            return
        source = InheritSource(node.from_, node) if node.from_ is not None else None
        if source is not None:
            sources = merged.inherit_sources = _grown(merged.inherit_sources)
            sources.append(source)
        pos = self._inherit_pos(node)
        for key in node.names:
            existing = merged.static.get(key.name)
            var = None if source is not None else nodes.Var(key.start, key.end, key.name)
            entry = InheritEntry(key.name, key, node, var, source, pos - _pos_base(node))
            if existing is not None:
                self._duplicate([key], (key.start, key.end), pos, existing)
                rejected = merged.rejected = _grown(merged.rejected)
                rejected.append(entry)
                continue
            merged.static[key.name] = entry

    def _inherit_pos(self, node: nodes.Inherit) -> int:
        """Where Nix 2.8 places an inherit's names: just after ``inherit``,
        or after the ``)`` of ``inherit (e)`` (its empty-list start)."""
        if node.from_ is None:
            return node.start + len("inherit")
        end = node.from_.end
        if self.source is not None:
            close = self.source.find(b")", end, node.names[0].start)
            return close + 1 if close != -1 else end
        return end + 1

    def _mergeable(self, entry: StaticEntry) -> MergedAttrs | None:
        """The set a path may walk into, if ``entry`` is one."""
        if isinstance(entry, NestedEntry):
            return entry.attrs
        if isinstance(entry, ValueEntry):
            lit = _literal(entry.value)
            if lit is not None:
                self.entered.append(lit)
                return self.attrs_of(lit)
        return None

    def _add_attr(self, merged: MergedAttrs, node: nodes.AttrDef) -> None:
        path = node.path
        pos = path[0].start
        path_span = (path[0].start, path[-1].end)
        target = merged
        for depth, key in enumerate(path[:-1]):
            if isinstance(key, nodes.StaticKey):
                existing = target.static.get(key.name)
                if existing is None:
                    nested = MergedAttrs(node=node, rec=False)
                    target.static[key.name] = NestedEntry(key.name, key, node, nested)
                    target = nested
                    continue
                inner = self._mergeable(existing)
                if inner is None:
                    # Nix 2.26 names the path up to the clash (2.8: the whole path).
                    self._duplicate(path[: depth + 1], path_span, pos, existing)
                    self._reject(merged, node)
                    return
                target = inner
            else:
                nested = MergedAttrs(node=node, rec=False)
                dynamic = target.dynamic = _grown(target.dynamic)
                dynamic.append(DynamicEntry(key, node, nested))
                target = nested
        last = path[-1]
        if isinstance(last, nodes.DynamicKey):
            dynamic = target.dynamic = _grown(target.dynamic)
            dynamic.append(DynamicEntry(last, node, node.value))
            return
        existing = target.static.get(last.name)
        if existing is None:
            target.static[last.name] = ValueEntry(last.name, last, node, node.value)
            return
        into = self._mergeable(existing)
        lit = _literal(node.value)
        if into is None or lit is None:
            self._duplicate(path, path_span, pos, existing)
            self._reject(merged, node)
            return
        self._absorb(into, lit, path)

    def _absorb(self, into: MergedAttrs, lit: nodes.AttrSet, prefix: list[nodes.AttrKey]) -> None:
        """Move the attributes of ``lit`` into ``into``."""
        new = self.attrs_of(lit)
        self._absorb_attrs(into, new, prefix)
        into.absorbed = [*into.absorbed, lit, *new.absorbed]
        self.absorbed_into[lit] = into

    def _absorb_attrs(
        self, into: MergedAttrs, new: MergedAttrs, prefix: list[nodes.AttrKey]
    ) -> None:
        """Move ``new``'s static attributes into ``into``; a name both define
        as sets is merged again one level down, as Nix 2.26 does."""
        for name, entry in new.static.items():
            clash = into.static.get(name)
            if clash is None:
                into.static[name] = entry
                continue
            deeper = self._mergeable(clash)
            path = [*prefix, entry.key]
            if deeper is not None and isinstance(entry, NestedEntry):
                self._absorb_attrs(deeper, entry.attrs, path)
                continue
            lit = _literal(entry.value) if isinstance(entry, ValueEntry) else None
            if deeper is not None and lit is not None:
                self._absorb(deeper, lit, path)
                continue
            # Nix 2.26 reports the later definition, with its full path
            # (2.8 swapped the two and named only the last key).
            self.problems.append(
                DuplicateAttr(
                    path=path,
                    span=entry_span(entry),
                    prev_pos=clash.pos,
                    prev_span=entry_span(clash),
                    pos=entry.pos,
                )
            )
            rejected = into.rejected = _grown(into.rejected)
            rejected.append(entry)
        if new.inherit_sources:
            into.inherit_sources = [*into.inherit_sources, *new.inherit_sources]
        # Nix 2.8 dropped the absorbed literal's dynamic attributes; 2.26 keeps them.
        if new.dynamic:
            into.dynamic = [*into.dynamic, *new.dynamic]
        if new.dropped:
            into.dropped = [*into.dropped, *new.dropped]
        if new.rejected:
            into.rejected = [*into.rejected, *new.rejected]

    @staticmethod
    def _reject(merged: MergedAttrs, node: nodes.AttrDef) -> None:
        rejected = merged.rejected = _grown(merged.rejected)
        for key in node.path:
            if isinstance(key, nodes.DynamicKey):
                rejected.append(key.expr)
        rejected.append(node.value)

    def _duplicate(
        self,
        path: list[nodes.AttrKey],
        span: tuple[int, int],
        pos: int,
        existing: StaticEntry,
    ) -> None:
        self.problems.append(
            DuplicateAttr(
                path=list(path),
                span=span,
                prev_pos=existing.pos,
                prev_span=entry_span(existing),
                pos=pos,
            )
        )


def merge_bindings(
    node: SetNode, source: bytes | None = None
) -> tuple[MergedAttrs, list[DuplicateAttr]]:
    """Merge one node's bindings on their own (analysis uses one shared :class:`Merger`)."""
    merger = Merger(source)
    merged = merger.attrs_of(node)
    return merged, merger.problems
