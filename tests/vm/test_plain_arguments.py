"""List arguments and elements a builtin evaluates itself, and bodies it gives
to the loop unstarted (``support.evaluate_plain``, ``support.apply_now``).

`all f (attrNames s)`: the list is a thunk whose code calls a one-argument
builtin; `filter`, `all`, `any`, `concatMap`, `foldl'`, `partition` and
`groupBy` evaluate it themselves when that needs no loop (no trip through
it); `foldl'` does the same for elements `map` made with a builtin. A body
that ended in a call when started by a builtin (`p: m p 2`) is given to the
loop unstarted from then on (started here, it would run twice). None of this
may show: ``fixtures/plain_arguments.json`` holds nix-instantiate 2.26.3's exit
status, stdout and whole stderr (``record_plain_arguments.py``), plain and with
``--show-trace``.
"""

from __future__ import annotations

from functools import partial
from inspect import GEN_CREATED, getgeneratorstate
from types import GeneratorType
from typing import Any

import pytest

from evaluator.builtins import support
from evaluator.builtins.support import apply_now, evaluate_plain, peek
from evaluator.vm.values import Call, Closure, NixList, PrimOp, Thunk
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output

CASES: list[dict[str, Any]] = load_cases(__file__, "plain_arguments.json")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _names(s: Any) -> Any:
    return NixList(sorted(s))


def _frame(s: Any) -> Any:
    return (yield s)


def _call(f: Any, x: Any) -> Call:
    # The code of a thunk `f x` (as `shared_code.call`).
    return Call(f, x)


def test_a_call_of_a_plain_builtin_is_evaluated_at_once() -> None:
    op = PrimOp("names", 1, _names)
    x = Thunk(partial(_call, op, {"b": 1, "a": 2}))
    assert evaluate_plain(x) is True
    assert x.code is None and x.value == ["a", "b"]


def test_a_call_of_a_plain_lambda_is_evaluated_at_once() -> None:
    fn = Closure(lambda v: v * 2)
    x = Thunk(partial(_call, fn, 21))
    assert evaluate_plain(x) is True and x.value == 42


@pytest.mark.parametrize("fn", [PrimOp("frame", 1, _frame), Closure(_frame)])
def test_a_call_needing_the_loop_is_left_to_it(fn: Any) -> None:
    x = Thunk(partial(_call, fn, 1))
    before = x.code
    assert evaluate_plain(x) is False
    assert x.code is before and x.value is None


def _ends_in_a_call(x: Any) -> Any:
    return Call(Closure(lambda v: v + 1), x)
    yield  # a frame


def test_a_body_that_ended_in_a_call_is_given_unstarted() -> None:
    fn = Closure(_ends_in_a_call)
    support._TAILING.discard(id(_ends_in_a_call.__code__))
    first = peek(fn.code(1), fn, 1)  # ran here, then started again for the loop
    assert type(first) is GeneratorType and getgeneratorstate(first) == GEN_CREATED
    second = apply_now(fn, 1)
    assert type(second) is GeneratorType and getgeneratorstate(second) == GEN_CREATED
    assert id(_ends_in_a_call.__code__) in support._TAILING


def test_foldl_starts_a_body_ending_in_a_call_once_before_the_loop() -> None:
    """`foldl' (acc: x: f acc x)`: the body run inline ends in a tail, so it is
    started again once, unstarted, for the loop, and remembered as tailing
    (it was run a third time through `peek` before)."""
    from evaluator.builtins.lists import foldl_strict

    starts = []

    def body(x: Any) -> Any:
        starts.append(x)
        return Call(Closure(lambda v: v + 1), x)
        yield  # a frame

    support._TAILING.discard(id(body.__code__))
    op = Closure(lambda acc: Closure(body))
    frame = foldl_strict(op, 0, NixList([7]))
    given = frame.send(None)  # what the fold asks the loop to run
    assert type(given) is GeneratorType and getgeneratorstate(given) == GEN_CREATED
    assert starts == [7]  # run once here; the new frame has not started
    assert id(body.__code__) in support._TAILING
