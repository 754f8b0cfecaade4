"""Document text for the server: edits in LSP positions, parse on demand.

Spans in the syntax tree are byte offsets into the UTF-8 source; the LSP
speaks (line, character) where a character is a UTF-16 code unit (or a
byte, when the client chose UTF-8). Conversions happen here, at the
server's edge, one line at a time.
"""

from __future__ import annotations

from bisect import bisect_right

from evaluator.syntax import ParseResult, parse

UTF8 = "utf-8"


def _line_starts(source: bytes) -> list[int]:
    starts = [0]
    find = source.find
    pos = find(b"\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find(b"\n", pos + 1)
    return starts


class TextDocument:
    """A document's bytes, its line index and (lazily) its parse."""

    def __init__(self, text: str) -> None:
        self.source = text.encode("utf-8", "surrogateescape")
        self.line_starts = _line_starts(self.source)
        # All-ASCII text (the usual case): every encoding counts bytes.
        self.ascii = self.source.isascii()
        self._parse: ParseResult | None = None

    @property
    def text(self) -> str:
        """The text as a string."""
        return self.source.decode("utf-8", "surrogateescape")

    @property
    def parse_result(self) -> ParseResult:
        """The syntax tree of the current text (parsed on first use after an edit)."""
        if self._parse is None:
            self._parse = parse(self.source)
        return self._parse

    def apply_change(
        self, start: tuple[int, int], end: tuple[int, int], new_text: str, encoding: str
    ) -> None:
        """Replace the text between two LSP positions."""
        a = offset_of(self, start[0], start[1], encoding)
        b = offset_of(self, end[0], end[1], encoding)
        if b < a:
            a, b = b, a
        self.source = (
            self.source[:a] + new_text.encode("utf-8", "surrogateescape") + self.source[b:]
        )
        self.line_starts = _line_starts(self.source)
        self._parse = None


def _line_bytes(doc: TextDocument, line: int) -> tuple[int, bytes]:
    starts = doc.line_starts
    start = starts[line]
    end = starts[line + 1] - 1 if line + 1 < len(starts) else len(doc.source)
    return start, doc.source[start:end]


def offset_of(doc: TextDocument, line: int, character: int, encoding: str) -> int:
    """Byte offset of (line, character); past-the-end values clamp to the line/text end."""
    if line < 0:
        return 0
    if line >= len(doc.line_starts):
        return len(doc.source)
    start, raw = _line_bytes(doc, line)
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if character <= 0:
        return start
    if encoding == UTF8 or doc.ascii:
        # Do not split a UTF-8 sequence: back up to a character boundary.
        pos = min(character, len(raw))
        while 0 < pos < len(raw) and (raw[pos] & 0xC0) == 0x80:
            pos -= 1
        return start + pos
    units = 0
    text = raw.decode("utf-8", "surrogateescape")
    consumed = 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > character:
            break
        units += width
        consumed += len(ch.encode("utf-8", "surrogateescape"))
    return start + consumed


def position_of(doc: TextDocument, offset: int, encoding: str) -> tuple[int, int]:
    """(line, character) of a byte offset."""
    offset = max(0, min(offset, len(doc.source)))
    line = bisect_right(doc.line_starts, offset) - 1
    start = doc.line_starts[line]
    if encoding == UTF8 or doc.ascii:
        return line, offset - start
    prefix = doc.source[start:offset].decode("utf-8", "surrogateescape")
    return line, len(prefix.encode("utf-16-le", "surrogatepass")) // 2
