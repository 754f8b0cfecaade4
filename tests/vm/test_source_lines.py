"""`SourceText`'s lines (error locations, the code generator's line numbers):
counted as Nix counts them, LF, CRLF or a lone CR ending a line."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from evaluator.vm.frames import SourceText

_ENDS = re.compile(rb"\r\n|\r|\n")


def starts_by_regex(text: bytes) -> list[int]:
    """Each line's first offset, by the plain definition."""
    return [0, *(m.end() for m in _ENDS.finditer(text))]


texts = st.lists(st.sampled_from([b"a", b"\xc3\xa9", b" ", b"\n", b"\r", b"\r\n", b"\n\n"]))


@given(texts.map(b"".join))
def test_every_offset_has_the_line_and_column_of_the_definition(text: bytes) -> None:
    source = SourceText("/f.nix", text)
    starts = starts_by_regex(text)
    for offset in range(len(text) + 1):
        line = max(i for i, s in enumerate(starts, 1) if s <= offset)
        assert source.line_col(offset) == (line, offset - starts[line - 1] + 1)


def test_lines_of_a_file_with_and_without_a_final_newline() -> None:
    assert SourceText(None, b"a\nbc\n").line_col(5) == (3, 1)
    assert SourceText(None, b"a\nbc").line_col(3) == (2, 2)
    assert SourceText(None, b"a\r\nb\rc").line_col(5) == (3, 1)
    assert SourceText(None, b"a\nb").line_text(2) == "b"


@given(
    texts.map(b"".join),
    st.lists(st.integers(min_value=-3, max_value=80), min_size=1, max_size=40),
)
def test_offsets_asked_in_any_order_agree_with_the_table(text: bytes, offsets: list[int]) -> None:
    # Counted from the last offset asked until about twice the text has been
    # read, then from the table: either way the same answers.
    counted, table = SourceText(None, text), SourceText(None, text)
    table.line_count  # noqa: B018 (makes the table first)
    for offset in offsets:
        assert counted.line_col(offset) == table.line_col(offset)


def test_questions_in_the_order_of_a_large_text_make_no_table() -> None:
    text = b"".join(b"line %d\n" % i for i in range(100_000))
    source = SourceText(None, text)
    for offset in range(0, len(text), 997):
        line, column = source.line_col(offset)
        assert text.rfind(b"\n", 0, offset) + column == offset
        assert line == text.count(b"\n", 0, offset) + 1
    assert source._starts is None  # counted, never tabled
    for offset in range(len(text), 0, -1013):  # far out of order: the table takes over
        source.line_col(offset)
        source.line_col(0)
    assert source._starts is not None
