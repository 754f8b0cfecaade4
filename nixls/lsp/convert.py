"""Conversions between LSP types and the analysis host's plain data.

The host speaks byte offsets and spans; the LSP speaks (line, character)
positions in the negotiated encoding. Every conversion between the two
lives here.
"""

from __future__ import annotations

from lsprotocol import types

from nixls.ide.workspace import Unit


def position_at(unit: Unit, offset: int) -> types.Position:
    """LSP position of a byte offset of ``unit``."""
    line, character = unit.line_char(offset)
    return types.Position(line=line, character=character)


def range_of(unit: Unit, start: int, end: int) -> types.Range:
    """LSP range of a byte span of ``unit``."""
    return types.Range(start=position_at(unit, start), end=position_at(unit, end))
