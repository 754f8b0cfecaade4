"""Document symbols (nested attrsets, let bindings, functions), folding and selection ranges.

All answers are byte spans of the document (folds also carry their
lines, which decide whether a fold is worth showing).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evaluator.syntax import nodes
from nixls.ide.tree import ancestors_at, attr_path_text, children, unparen, walk

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit

# Deeper outlines and selection chains are cut: clients (and JSON encoders)
# handle nesting recursively.
MAX_DEPTH = 64


class SymbolKind(enum.Enum):
    """What a symbol's value looks like."""

    FUNCTION = "function"
    OBJECT = "object"
    ARRAY = "array"
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    FIELD = "field"
    VARIABLE = "variable"


@dataclass
class Symbol:
    """One entry of the outline."""

    name: str
    kind: SymbolKind
    detail: str | None
    span: tuple[int, int]
    selection: tuple[int, int]
    children: list[Symbol] = field(default_factory=list)


@dataclass(frozen=True)
class Fold:
    """A foldable region, by line (0-based) and whether it is a comment."""

    start_line: int
    end_line: int
    comment: bool = False


def _kind_of(value: nodes.Node) -> SymbolKind:
    value = unparen(value)
    if isinstance(value, nodes.Lambda):
        return SymbolKind.FUNCTION
    if isinstance(value, nodes.AttrSet):
        return SymbolKind.OBJECT
    if isinstance(value, nodes.List):
        return SymbolKind.ARRAY
    if isinstance(value, nodes.Str):
        return SymbolKind.STRING
    if isinstance(value, nodes.Int | nodes.Float):
        return SymbolKind.NUMBER
    if isinstance(value, nodes.Var) and value.name in ("true", "false"):
        return SymbolKind.BOOLEAN
    return SymbolKind.FIELD


def _detail(value: nodes.Node) -> str | None:
    value = unparen(value)
    if isinstance(value, nodes.Lambda):
        if value.formals is not None:
            names = ", ".join(f.name.name for f in value.formals.entries)
            if value.formals.ellipsis:
                names = names + ", ..." if names else "..."
            return "{ " + names + " }:" if names else "{ }:"
        if value.param is not None:
            return value.param.name + ":"
    return None


_Pending = tuple[nodes.Node, list[Symbol], int]  # node, where its symbols go, depth


def _binding_symbols(
    binding: nodes.BindingNode, is_let: bool, out: list[Symbol], depth: int, source: bytes
) -> list[_Pending]:
    """Add the symbols of one binding to ``out``; returns what to look into next."""
    if isinstance(binding, nodes.AttrDef):
        if not binding.path:
            return []
        sym = Symbol(
            name=attr_path_text(binding.path, source) or "?",
            kind=SymbolKind.VARIABLE if is_let else _kind_of(binding.value),
            detail=_detail(binding.value),
            span=(binding.start, binding.end),
            selection=(binding.path[0].start, binding.path[-1].end),
        )
        out.append(sym)
        return [(binding.value, sym.children, depth + 1)] if depth + 1 < MAX_DEPTH else []
    for key in binding.names:
        out.append(
            Symbol(
                name=key.name,
                kind=SymbolKind.VARIABLE if is_let else SymbolKind.FIELD,
                detail="inherit",
                span=(key.start, key.end),
                selection=(key.start, key.end),
            )
        )
    return [(binding.from_, out, depth)] if binding.from_ is not None else []


def document_symbols(unit: Unit) -> list[Symbol]:
    """The outline of a document.

    Attribute sets nest their attributes, `let` blocks list their bindings
    (marked as variables), and functions bound to names show their
    arguments as detail. Anonymous functions and other expressions are
    looked through, so bindings deep inside still appear under their
    closest named parent.
    """
    source = unit.source
    root_symbols: list[Symbol] = []
    stack: list[_Pending] = [(unit.parse_result.root, root_symbols, 0)]
    while stack:
        node, out, depth = stack.pop()
        bindings: list[nodes.BindingNode] | None = None
        if isinstance(node, nodes.AttrSet | nodes.Let | nodes.LegacyLet):
            bindings = node.bindings
        if bindings is None:
            # Look through to children, in source order (stack is LIFO).
            stack.extend((child, out, depth) for child in reversed(children(node)))
            continue
        is_let = isinstance(node, nodes.Let)
        later: list[_Pending] = []
        for binding in bindings:
            later += _binding_symbols(binding, is_let, out, depth, source)
        if isinstance(node, nodes.Let):
            later.append((node.body, out, depth))
        stack.extend(reversed(later))
    return root_symbols


_FOLDABLE = (
    nodes.AttrSet,
    nodes.List,
    nodes.Let,
    nodes.LegacyLet,
    nodes.Str,
    nodes.Formals,
    nodes.Paren,
    nodes.AttrDef,
)


def folding_ranges(unit: Unit, comments: list[tuple[int, int]]) -> list[Fold]:
    """Multi-line attrsets, lists, lets, strings, formals, bindings and comments."""
    out: list[Fold] = []
    seen: set[tuple[int, int]] = set()
    for node in walk(unit.parse_result.root):
        if not isinstance(node, _FOLDABLE):
            continue
        end_offset = node.end
        if isinstance(node, nodes.Let) and node.bindings:
            # Fold `let` up to its last binding: the body folds on its own.
            end_offset = node.bindings[-1].end
        start = unit.line_char(node.start)[0]
        end = unit.line_char(end_offset)[0]
        if end <= start or (start, end) in seen:
            continue
        seen.add((start, end))
        out.append(Fold(start, end))
    for start_off, end_off in _comment_blocks(unit.source, comments):
        start = unit.line_char(start_off)[0]
        end = unit.line_char(end_off)[0]
        if end > start:
            out.append(Fold(start, end, comment=True))
    return out


def _comment_blocks(source: bytes, comments: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Comment blocks: each `/* */` comment, and runs of `#` lines merged."""
    spans: list[tuple[int, int]] = []
    for start, end in comments:
        if spans and source.startswith(b"#", start) and source.startswith(b"#", spans[-1][0]):
            between = source[spans[-1][1] : start]
            if between.strip() == b"" and between.count(b"\n") == 1:
                spans[-1] = (spans[-1][0], end)
                continue
        spans.append((start, end))
    return spans


def selection_chain(unit: Unit, offset: int) -> list[tuple[int, int]]:
    """The spans of the nodes enclosing ``offset``, outermost first, each once.

    Only the innermost :data:`MAX_DEPTH` levels: a deeper chain would be
    encoded recursively.
    """
    chain: list[tuple[int, int]] = []
    for node in ancestors_at(unit.parse_result.root, offset)[-MAX_DEPTH:]:
        span = (node.start, node.end)
        if not chain or chain[-1] != span:
            chain.append(span)
    return chain
