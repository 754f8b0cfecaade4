"""The analysis host: documents in, snapshots out, answers in plain data.

The LSP layer applies the editor's edits through :class:`AnalysisHost`
and asks a :class:`Snapshot` (one text of one document) its questions;
answers are byte offsets, spans, dataclasses and enums, never LSP types.
The host also holds the settings and the live evaluator, so every
question that may evaluate finds them in one place.

What a snapshot guarantees: it is one immutable text of its document (a
:class:`~nixls.ide.workspace.Revision`), and every answer it gives is for
that text, even when edits come in while a request runs on a worker or
across an ``await``. Edits stay cheap: the document updates its tree and
analysis in place, taking them back from older revisions still referenced;
such a revision parses its own text if asked again, and work that was
reading it meanwhile runs again on that parse (``Revision.settled``).
Evaluation jobs check the same (``Unit.tree_epoch``) and stop instead; an
answer that needed an evaluation an edit stopped raises :class:`Overtaken`
(the LSP layer's ContentModified).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from evaluator.compiler.diagnostics import Diagnostic
from evaluator.syntax.lexer import Token, lex
from nixls.ide import (
    actions,
    completion,
    hover,
    live,
    navigation,
    rename,
    symbols,
    tokens,
    value_completion,
    value_nav,
)
from nixls.ide.actions import Fix
from nixls.ide.completion import Item
from nixls.ide.flake import features as flake
from nixls.ide.flake.lock import read_under
from nixls.ide.flake.model import is_flake_file
from nixls.ide.hover import HoverInfo
from nixls.ide.live import EvalPolicy, LiveEvaluator, Outcome
from nixls.ide.navigation import Location
from nixls.ide.option_host import HostOptions
from nixls.ide.reads import Reader, read_policy
from nixls.ide.symbols import Fold, Symbol
from nixls.ide.targets import expression_at, let_values, top_level_targets
from nixls.ide.tree import comment_spans
from nixls.ide.value_completion import ItemDoc
from nixls.ide.workspace import Change, OpenDocument, Revision, Workspace
from nixls.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """A place to offer evaluation: what it is, where to show it, what to evaluate."""

    kind: str  # "root" | "let" | "attr"
    shown: tuple[int, int]
    span: tuple[int, int]


class Overtaken(Exception):
    """An edit of the document stopped an evaluation this answer needed (and the
    snapshot is no longer its newest text): there is no whole answer to give."""


@dataclass(frozen=True)
class Snapshot:
    """One text of one open document, immutable (see the module docstring)."""

    document: Revision
    host: AnalysisHost = field(compare=False, repr=False)

    @property
    def generation(self) -> int:
        """Which text of its document this is (bumped by every edit)."""
        return self.document.generation

    @property
    def cache(self) -> dict[str, Any]:
        """Results computed from this text (tokens, outline...)."""
        return self.document.cache

    @property
    def current(self) -> bool:
        """Whether this is still the open document's newest text."""
        head = self.host.files.get(self.document.uri)
        return head is self.document.head and head.current is self.document

    @property
    def source(self) -> bytes:
        """The text (UTF-8 bytes; every offset indexes these)."""
        return self.document.source

    @property
    def evaluator(self) -> LiveEvaluator | None:
        """The live evaluator, if the settings allow evaluating."""
        return self.host.live if self.host.settings.eval.enable else None

    def reader(self) -> Reader:
        """Files as this document's features may read them (evaluation's read policy)."""
        files = self.host.files
        return Reader(files, read_policy(self.host.settings.eval, files.roots, self.document.path))

    # ------------------------------------------------------------ static answers

    def diagnostics(self, ignored: Sequence[str] = ()) -> list[Diagnostic]:
        """Syntax errors and the compiler's findings, minus ``ignored`` codes."""
        skip = set(ignored)
        found = list(self.document.analysis.diagnostics)
        if is_flake_file(self.document.path):  # its inputs and flake.lock
            found += flake.diagnostics(self.document, read_under(self.reader().io))
        return [d for d in found if d.code not in skip]

    def lexed(self) -> tuple[list[Token], list[tuple[int, int]]]:
        """The lexer's tokens and the comment spans (cached per text)."""
        cache = self.cache
        found = cache.get("lexed")
        if found is None:
            lexed, _errors = lex(self.source)
            found = cache["lexed"] = (lexed, comment_spans(self.source, lexed))
        return found  # type: ignore[no-any-return]

    def tokens(self) -> list[tuple[int, int, int, int]]:
        """Semantic tokens: (start, end, type index, modifier bits); see :mod:`.tokens`."""
        cache = self.cache
        found = cache.get("semantic")
        if found is None:
            lexed, comments = self.lexed()
            found = cache["semantic"] = tokens.classify(self.document, lexed, comments)
        return found  # type: ignore[no-any-return]

    def symbols(self) -> list[Symbol]:
        """The outline (cached per text)."""
        cache = self.cache
        if "symbols" not in cache:
            cache["symbols"] = symbols.document_symbols(self.document)
        return cache["symbols"]  # type: ignore[no-any-return]

    def folds(self) -> list[Fold]:
        """Foldable regions (cached per text)."""
        cache = self.cache
        if "folding" not in cache:
            cache["folding"] = symbols.folding_ranges(self.document, self.lexed()[1])
        return cache["folding"]  # type: ignore[no-any-return]

    def selection(self, offset: int) -> list[tuple[int, int]]:
        """The spans enclosing ``offset``, outermost first."""
        return symbols.selection_chain(self.document, offset)

    def quick_fixes(self, lo: int, hi: int) -> list[Fix]:
        """Quick fixes for the diagnostics touching ``[lo, hi]``."""
        return actions.quick_fixes(self.document, lo, hi)

    def hover(self, offset: int, reader: Reader) -> HoverInfo | None:
        """What the hover at ``offset`` says before evaluation, and what to evaluate."""
        live = self.evaluator
        doc = self.document
        origin = (lambda: live.arguments_origin(doc)) if live is not None else None
        return hover.hover_at(doc, self.host.files, reader, offset, origin)

    def expression_at(self, offset: int) -> tuple[int, int] | None:
        """The span to evaluate for a cursor at ``offset`` (a binding's name: its value)."""
        return expression_at(self.document, offset)

    def let_values(self, lo: int, hi: int) -> list[tuple[int, tuple[int, int]]]:
        """The let bindings named in ``[lo, hi]``: (end of the binding, span of its value)."""
        return let_values(self.document, lo, hi)

    def targets(self) -> list[Target]:
        """The root expression and the top-level bindings, as evaluation targets."""
        return [Target(*t) for t in top_level_targets(self.document)]

    def references(self, offset: int, include_declaration: bool = True) -> list[rename.Span]:
        """The uses (and the definition) of the local name at ``offset``."""
        return rename.references(self.document, offset, include_declaration)

    def highlights(self, offset: int) -> list[tuple[rename.Span, rename.Access]]:
        """The occurrences of the local name at ``offset``, definition as a write."""
        return rename.highlights(self.document, offset)

    def rename_target(self, offset: int) -> tuple[rename.Span, str]:
        """The name a rename at ``offset`` would change; raises ``RenameRefused``."""
        return rename.rename_target(self.document, offset)

    def rename(self, offset: int, new_name: str) -> list[rename.Span]:
        """The spans to replace; raises :class:`~nixls.ide.rename.RenameRefused` with why not."""
        return rename.rename_spans(self.document, offset, new_name)

    # ------------------------------------------------------------ answers that may evaluate

    # Each raises Overtaken if an edit stopped an evaluation it needed.

    async def _evaluating(self, run: Callable[[], Awaitable[T]]) -> T:
        """``await run()`` on this text (:meth:`Revision.settled`); raises
        :class:`Overtaken` if an edit stopped an evaluation it awaited."""

        def overtaken() -> Overtaken:
            return Overtaken(f"{self.document.uri} changed during evaluation")

        async def attempt() -> T:
            if stops and not self.current:  # (settled's second try): not again
                raise overtaken()
            return await run()

        with live.watching_stops() as stops:
            result = await self.document.settled(attempt)
        if stops and not self.current:
            raise overtaken()
        return result

    async def definitions(self, offset: int, reader: Reader) -> list[Location]:
        """Where the thing at ``offset`` is defined (`with` targets evaluated if allowed)."""
        doc = self.document
        return await self._evaluating(
            lambda: navigation.definitions(doc, reader, offset, self.evaluator)
        )

    async def completions(self, offset: int, reader: Reader) -> list[Item]:
        """Completion items at ``offset`` (sets evaluated, within the wait, if allowed)."""
        doc, wait = self.document, self.host.wait()
        return await self._evaluating(
            lambda: completion.complete(doc, reader, offset, self.evaluator, wait)
        )

    async def value_docs(self, offset: int) -> str | None:
        """The documentation paragraph of a hover: the evaluated value's doc comment and home."""
        doc, live, roots, wait = (
            self.document,
            self.host.live,
            self.host.files.roots,
            self.host.wait(),
        )
        return await self._evaluating(
            lambda: value_nav.hover_markdown(live, doc, offset, roots, wait)
        )

    async def value_within(self, span: tuple[int, int]) -> Outcome | None:
        """The value at ``span``, or None if not ready within the hover wait."""
        doc, live, wait = self.document, self.host.live, self.host.wait()
        return await self._evaluating(lambda: hover.value_within(live, doc, span, wait))

    def evaluate(
        self, span: tuple[int, int], policy: EvalPolicy, cancel: threading.Event
    ) -> Outcome:
        """The value of the expression at ``span`` in its scope (shallowly printed).

        Runs the evaluation here and now (callers put it on a worker);
        ``cancel`` stops it. If an edit takes back the tree it reads
        meanwhile, it runs again on this text's own parse (which never moves).
        """
        while True:
            request = live.request_for_span(self.document, span, policy)
            outcome = live.evaluate(request, cancel)
            if not request.moved:
                return outcome


class AnalysisHost:
    """Open documents, the settings and the live evaluator: edits in, snapshots out."""

    def __init__(self, workspace: Workspace | None = None) -> None:
        self.files = workspace if workspace is not None else Workspace()
        self.settings = Settings()
        # Evaluations for every feature, on worker threads, keyed by document.
        self.live = LiveEvaluator(self)
        # Module option sets, evaluated in the background.
        self.options = HostOptions(lambda: self.settings, self.files)

    def wait(self) -> float:
        """How long a request waits for a value (``hover.waitMs``), in seconds."""
        return max(0, self.settings.hover.wait_ms) / 1000

    def open(self, uri: str, text: str, version: int) -> Snapshot:
        """Start tracking a document the editor opened."""
        doc = self.files.open(uri, text, version)
        return _snapshot(doc, self)

    def apply(self, uri: str, changes: Sequence[Change], version: int) -> Snapshot | None:
        """Apply edits (positions in the host's encoding); None if ``uri`` is not open.

        Evaluations of the old text are cancelled.
        """
        doc = self.files.get(uri)
        if doc is None:
            return None
        doc.apply(changes, version)
        self.live.cancel(uri)
        return _snapshot(doc, self)

    def close(self, uri: str) -> None:
        """Stop tracking a document (and cancel its evaluations)."""
        self.files.close(uri)
        self.live.cancel(uri)

    async def resolve_item(self, data: Any) -> ItemDoc | None:
        """The kind and documentation of a completion item carrying ``data`` (None: not known)."""
        if not self.settings.eval.enable:
            return None
        return await value_completion.resolve(self.live, data, self.files.roots, self.wait())

    def snapshot(self, uri: str) -> Snapshot | None:
        """The current text of ``uri``, if open."""
        doc = self.files.get(uri)
        return _snapshot(doc, self) if doc is not None else None


def _snapshot(doc: OpenDocument, host: AnalysisHost) -> Snapshot:
    return Snapshot(doc.current, host)
