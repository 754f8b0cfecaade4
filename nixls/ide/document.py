"""Document text for the server: LSP edits, incremental re-parse, positions.

The text and its parse are the syntax layer's incremental
:class:`evaluator.syntax.document.Document` (an edit re-parses only the
smallest enclosing binding or bracketed expression). Spans in the tree are
byte offsets into the UTF-8 source; the LSP speaks (line, character) where
a character is a UTF-16 code unit (or a byte, when the client chose
UTF-8). Conversions happen here, at the server's edge, with a shortcut for
the common all-ASCII text where every encoding counts bytes.
"""

from __future__ import annotations

import bisect
from typing import Protocol, cast

from evaluator.compiler.incremental import Splice, apply_edit
from evaluator.syntax import ParseResult
from evaluator.syntax.document import Document
from evaluator.syntax.positions import Encoding, LineIndex

UTF8 = "utf-8"


class Positioned(Protocol):
    """A text that positions convert against: its bytes, line index and ASCII flag."""

    @property
    def source(self) -> bytes: ...

    @property
    def lines(self) -> LineIndex: ...

    @property
    def ascii(self) -> bool: ...


class TextVersion:
    """One text as it was: bytes and line index, never changed afterwards.

    A :class:`TextDocument` edits by replacing its bytes and line index
    with new objects, so freezing a version costs nothing.
    """

    __slots__ = ("source", "lines", "_ascii", "_text")

    def __init__(self, source: bytes, lines: LineIndex, ascii: bool | None) -> None:
        self.source = source
        self.lines = lines
        self._ascii = ascii
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The text as a string."""
        if self._text is None:
            self._text = self.source.decode("utf-8", "surrogateescape")
        return self._text

    @property
    def ascii(self) -> bool:
        """Whether the text is all ASCII (then positions are byte offsets)."""
        if self._ascii is None:
            self._ascii = self.source.isascii()
        return self._ascii


class TextDocument:
    """A document's text and parse, updated through LSP content changes.

    Edits are applied to the text (and its line index) at once, but parsed
    only when the tree is next asked for: edits arriving faster than they
    can be analysed (an edit storm) are merged into one replaced region and
    re-parsed once, incrementally when that region is small.
    """

    def __init__(self, text: str) -> None:
        self._doc = Document(text)
        self._ascii: bool | None = None
        self._source = self._doc.source
        self._text: str | None = None
        self._lines = self._doc.lines
        # Edits not parsed yet, merged: bytes [lo, old_end) of the parsed
        # source are bytes [lo, new_end) of the current one.
        self._pending: tuple[int, int, int] | None = None
        # What each re-parse replaced (None: parsed as a whole), until the
        # owner takes them to update its analysis.
        self.splices: list[Splice | None] = []

    @property
    def source(self) -> bytes:
        """The text as UTF-8 bytes (what tree spans index)."""
        return self._source

    @property
    def text(self) -> str:
        """The text as a string."""
        if self._text is None:
            self._text = self._source.decode("utf-8", "surrogateescape")
        return self._text

    @property
    def lines(self) -> LineIndex:
        """Line starts of the current text."""
        return self._lines

    @property
    def parse_result(self) -> ParseResult:
        """The syntax tree and syntax errors of the current text."""
        self.flush()
        return self._doc.result

    @property
    def pending(self) -> bool:
        """Whether edits wait to be parsed."""
        return self._pending is not None

    @property
    def ascii(self) -> bool:
        """Whether the text is all ASCII (then positions are byte offsets)."""
        if self._ascii is None:
            self._ascii = self._source.isascii()
        return self._ascii

    def apply_change(
        self, start: tuple[int, int], end: tuple[int, int], new_text: str, encoding: str
    ) -> None:
        """Replace the text between two LSP positions (parsed on next use)."""
        was_ascii = self._ascii
        a = self._lines.offset(start[0], start[1], cast(Encoding, encoding))
        b = self._lines.offset(end[0], end[1], cast(Encoding, encoding))
        if b < a:
            a, b = b, a
        new = new_text.encode("utf-8", "surrogateescape")
        old = self._source
        self._source = old[:a] + new + old[b:]
        self._text = None
        self._lines = _relined(self._lines, a, b, new, self._source)
        delta = len(new) - (b - a)
        if self._pending is None:
            self._pending = (a, b, b + delta)
        else:
            lo, old_end, new_end = self._pending
            if b > new_end:  # the edit reaches past the merged region: widen it
                old_end += b - new_end
                new_end = b
            self._pending = (min(lo, a), old_end, new_end + delta)
        # Deleting cannot make ASCII text non-ASCII; inserting ASCII cannot either.
        self._ascii = True if was_ascii and new_text.isascii() else None

    def freeze(self) -> TextVersion:
        """The current text and line index, as they are now."""
        return TextVersion(self._source, self._lines, self._ascii)

    def flush(self) -> None:
        """Parse the edits made since the last parse, as one replacement."""
        if self._pending is None:
            return
        lo, old_end, new_end = self._pending
        self._pending = None
        self.splices.append(apply_edit(self._doc, lo, old_end, self._source[lo:new_end]))


def _relined(lines: LineIndex, a: int, b: int, new: bytes, source: bytes) -> LineIndex:
    """The line index after bytes ``[a, b)`` became ``new`` (``source`` is the result).

    Only the lines around the edit are scanned again (with a line of margin
    each side, so a CR LF pair split or joined by the edit is seen whole).
    """
    starts = lines.line_starts
    first = max(0, bisect.bisect_right(starts, a) - 2)
    after = bisect.bisect_right(starts, b) + 1
    delta = len(new) - (b - a)
    window_start = starts[first]
    window_end = starts[after] + delta if after < len(starts) else len(source)
    window = LineIndex(source[window_start:window_end]).line_starts
    if after < len(starts):
        # The window ends where the next kept line starts: that start is the tail's.
        window = [s for s in window if s < window_end - window_start]
    tail = [s + delta for s in starts[after:]]
    return LineIndex(source, starts[:first] + [window_start + s for s in window] + tail)


def offset_of(doc: Positioned, line: int, character: int, encoding: str) -> int:
    """Byte offset of (line, character); past-the-end values clamp to the line/text end."""
    lines = doc.lines
    if doc.ascii and 0 <= line < len(lines.line_starts) and character >= 0:
        start = lines.line_starts[line]
        end = lines.line_starts[line + 1] if line + 1 < len(lines.line_starts) else len(doc.source)
        text_end = end
        source = doc.source
        while text_end > start and source[text_end - 1] in (10, 13):
            text_end -= 1
        return min(start + character, text_end)
    return lines.offset(line, character, cast(Encoding, encoding))


def position_of(doc: Positioned, offset: int, encoding: str) -> tuple[int, int]:
    """(line, character) of a byte offset."""
    lines = doc.lines
    if doc.ascii:
        offset = max(0, min(offset, len(doc.source)))
        line = lines.line_of(offset)
        return line, offset - lines.line_starts[line]
    return lines.position(offset, cast(Encoding, encoding))
