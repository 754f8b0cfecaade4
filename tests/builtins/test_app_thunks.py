"""The element thunks of `map` and `genList` (``support.app_thunks``), made
without ``Thunk.__init__``: thunks whose code is the bound method
``MethodType(code, x)`` (cheaper than ``partial(code, x)``, run the same)."""

from __future__ import annotations

from functools import partial
from types import MethodType

import pytest

from evaluator import api
from evaluator.builtins import support
from evaluator.vm.call_trace import _code_of
from evaluator.vm.loop import force
from evaluator.vm.values import Call, Closure, PrimOp, Thunk


@pytest.mark.parametrize("n", [0, 3, support._SMALL + 1])  # the short path and the sliced one
def test_element_thunks_are_plain_unevaluated_thunks(n: int) -> None:
    def code(x: int) -> int:
        return x * 2

    lam = Closure(code, None, False, "double")
    thunks = support.app_thunks(lam, range(n))
    assert len(thunks) == n
    for i, t in enumerate(thunks):
        assert type(t) is Thunk and t.value is None and t.span is None
        assert type(t.code) is MethodType and t.code.__func__ is code and t.code.__self__ == i
        assert support.code_function(t.code) is code and _code_of(t.code) is code.__code__
        assert force(t) == 2 * i and t.code is None and t.value == 2 * i


def test_a_builtin_element_is_a_call() -> None:
    neg = PrimOp("neg", 1, lambda x: -x)
    (t,) = support.app_thunks(neg, [5])
    assert type(t.code()) is Call
    assert force(t) == -5


def test_genlist_and_map_values() -> None:
    ev = api.Evaluator()
    text = (
        "let xs = builtins.genList (i: i * i) 1000; ys = map (x: x + 1) xs;"
        " in [ (builtins.elemAt xs 999) (builtins.length ys) (builtins.elemAt ys 3) ]"
    )
    assert ev.render(ev.eval_source(text, strict=True)) == "[ 998001 1000 10 ]"


def test_a_lambda_with_captures_is_seen_through() -> None:
    # A closure's code with captures is a `partial`: the trace (`_code_of`) and
    # `foldl'` (`code_function`) still find the lambda's function.
    def body(c: int, x: int) -> int:
        return c + x

    lam = Closure(partial(body, 10), None, False, "add")
    (t,) = support.app_thunks(lam, [5])
    assert support.code_function(t.code) is body and _code_of(t.code) is body.__code__
    assert not support.is_generator_code(t.code)
    assert force(t) == 15


def test_null_elements_and_values() -> None:
    # A method cannot be bound to None: those elements keep a `partial`.
    ev = api.Evaluator()
    text = (
        "[ (map (x: x) [ null 1 ]) (builtins.mapAttrs (_: v: v) { a = null; b = 2; })"
        " (builtins.mapAttrs (n: v: v) { a = null; }) ]"
    )
    assert ev.render(ev.eval_source(text, strict=True)) == (
        "[ [ null 1 ] { a = null; b = 2; } { a = null; } ]"
    )
    (t,) = support.app_thunks(Closure(lambda x: x, None, False, "id"), [None])
    assert type(t.code) is partial and force(t) is None
