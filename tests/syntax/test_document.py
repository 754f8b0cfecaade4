"""Incremental re-parsing gives exactly what a full parse of the new text gives."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator.syntax import nodes as n
from evaluator.syntax import parse
from evaluator.syntax.document import Document, preorder
from evaluator.syntax.positions import LineIndex

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib" / "lib"
FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = [
    (LIB / "lists.nix").read_text(),
    (LIB / "attrsets.nix").read_text(),
    (FIXTURES / "five-errors.nix").read_text(),
    'let\n  a = { x = "é${y}"; };\r\n  b = [ 1 (2) ];\n  inherit (a) x;\nin ./p/${a} a.x or b\n',
]
SNIPPETS = [
    "x", "1", " ", "\n", "\r\n", ";", "=", "{", "}", "(", ")", "[", "]", '"', "''", "${",
    ":", "@", ".", ",", "a = 1;", "{ }", "# c\n", "/*", "*/", "é", "😀", "inherit", "let",
    "in", "rec", "or", "\\", "./", "<a>",
]  # fmt: skip


def signature(root: n.Node) -> list[tuple[object, ...]]:
    """Node kinds, spans and scalar fields in pre-order: equal trees, equal lists."""
    out: list[tuple[object, ...]] = []
    for node in preorder(root):
        extra: list[object] = []
        for name in ("name", "value", "op", "rec", "indented", "ellipsis", "path"):
            value = getattr(node, name, None)
            if isinstance(value, str | int | float | bool):
                extra.append(value)
        parts = getattr(node, "parts", None)
        if parts is not None:
            extra.append(tuple(p if isinstance(p, str) else "<e>" for p in parts))
        out.append((type(node).__name__, node.start, node.end, *extra))
    return out


def assert_same_as_full_parse(doc: Document) -> None:
    full = parse(doc.source)
    assert signature(doc.result.root) == signature(full.root)
    assert doc.result.errors == full.errors
    assert doc.result.source == doc.source
    assert doc.lines.line_starts == LineIndex(doc.source).line_starts
    assert doc.text == doc.source.decode("utf-8", "surrogateescape")


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(range(len(SOURCES))),
    st.lists(
        st.tuples(
            st.floats(0, 1),
            st.integers(0, 6),
            st.lists(st.sampled_from(SNIPPETS), max_size=3),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_random_edits_match_full_parse(
    which: int, edits: list[tuple[float, int, list[str]]]
) -> None:
    doc = Document(SOURCES[which])
    for where, length, insert in edits:
        text = doc.text
        a = int(where * len(text))
        b = min(len(text), a + length)
        start = doc.lines.position(len(text[:a].encode()), "utf-16")
        end = doc.lines.position(len(text[:b].encode()), "utf-16")
        doc.apply_change(start, end, "".join(insert))
        assert_same_as_full_parse(doc)


def test_edit_inside_binding_is_incremental() -> None:
    source = (LIB / "lists.nix").read_bytes()
    doc = Document(source)
    middle = source.index(b"=", len(source) // 2) + 2
    line, character = doc.lines.position(middle)
    doc.apply_change((line, character), (line, character), "1 + ")
    kind, start, end = doc.last_reparse
    assert kind == "incremental"
    assert end - start < len(source) // 10
    assert_same_as_full_parse(doc)
    # undo it
    doc.apply_change((line, character), (line, character + 4), "")
    assert doc.source == source
    assert_same_as_full_parse(doc)


def test_structure_changing_edit_falls_back_to_full_parse() -> None:
    doc = Document("{\n  a = { b = 1; };\n  c = 2;\n}\n")
    doc.apply_change((1, 15), (1, 15), "}")  # closes the outer set early
    assert doc.last_reparse[0] == "full"
    assert_same_as_full_parse(doc)
    assert doc.result.errors


def test_full_replacement_and_encodings() -> None:
    doc = Document("x")
    doc.apply_change(None, None, 'let s = "😀"; in s')
    assert doc.text == 'let s = "😀"; in s'
    assert_same_as_full_parse(doc)
    # after the emoji: UTF-16 counts 2 units, UTF-32 one, UTF-8 four bytes
    doc.apply_change((0, 11), (0, 11), "a", "utf-16")
    doc.apply_change((0, 10), (0, 10), "b", "utf-32")
    doc.apply_change((0, 13), (0, 13), "c", "utf-8")
    assert doc.text == 'let s = "😀cba"; in s'
    assert_same_as_full_parse(doc)


def test_seeded_edit_sequences_mostly_incremental() -> None:
    """Many small edits: all equal to a full parse, and many really incremental."""
    import random

    rng = random.Random(7)
    modes = {"full": 0, "incremental": 0, "shift": 0}
    for _ in range(25):
        doc = Document(SOURCES[rng.randrange(len(SOURCES))])
        for _ in range(4):
            text = doc.text
            a = rng.randrange(len(text) + 1)
            b = min(len(text), a + rng.randrange(4))
            insert = "".join(rng.choice(SNIPPETS) for _ in range(rng.randrange(3)))
            start = doc.lines.position(len(text[:a].encode()))
            end = doc.lines.position(len(text[:b].encode()))
            doc.apply_change(start, end, insert)
            modes[doc.last_reparse[0]] += 1
            assert_same_as_full_parse(doc)
    assert modes["incremental"] + modes["shift"] >= 20, modes
