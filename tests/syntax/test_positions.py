"""Byte offsets <-> LSP positions in every encoding, and 1-based CLI columns."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from evaluator.syntax.positions import LineIndex, line_col

# "é" is 2 bytes / 1 UTF-16 unit; "€" 3 bytes / 1 unit; "😀" 4 bytes / 2 units.
SOURCE = 'a = "é€😀x";\r\nb = 1;\rc\n😀😀y'.encode()


def test_ascii_first_line() -> None:
    idx = LineIndex(SOURCE)
    assert idx.position(0) == (0, 0)
    assert idx.position(4) == (0, 4)


def test_multibyte_and_astral_in_each_encoding() -> None:
    idx = LineIndex(SOURCE)
    x = SOURCE.index(b"x")  # after `a = "` + é€😀
    assert idx.position(x, "utf-8") == (0, 5 + 2 + 3 + 4)
    assert idx.position(x, "utf-16") == (0, 5 + 1 + 1 + 2)
    assert idx.position(x, "utf-32") == (0, 5 + 1 + 1 + 1)
    for enc in ("utf-8", "utf-16", "utf-32"):
        line, ch = idx.position(x, enc)  # type: ignore[arg-type]
        assert idx.offset(line, ch, enc) == x  # type: ignore[arg-type]


def test_line_endings_crlf_cr_lf() -> None:
    idx = LineIndex(SOURCE)
    assert idx.position(SOURCE.index(b"b")) == (1, 0)
    assert idx.position(SOURCE.index(b"c")) == (2, 0)
    y = SOURCE.index(b"y")
    assert idx.position(y) == (3, 4)
    assert idx.position(y, "utf-32") == (3, 2)
    # inside CRLF counts as the end of the line's text
    cr = SOURCE.index(b"\r\n")
    assert idx.position(cr + 1) == idx.position(cr)


def test_offsets_inside_characters_and_clamping() -> None:
    idx = LineIndex(SOURCE)
    smile = SOURCE.index("😀".encode())
    assert idx.position(smile + 2) == idx.position(smile)
    # a UTF-16 position inside the surrogate pair maps to the character start
    line, ch = idx.position(smile)
    assert idx.offset(line, ch + 1) == smile
    assert idx.offset(0, 10_000) == SOURCE.index(b"\r\n")
    assert idx.offset(99, 0) == len(SOURCE)
    assert idx.position(10**9) == idx.position(len(SOURCE))


def test_cli_line_col_is_one_based_in_characters() -> None:
    assert line_col(SOURCE, 0) == (1, 1)
    assert line_col(SOURCE, SOURCE.index(b"x")) == (1, 9)
    assert line_col(SOURCE, SOURCE.index(b"y")) == (4, 3)


@given(st.text(alphabet=st.sampled_from("ab é€😀\n\r\t"), max_size=60), st.data())
def test_roundtrip_at_character_boundaries(text: str, data: st.DataObject) -> None:
    source = text.encode()
    idx = LineIndex(source)
    boundaries = [len(text[:i].encode()) for i in range(len(text) + 1)]
    offset = data.draw(st.sampled_from(boundaries))
    if source[offset - 1 : offset + 1] == b"\r\n":
        return  # between CR and LF is not a position of its own
    for enc in ("utf-8", "utf-16", "utf-32"):
        line, ch = idx.position(offset, enc)  # type: ignore[arg-type]
        assert idx.offset(line, ch, enc) == offset  # type: ignore[arg-type]
