"""Evaluation errors printed as C++ Nix 2.26 prints them.

The layout (what ``nix-instantiate`` writes on stderr)::

    error:
           … while calling the 'abort' builtin
             at FILE:LINE:COL:
                1| the source line
                 |   ^
                2| the next line

           error: the message
           at FILE:LINE:COL:        (when the error itself has a position)
                ...

Trace entries come outermost first. Repeated entries are folded as Nix
folds them: a run of more than five entries already printed becomes
``(N duplicate frames omitted)``. Without ``--show-trace`` the entries that
only ``--show-trace`` collects (function calls) are left out, and the trace is
cut as Nix 2.26 cuts it: an entry counts one, two with a position, and once
more than three have been counted only ``addErrorContext``'s entries are
printed, followed by the "stack trace truncated" line. An error without trace
entries starts ``error: MESSAGE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evaluator.vm.errors import NixError
from evaluator.vm.frames import SourceText

Span = tuple[Any, int, int]
# Without --show-trace, the trace is cut once more than this much has been
# counted (an entry counts one, two with a position: Nix's weights).
BRIEF_BUDGET = 3
# Runs of already-printed entries up to this length are printed again in full.
MAX_REPEATS_SHOWN = 5


def code_lines(source: SourceText, offset: int) -> list[str]:
    """The lines around ``offset`` with a caret under its column (Nix's excerpt)."""
    line, col = source.line_col(offset)
    total = source.line_count
    out: list[str] = []
    if line > 1:
        out.append(f" {line - 1:5d}| {source.line_text(line - 1)}")
    out.append(f" {line:5d}| {source.line_text(line)}")
    out.append(f"      |{' ' * col}^")
    if line < total:
        out.append(f" {line + 1:5d}| {source.line_text(line + 1)}")
    return out


def position_lines(span: Span | None, indent: str) -> list[str]:
    """``at FILE:LINE:COL:`` and the source excerpt; nothing without a position."""
    if span is None or not isinstance(span[0], SourceText):
        return []
    source, start, _ = span
    line, col = source.line_col(start)
    return [f"{indent}at {source.location_name}:{line}:{col}:", *code_lines(source, start)]


def visible_trace(err: NixError, show_trace: bool) -> list[tuple[tuple[str, Span | None], bool]]:
    """The entries to print, outermost first, each with whether it is printed
    even after the brief trace is cut (``addErrorContext``'s)."""
    full_only: set[int] = getattr(err, "full_trace_only", set())
    always: set[int] = getattr(err, "always_shown", set())
    entries = [
        (entry, i in always)
        for i, entry in enumerate(err.trace)
        if entry[0] and (show_trace or i not in full_only)
    ]
    if err.__dict__.get("selecting") and err.span is not None:
        # A selection from a non-set: Nix locates it by this innermost entry.
        entries.insert(0, (("while selecting an attribute", err.span), False))
    entries.reverse()
    return entries


def _trace_block(
    entries: Sequence[tuple[tuple[str, Span | None], bool]], show_trace: bool
) -> list[str]:
    lines: list[str] = []
    seen: set[tuple[str, Any]] = set()
    skipped: list[tuple[str, Span | None]] = []
    count = 0
    cut = False

    def emit(entry: tuple[str, Span | None]) -> None:
        nonlocal count
        where = position_lines(entry[1], "  ")
        count += 2 if where else 1
        lines.extend(["", f"… {entry[0]}", *where])

    def flush() -> None:
        if len(skipped) > MAX_REPEATS_SHOWN:
            lines.extend(["", f"({len(skipped)} duplicate frames omitted)"])
        else:
            for entry in skipped:
                emit(entry)
        skipped.clear()

    for entry, always in entries:
        if not show_trace and count > BRIEF_BUDGET:
            cut = True
        if cut and not always:
            continue
        key = (entry[0], _span_key(entry[1]))
        if key in seen:
            skipped.append(entry)
            continue
        seen.add(key)
        flush()
        emit(entry)
    flush()
    if cut:
        lines.extend(
            ["", "(stack trace truncated; use '--show-trace' to show the full, detailed trace)"]
        )
    return lines


def _one_of(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return "one of " + ", ".join(names[:-1]) + " or " + names[-1]


def _span_key(span: Span | None) -> Any:
    if span is None or not isinstance(span[0], SourceText):
        return None
    return (span[0].location_name, span[1])


def format_error(err: NixError, *, show_trace: bool = False) -> str:
    """``err`` as ``nix-instantiate`` 2.26 prints it (without the final newline)."""
    entries = visible_trace(err, show_trace)
    body: list[str] = []
    if entries:
        body = _trace_block(entries, show_trace)[1:]  # the first entry follows "error:"
        body.extend(["", f"error: {err.message}"])
        head = "error:"
    else:
        head = f"error: {err.message}"
    if err.__dict__.get("position_shown", True):
        body.extend(position_lines(err.span, ""))
    suggestions = err.__dict__.get("suggestions")
    if suggestions:
        body.append(f"Did you mean {_one_of(suggestions)}?")
    text_lines = [head.rstrip()]
    extra = body
    if not entries:
        # The message's own continuation lines follow the first line.
        first, *rest = head.split("\n")
        text_lines = [first.rstrip()]
        extra = [*rest, *body]
    for line in "\n".join(extra).split("\n") if extra else []:
        text_lines.append(("       " + line).rstrip(" ") if line else "")
    return "\n".join(text_lines)
