"""Whitespace typed between tokens moves the tree instead of parsing it again.

Every edit is checked against a full parse of the new text (same nodes,
spans, errors); the tests also check that the shortcut was really taken
where it should be, and refused where whitespace is not between tokens.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from evaluator.syntax.document import Document
from tests.syntax.test_document import SOURCES, assert_same_as_full_parse

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib" / "lib"
BLANKS = [" ", "  ", "\n", "\t", "\r\n", "\n\n  "]


def _edit(doc: Document, a: int, b: int, text: str) -> str:
    doc.replace_bytes(a, b, text.encode())
    return doc.last_reparse[0]


def test_random_whitespace_edits_match_full_parse() -> None:
    rng = random.Random(16)
    sources = [*SOURCES, *(p.read_text() for p in sorted(LIB.glob("*.nix"))[:12])]
    modes = {"full": 0, "incremental": 0, "shift": 0}
    for source in sources:
        doc = Document(source)
        for _ in range(25):
            src = doc.source
            at = rng.randrange(len(src) + 1)
            if rng.random() < 0.4:  # delete a run of whitespace (or part of one)
                end = at
                while end < len(src) and src[end] in b" \t\r\n" and end - at < 3:
                    end += 1
                modes[_edit(doc, at, end, "")] += 1
            else:
                modes[_edit(doc, at, at, rng.choice(BLANKS))] += 1
            assert_same_as_full_parse(doc)
    assert modes["shift"] >= 150, modes


@pytest.mark.parametrize(
    ("source", "at", "end", "text"),
    [
        ("{ a = 1; }", 8, 8, " "),  # after a binding's `;`
        ("{ a = 1; }", 8, 8, "\n\n"),
        ("let x = 1;  in x", 10, 11, ""),  # one of two spaces
        ("f (x)", 1, 1, " "),  # between two tokens that touch
        ("# c\n{ a = 1; }\n", 0, 0, " "),  # before the root, in a comment
        ("{ a = 1; }  ", 11, 11, "\n"),  # after the root
        ("{ a = [ 1 2 ]; /* c */ }", 17, 17, " "),  # inside a block comment
    ],
)
def test_whitespace_between_tokens_is_a_shift(source: str, at: int, end: int, text: str) -> None:
    doc = Document(source)
    assert _edit(doc, at, end, text) == "shift"
    assert_same_as_full_parse(doc)


@pytest.mark.parametrize(
    ("source", "at", "end", "text"),
    [
        ('{ a = "x y"; }', 8, 8, " "),  # inside a string: text
        ("{ a = ''\n  x\n''; }", 10, 10, " "),  # indentation of an indented string
        ("x: y", 2, 3, ""),  # `x:y` is a URI
        ("let a-b = 1; in a-b", 17, 17, " "),  # splits a name into a subtraction
        ("[ # c\n  1 ]", 5, 6, ""),  # the comment would swallow `1`
        ("[ a# c\n ]", 4, 4, "\n"),  # inside `# c`: the rest becomes code
        ("{ a = ./a/b; }", 9, 9, " "),  # inside a path
    ],
)
def test_whitespace_that_is_not_between_tokens_is_parsed(
    source: str, at: int, end: int, text: str
) -> None:
    doc = Document(source)
    assert _edit(doc, at, end, text) != "shift"
    assert_same_as_full_parse(doc)
