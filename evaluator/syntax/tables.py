"""LALR(1) tables for `nix.lark`, built by lark and flattened for the driver.

lark computes the tables; :mod:`evaluator.syntax.driver` runs them with its
own loop (iterative, with error recovery and several start symbols), so the
tables are turned into plain dicts of ints here: a shift is the target state
(``>= 0``), a reduce is ``~rule_index`` (``< 0``); nonterminal gotos live in
the same per-state dict. They ship as package data (``nix_tables.json``,
regenerated with ``python -m evaluator.syntax.make_tables``): nothing is built or
written at run time.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

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
# Generated from the grammar by `python -m evaluator.syntax.make_tables`; package data.
_TABLES_FILE = os.path.join(_HERE, "nix_tables.json")
GRAMMAR_PATH: Path  # as Path objects, made on first use (make_tables, tests)
TABLES_PATH: Path


def __getattr__(name: str) -> Any:
    if name in ("GRAMMAR_PATH", "TABLES_PATH"):
        from pathlib import Path

        return Path(_GRAMMAR_FILE if name == "GRAMMAR_PATH" else _TABLES_FILE)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


START_SYMBOLS = ("start", "start_binding")
# Changes when the shape of the shipped data changes.
_FORMAT = "nixls-lalr-tables-1\n"


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
    """The flattened parse tables."""

    __slots__ = ("actions", "rules", "start_states", "end_states", "terminals")

    actions: list[dict[str, int]]
    rules: list[Rule]
    start_states: dict[str, int]
    end_states: dict[str, int]
    terminals: frozenset[str]

    def __init__(
        self,
        actions: list[dict[str, int]],
        rules: list[Rule],
        start_states: dict[str, int],
        end_states: dict[str, int],
        terminals: frozenset[str],
    ) -> None:
        self.actions = actions
        self.rules = rules
        self.start_states = start_states
        self.end_states = end_states
        self.terminals = terminals


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


def grammar_digest(grammar: str) -> str:
    """What the shipped tables record of the grammar they were built from."""
    return sha256(_FORMAT.encode() + grammar.encode()).hexdigest()


def dumps(tables: Tables, grammar: str) -> str:
    """The tables as the JSON text shipped beside the grammar (one state a line)."""

    def compact(value: object) -> str:
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    rules = ",\n  ".join(compact([r.size, r.origin, r.alias]) for r in tables.rules)
    actions = ",\n  ".join(compact(row) for row in tables.actions)
    return (
        "{\n"
        f' "grammar_sha256": {compact(grammar_digest(grammar))},\n'
        f' "start_states": {compact(tables.start_states)},\n'
        f' "end_states": {compact(tables.end_states)},\n'
        f' "terminals": {compact(sorted(tables.terminals))},\n'
        f' "rules": [\n  {rules}\n ],\n'
        f' "actions": [\n  {actions}\n ]\n'
        "}\n"
    )


def _loads(text: str) -> tuple[str, Tables]:
    data = json.loads(text)
    tables = Tables(
        data["actions"],
        [Rule(size, origin, alias) for size, origin, alias in data["rules"]],
        data["start_states"],
        data["end_states"],
        frozenset(data["terminals"]),
    )
    return data["grammar_sha256"], tables


@functools.cache
def load_tables() -> Tables:
    """The tables shipped with the package (:data:`TABLES_PATH`).

    They are built from the grammar ahead of time (``python -m
    evaluator.syntax.make_tables``; a test checks they match it). Should the
    grammar have changed since, they are rebuilt in memory (slower start,
    nothing written anywhere).
    """
    with open(_GRAMMAR_FILE, encoding="utf-8") as f:
        grammar = f.read()
    try:
        with open(_TABLES_FILE, encoding="utf-8") as f:
            digest, tables = _loads(f.read())
    except (OSError, ValueError, KeyError, TypeError):
        digest = ""
    if digest != grammar_digest(grammar):
        tables = build_tables(grammar)
    return tables
