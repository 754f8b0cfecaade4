"""Hover over JSON-RPC: what a name is, where it is defined, builtin docs."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.server.harness import Session, pos, rng

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {"nixls": {"eval": {"diagnostics": "off"}, "hover": {"values": False}}}

TEXT = """{ pkgs, flag ? true, ... }@args:
let
  count = 3;
  twice = n: n * 2;
in
with pkgs;
{
  a = twice count;
  b = map (x: x) [ flag ];
  c = builtins.length [ ];
  d = hello;
  e = args;
  f = builtins.nixVersion;
}
"""


async def hover(session: Session, uri: str, at: types.Position) -> tuple[str, types.Range | None]:
    result = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value, result.range


@pytest.fixture(scope="module")
def uri(session: Session) -> str:
    return session.open("hover.nix", TEXT)


async def test_let_binding(session: Session, uri: str) -> None:
    text, where = await hover(session, uri, pos(TEXT, "count;"))
    assert "`count`: let binding, defined on line 3" in text
    assert "count = 3;" in text
    assert where == rng(TEXT, "count", nth=1)


async def test_function_argument_and_formal_with_default(session: Session, uri: str) -> None:
    text, _ = await hover(session, uri, pos(TEXT, "n * 2"))
    assert "`n`: function argument, defined on line 4" in text
    text, _ = await hover(session, uri, pos(TEXT, "flag ]"))
    assert "`flag`: formal argument, defined on line 1" in text
    assert "default: `true`" in text
    text, _ = await hover(session, uri, pos(TEXT, "pkgs;"))
    assert "no default" in text
    text, _ = await hover(session, uri, pos(TEXT, "args;"))
    assert "`@` argument" in text


async def test_with_provided_name(session: Session, uri: str) -> None:
    text, _ = await hover(session, uri, pos(TEXT, "hello"))
    assert "`hello`: provided by `with`" in text
    assert "from `with pkgs;` on line 6" in text


async def test_builtins_show_signature_and_description(session: Session, uri: str) -> None:
    text, where = await hover(session, uri, pos(TEXT, "map"))
    assert "builtins.map f list" in text
    assert "builtin function" in text
    assert where == rng(TEXT, "map")
    text, where = await hover(session, uri, pos(TEXT, "length"))
    assert "builtins.length list" in text
    assert where == rng(TEXT, "length")
    text, _ = await hover(session, uri, pos(TEXT, "nixVersion"))
    assert "builtin constant" in text


async def test_definition_site_and_nothing_on_whitespace(session: Session, uri: str) -> None:
    text, _ = await hover(session, uri, pos(TEXT, "twice"))
    assert "`twice`: let binding" in text
    result = await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=4, character=2),
        )
    )
    assert result is None


async def test_hover_in_a_broken_file(session: Session) -> None:
    broken = "let a = 1; b = ; in a + \n"
    uri = session.open("hover-broken.nix", broken)
    text, _ = await hover(session, uri, pos(broken, "a +"))
    assert "`a`: let binding" in text
