"""Background evaluations the server starts and shows: whole-file evaluation
diagnostics (source ``nixls-eval``) and inlay hints of values.

- Evaluation diagnostics: the whole file is evaluated deeply in the
  background on open and save (``onSave``), after each static refresh
  (``onType``) or never (``off``); errors are located at the failing
  expression, with the ``while evaluating`` steps in this file as related
  information.
- Inlay hints: results of ``nixls.evaluate`` (until the document changes)
  and, with ``nixls.inlayHints.values``, the values of let bindings.

The server calls :class:`Evaluations` at each document and settings event,
in the order written in :mod:`nixls.lsp.server`. Long evaluations report
work-done progress; every evaluation stops when its document changes or
its request is cancelled.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from lsprotocol import types

from nixls.ide.live import Outcome
from nixls.lsp.convert import eval_diagnostics, inlay_hint, outcome_inline
from nixls.settings import EvalDiagnostics

if TYPE_CHECKING:
    from nixls.ide.host import Snapshot
    from nixls.ide.workspace import OpenDocument, Revision
    from nixls.lsp.server import NixServer

log = logging.getLogger(__name__)

# Evaluations quicker than this report no progress.
PROGRESS_AFTER = 0.3

T = TypeVar("T")


async def with_progress(server: NixServer, title: str, work: Awaitable[T]) -> T:
    """Await ``work``; if it takes longer than a moment, show work-done progress.

    Cancelling the caller cancels ``work`` (and so the evaluation).
    """
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=PROGRESS_AFTER)
        if done:
            return task.result()
        caps = server.client_capabilities.window
        if caps is None or not caps.work_done_progress:
            return await task
        token = f"nixls-{uuid.uuid4()}"
        progress = server.work_done_progress
        try:
            await progress.create_async(token)
            progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=False))
        except Exception as exc:  # the client refused: evaluate without progress
            log.info("no progress for %s: %s", title, exc)
            return await task
        try:
            return await task
        finally:
            progress.end(token, types.WorkDoneProgressEnd())
    except asyncio.CancelledError:
        task.cancel()
        raise


class FileEvaluations:
    """Starts whole-file evaluations and publishes what they find."""

    def __init__(self, server: NixServer) -> None:
        self.server = server
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def mode(self) -> EvalDiagnostics:
        """When files are evaluated, under the current settings."""
        cfg = self.server.settings.eval
        return cfg.diagnostics if cfg.enable else EvalDiagnostics.OFF

    def start(self, doc: OpenDocument) -> None:
        """Evaluate ``doc`` now (replacing a running evaluation of it)."""
        old = self.tasks.pop(doc.uri, None)
        if old is not None:
            old.cancel()
        self.tasks[doc.uri] = asyncio.ensure_future(self._run(doc))

    async def _run(self, doc: OpenDocument) -> None:
        generation = doc.generation
        name = (doc.path or doc.uri).rsplit("/", 1)[-1]
        try:
            outcome = await with_progress(
                self.server, f"Evaluating {name}", self.server.host.live.evaluate_file(doc)
            )
        except asyncio.CancelledError:
            return
        except Exception:
            log.exception("evaluation of %s failed", doc.uri)
            return
        current = self.server.document(doc.uri)
        if current is not doc or doc.generation != generation:
            return  # the text changed meanwhile: that result is stale
        self.server.publisher.set_evaluated(doc.uri, eval_diagnostics(doc, outcome))

    def stop(self, uri: str) -> None:
        """Cancel the evaluation of ``uri`` if one is running."""
        task = self.tasks.pop(uri, None)
        if task is not None:
            task.cancel()


@dataclass
class Shown:
    """An evaluation result shown as an inlay hint until the document changes."""

    generation: int
    offset: int
    label: str


class Hints:
    """Inlay hints: results of `nixls.evaluate` and (optionally) let-binding values."""

    def __init__(self, server: NixServer) -> None:
        self.server = server
        self.shown: dict[str, list[Shown]] = {}
        # (uri, generation, span) -> outcome of a let binding's value
        self.values: dict[tuple[str, int, tuple[int, int]], Outcome] = {}
        self.pending: set[tuple[str, int, tuple[int, int]]] = set()

    def add(self, doc: Revision, offset: int, outcome: Outcome) -> None:
        """Show ``outcome`` at ``offset`` until ``doc`` changes."""
        entries = [s for s in self.shown.get(doc.uri, []) if s.generation == doc.generation]
        entries = [s for s in entries if s.offset != offset]
        entries.append(Shown(doc.generation, offset, outcome_inline(outcome)))
        self.shown[doc.uri] = entries
        self.refresh()

    def forget(self, uri: str) -> None:
        """Drop every hint of ``uri`` (its text changed or it closed)."""
        had = bool(self.shown.pop(uri, None))
        for key in [k for k in self.values if k[0] == uri]:
            del self.values[key]
        if had:
            self.refresh()

    def refresh(self) -> None:
        """Ask the client to request inlay hints again (if it can)."""
        caps = self.server.client_capabilities.workspace
        if caps is None or caps.inlay_hint is None or not caps.inlay_hint.refresh_support:
            return
        future = self.server.workspace_inlay_hint_refresh(None)
        future.add_done_callback(lambda f: f.exception() if not f.cancelled() else None)

    async def hints(self, snap: Snapshot, lo: int, hi: int) -> list[types.InlayHint]:
        """The hints to show in ``[lo, hi]``."""
        doc = snap.document
        out = [
            inlay_hint(doc, s.offset, s.label)
            for s in self.shown.get(doc.uri, [])
            if s.generation == doc.generation and lo <= s.offset <= hi
        ]
        if self.server.settings.inlay_hints.values and self.server.settings.eval.enable:
            out += await self.binding_hints(snap, lo, hi)
        return out

    async def binding_hints(self, snap: Snapshot, lo: int, hi: int) -> list[types.InlayHint]:
        """Values of the let bindings in ``[lo, hi]``, as far as known within the wait."""
        doc = snap.document
        wanted = snap.let_values(lo, hi)
        missing = []
        for _, span in wanted:
            key = (doc.uri, doc.generation, span)
            if key not in self.values and key not in self.pending:
                missing.append(span)
        if missing:
            tasks = [asyncio.ensure_future(self._compute(doc, span)) for span in missing]
            await asyncio.wait(tasks, timeout=self.server.host.wait())
        out = []
        for end, span in wanted:
            outcome = self.values.get((doc.uri, doc.generation, span))
            if outcome is not None:
                out.append(inlay_hint(doc, end, outcome_inline(outcome)))
        return out

    async def _compute(self, doc: Revision, span: tuple[int, int]) -> None:
        key = (doc.uri, doc.generation, span)
        self.pending.add(key)
        try:
            outcome = await self.server.host.live.evaluate_span(doc, span)
        except asyncio.CancelledError:
            return
        finally:
            self.pending.discard(key)
        current = self.server.document(doc.uri)
        if current is doc.head and current.generation == key[1] and not outcome.cancelled:
            late = key not in self.values
            self.values[key] = outcome
            if late:
                self.refresh_soon()

    def refresh_soon(self) -> None:
        """Refresh shortly, once for a burst of late values."""
        # Values that arrive after the hint request answered: ask again.
        loop = asyncio.get_running_loop()
        handle = getattr(self, "_refresh_handle", None)
        if handle is None or handle.cancelled():
            self._refresh_handle = loop.call_later(0.05, self.refresh)


class Evaluations:
    """File evaluations and inlay hints, told of each event by the server."""

    def __init__(self, server: NixServer) -> None:
        self.server = server
        self.files = FileEvaluations(server)
        self.hints = Hints(server)

    def opened(self, doc: OpenDocument) -> None:
        """A document opened: evaluate it (unless evaluation diagnostics are off)."""
        server = self.server
        server.host.live.warm_up()
        notice = server.host.live.project.notice(server.settings.eval, server.files.roots)
        if notice is not None:  # no nixpkgs found: said once, naming the setting
            server.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=notice)
            )
        if self.files.mode() is not EvalDiagnostics.OFF:
            self.files.start(doc)

    def changed(self, uri: str) -> None:
        """A document's text changed (or it closed): its results are stale."""
        self.files.stop(uri)
        self.hints.forget(uri)

    def after_static(self, revision: Revision) -> None:
        """The (debounced) static diagnostics of an edit were published."""
        doc = revision.head
        if self.files.mode() is EvalDiagnostics.ON_TYPE:
            self.files.start(doc)
            self._start_dependents(doc)

    def saved(self, doc: OpenDocument) -> None:
        """A document was saved."""
        if doc.path:
            self.server.host.live.project.references.changed([doc.path])
        if self.files.mode() is not EvalDiagnostics.OFF:
            self.files.start(doc)
            self._start_dependents(doc)

    def _start_dependents(self, doc: OpenDocument) -> None:
        """Evaluate again the open files whose evaluation read ``doc`` (it changed).

        Those still evaluating may have read its old text too (their reads
        are not known yet).
        """
        live = self.server.host.live
        running = [uri for uri, task in self.files.tasks.items() if not task.done()]
        for uri in sorted({*running, *(live.dependents(doc.path) if doc.path else [])}):
            other = self.server.document(uri)
            if other is not None and other is not doc:
                self.files.start(other)

    def files_changed(self, paths: list[str]) -> None:
        """Files changed on disk: evaluations that may import them run again."""
        self.server.host.live.project.references.changed(paths)
        if self.files.mode() is EvalDiagnostics.OFF:
            return
        for doc in list(self.server.files.documents.values()):
            if doc.path not in paths:
                self.files.start(doc)

    def settings_changed(self) -> None:
        """New settings: every result is stale; evaluate again, refresh hints and lenses."""
        server = self.server
        # From `initialize` on, before the first file opens; but after the
        # reply: discovery and the builtins' import are no part of it.
        try:
            asyncio.get_running_loop().call_soon(server.host.live.warm_up)
        except RuntimeError:  # no loop (a test driving the server directly)
            server.host.live.warm_up()
        for doc in list(server.files.documents.values()):
            server.host.live.cancel(doc.uri)
            self.files.stop(doc.uri)
            server.publisher.drop_evaluated(doc.uri)
            if self.files.mode() is not EvalDiagnostics.OFF:
                self.files.start(doc)
        self.hints.values.clear()
        self.hints.refresh()
        caps = server.client_capabilities.workspace
        if caps is not None and caps.code_lens is not None and caps.code_lens.refresh_support:
            future = server.workspace_code_lens_refresh(None)
            future.add_done_callback(lambda f: f.exception() if not f.cancelled() else None)

    def shutdown(self) -> None:
        """Stop every evaluation (shutdown, exit)."""
        self.server.host.live.shutdown()
