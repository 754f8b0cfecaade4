"""Semantic tokens (full and range): the host's classes, in the LSP's relative encoding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.ide.tokens import TOKEN_MODIFIERS, TOKEN_TYPES, classify

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer

LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)


def encode(
    doc: OpenDocument, tokens: list[tuple[int, int, int, int]], lo: int = 0, hi: int | None = None
) -> list[int]:
    """The LSP's relative encoding; tokens split at line ends, overlaps dropped."""
    hi = len(doc.source) if hi is None else hi
    tokens.sort(key=lambda t: (t[0], -t[1]))
    data: list[int] = []
    prev_line = prev_char = 0
    last_end = -1
    source = doc.source
    for start, end, ttype, mods in tokens:
        if start < last_end or end <= lo or start >= hi:
            continue
        last_end = end
        pos = start
        while pos < end:
            nl = source.find(b"\n", pos, end)
            piece_end = end if nl == -1 else nl
            if piece_end > pos:
                line, char = doc.line_char(pos)
                _, end_char = doc.line_char(piece_end)
                delta_line = line - prev_line
                delta_char = char - prev_char if delta_line == 0 else char
                data += [delta_line, delta_char, end_char - char, ttype, mods]
                prev_line, prev_char = line, char
            pos = piece_end + 1 if nl != -1 else end
    return data


async def semantic_tokens(
    server: NixServer, doc: OpenDocument, lo: int = 0, hi: int | None = None
) -> list[int]:
    """Encoded semantic tokens of ``doc`` (optionally of a byte range), off the loop."""
    cache = doc.cache
    raw = cache.get("semantic")
    if raw is None:
        tokens, comments = await server.lexed(doc)
        raw = cache["semantic"] = await server.off_loop(
            doc, lambda: classify(doc, tokens, comments)
        )
    found: list[tuple[int, int, int, int]] = raw
    return await server.off_loop(doc, lambda: encode(doc, list(found), lo, hi))


def register(server: NixServer) -> None:
    """Add semantic tokens (full and range) to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        types.SemanticTokensRegistrationOptions(legend=LEGEND, full=True, range=True),
    )
    async def full(
        ls: NixServer, params: types.SemanticTokensParams
    ) -> types.SemanticTokens | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        return types.SemanticTokens(data=await semantic_tokens(ls, doc))

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
    async def ranged(
        ls: NixServer, params: types.SemanticTokensRangeParams
    ) -> types.SemanticTokens | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        lo, hi = doc.offset_at(params.range.start), doc.offset_at(params.range.end)
        return types.SemanticTokens(data=await semantic_tokens(ls, doc, lo, hi))
