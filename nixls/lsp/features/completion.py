"""Completion (:mod:`nixls.ide.completion`): names in scope, builtins,
attributes after `.`, formals, file paths."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.ide import value_completion
from nixls.lsp import convert

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer


# Item kinds of resolved attributes, by what their value is (nixls.ide.value_nav.kind_of).
_VALUE_KIND = {
    "function": types.CompletionItemKind.Function,
    "builtin": types.CompletionItemKind.Function,
    "set": types.CompletionItemKind.Module,
    "derivation": types.CompletionItemKind.Class,
}


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
        with ls.reading(snap) as reader:
            items = await snap.completions(doc.offset_at(params.position), reader)
        return types.CompletionList(
            is_incomplete=False, items=[convert.completion_item(doc, i) for i in items]
        )

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def on_resolve(ls: NixServer, item: types.CompletionItem) -> types.CompletionItem:
        live = ls.host.live if ls.settings.eval.enable else None
        if live is None:
            return item
        found = await value_completion.resolve(live, item.data, ls.host.files.roots, ls.host.wait())
        if found is not None:
            item.kind = _VALUE_KIND.get(found.kind or "", item.kind)
            item.detail = found.detail or item.detail
            if found.documentation:
                item.documentation = types.MarkupContent(
                    kind=types.MarkupKind.Markdown, value=found.documentation
                )
        return item
