"""Conversions of the host's structural answers to LSP: the outline, folding,
selection ranges, quick fixes and semantic tokens (the relative encoding)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import Any

from lsprotocol import types

from nixls.ide.actions import Fix
from nixls.ide.symbols import Fold, Symbol, SymbolKind
from nixls.ide.workspace import Unit
from nixls.lsp.convert import RawJSON, diagnostic, range_of

_SYMBOL_KIND = {
    SymbolKind.FUNCTION: types.SymbolKind.Function.value,
    SymbolKind.OBJECT: types.SymbolKind.Object.value,
    SymbolKind.ARRAY: types.SymbolKind.Array.value,
    SymbolKind.STRING: types.SymbolKind.String.value,
    SymbolKind.NUMBER: types.SymbolKind.Number.value,
    SymbolKind.BOOLEAN: types.SymbolKind.Boolean.value,
    SymbolKind.FIELD: types.SymbolKind.Field.value,
    SymbolKind.VARIABLE: types.SymbolKind.Variable.value,
}


def _line_char(unit: Unit) -> Callable[[int], tuple[int, int]]:
    """``unit.line_char``, with a shortcut for ASCII text (spans at node borders)."""
    doc = unit.text_document
    if not doc.ascii:
        return unit.line_char
    starts = doc.lines.line_starts

    def line_char(offset: int) -> tuple[int, int]:
        line = bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    return line_char


def document_symbols(unit: Unit, symbols: list[Symbol]) -> RawJSON:
    """The LSP outline (``DocumentSymbol[]``), built as JSON directly.

    An outline can hold thousands of symbols: made as lsprotocol objects
    and unstructured again, it cost more than computing it.
    """
    line_char = _line_char(unit)

    def span(start: int, end: int) -> dict[str, Any]:
        (l0, c0), (l1, c1) = line_char(start), line_char(end)
        return {"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}}

    out: list[dict[str, Any]] = []
    # (symbol, the list its LSP form goes into); the outline's size is capped by the host
    pending: list[tuple[Symbol, list[dict[str, Any]]]] = [(s, out) for s in reversed(symbols)]
    while pending:
        sym, into = pending.pop()
        entry: dict[str, Any] = {
            "name": sym.name,
            "kind": _SYMBOL_KIND[sym.kind],
            "range": span(*sym.span),
            "selectionRange": span(*sym.selection),
        }
        if sym.detail is not None:
            entry["detail"] = sym.detail
        into.append(entry)
        if sym.children:
            kids: list[dict[str, Any]] = []
            entry["children"] = kids
            pending.extend((child, kids) for child in reversed(sym.children))
    return RawJSON(out)


def folding_ranges(folds: list[Fold]) -> list[types.FoldingRange]:
    """LSP folding ranges."""
    return [
        types.FoldingRange(
            start_line=f.start_line,
            end_line=f.end_line,
            kind=types.FoldingRangeKind.Comment if f.comment else None,
        )
        for f in folds
    ]


def selection_range(
    unit: Unit, chain: list[tuple[int, int]], position: types.Position
) -> types.SelectionRange:
    """Nested selection ranges from spans (outermost first); an empty chain: the position."""
    current: types.SelectionRange | None = None
    for span in chain:  # each wraps the previous
        current = types.SelectionRange(range=range_of(unit, *span), parent=current)
    if current is None:
        current = types.SelectionRange(range=types.Range(start=position, end=position))
    return current


def code_action(unit: Unit, fix: Fix) -> types.CodeAction:
    """A preferred quick fix."""
    text_edits = [
        types.TextEdit(range=range_of(unit, start, end), new_text=text)
        for start, end, text in fix.edits
    ]
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(unit, fix.diagnostic)],
        is_preferred=True,
        edit=types.WorkspaceEdit(changes={unit.uri: text_edits}),
    )


def _order(token: tuple[int, int, int, int]) -> tuple[int, int]:
    return token[0], -token[1]  # by start, the longer of two first


def semantic_tokens(
    unit: Unit, tokens: list[tuple[int, int, int, int]], lo: int = 0, hi: int | None = None
) -> list[int]:
    """The LSP's relative encoding; tokens split at line ends, overlaps dropped."""
    hi = len(unit.source) if hi is None else hi
    pieces = _pieces(unit.source, sorted(tokens, key=_order), lo, hi)
    doc = unit.text_document
    if doc.ascii:
        return _encode_ascii(unit.source, doc.lines.line_starts, pieces)
    data: list[int] = []
    prev_line = prev_char = 0
    line_char = _line_char(unit)
    for pos, piece_end, ttype, mods in pieces:
        line, char = line_char(pos)
        _, end_char = line_char(piece_end)
        delta_line = line - prev_line
        delta_char = char - prev_char if delta_line == 0 else char
        data += [delta_line, delta_char, end_char - char, ttype, mods]
        prev_line, prev_char = line, char
    return data


def _pieces(
    source: bytes, tokens: list[tuple[int, int, int, int]], lo: int, hi: int
) -> Iterator[tuple[int, int, int, int]]:
    """The sorted tokens overlapping ``[lo, hi)`` (overlaps dropped), split at line
    ends: (start, end, type, modifiers)."""
    last_end = -1
    for start, end, ttype, mods in tokens:
        if start < last_end or end <= lo or start >= hi:
            continue
        last_end = end
        pos = start
        while pos < end:
            nl = source.find(b"\n", pos, end)
            piece_end = end if nl == -1 else nl
            if piece_end > pos:
                yield pos, piece_end, ttype, mods
            pos = piece_end + 1 if nl != -1 else end


def _encode_ascii(
    source: bytes, starts: list[int], pieces: Iterator[tuple[int, int, int, int]]
) -> list[int]:
    """:func:`semantic_tokens` of an ASCII text: a column is a byte offset in its
    line, and the line of each piece is found from the previous one's (they are
    sorted): no position conversions (a third of the time at 50k)."""
    data: list[int] = []
    prev_line = prev_char = 0
    line, line_start = 0, 0
    next_start = starts[1] if len(starts) > 1 else len(source) + 1
    for pos, piece_end, ttype, mods in pieces:
        if pos >= next_start:
            line = bisect_right(starts, pos, line) - 1
            line_start = starts[line]
            next_start = starts[line + 1] if line + 1 < len(starts) else len(source) + 1
        char = pos - line_start
        if line == prev_line:
            data += (0, char - prev_char, piece_end - pos, ttype, mods)
        else:
            data += (line - prev_line, char, piece_end - pos, ttype, mods)
        prev_line, prev_char = line, char
    return data
