"""Syntax-tree queries the features share: what is at an offset, names, text.

All traversals are iterative: a deeply nested file must not exhaust the
Python stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evaluator.syntax import nodes
from evaluator.syntax.lexer import Token, lex

# Nodes that bind names or reference them, at their name's span.
NameNode = nodes.Var | nodes.Ident | nodes.StaticKey


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def children(node: nodes.Node) -> list[nodes.Node]:
    """Direct child nodes in source order (like ``Node.children``, faster).

    The field names holding children are looked up once per node class.
    """
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = nodes.child_fields(type(node))
        _CHILD_FIELDS[type(node)] = names
    out: list[nodes.Node] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, nodes.Node):
            out.append(value)
        elif type(value) is list:
            out.extend(item for item in value if isinstance(item, nodes.Node))
    return out


def ancestors_at(root: nodes.Node, offset: int) -> list[nodes.Node]:
    """The chain of nodes containing ``offset``, outermost first.

    A node contains an offset when ``start <= offset < end``; a cursor
    just after the last character of a node (``offset == end``) also
    counts when no node starts there, so hovering at the end of a name
    works as editors expect.
    """
    chain: list[nodes.Node] = []
    node: nodes.Node | None = root
    while node is not None:
        chain.append(node)
        inside: nodes.Node | None = None
        touching: nodes.Node | None = None
        for child in children(node):
            if child.start <= offset < child.end:
                inside = child
                break
            if child.end == offset and child.start < child.end:
                touching = child
        node = inside or touching
    return chain


def innermost(root: nodes.Node, offset: int) -> nodes.Node:
    """The smallest node containing ``offset``."""
    return ancestors_at(root, offset)[-1]


def name_at(root: nodes.Node, offset: int) -> tuple[NameNode, list[nodes.Node]] | None:
    """The name (variable, binder or attribute key) at ``offset`` and its ancestors."""
    chain = ancestors_at(root, offset)
    leaf = chain[-1]
    if isinstance(leaf, nodes.Var | nodes.Ident | nodes.StaticKey):
        return leaf, chain[:-1]
    return None


def span_text(source: bytes, start: int, end: int) -> str:
    """Source text of a byte span."""
    return source[start:end].decode("utf-8", errors="replace")


def attr_path_text(path: list[nodes.AttrKey], source: bytes) -> str:
    """`a.b."c d"` as written (dynamic parts as in the source)."""
    parts: list[str] = []
    for key in path:
        if isinstance(key, nodes.StaticKey) and is_identifier(key.name):
            parts.append(key.name)
        else:
            parts.append(span_text(source, key.start, key.end))
    return ".".join(parts)


def unparen(node: nodes.Node) -> nodes.Node:
    """The expression inside any number of parentheses."""
    while isinstance(node, nodes.Paren):
        node = node.expr
    return node


KEYWORDS = frozenset(["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"])


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_'\-]*")


def is_identifier(name: str) -> bool:
    """Whether ``name`` can be written as a bare Nix identifier."""
    return _IDENTIFIER.fullmatch(name) is not None and name not in KEYWORDS


def walk(root: nodes.Node) -> Iterator[nodes.Node]:
    """Every node, pre-order, without recursion (a faster ``nodes.walk``)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        kids = children(node)
        kids.reverse()
        stack.extend(kids)


def every_node(root: nodes.Node) -> Iterator[nodes.Node]:
    """Every node, in no particular order, without recursion: the fastest walk
    (no list of children made per node), for work that sorts its results."""
    stack = [root]
    fields_of = _CHILD_FIELDS
    node_type = nodes.Node
    while stack:
        node = stack.pop()
        yield node
        names = fields_of.get(type(node))
        if names is None:
            children(node)  # fills the table
            names = fields_of[type(node)]
        for name in names:
            value = getattr(node, name)
            if isinstance(value, node_type):
                stack.append(value)
            elif type(value) is list:
                stack += [item for item in value if isinstance(item, node_type)]


def enclosing_lambdas(chain: list[nodes.Node]) -> list[nodes.Lambda]:
    """The functions in an ancestor chain, innermost first."""
    return [n for n in reversed(chain) if isinstance(n, nodes.Lambda)]


def comment_spans(source: bytes, tokens: list[Token] | None = None) -> list[tuple[int, int]]:
    """Byte spans of the comments: the gaps between tokens that are not blank.

    The lexer skips comments, so they are found between its tokens
    (``tokens``: the lexer's output for ``source``, if already at hand).
    """
    if tokens is None:
        tokens, _errors = lex(source)
    out: list[tuple[int, int]] = []
    prev = 0
    for tok in [*tokens, None]:
        gap_end = tok.start if tok is not None else len(source)
        pos = prev
        while pos < gap_end:
            ch = source[pos : pos + 1]
            if ch == b"#":
                nl = source.find(b"\n", pos, gap_end)
                end = gap_end if nl == -1 else nl
                out.append((pos, end))
                pos = end
            elif source.startswith(b"/*", pos):
                close = source.find(b"*/", pos + 2, gap_end)
                end = gap_end if close == -1 else close + 2
                out.append((pos, end))
                pos = end
            else:
                pos += 1
        if tok is not None:
            prev = max(prev, tok.end)
    return out
