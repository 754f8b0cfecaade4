"""Documents the server knows: open ones (edited incrementally) and files on disk.

A :class:`Unit` is one parsed file: its bytes, syntax tree, the compiler's
analysis (computed on demand) and position conversions in the client's
encoding. An :class:`OpenDocument` is a file the editor has open; each
``didChange`` makes a new :class:`Revision` (one immutable text: what
snapshots answer from). The tree and analysis are kept up to date edit by
edit, in place (:mod:`evaluator.compiler.incremental`: only the edited
binding or expression is resolved again) unless an edit re-parsed the
whole text. Files that are not open but that open
ones refer to (imports, path literals) are read from disk once and cached
until ``workspace/didChangeWatchedFiles`` says they changed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from evaluator.compiler import Analysis, analyse
from evaluator.compiler.incremental import Splice, reanalyse
from evaluator.syntax import ParseResult, parse
from nixls.ide.document import Positioned, TextDocument, TextVersion, offset_of, position_of
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
T = TypeVar("T")


class Unit:
    """One parsed file, with positions in the client's encoding."""

    def __init__(self, uri: str, path: str | None, encoding: str) -> None:
        self.uri = uri
        self.path = path
        self.encoding = encoding
        self._analysis: Analysis | None = None
        self._cache: dict[str, Any] = {}

    @property
    def cache(self) -> dict[str, Any]:
        """Results derived from this text (tokens, outline...)."""
        return self._cache

    @property
    def frozen(self) -> Unit:
        """This text as a unit no edit changes (an open document: its current revision)."""
        return self

    # Subclasses provide the text and the tree.
    @property
    def text_document(self) -> Positioned:
        """The text and its line index (provided by subclasses)."""
        raise NotImplementedError

    @property
    def source(self) -> bytes:
        """The file's bytes (UTF-8)."""
        return self.text_document.source

    @property
    def text(self) -> str:
        """The file's text."""
        return self.source.decode("utf-8", "surrogateescape")

    @property
    def parse_result(self) -> ParseResult:
        """The syntax tree and syntax errors of the current text."""
        raise NotImplementedError

    @property
    def analysis(self) -> Analysis:
        """The compiler's analysis of the current text (computed on first use)."""
        if self._analysis is None:
            self._analysis = analyse(self.parse_result, self.path or self.uri)
        return self._analysis

    @property
    def tree_epoch(self) -> int:
        """Moves when an edit takes back the tree this text's nodes came from.

        Nodes and analysis read from a unit stay right only while this is
        unchanged: work that holds them across an ``await``, a thread
        hand-off or a job notes it before its first read and checks it after
        its last (:class:`Revision`; other units never move).
        """
        return 0

    async def settled(self, run: Callable[[], Awaitable[T]]) -> T:
        """``await run()`` (a :class:`Revision` runs it again if an edit took its tree)."""
        return await run()

    # ------------------------------------------------------------ positions

    def offset_at(self, position: LineChar) -> int:
        """Byte offset of a (line, character) position (clamped into the text)."""
        return offset_of(self.text_document, position.line, position.character, self.encoding)

    def line_char(self, offset: int) -> tuple[int, int]:
        """(line, character) of a byte offset, characters counted in this encoding."""
        return position_of(self.text_document, offset, self.encoding)


class Revision(Unit):
    """One text of an open document: every answer it gives is for this text.

    Its bytes and line index are frozen when it is made. Its tree and
    analysis are the document's incremental ones, *lent* to it while it is
    the newest parsed text. The next edit updates them in place (that keeps
    an edit cheap) and so *takes them back* from every older revision still
    referenced: such a revision parses and analyses its own text if asked
    again, and work that was reading the lent ones meanwhile notices
    (:attr:`evictions` moved) and runs again (:meth:`settled`).
    """

    def __init__(self, head: OpenDocument, text_version: TextVersion) -> None:
        super().__init__(head.uri, head.path, head.encoding)
        self.head = head
        self.generation = head.generation
        self.version = head.version
        self.text_version = text_version
        self._result: ParseResult | None = None
        self.lent = False  # tree and analysis are the document's (see OpenDocument)
        # How often an edit took back the lent tree (0 or 1: a revision's
        # own parse is never lent).
        self.evictions = 0

    @property
    def text_document(self) -> TextVersion:
        """This text and its line index."""
        return self.text_version

    @property
    def text(self) -> str:
        """This text."""
        return self.text_version.text

    @property
    def parse_result(self) -> ParseResult:
        """The syntax tree and syntax errors of this text."""
        result = self._result
        if result is None:
            self.head.lend(self)
            result = self._result
            if result is None:  # the document moved on: this text alone, never lent
                result = parse(self.text_version.source)
                with self.head.lock:
                    if self._result is None:
                        self._result = result
                    result = self._result
        return result

    @property
    def analysis(self) -> Analysis:
        """The compiler's analysis of this text."""
        found = self._analysis
        if found is None:
            epoch = self.evictions
            result = self.parse_result
            found = self.head.lent_analysis(self) if self.lent else None
            if found is None:
                found = analyse(result, self.path or self.uri)
            with self.head.lock:
                if self._analysis is None and self.evictions == epoch:
                    self._analysis = found  # (an evicted tree's analysis is not kept)
                if self._analysis is not None:
                    found = self._analysis
        return found

    @property
    def tree_epoch(self) -> int:
        """How often an edit took this text's tree back (see :attr:`Unit.tree_epoch`)."""
        return self.evictions

    def evict(self) -> None:
        """(head's lock held) The document takes its tree back to update it in place."""
        self._result = None
        self._analysis = None
        self._cache = {}
        self.lent = False
        self.evictions += 1

    async def settled(self, run: Callable[[], Awaitable[T]]) -> T:
        """``await run()``, again on this text's own parse if an edit took the lent tree
        while it ran (its answer may have read a tree being updated)."""
        epoch = self.evictions
        try:
            result = await run()
        except Exception:
            if self.evictions == epoch:
                raise
        else:
            if self.evictions == epoch:
                return result
        # Parsed and analysed off the loop; never lent, so never taken back.
        await asyncio.to_thread(lambda: self.analysis)
        return await run()


class OpenDocument(Unit):
    """A document open in the editor: its newest :class:`Revision` and the
    incremental machinery that makes the next one's tree and analysis."""

    def __init__(
        self, uri: str, text: str, version: int, encoding: str, generation: int = 0
    ) -> None:
        super().__init__(uri, uri_to_path(uri), encoding)
        self.version = version
        self.document = TextDocument(text)
        # Bumped on every edit: work started before an edit is for an older text.
        self.generation = generation
        # Edits come from the loop; a worker may parse a revision meanwhile.
        self.lock = threading.RLock()
        # The revisions the tree (and analysis) of ``document`` are lent to
        # (several when an edit changed nothing to parse).
        self._lent: weakref.WeakSet[Revision] = weakref.WeakSet()
        # How often an edit took the tree back from an older revision still referenced.
        self.evictions = 0
        self.current = Revision(self, self.document.freeze())

    @property
    def text_document(self) -> TextVersion:
        """The editor's current text and its line index."""
        return self.current.text_version

    @property
    def text(self) -> str:
        """The current text."""
        return self.current.text

    @property
    def cache(self) -> dict[str, Any]:
        """Results derived from the current text."""
        return self.current.cache

    @property
    def head(self) -> OpenDocument:
        """The document itself (as :attr:`Revision.head` names it for a revision)."""
        return self

    @property
    def frozen(self) -> Revision:
        """The current text, as a revision no edit changes."""
        return self.current

    def apply(self, changes: Sequence[Change], version: int) -> None:
        """Apply edits in order (a change without a range replaces the whole text).

        The text changes at once (a new :attr:`current` revision); parsing
        and analysis wait until the tree is next used, so a storm of edits
        is analysed once.
        """
        with self.lock:
            for change in changes:
                r = getattr(change, "range", None)
                if r is not None:
                    self.document.apply_change(
                        (r.start.line, r.start.character),
                        (r.end.line, r.end.character),
                        change.text,
                        self.encoding,
                    )
                else:  # new objects: whoever holds the old ones keeps them
                    self.document = TextDocument(change.text)
                    self._analysis = None
                    self._lent = weakref.WeakSet()
            self.version = version
            self.generation += 1
            self.current = Revision(self, self.document.freeze())

    @property
    def parse_result(self) -> ParseResult:
        """The syntax tree and syntax errors of the current text (edits parsed now)."""
        return self.current.parse_result

    @property
    def analysis(self) -> Analysis:
        """The compiler's analysis of the current text, brought up to date."""
        return self.current.analysis

    def lend(self, revision: Revision) -> None:
        """Give ``revision`` the document's tree, if it is still the current text."""
        with self.lock:
            if revision is not self.current or revision.generation != self.generation:
                return
            self._catch_up()
            revision._result = self.document.parse_result
            revision.lent = True
            self._lent.add(revision)

    def lent_analysis(self, revision: Revision) -> Analysis | None:
        """The document's analysis, if its tree is still the one lent to ``revision``."""
        with self.lock:
            if revision not in self._lent:
                return None
            splices, self.document.splices = self.document.splices, []
            for splice in splices:
                # Incrementally after a local re-parse; otherwise the next use
                # analyses the whole text.
                if self._analysis is not None and splice is not None:
                    self._analysis = self._reanalyse(self._analysis, splice)
                else:
                    self._analysis = None
            if self._analysis is None:
                self._analysis = analyse(self.document.parse_result, self.path or self.uri)
            return self._analysis

    def _catch_up(self) -> None:
        """Parse pending edits, in place."""
        if not self.document.pending:
            return
        # Older revisions still referenced give the tree back (they parse
        # their own text if asked again): it is updated in place. They are
        # told first, so a reader on another thread that checks their
        # tree_epoch after its last read knows whether it read moved nodes.
        for revision in list(self._lent):
            revision.evict()
            self.evictions += 1
        self._lent = weakref.WeakSet()
        self.document.flush()

    def _reanalyse(self, previous: Analysis, splice: Splice) -> Analysis | None:
        try:
            return reanalyse(previous, self.document.parse_result, splice)
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

    @property
    def text(self) -> str:
        """The file's text."""
        return self._doc.text

    @property
    def parse_result(self) -> ParseResult:
        """The syntax tree and syntax errors of the file."""
        return self._doc.parse_result


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
        previous = self.documents.get(uri)
        generation = previous.generation + 1 if previous is not None else 0
        doc = OpenDocument(uri, text, version, self.encoding, generation)
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
        """``path`` as a unit: the open document's current revision, else the (cached) disk file."""
        doc = self.documents.get(path_to_uri(path))
        if doc is not None:
            return doc.current
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
