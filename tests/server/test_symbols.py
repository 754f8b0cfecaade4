"""Document symbols, folding ranges and selection ranges over JSON-RPC."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.server.harness import Session, pos, rng

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {"nixls": {"eval": {"diagnostics": "off"}}}

TEXT = """{ pkgs, ... }:
let
  version = "1.0";
  helper = x: x + 1;
in
{
  name = "demo-${version}";
  meta = {
    license = "MIT";
    platforms = [
      "x86_64-linux"
      "aarch64-linux"
    ];
  };
  build = { src, flags ? [ ] }: src;
  inherit version;
}
"""


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def test_document_symbols_nest_sets_and_list_lets_and_functions(session: Session) -> None:
    uri = session.open("symbols.nix", TEXT)
    result = await session.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident(uri))
    )
    assert result is not None
    symbols = [s for s in result if isinstance(s, types.DocumentSymbol)]
    assert [s.name for s in symbols] == [
        "version",
        "helper",
        "name",
        "meta",
        "build",
        "version",
    ]
    by_name = {s.name: s for s in symbols[2:]}
    assert symbols[0].kind == types.SymbolKind.Variable
    assert symbols[1].detail == "x:"
    meta = by_name["meta"]
    assert meta.kind == types.SymbolKind.Object
    assert meta.children is not None
    assert [c.name for c in meta.children] == ["license", "platforms"]
    assert meta.children[1].kind == types.SymbolKind.Array
    assert meta.selection_range == rng(TEXT, "meta")
    assert meta.range.start == pos(TEXT, "meta")
    assert meta.range.end == pos(TEXT, "};", 2)
    build = by_name["build"]
    assert build.kind == types.SymbolKind.Function
    assert build.detail == "{ src, flags }:"
    assert by_name["version"].detail == "inherit"


async def test_symbols_survive_syntax_errors(session: Session) -> None:
    text = "{\n  good = 1;\n  bad = ;\n  also = { inner = 2; };\n}\n"
    uri = session.open("broken-symbols.nix", text)
    result = await session.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident(uri))
    )
    assert result is not None
    names = [s.name for s in result]
    assert "good" in names and "also" in names


async def test_folding_ranges(session: Session) -> None:
    uri = session.open("folding.nix", TEXT)
    result = await session.client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=ident(uri))
    )
    assert result is not None
    spans = {(r.start_line, r.end_line) for r in result}
    assert (1, 3) in spans  # let and its bindings (`in` stays visible)
    assert (5, 16) in spans  # the body set
    assert (7, 13) in spans  # meta = { ... };
    assert (9, 12) in spans  # the platforms list
    assert all(r.end_line > r.start_line for r in result)


async def test_selection_ranges_grow_outwards(session: Session) -> None:
    uri = session.open("selection.nix", TEXT)
    at = pos(TEXT, "x + 1")
    result = await session.client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=ident(uri), positions=[at])
    )
    assert result is not None
    (sel,) = result
    ranges = []
    current: types.SelectionRange | None = sel
    while current is not None:
        ranges.append(current.range)
        current = current.parent
    assert ranges[0] == rng(TEXT, "x", nth=1)  # the variable
    assert ranges[1] == rng(TEXT, "x + 1")  # the addition
    assert ranges[2] == rng(TEXT, "x: x + 1")  # the function
    # Every range contains the previous one; the last is the whole file's expression.
    for inner, outer in zip(ranges, ranges[1:], strict=False):
        assert (outer.start.line, outer.start.character) <= (
            inner.start.line,
            inner.start.character,
        )
        assert (outer.end.line, outer.end.character) >= (inner.end.line, inner.end.character)
    assert ranges[-1].start == types.Position(line=0, character=0)


async def test_comment_blocks_fold(session: Session) -> None:
    text = "# one\n# two\n# three\n{\n  /* a\n     b */\n  x = 1; # not a block\n}\n"
    uri = session.open("comments.nix", text)
    result = await session.client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=ident(uri))
    )
    assert result is not None
    comments = {(r.start_line, r.end_line) for r in result if r.kind == "comment"}
    assert comments == {(0, 2), (4, 5)}


async def test_the_outline_of_a_large_file_is_its_first_level(session: Session) -> None:
    # 2,000 packages of 5 attributes: 12,000 symbols in all, over the budget;
    # the client gets the 2,000 packages, each with its range, without children.
    body = "".join(f"    a{j} = {j};\n" for j in range(5))
    text = "{\n" + "".join(f"  p{i} = mk {{\n{body}  }};\n" for i in range(2000)) + "}\n"
    uri = session.open("large-outline.nix", text)
    result = await session.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident(uri))
    )
    assert result is not None
    symbols = [s for s in result if isinstance(s, types.DocumentSymbol)]
    assert len(symbols) == len(result) == 2000
    assert [s.name for s in symbols[:2]] == ["p0", "p1"]
    assert all(not s.children for s in symbols)
    last = symbols[-1]
    assert last.kind == types.SymbolKind.Field
    assert last.selection_range == rng(text, "p1999")
    assert last.range.end.line == text.count("\n") - 2  # its `};` (then `}` and the end)
