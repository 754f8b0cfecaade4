"""`parse()`: source text to a syntax tree plus located syntax errors."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field

from evaluator.syntax import nodes as n
from evaluator.syntax.driver import Driver
from evaluator.syntax.lexer import lex_raw
from evaluator.syntax.tables import load_tables


@dataclass(frozen=True, slots=True)
class SyntaxErrorInfo:
    """A syntax error: byte span ``[start, end)`` and a message."""

    start: int
    end: int
    message: str


@dataclass(slots=True)
class ParseResult:
    """The tree (never ``None``), the errors in source order, and the source bytes."""

    root: n.Expr
    errors: list[SyntaxErrorInfo] = field(default_factory=list)
    source: bytes = b""
    # Whether the tree may hold `e or` read as a call of `e` on a variable `or`
    # (Nix 2.26 warns about those): the parser knows, which saves a tree walk.
    or_calls: bool = True


def parse(source: str | bytes) -> ParseResult:
    """Parse Nix source; never raises on bad input.

    Errors are collected with their byte spans and the tree contains
    :class:`~evaluator.syntax.nodes.Error` nodes where input was skipped.
    """
    src = source.encode("utf-8", "surrogateescape") if isinstance(source, str) else source
    errors: list[SyntaxErrorInfo] = []

    def report(start: int, end: int, message: str) -> None:
        errors.append(SyntaxErrorInfo(start, end, message))

    # The tree and tokens are acyclic: pausing the cyclic GC while they are
    # built saves the ~20% of parse time it spends re-scanning them. The
    # tokens are dropped before it resumes: the young generation it then
    # scans once holds the tree only.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        root, or_calls = _parse_tokens(src, report)
    finally:
        if gc_was_enabled:
            gc.enable()
    errors.sort(key=lambda e: (e.start, e.end))
    return ParseResult(root, errors, src, or_calls)


def _parse_tokens(src: bytes, report: Callable[[int, int, str], None]) -> tuple[n.Expr, bool]:
    """Lex and parse ``src`` (the tree, and whether it has `e or` calls); the
    tokens and the driver die with this frame."""
    tokens, lex_errors = lex_raw(src)
    for e in lex_errors:
        report(e.start, e.end, e.message)
    driver = Driver(load_tables(), tokens, src, report)
    root: n.Expr = driver.run("start")
    return root, driver.builder.or_calls
