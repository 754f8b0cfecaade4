"""Static diagnostics over JSON-RPC: codes, tags, related info, sync, debounce."""

from __future__ import annotations

import time

import pytest
from lsprotocol import types

from tests.server.harness import Session, pos

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {"nixls": {"diagnostics": {"debounceMs": 50}, "eval": {"diagnostics": "off"}}}


async def test_syntax_error_is_located(session: Session) -> None:
    text = "{\n  a = 1\n}\n"
    uri = session.open("syntax.nix", text)
    diags = await session.diagnostics(uri)
    assert len(diags) == 1
    (d,) = diags
    assert d.code == "syntax-error"
    assert d.source == "nixls"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range.start == types.Position(line=2, character=0)


async def test_codes_tags_and_related_information(session: Session) -> None:
    text = "let\n  unused = 1;\n  s = { a = 1; a = 2; };\nin\n  s.a + missing\n"
    uri = session.open("codes.nix", text)
    diags = await session.diagnostics(uri)
    by_code = {d.code: d for d in diags}
    assert set(by_code) == {"unused-binding", "duplicate-attribute", "undefined-variable"}
    unused = by_code["unused-binding"]
    assert list(unused.tags or []) == [types.DiagnosticTag.Unnecessary]
    assert unused.severity == types.DiagnosticSeverity.Warning
    assert unused.range == types.Range(start=pos(text, "unused"), end=pos(text, "unused", 6))
    dup = by_code["duplicate-attribute"]
    assert dup.range.start == pos(text, "a = 2")
    assert dup.related_information is not None
    (related,) = dup.related_information
    assert related.message == "first defined here"
    assert related.location.uri == uri
    assert related.location.range.start == pos(text, "a = 1")
    missing = by_code["undefined-variable"]
    assert missing.range.start == pos(text, "missing")
    assert "missing" in missing.message


async def test_incremental_edits_update_diagnostics(session: Session) -> None:
    text = "let x = 1; in y\n"
    uri = session.open("incremental.nix", text)
    diags = await session.diagnostics(uri)
    assert sorted(str(d.code) for d in diags) == ["undefined-variable", "unused-binding"]
    # Replace `y` with `x`: one incremental change.
    session.edit(uri, pos(text, "y"), pos(text, "y", 1), "x")
    assert await session.diagnostics(uri) == []
    # Insert a second line that breaks the syntax, then fix it again.
    session.edit(uri, types.Position(line=1, character=0), types.Position(line=1, character=0), "(")
    diags = await session.diagnostics(uri)
    assert [d.code for d in diags] == ["syntax-error"]
    session.edit(uri, types.Position(line=1, character=0), types.Position(line=1, character=1), "")
    assert await session.diagnostics(uri) == []


async def test_positions_count_utf16_code_units(session: Session) -> None:
    # "😀" is 4 bytes in UTF-8 and 2 code units in UTF-16; "é" is 2 bytes, 1 unit.
    text = 'let s = "é😀"; in s + nope\n'
    uri = session.open("utf16.nix", text)
    diags = await session.diagnostics(uri)
    (d,) = [d for d in diags if d.code == "undefined-variable"]
    assert d.range.start == types.Position(line=0, character=len('let s = "é😀"; in s + ') + 1)
    # An edit after the emoji, in UTF-16 units, lands where the client meant.
    start = types.Position(line=0, character=d.range.start.character)
    end = types.Position(line=0, character=d.range.end.character)
    session.edit(uri, start, end, "s")
    assert await session.diagnostics(uri) == []


async def test_edit_storm_ends_with_correct_diagnostics(session: Session) -> None:
    # 500 one-character insertions building `[ a a a ... ]` then an undefined name.
    line = "".join("[" if i == 0 else ("a" if i % 2 else " ") for i in range(500)) + "]"
    # Calibration on this machine, now: the final text opened at once.
    started = time.monotonic()
    await session.diagnostics(session.open("storm-calibration.nix", line + "\n"))
    one_analysis = time.monotonic() - started
    uri = session.open("storm.nix", "\n")
    started = time.monotonic()
    # One write, as a fast client sends them: how they interleave with the
    # server's reads then does not depend on how fast this client is.
    with session.one_write():
        for i, ch in enumerate(line):
            at = types.Position(line=0, character=i)
            session.edit(uri, at, at, ch)
    diags = await session.diagnostics(uri)
    assert len(diags) == 250
    assert {d.code for d in diags} == {"undefined-variable"}
    assert diags[-1].range.start == types.Position(line=0, character=line.rindex("a"))
    # Relative to one analysis, which load slows alike (an analysis per edit
    # would be hundreds of them).
    took = time.monotonic() - started
    assert took < max(5.0, 50 * one_analysis), (took, one_analysis)


async def test_debounce_publishes_once_after_a_burst(session: Session) -> None:
    uri = session.open("burst.nix", "1\n")
    await session.diagnostics(uri)
    log: list[tuple[str, int | None]] = session.client.publish_log  # type: ignore[attr-defined]
    mark = len(log)
    for i in range(10):
        session.replace(uri, f"{i} + undefinedName\n")
    diags = await session.diagnostics(uri)
    assert [d.code for d in diags] == ["undefined-variable"]
    # Debounced: far fewer publications than edits, the last for the last version.
    versions = [v for u, v in log[mark:] if u == uri]
    assert 1 <= len(versions) <= 3
    assert versions[-1] == session.versions[uri]


async def test_close_clears_diagnostics(session: Session) -> None:
    uri = session.open("closing.nix", "nope\n")
    assert await session.diagnostics(uri)
    session.close(uri)
    session.versions[uri] = None  # type: ignore[assignment]  # the clear has no version
    assert await session.diagnostics(uri, until=lambda ds: ds == []) == []


async def test_crlf_line_endings(session: Session) -> None:
    text = "let\r\n  a = 1;\r\nin\r\n  b\r\n"
    uri = session.open("crlf.nix", text)
    diags = await session.diagnostics(uri)
    by_code = {d.code: d for d in diags}
    assert by_code["undefined-variable"].range.start == types.Position(line=3, character=2)
    assert by_code["unused-binding"].range.start == types.Position(line=1, character=2)
    session.edit(uri, types.Position(line=3, character=2), types.Position(line=3, character=3), "a")
    assert await session.diagnostics(uri) == []


async def test_edits_in_a_large_file_match_a_fresh_open(session: Session) -> None:
    # Edits that change what is used: the diagnostics of the edited text equal
    # those of the same text opened afresh (the server re-analyses edits in place).
    text = (
        "{ stdenv }:\nlet\n  helper = x: x;\n  spare = y: y;\nin\nrec {\n"
        + "".join(
            f'  p{i} = stdenv.mkDerivation rec {{\n    pname = "p{i}";\n'
            f'    version = "{i}";\n    meta = {{ inherit version; }};\n  }};\n'
            for i in range(60)
        )
        + "  top = helper p1;\n}\n"
    )
    uri = session.open("large.nix", text)
    first = await session.diagnostics(uri)
    assert [(d.code, d.range.start.line) for d in first] == [
        ("unused-binding", 3),
        ("unused-argument", 3),
    ]
    edits = [('"7"', "spare 7"), ('pname = "p9"', "pname = missing"), ("helper p1", "p2")]
    for old, new in edits:
        start = text.index(old)
        session.edit(uri, pos(text, old), pos(text, old, len(old)), new)
        text = text[:start] + new + text[start + len(old) :]
    edited = await session.diagnostics(uri)
    fresh_uri = session.open("large-fresh.nix", text)
    fresh = await session.diagnostics(fresh_uri)
    assert [(d.code, d.range, d.message) for d in edited] == [
        (d.code, d.range, d.message) for d in fresh
    ]
    # `helper` is no longer used, nor its argument; `spare` and its argument are.
    assert sorted(str(d.code) for d in edited) == [
        "undefined-variable",
        "unused-argument",
        "unused-binding",
    ]
