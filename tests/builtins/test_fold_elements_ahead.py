"""`fold_elements.Elements`: `foldl'`'s elements run ahead with the fold's own
runner (`support.evaluate_ahead` inline). The same rules as `evaluate_ahead`:
a frame that ends at once gives its value, one that asks, fails or ends in a
tail is dropped (its thunk restored) and that code is not tried again.
The fold over such elements is checked against C++ Nix in
`test_fold_elements.py` (`range`-like elements found, failing, tracing).
"""

from __future__ import annotations

from functools import partial
from types import MethodType
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.builtins.fold_elements import Elements
from evaluator.vm.values import Call, Thunk


def _ends(first: int, i: int) -> Any:
    return first + i
    yield  # a generator function: a frame that ends at once


def _asks(first: Thunk, i: int) -> Any:
    return (yield first) + i


def _fails(first: int, i: int) -> Any:
    raise ZeroDivisionError
    yield


def _tails(first: int, i: int) -> Any:
    return Call(first, i)
    yield


def _elements(code: Any, n: int, first: Any = 10) -> list[Thunk]:
    # (`genList`'s element thunks: bound methods of the function's code.)
    fn = partial(code, first)
    return [Thunk(MethodType(fn, i)) for i in range(n)]


def test_frames_ending_at_once_are_evaluated_one_after_another() -> None:
    seen = Elements()
    xs = _elements(_ends, 5)
    for x in xs:
        seen.evaluate(x, x.code)
    assert [(x.code, x.value) for x in xs] == [(None, 10 + i) for i in range(5)]
    assert seen.neither is None and seen.runner is not None


@pytest.mark.parametrize("code", [_fails, _tails])
def test_a_failing_or_tailing_frame_is_left_and_its_code_not_tried_again(code: Any) -> None:
    seen = Elements()
    xs = _elements(code, 3)
    codes: list[Any] = [x.code for x in xs]
    for x in xs:
        seen.evaluate(x, x.code)
    assert [x.code for x in xs] == codes and all(x.value is None for x in xs)
    assert seen.neither is codes[0].__func__


def test_a_later_failing_element_stops_the_runs_ahead() -> None:
    # Elements of one code: the first end at once, one then fails (left to
    # the loop), and the next are not run ahead any more (left unevaluated).
    seen = Elements()
    fn = partial(_ends, 1)
    xs = [Thunk(MethodType(fn, i)) for i in range(2)]
    bad = Thunk(MethodType(fn, "x"))  # `1 + "x"` raises a TypeError in the frame
    rest = [Thunk(MethodType(fn, i)) for i in range(2, 4)]
    for x in [*xs, bad, *rest]:
        seen.evaluate(x, x.code)
    assert [x.value for x in xs] == [1, 2]
    assert bad.code is not None and bad.value is None
    assert all(x.code is not None for x in rest)


def test_a_frame_asking_is_left_and_the_next_codes_still_run() -> None:
    # The runner that relayed the request is dropped; a new one runs the
    # elements of the next code.
    first = Thunk(partial(_ends, 1, 1))  # type: ignore[arg-type]
    seen = Elements()
    asking = _elements(_asks, 2, first)
    for x in asking:
        seen.evaluate(x, x.code)
    assert all(x.code is not None and x.value is None for x in asking)
    assert first.code is not None  # (asked for, never forced here)
    ending = _elements(_ends, 3)
    for x in ending:
        seen.evaluate(x, x.code)
    assert [x.value for x in ending] == [10, 11, 12]


def test_a_frame_asking_for_its_own_element_is_left() -> None:
    # Blackholed while it runs ahead: it asks for its own thunk and is dropped.
    seen = Elements()
    x = Thunk(None)
    x.code = MethodType(partial(_asks, x), 0)
    before = x.code
    seen.evaluate(x, before)
    assert x.code is before and x.value is None


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        # `range`'s elements (frames only because `first` might be a thunk).
        (
            "let first = 1 + 0; in builtins.foldl' (a: x: a + x) 0"
            " (builtins.genList (n: first + n) 1000)",
            "500500",
        ),
        # One element fails when the fold uses it: the error as the loop reports it.
        (
            "let first = 1 + 0; in builtins.tryEval (builtins.foldl' (a: x: a + x) 0"
            ' (builtins.genList (n: if n == 500 then throw "no" else first + n) 1000))',
            "{ success = false; value = false; }",
        ),
        # An element the fold's function never uses is never forced by it.
        (
            "let first = 1 + 0; in builtins.foldl' (a: x: a + 1) 0"
            ' (builtins.genList (n: if n == 5 then throw "no" else first + n) 10)',
            "10",
        ),
    ],
)
def test_folds_over_elements_run_ahead(expr: str, value: str) -> None:
    ev = Evaluator()
    assert ev.render(ev.eval_source(expr, strict=True)) == value
