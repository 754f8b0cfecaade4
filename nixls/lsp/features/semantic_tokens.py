"""Semantic tokens (full, full/delta and range): the host's classes, in the LSP's
relative encoding.

A full request after an edit lexes again only the part of the file around
the change (:func:`nixls.ide.tokens.classify_after`, from the previous full
answer's tokens); a delta request answers with the one edit that turns the
previous answer's data into the new one.
"""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from nixls.ide.tokens import (
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    Lexical,
    classify_after,
    classify_range,
    common_ends,
)
from nixls.lsp.convert import RawJSON
from nixls.lsp.convert_outline import semantic_tokens

if TYPE_CHECKING:
    from nixls.ide.host import Snapshot
    from nixls.lsp.server import NixServer

LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)


class _Answers:
    """The last full answer per document: its lexical tokens, id and data."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._last: dict[str, tuple[Lexical, str, list[int]]] = {}

    def full(self, snap: Snapshot) -> tuple[str, list[int]]:
        """(result id, data) of ``snap``'s whole text (cached per text). Runs on a worker."""
        cached = snap.cache.get("semantic-full")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        uri = snap.document.uri
        with self._lock:
            last = self._last.get(uri)
        found, lexed = classify_after(snap.document, last[0] if last is not None else None)
        snap.cache.setdefault("semantic", found)  # range requests of this text use them
        data = semantic_tokens(snap.document, found)
        result_id = str(next(self._ids))
        with self._lock:
            self._last[uri] = (lexed, result_id, data)
        snap.cache["semantic-full"] = (result_id, data)
        return result_id, data

    def previous(self, uri: str, result_id: str) -> list[int] | None:
        """The data of the answer ``result_id`` if it is the last one for ``uri``."""
        with self._lock:
            last = self._last.get(uri)
        return last[2] if last is not None and last[1] == result_id else None

    def forget_closed(self, ls: NixServer) -> None:
        """Drop what closed documents left (their last answer is never asked about again)."""
        with self._lock:
            for uri in [u for u in self._last if ls.document(u) is None]:
                del self._last[uri]


def delta(old: list[int], new: list[int]) -> dict[str, Any]:
    """The one ``SemanticTokensEdit`` (as JSON) that turns ``old`` into ``new``
    (their common head and tail kept)."""
    head, tail = common_ends(old, new)
    edited = new[head : len(new) - tail]
    return {"start": head, "deleteCount": len(old) - head - tail, "data": edited}


def register(server: NixServer) -> None:
    """Add semantic tokens (full, full/delta and range) to ``server``."""
    answers = _Answers()

    @server.feature(
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        types.SemanticTokensRegistrationOptions(
            legend=LEGEND, full=types.SemanticTokensFullDelta(delta=True), range=True
        ),
    )
    async def full(ls: NixServer, params: types.SemanticTokensParams) -> RawJSON | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        answers.forget_closed(ls)
        result_id, data = await ls.off_loop(snap, lambda: answers.full(snap))
        # As JSON directly: a large file's data are hundreds of thousands of numbers.
        return RawJSON({"resultId": result_id, "data": data})

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA)
    async def full_delta(ls: NixServer, params: types.SemanticTokensDeltaParams) -> RawJSON | None:
        uri = params.text_document.uri
        snap = ls.host.snapshot(uri)
        if snap is None:
            return None
        old = answers.previous(uri, params.previous_result_id)

        def answer() -> dict[str, Any]:
            result_id, data = answers.full(snap)
            if old is None:  # not the last answer: the whole data
                return {"resultId": result_id, "data": data}
            return {"resultId": result_id, "edits": [delta(old, data)]}

        return RawJSON(await ls.off_loop(snap, answer))

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
