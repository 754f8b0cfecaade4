"""What code generation shares across the expression families: the function being
written, lazy operands, the step driver, bounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator, Mapping
from itertools import repeat
from types import GeneratorType
from typing import TYPE_CHECKING, Any

from evaluator.syntax import nodes
from evaluator.vm import ops

if TYPE_CHECKING:
    from evaluator.vm.frames import SourceText

# Deepest `if` nesting inside one generated function before a subexpression
# is moved to a helper function (Python allows 100 indentation levels).
MAX_INDENT = 40

# In a set or `let` whose source is longer than LARGE_SET_BYTES, each
# attribute's thunk longer than ENTRY_DEFER_BYTES is compiled when first
# forced (as any thunk over `codegen.DEFER_BYTES`): a package set of a few
# thousand small attributes was one unit of megabytes of Python, compiled
# whole however few of them an evaluation forces.
LARGE_SET_BYTES = 16384
ENTRY_DEFER_BYTES = 120


# A compile step: a generator that yields sub-steps and returns a result. A
# sub-step whose result is known without generating code may be that result
# itself (an operand, a `_Lazy`): `_drive` sends it straight back.
Step = Generator[Any, Any, Any]


# 64-bit bounds as literals in generated code (constants load faster than globals).
_IMIN = ops.INT_MIN


_IMAX = ops.INT_MAX


# Trace entries, outermost first: (message, (start, end) it points at).
Context = tuple[tuple[str, tuple[int, int]], ...]


class _Fn:
    """One generated Python function being written."""

    # A plain slotted class: one is made per generated function.
    __slots__ = (
        "name",
        "parent",
        "descr",
        "node",
        "params",
        "captures",
        "lines",
        "span_lines",
        "span_nodes",
        "contexts",
        "context",
        "indent",
        "known",
        "deferred",
        "descr_at",
    )

    def __init__(self, name: str, parent: _Fn | None, descr: str | None, node: nodes.Node):
        self.name = name
        self.parent = parent
        self.descr = descr
        self.node = node
        self.params: list[str] = []
        self.captures: dict[str, None] = {}
        # The body's lines, indented; and, by index into them, the node
        # each evaluates (indices and nodes in two lists: `Compiler.render`
        # turns them into columns by C-level maps) and the trace entries of
        # lines inside operands: `Compiler.render` joins the lines at once.
        self.lines: list[str] = []
        self.span_lines: list[int] = []
        self.span_nodes: list[nodes.Node] = []
        self.contexts: list[tuple[int, Context]] = []
        # Trace entries for errors raised on the lines being emitted (an
        # operand of `!`, `&&`, `//`...: "in the argument of the not operator").
        self.context: Context = ()
        self.indent = 1
        self.known: set[str] = set()
        # For a thunk compiled later: its body and the name given to a lambda body.
        self.deferred: tuple[nodes.Node, str | None] | None = None
        # Where the trace entry ``descr`` points (an attribute's name), if not at ``node``.
        self.descr_at: tuple[int, int] | None = None


class LineSpans(Mapping[int, tuple[Any, int, int]]):
    """A generated unit's line spans (generated line number -> the span of
    the Nix code it evaluates) as `Compiler.render` makes them: three
    columns, the line numbers and the spans' start and end offsets in
    ``source``, made by C-level maps (a dict built a Python step per line
    was a tenth of generating a unit). The dict is built when first read
    (errors and traces read it; most units never raise); the disk cache
    stores the columns as they are (``columns``: its stored form, found by
    that attribute: a run reading the cache imports no code generator).
    Here, not in ``compiled``: a warm run makes no class it never uses."""

    __slots__ = ("source", "columns", "_table")

    def __init__(
        self, source: SourceText, numbers: list[int], starts: list[int], ends: list[int]
    ) -> None:
        self.source = source
        self.columns = (numbers, starts, ends)
        self._table: dict[int, tuple[Any, int, int]] | None = None

    def table(self) -> dict[int, tuple[Any, int, int]]:
        """The spans by line number."""
        table = self._table
        if table is None:
            numbers, starts, ends = self.columns
            spans = zip(repeat(self.source), starts, ends)  # noqa: B905 (`repeat` is endless)
            table = self._table = dict(zip(numbers, spans, strict=True))
        return table

    def __getitem__(self, line: int) -> tuple[Any, int, int]:
        return self.table()[line]

    def get(self, line: int, default: Any = None) -> Any:
        return self.table().get(line, default)

    def __contains__(self, line: object) -> bool:
        return line in self.table()

    def __iter__(self) -> Iterator[int]:
        return iter(self.table())

    def __len__(self) -> int:
        return len(self.table())


class _Lazy:
    """A lazily evaluated operand: ``expr`` is a Python expression; for a
    thunk, ``child`` is its body function (so it can be created late)."""

    # A plain class, not a dataclass: see evaluator/syntax/nodes.py.
    __slots__ = ("expr", "child", "deps")

    def __init__(self, expr: str, child: _Fn | None = None, deps: tuple[str, ...] = ()) -> None:
        self.expr = expr
        self.child = child
        self.deps = deps


# While a unit is generated, the number of every generated name is written
# between two NAME_MARKs (``th<M>9_12_3<M>``, ``t<M>17<M>``, M the mark; a
# variable's ``<M>v17<M>`` whole, as its counter is not the others'), so
# what is between marks tells the names of a unit apart:
# `Compiler.render` takes them out of the unit's text, and `code_share`
# finds a function's numbered names by splitting its text on the mark (one
# C-level pass) instead of scanning it for them. NUL: `repr` never writes it
# raw, so no string literal holds one.
NAME_MARK = "\0"

_SIMPLE_OPERAND = re.compile(
    r"[A-Za-z_\x00][A-Za-z0-9_\x00]*|0X[0-9A-F]+|-?[0-9.e+-]+|'[^'\\]*'|\"[^\"\\]*\""
)


def _simple_operand(expr: str) -> bool:
    """Whether ``expr`` is a name or literal (cheap and safe to repeat)."""
    if "(" in expr and expr[:1] not in ("'", '"'):
        return False  # a call (most operands that are not names): no match
    return _SIMPLE_OPERAND.fullmatch(expr) is not None


def is_name(expr: str) -> bool:
    """Whether ``expr`` is a Python name (a generated one with its marks)."""
    return expr.replace(NAME_MARK, "").isidentifier()


def _drive(step: Step | Any) -> Any:
    """Run a compile step and its sub-steps with an explicit stack (a step
    that is a result known at once is that result)."""
    if type(step) is not GeneratorType:
        return step
    stack: list[Step] = []
    value: Any = None
    while True:
        try:
            sub = step.send(value)
        except StopIteration as stop:
            if not stack:
                return stop.value
            step = stack.pop()
            value = stop.value
            continue
        if type(sub) is GeneratorType:
            stack.append(step)
            step = sub
            value = None
        else:
            value = sub  # a result known at once


def _collected(
    make: Callable[[Any], Step | _Lazy],
    items: Iterator[Any],
    done: Callable[[list[_Lazy]], Any],
) -> Step | Any:
    """``done`` of the operands ``make`` gives for ``items``, in order: at
    once while each operand is known at once (most are: a variable, a
    literal), a step from the first that is a step on (a generator per set
    or list cost ~1 µs)."""
    ops: list[_Lazy] = []
    for item in items:
        op = make(item)
        if type(op) is GeneratorType:
            return _collected_step(ops, op, make, items, done)
        ops.append(op)  # type: ignore[arg-type]
    return done(ops)


def _collected_step(
    ops: list[_Lazy],
    step: Step,
    make: Callable[[Any], Step | _Lazy],
    items: Iterator[Any],
    done: Callable[[list[_Lazy]], Any],
) -> Step:
    ops.append((yield step))
    for item in items:
        ops.append((yield make(item)))
    return done(ops)
