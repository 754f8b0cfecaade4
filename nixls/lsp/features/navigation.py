"""Go to definition (:mod:`nixls.ide.navigation`), find references, document
highlight, rename (:mod:`nixls.ide.rename`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from nixls.ide.rename import Access, RenameRefused
from nixls.lsp import convert

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer

REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed
_ACCESS = {
    Access.READ: types.DocumentHighlightKind.Read,
    Access.WRITE: types.DocumentHighlightKind.Write,
}


def refused(exc: RenameRefused) -> JsonRpcException:
    """The LSP error for a rename the host refuses (the reason shown to the user)."""
    return JsonRpcException(exc.message, code=REQUEST_FAILED)


def register(server: NixServer) -> None:
    """Add the navigation features to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def on_definition(
        ls: NixServer, params: types.DefinitionParams
    ) -> list[types.Location] | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        with ls.reading(snap) as reader:
            found = await snap.definitions(snap.document.offset_at(params.position), reader)
        return [convert.location(loc) for loc in found] or None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def on_references(ls: NixServer, params: types.ReferenceParams) -> list[types.Location] | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        offset = snap.document.offset_at(params.position)
        spans = snap.references(offset, params.context.include_declaration)
        return convert.locations(snap.document, spans)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def on_highlight(
        ls: NixServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight] | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        doc = snap.document
        return [
            types.DocumentHighlight(range=convert.range_of(doc, *span), kind=_ACCESS[access])
            for span, access in snap.highlights(doc.offset_at(params.position))
        ] or None

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def on_prepare_rename(
        ls: NixServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        doc = snap.document
        try:
            span, name = snap.rename_target(doc.offset_at(params.position))
        except RenameRefused as exc:
            raise refused(exc) from None
        return types.PrepareRenamePlaceholder(range=convert.range_of(doc, *span), placeholder=name)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def on_rename(ls: NixServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        try:
            spans = snap.rename(snap.document.offset_at(params.position), params.new_name)
        except RenameRefused as exc:
            raise refused(exc) from None
        return convert.edits(snap.document, spans, params.new_name)
