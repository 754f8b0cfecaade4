"""Completion: names in scope, builtins, attributes after `.`, formals, file paths.

While typing, the text around the cursor is often incomplete (`x.` at the
end of a file does not parse). When the document has syntax errors,
completion looks at the text with a placeholder name inserted at the
cursor instead, which usually parses: `x.` becomes `x.<placeholder>`.
Items are plain data (:class:`Item`); only files the read policy allows
are looked into.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import functools
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.compiler import Analysis, analyse
from evaluator.compiler.model import GlobalRef, LocalRef
from evaluator.syntax import ParseResult, nodes, parse
from nixls.ide import builtin_docs, static_sets, value_completion, value_nav
from nixls.ide.flake import features as flake
from nixls.ide.tree import ancestors_at, is_identifier, unparen
from nixls.ide.workspace import Unit

if TYPE_CHECKING:
    from nixls.ide.live import LiveEvaluator
    from nixls.ide.reads import Reader

PLACEHOLDER = b"nixlsCompletionPlaceholder"
_IDENT_CHARS = re.compile(rb"[A-Za-z0-9_'\-]*\Z")
_PATH_CHARS = re.compile(rb"[A-Za-z0-9._\-+~/]*\Z")
KEYWORDS = ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"]


class ItemKind(enum.Enum):
    """What a completion item is."""

    VARIABLE = "variable"
    FIELD = "field"
    FUNCTION = "function"
    CONSTANT = "constant"
    KEYWORD = "keyword"
    PROPERTY = "property"
    FILE = "file"
    FOLDER = "folder"
    MODULE = "module"


@dataclass(frozen=True)
class Item:
    """One completion item."""

    label: str
    kind: ItemKind
    sort_text: str
    detail: str | None = None
    documentation: str | None = None  # markdown
    insert_text: str | None = None
    # Replace this span with ``insert_text`` (path completion), else insert.
    edit_span: tuple[int, int] | None = None
    # (origin number, name): `completionItem/resolve` documents it (value_completion).
    resolve: tuple[int, str] | None = None


_KIND = {
    "let": ItemKind.VARIABLE,
    "rec-attr": ItemKind.FIELD,
    "argument": ItemKind.VARIABLE,
    "formal": ItemKind.VARIABLE,
    "at": ItemKind.VARIABLE,
}

_DETAIL = {
    "let": "let binding",
    "rec-attr": "attribute of a rec set",
    "argument": "function argument",
    "formal": "formal argument",
    "at": "@ argument",
}


@dataclass
class Context:
    """The tree completion works on: the document's, or the patched text's."""

    unit: Unit
    parse: ParseResult
    analysis: Analysis
    offset: int  # the cursor in this tree's text
    patched: bool


class _Patched(Unit):
    """The document's text with the placeholder inserted at the cursor."""

    def __init__(self, doc: Unit, source: bytes) -> None:
        super().__init__(doc.uri, doc.path, doc.encoding)
        self._source = source
        self._parse = parse(source)
        self._analysis = analyse(self._parse, doc.path or doc.uri)

    @property
    def source(self) -> bytes:
        return self._source

    @property
    def parse_result(self) -> ParseResult:
        return self._parse


def context_at(doc: Unit, offset: int) -> Context:
    """Where completion looks: the real tree if it parsed, else the patched text."""
    if not doc.parse_result.errors:
        return Context(doc, doc.parse_result, doc.analysis, offset, False)
    source = doc.source
    word_start = _word_start(source, offset)
    patched_src = source[:word_start] + PLACEHOLDER + source[offset:]
    unit = _Patched(doc, patched_src)
    return Context(unit, unit.parse_result, unit.analysis, word_start, True)


def _word_start(source: bytes, offset: int) -> int:
    m = _IDENT_CHARS.search(source[max(0, offset - 200) : offset])
    return offset - (len(m.group()) if m else 0)


# ---------------------------------------------------------------- items


@functools.cache  # the builtins never change, and items are immutable
def _builtin_item(name: str, label: str | None = None) -> Item:
    entry = builtin_docs.info(name)
    return Item(
        label=label or name,
        kind=ItemKind.FUNCTION if entry is not None and entry.is_function else ItemKind.CONSTANT,
        detail="builtin",
        documentation=builtin_docs.markdown(entry) if entry is not None else None,
        sort_text="2" + (label or name),
    )


@functools.lru_cache(maxsize=1 << 16)  # made once per name: large files have thousands
def _local_item(name: str, kind: str) -> Item:
    return Item(
        label=name,
        kind=_KIND.get(kind, ItemKind.VARIABLE),
        detail=_DETAIL.get(kind, kind),
        sort_text="0" + name,
    )


_KEYWORD_ITEMS = [Item(label=kw, kind=ItemKind.KEYWORD, sort_text="3" + kw) for kw in KEYWORDS]


def _attr_items(names: list[str], detail: str) -> list[Item]:
    return [
        Item(
            label=name,
            kind=ItemKind.FIELD,
            detail=detail,
            insert_text=name if is_identifier(name) else '"' + name.replace('"', '\\"') + '"',
            sort_text="0" + name,
        )
        for name in names
    ]


# ---------------------------------------------------------------- contexts


def scope_items(ctx: Context, reader: Reader) -> list[Item]:
    """Names visible at the cursor: locals, `with` attributes, builtins, keywords."""
    visible = ctx.analysis.visible_names(ctx.offset)
    items: list[Item] = []
    placeholder = PLACEHOLDER.decode()
    globals_ = builtin_docs.global_names()
    for name, kind in visible.names.items():
        if name == placeholder:
            continue
        if kind == "global":
            items.append(_builtin_item(globals_.get(name, name), label=name))
        else:
            items.append(_local_item(name, kind))
    seen = set(visible.names)
    for scope in visible.withs:
        node = scope.node
        if not isinstance(node, nodes.With):
            continue
        sset = static_sets.resolve_set(node.env, ctx.unit, reader.unit)
        if sset is None:
            continue
        for item in _attr_items([n for n in sset.names() if n not in seen], "from with"):
            items.append(item)
            seen.add(item.label)
    items += _KEYWORD_ITEMS
    return items


def _select_at(ctx: Context) -> tuple[nodes.Select | nodes.HasAttr, int] | None:
    """The selection whose key is at the cursor, and that key's index."""
    chain = ancestors_at(ctx.parse.root, ctx.offset)
    for node in reversed(chain):
        if isinstance(node, nodes.Select | nodes.HasAttr):
            for i, key in enumerate(node.path):
                if key.start <= ctx.offset <= key.end:
                    return node, i
    return None


def _base_is_builtins(expr: nodes.Node) -> bool:
    base = unparen(expr)
    return (
        isinstance(base, nodes.Var)
        and isinstance(base.resolution, GlobalRef)
        and base.resolution.name == "builtins"
    )


async def attribute_items(
    reader: Reader, ctx: Context, live: LiveEvaluator | None, wait: float
) -> list[Item] | None:
    """After `e.`: the attributes of `e` (None if the cursor is not after a dot).

    When `e` is not known statically and ``live`` is given, `e` is
    evaluated, for at most ``wait`` seconds.
    """
    found = _select_at(ctx)
    if found is None:
        return None
    sel, index = found
    if index == 0 and _base_is_builtins(sel.expr):
        return [_builtin_item(name) for name in builtin_docs.builtin_names()]
    loader = reader.unit
    prefix = sel.path[:index]
    if prefix:
        member = static_sets.resolve_member(sel.expr, prefix, ctx.unit, loader)
        sset = static_sets.member_set(member, loader) if member else None
    else:
        sset = static_sets.resolve_set(sel.expr, ctx.unit, loader)
    if sset is not None:
        return _resolvable(ctx, sel, prefix, _attr_items(sset.names(), "attribute"))
    if live is None:
        return []
    end = prefix[-1].end if prefix else sel.expr.end
    # Evaluated in the tree completion looks at (the patched one, if patched).
    names = await _evaluated_names(live, ctx.unit, (sel.start, end), wait)
    return _resolvable(ctx, sel, prefix, _attr_items(names, "attribute (evaluated)"))


def _resolvable(
    ctx: Context,
    sel: nodes.Select | nodes.HasAttr,
    prefix: list[nodes.AttrKey],
    items: list[Item],
) -> list[Item]:
    """Items whose kind and documentation `completionItem/resolve` fills in by evaluation."""
    names = [k.name for k in prefix if isinstance(k, nodes.StaticKey)]
    if len(names) != len(prefix) or not items:
        return items
    query = value_nav.Query((sel.expr.start, sel.expr.end), tuple(names))
    origin = value_completion.ORIGINS.remember(ctx.unit, query)
    return [dataclasses.replace(item, resolve=(origin, item.label)) for item in items]


async def _evaluated_names(
    live: LiveEvaluator, unit: Unit, span: tuple[int, int], wait: float
) -> list[str]:
    task = asyncio.ensure_future(live.attr_names(unit, span))
    try:
        names = await asyncio.wait_for(asyncio.shield(task), wait)
    except TimeoutError:
        task.cancel()
        return []
    except asyncio.CancelledError:
        task.cancel()
        raise
    return list(names or [])


def _given_names(node: nodes.AttrSet) -> set[str]:
    """The names a set literal already binds at its first level."""
    given = {
        b.path[0].name
        for b in node.bindings
        if isinstance(b, nodes.AttrDef) and b.path and isinstance(b.path[0], nodes.StaticKey)
    }
    for b in node.bindings:
        if isinstance(b, nodes.Inherit):
            given.update(k.name for k in b.names)
    return given


def formal_items(reader: Reader, ctx: Context) -> list[Item] | None:
    """Inside `f { ... }` at a name position: the formals of `f` not yet given."""
    before = ctx.unit.source[: ctx.offset].rstrip()
    if not before.endswith((b"{", b";")):
        return None
    chain = ancestors_at(ctx.parse.root, ctx.offset)
    for i in range(len(chain) - 1, 0, -1):
        node = chain[i]
        if isinstance(node, nodes.AttrSet):
            parent = chain[i - 1]
            if not (isinstance(parent, nodes.Apply) and unparen(parent.arg) is node):
                return None
            found = resolve_function(reader, parent.fn, ctx.unit)
            if found is None or found.formals is None:
                return None
            given = _given_names(node)
            return [
                Item(
                    label=formal.name.name,
                    kind=ItemKind.PROPERTY,
                    detail="argument (has a default)"
                    if formal.default is not None
                    else "argument (required)",
                    sort_text=("1" if formal.default is not None else "0") + formal.name.name,
                )
                for formal in found.formals.entries
                if formal.name.name not in given and formal.name.name != PLACEHOLDER.decode()
            ]
        if isinstance(node, nodes.Lambda | nodes.Let):
            return None
    return None


def resolve_function(reader: Reader, expr: nodes.Node, unit: Unit) -> nodes.Lambda | None:
    """The function literal an expression statically denotes (following names and imports)."""
    node: nodes.Node = unparen(expr)
    for _ in range(50):
        node = unparen(node)
        if isinstance(node, nodes.Lambda):
            return node
        if isinstance(node, nodes.Var):
            res = node.resolution
            if isinstance(res, LocalRef) and res.binding.value is not None:
                node = res.binding.value
                continue
            return None
        if isinstance(node, nodes.Select):
            member = static_sets.resolve_member(node.expr, node.path, unit, reader.unit)
            if member is None or member.value is None:
                return None
            node, unit = member.value, member.unit
            continue
        if isinstance(node, nodes.Apply):
            target = static_sets.import_target(node, unit)
            loaded = reader.unit(target) if target else None
            if loaded is None:
                return None
            node, unit = loaded.parse_result.root, loaded
            continue
        if isinstance(node, nodes.Let | nodes.With | nodes.Assert):
            node = node.body
            continue
        return None
    return None


def path_items(doc: Unit, offset: int, reader: Reader) -> list[Item] | None:
    """In a path literal: the entries of the directory typed so far (if it may be read)."""
    m = _PATH_CHARS.search(doc.source[max(0, offset - 500) : offset])
    typed = m.group().decode("utf-8", "replace") if m else ""
    if "/" not in typed or not typed.startswith(("./", "../", "/", "~/")):
        return None
    directory, _, partial = typed.rpartition("/")
    if typed.startswith("~/"):
        base = os.path.expanduser("~" + directory[1:])
    elif typed.startswith("/"):
        base = directory or "/"
    else:
        if doc.path is None:
            return None
        base = os.path.join(os.path.dirname(doc.path), directory)
    span = (offset - len(partial.encode("utf-8")), offset)
    items = []
    for entry in reader.entries(os.path.normpath(base)):
        if entry.name.startswith(".") and not partial.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        items.append(
            Item(
                label=entry.name + ("/" if is_dir else ""),
                kind=ItemKind.FOLDER if is_dir else ItemKind.FILE,
                insert_text=entry.name,
                edit_span=span,
                sort_text=("0" if is_dir else "1") + entry.name,
            )
        )
    return items


async def complete(
    doc: Unit, reader: Reader, offset: int, live: LiveEvaluator | None, wait: float
) -> list[Item]:
    """Completion items at ``offset``; ``live``: evaluate sets not known statically."""
    paths = path_items(doc, offset, reader)
    if paths is not None:
        return paths
    ctx = context_at(doc, offset)
    inputs = flake.completion(ctx.unit, ctx.offset)  # flake.nix: input names
    if inputs is not None:
        return [
            Item(label=i.name, kind=ItemKind.MODULE, detail=i.detail, sort_text="0" + i.name)
            for i in inputs
        ]
    attrs = await attribute_items(reader, ctx, live, wait)
    if attrs is not None:
        return attrs
    formals = formal_items(reader, ctx)
    if formals:
        return formals + scope_items(ctx, reader)
    return scope_items(ctx, reader)


# ---------------------------------------------------------------- narrowing

# The most items one answer carries (a 50,000-line file has 1,600 names in
# scope, an evaluated package set 100,000 attributes).
MAX_ITEMS = 200
_WORD_BREAKS = frozenset("_-'.")


def typed_prefix(source: bytes, offset: int) -> str:
    """The part of a name typed before ``offset`` (empty after a space or a dot)."""
    return source[_word_start(source, offset) : offset].decode("utf-8", "replace")


def _rank(label: str, prefix: str, folded: str) -> int | None:
    """How well ``label`` matches the typed ``prefix`` (``folded``: lower-cased).

    0: starts with it; 1: starts with it, ignoring case; 2: its letters in
    order, the first at the start of a word of the label (`mkDer` finds
    `mkDerivation`, `der` finds it too, `rivation` does not); None: no match.
    This is close to the editors' own fuzzy filters, which then narrow the
    list further as the user types.
    """
    if label.startswith(prefix):
        return 0
    lower = label.lower()
    if lower.startswith(folded):
        return 1
    first = folded[0]
    at = lower.find(first)
    while at != -1:
        if at == 0 or label[at].isupper() or label[at - 1] in _WORD_BREAKS:
            pos = at + 1
            for char in folded[1:]:
                pos = lower.find(char, pos) + 1
                if pos == 0:
                    return None  # later starts cannot do better
            return 2
        at = lower.find(first, at + 1)
    return None


def narrow(items: list[Item], prefix: str, limit: int = MAX_ITEMS) -> tuple[list[Item], bool]:
    """The items matching the typed ``prefix``, at most ``limit`` of them (the
    best matches, then by sort text); and whether any item was left out (the
    client should then ask again as the user types). File and folder items
    are already narrowed to the typed name and are kept as they are.
    """
    if prefix:
        folded = prefix.lower()
        ranked: list[tuple[int, Item]] = []
        for item in items:
            if item.edit_span is not None:
                ranked.append((0, item))
                continue
            rank = _rank(item.label, prefix, folded)
            if rank is not None:
                ranked.append((rank, item))
    else:
        ranked = [(0, item) for item in items]
    if len(ranked) > limit:
        ranked.sort(key=lambda pair: (pair[0], pair[1].sort_text))
        del ranked[limit:]
    return [item for _, item in ranked], len(ranked) < len(items)
