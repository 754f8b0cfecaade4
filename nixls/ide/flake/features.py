"""The flake features of one document, for the server: plain data in and out.

Each function takes a parsed file (a `Unit`: open document or a
completion's patched text) and a :data:`~nixls.ide.flake.lock.ReadFile`
(the server passes one that honours the document's read policy), and
answers None (or nothing) for any file that is not a `flake.nix`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.compiler.diagnostics import Diagnostic
from nixls.ide.flake import checks, queries
from nixls.ide.flake.lock import FlakeLock, ReadFile, read_lock
from nixls.ide.flake.model import FlakeModel
from nixls.ide.flake.outputs import model_of
from nixls.ide.flake.queries import InputItem

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit


@dataclass(frozen=True)
class InputHover:
    """Hover text for an input and the span of its name."""

    span: tuple[int, int]
    markdown: str
    # Whether the expression there is the input's value (a use, `inputs.x`), worth
    # evaluating; not at a declaration or a formal.
    is_value: bool


def _flake(unit: Unit, read: ReadFile) -> tuple[FlakeModel, FlakeLock] | None:
    model = model_of(unit)
    if model is None or unit.path is None:
        return None
    return model, read_lock(os.path.dirname(unit.path), read)


def hover(unit: Unit, offset: int, read: ReadFile) -> InputHover | None:
    """The input at ``offset``: its URL and what flake.lock locked."""
    found = _flake(unit, read)
    if found is None:
        return None
    model, lock = found
    at = queries.input_at(model, unit.analysis, offset)
    if at is None:
        return None
    markdown = queries.hover_markdown(model, lock, at.name)
    return InputHover(at.span, markdown, at.kind in ("use", "select"))


def definition(unit: Unit, offset: int, read: ReadFile) -> str | None:
    """The file of the input at ``offset``'s locked source, if it is on this machine.

    At its declaration, its formal and `inputs.x`; a formal's name used in
    the body is a local name (its definition is the formal, as for any name).
    """
    found = _flake(unit, read)
    if found is None:
        return None
    model, lock = found
    at = queries.input_at(model, unit.analysis, offset)
    if at is None or at.kind == "use":
        return None
    return queries.definition(model, lock, at.name)


def completion(unit: Unit, offset: int) -> list[InputItem] | None:
    """Input names to offer at ``offset`` of ``unit`` (None: not an input position)."""
    model = model_of(unit)
    if model is None:
        return None
    return queries.completion(model, unit.parse_result.root, offset)


def diagnostics(unit: Unit, read: ReadFile) -> list[Diagnostic]:
    """The flake's findings about its inputs and its lock file."""
    found = _flake(unit, read)
    if found is None:
        return []
    return checks.diagnostics(*found)
