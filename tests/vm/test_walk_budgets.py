"""Value walkers honour the budget, and cyclic values end with Nix's error.

Printing, coercion, JSON/XML, equality, deepSeq, sorting, genericClosure and
`split` walk values in plain Python loops. Each is run here on an already
evaluated value (so the loop itself never gets control) with cancellation
asked before it starts: only the walker's own checks can stop it. Cycles
(possible through laziness) end as C++ Nix 2.26 ends them, answers recorded
with ``nix-instantiate --eval --strict`` 2.26.3.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.builtins import regex
from evaluator.builtins.json import to_json
from evaluator.builtins.xml import xml_document
from evaluator.vm import ops
from evaluator.vm.budget import ACTIVE
from evaluator.vm.deep_force import deep_force
from evaluator.vm.errors import BudgetExceeded, Cancelled, NixError
from evaluator.vm.loop import Budget, run
from evaluator.vm.printer import render
from evaluator.vm.values import Frame, NixList

N = 300_000


def _forced(text: str) -> Any:
    ev = Evaluator()
    return ev.eval_source(text, strict=True)


def _frame(fn: Any, *args: Any) -> Frame:
    return (yield from fn(*args))


def _plain(fn: Any, *args: Any) -> Frame:
    return fn(*args)
    yield  # pragma: no cover


BIG_LIST = f"builtins.genList (x: x) {N}"
BIG_SETS = f"builtins.genList (x: {{ a = x; }}) {N}"

WALKERS = {
    "toJSON": lambda v: _frame(to_json, v),
    "toXML": lambda v: _frame(xml_document, v),
    "toString": lambda v: _frame(ops.to_string, v),
    "equality": lambda v: _frame(ops.equal, v, NixList(v)),
    "lessThan": lambda v: _frame(ops.less_than, v, NixList([*v, 1])),
    "deepSeq": lambda v: _frame(deep_force, v),
    "printing": lambda v: _plain(render, v),
}


@pytest.mark.parametrize("walker", sorted(WALKERS))
def test_walkers_stop_when_cancelled(walker: str) -> None:
    value = _forced(BIG_SETS if walker != "toString" else BIG_LIST)
    flag = threading.Event()
    flag.set()
    with pytest.raises(Cancelled):
        run(WALKERS[walker](value), cancel=flag)


@pytest.mark.parametrize(
    "expr",
    [
        f"builtins.sort builtins.lessThan (map (x: [ x ]) ({BIG_LIST}))",
        "builtins.length (builtins.genericClosure { startSet = map (x: { key = [ x ]; })"
        f" ({BIG_LIST}); operator = x: [ ]; }})",
        # (`split` of an ASCII string runs in C now: five times as many pieces.)
        'builtins.length (builtins.split "a" (builtins.concatStringsSep ""'
        f' (map (x: "ab") (builtins.genList (x: x) {5 * N}))))',
        # genList alone is quick per element: five times as many, well past the limit.
        f"builtins.length (builtins.genList (x: x) {5 * N})",
    ],
)
def test_bulk_builtins_check_the_time_budget(expr: str) -> None:
    ev = Evaluator(budget=Budget(timeout=0.3))
    with pytest.raises(BudgetExceeded, match="time"):
        ev.eval_source(f"builtins.deepSeq ({expr}) 1")


def test_split_in_c_checks_the_budget_for_its_pieces() -> None:
    """`split` of an ASCII string (`re.split`, lib26) counts its pieces against
    the budget as its loop over the matches did: a step budget stops it."""
    token = ACTIVE.set(Budget(max_steps=1000))
    try:
        with pytest.raises(BudgetExceeded, match="steps"):
            regex.split("a", "ab" * 200_000)
    finally:
        ACTIVE.reset(token)
    token = ACTIVE.set(Budget(max_steps=10**9))
    try:
        assert len(regex.split("a", "ab" * 200_000)) == 400_001
    finally:
        ACTIVE.reset(token)


STACK_OVERFLOW = "stack overflow (possible infinite recursion)"


@pytest.mark.parametrize(
    "expr,message",
    [
        ("let s = { inherit s; }; in builtins.toJSON s", STACK_OVERFLOW),
        ("let a = { x = a; }; b = { x = b; }; in a == b", STACK_OVERFLOW),
        ("let a = [ a ]; b = [ b ]; in a == b", STACK_OVERFLOW),
        ("let l = [ l ]; in toString l", STACK_OVERFLOW),
    ],
)
def test_cycles_end_as_in_nix_without_any_budget(expr: str, message: str) -> None:
    with pytest.raises(NixError) as info:
        Evaluator().eval_source(expr, strict=True)
    assert info.value.message == message


@pytest.mark.parametrize(
    "expr,printed",
    [
        ("let s = { inherit s; }; in s == s", "true"),
        ("let l = [ l ]; in l == l", "true"),
        ("let l = [ l ]; in builtins.deepSeq l 1", "1"),
        ("let s = { inherit s; }; in s", "{ s = «repeated»; }"),
    ],
)
def test_cycles_nix_can_handle(expr: str, printed: str) -> None:
    ev = Evaluator()
    assert ev.render(ev.eval_source(expr, strict=True), strict=True) == printed


def test_cyclic_to_xml_ends_on_the_budget() -> None:
    # Nix 2.26 never ends on this one (it was interrupted after 20 s).
    ev = Evaluator(budget=Budget(timeout=2, max_memory=200 << 20))
    with pytest.raises(BudgetExceeded):
        ev.eval_source("let s = { inherit s; }; in builtins.toXML s")
