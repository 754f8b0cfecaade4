"""Documents the server knows: open ones (edited incrementally) and files on disk.

A :class:`Unit` is one parsed file: its bytes, syntax tree, the compiler's
analysis (computed on demand) and position conversions in the client's
encoding. An :class:`OpenDocument` is a unit the editor has open; its text
changes with every ``didChange``, and once analysed, its analysis is kept
up to date edit by edit (:mod:`evaluator.compiler.incremental`: only the
edited binding or expression is resolved again) unless an edit re-parsed
the whole text. Files that are not open but that open
ones refer to (imports, path literals) are read from disk once and cached
until ``workspace/didChangeWatchedFiles`` says they changed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any, Protocol

from evaluator.compiler import Analysis, analyse
from evaluator.compiler.incremental import Splice, reanalyse
from evaluator.syntax import ParseResult
from nixls.ide.document import TextDocument, offset_of, position_of
from nixls.ide.uris import path_to_uri, uri_to_path

UTF16 = "utf-16"


class LineChar(Protocol):
    """A position as editors count: 0-based line, character in the host's encoding."""

    @property
    def line(self) -> int: ...

    @property
    def character(self) -> int: ...


class LineRange(Protocol):
    """A range between two :class:`LineChar` positions."""

    @property
    def start(self) -> LineChar: ...

    @property
    def end(self) -> LineChar: ...


class Change(Protocol):
    """A text edit: ``text`` replaces ``range`` (an optional ``range`` attribute;
    without one, the whole text)."""

    @property
    def text(self) -> str: ...


log = logging.getLogger(__name__)


class Unit:
    """One parsed file, with positions in the client's encoding."""

    def __init__(self, uri: str, path: str | None, encoding: str) -> None:
        self.uri = uri
        self.path = path
        self.encoding = encoding
        self._analysis: Analysis | None = None
        # Results derived from the current text (tokens, outline...): cleared on edit.
        self.cache: dict[str, Any] = {}

    # Subclasses provide the text and the tree.
    @property
    def text_document(self) -> TextDocument:
        """The text and its parse (provided by subclasses)."""
        raise NotImplementedError

    @property
    def source(self) -> bytes:
        """The file's bytes (UTF-8)."""
        return self.text_document.source

    @property
    def text(self) -> str:
        """The file's text."""
        return self.text_document.text

    @property
    def parse_result(self) -> ParseResult:
        """The syntax tree and syntax errors of the current text."""
        return self.text_document.parse_result

    @property
    def analysis(self) -> Analysis:
        """The compiler's analysis of the current text (computed on first use)."""
        if self._analysis is None:
            self._analysis = analyse(self.parse_result, self.path or self.uri)
        return self._analysis

    # ------------------------------------------------------------ positions

    def offset_at(self, position: LineChar) -> int:
        """Byte offset of a (line, character) position (clamped into the text)."""
        return offset_of(self.text_document, position.line, position.character, self.encoding)

    def line_char(self, offset: int) -> tuple[int, int]:
        """(line, character) of a byte offset, characters counted in this encoding."""
        return position_of(self.text_document, offset, self.encoding)


class OpenDocument(Unit):
    """A document open in the editor."""

    def __init__(self, uri: str, text: str, version: int, encoding: str) -> None:
        super().__init__(uri, uri_to_path(uri), encoding)
        self.version = version
        self.document = TextDocument(text)
        # Bumped on every edit: work started before an edit is stale.
        self.generation = 0

    @property
    def text_document(self) -> TextDocument:
        """The editor's current text and its parse."""
        return self.document

    def apply(self, changes: Sequence[Change], version: int) -> None:
        """Apply edits in order (a change without a range replaces the whole text)."""
        for change in changes:
            r = getattr(change, "range", None)
            if r is not None:
                splice = self.document.apply_change(
                    (r.start.line, r.start.character),
                    (r.end.line, r.end.character),
                    change.text,
                    self.encoding,
                )
                # Keep an analysis up to date edit by edit while that is
                # cheap; otherwise the next use analyses the whole text.
                if self._analysis is not None and splice is not None:
                    self._analysis = self._reanalyse(self._analysis, splice)
                else:
                    self._analysis = None
            else:
                self.document = TextDocument(change.text)
                self._analysis = None
        self.version = version
        self.generation += 1
        self.cache = {}

    def _reanalyse(self, previous: Analysis, splice: Splice) -> Analysis | None:
        try:
            return reanalyse(previous, self.parse_result, splice)
        except Exception:
            # Never leave a stale analysis behind: the next use analyses afresh.
            log.exception("incremental analysis failed for %s", self.uri)
            return None


class DiskUnit(Unit):
    """A file read from disk (not open in the editor)."""

    def __init__(self, path: str, text: str, encoding: str) -> None:
        super().__init__(path_to_uri(path), path, encoding)
        self._doc = TextDocument(text)

    @property
    def text_document(self) -> TextDocument:
        """The file's text (as read) and its parse."""
        return self._doc


class Workspace:
    """Open documents plus a cache of files read from disk."""

    def __init__(self) -> None:
        self.encoding = UTF16
        self.documents: dict[str, OpenDocument] = {}
        self.roots: list[str] = []
        self._disk: dict[str, DiskUnit | None] = {}

    # ------------------------------------------------------------ open documents

    def open(self, uri: str, text: str, version: int) -> OpenDocument:
        """Start tracking a document the editor opened."""
        doc = OpenDocument(uri, text, version, self.encoding)
        previous = self.documents.get(uri)
        if previous is not None:
            doc.generation = previous.generation + 1
        self.documents[uri] = doc
        return doc

    def get(self, uri: str) -> OpenDocument | None:
        """The open document with this URI, if any."""
        return self.documents.get(uri)

    def close(self, uri: str) -> OpenDocument | None:
        """Stop tracking a document; returns it."""
        doc = self.documents.pop(uri, None)
        if doc is not None:
            doc.generation += 1
        return doc

    # ------------------------------------------------------------ files

    def unit(self, path: str) -> Unit | None:
        """``path`` as a unit: the open document if open, else the (cached) disk file."""
        doc = self.documents.get(path_to_uri(path))
        if doc is not None:
            return doc
        if path not in self._disk:
            text = _read(path)
            self._disk[path] = None if text is None else DiskUnit(path, text, self.encoding)
        return self._disk[path]

    def source(self, path: str) -> str | None:
        """Text of ``path``: the open document's if open, else from disk (cached)."""
        unit = self.unit(path)
        return unit.text if unit is not None else None

    def invalidate(self, path: str) -> None:
        """Forget the cached disk text of ``path`` (it changed on disk)."""
        self._disk.pop(path, None)

    def is_cached(self, path: str) -> bool:
        """Whether ``path`` has been read from disk and is cached."""
        return path in self._disk

    def line_of(self, unit: Unit, offset: int) -> int:
        """1-based line number of an offset in a unit (for messages)."""
        return unit.line_char(offset)[0] + 1

    def in_roots(self, path: str) -> bool:
        """Whether ``path`` lies inside one of the workspace folders."""
        real = os.path.realpath(path)
        for root in self.roots:
            r = os.path.realpath(root)
            if real == r or real.startswith(r.rstrip("/") + "/"):
                return True
        return False


def _read(path: str) -> str | None:
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            return fh.read()
    except OSError:
        return None
