"""Completion (:mod:`nixls.ide.completion`): names in scope, builtins,
attributes after `.`, formals, file paths."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.ide import completion
from nixls.lsp import convert
from nixls.lsp.features import options

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer


def register(server: NixServer) -> None:
    """Add completion to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[".", "/"], resolve_provider=True),
    )
    async def on_completion(
        ls: NixServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        doc = snap.document
        offset = doc.offset_at(params.position)
        option_items = await options.completion_items(ls, doc, offset)  # option names
        if option_items is not None:
            return types.CompletionList(is_incomplete=False, items=option_items)
        with ls.reading(snap) as reader:
            items = await snap.completions(offset, reader)
        # Narrowed here to what the typed prefix matches, and capped: the
        # client asks again as the user types when the list is incomplete.
        shown, incomplete = completion.narrow(items, completion.typed_prefix(doc.source, offset))
        return types.CompletionList(
            is_incomplete=incomplete, items=[convert.completion_item(doc, i) for i in shown]
        )

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def on_resolve(ls: NixServer, item: types.CompletionItem) -> types.CompletionItem:
        if options.is_option_item(item):
            return await options.resolve_item(ls, item)
        return convert.resolved_item(item, await ls.host.resolve_item(item.data))
