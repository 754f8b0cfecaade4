"""Debounced publishing of a document's diagnostics, static and evaluated.

Static diagnostics (syntax + compiler) are recomputed a moment after the
last edit; evaluation diagnostics arrive later from the background
evaluator. Both are merged into one ``publishDiagnostics`` per document.
After each static refresh the server's evaluations are told (they may
evaluate the file while typing).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.lsp.features.diagnostics import static_diagnostics

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer

log = logging.getLogger(__name__)


class DiagnosticsPublisher:
    """Holds each document's current diagnostics and publishes them."""

    def __init__(self, server: NixServer) -> None:
        self._server = server
        self._timers: dict[str, asyncio.Handle] = {}
        self.static: dict[str, list[types.Diagnostic]] = {}
        self.evaluated: dict[str, list[types.Diagnostic]] = {}

    def schedule(self, doc: OpenDocument) -> None:
        """Recompute static diagnostics after the debounce delay (restarted by each edit)."""
        uri = doc.uri
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        delay = max(0, self._server.settings.diagnostics.debounce_ms) / 1000
        loop = asyncio.get_running_loop()
        # Even without a delay, not while messages wait: edits already
        # received are applied first, so a storm is analysed once (issue 17).
        self._timers[uri] = (
            loop.call_soon(self._when_idle, uri)
            if delay == 0
            else loop.call_later(delay, self.refresh, uri)
        )

    def _when_idle(self, uri: str) -> None:
        """Refresh once no received message waits (it may be another edit)."""
        if self._server.backlog() > 0:
            loop = asyncio.get_running_loop()
            self._timers[uri] = loop.call_soon(self._when_idle, uri)
            return
        self.refresh(uri)

    def refresh(self, uri: str) -> None:
        """Recompute static diagnostics of ``uri`` now and publish."""
        self._timers.pop(uri, None)
        server = self._server
        snap = server.host.snapshot(uri)
        if snap is None:
            return
        try:
            self.static[uri] = static_diagnostics(snap, server.settings.diagnostics)
        except Exception:
            log.exception("static diagnostics failed for %s", uri)
            self.static[uri] = []
        self.publish(uri)
        server.evaluations.after_static(snap.document)
        server.options.after_refresh(snap.document)  # option diagnostics, when ready

    def set_evaluated(self, uri: str, diagnostics: list[types.Diagnostic]) -> None:
        """Replace the evaluation diagnostics of ``uri`` and publish."""
        self.evaluated[uri] = diagnostics
        self.publish(uri)

    def drop_evaluated(self, uri: str) -> None:
        """Forget evaluation diagnostics (the text they point into changed)."""
        self.evaluated.pop(uri, None)

    def publish(self, uri: str) -> None:
        """Send the merged diagnostics of ``uri``."""
        doc = self._server.document(uri)
        merged = self.static.get(uri, []) + self.evaluated.get(uri, [])
        self._server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=merged, version=doc.version if doc else None
            )
        )

    def stop(self) -> None:
        """Cancel every pending refresh (the server is stopping)."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def clear(self, uri: str) -> None:
        """Forget ``uri`` entirely and clear its diagnostics in the client."""
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self.static.pop(uri, None)
        self.evaluated.pop(uri, None)
        self._server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
