"""Values reached by evaluation, over the wire: docs, definitions, completion with resolve.

The real nixpkgs lib 26.11 (``tests/data/corpus``) and a tiny package set
(``tests/data/value-pkgs``) are given to the file's arguments through
``autoArgs``.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lsprotocol import types

from evaluator.api import Evaluator
from tests.server.harness import Session, pos

DATA = Path(__file__).resolve().parents[1] / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"
PACKAGES = DATA / "value-pkgs"

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {
    "nixls": {
        "eval": {
            "diagnostics": "off",
            "autoArgs": {"lib": f"import {LIB}", "pkgs": f"import {PACKAGES / 'pkgs.nix'}"},
            "allowedPaths": [str(LIB), str(PACKAGES)],
            "budget": {"timeoutMs": 10000},
        },
        "hover": {"waitMs": 10000},
    }
}

TEXT = """{ lib, pkgs }:
[
  (lib.optional true 1)
  lib.strings.concatMapStrings
  pkgs.hello
  (with pkgs; hello)
  lib
]
"""


def _binding(path: Path, name: str) -> types.Position:
    """Where `  name = ` is bound in a file (lines of ASCII text)."""
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith(f"  {name} = "))
    return types.Position(line=line, character=2)


async def _hover(session: Session, uri: str, at: types.Position) -> str:
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


async def _definition(session: Session, uri: str, at: types.Position) -> list[types.Location]:
    found = await session.client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert isinstance(found, list)
    return found


async def test_hover_on_a_lib_function_shows_its_doc(session: Session) -> None:
    uri = session.open("hover.nix", TEXT)
    text = await _hover(session, uri, pos(TEXT, "optional", 2))
    line = _binding(LIB / "lists.nix", "optional").line + 1
    assert "«lambda»" in text
    assert "Return a singleton list or an empty list" in text
    assert "optional :: Bool -> a -> [a]" in text
    assert f"*defined in* [`lib/lists.nix:{line}`]" in text
    nested = await _hover(session, uri, pos(TEXT, "concatMapStrings", 2))
    assert "concatMapStrings :: (a -> String) -> [a] -> String" in nested


async def test_definition_through_evaluation(session: Session) -> None:
    uri = session.open("definition.nix", TEXT)
    [optional] = await _definition(session, uri, pos(TEXT, "optional", 2))
    assert optional.uri == (LIB / "lists.nix").as_uri()
    start = _binding(LIB / "lists.nix", "optional")
    assert optional.range == types.Range(
        start=start, end=types.Position(line=start.line, character=2 + len("optional"))
    )
    [nested] = await _definition(session, uri, pos(TEXT, "concatMapStrings", 2))
    assert nested.uri == (LIB / "strings.nix").as_uri()
    assert nested.range.start == _binding(LIB / "strings.nix", "concatMapStrings")
    hello_line = (PACKAGES / "hello.nix").read_text().splitlines().index('  pname = "hello";')
    for needle, delta in (("pkgs.hello", 6), ("hello)", 1)):
        [package] = await _definition(session, uri, pos(TEXT, needle, delta))
        assert package.uri == (PACKAGES / "hello.nix").as_uri(), needle
        assert package.range.start == types.Position(line=hello_line, character=2)


async def test_derivation_and_big_set_display(session: Session) -> None:
    uri = session.open("display.nix", TEXT)
    hello = await _hover(session, uri, pos(TEXT, "pkgs.hello", 6))
    assert "«derivation /nix/store/xch735xzxc4c4f3h8kxrxckzjnbqpl8m-hello-2.12.2.drv»" in hello
    assert 'meta.description = "A program that produces a familiar, friendly greeting";' in hello
    lib = await _hover(session, uri, pos(TEXT, "lib\n", 1))
    # Completion answers the first names (capped); the count comes from the evaluator.
    names = sorted(item.label for item in await _completion(session, "names.nix", "{ lib }: lib."))
    ev = Evaluator()
    count = len(json.loads(ev.to_json(ev.eval_source(f"builtins.attrNames (import {LIB})"))))
    assert count > len(names) == 200
    assert f"«{count} attributes» {{ {names[0]} = …; {names[1]} = …;" in lib


async def _completion(session: Session, name: str, text: str) -> list[types.CompletionItem]:
    """The items offered at the end of ``text`` (narrowed to the typed name, at most 200)."""
    uri = session.open(name, text)
    result = await session.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos(text, text[-1], 1, nth=text.count(text[-1]) - 1),
        )
    )
    assert isinstance(result, types.CompletionList)
    assert result.is_incomplete  # lib has more names than one answer carries
    return result.items


async def test_lib_completion_resolves_every_item_to_its_doc(session: Session) -> None:
    # What is offered right after `lib.` (the first 200 names), and as `o`, `s`, …
    # are typed: over 400 of lib's names in all.
    by_name: dict[str, types.CompletionItem] = {}
    for i, typed in enumerate(["", "o", "s", "mkO", "m", "t", "u", "r", "f", "p", "l"]):
        for item in await _completion(session, f"complete{i}.nix", "{ lib }: lib." + typed):
            by_name.setdefault(item.label, item)
    items = list(by_name.values())
    assert len(items) >= 400
    assert {"optional", "mkOption", "strings", "concatMapStrings"} <= set(by_name)
    assert all(item.data is not None and item.documentation is None for item in items)
    resolved: list[types.CompletionItem] = []
    for i in range(0, len(items), 8):  # a few at a time, as an editor scrolling the list
        batch = items[i : i + 8]
        resolved += await asyncio.gather(
            *(session.client.completion_item_resolve_async(item) for item in batch)
        )
    undocumented = [
        item.label
        for item in resolved
        if not isinstance(item.documentation, types.MarkupContent) or not item.documentation.value
    ]
    assert undocumented == []
    found = {item.label: item for item in resolved}
    optional = found["optional"]
    assert optional.kind == types.CompletionItemKind.Function
    assert optional.detail == "optional :: Bool -> a -> [a]"
    assert isinstance(optional.documentation, types.MarkupContent)
    assert "Return a singleton list" in optional.documentation.value
    assert found["strings"].kind == types.CompletionItemKind.Module


async def test_resolve_of_a_foreign_item_is_unchanged(session: Session) -> None:
    item = types.CompletionItem(label="x", data={"something": "else"})
    resolved = await session.client.completion_item_resolve_async(item)
    assert resolved.label == "x" and resolved.documentation is None
