"""Semantic token classes of a document's text, as byte spans.

Lexical classes (keywords, operators, numbers, strings, paths, comments)
come from the lexer; names are classified from the compiler's analysis:
let bindings and `rec` attributes are variables, function arguments are
parameters, builtins carry the ``defaultLibrary`` modifier, names looked
up through `with` the ``withResolved`` modifier, attribute names are
properties. Definition sites carry ``declaration``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from evaluator.compiler.model import BindingKind, GlobalRef, LocalRef, WithRef
from evaluator.syntax import nodes
from evaluator.syntax.lexer import KEYWORDS, OPERATORS, Token, lex
from nixls.ide import builtin_docs
from nixls.ide.tree import children, comment_spans, every_node

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit

TOKEN_TYPES = [
    "variable",
    "parameter",
    "function",
    "property",
    "string",
    "path",
    "keyword",
    "operator",
    "comment",
    "number",
]
TOKEN_MODIFIERS = ["declaration", "defaultLibrary", "withResolved", "readonly"]

_T = {name: i for i, name in enumerate(TOKEN_TYPES)}
_M = {name: 1 << i for i, name in enumerate(TOKEN_MODIFIERS)}

_KEYWORD_TYPES = set(KEYWORDS.values())
_OPERATOR_TYPES = set(OPERATORS.values()) | {
    "EQUALS",
    "LT",
    "GT",
    "NOT",
    "PLUS",
    "MINUS",
    "STAR",
    "SLASH",
    "QUESTION",
    "AT",
}
_STRING_TYPES = {
    "STRING",
    "STR_OPEN",
    "STR_TEXT",
    "STR_CLOSE",
    "IND_STRING",
    "IND_OPEN",
    "IND_TEXT",
    "IND_CLOSE",
    "URI",
}
_PATH_TYPES = {"PATH", "PATH_BEGIN", "PATH_STR", "SPATH"}
_NUMBER_TYPES = {"INT", "FLOAT"}

_PARAMETER_KINDS = (BindingKind.ARGUMENT, BindingKind.FORMAL, BindingKind.AT)


def _lexical(
    tokens: list[Token], comments: list[tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    """(start, end, type, modifiers) of keywords, operators, literals and comments."""
    out: list[tuple[int, int, int, int]] = []
    for tok in tokens:
        if tok.end <= tok.start:
            continue
        t = tok.type
        if t in _KEYWORD_TYPES:
            out.append((tok.start, tok.end, _T["keyword"], 0))
        elif t in _OPERATOR_TYPES:
            out.append((tok.start, tok.end, _T["operator"], 0))
        elif t in _STRING_TYPES:
            out.append((tok.start, tok.end, _T["string"], 0))
        elif t in _PATH_TYPES:
            out.append((tok.start, tok.end, _T["path"], 0))
        elif t in _NUMBER_TYPES:
            out.append((tok.start, tok.end, _T["number"], 0))
    for start, end in comments:
        out.append((start, end, _T["comment"], 0))
    return out


def _names(doc: Unit, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, int, int]]:
    """Names classified by what they refer to (those overlapping ``[lo, hi)``)."""
    analysis = doc.analysis
    out: list[tuple[int, int, int, int]] = []
    whole = hi is None
    end = len(doc.source) if hi is None else hi
    declared = {}
    for binding in analysis.resolved.all_bindings:
        span = binding.name_span
        if whole or (span[0] < end and span[1] > lo):
            kind = "parameter" if binding.kind in _PARAMETER_KINDS else "variable"
            declared[span] = (_T[kind], _M["declaration"])
    functions = builtin_docs.global_names()
    globals_seen: dict[str, tuple[int, int]] = {}  # a builtin's class, looked up once
    nodes_in = every_node(doc.parse_result.root) if whole else _overlapping(doc, lo, end)
    for node in nodes_in:
        span = (node.start, node.end)
        if isinstance(node, nodes.Var):
            if span in declared:
                continue  # `inherit x;`: shown as the declaration it also is
            res = node.resolution
            if isinstance(res, LocalRef):
                kind = "parameter" if res.binding.kind in _PARAMETER_KINDS else "variable"
                out.append((*span, _T[kind], 0))
            elif isinstance(res, WithRef):
                out.append((*span, _T["variable"], _M["withResolved"]))
            elif isinstance(res, GlobalRef):
                cls = globals_seen.get(res.name)
                if cls is None:
                    entry = builtin_docs.info(functions.get(res.name, res.name))
                    is_fn = entry is not None and entry.is_function
                    mods = _M["defaultLibrary"] | (0 if is_fn else _M["readonly"])
                    cls = globals_seen[res.name] = (_T["function" if is_fn else "variable"], mods)
                out.append((*span, *cls))
            else:
                out.append((*span, _T["variable"], 0))
        elif isinstance(node, nodes.Ident | nodes.StaticKey):
            if span in declared:
                out.append((*span, *declared[span]))
            elif isinstance(node, nodes.StaticKey) and node.end > node.start:
                # Quoted keys are strings lexically; only bare names are properties.
                first = doc.source[node.start : node.start + 1]
                if first not in (b'"', b"$"):
                    out.append((*span, _T["property"], 0))
    return out


def _overlapping(doc: Unit, lo: int, hi: int) -> Iterator[nodes.Node]:
    """The nodes overlapping ``[lo, hi)`` (pre-order; subtrees outside are skipped)."""
    stack: list[nodes.Node] = [doc.parse_result.root]
    while stack:
        node = stack.pop()
        if node.start >= hi or node.end < lo:
            continue
        yield node
        kids = children(node)
        kids.reverse()
        stack += kids


# Nodes whose inside may be string text: lexed whole, never from a child's end.
_TEXTUAL = (nodes.Str, nodes.Path, nodes.DynamicKey, nodes.StaticKey)


def _border(root: nodes.Node, at: int, after: bool) -> int:
    """A token border at or before ``at`` (at or after it, if ``after``) from which
    (to which) the text lexes as in its file: the tree is followed down
    towards ``at`` until a gap between children holds it, or a string (or
    path, or quoted key) does: its own start (end) then."""
    node = root
    while True:
        if isinstance(node, _TEXTUAL):
            return node.end if after else node.start
        border = node.end if after else node.start
        inner = None
        for kid in children(node):
            if kid.start < at < kid.end:
                inner = kid
                break
            if after and kid.start >= at:
                return min(border, kid.start)
            if not after and kid.end <= at:
                border = kid.end
        if inner is None:
            return border
        node = inner


def window_around(root: nodes.Node, lo: int, hi: int, size: int) -> tuple[int, int]:
    """A span around ``[lo, hi)`` that lexes alone as in its file (``size`` bytes long).

    Both ends are token borders outside strings (see :func:`_border`).
    Before and after the root expression there are only comments: a range
    reaching there takes the start (end) of the file.
    """
    start = 0 if lo <= root.start else _border(root, lo, after=False)
    end = size if hi >= root.end else _border(root, hi, after=True)
    return start, end


def classify_range(doc: Unit, lo: int, hi: int) -> list[tuple[int, int, int, int]]:
    """Like :func:`classify`, for the tokens overlapping ``[lo, hi)`` only: only the
    part of the text around it is lexed."""
    start, end = window_around(doc.parse_result.root, lo, hi, len(doc.source))
    text = doc.source[start:end]
    lexed, _errors = lex(text)
    lexical = [
        (s + start, e + start, t, m) for s, e, t, m in _lexical(lexed, comment_spans(text, lexed))
    ]
    return lexical + _names(doc, lo, hi)


def classify(
    doc: Unit, tokens: list[Token], comments: list[tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    """Every token of ``doc`` as (start, end, type index, modifier bits): lexical
    classes and names (indices into :data:`TOKEN_TYPES` / :data:`TOKEN_MODIFIERS`)."""
    return _lexical(tokens, comments) + _names(doc)


# ---------------------------------------------------------------- after an edit

# Nodes at least this long have their children's borders kept: in a large
# file, a few thousand offsets (the top-level bindings and the like).
_BIG_NODE = 4096

Span = tuple[int, int, int, int]


class Lexical:
    """The lexical tokens of one text (sorted), kept to make the next text's.

    ``borders`` are offsets outside any string where the lexer starts
    afresh (the starts and ends of the children of large nodes): the text
    between two of them lexes alone as in its file.
    """

    __slots__ = ("source", "tokens", "starts", "borders")

    def __init__(self, source: bytes, tokens: list[Span], borders: list[int]) -> None:
        self.source = source
        self.tokens = tokens
        self.starts = [t[0] for t in tokens]
        self.borders = borders


def borders_of(root: nodes.Node) -> list[int]:
    """Sorted borders (see :class:`Lexical`) of a tree."""
    out: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, _TEXTUAL):
            continue
        for kid in children(node):
            out.add(kid.start)
            out.add(kid.end)
            if kid.end - kid.start >= _BIG_NODE:
                stack.append(kid)
    return sorted(out)


def _lex_span(source: bytes, start: int, end: int) -> list[Span]:
    text = source[start:end]
    lexed, _errors = lex(text)
    found = _lexical(lexed, comment_spans(text, lexed))
    return [(s + start, e + start, t, m) for s, e, t, m in found]


def lexical(doc: Unit, before: Lexical | None) -> Lexical:
    """The lexical tokens of ``doc``; only the part around what changed since
    ``before`` (the previous text's) is lexed again, when borders outside
    strings are found on both sides of the change in both texts."""
    new = doc.source
    result = doc.parse_result
    # A tree recovered from syntax errors may end nodes inside a string the
    # lexer is still in: such a text's borders are never trusted.
    borders = [] if result.errors else borders_of(result.root)
    window = None if before is None else _window(before, new, borders)
    if window is None or before is None:
        return Lexical(new, sorted(_lex_span(new, 0, len(new))), borders)
    start, end, shift = window
    old = before.tokens
    head = old[: bisect_left(before.starts, start)]
    tail = old[bisect_left(before.starts, end - shift) :]
    middle = sorted(_lex_span(new, start, end))
    moved = [(s + shift, e + shift, t, m) for s, e, t, m in tail] if shift else tail
    return Lexical(new, head + middle + moved, borders)


def common_ends(old: Sequence[Any], new: Sequence[Any]) -> tuple[int, int]:
    """Lengths of the common head and (not overlapping it) common tail of two
    texts or lists, found by halving (each comparison of slices runs in C)."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[lo:mid] == new[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    head = lo
    lo, hi = 0, limit - head
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid : len(old) - lo] == new[len(new) - mid : len(new) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return head, lo


def _window(before: Lexical, new: bytes, borders: list[int]) -> tuple[int, int, int] | None:
    """(start, end, shift): the span of ``new`` to lex again, and how far the text
    after it moved; both ends are borders of the old and the new text."""
    old = before.source
    prefix, suffix = common_ends(old, new)
    shift = len(new) - len(old)
    old_set = set(before.borders)
    # A border strictly before the change (the token ending there is then
    # decided by unchanged text), in both texts.
    i = bisect_left(borders, prefix) - 1
    while i >= 0 and borders[i] not in old_set:
        i -= 1
    start = borders[i] if i >= 0 else 0
    j = bisect_right(borders, len(new) - suffix)
    while j < len(borders) and borders[j] - shift not in old_set:
        j += 1
    if j == len(borders):
        return None
    return start, borders[j], shift


def classify_after(doc: Unit, before: Lexical | None) -> tuple[list[Span], Lexical]:
    """Like :func:`classify`, lexing again only what changed since ``before``
    (see :func:`lexical`); also the lexical tokens, for the next text."""
    lexed = lexical(doc, before)
    return lexed.tokens + _names(doc), lexed
