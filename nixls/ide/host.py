"""The analysis host: documents in, snapshots out, answers in plain data.

The LSP layer applies the editor's edits through :class:`AnalysisHost`
and asks a :class:`Snapshot` (one text of one document) its questions;
answers are byte offsets, spans, dataclasses and enums, never LSP types.

A snapshot names one generation of its document. Trees are updated in
place by edits (that is what makes an edit cheap), so a snapshot is valid
until the next edit of its document: a query that ran across an edit
checks :attr:`Snapshot.valid` and drops its answer (the LSP layer answers
ContentModified then).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from evaluator.compiler.diagnostics import Diagnostic
from evaluator.syntax.lexer import lex
from nixls.ide import live, rename, tokens
from nixls.ide.targets import expression_at, top_level_targets
from nixls.ide.tree import comment_spans
from nixls.ide.workspace import Change, OpenDocument, Workspace


@dataclass(frozen=True)
class Target:
    """A place to offer evaluation: what it is, where to show it, what to evaluate."""

    kind: str  # "root" | "let" | "attr"
    shown: tuple[int, int]
    span: tuple[int, int]


@dataclass(frozen=True)
class Snapshot:
    """One text of one open document."""

    document: OpenDocument
    generation: int

    @property
    def valid(self) -> bool:
        """Whether the document still has this text."""
        return self.document.generation == self.generation

    @property
    def source(self) -> bytes:
        """The text (UTF-8 bytes; every offset indexes these)."""
        return self.document.source

    def diagnostics(self, ignored: Sequence[str] = ()) -> list[Diagnostic]:
        """Syntax errors and the compiler's findings, minus ``ignored`` codes."""
        skip = set(ignored)
        return [d for d in self.document.analysis.diagnostics if d.code not in skip]

    def tokens(self) -> list[tuple[int, int, int, int]]:
        """Semantic tokens: (start, end, type index, modifier bits); see :mod:`.tokens`."""
        lexed, _errors = lex(self.source)
        return tokens.classify(self.document, lexed, comment_spans(self.source, lexed))

    def expression_at(self, offset: int) -> tuple[int, int] | None:
        """The span to evaluate for a cursor at ``offset`` (a binding's name: its value)."""
        return expression_at(self.document, offset)

    def targets(self) -> list[Target]:
        """The root expression and the top-level bindings, as evaluation targets."""
        return [Target(*t) for t in top_level_targets(self.document)]

    def references(self, offset: int, include_declaration: bool = True) -> list[rename.Span]:
        """The uses (and the definition) of the local name at ``offset``."""
        return rename.references(self.document, offset, include_declaration)

    def highlights(self, offset: int) -> list[tuple[rename.Span, rename.Access]]:
        """The occurrences of the local name at ``offset``, definition as a write."""
        return rename.highlights(self.document, offset)

    def rename(self, offset: int, new_name: str) -> list[rename.Span]:
        """The spans to replace; raises :class:`~nixls.ide.rename.RenameRefused` with why not."""
        return rename.rename_spans(self.document, offset, new_name)

    def evaluate(
        self, span: tuple[int, int], policy: live.EvalPolicy, cancel: threading.Event
    ) -> live.Outcome:
        """The value of the expression at ``span`` in its scope (shallowly printed).

        Runs the evaluation here and now (callers put it on a worker);
        ``cancel`` stops it.
        """
        return live.evaluate(live.request_for_span(self.document, span, policy), cancel)


class AnalysisHost:
    """Open documents: edits applied, snapshots handed out."""

    def __init__(self, workspace: Workspace | None = None) -> None:
        self.files = workspace if workspace is not None else Workspace()

    def open(self, uri: str, text: str, version: int) -> Snapshot:
        """Start tracking a document the editor opened."""
        doc = self.files.open(uri, text, version)
        return Snapshot(doc, doc.generation)

    def apply(self, uri: str, changes: Sequence[Change], version: int) -> Snapshot | None:
        """Apply edits (positions in the host's encoding); None if ``uri`` is not open."""
        doc = self.files.get(uri)
        if doc is None:
            return None
        doc.apply(changes, version)
        return Snapshot(doc, doc.generation)

    def close(self, uri: str) -> None:
        """Stop tracking a document."""
        self.files.close(uri)

    def snapshot(self, uri: str) -> Snapshot | None:
        """The current text of ``uri``, if open."""
        doc = self.files.get(uri)
        return Snapshot(doc, doc.generation) if doc is not None else None
