"""Completion over JSON-RPC: scope names, builtins, attributes, formals, paths."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.server.harness import Session, pos

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {"nixls": {"eval": {"diagnostics": "off"}}}


async def complete(
    session: Session, uri: str, at: types.Position
) -> dict[str, types.CompletionItem]:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    return {item.label: item for item in items}


async def test_names_in_scope_with_kinds(session: Session) -> None:
    text = "{ pkgs, ... }:\nlet\n  helper = x: x;\n  count = 1;\nin\n  helper (c)\n"
    uri = session.open("scope.nix", text)
    items = await complete(session, uri, pos(text, "c)"))  # nothing typed yet
    assert items["helper"].kind == types.CompletionItemKind.Variable
    assert items["helper"].detail == "let binding"
    assert items["count"].detail == "let binding"
    assert items["pkgs"].detail == "formal argument"
    # Builtins come with their documentation.
    doc = items["map"].documentation
    assert isinstance(doc, types.MarkupContent) and "builtins.map f list" in doc.value
    assert items["map"].kind == types.CompletionItemKind.Function
    assert items["true"].kind == types.CompletionItemKind.Constant
    assert items["let"].kind == types.CompletionItemKind.Keyword
    # Names bound further in are not visible here.
    assert "x" not in items


async def test_builtins_members(session: Session) -> None:
    text = "builtins.\n"
    uri = session.open("builtins-dot.nix", text)
    items = await complete(session, uri, pos(text, "\n"))
    assert "attrNames" in items and "getEnv" in items and "genList" in items
    assert "__typeOf" not in items
    doc = items["attrNames"].documentation
    assert isinstance(doc, types.MarkupContent) and "builtins.attrNames" in doc.value


async def test_attributes_of_literal_sets_in_scope(session: Session) -> None:
    text = 'let\n  cfg = { port = 80; host.name = "x"; host.ip = 1; };\nin\n  cfg.\n'
    uri = session.open("attrs.nix", text)
    items = await complete(session, uri, pos(text, "cfg.\n", 4))
    assert set(items) == {"port", "host"}
    assert items["port"].kind == types.CompletionItemKind.Field
    # Nested, and with a partial name typed (narrowed to what matches it).
    text2 = 'let\n  cfg = { port = 80; host.name = "x"; host.ip = 1; };\nin\n  cfg.host.na\n'
    uri2 = session.open("attrs-nested.nix", text2)
    items = await complete(session, uri2, pos(text2, "na\n", 2))
    assert set(items) == {"name"}


async def test_attributes_of_imported_files_and_with(session: Session) -> None:
    session.write("defs.nix", "{ alpha = 1; beta = 2; }\n")
    text = "let d = import ./defs.nix; in [ d. (with d; a) ]\n"
    uri = session.open("import-attrs.nix", text)
    items = await complete(session, uri, pos(text, "d. ", 2))
    assert set(items) == {"alpha", "beta"}
    items = await complete(session, uri, pos(text, "a)", 1))
    assert items["alpha"].detail == "from with"


async def test_attributes_by_evaluation_when_not_static(session: Session) -> None:
    text = 'let s = builtins.listToAttrs [ { name = "made"; value = 1; } ]; in s.\n'
    uri = session.open("eval-attrs.nix", text)
    items = await complete(session, uri, pos(text, "s.\n", 2))
    assert set(items) == {"made"}
    assert items["made"].detail == "attribute (evaluated)"


async def test_formals_of_a_called_function(session: Session) -> None:
    text = 'let\n  mk = { name, version ? "1", src }: name;\nin\n  mk { name = "x"; }\n'
    uri = session.open("formals.nix", text)
    items = await complete(session, uri, pos(text, "; }", 2))
    assert items["src"].kind == types.CompletionItemKind.Property
    assert items["src"].detail == "argument (required)"
    assert items["version"].detail == "argument (has a default)"
    assert "name" not in items or items["name"].kind != types.CompletionItemKind.Property


async def test_file_paths(session: Session) -> None:
    session.write("pkgs/default.nix", "{ }\n")
    session.write("pkgs/tool.nix", "{ }\n")
    session.write("pkgs/sub/x.nix", "{ }\n")
    text = "import ./pkgs/t\n"
    uri = session.open("paths.nix", text)
    items = await complete(session, uri, pos(text, "t\n", 1))
    assert set(items) == {"default.nix", "tool.nix", "sub/"}
    assert items["sub/"].kind == types.CompletionItemKind.Folder
    edit = items["tool.nix"].text_edit
    assert isinstance(edit, types.TextEdit)
    assert edit.new_text == "tool.nix"
    assert edit.range.start == pos(text, "t\n")


async def test_completion_in_incomplete_code(session: Session) -> None:
    text = "let\n  value = 1;\nin\n  val"
    uri = session.open("incomplete.nix", text)
    items = await complete(session, uri, types.Position(line=3, character=5))
    assert "value" in items
    text2 = "let\n  value = { inner = 1; };\nin\n  value."
    uri2 = session.open("incomplete-dot.nix", text2)
    items = await complete(session, uri2, types.Position(line=3, character=8))
    assert set(items) == {"inner"}


async def test_typed_prefix_narrows_and_caps_the_list(session: Session) -> None:
    # 302 names in scope: nothing typed, the list is capped (and incomplete);
    # with a prefix, only the names it matches.
    names = [f"pkg{i}" for i in range(300)] + ["mkDerivation", "fetchurl"]
    bindings = "".join(f"  {n} = 1;\n" for n in names)

    async def ask(name: str, typed: str, cursor: str) -> types.CompletionList:
        text = f"let\n{bindings}in\n  [ ({typed}) ]\n"
        uri = session.open(name, text)
        reply = await session.client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=pos(text, cursor + ") ]"),
            )
        )
        assert isinstance(reply, types.CompletionList)
        return reply

    everything = await ask("many.nix", "x", "x")
    assert everything.is_incomplete and len(everything.items) == 200
    # Locals sort first (sort text): the cap keeps them before builtins.
    assert all(i.kind == types.CompletionItemKind.Variable for i in everything.items)
    typed = await ask("many-typed.nix", "pkg29", "9")  # `pkg2` typed, the cursor before `9`
    assert {i.label for i in typed.items} == {f"pkg{i}" for i in range(300) if "2" in str(i)}
    assert typed.is_incomplete  # other names were left out: ask again as the user types
    camel = await ask("many-camel.nix", "mkDer", "")
    assert [i.label for i in camel.items] == ["mkDerivation"]
