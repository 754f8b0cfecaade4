"""Bindings and doc comments found from evaluated positions, in byte offsets."""

from __future__ import annotations

from pathlib import Path

from nixls.ide.doc_comments import DocIndex, type_signature

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"

SOURCE = b"""{
  /**
    Add one.

    # Type

    ```
    inc :: Int -> Int
    ```

    :::{.example}
    ## `inc` usage example
    ```nix
    inc 1
    # Type
    ```
    :::
  */
  inc = x: x + 1;

  # Twice the argument.
  # (a block of line comments)
  double = x: x * 2;

  /* A plain block comment. */
  half = a: b: a / b;

  # Not attached: code comes between.
  sep = 1;
  bare = y: y;

  nested.deep = z: z;
}
"""


def _at(needle: bytes, after: bytes = b"") -> int:
    return SOURCE.index(needle, SOURCE.index(after) if after else 0)


def _line(offset: int) -> int:
    return SOURCE.count(b"\n", 0, offset) + 1


def test_rfc145_comment_is_markdown_with_its_type() -> None:
    found = DocIndex().for_function("/x/f.nix", SOURCE, _at(b"x: x + 1"))
    assert found is not None
    assert found.name == "inc"
    assert found.span == (_at(b"inc ="), _at(b"inc =") + 3)
    assert found.line == _line(_at(b"inc ="))
    assert found.doc is not None
    assert found.doc.startswith("Add one.")
    # Headings made smaller outside code; nixpkgs' `:::` fences dropped; code kept as is.
    assert "\n### Type\n" in found.doc
    assert "#### `inc` usage example" in found.doc
    assert ":::" not in found.doc
    assert "    inc 1\n    # Type" not in found.doc and "inc 1\n# Type" in found.doc
    assert found.signature == "inc :: Int -> Int"


def test_line_comment_block_right_above() -> None:
    found = DocIndex().for_function("/x/f.nix", SOURCE, _at(b"x: x * 2"))
    assert found is not None and found.name == "double"
    assert found.doc == "Twice the argument.\n(a block of line comments)"


def test_curried_function_shows_the_outer_binding() -> None:
    index = DocIndex()
    outer = index.for_function("/x/f.nix", SOURCE, _at(b"a: b:"))
    inner = index.for_function("/x/f.nix", SOURCE, _at(b"b: a / b"))
    assert outer == inner
    assert outer is not None and outer.name == "half" and outer.doc == "A plain block comment."


def test_comment_separated_by_code_is_not_a_doc() -> None:
    found = DocIndex().for_function("/x/f.nix", SOURCE, _at(b"y: y"))
    assert found is not None and found.name == "bare" and found.doc is None


def test_nested_path_names_the_last_key() -> None:
    found = DocIndex().for_function("/x/f.nix", SOURCE, _at(b"z: z"))
    assert found is not None and found.name == "deep"
    assert SOURCE[found.span[0] : found.span[1]] == b"deep"


def test_not_a_function_start_is_none() -> None:
    assert DocIndex().for_function("/x/f.nix", SOURCE, _at(b"sep")) is None


def test_position_of_an_attribute_and_of_an_inherit() -> None:
    text = b"let a = 1; in {\n  # The a.\n  inherit a;\n  b = 2;\n}\n"
    index = DocIndex()
    at_b = index.at_position("/x/g.nix", text, 4, 3)
    assert at_b is not None and at_b.name == "b" and at_b.line == 4 and at_b.doc is None
    at_a = index.at_position("/x/g.nix", text, 3, 11)
    assert at_a is not None and at_a.name == "a" and at_a.doc == "The a."
    assert text[at_a.span[0] : at_a.span[1]] == b"a"


def test_cache_follows_the_text() -> None:
    index = DocIndex()
    first = index.for_function("/x/h.nix", b"{ f = x: x; }", 6)
    changed = b"{\n  # Doc.\n  f = x: x; }"
    second = index.for_function("/x/h.nix", changed, changed.index(b"x:"))
    assert first is not None and first.doc is None and first.line == 1
    assert second is not None and second.doc == "Doc." and second.line == 3


def test_real_lib_optional() -> None:
    path = LIB / "lists.nix"
    text = path.read_bytes()
    binding = text.index(b"\n  optional = ") + 3
    lam = text.index(b"cond: elem:", binding)
    found = DocIndex().for_function(str(path), text, lam)
    assert found is not None and found.name == "optional"
    assert found.span == (binding, binding + len(b"optional"))
    assert found.line == text.count(b"\n", 0, binding) + 1
    assert found.doc is not None and found.doc.startswith("Return a singleton list")
    assert found.signature == "optional :: Bool -> a -> [a]"


def test_type_signature_needs_a_type_heading() -> None:
    assert type_signature("Text.\n\n```\nnot a type\n```") is None
    assert type_signature("### Type\n\n```\nf :: a\n```") == "f :: a"
