"""Document symbols (nested attrsets, let bindings, functions), folding and selection ranges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from evaluator.syntax import nodes
from nixls.ide.tree import ancestors_at, attr_path_text, children, unparen, walk
from nixls.lsp.convert import position_at, range_of

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer


def _kind_of(value: nodes.Node) -> types.SymbolKind:
    value = unparen(value)
    if isinstance(value, nodes.Lambda):
        return types.SymbolKind.Function
    if isinstance(value, nodes.AttrSet):
        return types.SymbolKind.Object
    if isinstance(value, nodes.List):
        return types.SymbolKind.Array
    if isinstance(value, nodes.Str):
        return types.SymbolKind.String
    if isinstance(value, nodes.Int | nodes.Float):
        return types.SymbolKind.Number
    if isinstance(value, nodes.Var) and value.name in ("true", "false"):
        return types.SymbolKind.Boolean
    return types.SymbolKind.Field


def _detail(value: nodes.Node) -> str | None:
    value = unparen(value)
    if isinstance(value, nodes.Lambda):
        if value.formals is not None:
            names = ", ".join(f.name.name for f in value.formals.entries)
            if value.formals.ellipsis:
                names = names + ", ..." if names else "..."
            return "{ " + names + " }:" if names else "{ }:"
        if value.param is not None:
            return value.param.name + ":"
    return None


# Deeper outlines are cut: clients (and the JSON encoder) handle nesting recursively.
MAX_DEPTH = 64


def document_symbols(doc: OpenDocument) -> list[types.DocumentSymbol]:
    """The outline of a document.

    Attribute sets nest their attributes, `let` blocks list their bindings
    (marked as variables), and functions bound to names show their
    arguments as detail. Anonymous functions and other expressions are
    looked through, so bindings deep inside still appear under their
    closest named parent.
    """
    parse = doc.parse_result
    source = doc.source
    root_symbols: list[types.DocumentSymbol] = []
    # (node, list that symbols found under it go into)
    # (node, the list its symbols go into, nesting depth of that list)
    stack: list[tuple[nodes.Node, list[types.DocumentSymbol], int]] = [
        (parse.root, root_symbols, 0)
    ]
    while stack:
        node, out, depth = stack.pop()
        bindings: list[nodes.BindingNode] | None = None
        is_let = False
        if isinstance(node, nodes.AttrSet):
            bindings = node.bindings
        elif isinstance(node, nodes.Let | nodes.LegacyLet):
            bindings = node.bindings
            is_let = isinstance(node, nodes.Let)
        if bindings is None:
            # Look through to children, in source order (stack is LIFO).
            for child in reversed(children(node)):
                stack.append((child, out, depth))
            continue
        later: list[tuple[nodes.Node, list[types.DocumentSymbol], int]] = []
        for binding in bindings:
            if isinstance(binding, nodes.AttrDef):
                if not binding.path:
                    continue
                name = attr_path_text(binding.path, source) or "?"
                sym = types.DocumentSymbol(
                    name=name,
                    kind=types.SymbolKind.Variable if is_let else _kind_of(binding.value),
                    detail=_detail(binding.value),
                    range=range_of(doc, binding.start, binding.end),
                    selection_range=range_of(doc, binding.path[0].start, binding.path[-1].end),
                    children=[],
                )
                kids: list[types.DocumentSymbol] = []
                sym.children = kids
                out.append(sym)
                if depth + 1 < MAX_DEPTH:
                    later.append((binding.value, kids, depth + 1))
            else:
                for key in binding.names:
                    out.append(
                        types.DocumentSymbol(
                            name=key.name,
                            kind=types.SymbolKind.Variable if is_let else types.SymbolKind.Field,
                            detail="inherit",
                            range=range_of(doc, key.start, key.end),
                            selection_range=range_of(doc, key.start, key.end),
                        )
                    )
                if binding.from_ is not None:
                    later.append((binding.from_, out, depth))
        if isinstance(node, nodes.Let):
            later.append((node.body, out, depth))
        for item in reversed(later):
            stack.append(item)
    _drop_empty_children(root_symbols)
    return root_symbols


def _drop_empty_children(symbols: list[types.DocumentSymbol]) -> None:
    pending = list(symbols)
    while pending:
        sym = pending.pop()
        if sym.children:
            pending.extend(sym.children)
        else:
            sym.children = None


_FOLDABLE = (
    nodes.AttrSet,
    nodes.List,
    nodes.Let,
    nodes.LegacyLet,
    nodes.Str,
    nodes.Formals,
    nodes.Paren,
    nodes.AttrDef,
)


def folding_ranges(doc: OpenDocument, comments: list[tuple[int, int]]) -> list[types.FoldingRange]:
    """Multi-line attrsets, lists, lets, strings, formals, bindings and comments."""
    out: list[types.FoldingRange] = []
    seen: set[tuple[int, int]] = set()
    for node in walk(doc.parse_result.root):
        if not isinstance(node, _FOLDABLE):
            continue
        end_offset = node.end
        if isinstance(node, nodes.Let) and node.bindings:
            # Fold `let` up to its last binding: the body folds on its own.
            end_offset = node.bindings[-1].end
        start = position_at(doc, node.start)
        end = position_at(doc, end_offset)
        if end.line <= start.line or (start.line, end.line) in seen:
            continue
        seen.add((start.line, end.line))
        out.append(types.FoldingRange(start_line=start.line, end_line=end.line))
    for start_off, end_off in _comment_blocks(doc.source, comments):
        start = position_at(doc, start_off)
        end = position_at(doc, end_off)
        if end.line > start.line:
            out.append(
                types.FoldingRange(
                    start_line=start.line,
                    end_line=end.line,
                    kind=types.FoldingRangeKind.Comment,
                )
            )
    return out


def _comment_blocks(source: bytes, comments: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Comment blocks: each `/* */` comment, and runs of `#` lines merged."""
    spans: list[tuple[int, int]] = []
    for start, end in comments:
        if spans and source.startswith(b"#", start) and source.startswith(b"#", spans[-1][0]):
            between = source[spans[-1][1] : start]
            if between.strip() == b"" and between.count(b"\n") == 1:
                spans[-1] = (spans[-1][0], end)
                continue
        spans.append((start, end))
    return spans


def selection_ranges(
    doc: OpenDocument, positions: Sequence[types.Position]
) -> list[types.SelectionRange]:
    """For each position, the chain of enclosing nodes, innermost first."""
    out: list[types.SelectionRange] = []
    root = doc.parse_result.root
    for position in positions:
        # The innermost levels only: a deeper chain would be encoded recursively.
        chain = ancestors_at(root, doc.offset_at(position))[-MAX_DEPTH:]
        current: types.SelectionRange | None = None
        last: tuple[int, int] | None = None
        for node in chain:  # outermost first: each wraps the previous
            span = (node.start, node.end)
            if span == last:
                continue
            last = span
            current = types.SelectionRange(range=range_of(doc, *span), parent=current)
        if current is None:
            current = types.SelectionRange(range=types.Range(start=position, end=position))
        out.append(current)
    return out


def register(server: NixServer) -> None:
    """Add the symbol features to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def on_document_symbol(
        ls: NixServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        cache = doc.cache
        if "symbols" not in cache:
            cache["symbols"] = await ls.off_loop(doc, lambda: document_symbols(doc))
        result: list[types.DocumentSymbol] = cache["symbols"]
        return result

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    async def on_folding_range(
        ls: NixServer, params: types.FoldingRangeParams
    ) -> list[types.FoldingRange] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        cache = doc.cache
        if "folding" not in cache:
            _tokens, comments = await ls.lexed(doc)
            cache["folding"] = await ls.off_loop(doc, lambda: folding_ranges(doc, comments))
        result: list[types.FoldingRange] = cache["folding"]
        return result

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    def on_selection_range(
        ls: NixServer, params: types.SelectionRangeParams
    ) -> list[types.SelectionRange] | None:
        doc = ls.document(params.text_document.uri)
        return selection_ranges(doc, params.positions) if doc else None
