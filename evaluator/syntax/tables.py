"""LALR(1) tables for `nix.lark`, built by lark and flattened for the driver.

lark computes the tables; :mod:`evaluator.syntax.driver` runs them with its
own loop (iterative, with error recovery and several start symbols), so the
tables are turned into plain dicts of ints here: a shift is the target state
(``>= 0``), a reduce is ``~rule_index`` (``< 0``); nonterminal gotos live in
the same per-state dict. They ship as the generated module
:mod:`evaluator.syntax.nix_tables` (loaded from its bytecode; regenerated with
``python -m evaluator.syntax.make_tables``) in the form the driver runs
(:mod:`evaluator.syntax.lr_layout`): nothing is built or written at run time,
and the plain dicts are made only when error recovery asks for them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from evaluator.syntax import lr_layout
from evaluator.syntax.lr_layout import Layout, layout_of, plain_actions

if TYPE_CHECKING:
    from pathlib import Path

try:  # CPython's own SHA-256: `hashlib` loads OpenSSL, ~3 ms of a cold start
    from _sha256 import sha256
except ImportError:
    try:  # its name from CPython 3.12 on
        from _sha2 import sha256
    except ImportError:  # another Python
        from hashlib import sha256

# Paths as strings: `pathlib` (with urllib.parse, ipaddress, fnmatch) was
# imported by every cold evaluation for these two names alone.
_HERE = os.path.dirname(os.path.abspath(__file__))
_GRAMMAR_FILE = os.path.join(_HERE, "nix.lark")
# Generated from the grammar by `python -m evaluator.syntax.make_tables`.
_TABLES_FILE = os.path.join(_HERE, "nix_tables.py")
GRAMMAR_PATH: Path  # as Path objects, made on first use (make_tables, tests)
TABLES_PATH: Path


def __getattr__(name: str) -> Any:
    if name in ("GRAMMAR_PATH", "TABLES_PATH"):
        from pathlib import Path

        return Path(_GRAMMAR_FILE if name == "GRAMMAR_PATH" else _TABLES_FILE)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


START_SYMBOLS = ("start", "start_binding")
# Changes when the shape of the shipped data changes.
_FORMAT = "nixls-lalr-tables-2\n"


# Plain classes, not dataclasses: see evaluator/syntax/nodes.py.


class Rule:
    """One grammar rule as the driver needs it."""

    __slots__ = ("size", "origin", "alias")

    size: int  # number of symbols on the right-hand side
    origin: str  # the nonterminal it reduces to
    alias: str  # callback name in the tree builder

    def __init__(self, size: int, origin: str, alias: str) -> None:
        self.size = size
        self.origin = origin
        self.alias = alias


class Tables:
    """The flattened parse tables.

    ``actions`` (the plain rows) and ``layout`` (the driver's form) are each
    made from the other on first use: the shipped tables have the layout only.
    """

    __slots__ = ("_actions", "rules", "start_states", "end_states", "terminals", "_layout")

    rules: list[Rule]
    start_states: dict[str, int]
    end_states: dict[str, int]
    terminals: frozenset[str]

    def __init__(
        self,
        actions: list[dict[str, int]] | None,
        rules: list[Rule],
        start_states: dict[str, int],
        end_states: dict[str, int],
        terminals: frozenset[str],
        layout: Layout | None = None,
    ) -> None:
        self._actions = actions
        self.rules = rules
        self.start_states = start_states
        self.end_states = end_states
        self.terminals = terminals
        self._layout = layout

    @property
    def actions(self) -> list[dict[str, int]]:
        """Per state, per symbol: a shift's (or goto's) target, or ``~rule``."""
        if self._actions is None:
            self._actions = plain_actions(self.layout)
        return self._actions

    @property
    def layout(self) -> Layout:
        """The tables as :func:`evaluator.syntax.driver._compile` reads them."""
        if self._layout is None:
            self._layout = layout_of(self)
        return self._layout


def build_tables(grammar: str) -> Tables:
    """The tables lark builds for ``grammar`` (a few hundred milliseconds)."""
    from lark import Lark
    from lark import Token as LarkToken
    from lark.lexer import Lexer
    from lark.parsers.lalr_analysis import Shift

    class _NoLexer(Lexer):
        """The lexer is ours (`lexer.py`); lark only builds the tables."""

        def __init__(self, conf: object) -> None:
            pass

        def lex(self, lexer_state: object, parser_state: object) -> Iterator[LarkToken]:
            raise NotImplementedError

    lark = Lark(grammar, parser="lalr", lexer=_NoLexer, start=list(START_SYMBOLS), strict=True)
    table = lark.parser.parser.parser.parse_table
    rule_index: dict[object, int] = {}
    rules: list[Rule] = []
    for state_actions in table.states.values():
        for action, arg in state_actions.values():
            if action is not Shift and arg not in rule_index:
                rule_index[arg] = len(rules)
                rules.append(
                    Rule(len(arg.expansion), str(arg.origin.name), str(arg.alias or "pass"))
                )
    nstates = max(table.states) + 1
    actions: list[dict[str, int]] = [{} for _ in range(nstates)]
    for state, state_actions in table.states.items():
        for sym, (action, arg) in state_actions.items():
            # plain str keys: lark's own Token keys compare slowly
            actions[state][str(sym)] = arg if action is Shift else ~rule_index[arg]
    # lark names terminals in upper case (ours are all %declare'd, so they
    # are not in lark.terminals); rules are lower case
    terminals = frozenset(sym for row in actions for sym in row if not sym[:1].islower())
    return _canonical(
        Tables(
            actions,
            rules,
            {str(k): v for k, v in table.start_states.items()},
            {str(k): v for k, v in table.end_states.items()},
            frozenset(terminals),
        )
    )


def _canonical(tables: Tables) -> Tables:
    """The same tables with states and rules numbered in a fixed order.

    lark numbers them in an order that varies with string hashing; here
    states are numbered breadth-first from the start states (symbols in
    sorted order) and rules by first use, so the shipped file is the same
    whenever it is regenerated from the same grammar.
    """
    order: dict[int, int] = {}
    queue = [tables.start_states[name] for name in sorted(tables.start_states)]
    for state in queue:
        order.setdefault(state, len(order))
    queue = list(order)
    for state in queue:
        for _sym, target in sorted(tables.actions[state].items()):
            if target >= 0 and target not in order:
                order[target] = len(order)
                queue.append(target)
    rule_order: dict[int, int] = {}
    rules: list[Rule] = []
    actions: list[dict[str, int]] = []
    for state in queue:
        row: dict[str, int] = {}
        for sym, target in sorted(tables.actions[state].items()):
            if target >= 0:
                row[sym] = order[target]
                continue
            if ~target not in rule_order:
                rule_order[~target] = len(rules)
                rules.append(tables.rules[~target])
            row[sym] = ~rule_order[~target]
        actions.append(row)
    return Tables(
        actions,
        rules,
        {name: order[s] for name, s in tables.start_states.items()},
        {name: order[s] for name, s in tables.end_states.items()},
        tables.terminals,
    )


def grammar_digest(grammar: str | bytes) -> str:
    """What the shipped tables record of the grammar they were built from
    (its text, or that text in UTF-8)."""
    data = grammar.encode() if isinstance(grammar, str) else grammar
    return sha256(_FORMAT.encode() + data).hexdigest()


def source(tables: Tables, grammar: str) -> str:
    """The text of the generated module :mod:`evaluator.syntax.nix_tables`."""
    lines = [
        '"""Generated by ``python -m evaluator.syntax.make_tables``: do not edit.',
        "",
        "The LALR tables of ``nix.lark``; ``LAYOUT`` is the driver's table (see",
        '`tables`, `lr_layout`): a `marshal` blob, compressed, in base64."""',
        "",
        f'GRAMMAR_SHA256 = "{grammar_digest(grammar)}"',
        f"START_STATES = {_names(tables.start_states)}",
        f"END_STATES = {_names(tables.end_states)}",
        *_tuple("TERMINALS", [f'"{t}"' for t in sorted(tables.terminals)]),
        *_tuple("RULES", [f'({r.size}, "{r.origin}", "{r.alias}")' for r in tables.rules]),
        *_text("LAYOUT", lr_layout.dumps(tables.layout)),
    ]
    return "\n".join(lines) + "\n"


def _names(mapping: dict[str, int]) -> str:
    return "{" + ", ".join(f'"{k}": {v}' for k, v in sorted(mapping.items())) + "}"


def _tuple(name: str, items: list[str]) -> list[str]:
    return [f"{name} = (", *(f"    {item}," for item in items), ")"]


def _text(name: str, text: str) -> list[str]:
    chunks = [text[i : i + 92] for i in range(0, len(text), 92)]
    return [f"{name} = (", *(f'    "{chunk}"' for chunk in chunks), ")"]


def _shipped() -> tuple[str, Tables]:
    """The generated module's tables and the digest they record."""
    from evaluator.syntax import nix_tables as data

    tables = Tables(
        None,
        [Rule(size, origin, alias) for size, origin, alias in data.RULES],
        dict(data.START_STATES),
        dict(data.END_STATES),
        frozenset(data.TERMINALS),
        lr_layout.loads(data.LAYOUT),
    )
    return data.GRAMMAR_SHA256, tables


@functools.cache
def load_tables() -> Tables:
    """The tables shipped with the package (:mod:`evaluator.syntax.nix_tables`).

    They are built from the grammar ahead of time (``python -m
    evaluator.syntax.make_tables``; a test checks they match it). Should the
    grammar have changed since, they are rebuilt in memory (slower start,
    nothing written anywhere).
    """
    with open(_GRAMMAR_FILE, "rb") as f:  # no text layer: the digest is of the bytes
        grammar = f.read()
    try:
        digest, tables = _shipped()
    except (ImportError, AttributeError, ValueError, TypeError, EOFError):
        digest = ""
    if digest != grammar_digest(grammar):
        tables = build_tables(grammar.decode("utf-8"))
    return tables
