"""Byte offsets <-> line/character positions.

Spans in the tree are byte offsets into the UTF-8 source. Editors speak LSP
positions: a 0-based line and a character offset counted in UTF-16 code
units by default, or UTF-8 bytes / UTF-32 code points when the client
negotiates another ``positionEncoding``. The CLI prints 1-based line and
column (column in characters), like C++ Nix.

Lines end at LF, CRLF or a lone CR, as in the LSP specification.
"""

from __future__ import annotations

import bisect
from typing import Literal

from evaluator.syntax.regex_cache import compiled

Encoding = Literal["utf-8", "utf-16", "utf-32"]

# From their stored `_sre` programs (see `regex_cache`): `re.compile` of the
# two patterns here was ~1.6 M instructions of every process that compiles.
_LINE_END = compiled(rb"\r\n|\r|\n")


class LineIndex:
    """Line starts of one source, for repeated conversions in O(log lines)."""

    def __init__(self, source: bytes, line_starts: list[int] | None = None) -> None:
        """Index ``source``; ``line_starts`` may be given when already known."""
        self.source = source
        if line_starts is None:
            line_starts = [0] + [m.end() for m in _LINE_END.finditer(source)]
        self.line_starts = line_starts

    def line_of(self, offset: int) -> int:
        """0-based line containing byte ``offset`` (clamped to the source)."""
        offset = max(0, min(offset, len(self.source)))
        return bisect.bisect_right(self.line_starts, offset) - 1

    def _line_bytes(self, line: int) -> bytes:
        """The text of ``line`` without its line terminator."""
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.source)
        text = self.source[start:end]
        if text.endswith(b"\r\n"):
            return text[:-2]
        if text.endswith((b"\n", b"\r")):
            return text[:-1]
        return text

    def position(self, offset: int, encoding: Encoding = "utf-16") -> tuple[int, int]:
        """Byte ``offset`` -> (line, character), both 0-based.

        An offset inside a multi-byte character counts as that character's
        start; past the end of a line's text (inside CRLF) as its end.
        """
        offset = max(0, min(offset, len(self.source)))
        line = self.line_of(offset)
        text = self._line_bytes(line)
        rel = offset - self.line_starts[line]
        k = rel  # an offset inside a character counts as its start
        while 0 < k < len(text) and 0x80 <= text[k] < 0xC0 and rel - k < 3:
            k -= 1
        if k < rel and text[k] >= 0xC0:
            rel = k
        return line, _units(text[:rel], encoding)

    def offset(self, line: int, character: int, encoding: Encoding = "utf-16") -> int:
        """(line, character) -> byte offset, clamped as the LSP asks.

        A line past the end gives the end of the source; a character past
        the end of the line gives the end of that line's text; a character
        inside a UTF-16 surrogate pair gives the start of that character.
        """
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.source)
        start = self.line_starts[line]
        text = self._line_bytes(line)
        if character <= 0:
            return start
        if encoding == "utf-8":
            # do not land inside a character
            pos = min(character, len(text))
            while 0 < pos < len(text) and 0x80 <= text[pos] < 0xC0:
                pos -= 1
            return start + pos
        decoded = text.decode("utf-8", "surrogateescape")
        units = 0
        consumed = 0
        for ch in decoded:
            width = 2 if encoding == "utf-16" and ord(ch) > 0xFFFF else 1
            if units + width > character:
                break
            units += width
            consumed += len(ch.encode("utf-8", "surrogateescape"))
        return start + consumed

    def line_col(self, offset: int) -> tuple[int, int]:
        """Byte ``offset`` -> 1-based (line, column), column in characters."""
        line, character = self.position(offset, "utf-32")
        return line + 1, character + 1


def _units(prefix: bytes, encoding: Encoding) -> int:
    if encoding == "utf-8":
        return len(prefix)
    text = prefix.decode("utf-8", "surrogateescape")
    if encoding == "utf-32":
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def offset_to_position(
    source: bytes, offset: int, encoding: Encoding = "utf-16"
) -> tuple[int, int]:
    """One-off :meth:`LineIndex.position`."""
    return LineIndex(source).position(offset, encoding)


def position_to_offset(
    source: bytes, line: int, character: int, encoding: Encoding = "utf-16"
) -> int:
    """One-off :meth:`LineIndex.offset`."""
    return LineIndex(source).offset(line, character, encoding)


def line_col(source: bytes, offset: int) -> tuple[int, int]:
    """One-off :meth:`LineIndex.line_col` (1-based, column in characters)."""
    return LineIndex(source).line_col(offset)


# Whitespace and comments between two tokens.
_TRIVIA = compiled(rb"(?:[ \t\r\n]+|#[^\r\n]*|/\*(?:[^*]|\*+[^*/])*\*+/)*")


def operator_offset(source: bytes, left_end: int) -> int:
    """Where the operator of a binary expression starts, given where its left
    operand ends (C++ Nix locates binary operations at their operator)."""
    m = _TRIVIA.match(source, left_end)
    return m.end() if m is not None else left_end
