"""Budget.max_call_depth: every call counts, tail calls one deeper than the frame they replace."""

from __future__ import annotations

import pytest

from evaluator.api import Evaluator
from evaluator.vm.errors import BudgetExceeded
from evaluator.vm.loop import Budget

COUNT_DOWN = {
    "tail": "let f = n: if n == 0 then 0 else f (n - 1); in f {n}",
    "non-tail": "let f = n: if n == 0 then 0 else 0 + f (n - 1); in f {n}",
    "formals": "let f = {{ n }}: if n == 0 then 0 else f {{ n = n - 1; }}; in f {{ n = {n}; }}",
    "functor": ("let s = {{ __functor = self: n: if n == 0 then 0 else self (n - 1); }}; in s {n}"),
    "builtin callback": (
        "let f = n: if n == 0 then 0 else builtins.head (builtins.map f [ (n - 1) ]); in f {n}"
    ),
}


def _eval(src: str, **budget: int) -> object:
    ev = Evaluator(budget=Budget(**budget))
    return ev.render(ev.eval_source(src))


@pytest.mark.parametrize("shape", sorted(COUNT_DOWN))
def test_depth_bounds_every_kind_of_call(shape: str) -> None:
    src = COUNT_DOWN[shape].format(n=300)
    assert _eval(src, max_call_depth=10_000) == "0"
    with pytest.raises(BudgetExceeded, match=r"^stack overflow; max-call-depth exceeded$"):
        _eval(src, max_call_depth=200)


def test_depth_is_released_when_calls_return() -> None:
    # 1000 calls in sequence, none nested deeper than a few frames.
    src = "builtins.foldl' (acc: x: acc + (x: x) x) 0 (builtins.genList (i: i) 1000)"
    assert _eval(src, max_call_depth=50) == "499500"


def test_zero_or_none_means_no_limit() -> None:
    endless = "let f = x: f x; in f 1"
    for depth in (0, None):
        with pytest.raises(BudgetExceeded, match=r"\(steps\)"):
            Evaluator(budget=Budget(max_steps=20_000, max_call_depth=depth)).eval_source(endless)
    with pytest.raises(BudgetExceeded, match="max-call-depth"):
        _eval(endless, max_steps=20_000, max_call_depth=1000)


def test_try_eval_does_not_catch_it() -> None:
    src = "builtins.tryEval (let f = x: f x; in f 1)"
    with pytest.raises(BudgetExceeded, match="max-call-depth"):
        _eval(src, max_call_depth=1000)
