"""Quick fixes for the compiler's "unused" diagnostics.

- unused binding: remove it (one name of an `inherit`, or the whole
  `name = value;`, with its line when it stands alone);
- unused argument `x:` or `args@`: prefix it with `_` (a formal is part of
  the function's interface, so it is left alone);
- unused `with e;`: remove it; unused `rec`: remove the keyword.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

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
from nixls.lsp.convert import range_of
from nixls.lsp.features import options
from nixls.lsp.features.diagnostics import to_lsp

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer

Edit = tuple[int, int, str]  # replace [start, end) with text


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


def _remove_binding(doc: OpenDocument, diag: Diagnostic) -> tuple[str, list[Edit]] | None:
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


def _prefix_argument(doc: OpenDocument, diag: Diagnostic) -> tuple[str, list[Edit]] | None:
    binding = doc.analysis.binding_at(diag.start)
    if binding is None or binding.kind not in (BindingKind.ARGUMENT, BindingKind.AT):
        return None
    if binding.name.startswith("_"):
        return None
    start, end = binding.name_span
    return f"Rename unused argument to `_{binding.name}`", [(start, end, "_" + binding.name)]


def _remove_with(doc: OpenDocument, diag: Diagnostic) -> tuple[str, list[Edit]] | None:
    chain = ancestors_at(doc.parse_result.root, diag.start)
    for node in reversed(chain):
        if isinstance(node, nodes.With) and node.start == diag.start:
            return "Remove unused `with`", [(node.start, node.body.start, "")]
    return None


def _remove_rec(doc: OpenDocument, diag: Diagnostic) -> tuple[str, list[Edit]] | None:
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


def code_actions(doc: OpenDocument, lo: int, hi: int) -> list[types.CodeAction]:
    """Quick fixes for the diagnostics touching ``[lo, hi]``."""
    out: list[types.CodeAction] = []
    for diag in doc.analysis.diagnostics:
        fix = _FIXES.get(diag.code)
        if fix is None or diag.end < lo or diag.start > hi:
            continue
        found = fix(doc, diag)
        if found is None:
            continue
        title, edits = found
        text_edits = [
            types.TextEdit(range=range_of(doc, start, end), new_text=text)
            for start, end, text in edits
        ]
        out.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[to_lsp(doc, diag)],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={doc.uri: text_edits}),
            )
        )
    return out


def register(server: NixServer) -> None:
    """Add the quick fixes to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def on_code_action(
        ls: NixServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        lo, hi = doc.offset_at(params.range.start), doc.offset_at(params.range.end)
        return code_actions(doc, lo, hi) + options.quick_fixes(ls, doc, lo, hi)
