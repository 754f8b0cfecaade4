"""An editable document that re-parses incrementally.

After an edit, only the smallest enclosing *region* is lexed and parsed
again: a binding (`a = …;`, `inherit …;`) or a bracketed expression (`( )`,
`[ ]`, `{ }`), whose first and last characters the edit did not touch. The
new subtree replaces the old one, later nodes and errors are shifted by the
edit's length change, and the ancestors' ends are moved. Untouched regions
are neither re-lexed nor re-parsed.

Why this gives the same tree as a full parse: the tokens before the region
are unchanged, so the LR parser reaches the region in the same state; the
region's new text is again one complete construct of the same kind (checked
by parsing it alone with the matching start symbol, without errors), so it
reduces to the same nonterminal and the parse continues after it exactly as
before. The region must also lex the same alone as in context: it must be
delimited by characters that cannot glue to neighbouring tokens, a `{ }`
must not be followed by `:`/`@` (which would make it formals), and no old
syntax error may touch it (recovery could have crossed its borders). When
any check fails, the next enclosing region is tried, and finally the whole
document is parsed again.

An edit of only the whitespace between tokens (a space or a newline typed)
is not parsed at all: the nodes after it move (:mod:`.trivia` decides).
"""

from __future__ import annotations

import bisect
import re
from typing import Literal

from evaluator.syntax import nodes as n
from evaluator.syntax.driver import Driver
from evaluator.syntax.lexer import lex
from evaluator.syntax.parser import ParseResult, SyntaxErrorInfo, parse
from evaluator.syntax.positions import Encoding, LineIndex
from evaluator.syntax.tables import load_tables
from evaluator.syntax.trivia import whitespace_edit

_LINE_END = re.compile(rb"\r\n|\r|\n")
_TRIVIA = re.compile(rb"(?:[ \t\r\n]+|#[^\r\n]*|/\*(?:[^*]|\*+[^*/])*\*+/)*")
# Bytes that cannot be part of a token started on the other side of them.
_BEFORE_OK = frozenset(b" \t\r\n;{([")
_AFTER_OK = frozenset(b" \t\r\n;})]")

_REGION_KINDS = (n.AttrDef, n.Inherit, n.List, n.Paren, n.AttrSet)
_MAX_TRIES = 4
# A region above this many bytes and half the document is parsed as a whole document.
_NOT_WORTH = 1 << 16

_child_fields: dict[type, tuple[str, ...]] = {}


def _fields_of(cls: type) -> tuple[str, ...]:
    names = _child_fields.get(cls)
    if names is None:
        names = tuple(f for f in n.field_names(cls)[2:] if f != "resolution")
        _child_fields[cls] = names
    return names


def preorder(root: n.Node) -> list[n.Node]:
    """All nodes of a tree in pre-order (= by start offset), without recursion."""
    out: list[n.Node] = []
    stack: list[n.Node] = [root]
    append = out.append
    while stack:
        node = stack.pop()
        append(node)
        kids: list[n.Node] = []
        for name in _fields_of(type(node)):
            value = getattr(node, name)
            if isinstance(value, n.Node):
                kids.append(value)
            elif isinstance(value, list):
                kids.extend(v for v in value if isinstance(v, n.Node))
        kids.reverse()
        stack.extend(kids)
    return out


def _start_of(node: n.Node) -> int:
    return node.start


def _replace_child(parent: n.Node, old: n.Node, new: n.Node) -> bool:
    for name in _fields_of(type(parent)):
        value = getattr(parent, name)
        if value is old:
            setattr(parent, name, new)
            return True
        if isinstance(value, list):
            for i, item in enumerate(value):
                if item is old:
                    value[i] = new
                    return True
    return False


class Document:
    """Source text plus its parse, kept up to date through LSP-style edits."""

    def __init__(self, text: str | bytes) -> None:
        self._driver_tables = load_tables()
        self._set_source(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)
        self.last_reparse: tuple[Literal["full", "incremental", "shift"], int, int] = (
            "full",
            0,
            0,
        )

    # -- state ------------------------------------------------------------------

    def _set_source(self, source: bytes) -> None:
        self.source = source
        self._text: str | None = None
        self._lines = LineIndex(source)
        self.result = parse(source)
        self._preorder: list[n.Node] | None = None
        self.last_reparse = ("full", 0, len(source))

    @property
    def _nodes(self) -> list[n.Node]:
        """Every node in pre-order (made on the first edit: opening a file needs none)."""
        if self._preorder is None:
            self._preorder = preorder(self.result.root)
        return self._preorder

    @_nodes.setter
    def _nodes(self, value: list[n.Node] | None) -> None:
        self._preorder = value

    @property
    def text(self) -> str:
        """The document text (decoded lazily from :attr:`source`)."""
        if self._text is None:
            self._text = self.source.decode("utf-8", "surrogateescape")
        return self._text

    @property
    def lines(self) -> LineIndex:
        """Line index of the current source, for position conversions."""
        return self._lines

    # -- edits ------------------------------------------------------------------

    def apply_change(
        self,
        start: tuple[int, int] | None,
        end: tuple[int, int] | None,
        new_text: str,
        encoding: Encoding = "utf-16",
    ) -> None:
        """Apply one LSP content change; ``start is None`` replaces everything."""
        new = new_text.encode("utf-8", "surrogateescape")
        if start is None or end is None:
            self._set_source(new)
            return
        a = self._lines.offset(start[0], start[1], encoding)
        b = self._lines.offset(end[0], end[1], encoding)
        if b < a:
            a, b = b, a
        self.replace_bytes(a, b, new)

    def replace_bytes(self, a: int, b: int, new: bytes) -> None:
        """Replace source bytes ``[a, b)`` by ``new`` and update the parse."""
        old_source = self.source
        source = old_source[:a] + new + old_source[b:]
        delta = len(new) - (b - a)
        self._update_lines(a, b, new, source)
        self.source = source
        self._text = None
        moved = whitespace_edit(self.result.root, self.result.errors, old_source, a, b, new)
        if moved is not None:
            self._shift(moved, a, b, delta)
        elif not self._reparse_region(a, b, delta, old_source):
            # Text that had a syntax error likely still has one: parsed
            # without the compound tokens, which would stop at it.
            self.result = parse(source, compound=not self.result.errors)
            self._nodes = None
            self.last_reparse = ("full", 0, len(source))

    def _update_lines(self, a: int, b: int, new: bytes, source: bytes) -> None:
        """Recompute line starts near the edit only; shift the ones after it."""
        starts = self._lines.line_starts
        # one line of margin on each side keeps CRLF pairs at the seams whole
        la = max(0, bisect.bisect_right(starts, a) - 2)
        lb = bisect.bisect_right(starts, b) + 1
        lo = starts[la]
        delta = len(new) - (b - a)
        hi_old = starts[lb] if lb < len(starts) else None
        hi_new = len(source) if hi_old is None else hi_old + delta
        middle = [lo] + [m.end() for m in _LINE_END.finditer(source, lo, hi_new)]
        if hi_old is not None and middle[-1] == hi_new:
            middle.pop()  # it is the first of the shifted tail
        tail = [s + delta for s in starts[lb:]] if hi_old is not None else []
        self._lines = LineIndex(source, starts[:la] + middle + tail)

    def _shift(self, around: list[n.Node], a: int, b: int, delta: int) -> None:
        """Only whitespace between tokens changed (see :mod:`.trivia`): move the
        nodes after ``[a, b)`` and the ends of the nodes ``around`` it."""
        if delta:
            nodes = self._nodes
            for x in nodes[bisect.bisect_left(nodes, b, key=_start_of) :]:
                x.start += delta
                x.end += delta
            for x in around:
                x.end += delta
        errors = [
            SyntaxErrorInfo(e.start + delta, e.end + delta, e.message) if e.start >= b else e
            for e in self.result.errors
        ]
        self.result = ParseResult(self.result.root, errors, self.source)
        self.last_reparse = ("shift", a, b + delta)

    # -- incremental re-parse -----------------------------------------------------

    def _path_to(self, a: int, b: int) -> list[n.Node]:
        """Nodes from the root down whose span contains ``[a, b)``."""
        path: list[n.Node] = []
        node: n.Node | None = self.result.root
        while node is not None:
            path.append(node)
            nxt: n.Node | None = None
            for name in _fields_of(type(node)):
                value = getattr(node, name)
                items = value if isinstance(value, list) else (value,)
                for child in items:
                    if isinstance(child, n.Node) and child.start <= a and b <= child.end:
                        nxt = child
                        break
                if nxt is not None:
                    break
            node = nxt
        return path

    def _region_ok(self, node: n.Node, a: int, b: int, old: bytes) -> bool:
        if not (node.start < a and b < node.end):
            return False
        if node.start > 0 and old[node.start - 1] not in _BEFORE_OK:
            return False
        if node.end < len(old) and old[node.end] not in _AFTER_OK:
            return False
        if isinstance(node, n.AttrSet):
            m = _TRIVIA.match(old, node.end)
            nxt = old[m.end() : m.end() + 1] if m else b""
            if nxt in (b":", b"@"):
                return False
        for err in self.result.errors:
            if err.start <= node.end and err.end >= node.start:
                return False
        return True

    def _reparse_region(self, a: int, b: int, delta: int, old: bytes) -> bool:
        path = self._path_to(a, b)
        tries = 0
        for depth in range(len(path) - 1, 0, -1):
            node = path[depth]
            size = node.end - node.start
            if size > _NOT_WORTH and 2 * size > len(old):
                return False  # a plain parse is cheaper than parsing it and splicing it in
            if not isinstance(node, _REGION_KINDS) or not self._region_ok(node, a, b, old):
                continue
            tries += 1
            if tries > _MAX_TRIES:
                return False
            new_node = self._parse_region(node, delta)
            if new_node is None:
                continue
            self._splice(path, depth, new_node, delta)
            return True
        return False

    def _parse_region(self, node: n.Node, delta: int) -> n.Node | None:
        """Parse the region's new text alone; ``None`` unless it is the same kind."""
        start, end = node.start, node.end + delta
        text = self.source[start:end]
        tokens, lex_errors = lex(text)
        if lex_errors:
            return None
        failed: list[int] = []

        def report(s: int, e: int, message: str) -> None:
            failed.append(s)

        driver = Driver(self._driver_tables, tokens, text, report)
        binding = isinstance(node, n.AttrDef | n.Inherit)
        root = driver.run("start_binding" if binding else "start")
        if failed or type(root) is not type(node):
            return None
        if root.start != 0 or root.end != len(text):
            return None
        if isinstance(node, n.AttrSet) and isinstance(root, n.AttrSet) and root.rec != node.rec:
            return None
        for sub in preorder(root):
            sub.start += start
            sub.end += start
        return root

    def _splice(self, path: list[n.Node], depth: int, new_node: n.Node, delta: int) -> None:
        old_node = path[depth]
        old_end = old_node.end
        parent = path[depth - 1]
        nodes = self._nodes  # (made now if not yet, from the tree before the change)
        replaced = _replace_child(parent, old_node, new_node)
        assert replaced
        i = bisect.bisect_left(nodes, old_node.start, key=_start_of)
        while nodes[i] is not old_node:  # equal starts: parents come first
            i += 1
        count = len(preorder(old_node))
        tail = nodes[i + count :]
        if delta:
            for x in tail:
                x.start += delta
                x.end += delta
            for anc in path[:depth]:
                anc.end += delta
        self._nodes = nodes[:i] + preorder(new_node) + tail
        errors = self.result.errors
        if delta:
            errors = [
                SyntaxErrorInfo(e.start + delta, e.end + delta, e.message)
                if e.start >= old_end
                else e
                for e in errors
            ]
        self.result = ParseResult(self.result.root, errors, self.source)
        self.last_reparse = ("incremental", new_node.start, new_node.end)
