"""Semantic tokens (full and range): the host's classes, in the LSP's relative encoding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.ide.tokens import TOKEN_MODIFIERS, TOKEN_TYPES, classify_range
from nixls.lsp.convert_outline import semantic_tokens

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer

LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)


def register(server: NixServer) -> None:
    """Add semantic tokens (full and range) to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        types.SemanticTokensRegistrationOptions(legend=LEGEND, full=True, range=True),
    )
    async def full(
        ls: NixServer, params: types.SemanticTokensParams
    ) -> types.SemanticTokens | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        data = await ls.off_loop(snap, lambda: semantic_tokens(snap.document, snap.tokens()))
        return types.SemanticTokens(data=data)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
    async def ranged(
        ls: NixServer, params: types.SemanticTokensRangeParams
    ) -> types.SemanticTokens | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        doc = snap.document
        lo, hi = doc.offset_at(params.range.start), doc.offset_at(params.range.end)

        def ranged() -> list[int]:
            # The range alone: in a large file, much less than the whole.
            found = snap.tokens() if "semantic" in snap.cache else classify_range(doc, lo, hi)
            return semantic_tokens(doc, found, lo, hi)

        return types.SemanticTokens(data=await ls.off_loop(snap, ranged))
