"""LALR(1) tables for `nix.lark`, built by lark and flattened for the driver.

lark computes the tables; :mod:`evaluator.syntax.driver` runs them with its
own loop (iterative, with error recovery and several start symbols), so the
tables are turned into plain dicts of ints here: a shift is the target state
(``>= 0``), a reduce is ``~rule_index`` (``< 0``); nonterminal gotos live in
the same per-state dict.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GRAMMAR_PATH = Path(__file__).with_name("nix.lark")
START_SYMBOLS = ("start", "start_binding")
_CACHE_VERSION = b"4"


@dataclass(frozen=True, slots=True)
class Rule:
    """One grammar rule as the driver needs it."""

    size: int  # number of symbols on the right-hand side
    origin: str  # the nonterminal it reduces to
    alias: str  # callback name in the tree builder


@dataclass(frozen=True, slots=True)
class Tables:
    """The flattened parse tables."""

    actions: list[dict[str, int]]
    rules: list[Rule]
    start_states: dict[str, int]
    end_states: dict[str, int]
    terminals: frozenset[str]


def _build(grammar: str) -> Tables:
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
    return Tables(
        actions,
        rules,
        {str(k): v for k, v in table.start_states.items()},
        {str(k): v for k, v in table.end_states.items()},
        frozenset(terminals),
    )


def _cache_path(digest: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nixls" / f"tables-{digest}.pickle"


@functools.cache
def load_tables() -> Tables:
    """The tables, from a cache keyed by the grammar's hash when possible.

    Building them with lark takes a few hundred milliseconds; the cache makes
    start-up of the CLI and of tests cheap. Any cache problem just rebuilds.
    """
    grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
    # keyed by the grammar and by this module (which shapes the pickled data)
    key = _CACHE_VERSION + grammar.encode() + Path(__file__).read_bytes()
    digest = hashlib.sha256(key).hexdigest()[:16]
    path = _cache_path(digest)
    try:
        with open(path, "rb") as f:
            cached = pickle.load(f)
        if isinstance(cached, Tables):
            return cached
    except Exception:  # noqa: BLE001 - a broken cache only costs a rebuild
        pass
    tables = _build(grammar)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(tables, f)
        os.replace(tmp, path)
        for old in path.parent.glob("tables-*.pickle"):  # earlier grammar versions
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return tables
