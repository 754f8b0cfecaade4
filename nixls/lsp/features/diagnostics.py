"""Static diagnostics: syntax errors and the compiler's findings, published after edits.

The compiler reports syntax errors too (code ``syntax-error``), so one list
covers both. Codes listed in ``nixls.diagnostics.ignored`` are dropped,
``diagnostics.severity`` and ``diagnostics.exclude`` apply (also from nixls.toml).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from lsprotocol import types

from evaluator.compiler.diagnostics import Diagnostic, Severity, Tag
from nixls.ide.flake import features as flake
from nixls.ide.flake.lock import read_under
from nixls.ide.host import Snapshot
from nixls.lsp.convert import range_of
from nixls.project_config import adjust, is_excluded

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer

SOURCE = "nixls"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}

_TAG = {
    Tag.UNNECESSARY: types.DiagnosticTag.Unnecessary,
    Tag.DEPRECATED: types.DiagnosticTag.Deprecated,
}


def to_lsp(doc: OpenDocument, diag: Diagnostic) -> types.Diagnostic:
    """An LSP diagnostic for a compiler diagnostic of ``doc``."""
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=doc.uri, range=range_of(doc, r.start, r.end)),
            message=r.message,
        )
        for r in diag.related
    ]
    return types.Diagnostic(
        range=range_of(doc, diag.start, diag.end),
        message=diag.message,
        severity=_SEVERITY[diag.severity],
        code=diag.code,
        source=SOURCE,
        tags=[_TAG[t] for t in diag.tags] or None,
        related_information=related or None,
    )


def static_diagnostics(server: NixServer, doc: OpenDocument) -> list[types.Diagnostic]:
    """The document's syntax and compiler diagnostics, minus ignored codes
    and excluded files, with the configured severities."""
    cfg = server.settings.diagnostics
    if doc.path is not None and is_excluded(doc.path, cfg.exclude):
        return []
    found = Snapshot(doc, doc.generation).diagnostics()
    with server.reading(doc) as reader:  # a flake.nix: its inputs and flake.lock
        found += flake.diagnostics(doc, read_under(reader.io))
    return [to_lsp(doc, d) for d in adjust(found, cfg.ignored, cfg.severity)]


def register(server: NixServer) -> None:
    """Publish static diagnostics on open and (debounced) after each change."""
    server.publisher.static_provider = lambda doc: static_diagnostics(server, doc)

    def opened(doc: OpenDocument) -> None:
        server.publisher.refresh(doc.uri)

    def changed(doc: OpenDocument) -> None:
        server.publisher.drop_evaluated(doc.uri)
        server.publisher.schedule(doc)

    def settings_changed() -> None:
        for uri in list(server.files.documents):
            server.publisher.refresh(uri)

    def files_changed(paths: list[str]) -> None:
        # A flake.lock written by `nix flake lock`: its flake.nix's checks change.
        dirs = {os.path.dirname(p) for p in paths if os.path.basename(p) == "flake.lock"}
        for uri, doc in list(server.files.documents.items()):
            if doc.path is not None and os.path.dirname(doc.path) in dirs:
                server.publisher.refresh(uri)

    server.on_open.append(opened)
    server.on_change.append(changed)
    server.on_close.append(server.publisher.clear)
    server.on_settings.append(settings_changed)
    server.on_files_changed.append(files_changed)
