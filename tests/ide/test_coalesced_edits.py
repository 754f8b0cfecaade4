"""Edits parsed lazily and merged (issue 17, item 9): equal to a fresh open.

A storm of edits is applied to the text at once and parsed (and analysed)
once, as one replaced region. Random edit sequences over real nixpkgs lib
files check that the text, line index, tree and diagnostics after the
merged re-parse equal those of the final text opened afresh.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from evaluator.syntax.positions import LineIndex
from nixls.ide.workspace import OpenDocument
from tests.ide.edits import Edit, Pos, Range
from tests.syntax.test_document import signature

LIB = Path(__file__).resolve().parents[1] / "data"
_LINE_END = re.compile(r"\r\n|\r|\n")
SNIPPETS = ["", " ", "x", "\n", "\r\n", "{", "}", ";", "a = 1;", "é", "let ", "(", "''", '"']


def _sources() -> list[Path]:
    found = sorted(LIB.rglob("*.nix"), key=lambda p: (p.stat().st_size, str(p)))
    return [p for p in found if 2000 < p.stat().st_size < 40000][:6]


def _off_pairs(text: str, index: int) -> int:
    """``index``, moved before a CR LF pair it would split (LSP cannot say that place)."""
    if index > 0 and text[index - 1] == "\r" and text[index : index + 1] == "\n":
        return index - 1
    return index


def _position(text: str, index: int) -> Pos:
    """LSP position of a character index (CR LF, CR and LF all end a line)."""
    ends = [m.end() for m in _LINE_END.finditer(text, 0, index)]
    column = text[ends[-1] if ends else 0 : index]
    return Pos(len(ends), len(column.encode("utf-16-le")) // 2)


def _random_edit(rng: random.Random, text: str, local: int | None) -> tuple[Edit, str]:
    """An edit at a random place (near ``local`` if given) and the text after it."""
    if local is None:
        a = rng.randrange(len(text) + 1)
    else:
        a = max(0, min(len(text), local + rng.randrange(-40, 40)))
    a = _off_pairs(text, a)
    b = max(a, _off_pairs(text, min(len(text), a + rng.choice([0, 0, 1, 3, 12]))))
    new = rng.choice(SNIPPETS)
    edit = Edit(Range(_position(text, a), _position(text, b)), new)
    return edit, text[:a] + new + text[b:]


def _shape(doc: OpenDocument) -> list[tuple[str, int, int]]:
    return sorted((d.code, d.start, d.end) for d in doc.analysis.diagnostics)


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
@pytest.mark.parametrize("local", [False, True])
def test_merged_edits_equal_a_fresh_open(path: Path, local: bool) -> None:
    rng = random.Random(f"{path.name}-{local}")
    text = path.read_text().replace("\r", "")
    doc = OpenDocument("file:///t.nix", text, 1, "utf-16")
    assert doc.analysis is not None  # analysed, so the merged re-parse updates it
    for round_ in range(4):
        centre = rng.randrange(len(text)) if local else None
        for _ in range(rng.randrange(1, 60)):
            edit, text = _random_edit(rng, text, centre)
            doc.apply([edit], doc.version + 1)
        assert doc.document.pending
        fresh = OpenDocument("file:///t.nix", text, 1, "utf-16")
        assert doc.text == text
        assert doc.document.lines.line_starts == LineIndex(doc.source).line_starts
        assert signature(doc.parse_result.root) == signature(fresh.parse_result.root), round_
        assert _shape(doc) == _shape(fresh), round_
        assert not doc.document.pending
