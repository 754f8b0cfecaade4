"""Semantic tokens after an edit: only the part around the change is lexed
again, and the tokens are those of lexing the whole new text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nixls.ide.host import AnalysisHost
from nixls.ide.tokens import Lexical, classify_after, common_ends, lexical

DATA = Path(__file__).resolve().parents[1] / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"

SNIPPETS = ["x", " ", "\n", '"', "''", "#", "/*", "*/", "${", "}", "{", ";", "a = 1;", "./p", "1.5"]


def _edited(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    if rng.random() < 0.3:
        return text[:at] + text[at + rng.randint(1, 8) :]
    return text[:at] + rng.choice(SNIPPETS) + text[at:]


@pytest.mark.parametrize("name", ["lists.nix", "strings.nix", "attrsets.nix"])
def test_random_edits_give_the_tokens_of_a_whole_lex(name: str) -> None:
    rng = random.Random(name)
    base = (LIB / name).read_text()
    before: Lexical | None = None
    reused = 0
    for n in range(40):
        # The file and an edit of it in turn: each edit from a clean text.
        text = base if n % 2 == 0 else _edited(rng, base)
        snap = AnalysisHost().open(f"file:///ws/{n}.nix", text, 1)
        found, got = classify_after(snap.document, before)
        assert got.tokens == lexical(snap.document, None).tokens, (n, text)
        assert sorted(found) == sorted(snap.tokens())  # names included
        reused += before is not None and bool(got.borders) and bool(before.borders)
        before = got
    assert reused > 10  # the incremental path was taken, not only the whole lex


def test_only_the_part_around_the_change_is_lexed(monkeypatch: pytest.MonkeyPatch) -> None:
    from nixls.ide import tokens

    text = (LIB / "lists.nix").read_text()
    first = lexical(AnalysisHost().open("file:///ws/a.nix", text, 1).document, None)
    at = text.index("foldl'", len(text) // 2)
    edited = text[:at] + "x" + text[at:]
    lexed: list[int] = []
    real = tokens._lex_span

    def spy(source: bytes, start: int, end: int) -> list[tokens.Span]:
        lexed.append(end - start)
        return real(source, start, end)

    monkeypatch.setattr(tokens, "_lex_span", spy)
    doc = AnalysisHost().open("file:///ws/b.nix", edited, 1).document
    again = lexical(doc, first)
    assert again.tokens == lexical(doc, None).tokens
    assert lexed[0] < len(edited) // 10, (lexed, len(edited))


def test_common_ends() -> None:
    assert common_ends(b"abcXdef", b"abcYYdef") == (3, 3)
    assert common_ends([1, 2, 3], [1, 2, 3]) == (3, 0)
    assert common_ends(b"aaa", b"aaaa") == (3, 0)
    assert common_ends(b"", b"x") == (0, 0)
