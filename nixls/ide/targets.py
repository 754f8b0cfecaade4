"""What to evaluate for a cursor or a selection, and the file's top-level targets.

All in byte offsets of the document's text and nodes of its tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.syntax import nodes
from nixls.ide.tree import ancestors_at, unparen

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit

_NOT_EXPRESSIONS = (
    nodes.Ident,
    nodes.StaticKey,
    nodes.DynamicKey,
    nodes.Formal,
    nodes.Formals,
    nodes.AttrDef,
    nodes.Inherit,
)


def expression_at(doc: Unit, offset: int) -> tuple[int, int] | None:
    """The span of the expression to evaluate for a cursor at ``offset``.

    On a binding's name, its value; otherwise the innermost expression.
    """
    chain = ancestors_at(doc.parse_result.root, offset)
    leaf = chain[-1]
    if isinstance(leaf, nodes.StaticKey) and len(chain) > 1:
        parent = chain[-2]
        if isinstance(parent, nodes.AttrDef):
            return (parent.value.start, parent.value.end)
    binding = doc.analysis.binding_at(offset)
    if binding is not None and binding.value is not None and not isinstance(leaf, nodes.Var):
        return (binding.value.start, binding.value.end)
    for i in range(len(chain) - 1, -1, -1):
        node = chain[i]
        if isinstance(node, _NOT_EXPRESSIONS):
            continue
        # The head of `f a b` or `a.b.c`: the whole application or selection.
        while i > 0:
            parent = chain[i - 1]
            head = (isinstance(parent, nodes.Apply) and parent.fn is node) or (
                isinstance(parent, nodes.Select) and parent.expr is node
            )
            if not head:
                break
            node, i = parent, i - 1
        return (node.start, node.end)
    return None


def node_for_span(root: nodes.Node, start: int, end: int) -> nodes.Node | None:
    """The expression node spanning ``[start, end)``: the outermost with exactly
    that span, else the innermost expression containing it."""
    best: nodes.Node | None = None
    for node in ancestors_at(root, start):
        if not (node.start <= start and end <= node.end):
            break
        if isinstance(node, _NOT_EXPRESSIONS):
            continue
        if node.start == start and node.end == end:
            return node
        best = node
    return best


def trimmed(source: bytes, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without surrounding whitespace."""
    while start < end and source[start : start + 1].isspace():
        start += 1
    while end > start and source[end - 1 : end].isspace():
        end -= 1
    return start, end


def top_level_targets(doc: Unit) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    """(title, span to show the lens on, span to evaluate): root and top bindings."""
    root = doc.parse_result.root
    if isinstance(root, nodes.Error):
        return []
    out = [("root", (root.start, root.end), (root.start, root.end))]
    node = unparen(root)
    steps = 0
    while steps < 64:  # through the file's function, `let ... in` and `with`
        steps += 1
        if isinstance(node, nodes.Lambda):
            node = unparen(node.body)
        elif isinstance(node, nodes.Let):
            for b in node.bindings:
                if isinstance(b, nodes.AttrDef):
                    out.append(("let", (b.start, b.end), (b.value.start, b.value.end)))
            node = unparen(node.body)
        elif isinstance(node, nodes.With | nodes.Assert):
            node = unparen(node.body)
        else:
            break
    if isinstance(node, nodes.AttrSet):
        for b in node.bindings:
            if isinstance(b, nodes.AttrDef):
                out.append(("attr", (b.start, b.end), (b.value.start, b.value.end)))
    return out


def let_values(doc: Unit, lo: int, hi: int) -> list[tuple[int, tuple[int, int]]]:
    """The let bindings named in ``[lo, hi]``: (end of the binding, span of its value)."""
    out: list[tuple[int, tuple[int, int]]] = []
    for binding in doc.analysis.resolved.all_bindings:
        if binding.value is None or binding.kind.value != "let":
            continue
        if lo <= binding.name_span[0] <= hi:
            out.append((binding.node.end, (binding.value.start, binding.value.end)))
    return out
