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
