"""Evaluation features: code lenses, `nixls.evaluate`, `nixls.status`, inlay hints.

- Code lens "Evaluate" on the root expression and on each top-level binding.
- ``nixls.evaluate`` (``{uri, range}`` or ``{uri, position}``) returns
  ``{value, type, error}``; the result is shown as an inlay hint after the
  expression until the document changes.
- ``nixls.inlayHints.values``: the values of let bindings as inlay hints.
- ``nixls.status``: what the server is doing (evaluations running).
- ``nixls.env``: which nixpkgs was found, from where, what is missing
  (:mod:`nixls.ide.project.report`); when none is found the server says so
  once, naming the setting that fixes it.

Whole-file evaluation diagnostics and the hints' state live in
:mod:`nixls.lsp.evaluations`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from nixls.ide.host import Snapshot
from nixls.ide.live import Outcome
from nixls.ide.project.report import as_json, as_text
from nixls.ide.targets import trimmed
from nixls.lsp.convert import CONVERTER, outcome_json, range_of
from nixls.lsp.evaluations import with_progress
from nixls.lsp.server import NixServer  # at run time: pygls reads command annotations

EVALUATE = "nixls.evaluate"
STATUS = "nixls.status"
ENV = "nixls.env"
CONTENT_MODIFIED = -32801


def _parse_spec(server: NixServer, args: tuple[Any, ...]) -> tuple[Snapshot, tuple[int, int]]:
    """The snapshot and span a `nixls.evaluate` request names."""
    if len(args) != 1 or not isinstance(args[0], dict) or not isinstance(args[0].get("uri"), str):
        raise JsonRpcInvalidParams(
            f"{EVALUATE} expects one argument {{uri, range}} or {{uri, position}}"
        )
    spec = args[0]
    snap = server.host.snapshot(spec["uri"])
    if snap is None:
        raise JsonRpcInvalidParams(f"{spec['uri']} is not open")
    doc = snap.document
    try:
        if spec.get("range") is not None:
            r = CONVERTER.structure(spec["range"], types.Range)
            span = trimmed(doc.source, doc.offset_at(r.start), doc.offset_at(r.end))
            if span[0] == span[1]:
                return snap, _position_target(snap, doc.offset_at(r.start))
            return snap, span
        if spec.get("position") is not None:
            p = CONVERTER.structure(spec["position"], types.Position)
            return snap, _position_target(snap, doc.offset_at(p))
    except JsonRpcException:
        raise
    except Exception as exc:
        raise JsonRpcInvalidParams(f"{EVALUATE}: bad range or position: {exc}") from None
    raise JsonRpcInvalidParams(f"{EVALUATE} needs a range or a position")


def _position_target(snap: Snapshot, offset: int) -> tuple[int, int]:
    span = snap.expression_at(offset)
    if span is None:
        raise JsonRpcException("no expression to evaluate here", code=-32803)
    return span


def register(server: NixServer) -> None:
    """Add the evaluation features to ``server``."""

    @server.command(EVALUATE)
    async def evaluate_command(ls: NixServer, *args: Any) -> dict[str, Any]:
        snap, span = _parse_spec(ls, args)
        if not ls.settings.eval.enable:
            return outcome_json(Outcome(error="evaluation is disabled (nixls.eval.enable)"))
        doc = snap.document
        try:
            outcome = await with_progress(ls, "Evaluating", ls.host.live.evaluate_span(doc, span))
        except asyncio.CancelledError:
            raise
        if outcome.cancelled and not snap.current:
            raise JsonRpcException("the document changed during evaluation", code=CONTENT_MODIFIED)
        if snap.current:
            ls.evaluations.hints.add(doc, span[1], outcome)
        return outcome_json(outcome)

    @server.command(ENV)
    def env_command(ls: NixServer, *args: Any) -> dict[str, Any]:
        found = ls.host.live.project.discovery(ls.settings.eval, ls.files.roots)
        return {**as_json(found), "text": as_text(found)}

    @server.command(STATUS)
    def status_command(ls: NixServer, *args: Any) -> dict[str, Any]:
        return {
            "runningEvaluations": ls.host.live.jobs.active,
            "openDocuments": len(ls.files.documents),
            # Edits that took the tree back from an older snapshot still
            # referenced (which then parses its own text; see ide/workspace.py).
            "evictions": sum(d.evictions for d in ls.files.documents.values()),
        }

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: NixServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None or not ls.settings.code_lens.evaluate or not ls.settings.eval.enable:
            return None
        doc = snap.document
        lenses = []
        for target in snap.targets():
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
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        doc = snap.document
        lo, hi = doc.offset_at(params.range.start), doc.offset_at(params.range.end)
        return await ls.evaluations.hints.hints(snap, lo, hi)
