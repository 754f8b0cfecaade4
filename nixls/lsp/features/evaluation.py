"""Evaluation features: evaluation diagnostics, code lenses, `nixls.evaluate`, inlay hints.

- Evaluation diagnostics (source ``nixls-eval``): the whole file is
  evaluated deeply in the background on open and save (``onSave``), after
  each change (``onType``) or never (``off``); errors are located at the
  failing expression, with the ``while evaluating`` steps in this file as
  related information.
- Code lens "Evaluate" on the root expression and on each top-level binding.
- ``nixls.evaluate`` (``{uri, range}`` or ``{uri, position}``) returns
  ``{value, type, error}``; the result is shown as an inlay hint after the
  expression until the document changes.
- ``nixls.inlayHints.values``: the values of let bindings as inlay hints.
- ``nixls.status``: what the server is doing (evaluations running).
- ``nixls.env``: which nixpkgs was found, from where, what is missing
  (:mod:`nixls.ide.project.report`); when none is found the server says so
  once, naming the setting that fixes it.

Long evaluations report work-done progress; every evaluation stops when
its document changes or its request is cancelled.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from nixls.ide.host import Snapshot
from nixls.ide.live import LiveEvaluator, Outcome
from nixls.ide.project.report import as_json, as_text
from nixls.ide.targets import expression_at, trimmed
from nixls.lsp.convert import CONVERTER, outcome_inline, outcome_json, position_at, range_of
from nixls.lsp.server import NixServer  # at run time: pygls reads command annotations
from nixls.settings import EvalDiagnostics

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument

log = logging.getLogger(__name__)

SOURCE = "nixls-eval"
EVALUATE = "nixls.evaluate"
STATUS = "nixls.status"
ENV = "nixls.env"
CONTENT_MODIFIED = -32801
# Evaluations quicker than this report no progress.
PROGRESS_AFTER = 0.3

T = TypeVar("T")


# ---------------------------------------------------------------- progress


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


# ---------------------------------------------------------------- file evaluation


def eval_diagnostics(doc: OpenDocument, outcome: Outcome) -> list[types.Diagnostic]:
    """Diagnostics for a whole-file evaluation (none when it succeeded)."""
    if outcome.cancelled:
        return []
    return [d for one in [outcome, *outcome.more_errors] if (d := _one_diagnostic(doc, one))]


def _one_diagnostic(doc: OpenDocument, outcome: Outcome) -> types.Diagnostic | None:
    if outcome.error is None or outcome.unknown is not None:
        return None
    if outcome.error_at is not None:
        start, end = outcome.error_at
    else:
        root = doc.parse_result.root
        start, end = root.start, root.start
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=doc.uri, range=range_of(doc, step.start, step.end)),
            message=step.message,
        )
        for step in outcome.trace
        if (step.start, step.end) != (start, end)
    ]
    return types.Diagnostic(
        range=range_of(doc, start, end),
        message=outcome.error,
        severity=types.DiagnosticSeverity.Warning
        if outcome.budget
        else types.DiagnosticSeverity.Error,
        source=SOURCE,
        code="eval-budget" if outcome.budget else "eval-error",
        related_information=related or None,
    )


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
                self.server, f"Evaluating {name}", self.server.live.evaluate_file(doc)
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


# ---------------------------------------------------------------- targets


def span_of_range(doc: OpenDocument, r: types.Range) -> tuple[int, int]:
    """Byte span of a selection, without surrounding whitespace."""
    return trimmed(doc.source, doc.offset_at(r.start), doc.offset_at(r.end))


def _parse_spec(server: NixServer, args: tuple[Any, ...]) -> tuple[OpenDocument, tuple[int, int]]:
    if len(args) != 1 or not isinstance(args[0], dict) or not isinstance(args[0].get("uri"), str):
        raise JsonRpcInvalidParams(
            f"{EVALUATE} expects one argument {{uri, range}} or {{uri, position}}"
        )
    spec = args[0]
    doc = server.document(spec["uri"])
    if doc is None:
        raise JsonRpcInvalidParams(f"{spec['uri']} is not open")
    converter = CONVERTER
    try:
        if spec.get("range") is not None:
            r = converter.structure(spec["range"], types.Range)
            span = span_of_range(doc, r)
            if span[0] == span[1]:
                return doc, _position_target(doc, r.start)
            return doc, span
        if spec.get("position") is not None:
            p = converter.structure(spec["position"], types.Position)
            return doc, _position_target(doc, p)
    except JsonRpcException:
        raise
    except Exception as exc:
        raise JsonRpcInvalidParams(f"{EVALUATE}: bad range or position: {exc}") from None
    raise JsonRpcInvalidParams(f"{EVALUATE} needs a range or a position")


def _position_target(doc: OpenDocument, p: types.Position) -> tuple[int, int]:
    span = expression_at(doc, doc.offset_at(p))
    if span is None:
        raise JsonRpcException("no expression to evaluate here", code=-32803)
    return span


# ---------------------------------------------------------------- lenses


# ---------------------------------------------------------------- inlay hints


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

    def add(self, doc: OpenDocument, offset: int, outcome: Outcome) -> None:
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

    async def hints(self, doc: OpenDocument, r: types.Range) -> list[types.InlayHint]:
        """The hints to show in ``r``."""
        lo, hi = doc.offset_at(r.start), doc.offset_at(r.end)
        out = [
            _hint(doc, s.offset, s.label)
            for s in self.shown.get(doc.uri, [])
            if s.generation == doc.generation and lo <= s.offset <= hi
        ]
        if self.server.settings.inlay_hints.values and self.server.settings.eval.enable:
            out += await self.binding_hints(doc, lo, hi)
        return out

    async def binding_hints(self, doc: OpenDocument, lo: int, hi: int) -> list[types.InlayHint]:
        """Values of the let bindings in ``[lo, hi]``, as far as known within the wait."""
        wanted: list[tuple[int, tuple[int, int]]] = []
        for binding in doc.analysis.resolved.all_bindings:
            if binding.value is None or binding.kind.value != "let":
                continue
            if not (lo <= binding.name_span[0] <= hi):
                continue
            node = binding.node
            wanted.append((node.end, (binding.value.start, binding.value.end)))
        missing = []
        for _, span in wanted:
            key = (doc.uri, doc.generation, span)
            if key not in self.values and key not in self.pending:
                missing.append(span)
        if missing:
            tasks = [asyncio.ensure_future(self._compute(doc, span)) for span in missing]
            wait = max(0, self.server.settings.hover.wait_ms) / 1000
            await asyncio.wait(tasks, timeout=wait)
        out = []
        for end, span in wanted:
            outcome = self.values.get((doc.uri, doc.generation, span))
            if outcome is not None:
                out.append(_hint(doc, end, outcome_inline(outcome)))
        return out

    async def _compute(self, doc: OpenDocument, span: tuple[int, int]) -> None:
        key = (doc.uri, doc.generation, span)
        self.pending.add(key)
        try:
            outcome = await self.server.live.evaluate_span(doc, span)
        except asyncio.CancelledError:
            return
        finally:
            self.pending.discard(key)
        current = self.server.document(doc.uri)
        if current is doc and doc.generation == key[1] and not outcome.cancelled:
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


def _hint(doc: OpenDocument, offset: int, label: str) -> types.InlayHint:
    if len(label) > 120:
        label = label[:119] + "…"
    return types.InlayHint(
        position=position_at(doc, offset),
        label=label,
        padding_left=True,
    )


# ---------------------------------------------------------------- registration


def _subscribe(server: NixServer, files: FileEvaluations, hints: Hints) -> None:
    """Start, cancel and forget evaluations as documents and settings change."""

    def opened(doc: OpenDocument) -> None:
        server.live.warm_up()
        notice = server.live.project.notice(server.settings.eval, server.files.roots)
        if notice is not None:
            server.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=notice)
            )
        if files.mode() is not EvalDiagnostics.OFF:
            files.start(doc)

    def start_dependents(doc: OpenDocument) -> None:
        # Open files whose evaluation read this one (it changed): evaluate them again.
        # Those still evaluating may have read its old text too (their reads are not known yet).
        running = [uri for uri, task in files.tasks.items() if not task.done()]
        for uri in sorted({*running, *(server.live.dependents(doc.path) if doc.path else [])}):
            other = server.document(uri)
            if other is not None and other is not doc:
                files.start(other)

    def changed(doc: OpenDocument) -> None:
        server.live.cancel(doc.uri)
        files.stop(doc.uri)
        hints.forget(doc.uri)

    def refreshed(doc: OpenDocument) -> None:
        # After the (debounced) static diagnostics of an edit.
        if files.mode() is EvalDiagnostics.ON_TYPE:
            files.start(doc)
            start_dependents(doc)

    def saved(doc: OpenDocument) -> None:
        if doc.path:
            server.live.project.references.changed([doc.path])
        if files.mode() is not EvalDiagnostics.OFF:
            files.start(doc)
            start_dependents(doc)

    def closed(uri: str) -> None:
        server.live.project.dependents.forget(uri)
        server.live.cancel(uri)
        files.stop(uri)
        hints.forget(uri)

    def files_changed(paths: list[str]) -> None:
        server.live.project.references.changed(paths)
        # An imported file changed: evaluation results may differ now.
        if files.mode() is EvalDiagnostics.OFF:
            return
        for doc in list(server.files.documents.values()):
            if doc.path not in paths:
                files.start(doc)

    def settings_changed() -> None:
        server.live.warm_up()  # from `initialize` on, before the first file opens
        for doc in list(server.files.documents.values()):
            server.live.cancel(doc.uri)
            files.stop(doc.uri)
            server.publisher.drop_evaluated(doc.uri)
            if files.mode() is not EvalDiagnostics.OFF:
                files.start(doc)
        hints.values.clear()
        hints.refresh()
        caps = server.client_capabilities.workspace
        if caps is not None and caps.code_lens is not None and caps.code_lens.refresh_support:
            future = server.workspace_code_lens_refresh(None)
            future.add_done_callback(lambda f: f.exception() if not f.cancelled() else None)

    server.on_open.append(opened)
    server.on_change.append(changed)
    server.on_save.append(saved)
    server.on_close.append(closed)
    server.on_settings.append(settings_changed)
    server.on_files_changed.append(files_changed)
    server.publisher.after_refresh.append(refreshed)


def register(server: NixServer) -> None:
    """Add the evaluation features to ``server``."""
    server.live = LiveEvaluator(server)
    files = FileEvaluations(server)
    hints = Hints(server)
    _subscribe(server, files, hints)

    @server.command(EVALUATE)
    async def evaluate_command(ls: NixServer, *args: Any) -> dict[str, Any]:
        doc, span = _parse_spec(ls, args)
        if not ls.settings.eval.enable:
            return outcome_json(Outcome(error="evaluation is disabled (nixls.eval.enable)"))
        generation = doc.generation
        try:
            outcome = await with_progress(ls, "Evaluating", ls.live.evaluate_span(doc, span))
        except asyncio.CancelledError:
            raise
        if outcome.cancelled and doc.generation != generation:
            raise JsonRpcException("the document changed during evaluation", code=CONTENT_MODIFIED)
        if doc.generation == generation and ls.document(doc.uri) is doc:
            hints.add(doc, span[1], outcome)
        return outcome_json(outcome)

    @server.command(ENV)
    def env_command(ls: NixServer, *args: Any) -> dict[str, Any]:
        found = ls.live.project.discovery(ls.settings.eval, ls.files.roots)
        return {**as_json(found), "text": as_text(found)}

    @server.command(STATUS)
    def status_command(ls: NixServer, *args: Any) -> dict[str, Any]:
        return {
            "runningEvaluations": ls.live.jobs.active,
            "openDocuments": len(ls.files.documents),
        }

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: NixServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None or not ls.settings.code_lens.evaluate or not ls.settings.eval.enable:
            return None
        lenses = []
        for target in Snapshot(doc, doc.generation).targets():
            r = range_of(doc, *target.span)
            lenses.append(
                types.CodeLens(
                    range=range_of(doc, target.shown[0], target.shown[0]),
                    command=types.Command(
                        title="Evaluate",
                        command=EVALUATE,
                        arguments=[{"uri": doc.uri, "range": CONVERTER.unstructure(r)}],
                    ),
                )
            )
        return lenses

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    async def inlay_hint(
        ls: NixServer, params: types.InlayHintParams
    ) -> list[types.InlayHint] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        return await hints.hints(doc, params.range)
