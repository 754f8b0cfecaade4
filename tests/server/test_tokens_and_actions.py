"""Semantic tokens and quick fixes over JSON-RPC."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from tests.server.harness import Session, pos

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {"nixls": {"eval": {"diagnostics": "off"}, "diagnostics": {"debounceMs": 0}}}


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def decode(session: Session, text: str, data: list[int]) -> list[tuple[str, str, set[str]]]:
    """(text, type, modifiers) per token, using the legend the server announced."""
    caps = session.init_result.capabilities  # type: ignore[attr-defined]
    legend = caps.semantic_tokens_provider.legend
    lines = text.split("\n")
    out = []
    line = char = 0
    for i in range(0, len(data), 5):
        dl, dc, length, ttype, mods = data[i : i + 5]
        line += dl
        char = char + dc if dl == 0 else dc
        units = lines[line].encode("utf-16-le")
        piece = units[char * 2 : (char + length) * 2].decode("utf-16-le")
        names = {m for j, m in enumerate(legend.token_modifiers) if mods & (1 << j)}
        out.append((piece, legend.token_types[ttype], names))
    return out


TEXT = """# a comment
{ pkgs, ... }:
let
  n = 1.5;
  s = "x${toString n}";
in
with pkgs; rec {
  a = map (x: x) [ n ];
  p = ./file.nix;
  b = hello // { c = a; };
}
"""


async def test_semantic_tokens_full(session: Session) -> None:
    uri = session.open("tokens.nix", TEXT)
    result = await session.client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=ident(uri))
    )
    assert result is not None
    tokens = decode(session, TEXT, list(result.data))
    table: dict[tuple[str, str], set[str]] = {}
    for piece, kind, mods in tokens:
        table.setdefault((piece, kind), mods)  # the first occurrence
    assert ("# a comment", "comment") in table
    assert table[("pkgs", "parameter")] == {"declaration"}
    assert ("let", "keyword") in table and ("rec", "keyword") in table
    assert ("1.5", "number") in table
    assert ('"', "string") in table and ("x", "string") in table
    assert table[("toString", "function")] == {"defaultLibrary"}
    assert table[("map", "function")] == {"defaultLibrary"}
    assert table[("hello", "variable")] == {"withResolved"}
    assert ("./file.nix", "path") in table
    assert ("//", "operator") in table
    assert ("c", "property") in table
    assert table[("x", "parameter")] == {"declaration"}
    # Uses of `n` are plain variables; its definition is a declaration.
    n_tokens = [mods for piece, kind, mods in tokens if piece == "n" and kind == "variable"]
    assert n_tokens[0] == {"declaration"} and set() in n_tokens[1:]


async def test_semantic_tokens_range_and_multiline(session: Session) -> None:
    text = "let\n  a = ''\n    two\n    lines\n  '';\nin a\n"
    uri = session.open("tokens-range.nix", text)
    result = await session.client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=ident(uri),
            range=types.Range(start=pos(text, "a ="), end=pos(text, "in")),
        )
    )
    assert result is not None
    tokens = decode(session, text, list(result.data))
    assert ("let", "keyword", set()) not in tokens
    strings = [piece for piece, kind, _ in tokens if kind == "string"]
    # One token per line of the multi-line string.
    assert len(strings) >= 3 and all("\n" not in s for s in strings)


async def fixes(session: Session, uri: str, at: types.Position) -> list[types.CodeAction]:
    result = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=ident(uri),
            range=types.Range(start=at, end=at),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert result is not None
    return [a for a in result if isinstance(a, types.CodeAction)]


def apply(text: str, action: types.CodeAction, uri: str) -> str:
    assert action.edit is not None and action.edit.changes is not None
    edits = sorted(
        action.edit.changes[uri],
        key=lambda e: (e.range.start.line, e.range.start.character),
        reverse=True,
    )
    lines = text.split("\n")
    for e in edits:
        start, end = e.range.start, e.range.end
        before = "\n".join(lines[: start.line]) + ("\n" if start.line else "")
        before += lines[start.line][: start.character]
        after = lines[end.line][end.character :] + (
            "\n" + "\n".join(lines[end.line + 1 :]) if end.line + 1 < len(lines) else ""
        )
        text = before + e.new_text + after
        lines = text.split("\n")
    return text


@pytest.mark.parametrize(
    ("text", "at", "title", "fixed"),
    [
        (
            "let\n  used = 1;\n  unused = 2;\nin used\n",
            "unused",
            "Remove unused binding `unused`",
            "let\n  used = 1;\nin used\n",
        ),
        (
            "let a = 1; inherit (builtins) map head; in a head\n",
            "map",
            "Remove unused binding `map`",
            "let a = 1; inherit (builtins) head; in a head\n",
        ),
        ("x: 1\n", "x", "Rename unused argument to `_x`", "_x: 1\n"),
        ("with { a = 1; }; 2\n", "with", "Remove unused `with`", "2\n"),
        ("rec { a = 1; }\n", "rec", "Remove unnecessary `rec`", "{ a = 1; }\n"),
    ],
)
async def test_quick_fixes(session: Session, text: str, at: str, title: str, fixed: str) -> None:
    uri = session.open(f"fix-{abs(hash(text))}.nix", text)
    actions = await fixes(session, uri, pos(text, at))
    (action,) = [a for a in actions if a.title == title]
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.diagnostics
    new_text = apply(text, action, uri)
    assert new_text == fixed
    # The fixed text has no diagnostic of that kind left.
    session.replace(uri, new_text)
    diags = await session.diagnostics(uri)
    assert action.diagnostics[0].code not in {d.code for d in diags}


async def test_no_fix_for_unused_formals(session: Session) -> None:
    text = "{ a, b }: a\n"
    uri = session.open("formal-fix.nix", text)
    assert await fixes(session, uri, pos(text, "b")) == []


async def evictions(session: Session) -> int:
    status = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="nixls.status", arguments=[])
    )
    return int(status["evictions"])


async def test_a_request_overtaken_by_an_edit_answers_for_its_own_text(session: Session) -> None:
    lines = [f'  a{i} = {{ b = [ {i} "s" ./p ]; }}; # c' for i in range(3000)]
    text = "{\n" + "\n".join(lines) + "\n}\n"
    control = session.open("big-tokens-control.nix", text)
    expected = await session.client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=ident(control))
    )
    assert expected is not None
    overtaken = 0
    for attempt in range(5):
        uri = session.open(f"big-tokens-{attempt}.nix", text)
        await session.diagnostics(uri)
        parses = await evictions(session)
        # A number typed in the first list: every later token moves, and the
        # edit is parsed (for its diagnostics) while the request runs. Both in
        # one write: the server reads the edit while the request is under way,
        # however slowly this client would have sent the second message.
        at = types.Position(line=1, character=text.split("\n")[1].index("[") + 2)
        with session.one_write():
            future = session.client.protocol.send_request(
                types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
                types.SemanticTokensParams(text_document=ident(uri)),
            )
            session.edit(uri, at, at, "0 ")
        await session.diagnostics(uri)
        first = await asyncio.wait_for(asyncio.wrap_future(future), 30)
        assert first is not None and first.data == expected.data  # the text it was asked about
        overtaken += await evictions(session) > parses
        if overtaken:
            break
    assert overtaken  # the edit took the tree back while the request still held it


async def _full(session: Session, uri: str) -> types.SemanticTokens:
    result = await session.client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=ident(uri))
    )
    assert isinstance(result, types.SemanticTokens)
    return result


async def test_full_delta_turns_the_last_answer_into_the_new_one(session: Session) -> None:
    lines = [f'  a{i} = {{ b = [ {i} "s" ./p ]; c = a{max(0, i - 1)}; }}; # c' for i in range(300)]
    text = "rec {\n" + "\n".join(lines) + "\n}\n"
    uri = session.open("delta.nix", text)
    first = await _full(session, uri)
    assert first.result_id is not None
    previous, data = first.result_id, list(first.data)
    # Edits that change a name's class, add tokens, open and close a string.
    for needle, typed in [("a150 =", "x"), ("c = a99", "z"), ('"s" ./p ]; c = a200', '"')]:
        at = pos(text, needle)
        session.edit(uri, at, at, typed)
        line, col = at.line, at.character
        rows = text.split("\n")
        rows[line] = rows[line][:col] + typed + rows[line][col:]
        text = "\n".join(rows)
        result = await session.client.text_document_semantic_tokens_full_delta_async(
            types.SemanticTokensDeltaParams(text_document=ident(uri), previous_result_id=previous)
        )
        assert isinstance(result, types.SemanticTokensDelta), result
        (edit,) = result.edits
        assert len(edit.data or []) < len(data) // 10  # a small part of the whole
        data[edit.start : edit.start + edit.delete_count] = edit.data or []
        fresh = await _full(session, session.open(f"delta-{len(text)}.nix", text))
        assert data == list(fresh.data)
        assert result.result_id is not None
        previous = result.result_id


async def test_a_delta_from_an_unknown_answer_is_the_whole_data(session: Session) -> None:
    text = "let a = 1; in a + builtins.length [ ]\n"
    uri = session.open("delta-unknown.nix", text)
    expected = await _full(session, uri)
    result = await session.client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(text_document=ident(uri), previous_result_id="nope")
    )
    assert isinstance(result, types.SemanticTokens)
    assert list(result.data) == list(expected.data)
