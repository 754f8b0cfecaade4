"""Hover: the host's description (:mod:`nixls.ide.hover`) and, within
``nixls.hover.waitMs``, the live value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.lsp import convert
from nixls.lsp.features import options
from nixls.lsp.server import content_modified

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer


def register(server: NixServer) -> None:
    """Add hover to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: NixServer, params: types.HoverParams) -> types.Hover | None:
        snap = ls.host.snapshot(params.text_document.uri)
        if snap is None:
            return None
        offset = snap.document.offset_at(params.position)
        option = await options.hover(ls, snap.document, offset)  # an option path
        if option is not None:
            return option
        with ls.reading(snap) as reader:
            info = snap.hover(offset, reader)
        if info is None:
            return None
        parts = list(info.markdown)
        if info.expr is not None and snap.evaluator is not None and ls.settings.hover.values:
            outcome = await snap.value_within(info.expr)
            if outcome is not None and outcome.cancelled and not snap.current:
                raise content_modified()  # an edit stopped the evaluation: no value to show
            parts.append(convert.outcome_markdown(outcome))
            docs = await snap.value_docs(offset)
            if docs:
                parts.append(docs)
        return convert.hover(snap.document, info.span, parts)
