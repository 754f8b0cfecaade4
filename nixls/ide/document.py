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

from typing import cast

from evaluator.compiler.incremental import Splice, apply_edit
from evaluator.syntax import ParseResult
from evaluator.syntax.document import Document
from evaluator.syntax.positions import Encoding

UTF8 = "utf-8"


class TextDocument:
    """A document's text and parse, updated through LSP content changes."""

    def __init__(self, text: str) -> None:
        self._doc = Document(text)
        self._ascii: bool | None = None

    @property
    def source(self) -> bytes:
        """The text as UTF-8 bytes (what tree spans index)."""
        return self._doc.source

    @property
    def text(self) -> str:
        """The text as a string."""
        return self._doc.text

    @property
    def parse_result(self) -> ParseResult:
        """The syntax tree and syntax errors of the current text."""
        return self._doc.result

    @property
    def ascii(self) -> bool:
        """Whether the text is all ASCII (then positions are byte offsets)."""
        if self._ascii is None:
            self._ascii = self._doc.source.isascii()
        return self._ascii

    def apply_change(
        self, start: tuple[int, int], end: tuple[int, int], new_text: str, encoding: str
    ) -> Splice | None:
        """Replace the text between two LSP positions (re-parsing incrementally).

        Returns the subtree the re-parse replaced (``None`` after a full
        parse), from which the analysis can be updated incrementally.
        """
        was_ascii = self._ascii
        lines = self._doc.lines
        a = lines.offset(start[0], start[1], cast(Encoding, encoding))
        b = lines.offset(end[0], end[1], cast(Encoding, encoding))
        if b < a:
            a, b = b, a
        splice = apply_edit(self._doc, a, b, new_text.encode("utf-8", "surrogateescape"))
        # Deleting cannot make ASCII text non-ASCII; inserting ASCII cannot either.
        self._ascii = True if was_ascii and new_text.isascii() else None
        return splice


def offset_of(doc: TextDocument, line: int, character: int, encoding: str) -> int:
    """Byte offset of (line, character); past-the-end values clamp to the line/text end."""
    lines = doc._doc.lines
    if doc.ascii and 0 <= line < len(lines.line_starts) and character >= 0:
        start = lines.line_starts[line]
        end = lines.line_starts[line + 1] if line + 1 < len(lines.line_starts) else len(doc.source)
        text_end = end
        source = doc.source
        while text_end > start and source[text_end - 1] in (10, 13):
            text_end -= 1
        return min(start + character, text_end)
    return lines.offset(line, character, cast(Encoding, encoding))


def position_of(doc: TextDocument, offset: int, encoding: str) -> tuple[int, int]:
    """(line, character) of a byte offset."""
    lines = doc._doc.lines
    if doc.ascii:
        offset = max(0, min(offset, len(doc.source)))
        line = lines.line_of(offset)
        return line, offset - lines.line_starts[line]
    return lines.position(offset, cast(Encoding, encoding))
