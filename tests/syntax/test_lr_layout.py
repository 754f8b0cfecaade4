"""The driver's table (shipped as `lr_layout`) against the plain LR tables."""

from __future__ import annotations

from evaluator.syntax import driver, parse
from evaluator.syntax.lr_layout import TOKEN_TYPES
from evaluator.syntax.tables import load_tables


def _plain_goto(below: int, origin: str, lookahead: str) -> int:
    """Where the plain tables leave the parser after reducing to ``origin``
    over ``below``, doing the unit reductions ``lookahead`` triggers one by one."""
    tables = load_tables()
    top = tables.actions[below][origin]
    while True:
        act = tables.actions[top].get(lookahead)
        if act is None or act >= 0 or tables.rules[~act].alias != "pass":
            return top
        top = tables.actions[below][tables.rules[~act].origin]


def test_every_entry_is_the_plain_tables_action() -> None:
    tables = load_tables()
    table = driver._compile(tables)
    assert len(table) == len(tables.actions)
    checked = 0
    for state, (row, plain) in enumerate(zip(table, tables.actions, strict=True)):
        for sym in tables.terminals | TOKEN_TYPES:
            act = plain.get(sym) if sym in tables.terminals else None
            got = row.get(sym)
            if act is None:
                assert got is None, (state, sym)
            elif act >= 0:
                assert got == act and type(got) is int, (state, sym)
            else:
                rule = tables.rules[~act]
                kind, fn, size, goto = got
                assert (kind, fn, size) == driver._how(tables, rule), (state, sym)
                for below, plain_row in enumerate(tables.actions):
                    if rule.origin in plain_row:
                        assert goto[below] == _plain_goto(below, rule.origin, sym)
                        checked += 1
    assert checked > 50_000


def test_rows_share_reductions_and_gotos() -> None:
    table = driver._compile(load_tables())
    reductions = {id(a): a for row in table for a in row.values() if type(a) is list}
    assert len(reductions) < sum(type(a) is list for row in table for a in row.values())
    assert len({id(r[3]) for r in reductions.values()}) < len(reductions)


def test_a_refused_token_type_is_a_syntax_error_at_it() -> None:
    # `INVALID` is in no row: the loop's failed look-up is the error (as
    # when rows held every token type, `None` for an error).
    result = parse(b"let a = 1; in a \x01")
    message = "syntax error, unexpected invalid token, expecting end of file"
    assert [(e.start, e.message) for e in result.errors] == [(16, message)]
