"""Edits that change only the whitespace between tokens (a space or a newline typed).

Such an edit leaves every token as it was, so the syntax tree keeps its
shape: the nodes after the edit only move, and the nodes around it only
grow or shrink. :func:`whitespace_edit` decides whether an edit is one of
these, cheaply and conservatively (``None`` means "parse it the usual
way"); :class:`~evaluator.syntax.document.Document` then shifts the tree
instead of parsing anything.

How it decides: the edit must replace whitespace by whitespace, strictly
inside some node and outside all of that node's children, i.e. in a *gap*
holding only keywords, punctuation, whitespace and comments (never inside a
string, a path, a name or a number: there whitespace is text or splits a
token). The gap starts at the end of a token and ends at the start of one,
so it lexes alone as in context; it must lex to the same tokens before and
after the edit, none of them touched by it. Two more cases are refused
because the gap alone cannot show them: a deletion that leaves two
non-space bytes side by side (`x: y` -> `x:y` would glue tokens into a
URI) and a deleted line break after a `#` on its line (the comment would
swallow the next line).
"""

from __future__ import annotations

from evaluator.syntax import nodes as n
from evaluator.syntax.lexer import lex
from evaluator.syntax.parser import SyntaxErrorInfo

_SPACE = frozenset(b" \t\r\n")
# Nodes whose text is one token or a string: whitespace inside them is text
# or would split a token. An edit inside one is never a whitespace edit.
_OPAQUE = (
    n.Str,
    n.Path,
    n.SearchPath,
    n.Uri,
    n.Var,
    n.Ident,
    n.StaticKey,
    n.DynamicKey,
    n.Int,
    n.Float,
    n.CurPos,
)


def _blank(text: bytes) -> bool:
    return all(c in _SPACE for c in text)


def _gap(root: n.Node, a: int, b: int, size: int) -> tuple[list[n.Node], int, int] | None:
    """The nodes strictly containing ``[a, b)`` (outermost first) and the gap around it."""
    if not (root.start < a and b < root.end):
        if b <= root.start:
            return [], 0, root.start
        if a >= root.end:
            return [], root.end, size
        return None
    path: list[n.Node] = []
    node = root
    while True:
        if isinstance(node, _OPAQUE):
            return None
        path.append(node)
        lo, hi = node.start, node.end
        inner: n.Node | None = None
        for kid in node.children():
            if kid.start == kid.end and a <= kid.start <= b:
                return None  # an empty node at the edit: before it or after it?
            if kid.end <= a:
                lo = kid.end
            elif kid.start >= b:
                hi = kid.start
                break
            elif kid.start < a and b < kid.end:
                inner = kid
                break
            else:
                return None  # the edit reaches a child's border from inside
        if inner is None:
            return path, lo, hi
        node = inner


def _touches(start: int, end: int, a: int, b: int) -> bool:
    """Whether token ``[start, end)`` overlaps ``[a, b)`` (or has ``a == b`` inside)."""
    return start < a < end or (start < b and end > a)


def _same_tokens(old: bytes, new: bytes, a: int, b: int, width: int) -> bool:
    """Whether ``old`` and ``new`` (a gap before and after the edit, which is at
    ``[a, b)`` of ``old`` and ``[a, a + width)`` of ``new``) lex to the same
    tokens, none of them touched by the edit."""
    old_tokens, old_errors = lex(old)
    new_tokens, new_errors = lex(new)
    if old_errors or new_errors or len(old_tokens) != len(new_tokens):
        return False
    delta = width - (b - a)
    for was, now in zip(old_tokens[:-1], new_tokens[:-1], strict=True):  # not $END
        if was.type != now.type or was.value != now.value:
            return False
        if _touches(was.start, was.end, a, b) or _touches(now.start, now.end, a, a + width):
            return False
        if now.start != (was.start if was.end <= a else was.start + delta):
            return False
    return True


def whitespace_edit(
    root: n.Node, errors: list[SyntaxErrorInfo], old: bytes, a: int, b: int, new: bytes
) -> list[n.Node] | None:
    """If replacing bytes ``[a, b)`` of ``old`` by ``new`` only changes whitespace
    between tokens: the nodes that contain the edit (outermost first; their
    ends move). Otherwise ``None``.
    """
    if not (_blank(old[a:b]) and _blank(new)) or (a == b and not new):
        return None
    if not new and 0 < a and b < len(old) and old[a - 1] not in _SPACE and old[b] not in _SPACE:
        return None  # two tokens (or a comment and a token) would touch
    removed = old[a:b]
    if b"\n" in removed or b"\r" in removed:
        line_start = max(old.rfind(b"\n", 0, a), old.rfind(b"\r", 0, a)) + 1
        if b"#" in old[line_start:a]:
            return None  # a `#` comment might run on into the next line
    found = _gap(root, a, b, len(old))
    if found is None:
        return None
    path, lo, hi = found
    for err in errors:
        if err.start <= hi and err.end >= lo:
            return None  # recovery may have crossed the gap
    gap_old = old[lo:hi]
    gap_new = old[lo:a] + new + old[b:hi]
    if not _same_tokens(gap_old, gap_new, a - lo, b - lo, len(new)):
        return None
    return path
