"""What the loop knows about generated code: spans and trace descriptions.

Generated Python code is registered here (per code object) so that the loop
can turn a Python position into a Nix source span without any bookkeeping
on the fast path: an error's span is found from the line of the innermost
generated frame in its traceback, and a frame that an error unwinds through
adds its ``while evaluating ...`` entry from its :class:`CodeInfo`.
"""

from __future__ import annotations

import threading
import weakref
from _bisect import bisect_right
from collections.abc import Callable, Mapping
from itertools import accumulate
from types import CodeType, MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import re

Span = tuple[Any, int, int]


# The text of each evaluated file by path (the latest), while it is in use.
_BY_PATH: weakref.WeakValueDictionary[str, SourceText] = weakref.WeakValueDictionary()

# The latest expression given as text (`-E`, stdin, `--arg`), while in use.
_latest_text: list[Callable[[], SourceText | None]] = [lambda: None]

_NO_CONTEXTS: Mapping[int, tuple[tuple[str, Span | None], ...]] = MappingProxyType({})


class CodeInfo:
    """Nix-level facts about one generated code object.

    ``description`` is the trace entry added when an error leaves a frame of
    this code (``None``: no entry); ``span`` locates that entry;
    ``line_spans`` maps generated line numbers to the span of the Nix
    expression that line evaluates (shared by every code object of a file);
    ``line_contexts``: trace entries (innermost first) of errors raised on a
    line (operands).
    """

    # A plain class, not a dataclass: `dataclasses` (with inspect, ast and
    # dis) would be a tenth of the start-up of `nixls eval`.
    __slots__ = ("description", "span", "line_spans", "line_contexts")

    def __init__(
        self,
        description: str | None,
        span: Span | None,
        line_spans: Mapping[int, Span],
        line_contexts: Mapping[int, tuple[tuple[str, Span | None], ...]] = _NO_CONTEXTS,
    ) -> None:
        self.description = description
        self.span = span
        self.line_spans = line_spans
        self.line_contexts = line_contexts

    def __repr__(self) -> str:
        return f"CodeInfo({self.description!r}, {self.span!r})"


# What a unit's module code tells about the functions it defines: CodeInfo
# parts by function name, its line spans and its line contexts.
UnitInfo = tuple[
    Mapping[str, tuple[str | None, Span | None]],
    Mapping[int, Span],
    Mapping[int, tuple[tuple[str, Span | None], ...]],
]


class CodeInfos:
    """Code object -> :class:`CodeInfo`, for every generated function.

    A unit registers its module code once (:meth:`register_unit`); the
    CodeInfo of its functions are made the first time anything is looked
    up (an error or a trace): a large file's unit defines a thousand
    functions, and most evaluations never ask.

    Keyed by identity, not equality: code objects compare by value, and two
    units of the same text (an edited document evaluated again, two ``-E``
    expressions of one shape) make equal code whose lines stand for other
    spans. Weak references drop the entry of a re-evaluated document's code
    with its module.
    """

    def __init__(self) -> None:
        # id(code) -> (weak reference to the code, its facts); the value must
        # not hold the key, or the entry would never be dropped.
        self._infos: dict[int, tuple[weakref.ref[CodeType], CodeInfo]] = {}
        # Codes registered and not looked up yet: (weak reference, its unit's
        # facts, whether the code is one function compiled apart from its
        # unit's module code). No callback per entry (a closure per unit
        # loaded): entries of dead code are dropped when the list doubles.
        self._pending: list[tuple[weakref.ref[CodeType], UnitInfo, bool]] = []
        self._sweep_at = 64
        self._lock = threading.RLock()

    def _forget(self, table: dict[int, Any], key: int) -> Any:
        """A weak reference callback dropping ``table[key]`` once its code is gone."""

        def drop(ref: weakref.ref[CodeType]) -> None:
            with self._lock:
                entry = table.get(key)
                if entry is not None and entry[0] is ref:  # not a newer code at that id
                    del table[key]

        return drop

    def register_unit(self, module: CodeType, unit: UnitInfo) -> None:
        """The functions defined by ``module`` (a unit's code), registered on first lookup."""
        self._add(module, unit, False)

    def register_code(self, code: CodeType, unit: UnitInfo) -> None:
        """One function of a unit compiled after its module code (``compiler/late.py``)."""
        self._add(code, unit, True)

    def _add(self, code: CodeType, unit: UnitInfo, alone: bool) -> None:
        with self._lock:
            pending = self._pending
            pending.append((weakref.ref(code), unit, alone))
            if len(pending) > self._sweep_at:
                pending[:] = [p for p in pending if p[0]() is not None]
                self._sweep_at = 2 * len(pending) + 64

    def get(self, code: CodeType, default: CodeInfo | None = None) -> CodeInfo | None:
        """The facts of ``code`` (``default`` if it is not generated code)."""
        entry = self._infos.get(id(code))
        if entry is None and self._pending:
            self._register_pending()
            entry = self._infos.get(id(code))
        if entry is not None and entry[0]() is code:
            return entry[1]
        return default

    def __contains__(self, code: object) -> bool:
        return isinstance(code, CodeType) and self.get(code) is not None

    def items(self) -> list[tuple[CodeType, CodeInfo]]:
        """Every registered code object with its facts."""
        self._register_pending()
        found = []
        for ref, info in list(self._infos.values()):
            code = ref()
            if code is not None:
                found.append((code, info))
        return found

    def _register_pending(self) -> None:
        # Under the lock: another thread must not miss a code being registered.
        # (Re-entrant: a weak reference callback may run inside it.)
        with self._lock:
            infos = self._infos
            pending, self._pending = self._pending, []
            self._sweep_at = 64
            for ref, (parts, line_spans, line_contexts), alone in pending:
                module = ref()
                if module is None:
                    continue
                for const in (module,) if alone else module.co_consts:
                    if type(const) is CodeType:
                        part = parts.get(const.co_name)
                        if part is not None:
                            info = CodeInfo(part[0], part[1], line_spans, line_contexts)
                            key = id(const)
                            infos[key] = (weakref.ref(const, self._forget(infos, key)), info)


CODE_INFO = CodeInfos()


def span_in_traceback(tb: TracebackType | None) -> Span | None:
    """The span of the innermost generated line in a traceback, if any."""
    found: Span | None = None
    while tb is not None:
        info = CODE_INFO.get(tb.tb_frame.f_code)
        if info is not None:
            span = info.line_spans.get(tb.tb_lineno)
            if span is not None:
                found = span
        tb = tb.tb_next
    return found


def span_of_running(gen: Any) -> Span | None:
    """The span of the line a suspended generator frame is waiting at."""
    frame = getattr(gen, "gi_frame", None)
    if frame is None:
        return None
    info = CODE_INFO.get(frame.f_code)
    if info is None:
        return None
    return info.line_spans.get(frame.f_lineno) or info.span


def span_of_position(pos: tuple[str, int, int] | None) -> Span | None:
    """The span of an attribute position ``(file, line, column)`` (as
    ``unsafeGetAttrPos`` gives it), if that file's text is still in use."""
    if pos is None:
        return None
    source = _BY_PATH.get(pos[0])
    if source is None:
        # Positions in an expression given as text name no file: read in the
        # latest such text (the expression evaluated: `--arg` texts come first).
        source = _latest_text[0]() if pos[0] == NO_FILE else None
        if source is None:
            return None
    offset = source.offset_of(pos[1], pos[2])
    return (source, offset, offset)


# The `file` of a position in an expression given as text (`-E`, stdin); never a path.
NO_FILE = "«string»"


def _line_starts(text: bytes) -> list[int]:
    """The offset of each line's start. Lines end at LF, CRLF or a lone CR,
    as Nix counts them; without a CR, from the lengths of the lines (C-level
    steps: the code generator asks for lines of every file it compiles)."""
    if b"\r" in text:
        return [0, *(m.end() for m in _line_end().finditer(text))]
    starts = [0]
    starts += accumulate(map(_PLUS_ONE, map(len, text.split(b"\n")[:-1])))
    return starts


_PLUS_ONE = (1).__add__


def _line_end() -> re.Pattern[bytes]:
    """Where a line ends: compiled on first use (a text with a CR, a line's
    text for an error), not at every start-up."""
    import re

    return re.compile(rb"\r\n|\r|\n")  # `re` keeps it compiled


class SourceText:
    """The text of one evaluated file or expression, for spans and positions.

    ``path`` is the absolute file path, or ``None`` for an expression given
    on the command line (``-E``) or on stdin. Offsets are byte offsets into
    ``text`` (UTF-8); lines and columns are 1-based, columns count bytes as
    C++ Nix does.
    """

    __slots__ = ("path", "text", "_starts", "_at", "_line", "_scan", "__weakref__")

    def __init__(self, path: str | None, text: bytes) -> None:
        self.path = path
        self.text = text
        self._starts: list[int] | None = None
        # Lines counted from the last offset asked (see `line_col`): the
        # offset, its line, and how many bytes may still be counted so.
        self._at = 0
        self._line = 1
        self._scan = -1  # not decided yet
        if path is not None:
            _BY_PATH[path] = self
        else:
            _latest_text[0] = weakref.ref(self)

    @property
    def pos_file(self) -> str:
        """The `file` of positions (`__curPos`, `unsafeGetAttrPos`).

        For an expression given as text it is :data:`NO_FILE`: Nix 2.26 has
        no position there (`null`; no `path` in XML).
        """
        if self.path is not None:
            return self.path
        return NO_FILE

    @property
    def message_name(self) -> str:
        """How messages name this source (``(string)`` for expressions)."""
        return self.path if self.path is not None else "(string)"

    @property
    def location_name(self) -> str:
        """How error locations name this source (``«string»`` for expressions)."""
        return self.path if self.path is not None else "«string»"

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a byte offset."""
        starts = self._starts
        if starts is None:
            if self._scan:
                return self._counted(offset)
            starts = self._table()
        line = bisect_right(starts, offset) or 1  # a negative offset: line 1, as before
        return line, offset - starts[line - 1] + 1

    def _counted(self, offset: int) -> tuple[int, int]:
        """`line_col` by counting newlines from the offset asked last.

        The code generator asks for positions in the order of the text: the
        newlines between two of them are counted in C, where a table of every
        line's start (Python integers) costs ~60 ms on a 4.7 MB file. Once
        counting has read about twice the text (questions out of order), the
        table is made and used from then on.
        """
        text = self.text
        if self._scan < 0:  # the first question: a CR ends lines too, the table knows how
            self._scan = 2 * len(text) + 4096 if b"\r" not in text else 0
            if not self._scan:
                return self.line_col(offset)
        if offset < 0:
            return 1, offset + 1
        at = self._at
        if offset >= at:
            line = self._line + text.count(b"\n", at, offset)
        else:
            line = self._line - text.count(b"\n", offset, at)
        column = offset - text.rfind(b"\n", 0, offset)  # the line's start read back too
        self._scan -= abs(offset - at) + column
        if self._scan <= 0:
            self._scan = 0
            return self.line_col(offset)
        self._at, self._line = offset, line
        return line, column

    def _table(self) -> list[int]:
        """The offset of each line's start (made once)."""
        starts = self._starts
        if starts is None:
            starts = self._starts = _line_starts(self.text)
        return starts

    def offset_of(self, line: int, col: int) -> int:
        """The byte offset of a 1-based line and column."""
        starts = self._table()
        return starts[max(0, min(line, len(starts)) - 1)] + col - 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line (without its newline)."""
        starts = self._table()
        if line < 1 or line > len(starts):
            return ""
        start = starts[line - 1]
        m = _line_end().search(self.text, start)
        end = m.start() if m is not None else len(self.text)
        return self.text[start:end].decode("utf-8", "replace")

    @property
    def line_count(self) -> int:
        """How many lines the text has (a final newline starts an empty one)."""
        return len(self._table())

    def __repr__(self) -> str:
        return f"SourceText({self.location_name[:40]!r})"
