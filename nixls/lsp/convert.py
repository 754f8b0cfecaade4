"""Conversions between LSP types and the analysis host's plain data.

The host speaks byte offsets and spans; the LSP speaks (line, character)
positions in the negotiated encoding. Every conversion between the two
lives here: positions and ranges, locations, diagnostics (static and
evaluated), hovers, completion items, and the rendering of evaluation
outcomes (hover markdown, inlay hint labels, the `nixls.evaluate` JSON
answer). The outline, folding, selection, quick fixes and semantic tokens
are in :mod:`nixls.lsp.convert_outline`.
"""

from __future__ import annotations

import functools
from typing import Any

from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter

from evaluator.compiler.diagnostics import Diagnostic, Severity, Tag
from nixls.ide import value_completion
from nixls.ide.completion import Item, ItemKind
from nixls.ide.live import Outcome
from nixls.ide.navigation import Location
from nixls.ide.value_completion import ItemDoc
from nixls.ide.workspace import Unit


class RawJSON:
    """An answer already in JSON form, sent as it is by :func:`protocol_converter`'s
    converter (a large answer, such as an outline, skips lsprotocol and cattrs)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def protocol_converter() -> Converter:
    """The server protocol's converter: pygls's, plus :class:`RawJSON` sent as is."""
    converter = default_converter()
    converter.register_unstructure_hook(RawJSON, lambda raw: raw.value)
    return converter


# Structures and unstructures LSP types (command arguments are plain JSON).
CONVERTER = default_converter()
SOURCE = "nixls"  # static diagnostics
EVAL_SOURCE = "nixls-eval"  # evaluation diagnostics


def position_at(unit: Unit, offset: int) -> types.Position:
    """LSP position of a byte offset of ``unit``."""
    line, character = unit.line_char(offset)
    return types.Position(line=line, character=character)


def range_of(unit: Unit, start: int, end: int) -> types.Range:
    """LSP range of a byte span of ``unit``."""
    return types.Range(start=position_at(unit, start), end=position_at(unit, end))


def location(loc: Location) -> types.Location:
    """An LSP location (a file's start when the host gives no unit)."""
    if loc.unit is None:
        zero = types.Position(line=0, character=0)
        return types.Location(uri=loc.uri, range=types.Range(start=zero, end=zero))
    return types.Location(uri=loc.uri, range=range_of(loc.unit, *loc.span))


def locations(unit: Unit, spans: list[tuple[int, int]]) -> list[types.Location]:
    """LSP locations of spans of ``unit``."""
    return [types.Location(uri=unit.uri, range=range_of(unit, *s)) for s in spans]


def edits(unit: Unit, spans: list[tuple[int, int]], text: str) -> types.WorkspaceEdit:
    """One edit of ``unit`` replacing each span with ``text``."""
    return types.WorkspaceEdit(
        changes={unit.uri: [types.TextEdit(range=range_of(unit, *s), new_text=text) for s in spans]}
    )


# ---------------------------------------------------------------- diagnostics

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}

_TAG = {
    Tag.UNNECESSARY: types.DiagnosticTag.Unnecessary,
    Tag.DEPRECATED: types.DiagnosticTag.Deprecated,
}


def diagnostic(unit: Unit, diag: Diagnostic) -> types.Diagnostic:
    """An LSP diagnostic for a compiler diagnostic of ``unit``."""
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=unit.uri, range=range_of(unit, r.start, r.end)),
            message=r.message,
        )
        for r in diag.related
    ]
    return types.Diagnostic(
        range=range_of(unit, diag.start, diag.end),
        message=diag.message,
        severity=_SEVERITY[diag.severity],
        code=diag.code,
        source=SOURCE,
        tags=[_TAG[t] for t in diag.tags] or None,
        related_information=related or None,
    )


def eval_diagnostics(unit: Unit, outcome: Outcome) -> list[types.Diagnostic]:
    """Diagnostics for a whole-file evaluation (none when it succeeded)."""
    if outcome.cancelled:
        return []
    return [d for one in [outcome, *outcome.more_errors] if (d := _eval_diagnostic(unit, one))]


def _eval_diagnostic(unit: Unit, outcome: Outcome) -> types.Diagnostic | None:
    if outcome.error is None or outcome.unknown is not None:
        return None
    if outcome.error_at is not None:
        start, end = outcome.error_at
    else:
        root = unit.parse_result.root
        start, end = root.start, root.start
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=unit.uri, range=range_of(unit, step.start, step.end)),
            message=step.message,
        )
        for step in outcome.trace
        if (step.start, step.end) != (start, end)
    ]
    return types.Diagnostic(
        range=range_of(unit, start, end),
        message=outcome.error,
        severity=types.DiagnosticSeverity.Warning
        if outcome.budget
        else types.DiagnosticSeverity.Error,
        source=EVAL_SOURCE,
        code="eval-budget" if outcome.budget else "eval-error",
        related_information=related or None,
    )


# ---------------------------------------------------------------- hover and completion


def hover(unit: Unit, span: tuple[int, int], paragraphs: list[str]) -> types.Hover:
    """A markdown hover over ``span``."""
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(paragraphs)),
        range=range_of(unit, *span),
    )


_ITEM_KIND = {
    ItemKind.VARIABLE: types.CompletionItemKind.Variable,
    ItemKind.FIELD: types.CompletionItemKind.Field,
    ItemKind.FUNCTION: types.CompletionItemKind.Function,
    ItemKind.CONSTANT: types.CompletionItemKind.Constant,
    ItemKind.KEYWORD: types.CompletionItemKind.Keyword,
    ItemKind.PROPERTY: types.CompletionItemKind.Property,
    ItemKind.FILE: types.CompletionItemKind.File,
    ItemKind.FOLDER: types.CompletionItemKind.Folder,
    ItemKind.MODULE: types.CompletionItemKind.Module,
}


def completion_item(unit: Unit, item: Item) -> types.CompletionItem:
    """An LSP completion item (a text edit when the item replaces a span)."""
    if item.edit_span is None:
        if item.resolve is not None:
            return _completion_item(item, item.insert_text, None)
        return _plain_item(item)
    edit = types.TextEdit(
        range=range_of(unit, *item.edit_span), new_text=item.insert_text or item.label
    )
    return _completion_item(item, None, edit)


@functools.lru_cache(maxsize=4096)
def _plain_item(item: Item) -> types.CompletionItem:
    # Items without a span do not depend on the text (builtins, keywords,
    # names): building their LSP form once is most of completion's time.
    return _completion_item(item, item.insert_text, None)


def _completion_item(
    item: Item, insert: str | None, edit: types.TextEdit | None
) -> types.CompletionItem:
    docs = item.documentation
    return types.CompletionItem(
        label=item.label,
        kind=_ITEM_KIND[item.kind],
        detail=item.detail,
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=docs)
        if docs is not None
        else None,
        insert_text=insert,
        text_edit=edit,
        sort_text=item.sort_text,
        data=value_completion.item_data(*item.resolve) if item.resolve is not None else None,
    )


# Item kinds of resolved attributes, by what their value is (nixls.ide.value_nav.kind_of).
_VALUE_KIND = {
    "function": types.CompletionItemKind.Function,
    "builtin": types.CompletionItemKind.Function,
    "set": types.CompletionItemKind.Module,
    "derivation": types.CompletionItemKind.Class,
}


def resolved_item(item: types.CompletionItem, found: ItemDoc | None) -> types.CompletionItem:
    """``item`` with the kind, detail and documentation resolving found."""
    if found is not None:
        item.kind = _VALUE_KIND.get(found.kind or "", item.kind)
        item.detail = found.detail or item.detail
        if found.documentation:
            item.documentation = types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=found.documentation
            )
    return item


# ---------------------------------------------------------------- evaluation outcomes


def outcome_markdown(outcome: Outcome | None) -> str:
    """The value paragraph of a hover (None: the value was not ready in time)."""
    if outcome is None:
        return "*value: still evaluating (gave up waiting)*"
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


def inlay_hint(unit: Unit, offset: int, label: str) -> types.InlayHint:
    """An inlay hint after ``offset`` (long labels cut)."""
    if len(label) > 120:
        label = label[:119] + "…"
    return types.InlayHint(position=position_at(unit, offset), label=label, padding_left=True)


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"
