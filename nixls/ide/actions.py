"""Quick fixes for the compiler's "unused" diagnostics.

- unused binding: remove it (one name of an `inherit`, or the whole
  `name = value;`, with its line when it stands alone);
- unused argument `x:` or `args@`: prefix it with `_` (a formal is part of
  the function's interface, so it is left alone);
- unused `with e;`: remove it; unused `rec`: remove the keyword.

Fixes are plain data: a title, the diagnostic fixed, and byte-span edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.compiler.diagnostics import (
    UNUSED_ARGUMENT,
    UNUSED_BINDING,
    UNUSED_REC,
    UNUSED_WITH,
    Diagnostic,
)
from evaluator.compiler.model import BindingKind
from evaluator.syntax import nodes
from nixls.ide.tree import ancestors_at

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit

Edit = tuple[int, int, str]  # replace [start, end) with text


@dataclass(frozen=True)
class Fix:
    """A quick fix: its title, the diagnostic it fixes, the edits that make it."""

    title: str
    diagnostic: Diagnostic
    edits: list[Edit]


def _extend_line(source: bytes, start: int, end: int) -> tuple[int, int]:
    """Widen a removal to its whole line(s) when nothing else is on them."""
    line_start = source.rfind(b"\n", 0, start) + 1
    line_end = source.find(b"\n", end)
    line_end = len(source) if line_end == -1 else line_end
    if source[line_start:start].strip() == b"" and source[end:line_end].strip() == b"":
        return line_start, min(line_end + 1, len(source))
    # Otherwise take the spaces after it, so `a = 1; b = 2;` loses `a = 1; `.
    while end < len(source) and source[end : end + 1] in (b" ", b"\t"):
        end += 1
    return start, end


def _remove_binding(doc: Unit, diag: Diagnostic) -> tuple[str, list[Edit]] | None:
    binding = doc.analysis.binding_at(diag.start)
    if binding is None:
        return None
    node = binding.node
    source = doc.source
    title = f"Remove unused binding `{binding.name}`"
    if isinstance(node, nodes.Inherit):
        if len(node.names) == 1:
            start, end = _extend_line(source, node.start, node.end)
            return title, [(start, end, "")]
        key = next((k for k in node.names if (k.start, k.end) == binding.name_span), None)
        if key is None:
            return None
        start = key.start
        while start > 0 and source[start - 1 : start] in (b" ", b"\t", b"\n"):
            start -= 1
        return title, [(start, key.end, "")]
    if isinstance(node, nodes.AttrDef):
        start, end = _extend_line(source, node.start, node.end)
        return title, [(start, end, "")]
    return None


def _prefix_argument(doc: Unit, diag: Diagnostic) -> tuple[str, list[Edit]] | None:
    binding = doc.analysis.binding_at(diag.start)
    if binding is None or binding.kind not in (BindingKind.ARGUMENT, BindingKind.AT):
        return None
    if binding.name.startswith("_"):
        return None
    start, end = binding.name_span
    return f"Rename unused argument to `_{binding.name}`", [(start, end, "_" + binding.name)]


def _remove_with(doc: Unit, diag: Diagnostic) -> tuple[str, list[Edit]] | None:
    chain = ancestors_at(doc.parse_result.root, diag.start)
    for node in reversed(chain):
        if isinstance(node, nodes.With) and node.start == diag.start:
            return "Remove unused `with`", [(node.start, node.body.start, "")]
    return None


def _remove_rec(doc: Unit, diag: Diagnostic) -> tuple[str, list[Edit]] | None:
    source = doc.source
    end = diag.end
    while end < len(source) and source[end : end + 1] in (b" ", b"\t", b"\n"):
        end += 1
    return "Remove unnecessary `rec`", [(diag.start, end, "")]


_FIXES = {
    UNUSED_BINDING: _remove_binding,
    UNUSED_ARGUMENT: _prefix_argument,
    UNUSED_WITH: _remove_with,
    UNUSED_REC: _remove_rec,
}


def quick_fixes(doc: Unit, lo: int, hi: int) -> list[Fix]:
    """Quick fixes for the diagnostics touching ``[lo, hi]``."""
    out: list[Fix] = []
    for diag in doc.analysis.diagnostics:
        fix = _FIXES.get(diag.code)
        if fix is None or diag.end < lo or diag.start > hi:
            continue
        found = fix(doc, diag)
        if found is not None:
            out.append(Fix(found[0], diag, found[1]))
    return out
