"""Where a value reached by evaluation is defined, and its doc comment.

Evaluation tells where a function comes from (a lambda's span in its file)
and where an attribute was defined (a set's positions: file, line,
column). This module turns such a place into the binding that defines it
(`optional = cond: elem: …;` in ``lib/lists.nix``) and the documentation
written right before that binding:

- an RFC 145 doc comment, ``/** … */``, shown as Markdown (nixpkgs' own
  ``:::`` example fences dropped, headings made smaller so that ``# Type``
  does not dominate a hover);
- else a plain ``/* … */`` comment, or the block of ``#`` comment lines
  right above the binding.

Files are parsed once and kept (:class:`DocIndex`) while their text stays
the same; everything is plain data (paths, byte offsets, strings).
"""

from __future__ import annotations

import bisect
import re
import textwrap
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.syntax import nodes, parse
from nixls.ide.tokens import window_around
from nixls.ide.tree import ancestors_at, comment_spans

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit

_HEADING = re.compile(r"^(#{1,5})(\s+\S.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DIV = re.compile(r"^\s*:::")
_WRAPPERS = (nodes.Lambda, nodes.Paren)


@dataclass(frozen=True)
class Definition:
    """A binding that defines a value, in some file."""

    path: str
    name: str | None  # the binding's name (last key of its attribute path)
    span: tuple[int, int]  # byte span of the name (or of the expression, unnamed)
    line: int  # 1-based line of ``span``'s start
    doc: str | None  # Markdown, if the binding has a doc comment

    @property
    def signature(self) -> str | None:
        """The `# Type` signature of the doc comment (its first code line), if any."""
        return type_signature(self.doc) if self.doc else None


@dataclass
class _Parsed:
    text: bytes
    root: nodes.Node
    # None for an open document's own tree: its comments are found around
    # the place asked about (:meth:`comments_before`), not lexed whole.
    comments: list[tuple[int, int]] | None
    comment_ends: list[int]
    _line_starts: list[int] | None = None

    @property
    def line_starts(self) -> list[int]:
        found = self._line_starts
        if found is None:
            found = self._line_starts = [0] + [m.end() for m in re.finditer(rb"\n", self.text)]
        return found

    def line_of(self, offset: int) -> int:
        if self._line_starts is None:
            return self.text.count(b"\n", 0, offset) + 1  # one line: no index needed
        return bisect.bisect_right(self._line_starts, offset)

    def offset_of(self, line: int, column: int) -> int:
        if line < 1 or line > len(self.line_starts):
            return len(self.text)
        return min(len(self.text), self.line_starts[line - 1] + max(0, column - 1))

    def comments_before(self, start: int) -> tuple[list[tuple[int, int]], list[int]]:
        """Comments (and their ends) among which the one ending before ``start`` is."""
        if self.comments is not None:
            return self.comments, self.comment_ends
        # Only blanks, comments and punctuation lie between the token before
        # ``start`` and it: the gap is scanned alone.
        gap = window_around(self.root, start, start, len(self.text))[0]
        found = [(s + gap, e + gap) for s, e in comment_spans(self.text[gap:start], [])]
        return found, [end for _, end in found]


class DocIndex:
    """Parsed files by path, kept while their text is unchanged (thread-safe, bounded)."""

    def __init__(self, max_files: int = 256) -> None:
        self._files: OrderedDict[str, _Parsed] = OrderedDict()
        self._adopted: dict[str, weakref.ref[Unit]] = {}
        self._max = max_files
        self._lock = threading.Lock()

    def adopt(self, unit: Unit) -> None:
        """Answer for ``unit``'s path and text from its own tree while it lives
        (an open document: no second parse of a large file on the first hover)."""
        if unit.path is not None:
            with self._lock:
                self._adopted[unit.path] = weakref.ref(unit)

    def _parsed(self, path: str, text: bytes) -> _Parsed:
        with self._lock:
            found = self._files.get(path)
            if found is not None and (found.text is text or found.text == text):
                self._files.move_to_end(path)
                return found
            ref = self._adopted.get(path)
        unit = ref() if ref is not None else None
        if unit is not None and unit.source is text:
            # Not kept: an edit may take the tree back (the unit then parses its own text).
            return _Parsed(text, unit.parse_result.root, None, [])
        root = parse(text).root
        comments = comment_spans(text)
        parsed = _Parsed(text, root, comments, [end for _, end in comments])
        with self._lock:
            self._files[path] = parsed
            while len(self._files) > self._max:
                self._files.popitem(last=False)
        return parsed

    def for_function(self, path: str, text: bytes, start: int) -> Definition | None:
        """The binding whose value is the function literal starting at ``start``.

        A curried function's inner lambdas count as the outer one (a
        partially applied `a: b: …` still shows `a`'s binding); a function
        with no binding (a file that is a function) is described by the
        comment right before it.
        """
        parsed = self._parsed(path, text)
        chain = ancestors_at(parsed.root, start)
        index = next(
            (i for i, n in enumerate(chain) if isinstance(n, nodes.Lambda) and n.start == start),
            None,
        )
        if index is None:
            return None
        while index > 0 and isinstance(chain[index - 1], _WRAPPERS):
            index -= 1
        node = chain[index]
        parent = chain[index - 1] if index > 0 else None
        if isinstance(parent, nodes.AttrDef) and parent.value is node and parent.path:
            return _binding(parsed, path, parent, parent.path[-1])
        doc = _doc_before(parsed, node.start)
        return Definition(path, None, (node.start, node.start), parsed.line_of(node.start), doc)

    def at_position(self, path: str, text: bytes, line: int, column: int) -> Definition | None:
        """The binding whose name is at a (1-based) line and column, as sets record it."""
        parsed = self._parsed(path, text)
        offset = parsed.offset_of(line, column)
        chain = ancestors_at(parsed.root, offset)
        for node in reversed(chain):
            if isinstance(node, nodes.AttrDef):
                key = next((k for k in node.path if k.start <= offset < k.end), None)
                return _binding(parsed, path, node, key or node.path[-1])
            if isinstance(node, nodes.Inherit):
                key = next((k for k in node.names if k.start <= offset < k.end), None)
                if key is not None:
                    span = (key.start, key.end)
                    doc = _doc_before(parsed, node.start)
                    return Definition(path, key.name, span, parsed.line_of(key.start), doc)
        return Definition(path, None, (offset, offset), parsed.line_of(offset), None)


def _binding(parsed: _Parsed, path: str, bind: nodes.AttrDef, key: nodes.AttrKey) -> Definition:
    name = key.name if isinstance(key, nodes.StaticKey) else None
    doc = _doc_before(parsed, bind.start)
    return Definition(path, name, (key.start, key.end), parsed.line_of(key.start), doc)


# ---------------------------------------------------------------- comments


def _doc_before(parsed: _Parsed, start: int) -> str | None:
    """The doc comment ending right before ``start`` (only blanks between), as Markdown."""
    comments, ends = parsed.comments_before(start)
    i = bisect.bisect_right(ends, start) - 1
    if i < 0:
        return None
    text = parsed.text
    c_start, c_end = comments[i]
    if text[c_end:start].strip():
        return None
    raw = text[c_start:c_end].decode("utf-8", "replace")
    if raw.startswith("/*"):
        return _block_comment(raw)
    # A block of `#` lines, each directly above the next.
    lines = [raw]
    while i > 0:
        p_start, p_end = comments[i - 1]
        gap = text[p_end:c_start]
        if gap.count(b"\n") != 1 or gap.strip() or not text.startswith(b"#", p_start):
            break
        lines.insert(0, text[p_start:p_end].decode("utf-8", "replace"))
        i, c_start = i - 1, p_start
    body = [re.sub(r"^#+ ?", "", line) for line in lines]
    return _markdown("\n".join(body)) or None


def _block_comment(raw: str) -> str | None:
    inner = raw[3:] if raw.startswith("/**") else raw[2:]
    inner = inner[:-2] if inner.endswith("*/") else inner
    first, _, rest = inner.partition("\n")
    body = (first.strip() + "\n" if first.strip() else "") + textwrap.dedent(rest)
    return _markdown(body) or None


def _markdown(text: str) -> str:
    """Doc-comment Markdown for an editor: smaller headings, no `:::` fences."""
    out: list[str] = []
    in_code = False
    for line in text.strip("\n").splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        elif not in_code:
            if _DIV.match(line):
                continue
            heading = _HEADING.match(line)
            if heading is not None:
                line = "#" * min(6, len(heading.group(1)) + 2) + heading.group(2)
        out.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def type_signature(doc: str) -> str | None:
    """The first line of the code block under a `Type` heading, if the doc has one."""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        if _HEADING.match(line) and line.lstrip("#").strip().lower() == "type":
            in_code = False
            for following in lines[i + 1 :]:
                if _FENCE.match(following):
                    if in_code:
                        return None
                    in_code = True
                elif in_code and following.strip():
                    return following.strip()
                elif not in_code and _HEADING.match(following):
                    return None
    return None
