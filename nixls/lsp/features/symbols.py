"""Document symbols, folding and selection ranges (:mod:`nixls.ide.symbols`),
computed off the loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from evaluator.vm.gc_tuning import FRONT_END_GC
from nixls.lsp import convert_outline
from nixls.lsp.convert import RawJSON

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer


def register(server: NixServer) -> None:
    """Add the symbol features to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def on_document_symbol(
        ls: NixServer, params: types.DocumentSymbolParams
    ) -> RawJSON | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        doc = snap.document

        def outline() -> RawJSON:
            with FRONT_END_GC:  # thousands of objects, no garbage: no collections
                return convert_outline.document_symbols(doc, snap.symbols())

        return await ls.off_loop(snap, outline)

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    async def on_folding_range(
        ls: NixServer, params: types.FoldingRangeParams
    ) -> list[types.FoldingRange] | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return await ls.off_loop(snap, lambda: convert_outline.folding_ranges(snap.folds()))

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    def on_selection_range(
        ls: NixServer, params: types.SelectionRangeParams
    ) -> list[types.SelectionRange] | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        doc = snap.document
        return [
            convert_outline.selection_range(doc, snap.selection(doc.offset_at(p)), p)
            for p in params.positions
        ]
