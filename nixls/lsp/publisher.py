"""Debounced publishing of a document's diagnostics, static and evaluated.

Static diagnostics (syntax + compiler) are recomputed a moment after the
last edit; evaluation diagnostics arrive later from the background
evaluator. Both are merged into one ``publishDiagnostics`` per document.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer

log = logging.getLogger(__name__)

StaticProvider = Callable[["OpenDocument"], list[types.Diagnostic]]


class DiagnosticsPublisher:
    """Holds each document's current diagnostics and publishes them."""

    def __init__(self, server: NixServer) -> None:
        self._server = server
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self.static: dict[str, list[types.Diagnostic]] = {}
        self.evaluated: dict[str, list[types.Diagnostic]] = {}
        self.static_provider: StaticProvider = lambda _doc: []
        # Called after each static refresh (e.g. to evaluate while typing).
        self.after_refresh: list[Callable[[OpenDocument], None]] = []

    def schedule(self, doc: OpenDocument) -> None:
        """Recompute static diagnostics after the debounce delay (restarted by each edit)."""
        uri = doc.uri
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        delay = max(0, self._server.settings.diagnostics.debounce_ms) / 1000
        if delay == 0:
            self.refresh(uri)
            return
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(delay, self.refresh, uri)

    def refresh(self, uri: str) -> None:
        """Recompute static diagnostics of ``uri`` now and publish."""
        self._timers.pop(uri, None)
        doc = self._server.document(uri)
        if doc is None:
            return
        try:
            self.static[uri] = self.static_provider(doc)
        except Exception:
            log.exception("static diagnostics failed for %s", uri)
            self.static[uri] = []
        self.publish(uri)
        for listener in self.after_refresh:
            try:
                listener(doc)
            except Exception:
                log.exception("after-refresh listener failed for %s", uri)

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
