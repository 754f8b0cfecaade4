"""`foldl'` over elements not evaluated yet: an element whose code is a plain
function (`genList (i: i * 2)`) is evaluated by `foldl'` itself before the
function is applied (`support.evaluate_plain`), which must not be observable:
elements the function does not use, that fail, trace or end in calls behave
as C++ Nix's.

``fixtures/fold_elements.json`` holds nix-instantiate 2.26.3's exit status,
stdout and whole stderr (``record_fold_elements.py``), plain and with
``--show-trace``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.builtins.support import evaluate_ahead, evaluate_plain
from evaluator.vm.budget import Budget
from evaluator.vm.errors import BudgetExceeded
from evaluator.vm.values import BLACKHOLE, Call, Thunk
from tests.vm.nix_oracle import (
    case_param,
    load_cases,
    recorded,
    strict_output,
    xfail_because,
)

CASES: list[dict[str, Any]] = load_cases(__file__, "fold_elements.json")

# (A failing `genList` element named its lambda twice until
# `call_trace._record_owner` marked a tail-ending body seen.)
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize(
    "case", [case_param(c, xfail_because(KNOWN.get(c["expr"]))) for c in CASES]
)
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _double(i: int) -> int:
    return i * 2


def _waits(i: int) -> Any:
    return (yield Thunk(None)) + i


def _fails(i: int) -> int:
    raise ZeroDivisionError


def _tail(i: int) -> Call:
    return Call(_double, i)


def test_a_plain_element_is_evaluated_at_once() -> None:
    x = Thunk(partial(_double, 21))  # type: ignore[arg-type]
    evaluate_plain(x)
    assert x.code is None and x.value == 42


@pytest.mark.parametrize("code", [_waits, _fails, _tail])
def test_other_elements_are_left_to_the_loop(code: Any) -> None:
    x = Thunk(partial(code, 1))
    before = x.code
    evaluate_plain(x)
    assert x.code is before and x.value is None


def test_an_element_being_evaluated_is_left_alone() -> None:
    x = Thunk(partial(_double, 1))  # type: ignore[arg-type]
    x.value, x.code = x.code, BLACKHOLE
    evaluate_plain(x)
    assert x.code is BLACKHOLE


def test_a_fold_evaluating_its_elements_still_checks_the_budget() -> None:
    # No trip through the loop per element: `foldl'` counts the steps itself.
    ev = Evaluator(budget=Budget(max_steps=20_000))
    with pytest.raises(BudgetExceeded):
        ev.eval_source("builtins.foldl' (a: x: a + x) 0 (builtins.genList (i: i) 1000000)")


def _frame_ends(i: int) -> Any:
    return i * 3
    yield  # a generator function: a frame that ends at once


def _frame_asks(x: Thunk) -> Any:
    return (yield x) + 1


def _frame_fails(i: int) -> Any:
    raise ZeroDivisionError
    yield


def _frame_tails(i: int) -> Any:
    return Call(_double, i)
    yield


def test_a_frame_ending_at_once_is_run_ahead() -> None:
    x = Thunk(partial(_frame_ends, 5))  # type: ignore[arg-type]
    assert evaluate_ahead(x) is True
    assert x.code is None and x.value == 15


@pytest.mark.parametrize("code", [_frame_fails, _frame_tails])
def test_a_frame_failing_or_ending_in_a_tail_is_left_to_the_loop(code: Any) -> None:
    x = Thunk(partial(code, 1))
    before = x.code
    assert evaluate_ahead(x) is False
    assert x.code is before and x.value is None


def test_a_frame_asking_for_itself_is_left_to_the_loop() -> None:
    # Blackholed while it runs ahead: it asks for its own thunk (the loop
    # would report infinite recursion), and is dropped, the thunk restored.
    x = Thunk(None)
    x.code = partial(_frame_asks, x)
    before = x.code
    assert evaluate_ahead(x) is False
    assert x.code is before and x.value is None


def test_a_frame_asking_is_left_to_the_loop_and_runners_go_on() -> None:
    # A frame that asks is dropped with the runner that ran it; the next
    # element is run by another, and frames that end give their values.
    y = Thunk(partial(_frame_ends, 4))  # type: ignore[arg-type]
    x = Thunk(partial(_frame_asks, y))
    assert evaluate_ahead(x) is False
    assert x.value is None and y.code is not None
    for i in range(3):
        z = Thunk(partial(_frame_ends, i))  # type: ignore[arg-type]
        assert evaluate_ahead(z) is True and z.value == 3 * i
