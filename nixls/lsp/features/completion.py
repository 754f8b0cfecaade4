"""Completion: names in scope, builtins, attributes after `.`, formals, file paths.

While typing, the text around the cursor is often incomplete (`x.` at the
end of a file does not parse). When the document has syntax errors,
completion looks at the text with a placeholder name inserted at the
cursor instead, which usually parses: `x.` becomes `x.<placeholder>`.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from evaluator.compiler import Analysis, analyse
from evaluator.compiler.model import Binding, GlobalRef, LocalRef
from evaluator.syntax import ParseResult, nodes, parse
from nixls.ide import builtin_docs, static_sets
from nixls.ide.reads import Reader
from nixls.ide.tree import ancestors_at, is_identifier, unparen
from nixls.ide.workspace import Unit
from nixls.lsp.convert import position_at
from nixls.lsp.features import options

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer

PLACEHOLDER = b"nixlsCompletionPlaceholder"
_IDENT_CHARS = re.compile(rb"[A-Za-z0-9_'\-]*\Z")
_PATH_CHARS = re.compile(rb"[A-Za-z0-9._\-+~/]*\Z")

_KIND = {
    "let": types.CompletionItemKind.Variable,
    "rec-attr": types.CompletionItemKind.Field,
    "argument": types.CompletionItemKind.Variable,
    "formal": types.CompletionItemKind.Variable,
    "at": types.CompletionItemKind.Variable,
}

_DETAIL = {
    "let": "let binding",
    "rec-attr": "attribute of a rec set",
    "argument": "function argument",
    "formal": "formal argument",
    "at": "@ argument",
}

KEYWORDS = ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"]


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

    def __init__(self, doc: OpenDocument, source: bytes) -> None:
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


def context_at(doc: OpenDocument, offset: int) -> Context:
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


def _builtin_item(name: str, label: str | None = None) -> types.CompletionItem:
    entry = builtin_docs.info(name)
    kind = (
        types.CompletionItemKind.Function
        if entry is not None and entry.is_function
        else types.CompletionItemKind.Constant
    )
    return types.CompletionItem(
        label=label or name,
        kind=kind,
        detail="builtin",
        documentation=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=builtin_docs.markdown(entry)
        )
        if entry is not None
        else None,
        sort_text="2" + (label or name),
    )


def _binding_item(name: str, kind: str, binding: Binding | None) -> types.CompletionItem:
    return types.CompletionItem(
        label=name,
        kind=_KIND.get(kind, types.CompletionItemKind.Variable),
        detail=_DETAIL.get(kind, kind),
        sort_text="0" + name,
    )


def _attr_items(names: list[str], detail: str) -> list[types.CompletionItem]:
    items = []
    for name in names:
        text = name if is_identifier(name) else '"' + name.replace('"', '\\"') + '"'
        items.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Field,
                detail=detail,
                insert_text=text,
                sort_text="0" + name,
            )
        )
    return items


# ---------------------------------------------------------------- contexts


def scope_items(ctx: Context, reader: Reader) -> list[types.CompletionItem]:
    """Names visible at the cursor: locals, `with` attributes, builtins, keywords."""
    visible = ctx.analysis.visible_names(ctx.offset)
    items: list[types.CompletionItem] = []
    for name, kind in visible.names.items():
        if name == PLACEHOLDER.decode():
            continue
        if kind == "global":
            target = builtin_docs.global_names().get(name, name)
            items.append(_builtin_item(target, label=name))
        else:
            items.append(_binding_item(name, kind, visible.bindings.get(name)))
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
    for kw in KEYWORDS:
        items.append(
            types.CompletionItem(
                label=kw, kind=types.CompletionItemKind.Keyword, sort_text="3" + kw
            )
        )
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
    server: NixServer, reader: Reader, ctx: Context
) -> list[types.CompletionItem] | None:
    """After `e.`: the attributes of `e` (None if the cursor is not after a dot)."""
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
        return _attr_items(sset.names(), "attribute")
    # Not known statically: evaluate the prefix, within the budget.
    if not server.settings.eval.enable or server.live is None:
        return []
    end = prefix[-1].end if prefix else sel.expr.end
    # Evaluated in the tree completion looks at (the patched one, if patched).
    names = await _evaluated_names(server, ctx.unit, (sel.start, end))
    return _attr_items(names, "attribute (evaluated)")


async def _evaluated_names(server: NixServer, unit: Unit, span: tuple[int, int]) -> list[str]:
    wait = max(0, server.settings.hover.wait_ms) / 1000
    task = asyncio.ensure_future(server.live.attr_names(unit, span))
    try:
        names = await asyncio.wait_for(asyncio.shield(task), wait)
    except TimeoutError:
        task.cancel()
        return []
    except asyncio.CancelledError:
        task.cancel()
        raise
    return list(names or [])


def formal_items(reader: Reader, ctx: Context) -> list[types.CompletionItem] | None:
    """Inside `f { ... }` at a name position: the formals of `f` not yet given."""
    source = ctx.unit.source
    before = source[: ctx.offset].rstrip()
    if not before.endswith((b"{", b";")):
        return None
    chain = ancestors_at(ctx.parse.root, ctx.offset)
    for i in range(len(chain) - 1, 0, -1):
        node = chain[i]
        if isinstance(node, nodes.AttrSet):
            parent = chain[i - 1]
            if isinstance(parent, nodes.Apply) and unparen(parent.arg) is node:
                found = resolve_function(reader, parent.fn, ctx.unit)
                if found is None or found.formals is None:
                    return None
                given = {
                    b.path[0].name
                    for b in node.bindings
                    if isinstance(b, nodes.AttrDef)
                    and b.path
                    and isinstance(b.path[0], nodes.StaticKey)
                }
                for b in node.bindings:
                    if isinstance(b, nodes.Inherit):
                        given.update(k.name for k in b.names)
                items = []
                for formal in found.formals.entries:
                    name = formal.name.name
                    if name in given or name == PLACEHOLDER.decode():
                        continue
                    items.append(
                        types.CompletionItem(
                            label=name,
                            kind=types.CompletionItemKind.Property,
                            detail="argument (has a default)"
                            if formal.default is not None
                            else "argument (required)",
                            sort_text=("1" if formal.default is not None else "0") + name,
                        )
                    )
                return items
            return None
        if isinstance(node, nodes.Lambda | nodes.Let):
            return None
    return None


def resolve_function(reader: Reader, expr: nodes.Node, unit: Unit) -> nodes.Lambda | None:
    """The function literal an expression statically denotes (following names and imports)."""
    node: nodes.Node = unparen(expr)
    steps = 0
    while steps < 50:
        steps += 1
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


def path_items(doc: OpenDocument, offset: int, reader: Reader) -> list[types.CompletionItem] | None:
    """In a path literal: the entries of the directory typed so far (if it may be read)."""
    source = doc.source
    m = _PATH_CHARS.search(source[max(0, offset - 500) : offset])
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
    entries = reader.entries(os.path.normpath(base))
    start = position_at(doc, offset - len(partial.encode("utf-8")))
    end = position_at(doc, offset)
    items = []
    for entry in entries:
        if entry.name.startswith(".") and not partial.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        items.append(
            types.CompletionItem(
                label=entry.name + ("/" if is_dir else ""),
                kind=types.CompletionItemKind.Folder if is_dir else types.CompletionItemKind.File,
                text_edit=types.TextEdit(
                    range=types.Range(start=start, end=end), new_text=entry.name
                ),
                sort_text=("0" if is_dir else "1") + entry.name,
            )
        )
    return items


async def complete(server: NixServer, doc: OpenDocument, offset: int) -> list[types.CompletionItem]:
    """Completion items at ``offset`` (reading only what the read policy allows)."""
    with server.reading(doc) as reader:
        paths = path_items(doc, offset, reader)
        if paths is not None:
            return paths
        ctx = context_at(doc, offset)
        attrs = await attribute_items(server, reader, ctx)
        if attrs is not None:
            return attrs
        formals = formal_items(reader, ctx)
        if formals:
            return formals + scope_items(ctx, reader)
        return scope_items(ctx, reader)


def register(server: NixServer) -> None:
    """Add completion to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[".", "/"], resolve_provider=True),
    )
    async def on_completion(
        ls: NixServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        offset = doc.offset_at(params.position)
        items = await options.completion_items(ls, doc, offset) or await complete(ls, doc, offset)
        return types.CompletionList(is_incomplete=False, items=items)
