"""Whitespace typed between tokens: the analysis only moves, and stays exact.

The edits of the benchmark (a space or a newline at the end of a line, in a
large generated file) and random blank edits of nixpkgs lib files, each
compared with a full analysis of the new text.
"""

from __future__ import annotations

import random

from tests.compiler.test_incremental import LIB_FILES, Editor, assert_same_as_full, generate


def test_blank_typed_at_line_ends_of_a_package_set() -> None:
    source = generate(600).encode()
    editor = Editor(source, "packages.nix")
    lines = source.split(b"\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for i in range(5, len(lines) - 1, 97):
        end = starts[i] + len(lines[i])
        for text in (b" ", b"\n", b"\n  "):
            assert editor.edit(end, end, text)
            assert editor.doc.last_reparse[0] == "shift"
            assert editor.edit(end, end + len(text), b"")
        assert_same_as_full(editor.analysis, editor.doc.source)
    assert editor.doc.source == source


def test_random_blank_edits_keep_the_analysis_exact() -> None:
    rng = random.Random(4)
    moved = 0
    for path in rng.sample(LIB_FILES, 15):
        editor = Editor(path.read_bytes(), str(path))
        for _ in range(6):
            src = editor.doc.source
            at = rng.randrange(len(src) + 1)
            text = rng.choice([b" ", b"\n", b"\t\t", b""])
            end = at + 1 if not text and at < len(src) and src[at] in b" \n" else at
            editor.edit(at, end, text)
            moved += editor.doc.last_reparse[0] == "shift"
            assert_same_as_full(editor.analysis, editor.doc.source)
    assert moved >= 40


def test_duplicate_attribute_positions_follow_a_shift() -> None:
    # Positions the analysis stores as numbers (duplicates) move too.
    source = b"{\n  a = 1;\n  b = 2;\n  a = 3;\n}\n"
    editor = Editor(source, "dup.nix")
    assert editor.analysis.resolved.duplicate_attrs
    assert editor.edit(9, 9, b"   \n")
    assert editor.doc.last_reparse[0] == "shift"
    assert_same_as_full(editor.analysis, editor.doc.source)
