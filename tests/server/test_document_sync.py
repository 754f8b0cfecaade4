"""Open documents keep their analysis up to date edit by edit (no server needed).

The server applies each ``didChange`` content change to the document's
text and tree, then updates the compiler's analysis incrementally when it
can. Whatever path was taken, the analysis must equal a fresh one of the
new text: checked here on LSP changes in UTF-16 positions, several changes
in one notification, and whole-text replacements.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from evaluator.compiler import analyse
from evaluator.syntax import parse
from nixls.ide import workspace
from nixls.ide.workspace import OpenDocument
from tests.compiler.edits import random_edit
from tests.compiler.signature import signature

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_packages import generate  # noqa: E402


def lsp_position(text: str, offset: int) -> types.Position:
    """UTF-16 position of a character offset of ``text``."""
    before = text[:offset]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1 :]
    return types.Position(line=line, character=len(column.encode("utf-16-le")) // 2)


def change(text: str, start: int, end: int, new: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=lsp_position(text, start), end=lsp_position(text, end)),
        text=new,
    )


def assert_current(doc: OpenDocument) -> None:
    full = analyse(parse(doc.source), doc.path or doc.uri)
    assert signature(doc.analysis) == signature(full)


def test_edits_keep_the_analysis_current_and_incremental() -> None:
    text = generate(400)
    doc = OpenDocument("file:///ws/packages.nix", text, 1, "utf-16")
    first = doc.analysis
    rng = random.Random(4)
    kept = 0
    for version in range(2, 40):
        source = doc.source
        start, end, new = random_edit(rng, source)
        text = doc.text
        # random_edit works on bytes; the generated text is ASCII.
        assert source.isascii()
        before = doc._analysis
        doc.apply([change(text, start, end, new.decode())], version)
        kept += before is not None and doc._analysis is not None
        assert_current(doc)
    assert doc.analysis is not first
    assert kept >= 10  # most edits were absorbed without a whole analysis


def test_several_changes_in_one_notification_and_utf16() -> None:
    text = 'let s = "é😀"; unused = 1; in { a = s; b = [ s ]; }\n'
    doc = OpenDocument("file:///ws/u.nix", text, 1, "utf-16")
    assert [d.code for d in doc.analysis.diagnostics] == ["unused-binding"]
    # After the emoji (two UTF-16 units), in one didChange: use `unused`, then edit `b`.
    at = text.index("[ s ]") + 2
    first = change(text, at, at + 1, "unused")
    text = text[:at] + "unused" + text[at + 1 :]
    at = text.index("b =")
    second = change(text, at, at + 1, "bee")
    text = text[:at] + "bee" + text[at + 1 :]
    doc.apply([first, second], 2)
    assert doc.text == text
    assert doc.analysis.diagnostics == []
    assert_current(doc)


def test_whole_text_replacement_then_edits() -> None:
    doc = OpenDocument("file:///ws/w.nix", "1\n", 1, "utf-16")
    assert doc.analysis.diagnostics == []
    text = "x: { a = y; b = x; }\n"
    doc.apply([types.TextDocumentContentChangeWholeDocument(text=text)], 2)
    assert [d.code for d in doc.analysis.diagnostics] == ["undefined-variable"]
    at = text.index("y")
    doc.apply([change(text, at, at + 1, "x")], 3)
    assert doc.analysis.diagnostics == []
    assert_current(doc)


def test_a_failing_incremental_update_falls_back_to_a_whole_analysis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "let a = 1; b = 2; in [ a ]\n"
    doc = OpenDocument("file:///ws/f.nix", text, 1, "utf-16")
    assert [d.code for d in doc.analysis.diagnostics] == ["unused-binding"]

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(workspace, "reanalyse", broken)
    at = text.index("[ a ]") + 2
    doc.apply([change(text, at, at + 1, "b")], 2)
    assert [d.code for d in doc.analysis.diagnostics] == ["unused-binding"]
    assert_current(doc)
