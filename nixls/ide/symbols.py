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
# The outline's size: the first level is always whole; each deeper level is
# shown whole if the outline stays within this many symbols, else it is left
# out with everything below it (see document_symbols).
MAX_SYMBOLS = 10_000


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


@dataclass(slots=True)
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
    kind = _KINDS.get(type(value))
    if kind is not None:
        return kind
    if type(value) is nodes.Var and value.name in ("true", "false"):
        return SymbolKind.BOOLEAN
    return SymbolKind.FIELD


_KINDS: dict[type, SymbolKind] = {
    nodes.Lambda: SymbolKind.FUNCTION,
    nodes.AttrSet: SymbolKind.OBJECT,
    nodes.List: SymbolKind.ARRAY,
    nodes.Str: SymbolKind.STRING,
    nodes.Int: SymbolKind.NUMBER,
    nodes.Float: SymbolKind.NUMBER,
}


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


_SETS = (nodes.AttrSet, nodes.Let, nodes.LegacyLet)
_Set = nodes.AttrSet | nodes.Let | nodes.LegacyLet


def _sets_in(within: nodes.Node) -> list[_Set]:
    """The closest sets in ``within`` whose bindings show at one level, in order.

    Expressions that are not sets are looked through (a function's body, an
    application's argument); so are a `let`'s body and the `e` of
    `inherit (e) …;`, after the bindings.
    """
    found: list[_Set] = []
    stack = [within]
    while stack:
        node = stack.pop()
        if not isinstance(node, _SETS):
            kids = children(node)
            kids.reverse()  # the stack is LIFO: keep source order
            stack += kids
            continue
        found.append(node)
        later: list[nodes.Node] = [
            b.from_ for b in node.bindings if type(b) is nodes.Inherit and b.from_ is not None
        ]
        if type(node) is nodes.Let:
            later.append(node.body)
        later.reverse()
        stack += later
    return found


def _size(sets: list[_Set]) -> int:
    """How many symbols the bindings of ``sets`` make (at most)."""
    return sum(
        len(b.names) if type(b) is nodes.Inherit else 1 for found in sets for b in found.bindings
    )


# A value to look into for the next level, and the symbol its entries go under.
_Next = tuple[nodes.Node, Symbol]


def _symbols(sets: list[_Set], out: list[Symbol], later: list[_Next], source: bytes) -> None:
    """The symbols of the bindings of ``sets`` into ``out``; values onto ``later``."""
    for found in sets:
        is_let = type(found) is nodes.Let
        for binding in found.bindings:
            if type(binding) is nodes.AttrDef:
                if not binding.path:
                    continue
                value = binding.value
                sym = Symbol(
                    attr_path_text(binding.path, source) or "?",
                    SymbolKind.VARIABLE if is_let else _kind_of(value),
                    _detail(value),
                    (binding.start, binding.end),
                    (binding.path[0].start, binding.path[-1].end),
                )
                out.append(sym)
                later.append((value, sym))
            else:
                assert isinstance(binding, nodes.Inherit)
                kind = SymbolKind.VARIABLE if is_let else SymbolKind.FIELD
                for key in binding.names:
                    span = (key.start, key.end)
                    out.append(Symbol(key.name, kind, "inherit", span, span))


def document_symbols(unit: Unit, budget: int = MAX_SYMBOLS) -> list[Symbol]:
    """The outline of a document.

    Attribute sets nest their attributes, `let` blocks list their bindings
    (marked as variables), and functions bound to names show their
    arguments as detail. Anonymous functions and other expressions are
    looked through, so bindings deep inside still appear under their
    closest named parent.

    Size: the first level is always whole (it is the file's index); each
    deeper level is added whole while the outline keeps within ``budget``
    symbols, else it and all below it are left out, so every name shown
    has all its siblings (a 50,000-line package set shows its packages,
    not their 27,000 attributes). Levels below :data:`MAX_DEPTH` are cut.
    """
    source = unit.source
    top: list[Symbol] = []
    pending: list[_Next] = []
    _symbols(_sets_in(unit.parse_result.root), top, pending, source)
    count = len(top)
    depth = 1
    while pending and depth < MAX_DEPTH:
        found = [(parent, _sets_in(value)) for value, parent in pending]
        count += sum(_size(sets) for _, sets in found)
        if count > budget:
            break  # this level does not fit: leave it out
        pending = []
        for parent, sets in found:
            _symbols(sets, parent.children, pending, source)
        depth += 1
    return top


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
