"""`parse()`: source text to a syntax tree plus located syntax errors."""

from __future__ import annotations

import gc
from collections.abc import Callable

from evaluator.syntax import nodes as n
from evaluator.syntax.driver import CompoundSplit, Driver
from evaluator.syntax.lexer import lex_for_parser, lex_raw, split_compound
from evaluator.syntax.tables import load_tables

# Plain classes, not dataclasses: see evaluator/syntax/nodes.py.


class SyntaxErrorInfo:
    """A syntax error: byte span ``[start, end)`` and a message (a value)."""

    __slots__ = ("start", "end", "message")

    start: int
    end: int
    message: str

    def __init__(self, start: int, end: int, message: str) -> None:
        self.start = start
        self.end = end
        self.message = message

    def _key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.message)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SyntaxErrorInfo):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"SyntaxErrorInfo({self.start}, {self.end}, {self.message!r})"


class ParseResult:
    """The tree (never ``None``), the errors in source order, and the source bytes."""

    __slots__ = ("root", "errors", "source", "or_calls")

    root: n.Expr
    errors: list[SyntaxErrorInfo]
    source: bytes
    # Whether the tree may hold `e or` read as a call of `e` on a variable `or`
    # (Nix 2.26 warns about those): the parser knows, which saves a tree walk.
    or_calls: bool

    def __init__(
        self,
        root: n.Expr,
        errors: list[SyntaxErrorInfo] | None = None,
        source: bytes = b"",
        or_calls: bool = True,
    ) -> None:
        self.root = root
        self.errors = [] if errors is None else errors
        self.source = source
        self.or_calls = or_calls


def parse(source: str | bytes, *, compound: bool = True) -> ParseResult:
    """Parse Nix source; never raises on bad input.

    Errors are collected with their byte spans and the tree contains
    :class:`~evaluator.syntax.nodes.Error` nodes where input was skipped.
    ``compound=False`` skips the compound tokens (`lexer.lex_for_parser`):
    the same result, cheaper for text that likely has a syntax error (the
    compound parse stops at the first one and starts again without them).
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
        root, or_calls = _parse_tokens(src, report, compound)
    finally:
        if gc_was_enabled:
            gc.enable()
    errors.sort(key=lambda e: (e.start, e.end))
    return ParseResult(root, errors, src, or_calls)


def _parse_tokens(
    src: bytes, report: Callable[[int, int, str], None], compound: bool
) -> tuple[n.Expr, bool]:
    """Lex and parse ``src`` (the tree, and whether it has `e or` calls); the
    tokens and the driver die with this frame."""
    tokens, lex_errors = lex_for_parser(src) if compound else lex_raw(src)
    for e in lex_errors:
        report(e.start, e.end, e.message)
    if compound:
        # Reports wait for the end: at a syntax error the tokens go back to
        # what `lex_raw` makes (`CompoundSplit`), and are parsed again.
        held: list[tuple[int, int, str]] = []

        def hold(start: int, end: int, message: str) -> None:
            held.append((start, end, message))

        driver = Driver(load_tables(), tokens, src, hold, compound=True)
        try:
            root: n.Expr = driver.run("start")
        except CompoundSplit:
            tokens = split_compound(tokens)
        else:
            for start, end, message in held:
                report(start, end, message)
            return root, driver.builder.or_calls
    driver = Driver(load_tables(), tokens, src, report)
    return driver.run("start"), driver.builder.or_calls
