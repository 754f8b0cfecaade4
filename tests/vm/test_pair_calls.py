"""A tail `f a b` of a builtin of two arguments: ``Call(f, (a, b), site)``.

Both arguments at once (``values.Call``'s pair form), started by the loop in
``_tail``, in ``_run``'s thunk path and in ``_dispatch``. None of it may be
observable: ``fixtures/pair_calls.json`` holds nix-instantiate 2.26.3's output
(``record_pair_calls.py``, plain and with ``--show-trace``), and
``fixtures/pair_calls_budgets.json`` main's outcomes (before the pair form) at
every call-depth limit and every step budget.
"""

from __future__ import annotations

from typing import Any

import pytest

from evaluator.front_end import compile_source
from evaluator.vm.loop import _dispatch
from evaluator.vm.values import Call, PrimOp, PrimOpApp
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output
from tests.vm.record_loop21_tails import outcome, recorded_budgets

CASES = load_cases(__file__, "pair_calls.json")
BUDGETS = load_cases(__file__, "pair_calls_budgets.json")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


@pytest.mark.parametrize("rec", BUDGETS, ids=lambda r: r["text"][:40])
def test_depths_and_steps_as_main(rec: dict[str, Any]) -> None:
    for budget, want in recorded_budgets(rec):
        assert outcome(rec["text"], budget) == want, budget


def test_tail_sites_give_both_arguments_at_once() -> None:
    text = b"z: builtins.map z [ 1 ]"
    python = compile_source(text, "/virtual/pair.nix", "/virtual").python
    line = next(line for line in python.splitlines() if "arity == 2: return" in line)
    assert "PrimOpApp" not in line and "Call(" in line


def _pair(a: Any, b: Any) -> Any:
    return ("pair", a, b)


def test_dispatch_applies_the_pair_and_partly_applies_a_value() -> None:
    op = PrimOp("p", 2, _pair)
    assert _dispatch(Call(op, ("a", "b"))) == ("pair", "a", "b")
    app = _dispatch(Call(op, "a"))  # a Nix value (never a tuple): partly applied
    assert type(app) is PrimOpApp and app.args == ("a",)
