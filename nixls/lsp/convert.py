"""Conversions between LSP types and the analysis host's plain data.

The host speaks byte offsets and spans; the LSP speaks (line, character)
positions in the negotiated encoding. Every conversion between the two
lives here, and so does the rendering of evaluation outcomes (hover
markdown, inlay hint labels, the `nixls.evaluate` JSON answer).
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter

from nixls.ide.live import Outcome
from nixls.ide.workspace import Unit

# Structures and unstructures LSP types (command arguments are plain JSON).
CONVERTER = default_converter()


def position_at(unit: Unit, offset: int) -> types.Position:
    """LSP position of a byte offset of ``unit``."""
    line, character = unit.line_char(offset)
    return types.Position(line=line, character=character)


def range_of(unit: Unit, start: int, end: int) -> types.Range:
    """LSP range of a byte span of ``unit``."""
    return types.Range(start=position_at(unit, start), end=position_at(unit, end))


def outcome_markdown(outcome: Outcome) -> str:
    """The value paragraph of a hover."""
    took = _duration(outcome.elapsed)
    if outcome.unknown is not None:
        return f"*value: depends on {outcome.unknown}, which is unknown here*"
    if outcome.cancelled:
        return "*value: evaluation cancelled*"
    if outcome.error is not None:
        return f"*value: error* ({took})\n```\n{outcome.error}\n```"
    return f"```nix\n{outcome.value}\n```\n*{outcome.type}* · {took}"


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """The JSON answer of the `nixls.evaluate` command."""
    error = outcome.error
    if outcome.unknown is not None:
        error = f"depends on {outcome.unknown}, which is unknown here"
    return {
        "value": outcome.value,
        "type": outcome.type,
        "error": error,
        "elapsedMs": round(outcome.elapsed * 1000, 3),
    }


def outcome_inline(outcome: Outcome) -> str:
    """A one-line form for inlay hints."""
    if outcome.unknown is not None:
        return "= ‹depends on an unknown argument›"
    if outcome.error is not None:
        return "= ‹error: " + outcome.error.splitlines()[0][:80] + "›"
    return "= " + (outcome.value or "")


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"
