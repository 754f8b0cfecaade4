"""A unit's generated functions joined into its Python source, with the Nix
span of each line, the trace entries of its lines and each function's
description (what :data:`~evaluator.vm.frames.CODE_INFO` is given).

A generator body that can also run as a plain function
(:mod:`.codegen_restart`) is written twice: the plain function under the
body's name (what closures and thunks call) and the body itself as its
*twin*, under a name of its own, with the body's lines and spans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evaluator.compiler.codegen_base import NAME_MARK, _Fn
from evaluator.compiler.codegen_restart import plain_lines, plan_plain
from evaluator.compiler.compiled import Unit

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler

Span = tuple[Any, int, int]


class _Parts:
    """What `render` gathers function after function."""

    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler
        self.texts: list[tuple[str, int]] = []
        self.line_spans: dict[int, Span] = {}
        self.line_contexts: dict[int, tuple[tuple[str, Span | None], ...]] = {}
        self.infos: dict[str, tuple[str | None, Span]] = {}
        self.line = 0  # lines of the unit before the next function

    def span_of(self, se: tuple[int, int]) -> Span:
        spans = self.compiler.span_cache
        s = spans.get(se)
        if s is None:
            s = spans[se] = (self.compiler.source, se[0], se[1])
        return s

    def add(self, fn: _Fn, name: str, lines: list[str], descr: str | None, spans: bool) -> None:
        """Add function ``name`` with body ``lines`` (``spans``: the lines are
        ``fn``'s own, with their spans and trace entries)."""
        start = self.line + 1  # the line of its `def`
        node = fn.node
        fn_span = self.span_of((node.start, node.end))
        self.line_spans[start] = fn_span
        at = fn.descr_at
        where = fn_span if at is None else self.span_of(at)
        self.infos[name.replace(NAME_MARK, "")] = (descr, where)
        if spans:
            self._spans(fn, start + 1)
        body = "\n".join(lines)
        # A generator function even when every path returns early; else a
        # plain function (its body never waits for the loop): the loop
        # takes its result at once, without a generator frame.
        tail = "\n    yield\n\n" if "yield" in body else "\n\n"
        params = ", ".join([*fn.captures, *fn.params])
        self.texts.append((f"def {name}({params}):\n{body}{tail}", start))
        self.line += len(lines) + (3 if len(tail) > 2 else 2)

    def _spans(self, fn: _Fn, first: int) -> None:
        spans = self.compiler.span_cache
        line_spans = self.line_spans
        for i, node in fn.spans:
            # By node, then by (start, end): one tuple per span in a unit.
            found = spans.get(node)
            if found is None:
                found = spans[node] = self.span_of((node.start, node.end))
            line_spans[first + i] = found
        for i, context in fn.contexts:  # innermost first, as trace entries are added
            self.line_contexts[first + i] = tuple(
                [(m, self.span_of(at) if at[0] >= 0 else None) for m, at in context[::-1]]
            )


def _kind(fn: _Fn) -> str:
    """``lam``, ``th`` or ``""``: the bodies that may get a plain function."""
    name = fn.name
    if name.startswith("lam"):
        return "lam"
    return "th" if name.startswith("th") else ""


def render(
    self: Compiler,
    root: str,
    fns: list[_Fn],
    deferred: list[str],
    consts: dict[str, Any],
    globals_: dict[str, str],
) -> Unit:
    """Python source of some generated functions, with their line spans.

    The unit also gets each function's text with its generated names
    still marked (``Unit.functions``): what `code_share` normalises.
    """
    parts = _Parts(self)
    mark = NAME_MARK
    for fn in fns:
        lines = fn.lines
        kind = _kind(fn)
        params = [*fn.captures, *fn.params]
        plan = None
        if kind and any("yield" in line for line in lines):
            plan = plan_plain(lines, params, kind == "lam")
        if plan is None:
            parts.add(fn, fn.name, lines, fn.descr, True)
            continue
        twin = self.unit_name("y")
        plain = plain_lines(lines, plan, f"{twin}({', '.join(params)})")
        # One of the two has the body's description: a thunk's plain function
        # (the thunk, an owner of the twin's frame, adds the entry through its
        # code) or a lambda's twin (its frame adds the entry, a call's, whose
        # site is the waiting frame's line; the plain function never fails
        # and never ends in a call). With both, a thunk whose code is the
        # lambda's (`map f xs`) would add the entry once more.
        lam = kind == "lam"
        parts.add(fn, fn.name, plain, None if lam else fn.descr, False)
        parts.add(fn, twin, lines, fn.descr if lam else None, True)
    texts = parts.texts
    python = "".join([t for t, _ in texts]).replace(mark, "")
    unit = Unit(
        root.replace(mark, ""),
        python,
        parts.line_spans,
        parts.infos,
        [d.replace(mark, "") for d in deferred],
        {k.replace(mark, ""): v for k, v in consts.items()},
        {k.replace(mark, ""): v for k, v in globals_.items()},
    )
    unit.line_contexts = parts.line_contexts
    unit.functions = texts
    return unit
