"""Plain-data edits as the IDE layer takes them (the shape of an LSP
``TextDocumentContentChangeEvent``, without lsprotocol)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Pos:
    line: int
    character: int


@dataclass
class Range:
    start: Pos
    end: Pos


@dataclass
class Edit:
    range: Range
    text: str
