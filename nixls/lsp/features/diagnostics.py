"""Static diagnostics: syntax errors and the compiler's findings.

The compiler reports syntax errors too (code ``syntax-error``), so one list
covers both. Codes listed in ``nixls.diagnostics.ignored`` are dropped,
``diagnostics.severity`` and ``diagnostics.exclude`` apply (also from
nixls.toml). :mod:`nixls.lsp.publisher` calls :func:`static_diagnostics`
(debounced after edits) and publishes the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.lsp.convert import diagnostic
from nixls.project_config import adjust, is_excluded

if TYPE_CHECKING:
    from nixls.ide.host import Snapshot
    from nixls.settings import DiagnosticsSettings


def static_diagnostics(snap: Snapshot, cfg: DiagnosticsSettings) -> list[types.Diagnostic]:
    """The document's syntax and compiler diagnostics, minus ignored codes
    and excluded files, with the configured severities."""
    doc = snap.document
    if doc.path is not None and is_excluded(doc.path, cfg.exclude):
        return []
    return [diagnostic(doc, d) for d in adjust(snap.diagnostics(), cfg.ignored, cfg.severity)]
