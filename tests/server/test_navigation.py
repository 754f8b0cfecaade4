"""Definition, references, highlight and rename over JSON-RPC."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.server.harness import Session, pos, rng

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {"nixls": {"eval": {"diagnostics": "off"}}}


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def definition(session: Session, uri: str, at: types.Position) -> list[types.Location]:
    result = await session.client.text_document_definition_async(
        types.DefinitionParams(text_document=ident(uri), position=at)
    )
    if result is None:
        return []
    assert isinstance(result, list)
    return [r for r in result if isinstance(r, types.Location)]


LOCALS = """let
  x = 1;
  f = y: x + y;
  s = { a.b = 2; c = 3; };
in
  f x + s.a.b + s.c
"""


async def test_definition_of_locals_and_arguments(session: Session) -> None:
    uri = session.open("locals.nix", LOCALS)
    # `x` in the body -> `x = 1;`
    (loc,) = await definition(session, uri, pos(LOCALS, "x", nth=2))
    assert loc.uri == uri
    assert loc.range == rng(LOCALS, "x")
    # `y` in `x + y` -> the argument `y:`
    (loc,) = await definition(session, uri, pos(LOCALS, "y", nth=1))
    assert loc.range == rng(LOCALS, "y")


async def test_definition_of_selected_attributes(session: Session) -> None:
    uri = session.open("select.nix", LOCALS)
    # `s.a.b` with the cursor on `b` -> `b` in `a.b = 2;`
    (loc,) = await definition(session, uri, pos(LOCALS, "s.a.b", 4))
    assert loc.range == rng(LOCALS, "b")
    (loc,) = await definition(session, uri, pos(LOCALS, "s.c", 2))
    assert loc.range.start == pos(LOCALS, "c = 3")


async def test_definition_of_import_and_paths(session: Session) -> None:
    lib = '{\n  greet = name: "hi " + name;\n  answer = 42;\n}\n'
    session.write("lib/default.nix", lib)
    text = "let lib = import ./lib; in lib.answer + (import ./lib/default.nix).answer\n"
    uri = session.open("paths.nix", text)
    lib_uri = session.uri("lib/default.nix")
    (loc,) = await definition(session, uri, pos(text, "./lib", 2))
    assert loc.uri == lib_uri
    (loc,) = await definition(session, uri, pos(text, "import", 1))
    assert loc.uri == lib_uri
    # `lib.answer` goes into the imported file.
    (loc,) = await definition(session, uri, pos(text, "answer", 1))
    assert loc.uri == lib_uri
    assert loc.range == rng(lib, "answer")
    (loc,) = await definition(session, uri, pos(text, "answer", 1, nth=1))
    assert loc.range == rng(lib, "answer")


async def test_definition_through_with(session: Session) -> None:
    text = "let pkgs = { hello = 1; world = 2; }; in with pkgs; hello + world\n"
    uri = session.open("with.nix", text)
    (loc,) = await definition(session, uri, pos(text, "world", nth=1))
    assert loc.range == rng(text, "world")
    # Builtins have no definition in the file.
    text2 = "map (x: x) [ ]\n"
    uri2 = session.open("builtin-def.nix", text2)
    assert await definition(session, uri2, pos(text2, "map")) == []


async def test_references_and_highlight(session: Session) -> None:
    uri = session.open("refs.nix", LOCALS)
    refs = await session.client.text_document_references_async(
        types.ReferenceParams(
            text_document=ident(uri),
            position=pos(LOCALS, "x"),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None
    assert [r.range for r in refs] == [
        rng(LOCALS, "x"),
        rng(LOCALS, "x", nth=1),
        rng(LOCALS, "x", nth=2),
    ]
    refs = await session.client.text_document_references_async(
        types.ReferenceParams(
            text_document=ident(uri),
            position=pos(LOCALS, "x", nth=2),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert refs is not None and len(refs) == 2
    highlights = await session.client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=ident(uri), position=pos(LOCALS, "f", nth=1))
    )
    assert highlights is not None
    assert [(h.range, h.kind) for h in highlights] == [
        (rng(LOCALS, "f"), types.DocumentHighlightKind.Write),
        (rng(LOCALS, "f", nth=1), types.DocumentHighlightKind.Read),
    ]


async def rename(session: Session, uri: str, at: types.Position, new: str) -> types.WorkspaceEdit:
    result = await session.client.text_document_rename_async(
        types.RenameParams(text_document=ident(uri), position=at, new_name=new)
    )
    assert result is not None
    return result


async def test_rename_local(session: Session) -> None:
    uri = session.open("rename.nix", LOCALS)
    prepared = await session.client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=ident(uri), position=pos(LOCALS, "x", nth=2))
    )
    assert isinstance(prepared, types.PrepareRenamePlaceholder)
    assert prepared.placeholder == "x"
    edit = await rename(session, uri, pos(LOCALS, "x", nth=2), "base")
    assert edit.changes is not None
    edits = edit.changes[uri]
    assert sorted((e.range.start.line, e.range.start.character) for e in edits) == [
        (1, 2),
        (2, 9),
        (5, 4),
    ]
    assert {e.new_text for e in edits} == {"base"}


@pytest.mark.parametrize(
    ("text", "needle", "nth", "new", "message"),
    [
        ("let x = 1; in x\n", "x", 0, "in", "not a valid Nix identifier"),
        ("let x = 1; in x\n", "x", 0, "2x", "not a valid Nix identifier"),
        ("let x = 1; y = 2; in x + y\n", "x", 0, "y", "already defined in the same scope"),
        # A use of x inside `z: ...` would find the argument z.
        ("let x = 1; in (z: x + z) 2\n", "x", 0, "z", "refer to the `z` defined"),
        # Renaming the inner y to x would capture the outer x used next to it.
        ("let x = 1; in let y = 2; in x + y\n", "y", 0, "x", "capture the use of `x`"),
        # with-provided and builtin names are not local.
        ("with { a = 1; }; a\n", "a", 1, "b", "comes from a `with`"),
        ("map\n", "map", 0, "fmap", "builtin"),
        ("{ a }: a\n", "a", 0, "b", "formal argument"),
        ("let x = 1; in { inherit x; }\n", "x", 0, "y", "inherited on line 1"),
    ],
)
async def test_rename_refusals(
    session: Session, text: str, needle: str, nth: int, new: str, message: str
) -> None:
    uri = session.open(f"refuse-{abs(hash((text, new)))}.nix", text)
    with pytest.raises(JsonRpcException) as info:
        await rename(session, uri, pos(text, needle, nth=nth), new)
    assert message in info.value.message
    assert info.value.code == -32803


async def test_rename_to_a_name_used_only_elsewhere_is_fine(session: Session) -> None:
    text = "let a = (let x = 1; in x); b = (y: y) 2; in a + b\n"
    uri = session.open("rename-ok.nix", text)
    edit = await rename(session, uri, pos(text, "x"), "y")
    assert edit.changes is not None and len(edit.changes[uri]) == 2
