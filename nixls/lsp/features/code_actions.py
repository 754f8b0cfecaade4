"""Quick fixes for the compiler's "unused" diagnostics (:mod:`nixls.ide.actions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.lsp.convert_outline import code_action

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer


def register(server: NixServer) -> None:
    """Add the quick fixes to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def on_code_action(
        ls: NixServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        doc = snap.document
        lo, hi = doc.offset_at(params.range.start), doc.offset_at(params.range.end)
        return [code_action(doc, fix) for fix in snap.quick_fixes(lo, hi)]
