"""The LR table in the form the driver runs, computed ahead of time.

:func:`evaluator.syntax.driver._compile` needs, per state, each token type's
action: a shift's target state, or a reduction carrying its goto memo (the
state a reduction leaves the parser in, by the state below what it pops, with
the unit reductions the same lookahead triggers there folded in). Deriving
that from the plain tables was a Python loop over every entry (~12 M
instructions in every process that parses), the memos were filled while
parsing (a Python call per new entry), and loading the plain tables from JSON
cost another ~17 M (with `json`'s import). A :class:`Layout` is that table
already made, memos complete, built by :func:`layout_of` when the tables are
generated and shipped as one `marshal` blob (compressed, in base64) in the generated module
:mod:`evaluator.syntax.nix_tables`: loading it is one C call, and the driver
only fills in each reduction's builder callback. The plain tables (which
error recovery reads) are rebuilt from a layout when asked for
(:func:`plain_actions`).
"""

from __future__ import annotations

import marshal
import sys
import zlib
from array import array
from binascii import a2b_base64, b2a_base64
from sys import intern
from typing import TYPE_CHECKING, Any

from evaluator.syntax.lexer import KEYWORDS, OPERATORS, OTHER_TERMINALS, PUNCT

if TYPE_CHECKING:
    from evaluator.syntax.tables import Rule, Tables

# Every token type the lexer makes (`INVALID` is in no rule, so in no row).
TOKEN_TYPES = frozenset(
    ("$END", *KEYWORDS.values(), *OPERATORS.values(), *PUNCT.values(), *OTHER_TERMINALS)
)


class Layout:
    """The driver's table, before its callbacks are filled in.

    ``rows``: per state, per token type it does not refuse, a shift's target
    (an ``int``) or one of ``reductions``: a list ``[rule, 0, 0, goto]``
    shared by every entry with that rule and goto, where ``goto`` (one of
    ``memos``, shared too) is indexed by the state below what the reduction
    pops and holds the state it leaves the parser in (a list: the loop's
    subscript of it is cheaper than a dict's). :func:`~evaluator.syntax.
    driver._compile` turns each reduction's first three items into what its
    loop reads, in place; ``rules`` keeps each reduction's rule. ``gotos``:
    the plain tables' nonterminal entries, per nonterminal the target by state.
    """

    __slots__ = ("rows", "reductions", "rules", "memos", "gotos")

    def __init__(
        self,
        rows: list[dict[str, Any]],
        reductions: list[list[Any]],
        rules: list[int],
        memos: list[list[int]],
        gotos: dict[str, dict[int, int]],
    ) -> None:
        self.rows = rows
        self.reductions = reductions
        self.rules = rules
        self.memos = memos
        self.gotos = gotos


def layout_of(tables: Tables) -> Layout:
    """The layout of ``tables`` (made when the tables are generated)."""
    actions = tables.actions
    rules = tables.rules
    terminals = tables.terminals
    nstates = len(actions)
    gotos: dict[str, dict[int, int]] = {}
    for state, row in enumerate(actions):
        for sym, act in sorted(row.items()):
            if act >= 0 and sym not in terminals:
                gotos.setdefault(sym, {})[state] = act
    memos: dict[tuple[int, ...], list[int]] = {}
    memo_of: dict[tuple[str, str], list[int]] = {}  # (nonterminal, lookahead)
    reductions: dict[tuple[int, int], list[Any]] = {}  # (rule, id of its memo)
    rows: list[dict[str, Any]] = []
    # Equal rows are one dict (176 of 225 states are distinct).
    distinct: dict[tuple[tuple[str, int], ...], dict[str, Any]] = {}
    for row in actions:
        out: dict[str, Any] = {}
        for sym, act in sorted(row.items()):
            if sym not in terminals:
                continue
            if act >= 0:
                out[sym] = act
                continue
            key = (rules[~act].origin, sym)
            memo = memo_of.get(key)
            if memo is None:
                # A state below that has no such goto is never asked for: the
                # filler would make the loop fail on the next row lookup.
                folded = [nstates] * nstates
                for below, top in _folded(actions, rules, gotos, *key).items():
                    folded[below] = top
                memo = memo_of[key] = memos.setdefault(tuple(folded), folded)
            reduction = reductions.setdefault((~act, id(memo)), [~act, 0, 0, memo])
            out[sym] = reduction
        same = tuple((sym, act if type(act) is int else id(act)) for sym, act in out.items())
        rows.append(distinct.setdefault(same, out))
    rules_of = [rule for rule, _ in reductions]
    return Layout(rows, list(reductions.values()), rules_of, list(memos.values()), gotos)


def _folded(
    actions: list[dict[str, int]],
    rules: list[Rule],
    gotos: dict[str, dict[int, int]],
    origin: str,
    lookahead: str,
) -> dict[int, int]:
    """Where reducing to ``origin`` before ``lookahead`` leaves the parser, by
    the state below: its goto, followed through the unit reductions (alias
    ``pass``, one symbol) the same lookahead triggers there."""
    out: dict[int, int] = {}
    for below, top in sorted(gotos.get(origin, {}).items()):
        try:
            while True:
                act = actions[top].get(lookahead)
                if act is None or act >= 0 or rules[~act].alias != "pass":
                    break
                top = gotos[rules[~act].origin][below]
        except KeyError:  # no such parse: the driver never asks
            continue
        out[below] = top
    return out


def plain_actions(layout: Layout) -> list[dict[str, int]]:
    """The plain tables' rows (keys in sorted order): a shift's target, or
    ``~rule`` for a reduction; a nonterminal's goto target."""
    rule_of = {id(r): rule for r, rule in zip(layout.reductions, layout.rules, strict=True)}
    rows: list[dict[str, int]] = []
    for state, compiled in enumerate(layout.rows):
        row = {sym: act if type(act) is int else ~rule_of[id(act)] for sym, act in compiled.items()}
        for sym, by_state in layout.gotos.items():
            if state in by_state:
                row[sym] = by_state[state]
        rows.append(dict(sorted(row.items())))
    return rows


# The memos travel as one array of integers (one object for `marshal`, not
# one per entry), each reduction naming its memo by index until loaded.


def dumps(layout: Layout) -> str:
    """``layout`` as a `marshal` blob (version 4: an object met twice is
    written once, so the rows share their reductions), compressed, in base64."""
    index = {id(memo): i for i, memo in enumerate(layout.memos)}
    reductions = [[*r[:3], index[id(r[3])]] for r in layout.reductions]
    by_id = {id(r): new for r, new in zip(layout.reductions, reductions, strict=True)}
    new_rows: dict[int, dict[str, Any]] = {}  # by the id of the row: shared rows stay shared
    for row in layout.rows:
        if id(row) not in new_rows:
            # Interned: one object per name, so `marshal` writes each once
            # whichever string objects lark made (else the blob varies).
            new_rows[id(row)] = {intern(sym): by_id.get(id(act), act) for sym, act in row.items()}
    rows = [new_rows[id(row)] for row in layout.rows]
    flat = [state for memo in layout.memos for state in memo]
    code = "B" if max(flat, default=0) < 256 else "H"
    memos = array(code, flat)
    if sys.byteorder == "big":
        memos.byteswap()
    width = len(layout.memos[0]) if layout.memos else 0
    gotos = {intern(sym): by_state for sym, by_state in layout.gotos.items()}
    data = (rows, reductions, layout.rules, gotos, code, width, memos.tobytes())
    blob = zlib.compress(marshal.dumps(data, 4), 9)
    return b2a_base64(blob, newline=False).decode("ascii")


def loads(text: str) -> Layout:
    """The layout :func:`dumps` wrote."""
    blob = zlib.decompress(a2b_base64(text))
    rows, reductions, rules, gotos, code, width, packed = marshal.loads(blob)
    flat = array(code, packed)
    if sys.byteorder == "big":
        flat.byteswap()
    states = flat.tolist()
    memos = [states[at : at + width] for at in range(0, len(states), width)]
    for reduction in reductions:
        reduction[3] = memos[reduction[3]]
    return Layout(rows, reductions, rules, memos, gotos)
