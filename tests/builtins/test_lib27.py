"""lib27's paths, exact as nix-instantiate 2.26.3 (``fixtures/lib27.json``,
``record_lib27.py``, plain and with ``--show-trace``): lists and elements
whose code gives an evaluated attribute's thunk (``support.evaluate_plain``
takes its value), `foldl'`'s plain twin that gives up or fails, type
predicates on every kind of value."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from evaluator.builtins.support import evaluate_plain
from evaluator.vm.values import Call, Closure, Thunk
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output

CASES: list[dict[str, Any]] = load_cases(__file__, "lib27.json")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _give(t: Thunk) -> Thunk:
    return t


def test_plain_code_giving_an_evaluated_thunk_gives_its_value() -> None:
    inner = Thunk(None)
    inner.code, inner.value = None, 42
    x = Thunk(partial(_give, inner))
    assert evaluate_plain(x) is True
    assert x.code is None and x.value == 42


def test_plain_code_giving_a_thunk_to_evaluate_is_left_to_the_loop() -> None:
    inner = Thunk(partial(int, 3))
    x = Thunk(partial(_give, inner))
    before = x.code
    assert evaluate_plain(x) is False
    assert x.code is before and x.value is None and inner.code is not None


def _frame_ending(v: Any) -> Any:
    return v + 1
    yield  # a frame


def _frame_asking(v: Any) -> Any:
    return (yield v)


def _call(f: Any, x: Any) -> Call:
    # The code of a thunk `f x` (as `shared_code.call`).
    return Call(f, x)


def test_a_call_of_a_lambda_whose_frame_ends_at_once_is_evaluated() -> None:
    x = Thunk(partial(_call, Closure(_frame_ending), 41))
    assert evaluate_plain(x) is True
    assert x.code is None and x.value == 42


@pytest.mark.parametrize("body", [_frame_asking, _frame_ending])
def test_a_call_of_a_lambda_whose_frame_asks_or_fails_is_left(body: Any) -> None:
    # (`_frame_ending` given a string fails: `"s" + 1`.)
    x = Thunk(partial(_call, Closure(body), "s" if body is _frame_ending else Thunk(None)))
    before = x.code
    assert evaluate_plain(x) is False
    assert x.code is before and x.value is None
